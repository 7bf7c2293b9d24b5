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
from scratchnet.plot.style import MINIMUM_STYLE, color_for, grid_minimum

PLOTLY_JS = "plotly.min.js"  # the one copy of plotly's JavaScript, beside the pages


def _plotly():
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise ImportError('interactive pages need plotly: pip install "scratchnet[interactive]" '
                          '(or: pip install plotly)') from None
    return go


def _lift(Z):
    """A sliver above the surface (1.5% of its height range), where paths and markers are drawn so they stay seen."""
    return 0.015 * float(np.nanmax(Z) - np.nanmin(Z))


def _minimum_trace(go, a, b, z, name):
    """The gold diamond of the lowest point(s) (plotly's 3D markers have no star)."""
    return go.Scatter3d(x=np.atleast_1d(a), y=np.atleast_1d(b), z=np.atleast_1d(z), mode="markers", name=name,
                        marker={"size": 8, "symbol": "diamond", "color": MINIMUM_STYLE["color"],
                                "line": {"color": "black", "width": 1}})


def _path_traces(go, paths, heights, colors, lift):
    """Each path as a line with its points, a ring at its start and a dot at its end (one legend entry each)."""
    traces = []
    for (label, path), color in zip(paths.items(), colors, strict=False):
        path, z = np.asarray(path, dtype=float), np.asarray(heights[label], dtype=float) + lift
        hover = "x %{x:.4g}<br>y %{y:.4g}<br>loss %{z:.6g}<extra>" + label + "</extra>"
        traces.append(go.Scatter3d(x=path[:, 0], y=path[:, 1], z=z, mode="lines+markers", name=label,
                                   legendgroup=label, line={"color": color, "width": 7},
                                   marker={"size": 3.5, "color": color}, hovertemplate=hover))
        traces.append(go.Scatter3d(x=path[:1, 0], y=path[:1, 1], z=z[:1], mode="markers", name=f"{label}: start",
                                   legendgroup=label, showlegend=False, hovertemplate=hover,
                                   marker={"size": 9, "color": "white", "symbol": "circle-open",
                                           "line": {"color": color, "width": 4}}))
        traces.append(go.Scatter3d(x=path[-1:, 0], y=path[-1:, 1], z=z[-1:], mode="markers", name=f"{label}: end",
                                   legendgroup=label, showlegend=False, hovertemplate=hover,
                                   marker={"size": 7, "color": color, "line": {"color": "black", "width": 1}}))
    return traces


def scene_view(alphas, betas, paths=None, equal_aspect=False):
    """The scene's proportions and a camera that looks at the paths from above, facing their start.

    A fixed aspect keeps the scene inside the page (plotly's automatic one follows the
    data and can make a tower taller than the window). The camera stands high (about 55
    degrees up) on the side opposite to where the paths start: a path starts high and
    runs down, and the far slope faces the camera, while a near slope would hide the
    valley behind its rim.
    """
    width, depth = abs(alphas[-1] - alphas[0]), abs(betas[-1] - betas[0])
    longer = max(width, depth)
    aspect = {"x": 1.2 * width / longer, "y": 1.2 * depth / longer, "z": 0.5} if equal_aspect else \
        {"x": 1.2, "y": 1.2, "z": 0.7}
    direction = np.array([-1.0, -1.2])  # without paths: from low x and low y
    if paths:
        starts = np.array([np.asarray(path, dtype=float)[0] for path in paths.values()])
        middle = np.array([(alphas[0] + alphas[-1]) / 2, (betas[0] + betas[-1]) / 2])
        offset = (starts.mean(axis=0) - middle) / np.array([max(width, 1e-12), max(depth, 1e-12)])
        if np.linalg.norm(offset) > 0.05:
            direction = -offset
    direction = direction / np.linalg.norm(direction) * 1.45
    return {"aspectmode": "manual", "aspectratio": aspect,
            "camera": {"eye": {"x": float(direction[0]), "y": float(direction[1]), "z": 2.0},
                       "center": {"x": 0, "y": 0, "z": -0.1}}}


def surface_figure(alphas, betas, Z, paths=None, heights=None, title=None, xlabel="alpha", ylabel="beta",
                   zlabel="loss", colorscale="Viridis", colors=None, equal_aspect=False, mark_minimum=True):
    """A rotatable surface of ``Z`` with the ``paths`` (label -> ``(k, 2)``) drawn on it at ``heights``.

    Each path has a ring at its start and a dot at its end; a gold diamond marks the grid's
    lowest point. The scene has a fixed aspect (``equal_aspect``: the plane to scale) and a
    camera from the paths' side (:func:`scene_view`); the paths are drawn a sliver above
    the opaque surface, so what is in front is what is seen.
    """
    go = _plotly()
    Z = np.asarray(Z, dtype=float)
    alphas, betas = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float)
    if Z.shape != (len(betas), len(alphas)):
        raise ValueError(f"Z: expected shape (len(betas), len(alphas)) = ({len(betas)}, {len(alphas)}), "
                         f"got {Z.shape}")
    # Opaque: a translucent WebGL surface tints and hides what lies on it, and shows the far wall through the near.
    surface = go.Surface(x=alphas, y=betas, z=Z, colorscale=colorscale, opacity=1.0, name=zlabel,
                         colorbar={"title": {"text": zlabel}, "len": 0.75},
                         hovertemplate=f"{xlabel} %{{x:.4g}}<br>{ylabel} %{{y:.4g}}<br>{zlabel} %{{z:.6g}}"
                                       "<extra></extra>")
    traces = [surface]
    lift = _lift(Z)
    if paths:
        traces += _path_traces(go, paths, heights, colors or PATH_COLORS * 4, lift)
    if mark_minimum and np.isfinite(Z).any():
        a, b, value = grid_minimum(alphas, betas, Z)
        traces.append(_minimum_trace(go, a, b, value + lift, f"lowest point of the grid ({value:.4g})"))
    figure = go.Figure(traces)
    scene = scene_view(alphas, betas, paths, equal_aspect)
    figure.update_layout(title=title, showlegend=True,
                         scene={"xaxis_title": xlabel, "yaxis_title": ylabel, "zaxis_title": zlabel, **scene},
                         margin={"l": 0, "r": 0, "t": 60, "b": 0},
                         legend={"x": 0.01, "y": 0.92, "bgcolor": "rgba(255, 255, 255, 0.8)"})
    return figure


def trajectory_figure(result, title=None):
    """The loss over the PCA plane of a training path, and the path on it (a :class:`TrajectoryLandscape`)."""
    labels = result.axis_labels
    return surface_figure(result.alphas, result.betas, result.Z, {"training path": result.path},
                          {"training path": result.path_loss}, title=title or "loss on the plane of the path",
                          xlabel=labels["xlabel"], ylabel=labels["ylabel"], equal_aspect=True)


def objective_paths_figure(objective, paths, n=80, title=None, xlim=None, ylim=None):
    """Optimizer paths (name -> ``(k, 2)``) on the surface of a 2D objective (an Objective or its name)."""
    objective = get_objective(objective)
    X, Y, Z = objective.grid(n, xlim, ylim)
    heights = {label: objective(np.asarray(p)[:, 0], np.asarray(p)[:, 1]) for label, p in paths.items()}
    colors = [color_for(label, index) for index, label in enumerate(paths)]
    figure = surface_figure(X[0], Y[:, 0], Z, paths, heights, title=title or f"paths on {objective.name}",
                            xlabel="x", ylabel="y", zlabel="f(x, y)", colors=colors, equal_aspect=True,
                            mark_minimum=False)
    if len(objective.minima):  # the function's own minima, not the grid's nearest point
        a, b = np.asarray(objective.minima, dtype=float).T
        figure.add_trace(_minimum_trace(_plotly(), a, b, objective(a, b) + _lift(Z), "minimum"))
    return figure


def _counter(title, step_name, step, height):
    counter = f"{step_name} {step}: loss {height:.4g}"
    return {"text": f"{title}<br><sup>{counter}</sup>" if title else counter}


def descent_animation(alphas, betas, Z, path, heights, label="descent", title=None, xlabel="alpha",
                      ylabel="beta", frames=None, zlabel="loss", equal_aspect=False, color=None, step_name="step",
                      step_labels=None):
    """The point moving down the surface, with play/pause and a step slider; the surface stays rotatable.

    The whole path is drawn faintly from the start (so the camera and the reader know where
    it goes); the frames draw it boldly up to each step, and the title counts
    ``step_name`` (``step_labels[i]`` for point ``i``, if given) and the loss there.
    """
    go = _plotly()
    path, heights = np.asarray(path, dtype=float), np.asarray(heights, dtype=float)
    steps = np.arange(len(path)) if frames is None or frames >= len(path) else \
        np.unique(np.linspace(0, len(path) - 1, frames).round().astype(int))
    color = color or PATH_COLORS[0]
    figure = surface_figure(alphas, betas, Z, {label: path}, {label: heights}, title=title, xlabel=xlabel,
                            ylabel=ylabel, zlabel=zlabel, colors=[color], equal_aspect=equal_aspect)
    lift = _lift(Z)
    # traces: 0 the surface, 1 the path, 2 its start, 3 its end, 4 the lowest point. The path trace is the
    # moving part: at step s it is the path up to s, and the "end" dot is the current point.
    figure.data[1].update(x=path[:1, 0], y=path[:1, 1], z=heights[:1] + lift)
    figure.data[3].update(x=path[:1, 0], y=path[:1, 1], z=heights[:1] + lift, name=f"{label}: now")
    figure.add_trace(go.Scatter3d(x=path[:, 0], y=path[:, 1], z=heights + lift, mode="lines", hoverinfo="skip",
                                  name=f"{label} (whole path)",
                                  line={"color": color, "width": 4, "dash": "dot"}))
    shown = step_labels if step_labels is not None else range(len(path))
    figure.update_layout(title=_counter(title, step_name, shown[0], heights[0]))
    figure.frames = [go.Frame(name=str(step), traces=[1, 3], data=[
        go.Scatter3d(x=path[:step + 1, 0], y=path[:step + 1, 1], z=heights[:step + 1] + lift),
        go.Scatter3d(x=path[step:step + 1, 0], y=path[step:step + 1, 1], z=heights[step:step + 1] + lift)],
        layout={"title": _counter(title, step_name, shown[step], heights[step])}) for step in steps]
    slider = {"steps": [{"label": str(shown[step]), "method": "animate",
                         "args": [[str(step)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}]}
                        for step in steps], "currentvalue": {"prefix": f"{step_name} "}}
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
