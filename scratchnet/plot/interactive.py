"""Interactive 3D in the browser (plotly): surfaces to rotate, paths on them, an animated descent to play.

The same data as the matplotlib builders: a grid ``(alphas, betas, Z)`` with
``Z[j, i]`` at ``(alphas[i], betas[j])``, paths ``(k, 2)`` and their heights. Each function
returns a ``plotly.graph_objects.Figure``; :func:`write_page` writes one as an ``.html``
page that works offline, its JavaScript in one shared file beside it. plotly is the
``interactive`` extra (``pip install "scratchnet[interactive]"``); nothing else needs it.
"""

from pathlib import Path

import numpy as np

from scratchnet.fileio import atomic_path, write_bytes_atomic
from scratchnet.objectives import get_objective
from scratchnet.plot.landscapes import PATH_COLORS
from scratchnet.plot.style import color_for

PLOTLY_JS = "plotly.min.js"  # the one copy of plotly's JavaScript, beside the pages


def _plotly():
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise ImportError('interactive pages need plotly: pip install "scratchnet[interactive]" '
                          '(or: pip install plotly)') from None
    return go


def _path_traces(go, paths, heights, colors, lift):
    traces = []
    for (label, path), color in zip(paths.items(), colors, strict=False):
        path, z = np.asarray(path, dtype=float), np.asarray(heights[label], dtype=float) + lift
        traces.append(go.Scatter3d(x=path[:, 0], y=path[:, 1], z=z, mode="lines+markers", name=label,
                                   line={"color": color, "width": 6}, marker={"size": 6, "color": color},
                                   hovertemplate="x %{x:.4g}<br>y %{y:.4g}<br>loss %{z:.6g}<extra>" + label
                                                 + "</extra>"))
    return traces


def surface_figure(alphas, betas, Z, paths=None, heights=None, title=None, xlabel="alpha", ylabel="beta",
                   zlabel="loss", colorscale="Viridis", colors=None):
    """A rotatable surface of ``Z`` with the ``paths`` (label -> ``(k, 2)``) drawn on it at ``heights``."""
    go = _plotly()
    Z = np.asarray(Z, dtype=float)
    if Z.shape != (len(betas), len(alphas)):
        raise ValueError(f"Z: expected shape (len(betas), len(alphas)) = ({len(betas)}, {len(alphas)}), "
                         f"got {Z.shape}")
    surface = go.Surface(x=np.asarray(alphas, dtype=float), y=np.asarray(betas, dtype=float), z=Z,
                         colorscale=colorscale, opacity=0.75, colorbar={"title": zlabel},
                         hovertemplate=f"{xlabel} %{{x:.4g}}<br>{ylabel} %{{y:.4g}}<br>{zlabel} %{{z:.6g}}"
                                       "<extra></extra>")
    traces = [surface]
    if paths:
        lift = 0.01 * float(np.nanmax(Z) - np.nanmin(Z))  # a sliver above the surface, so the path stays in view
        traces += _path_traces(go, paths, heights, colors or PATH_COLORS * 4, lift)
    figure = go.Figure(traces)
    figure.update_layout(title=title, scene={"xaxis_title": xlabel, "yaxis_title": ylabel, "zaxis_title": zlabel,
                                             "camera": {"eye": {"x": 1.5, "y": -1.5, "z": 1.2}}},
                         margin={"l": 0, "r": 0, "t": 50, "b": 0}, legend={"x": 0.01, "y": 0.99})
    return figure


def trajectory_figure(result, title=None):
    """The loss over the PCA plane of a training path, and the path on it (a :class:`TrajectoryLandscape`)."""
    labels = result.axis_labels
    return surface_figure(result.alphas, result.betas, result.Z, {"training path": result.path},
                          {"training path": result.path_loss}, title=title or "loss on the plane of the path",
                          xlabel=labels["xlabel"], ylabel=labels["ylabel"])


def objective_paths_figure(objective, paths, n=80, title=None, xlim=None, ylim=None):
    """Optimizer paths (name -> ``(k, 2)``) on the surface of a 2D objective (an Objective or its name)."""
    objective = get_objective(objective)
    X, Y, Z = objective.grid(n, xlim, ylim)
    heights = {label: objective(np.asarray(p)[:, 0], np.asarray(p)[:, 1]) for label, p in paths.items()}
    colors = [color_for(label, index) for index, label in enumerate(paths)]
    figure = surface_figure(X[0], Y[:, 0], Z, paths, heights, title=title or f"paths on {objective.name}",
                            xlabel="x", ylabel="y", zlabel="f(x, y)", colors=colors)
    # Seen from the side the paths start on (low x, low y), the surface does not hide them.
    figure.update_layout(scene_camera={"eye": {"x": -1.3, "y": -1.9, "z": 1.3}},
                         scene_aspectmode="manual", scene_aspectratio={"x": 1.5, "y": 1, "z": 0.8})
    return figure


def descent_animation(alphas, betas, Z, path, heights, label="descent", title=None, xlabel="alpha",
                      ylabel="beta", frames=None):
    """The point moving down the surface, with play/pause and a step slider; the surface stays rotatable."""
    go = _plotly()
    path, heights = np.asarray(path, dtype=float), np.asarray(heights, dtype=float)
    steps = np.arange(len(path)) if frames is None or frames >= len(path) else \
        np.unique(np.linspace(0, len(path) - 1, frames).round().astype(int))
    figure = surface_figure(alphas, betas, Z, {label: path[:1]}, {label: heights[:1]}, title=title,
                            xlabel=xlabel, ylabel=ylabel)
    lift = 0.01 * float(np.nanmax(Z) - np.nanmin(Z))
    figure.frames = [go.Frame(name=str(step), traces=[1], data=[go.Scatter3d(
        x=path[:step + 1, 0], y=path[:step + 1, 1], z=heights[:step + 1] + lift)]) for step in steps]
    slider = {"steps": [{"label": str(step), "method": "animate",
                         "args": [[str(step)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}]}
                        for step in steps], "currentvalue": {"prefix": "step "}}
    play = {"type": "buttons", "direction": "left", "x": 0.0, "y": 1.0, "xanchor": "left", "yanchor": "top",
            "buttons": [
        {"label": "play", "method": "animate",
         "args": [None, {"frame": {"duration": 120, "redraw": True}, "fromcurrent": True}]},
        {"label": "pause", "method": "animate", "args": [[None], {"mode": "immediate"}]}]}
    figure.update_layout(sliders=[slider], updatemenus=[play])
    return figure


def write_page(figure, path):
    """Write ``figure`` as an offline ``.html`` page; plotly's JavaScript is written once beside it."""
    _plotly()
    import plotly.offline

    path = Path(path).with_suffix(".html")
    script, wanted = path.parent / PLOTLY_JS, plotly.offline.get_plotlyjs().encode()
    # Written again unless it is exactly this plotly's: an empty, damaged or older copy would blank every page.
    if not script.is_file() or script.stat().st_size != len(wanted) or script.read_bytes() != wanted:
        write_bytes_atomic(script, wanted)
    with atomic_path(path) as temporary:
        figure.write_html(str(temporary), include_plotlyjs=PLOTLY_JS, full_html=True, auto_play=False)
    return path
