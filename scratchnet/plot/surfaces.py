"""3D views of a 2D objective: wireframe, colored surface, and descent paths on it."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from scratchnet.objectives import get_objective
from scratchnet.plot.style import SURFACE_MAP, color_for, contour_levels


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
    lines = flat.contour(X, Y, Z, levels=contour_levels(Z, 15, objective.log_scale), cmap=SURFACE_MAP)
    flat.clabel(lines, fontsize=7, fmt="%.3g")
    flat.set_xlabel("x")
    flat.set_ylabel("y")
    flat.set_title("contour lines")
    fig.suptitle(title or objective.formula)
    return fig


def plot_surface_paths(objective, paths, n=60, title=None, elev=40, azim=-65, xlim=None, ylim=None):
    """The surface (translucent) over the window ``xlim`` x ``ylim``, each path drawn on it at height f(path)."""
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    X, Y, Z = objective.grid(n, xlim, ylim)
    fig = plt.figure(figsize=(9, 7), layout="constrained")
    ax = fig.add_subplot(projection="3d", computed_zorder=False)  # paths drawn over the surface, always
    ax.plot_surface(X, Y, Z, cmap=SURFACE_MAP, alpha=0.55, linewidth=0, antialiased=True, zorder=1)
    lift = 0.01 * (np.nanmax(Z) - np.nanmin(Z))  # keeps the path above the surface it lies on
    for index, (label, path) in enumerate(paths.items()):
        path = np.asarray(path)
        heights = objective(path[:, 0], path[:, 1]) + lift
        color = color_for(label, index)
        ax.plot(path[:, 0], path[:, 1], heights, "-o", color=color, ms=3, lw=2.2, label=label, zorder=10)
        ax.scatter(*path[-1], heights[-1], color=color, s=40, edgecolor="black", depthshade=False, zorder=11)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("f(x, y)")
    ax.view_init(elev=elev, azim=azim)
    ax.legend(loc="upper left")
    ax.set_title(title or f"descent paths on {objective.formula}")
    return fig
