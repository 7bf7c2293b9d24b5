"""3D views of a 2D objective: wireframe, colored surface, and descent paths on it."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from scratchnet.objectives import get_objective
from scratchnet.plot.notebook import builder
from scratchnet.plot.style import MINIMUM_STYLE, SURFACE_MAP, check_paths, color_for, contour_levels


@builder
def plot_surface_views(objective, n=60, title=None):
    """Three panels: wireframe, colored surface with colorbar, and contour lines (book fig. 6-1, 6-2)."""
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    X, Y, Z = objective.grid(n)
    fig = plt.figure(figsize=(16, 4.8), layout="constrained")
    wire = fig.add_subplot(1, 3, 1, projection="3d")
    wire.plot_wireframe(X, Y, Z, rstride=2, cstride=2, color="0.3", linewidth=0.5)
    wire.set_title("wireframe")
    surface_ax = fig.add_subplot(1, 3, 2, projection="3d")
    surface = surface_ax.plot_surface(X, Y, Z, cmap=SURFACE_MAP, linewidth=0, antialiased=True)
    fig.colorbar(surface, ax=surface_ax, shrink=0.6, pad=0.1, label="f(x, y)")
    surface_ax.set_title("surface")
    for ax in (wire, surface_ax):
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_zlabel("f(x, y)")
        ax.view_init(elev=30, azim=-60)
        ax.xaxis.set_major_locator(MaxNLocator(5))  # 3D tick labels collide when dense
        ax.yaxis.set_major_locator(MaxNLocator(5))
    flat = fig.add_subplot(1, 3, 3)
    if objective.log_scale:
        levels = contour_levels(Z, 15, True)
    else:  # round values, so the labels read 5, 10, 15 rather than 4.29, 6.44
        levels = [level for level in MaxNLocator(12).tick_values(Z.min(), Z.max()) if Z.min() < level < Z.max()]
    lines = flat.contour(X, Y, Z, levels=levels, cmap=SURFACE_MAP)
    flat.clabel(lines, fontsize=7, fmt="%.3g")
    flat.set_aspect("equal")  # the ellipses in their true proportion
    flat.set_xlabel("x")
    flat.set_ylabel("y")
    flat.set_title("contour lines")
    fig.suptitle(title or objective.formula)
    return fig


def _draw_path_on_surface(ax, objective, path, label, color, lift):
    """One path on the surface at height f + ``lift``, with a ring at its start and a dot at its end."""
    path = np.asarray(path)
    heights = objective(path[:, 0], path[:, 1]) + lift
    # thin enough that a zig-zag of many steps stays a zig-zag, with a dark edge that keeps it seen on any colour
    ax.plot(path[:, 0], path[:, 1], heights, "-", color="black", lw=2.8, zorder=9)
    ax.plot(path[:, 0], path[:, 1], heights, "-o", color=color, ms=2.2, lw=1.5, label=label, zorder=10)
    ax.scatter(*path[0], heights[0], s=70, facecolor="white", edgecolor=color, linewidth=2, depthshade=False,
               zorder=11)
    ax.scatter(*path[-1], heights[-1], color=color, s=45, edgecolor="black", depthshade=False, zorder=11)


@builder
def plot_surface_paths(objective, paths, n=60, title=None, elev=40, azim=-65, xlim=None, ylim=None,
                       separate=False, ncols=2):
    """The surface (translucent) over the window ``xlim`` x ``ylim``, each path drawn on it at height f(path).

    A ring marks each start and a dot each end. With ``separate`` every path gets its own
    panel (``ncols`` a row), so paths that end in the same valley do not hide each other;
    otherwise they share one surface and the legend sits below it.
    """
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    check_paths(paths)
    X, Y, Z = objective.grid(n, xlim, ylim)
    lift = 0.01 * (np.nanmax(Z) - np.nanmin(Z))  # keeps the path above the surface it lies on
    groups = [{label: path} for label, path in paths.items()] if separate else [paths]
    ncols = min(ncols, len(groups))
    nrows = -(-len(groups) // ncols)
    fig = plt.figure(figsize=(5.2 * ncols, 4.3 * nrows) if separate else (9, 7.4), layout="constrained")
    for number, group in enumerate(groups, 1):
        ax = fig.add_subplot(nrows, ncols, number, projection="3d", computed_zorder=False)  # paths over the surface
        ax.plot_surface(X, Y, Z, cmap=SURFACE_MAP, alpha=0.55, linewidth=0, antialiased=True, zorder=1)
        for label, path in group.items():
            _draw_path_on_surface(ax, objective, path, label, color_for(label, list(paths).index(label)), lift)
        for x, y in objective.minima:  # the gold star, as on every map
            ax.scatter(x, y, objective(x, y) + lift, marker="*", s=220, color=MINIMUM_STYLE["color"],
                       edgecolor="black", depthshade=False, zorder=12)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_zlabel("f(x, y)")
        ax.view_init(elev=elev, azim=azim)
        if separate:
            ax.set_title(next(iter(group)), color=color_for(next(iter(group)), number - 1))
    if not separate:
        fig.legend(*fig.axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=len(paths))
    fig.suptitle(title or f"descent paths on {objective.formula}")
    return fig
