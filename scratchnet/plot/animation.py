"""Celluloid animations: optimizers racing over contours, a ball rolling down a surface.

celluloid's ``Camera.snap()`` collects the artists added since the previous snap.
The background (contours, surface) is drawn once and taken by a first snap that is
left out of the frame list, so matplotlib never hides it and never redraws it as a
new artist; every later snap holds only that frame's paths, points and text.
"""

import matplotlib.pyplot as plt
import numpy as np
from celluloid import Camera

from scratchnet.objectives import get_objective
from scratchnet.plot.contours import draw_contours, zoom_inset
from scratchnet.plot.notebook import Animation, builder
from scratchnet.plot.style import MINIMUM_STYLE, SURFACE_MAP, check_paths, color_for


def start_camera(fig):
    """A celluloid ``Camera`` for ``fig``, whose background (everything drawn so far) is kept.

    The layout is solved once and frozen, so it is not solved again for every saved frame
    (most of the cost of drawing one) and the axes cannot shift as a frame's legend and
    text change. The background is taken by a first snap that is left out of the frame
    list, so it stays drawn throughout. Build frames with ``camera.snap()`` and pass
    their list to ``ArtistAnimation``.
    """
    fig.canvas.draw()
    fig.set_layout_engine("none")
    camera = Camera(fig)
    camera.snap()
    return camera


def frame_steps(length, frames):
    """``frames`` step numbers from 0 to ``length - 1``, evenly spread (all steps if fewer)."""
    if frames is not None and (isinstance(frames, bool) or int(frames) != frames or frames < 1):
        raise ValueError(f"frames: expected a whole number >= 1 or None (every step), got {frames!r}")
    if frames is None or frames >= length:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, frames).round().astype(int))


@builder
def animate_race(objective, paths, frames=None, interval=80, title=None, zoom=None, hold=12):
    """All ``paths`` (label -> ``(steps + 1, 2)``) moving together over the contours.

    Each frame shows every optimizer's trail up to that step and its current point, a
    legend of the current frame's artists only (so it never piles up) with each one's
    f there, and a step counter. A path that ended early (divergence) stays at its last
    point. ``zoom`` (a half-width) adds an inset of the window ``zoom`` around the
    minimum, where the paths end up together; the last frame is held for ``hold``
    frames, so a loop does not jump back at once. Returns an ``ArtistAnimation``.
    """
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    check_paths(paths)
    paths = {label: np.asarray(path) for label, path in paths.items()}
    longest = max(len(path) for path in paths.values())
    fig, ax = plt.subplots(figsize=(7, 5.5), layout="constrained")
    draw_contours(ax, objective)
    ax.set_title(title or f"optimizers racing on {objective.formula}")
    inset = zoom_inset(ax, objective, zoom) if zoom else None
    camera = start_camera(fig)
    snapshots, inset_drawn = [], len(inset.lines) if inset is not None else 0
    for step in frame_steps(longest, frames):
        handles = []
        for index, (label, path) in enumerate(paths.items()):
            upto = path[: min(step, len(path) - 1) + 1]
            color = color_for(label, index)
            (trail,) = ax.plot(upto[:, 0], upto[:, 1], "-", color=color, lw=2,
                               label=f"{label}: f = {objective(*upto[-1]):.2g}")
            ax.plot(*upto[-1], "o", color=color, ms=8, mec="black", mew=0.8)
            handles.append(trail)
            if inset is not None:
                inset.plot(upto[:, 0], upto[:, 1], "-", color=color, lw=2)
                inset.plot(*upto[-1], "o", color=color, ms=6, mec="black", mew=0.8)
        ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
        ax.text(0.02, 0.96, f"step {step}", transform=ax.transAxes, fontsize=11, va="top",
                bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85})
        frame = camera.snap()
        if inset is not None:  # an inset is not one of the figure's axes: the camera misses what this frame drew there
            frame += inset.lines[inset_drawn:]
            inset_drawn = len(inset.lines)
        snapshots.append(frame)
    snapshots += [snapshots[-1]] * int(hold)
    return Animation(fig, snapshots, interval=interval, blit=False)


@builder
def animate_surface_descent(objective, path, label="descent", frames=None, interval=80, n=60, title=None,
                            elev=40, azim=-65, xlim=None, ylim=None):
    """A ball rolling down the 3D surface (window ``xlim`` x ``ylim``) along ``path``, leaving its trail.

    The surface is drawn once, with a ring at the start and the gold star at the minimum; each
    frame adds the trail so far, the ball and a caption with f there.
    """
    objective = get_objective(objective)  # a name ("bowl") or an Objective
    check_paths({label: path})
    path = np.asarray(path)
    X, Y, Z = objective.grid(n, xlim, ylim)
    fig = plt.figure(figsize=(8, 6.5), layout="constrained")
    # computed_zorder=False: draw in zorder, so the ball and trail are never sorted behind the surface
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    # opaque: translucent facets overlap into a staircase once a GIF quantizes their blended colours
    ax.plot_surface(X, Y, Z, cmap=SURFACE_MAP, alpha=1.0, linewidth=0, antialiased=True, zorder=1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("f(x, y)")
    ax.view_init(elev=elev, azim=azim)
    ax.set_title(title or f"{label} on {objective.formula}")
    values = objective(path[:, 0], path[:, 1])
    heights = values + 0.01 * (np.nanmax(Z) - np.nanmin(Z))  # drawn just above the surface it lies on
    color = color_for(label)
    # Drawn once, kept in every frame: a ring where the ball started, the star at the function's minimum.
    ax.scatter(path[0, 0], path[0, 1], heights[0], s=110, facecolor="white", edgecolor=color, linewidth=2.5,
               depthshade=False, zorder=11, label="start")
    lift = heights[0] - values[0]
    for x, y in objective.minima:
        ax.scatter(x, y, objective(x, y) + lift, marker="*", s=300, color=MINIMUM_STYLE["color"], edgecolor="black",
                   depthshade=False, zorder=10, label="minimum")
    ax.legend(loc="upper right", fontsize=9)
    camera = start_camera(fig)
    snapshots = []
    for step in frame_steps(len(path), frames):
        trail = (path[: step + 1, 0], path[: step + 1, 1], heights[: step + 1])
        ax.plot(*trail, "-", color="black", lw=4.5, zorder=9)  # a dark edge keeps the trail visible on any color
        ax.plot(*trail, "-", color=color, lw=2.5, zorder=10)
        ax.scatter(path[step, 0], path[step, 1], heights[step], s=130, color=color, edgecolor="black",
                   linewidth=1.5, depthshade=False, zorder=11)
        ax.text2D(0.02, 0.95, f"step {step}: f = {values[step]:.3g}", transform=ax.transAxes, fontsize=11,
                  bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85})
        snapshots.append(camera.snap())
    return Animation(fig, snapshots, interval=interval, blit=False)
