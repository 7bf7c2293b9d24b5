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

# One meaning per marker, in every figure: a gold star is the lowest point (of the function, or of
# the drawn grid where the function's is unknown), an open ring a path's start, a filled dot its end.
# The end dot is drawn above the star and smaller, so an end at the minimum shows both.
MINIMUM_STYLE = {"marker": "*", "ms": 16, "color": "gold", "mec": "black", "mew": 0.8, "linestyle": "none",
                 "zorder": 5, "clip_on": False}  # whole even on the frame's edge
START_STYLE = {"marker": "o", "ms": 9, "mfc": "none", "mew": 2.2, "linestyle": "none", "zorder": 6}
END_STYLE = {"marker": "o", "ms": 6.5, "mec": "black", "mew": 0.8, "linestyle": "none", "zorder": 7}


def mark_minimum(ax, x, y, label="minimum"):
    """The gold star at ``(x, y)``: the lowest point."""
    return ax.plot(x, y, label=label, **MINIMUM_STYLE)[0]


def mark_ends(ax, path, color, start_color=None):
    """A ring at the path's start and a dot at its end (both in the path's color; the start ring may differ)."""
    path = np.asarray(path)
    ax.plot(*path[0], mec=start_color or color, **START_STYLE)
    ax.plot(*path[-1], mfc=color, **END_STYLE)


def marker_legend_handles(minimum_label="minimum", color="0.25"):
    """Legend entries for the three markers (for figures whose panels carry no legend of their own)."""
    from matplotlib.lines import Line2D

    return [Line2D([], [], label=minimum_label, **MINIMUM_STYLE),
            Line2D([], [], label="start", mec=color, **START_STYLE),
            Line2D([], [], label="end", mfc=color, **END_STYLE)]


def grid_minimum(alphas, betas, Z):
    """``(a, b, value)``: the lowest finite point of the grid ``Z[j, i]`` at ``(alphas[i], betas[j])``."""
    Z = np.ma.masked_invalid(np.asarray(Z, dtype=float))
    j, i = np.unravel_index(int(np.ma.argmin(Z)), Z.shape)
    return float(alphas[i]), float(betas[j]), float(Z[j, i])


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


# One look for the data a network learns from and one for the data it is judged on, in every figure:
# train blue and solid, held-out (test or validation) orange and dashed.
TRAIN_STYLE = {"color": "#1f77b4", "linestyle": "-"}
HELD_OUT_STYLE = {"color": "#ff7f0e", "linestyle": "--"}


def data_style(label):
    """The style of a curve of ``label``'s data: train, or held out (``"test"``, ``"validation"``...)."""
    return dict(TRAIN_STYLE) if str(label).lower().startswith("train") else dict(HELD_OUT_STYLE)


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
