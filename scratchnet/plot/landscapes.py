"""Loss landscapes of networks: surfaces, contour maps, interpolation curves, descent animations.

Grids come from :mod:`scratchnet.landscape` as ``(alphas, betas, Z)`` with
``Z[j, i] = L(alphas[i], betas[j])``. Cells that are NaN (a loss that overflowed) are
drawn as gaps, with a warning, never a crash.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import LogFormatterSciNotation, MaxNLocator

from scratchnet.plot.animation import frame_steps, start_camera
from scratchnet.plot.axes3d import declutter_3d_ticks, tidy_3d_ticks, to_scale
from scratchnet.plot.notebook import Animation, builder
from scratchnet.plot.style import (
    END_STYLE,
    MINIMUM_STYLE,
    START_STYLE,
    accuracy_axis,
    data_style,
    grid_minimum,
    mark_minimum,
)

PATH_COLORS = ["#d62728", "#ff7f0e", "#7b3294", "#1f77b4"]


def _masked(Z, where="Z"):
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 2 or Z.size == 0:
        raise ValueError(f"{where}: expected a non-empty 2-D grid (len(betas), len(alphas)), got shape {Z.shape}")
    bad = ~np.isfinite(Z)
    if bad.all():
        raise ValueError(f"{where}: every grid value is NaN or infinite; there is nothing to draw")
    if bad.any():
        warnings.warn(f"{where}: {int(bad.sum())} of {Z.size} grid values are not finite; drawn as gaps",
                      UserWarning, stacklevel=3)
    return np.ma.masked_invalid(Z)


def _check_grid(alphas, betas, Z):
    Z = _masked(Z)
    if Z.shape != (len(betas), len(alphas)):
        raise ValueError(f"Z: expected shape (len(betas), len(alphas)) = ({len(betas)}, {len(alphas)}), "
                         f"got {Z.shape}")
    if min(Z.shape) < 2:
        raise ValueError(f"Z: expected a grid of at least 2 x 2 points to draw, got {Z.shape}")
    return Z


def _wide_range(Z):
    """Whether the loss spans so many orders of magnitude that a log color scale reads better."""
    low, high = float(Z.min()), float(Z.max())
    return low > 0 and high / low > 50


def draw_landscape_contour(ax, alphas, betas, Z, cmap="viridis", levels=30, colorbar=True, label="loss",
                           colorbar_location="right"):
    """Filled contours of ``Z`` (log-colored when it spans decades) with lines over them.

    ``colorbar_location``: ``"right"``, or ``"bottom"`` for a wide map drawn to scale.
    """
    Z = _check_grid(alphas, betas, Z)
    A, B = np.meshgrid(alphas, betas)
    if _wide_range(Z):
        level_values = np.geomspace(Z.min(), Z.max(), levels)
        fill = ax.contourf(A, B, Z, levels=level_values, cmap=cmap, norm=LogNorm())
    elif Z.max() > Z.min():
        level_values = np.linspace(Z.min(), Z.max(), levels)
        fill = ax.contourf(A, B, Z, levels=level_values, cmap=cmap)
    else:  # a flat grid (zero directions, a plateau): one band, its value on the colour bar
        value = float(Z.min())
        spread = max(abs(value) * 1e-6, 1e-12)
        level_values = np.array([value - spread, value + spread])
        fill = ax.contourf(A, B, Z, levels=level_values, cmap=cmap)
    if len(level_values) > 2:
        ax.contour(A, B, Z, levels=level_values[::3], colors="white", linewidths=0.5, alpha=0.5)
    ax.set_xlim(alphas[0], alphas[-1])  # paths that leave the grid are clipped, not allowed to stretch it
    ax.set_ylim(betas[0], betas[-1])
    if colorbar:
        bar = ax.figure.colorbar(fill, ax=ax, shrink=0.85, format="%.3g", location=colorbar_location,
                                 label=label + (" (log scale)" if _wide_range(Z) else ""))
        if _wide_range(Z):  # ticks at powers of ten, not at the levels' odd values
            bar.set_ticks(_decades(float(Z.min()), float(Z.max())))
            bar.formatter = LogFormatterSciNotation()
            bar.minorticks_off()
        elif Z.max() > Z.min():  # round values inside the range (not the levels' own, like 0.294 and 0.788)
            bar.set_ticks([tick for tick in MaxNLocator(6).tick_values(float(Z.min()), float(Z.max()))
                           if Z.min() <= tick <= Z.max()])
        else:
            bar.set_ticks([float(Z.min())])
    return fill


def _decades(low, high):
    """The powers of ten within ``[low, high]`` (both positive)."""
    return [10.0**k for k in range(int(np.ceil(np.log10(low))), int(np.floor(np.log10(high))) + 1)]


def draw_landscape_surface(ax, alphas, betas, Z, cmap="viridis", alpha=0.8, zlabel="loss", log_height=False):
    """The grid as a 3D surface (gaps where ``Z`` is NaN).

    ``log_height``: heights are ``log10(Z)`` and the z axis says so; with the contour map's
    log colours beside it, a minimum that spans decades looks the same in both.
    """
    Z = _check_grid(alphas, betas, Z)
    if log_height:
        Z, zlabel = np.ma.log10(Z), f"log10 {zlabel}"
    A, B = np.meshgrid(alphas, betas)
    surface = ax.plot_surface(A, B, Z.filled(np.nan), cmap=cmap, alpha=alpha, linewidth=0, antialiased=True,
                              rstride=1, cstride=1, vmin=Z.min(), vmax=Z.max(), zorder=1)
    ax.set_xlim(alphas[0], alphas[-1])
    ax.set_ylim(betas[0], betas[-1])
    ax.set_zlabel(zlabel, labelpad=9)  # clear of the tick labels
    tidy_3d_ticks(ax)
    ax.set_box_aspect(None, zoom=0.88)  # room inside the axes for the tick and axis labels of every view
    return surface


def _height(height, alphas, betas, equal_aspect, map_width):
    """The figure's height: ``height``, or for a map drawn to scale ``map_width`` inches wide, what it needs."""
    if not equal_aspect:
        return height
    ratio = abs(betas[-1] - betas[0]) / max(abs(alphas[-1] - alphas[0]), 1e-12)
    return float(np.clip(map_width * ratio + 1.8, 4.2, height))


def _bar_location(alphas, betas, equal_aspect):
    """Under a map drawn to scale that is much wider than tall, beside it otherwise."""
    wide = abs(alphas[-1] - alphas[0]) > 1.6 * abs(betas[-1] - betas[0])
    return "bottom" if equal_aspect and wide else "right"


@builder
def plot_surfaces(panels, cmap="viridis", xlabel="alpha", ylabel="beta", zlabel="loss", title=None,
                  elev=30, azim=-60):
    """3D surfaces side by side; ``panels`` maps a title to ``(alphas, betas, Z)``."""
    if not panels:
        raise ValueError("panels: expected at least one (alphas, betas, Z) grid, got none")
    fig = plt.figure(figsize=(6.5 * len(panels), 5.5), layout="constrained")
    for index, (panel_title, (alphas, betas, Z)) in enumerate(panels.items(), start=1):
        ax = fig.add_subplot(1, len(panels), index, projection="3d")
        surface = draw_landscape_surface(ax, alphas, betas, Z, cmap=cmap, alpha=0.95, zlabel=zlabel)
        fig.colorbar(surface, ax=ax, shrink=0.55, pad=0.08, label=zlabel)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(panel_title)
        ax.view_init(elev=elev, azim=azim)
    if title:
        fig.suptitle(title)
    return declutter_3d_ticks(fig)


@builder
def plot_difference(alphas, betas, first, second, labels=("first", "second"), xlabel="alpha", ylabel="beta",
                    title=None, quantity="loss"):
    """Where two grids of the same plane differ: ``first - second`` on a diverging map centred at 0.

    Red where ``first`` is higher, blue where it is lower, white where they agree; the
    colour bar is symmetric, so equal shades mean equal differences either way.
    """
    difference = _check_grid(alphas, betas, first) - _check_grid(alphas, betas, second)
    limit = float(np.abs(difference).max()) or 1.0
    fig, ax = plt.subplots(figsize=(7.2, 5.6), layout="constrained")
    A, B = np.meshgrid(alphas, betas)
    fill = ax.contourf(A, B, difference, levels=np.linspace(-limit, limit, 21), cmap="RdBu_r")
    ax.contour(A, B, difference, levels=[0.0], colors="black", linewidths=0.8)
    fig.colorbar(fill, ax=ax, format="%.3g", label=f"{quantity} of {labels[0]} minus {labels[1]}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{labels[0]} minus {labels[1]} (black: equal)")
    return fig


@builder
def plot_landscape(alphas, betas, Z, path=None, path_heights=None, cmap="viridis", xlabel="alpha",
                   ylabel="beta", title=None, path_label="path", note=None, elev=35, azim=-60, equal_aspect=False):
    """Contour map and 3D surface of one grid, with an optional path drawn on both.

    ``path`` is ``(k, 2)`` in grid coordinates; ``path_heights`` its loss values (the
    path lies on the surface when they are the surface's own values). ``note`` is
    written under the figure, e.g. to say what the heights are. ``equal_aspect`` draws
    the plane to scale (one unit is as long on both axes: for PCA planes, whose second
    direction is much shorter). A ring marks the path's start, a dot its end, the gold
    star the grid's lowest point.
    """
    fig = plt.figure(figsize=(14, _height(5.8, alphas, betas, equal_aspect, 6.5)), layout="constrained")
    ax_contour = fig.add_subplot(1, 2, 1)
    draw_landscape_contour(ax_contour, alphas, betas, Z, cmap=cmap,
                           colorbar_location=_bar_location(alphas, betas, equal_aspect))
    ax_contour.set_xlabel(xlabel)
    ax_contour.set_ylabel(ylabel)
    ax_surface = fig.add_subplot(1, 2, 2, projection="3d", computed_zorder=False)
    draw_landscape_surface(ax_surface, alphas, betas, Z, cmap=cmap, alpha=0.7)
    ax_surface.set_xlabel(xlabel)
    ax_surface.set_ylabel(ylabel)
    ax_surface.view_init(elev=elev, azim=azim)
    if equal_aspect:
        to_scale(ax_contour, ax_surface, alphas, betas)
    if path is not None:
        path = np.asarray(path, dtype=float)
        if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
            raise ValueError(f"path: expected (a, b) points, shape (k, 2) with k >= 1, got {path.shape}")
        if path_heights is not None and np.shape(path_heights) != (len(path),):
            raise ValueError(f"path_heights: expected one height per point ({len(path)},), got "
                             f"{np.shape(path_heights)}")
        ax_contour.plot(path[:, 0], path[:, 1], "-", color="white", lw=3.5, zorder=3)
        ax_contour.plot(path[:, 0], path[:, 1], "-o", color=PATH_COLORS[0], lw=1.8, ms=3, label=path_label, zorder=4)
        ax_contour.plot(*path[0], label="start", **{**START_STYLE, "color": "white", "mec": "white"})
        ax_contour.plot(*path[-1], label="end", **{**END_STYLE, "mfc": PATH_COLORS[0]})
        if path_heights is not None:
            heights = np.asarray(path_heights)
            ax_surface.plot(path[:, 0], path[:, 1], heights, "-", color="black", lw=4, zorder=9)
            ax_surface.plot(path[:, 0], path[:, 1], heights, "-o", color=PATH_COLORS[0], lw=2, ms=3, zorder=10)
            ax_surface.scatter(*path[0], heights[0], s=90, facecolor="white", edgecolor="black", linewidth=2,
                               depthshade=False, zorder=11, label="start")
            ax_surface.scatter(*path[-1], heights[-1], s=60, color=PATH_COLORS[0], edgecolor="black",
                               depthshade=False, zorder=12, label="end")
    _mark_grid_minimum(ax_contour, ax_surface, alphas, betas, Z)
    ax_contour.legend(loc="upper right", fontsize=9, framealpha=0.9)
    if title:
        fig.suptitle(title)
    if note:
        fig.text(0.5, -0.01, note, ha="center", va="top", fontsize=9, style="italic")
    return declutter_3d_ticks(fig)


def _mark_grid_minimum(ax_contour, ax_surface, alphas, betas, Z):
    """The gold star at the grid's lowest point, on the map and (when given) on the surface."""
    a, b, value = grid_minimum(alphas, betas, Z)
    star = mark_minimum(ax_contour, a, b, label=f"lowest point of the grid ({value:.4g})")
    if ax_surface is not None:
        ax_surface.scatter(a, b, value, marker="*", s=260, color=MINIMUM_STYLE["color"], edgecolor="black",
                           depthshade=False, zorder=11, label="lowest point of the grid")
    return star


@builder
def plot_interpolation(alphas, losses, accuracies=None, title=None, markers=(0.0, 1.0),
                       marker_labels=("initial", "trained")):
    r"""Loss (log scale) and accuracy along :math:`\theta(a) = (1 - a)\,\theta_0 + a\,\theta_1`.

    ``losses`` and ``accuracies`` map a label (``"train"``, ``"test"``) to values per
    ``alphas``. Dotted lines mark ``a = 0`` and ``a = 1``.
    """
    if not losses:
        raise ValueError("losses: expected at least one curve, got none")
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    handles = []
    # One colour per data (train blue, held-out orange, as everywhere); loss solid, accuracy dashed.
    for label, values in losses.items():
        (line,) = ax.semilogy(alphas, values, "-", color=data_style(label)["color"], lw=2, label=f"{label} loss")
        handles.append(line)
    ax.set_xlabel(r"$a$ in $\theta(a) = (1 - a)\,\theta_{\mathrm{initial}} + a\,\theta_{\mathrm{trained}}$")
    ax.set_ylabel("loss (log scale, solid)")
    ax.grid(alpha=0.3, which="both")
    if accuracies:
        twin = ax.twinx()
        for label, values in accuracies.items():
            (line,) = twin.plot(alphas, values, "--", color=data_style(label)["color"], lw=1.8,
                                label=f"{label} accuracy")
            handles.append(line)
        twin.set_ylabel("accuracy (dashed)")
        accuracy_axis(twin)
    for position, name in zip(markers, marker_labels, strict=True):
        ax.axvline(position, color="0.3", linestyle=":", lw=1)
        ax.text(position, 1.01, name, transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=9)
    ax.legend(handles=handles, loc="center left", fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


@builder
def animate_landscape_descent(alphas, betas, Z, paths, heights, cmap="viridis", frames=None, interval=100,
                              xlabel="alpha", ylabel="beta", title=None, elev=35, azim=-60, step_name="step",
                              step_labels=None, equal_aspect=False):
    """Points descending the surface and the contour map together, one frame per step.

    ``paths`` maps a label to ``(k, 2)`` coordinates and ``heights`` the same labels to
    ``k`` loss values. The surface and contours are drawn once, with a ring at each
    start and the gold star at the grid's lowest point; each frame adds the trails so
    far, the current points and a counter: ``step_name`` followed by the step number or
    by ``step_labels[step]`` (e.g. the iteration each point was recorded at), and the
    loss there (with several paths, each one's loss is in the legend beside its name).
    Returns an ``ArtistAnimation``.
    """
    if not paths or set(paths) != set(heights):
        raise ValueError("paths, heights: expected the same non-empty set of labels in both")
    paths = {label: np.asarray(path) for label, path in paths.items()}
    fig = plt.figure(figsize=(13, _height(5.6, alphas, betas, equal_aspect, 5.5)), layout="constrained")
    ax_surface = fig.add_subplot(1, 2, 1, projection="3d", computed_zorder=False)
    draw_landscape_surface(ax_surface, alphas, betas, Z, cmap=cmap, alpha=0.65)
    ax_surface.set_xlabel(xlabel)
    ax_surface.set_ylabel(ylabel)
    ax_surface.view_init(elev=elev, azim=azim)
    ax_contour = fig.add_subplot(1, 2, 2)
    draw_landscape_contour(ax_contour, alphas, betas, Z, cmap=cmap,
                           colorbar_location=_bar_location(alphas, betas, equal_aspect))
    ax_contour.set_xlabel(xlabel)
    ax_contour.set_ylabel(ylabel)
    if equal_aspect:  # the plane to scale, as plot_landscape draws it
        to_scale(ax_contour, ax_surface, alphas, betas)
    star = _mark_grid_minimum(ax_contour, ax_surface, alphas, betas, Z)
    # Strong colors, each drawn over a black outline, so every path shows on any colormap.
    colors = {label: color for label, color in zip(paths, PATH_COLORS * 4, strict=False)}
    for label, path in paths.items():  # where each path starts stays marked in every frame
        ax_contour.plot(*path[0], **{**START_STYLE, "color": colors[label], "mec": "white"})
        ax_surface.scatter(*path[0], np.asarray(heights[label])[0], s=90, facecolor="white", edgecolor="black",
                           linewidth=2, depthshade=False, zorder=11)
    if title:
        fig.suptitle(title)
    declutter_3d_ticks(fig)
    camera = start_camera(fig)
    snapshots = []
    for step in frame_steps(max(len(p) for p in paths.values()), frames):
        handles, losses = [star], []
        for label, path in paths.items():
            upto = min(step, len(path) - 1)
            z = np.asarray(heights[label])[: upto + 1]
            color = colors[label]
            ax_surface.plot(path[: upto + 1, 0], path[: upto + 1, 1], z, "-", color="black", lw=3.5, zorder=9)
            ax_surface.plot(path[: upto + 1, 0], path[: upto + 1, 1], z, "-", color=color, lw=2, zorder=10)
            ax_surface.scatter(path[upto, 0], path[upto, 1], z[-1], s=80, color=color, edgecolor="black",
                               depthshade=False, zorder=11)
            ax_contour.plot(path[: upto + 1, 0], path[: upto + 1, 1], "-", color="white", lw=3.5)
            (trail,) = ax_contour.plot(path[: upto + 1, 0], path[: upto + 1, 1], "-", color=color, lw=2,
                                       label=f"{label}: loss {z[-1]:.4g}" if len(paths) > 1 else label)
            ax_contour.plot(path[upto, 0], path[upto, 1], "o", color=color, ms=8, mec="black")
            handles.append(trail)
            losses.append(f"{z[-1]:.4g}")
        ax_contour.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
        shown = step if step_labels is None else step_labels[step]
        # one path: its loss in the counter; several: each one's loss beside its name in the legend
        counter = f"{step_name} {shown}" + (f": loss {losses[0]}" if len(paths) == 1 else "")
        ax_contour.text(0.02, 0.96, counter, transform=ax_contour.transAxes,
                        va="top", fontsize=9,
                        bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85})
        snapshots.append(camera.snap())
    return Animation(fig, snapshots, interval=interval, blit=False)


@builder
def plot_landscape_rows(panels, cmap="viridis", xlabel="alpha", ylabel="beta", title=None, elev=35, azim=-60):
    """One row per grid (``panels``: title -> ``(alphas, betas, Z)``): its contour map beside its surface."""
    if not panels:
        raise ValueError("panels: expected at least one (alphas, betas, Z) grid, got none")
    fig = plt.figure(figsize=(13, 5.2 * len(panels)), layout="constrained")
    for row, (panel_title, (alphas, betas, Z)) in enumerate(panels.items()):
        ax_contour = fig.add_subplot(len(panels), 2, 2 * row + 1)
        draw_landscape_contour(ax_contour, alphas, betas, Z, cmap=cmap)
        ax_contour.set_title(f"{panel_title}: contours")
        ax_surface = fig.add_subplot(len(panels), 2, 2 * row + 2, projection="3d")
        # heights on the contours' scale: log10 where the colours are log-scaled
        draw_landscape_surface(ax_surface, alphas, betas, Z, cmap=cmap, alpha=0.9,
                               log_height=_wide_range(_check_grid(alphas, betas, Z)))
        ax_surface.set_title(f"{panel_title}: surface")
        ax_surface.view_init(elev=elev, azim=azim)
        for ax in (ax_contour, ax_surface):
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
    if title:
        fig.suptitle(title)
    return declutter_3d_ticks(fig)
