"""Flat views of a 2D objective: contour maps, gradient arrows, descent paths."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from scratchnet.objectives import get_objective
from scratchnet.plot.notebook import builder
from scratchnet.plot.style import (
    CONTOUR_FILL,
    check_paths,
    color_for,
    contour_levels,
    linestyle_for,
    mark_ends,
    mark_minimum,
    marker_legend_handles,
)


def draw_contours(ax, objective, n=200, levels=20, filled=True, xlim=None, ylim=None):
    """Filled contours with contour lines over them, and a star at each minimum. Returns the fill."""
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    X, Y, Z = objective.grid(n, xlim, ylim)
    level_values = contour_levels(Z, levels, objective.log_scale)
    fill = ax.contourf(X, Y, Z, levels=level_values, cmap=CONTOUR_FILL, alpha=0.45) if filled else None
    ax.contour(X, Y, Z, levels=level_values, colors="0.35", linewidths=0.5, alpha=0.5)
    for number, (x, y) in enumerate(objective.minima):
        mark_minimum(ax, x, y, label="minimum" if number == 0 else None)
    ax.set_xlim(*(xlim or objective.xlim))
    ax.set_ylim(*(ylim or objective.ylim))
    ax.xaxis.set_major_locator(MaxNLocator(6))  # round ticks, apart even in a small panel
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return fill


def draw_path(ax, path, label, color, markers=True):
    """A descent path: line, optional step markers, a ring at its start and a dot at its end (above the star)."""
    path = np.asarray(path)
    ax.plot(path[:, 0], path[:, 1], "-", color=color, lw=1.8, label=label, zorder=3,
            marker="o" if markers else None, ms=4.5, mec="white", mew=0.5)
    mark_ends(ax, path, color)


def _edge_crossing(inside, beyond, x_range, y_range):
    """Where the step from ``inside`` to ``beyond`` crosses the edge of the window ``x_range`` x ``y_range``."""
    share = 1.0
    for axis, (low, high) in enumerate((x_range, y_range)):
        a, b = inside[axis], beyond[axis]
        if b < low:
            share = min(share, (low - a) / (b - a))
        elif b > high:
            share = min(share, (high - a) / (b - a))
    return inside + max(share, 0.0) * (beyond - inside)


def mark_exit(ax, path, color, objective=None):
    """Where ``path`` first leaves the axes' window: a triangle on the edge pointing out, and where it ends.

    A path that leaves the map would otherwise just stop at the frame, its end marker
    unseen; the note names the end point (and f there, given ``objective``). Returns
    the exit point, or ``None`` when the path stays inside.
    """
    path = np.asarray(path, dtype=float)
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    outside = (path[:, 0] < x0) | (path[:, 0] > x1) | (path[:, 1] < y0) | (path[:, 1] > y1)
    if not outside.any():
        return None
    k = int(np.argmax(outside))
    inside, beyond = path[k - 1] if k else path[0], path[k]
    edge = _edge_crossing(inside, beyond, (x0, x1), (y0, y1))
    direction = np.degrees(np.arctan2(*(beyond - inside)[::-1]))
    ax.plot(*edge, marker=(3, 0, direction - 90), ms=11, color=color, mec="black", mew=0.8, zorder=7, clip_on=False)
    end = path[-1]
    where = f"ends at ({end[0]:.3g}, {end[1]:.3g})" + (f", f = {objective(*end):.3g}" if objective is not None else "")
    ax.annotate(f"leaves the map; {where}", edge, xytext=(0, -12 if edge[1] >= y1 - 1e-9 else 12),
                textcoords="offset points", ha="center", va="top" if edge[1] >= y1 - 1e-9 else "bottom",
                fontsize=7.5, color="0.15", bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85,
                                                  "edgecolor": color})
    return edge


def grey_map_bar(fig, fill, axes):
    """One colour bar for the grey maps of ``axes``: what a shade of grey means (darker = higher)."""
    if fill is None:
        return None
    bar = fig.colorbar(fill, ax=axes, shrink=0.8, format="%.3g", label="f(x, y): darker is higher")
    bar.set_ticks(fill.levels[::4])  # every fourth level: labelled, apart
    return bar


@builder
def plot_gradient_field(objective, xs, ys, title=None):
    r"""Arrows of :math:`-\nabla f` on the grid ``xs`` x ``ys``, in xy units.

    Each arrow points where the function decreases fastest; its length is proportional
    to :math:`\lVert \nabla f \rVert`, scaled so the longest spans 1.5 grid cells.
    """
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    X, Y = np.meshgrid(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    gx, gy = objective.gradient(X, Y)
    magnitude = np.hypot(gx, gy)
    spacing = min(np.diff(xs).min(), np.diff(ys).min())
    scale = magnitude.max() / (1.5 * spacing) if magnitude.max() > 0 else 1.0
    fig, ax = plt.subplots(figsize=(6.4, 6), layout="constrained")
    draw_contours(ax, objective, filled=False, xlim=(X.min() - spacing, X.max() + spacing),
                  ylim=(Y.min() - spacing, Y.max() + spacing))
    arrows = ax.quiver(X, Y, -gx, -gy, magnitude, angles="xy", scale_units="xy", scale=scale,
                       cmap="viridis", width=0.004)
    fig.colorbar(arrows, ax=ax, shrink=0.8, label=r"$\|\nabla f\|$")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_0$")
    ax.set_ylabel("$x_1$")
    ax.set_title(title or f"negative gradient of {objective.formula}")
    return fig


@builder
def plot_descent_paths(objective, paths, title=None, ax=None, markers=True, legend=True):
    """Each path of ``paths`` (label -> array ``(steps + 1, 2)``) over the contour map."""
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    check_paths(paths)
    own = ax is None
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7.6, 5.5), layout="constrained")
    fill = draw_contours(ax, objective)
    if own:  # a figure of its own gets the map's colour bar; a panel of someone else's figure leaves it to them
        grey_map_bar(fig, fill, ax)
    for index, (label, path) in enumerate(paths.items()):
        draw_path(ax, path, label, color_for(label, index), markers=markers)
        mark_exit(ax, path, color_for(label, index), objective)
    if legend:
        ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
    ax.set_title(title or objective.formula)
    return fig


@builder
def plot_optimizer_grid(objective, paths, ncols=2, title=None, markers=True, xlim=None, ylim=None):
    """One panel per optimizer (``paths``: name -> path), each over the same contours (window ``xlim`` x ``ylim``)."""
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    check_paths(paths)
    nrows = -(-len(paths) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.9 * nrows), layout="constrained",
                             squeeze=False)
    for index, (ax, (label, path)) in enumerate(zip(axes.flat, paths.items(), strict=False)):  # spare panels
        fill = draw_contours(ax, objective, xlim=xlim, ylim=ylim)
        draw_path(ax, path, label, color_for(label, index), markers=markers)
        mark_exit(ax, path, color_for(label, index), objective)
        final = objective(*np.asarray(path)[-1])
        ax.set_title(f"{label}: f = {final:.3g} after {len(path) - 1} steps", fontsize=10)
    for ax in list(axes.flat)[len(paths):]:
        ax.remove()
    grey_map_bar(fig, fill, list(axes.flat)[:len(paths)])  # every panel shares the map and its levels
    handles = marker_legend_handles()[0 if len(objective.minima) else 1:]  # no star where there is no minimum
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=9, frameon=False)
    fig.suptitle(title or f"optimizers on {objective.formula}")
    return fig


def zoom_inset(ax, objective, half_width, bounds=(0.6, 0.04, 0.36, 0.36)):
    """An inset of ``ax`` (at ``bounds``, in axes fractions) showing the window ``half_width`` around the minimum."""
    center = np.asarray(objective.minima[0], dtype=float)
    inset = ax.inset_axes(list(bounds))
    draw_contours(inset, objective, n=120, xlim=(center[0] - half_width, center[0] + half_width),
                  ylim=(center[1] - half_width, center[1] + half_width))
    inset.set(xlabel="", ylabel="", xticks=[], yticks=[])
    ax.indicate_inset_zoom(inset, edgecolor="0.3")
    return inset


def draw_losses_by_step(ax, objective, paths):
    """f at each step of each path (one line per optimizer), on a log axis where every value is positive."""
    values = {label: objective(np.asarray(path)[:, 0], np.asarray(path)[:, 1]) for label, path in paths.items()}
    positive = all(np.all(np.asarray(v) > 0) for v in values.values())
    for index, (label, f) in enumerate(values.items()):
        ax.plot(np.arange(len(f)), f, color=color_for(label, index), lw=1.8, label=label,
                linestyle=linestyle_for(label.split(" (")[0]))
    ax.set_yscale("log" if positive else "symlog")
    ax.set_xlabel("step")
    ax.set_ylabel("f(x, y)" + (" (log scale)" if positive else " (symmetric log scale)"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3, which="both")
    return values


@builder
def plot_paths_and_losses(objective, paths, title=None, zoom=None):
    """The paths over the contour map, and beside it f at every step of each (how fast each one gets down).

    ``zoom`` (a half-width) adds an inset of the window around the minimum, where paths end together.
    """
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    check_paths(paths)
    fig, (ax_map, ax_loss) = plt.subplots(1, 2, figsize=(13.5, 5.4), layout="constrained",
                                          gridspec_kw={"width_ratios": [1.25, 1]})
    grey_map_bar(fig, draw_contours(ax_map, objective), ax_map)
    inset = zoom_inset(ax_map, objective, zoom) if zoom else None
    for index, (label, path) in enumerate(paths.items()):
        draw_path(ax_map, path, label, color_for(label, index))
        mark_exit(ax_map, path, color_for(label, index), objective)
        if inset is not None:
            draw_path(inset, path, None, color_for(label, index), markers=False)
    ax_map.legend(loc="upper right", fontsize=8, framealpha=0.9)
    ax_map.set_title(objective.formula)
    draw_losses_by_step(ax_loss, objective, paths)
    ax_loss.set_title("f at every step")
    if title:
        fig.suptitle(title)
    return fig
