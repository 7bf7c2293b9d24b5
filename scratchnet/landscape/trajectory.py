r"""One call from a recorded training path to its loss landscape: :func:`trajectory_landscape`.

The path :math:`\theta_0, \dots, \theta_T` lives in P dimensions. Its two principal
directions :math:`d_1, d_2` (of :math:`\theta_i - \theta_T`) span the plane that shows
the most of it; the plane is centered on the last point. Each point projects to
:math:`(\alpha_i, \beta_i)`; the loss is evaluated over a grid covering the projected
path with a margin, and at the projected points themselves, so the drawn path lies on
the drawn surface.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from scratchnet.landscape.directions import off_plane_distances, params_to_vector, pca_directions, project
from scratchnet.landscape.functional import ParamsSpec, is_loss_function, trajectory_array
from scratchnet.landscape.grid import loss_grid, loss_points


@dataclass
class TrajectoryLandscape:
    r"""The plane of a training path and the loss over it.

    ``d1``, ``d2``: unit directions (length P); ``explained``: the share of the path's
    variance each explains; ``center``: the path's last point. ``alphas`` (``(nx,)``),
    ``betas`` (``(ny,)``) and ``Z`` (``(ny, nx)``, ``Z[j, i]`` at ``(alphas[i], betas[j])``)
    are the grid; ``path`` (``(points, 2)``) the projected path and ``path_loss``
    (``(points,)``) the loss at each projected point. ``off_plane`` is each point's
    distance from the plane (how much the picture leaves out).
    """

    d1: np.ndarray
    d2: np.ndarray
    explained: np.ndarray
    center: np.ndarray
    alphas: np.ndarray
    betas: np.ndarray
    Z: np.ndarray
    path: np.ndarray
    path_loss: np.ndarray
    off_plane: np.ndarray

    @property
    def axis_labels(self):
        """``{"xlabel": ..., "ylabel": ...}`` naming each direction and its share of the variance."""
        return {"xlabel": f"PC1 ({self.explained[0]:.1%} of the variance)",
                "ylabel": f"PC2 ({self.explained[1]:.1%} of the variance)"}


def plane_ranges(path, size, margin=0.3, max_stretch=2.5):
    """``(alphas, betas)``: ``size`` coordinates a side covering ``path`` (``(k, 2)``), for a grid drawn to scale.

    Each range extends past the path by ``margin`` of its span on each side. A PCA plane's
    second direction spans far less than its first (it explains less of the path), so
    the narrower range is widened about its centre until the longer is at most
    ``max_stretch`` times it: the plane can then be drawn with equal units on both axes
    (an arch of a few percent of the variance looks as small as it is) without a
    sliver of a plot.
    """
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
        raise ValueError(f"path: expected (a, b) points, shape (k, 2), got {path.shape}")
    if not max_stretch >= 1:
        raise ValueError(f"max_stretch: expected a ratio >= 1 of the longer range to the shorter, got {max_stretch}")
    low, high = path.min(axis=0), path.max(axis=0)
    half = (0.5 + margin) * np.maximum(high - low, 1e-9)
    half = np.maximum(half, half.max() / max_stretch)
    middle = (low + high) / 2
    alphas, betas = (np.linspace(middle[k] - half[k], middle[k] + half[k], size) for k in range(2))
    return alphas, betas


def _network_trajectory(network, trajectory):
    """Rows of a network's own parameter vectors from dicts (in its layout, or a from_params source's)."""
    if isinstance(trajectory, np.ndarray) or not len(trajectory) or not isinstance(trajectory[0], Mapping):
        array, _ = trajectory_array(trajectory, None)
        return array
    convert = getattr(network, "import_params", None)
    own = ParamsSpec(network.params, "network.params")
    rows = np.empty((len(trajectory), own.size))  # filled in place: no list of vectors beside the array
    for step, params in enumerate(trajectory):
        where = f"trajectory[{step}]"
        own.vector(convert(params, where) if convert else params, where, out=rows[step])
    return trajectory_array(rows)[0]


def trajectory_landscape(loss, trajectory, resolution=41, margin=0.3, executor=None, cache=None, progress=True,
                         train=False, max_stretch=2.5):
    r"""The PCA plane of ``trajectory``, the loss over it, and the path on it.

    ``loss`` is either ``loss_fn(params) -> float``, a function of a params dict with
    your own keys and shapes (evaluated once per grid point), or ``(network, x, t)``
    for a scratchnet network (also one made by
    :func:`~scratchnet.networks.from_params`), whose grid is computed by the fast exact
    evaluator. ``trajectory`` is a list of params dicts, as a training loop records them
    (for ``(network, x, t)``: dicts of the network's own params, or of a ``from_params``
    source's), or an array ``(points, P)`` of parameter vectors. At least 3 points.

    ``resolution`` grid points a side; ``margin``: the grid extends past the projected
    path by this share of its span on each side; ``max_stretch``: the narrower side is
    widened until the longer is at most this many times it (see :func:`plane_ranges`),
    so the plane can be drawn to scale. ``executor``, ``cache`` and
    ``progress`` are passed to :func:`~scratchnet.landscape.loss_grid`. Returns a
    :class:`TrajectoryLandscape`.
    """
    if int(resolution) != resolution or resolution < 2:
        raise ValueError(f"resolution: expected a whole number >= 2 of grid points a side, got {resolution}")
    if not (np.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin: expected a share >= 0 of the path's span, got {margin}")
    if is_loss_function(loss):
        array, spec = trajectory_array(trajectory)
        evaluate = {"grid": lambda *plane: loss_grid(loss, *plane, executor=executor, cache=cache,
                                                     progress=progress, params=spec),
                    "points": lambda *plane: loss_points(loss, *plane, params=spec)}
    elif isinstance(loss, tuple) and len(loss) == 3:
        network, x, t = loss
        array = _network_trajectory(network, trajectory)
        evaluate = {"grid": lambda *plane: loss_grid(network, x, t, *plane, executor=executor, cache=cache,
                                                     progress=progress, train=train),
                    "points": lambda *plane: loss_points(network, x, t, *plane, train=train)}
        if array.shape[1] != params_to_vector(network.params).size:
            raise ValueError(f"trajectory: expected points of {params_to_vector(network.params).size} parameters "
                             f"(the network's), got {array.shape[1]}")
    else:
        raise ValueError(f"loss: expected a function of a params dict, or a tuple (network, x, t); "
                         f"got {type(loss).__name__}")
    if not np.all(np.isfinite(array)):
        step = int(np.argmax(~np.all(np.isfinite(array), axis=1)))
        raise ValueError(f"trajectory[{step}]: expected finite parameters, got NaN or infinity")
    d1, d2, explained = pca_directions(array)
    center = array[-1]
    path = project(array, center, d1, d2)
    off_plane = off_plane_distances(array, center, d1, d2, path)
    alphas, betas = plane_ranges(path, int(resolution), margin, max_stretch)
    Z = evaluate["grid"](center, d1, d2, alphas, betas)
    path_loss = evaluate["points"](center, d1, d2, path)
    return TrajectoryLandscape(d1, d2, explained, center, alphas, betas, Z, path, path_loss, off_plane)
