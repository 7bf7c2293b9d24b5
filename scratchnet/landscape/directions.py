r"""Parameters as one vector :math:`\theta \in \mathbb R^P`, directions in that space, and projections.

A network's parameters are many arrays; a landscape treats them as one point (the
arrays flattened and joined in ``params`` order). A 1D view moves it along a direction
:math:`d`; a 2D view spans a plane with two directions :math:`d_1, d_2`.
"""

from collections.abc import Mapping

import numpy as np

from scratchnet.landscape.functional import ParamsSpec, as_vector, trajectory_array


def params_to_vector(params):
    """A 1-D copy of every array of ``params``, flattened and joined in dict order."""
    if not params:
        raise ValueError("params: expected at least one array, got an empty dict")
    return np.concatenate([np.asarray(array).ravel() for array in params.values()])


def vector_to_params(vector, params):
    """Write ``vector`` back into the arrays of ``params``, in place; returns ``params``."""
    vector = np.asarray(vector)
    sizes = [np.asarray(array).size for array in params.values()]
    if vector.shape != (sum(sizes),):
        raise ValueError(
            f"vector: expected shape ({sum(sizes)},) to match the {len(sizes)} parameter arrays, got {vector.shape}"
        )
    offset = 0
    for array, size in zip(params.values(), sizes, strict=True):
        array[...] = vector[offset:offset + size].reshape(array.shape)
        offset += size
    return params


def split_vector(vector, params, argument="vector"):
    """``vector`` as a dict of arrays shaped like ``params`` (views, not copies)."""
    vector = np.asarray(vector, dtype=float)
    sizes = [np.asarray(array).size for array in params.values()]
    if vector.shape != (sum(sizes),):
        raise ValueError(
            f"{argument}: expected a vector of length {sum(sizes)} (the network's parameter count), "
            f"got shape {vector.shape}"
        )
    pieces, offset = {}, 0
    for (key, array), size in zip(params.items(), sizes, strict=True):
        pieces[key] = vector[offset:offset + size].reshape(np.shape(array))
        offset += size
    return pieces


LAYOUTS = ("in_out", "out_in", "layer", "zero")


def _is_bias(key, array):
    """A 1-D array, or a ``(1, n)`` row (as hand-written networks keep biases) not named like a weight."""
    return array.ndim == 1 or (array.ndim == 2 and array.shape[0] == 1 and not str(key).startswith(("W", "w")))


def _layout_of(key, array, layout, include_biases):
    """How ``key``'s direction is scaled: ``layout`` may be one word or ``{key: word}`` overrides."""
    chosen = layout.get(key) if isinstance(layout, dict) else layout
    if chosen is None and isinstance(layout, dict):
        chosen = layout.get("default", "in_out")
    if chosen not in LAYOUTS:
        raise ValueError(f"layout[{key!r}]: expected one of {LAYOUTS}, got {chosen!r}")
    if isinstance(layout, dict) and key in layout:
        return chosen  # an explicit word for this key wins
    if _is_bias(key, array):
        return "layer" if include_biases else "zero"
    if array.ndim == 4 and chosen in ("in_out", "out_in"):
        return "out_in"  # convolution filters (FN, C, FH, FW): output channel first in every layout
    if array.ndim != 2 and chosen in ("in_out", "out_in"):
        raise ValueError(f"layout: {chosen!r} applies to 2-D weights, but {key!r} has shape {array.shape}; "
                         f"give it its own, e.g. layout={{{key!r}: 'layer'}}")
    return chosen


def random_direction(network, rng, normalization="filter", include_biases=False, layout="in_out"):
    r"""A Gaussian direction in parameter space, scaled to the network's weights.

    ``network`` is a scratchnet network or any params dict (your own keys and shapes);
    the direction follows its ``params`` order. ``normalization``:

    - ``"filter"`` (Li et al. 2018): each filter, the incoming weights of one output
      neuron, is rescaled to the norm of the same filter of the weights,
      :math:`d_f \leftarrow d_f \lVert W_f \rVert / \lVert d_f \rVert`. Where the filter is
      depends on how ``W`` is stored, the ``layout``: ``"in_out"`` (scratchnet and the
      book: ``z = x W``, ``W`` is ``(in, out)``, a filter is a column) or ``"out_in"``
      (PyTorch and most hand-written networks: ``z = x W^T``, a filter is a row). A
      convolution's filters ``(FN, C, FH, FW)`` are one output channel each, ``W[f]``,
      in either layout.
    - ``"layer"``: each array is rescaled to the norm of the network's array.
    - ``None``: the raw :math:`\mathcal N(0, 1)` entries.

    ``layout`` is one word for every weight, or a dict of per-key words (``"in_out"``,
    ``"out_in"``, ``"layer"``: scale the whole array, ``"zero"``: leave it still) with an
    optional ``"default"``. Biases (1-D arrays, and ``(1, n)`` rows whose key does not
    start with ``W`` or ``w``) get a zero direction
    unless ``include_biases`` (then each is rescaled like a whole layer). Another array
    of more than two dimensions needs its own word. ``rng`` is a ``numpy.random.Generator``
    (or a seed). Returns a vector of length P.
    """
    if normalization not in ("filter", "layer", None):
        raise ValueError(f"normalization: expected 'filter', 'layer' or None, got {normalization!r}")
    params = getattr(network, "params", network)
    if not isinstance(params, dict) or not params:
        raise ValueError(f"network: expected a network or a non-empty params dict, got {type(network).__name__}")
    rng = np.random.default_rng(rng)
    pieces = []
    for key, array in params.items():
        array = np.asarray(array, dtype=float)
        kind = _layout_of(key, array, layout, include_biases)
        direction = rng.standard_normal(array.shape)
        if kind == "zero":
            direction[...] = 0.0
        elif normalization == "layer" or (normalization == "filter" and kind == "layer"):
            direction *= np.linalg.norm(array) / max(np.linalg.norm(direction), 1e-300)
        elif normalization == "filter":
            axis = 0 if kind == "in_out" else tuple(range(1, array.ndim))  # the axes within one filter
            norms = np.sqrt(np.sum(array**2, axis=axis, keepdims=True))
            direction *= norms / np.maximum(np.sqrt(np.sum(direction**2, axis=axis, keepdims=True)), 1e-300)
        pieces.append(direction.ravel())
    return np.concatenate(pieces)


def pca_directions(trajectory):
    r"""The two leading principal directions of a recorded trajectory, and how much they explain.

    The rows of ``trajectory`` (``(points, P)``) are parameter vectors :math:`\theta_i`
    in training order (a list of params dicts, with your own keys, is taken as their
    vectors). Principal components are taken of the differences
    :math:`\theta_i - \theta_{\text{final}}` (centered, as PCA does). Returns
    ``(d1, d2, explained)``: unit vectors, and the fraction of the variance each
    explains. Signs are fixed so the largest entry of each direction is positive: the
    same trajectory always gives the same plane.
    """
    trajectory, _ = trajectory_array(trajectory)
    differences = trajectory - trajectory[-1]
    centered = differences - differences.mean(axis=0)
    _, singular, rows = np.linalg.svd(centered, full_matrices=False)
    variance = singular**2
    if variance.sum() == 0:
        raise ValueError("trajectory: every recorded point is the same; there is no direction to show")
    directions = []
    for row in rows[:2]:
        directions.append(row if row[np.argmax(np.abs(row))] > 0 else -row)
    explained = variance[:2] / variance.sum()
    return directions[0], directions[1], explained


def project(trajectory, center, d1, d2):
    r"""Coordinates :math:`(\alpha_i, \beta_i)` of each point in the plane ``center + a d1 + b d2``.

    Least squares: :math:`\min \lVert \theta_i - c - \alpha d_1 - \beta d_2 \rVert`, which
    for orthonormal directions is just the two dot products. ``trajectory`` is an array
    ``(points, P)``, a list of params dicts or one dict (then ``center`` may be a dict too).
    Returns ``(points, 2)``.
    """
    if isinstance(trajectory, dict):
        trajectory = [trajectory]
    if len(trajectory) and isinstance(trajectory[0], Mapping):
        spec = ParamsSpec(trajectory[0], "trajectory[0]")
        trajectory = [spec.vector(params, f"trajectory[{step}]") for step, params in enumerate(trajectory)]
        center = as_vector(center, spec, "center")
    trajectory = np.atleast_2d(np.asarray(trajectory, dtype=float))
    basis = np.stack([np.asarray(d1, dtype=float), np.asarray(d2, dtype=float)], axis=1)
    if basis.shape[0] != trajectory.shape[1] or np.shape(center) != (trajectory.shape[1],):
        raise ValueError(
            f"d1, d2, center: expected vectors of length {trajectory.shape[1]} like the trajectory's rows, "
            f"got {np.shape(d1)}, {np.shape(d2)} and {np.shape(center)}"
        )
    coordinates, *_ = np.linalg.lstsq(basis, (trajectory - center).T, rcond=None)
    return coordinates.T
