r"""Parameters as one vector :math:`\theta \in \mathbb R^P`, directions in that space, and projections.

A network's parameters are many arrays; a landscape treats them as one point (the
arrays flattened and joined in ``params`` order). A 1D view moves it along a direction
:math:`d`; a 2D view spans a plane with two directions :math:`d_1, d_2`.
"""

import warnings
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
    for key, array in params.items():  # an integer array would truncate what is written into it
        if np.asarray(array).dtype.kind != "f":
            raise ValueError(f"params[{key!r}]: expected a floating-point array to write into, got "
                             f"{np.asarray(array).dtype}")
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


BLOCK_BYTES = 1 << 23  # 8 MB: a block of a trajectory's columns, small beside the trajectory itself


def column_blocks(rows, columns, block_bytes=None):
    """Slices over ``columns`` so that a ``(rows, block)`` float64 block takes about ``block_bytes``."""
    width = max(1, (block_bytes or BLOCK_BYTES) // (8 * max(rows, 1)))
    return [slice(start, min(start + width, columns)) for start in range(0, columns, width)]


def pca_directions(trajectory, seed=0):
    r"""The two leading principal directions of a recorded trajectory, and how much they explain.

    The rows of ``trajectory`` (``(points, P)``) are parameter vectors :math:`\theta_i`
    in training order (a list of params dicts, with your own keys, is taken as their
    vectors). Principal components are taken of the centered points (PCA of the
    differences :math:`\theta_i - \theta_{\text{final}}` is the same). Returns
    ``(d1, d2, explained)``: orthonormal vectors, and the fraction of the variance each
    explains. Signs are fixed so the largest entry of each direction is positive: the
    same trajectory always gives the same plane.

    Computed from the small ``points x points`` Gram matrix :math:`G = C C^\top` of the
    centered points :math:`C`, block by block of columns, so the trajectory is never
    copied whole: :math:`G = U \Lambda U^\top` and :math:`d_k = C^\top u_k / \sqrt{\lambda_k}`,
    the right singular vectors of :math:`C`. Where the points lie on a line (PC2 explains
    less than 1e-10 of the variance) there is no second direction to find: ``d2`` is then a
    random direction (``seed``) orthogonal to ``d1``, with a warning.
    """
    trajectory, _ = trajectory_array(trajectory)
    points, size = trajectory.shape
    finite = np.isfinite(trajectory).all(axis=1)
    if not finite.all():
        raise ValueError(f"trajectory[{int(np.argmin(finite))}]: expected finite parameters, got NaN or infinity")
    if size < 2:
        raise ValueError(f"trajectory: expected points of at least 2 parameters to span a plane, got {size}")
    mean = trajectory.mean(axis=0)
    blocks = column_blocks(points, size)
    gram = np.zeros((points, points))
    for columns in blocks:
        centered = trajectory[:, columns] - mean[columns]
        gram += centered @ centered.T
    eigenvalues, vectors = np.linalg.eigh(gram)
    eigenvalues, vectors = np.clip(eigenvalues[::-1], 0, None), vectors[:, ::-1]  # largest first
    total = eigenvalues.sum()
    if total == 0:
        raise ValueError("trajectory: every recorded point is the same; there is no direction to show")
    explained = eigenvalues[:2] / total
    on_a_line = explained[1] < 1e-10
    weights = vectors[:, :1 if on_a_line else 2] / np.sqrt(eigenvalues[:1 if on_a_line else 2])
    found = np.empty((weights.shape[1], size))
    for columns in blocks:
        found[:, columns] = weights.T @ (trajectory[:, columns] - mean[columns])
    d1 = found[0] / np.linalg.norm(found[0])
    if on_a_line:
        warnings.warn(f"trajectory: the recorded points lie on a line (PC2 explains {explained[1]:.1%} of the "
                      f"variance); the plane's second direction is a random one orthogonal to PC1 (seed {seed})",
                      stacklevel=2)
        d2 = np.random.default_rng(seed).standard_normal(size)
        explained = np.array([explained[0], 0.0])
    else:
        d2 = found[1]
    d2 = d2 - (d2 @ d1) * d1  # orthogonal to the last bit, whatever the rounding of the eigenvectors
    d2 /= np.linalg.norm(d2)
    d1, d2 = (d if d[np.argmax(np.abs(d))] > 0 else -d for d in (d1, d2))
    return d1, d2, explained


def off_plane_distances(trajectory, center, d1, d2, coordinates):
    """``|theta_i - center - alpha_i d1 - beta_i d2|`` for every point, block by block of columns (no copy)."""
    trajectory = np.asarray(trajectory, dtype=float)
    squares = np.zeros(len(trajectory))
    for columns in column_blocks(*trajectory.shape):
        rest = (trajectory[:, columns] - center[columns] - np.outer(coordinates[:, 0], d1[columns])
                - np.outer(coordinates[:, 1], d2[columns]))
        squares += np.einsum("ij,ij->i", rest, rest)
    return np.sqrt(squares)


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
    trajectory, center = np.atleast_2d(np.asarray(trajectory, dtype=float)), np.asarray(center, dtype=float)
    d1, d2 = np.asarray(d1, dtype=float), np.asarray(d2, dtype=float)
    if not d1.shape == d2.shape == center.shape == (trajectory.shape[1],):
        raise ValueError(
            f"d1, d2, center: expected vectors of length {trajectory.shape[1]} like the trajectory's rows, "
            f"got {np.shape(d1)}, {np.shape(d2)} and {np.shape(center)}"
        )
    basis = np.stack([d1, d2], axis=1)
    if basis.shape[0] != trajectory.shape[1] or np.shape(center) != (trajectory.shape[1],):
        raise ValueError(
            f"d1, d2, center: expected vectors of length {trajectory.shape[1]} like the trajectory's rows, "
            f"got {np.shape(d1)}, {np.shape(d2)} and {np.shape(center)}"
        )
    # Least squares by the 2 x 2 normal equations: (B^T B) c_i = B^T (theta_i - center), without a copy of the
    # trajectory; B's two columns are (nearly) orthogonal wherever they come from, so this is well conditioned.
    normal = basis.T @ basis
    if np.linalg.cond(normal) > 1e12:
        raise ValueError("d1, d2: expected two independent directions; these are (nearly) parallel")
    right = np.zeros((len(trajectory), 2))
    for columns in column_blocks(*trajectory.shape):  # the center itself projects to exactly (0, 0)
        right += (trajectory[:, columns] - center[columns]) @ basis[columns]
    return np.linalg.solve(normal, right.T).T
