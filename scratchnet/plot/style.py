"""Shared look: one color per optimizer everywhere, contour levels that show a valley."""

import numpy as np

OPTIMIZER_COLORS = {
    "SGD": "#d62728",
    "Momentum": "#1f77b4",
    "Nesterov": "#17becf",
    "AdaGrad": "#2ca02c",
    "RMSprop": "#9467bd",
    "Adam": "#ff7f0e",
}
# Where two optimizers' curves coincide (Momentum and Nesterov often do), the dashed one,
# drawn on top, lets the solid one show through its gaps.
OPTIMIZER_LINESTYLES = {"Nesterov": (0, (5, 3)), "RMSprop": "-.", "AdaGrad": (0, (1, 1.5))}
FALLBACK_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
# A neutral background, white at the bottom of the valley, so every optimizer color stays
# readable over it (a blue map swallows the blue Momentum path).
CONTOUR_FILL = "Greys"
SURFACE_MAP = "viridis"


def color_for(name, index=0):
    """The color of an optimizer by name (case-insensitive prefix), else a fallback by index."""
    for key, color in OPTIMIZER_COLORS.items():
        if str(name).lower().startswith(key.lower()):
            return color
    return FALLBACK_COLORS[index % len(FALLBACK_COLORS)]


def contour_levels(Z, count=20, log_scale=False, decades=6):
    """Levels spanning ``Z``: evenly spaced, or geometric above the minimum for steep valleys.

    Geometric levels cover ``decades`` powers of ten above the minimum, so a function
    that rises from 0 to 1e5 still shows the shape of its valley floor.
    """
    finite = Z[np.isfinite(Z)]
    low, high = float(finite.min()), float(finite.max())
    if not log_scale:
        return np.linspace(low, high, count)
    span = max(high - low, 1e-12)
    return low + np.geomspace(span * 10.0**-decades, span, count)


ACCURACY_YLIM = (0.0, 1.03)  # a little room above 1.0, so a perfect score is not drawn on the top spine


def accuracy_axis(ax):
    """An accuracy axis: 0 to just above 1, ticks every 0.2 up to 1.0."""
    ax.set_ylim(*ACCURACY_YLIM)
    ax.set_yticks(np.linspace(0.0, 1.0, 6))


def fit_on_screen(fig, max_pixels=(1500, 850)):
    """Shrink ``fig`` (keeping its proportions) so its window fits ``max_pixels`` at its dpi; returns it."""
    width, height = fig.get_size_inches() * fig.dpi
    scale = min(1.0, max_pixels[0] / width, max_pixels[1] / height)
    if scale < 1.0:
        fig.set_size_inches(fig.get_size_inches() * scale, forward=True)
    return fig


def linestyle_for(name):
    """The line style of an optimizer's curves (solid unless it shares a look with another)."""
    return OPTIMIZER_LINESTYLES.get(name, "-")


def check_paths(paths):
    """``paths`` (label -> ``(steps + 1, 2)``) checked: at least one, each a non-empty array of points."""
    if not paths:
        raise ValueError("paths: expected at least one path, got none")
    for label, path in paths.items():
        path = np.asarray(path)
        if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
            raise ValueError(f"paths[{label!r}]: expected an array of shape (steps + 1, 2), got {path.shape}")
