r"""Parameters as one vector :math:`\theta \in \mathbb R^P`, directions in that space, and projections.

A network's parameters are many arrays; a landscape treats them as one point (the
arrays flattened and joined in ``params`` order). A 1D view moves it along a direction
:math:`d`; a 2D view spans a plane with two directions :math:`d_1, d_2`.
"""

import numpy as np


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


def random_direction(network, rng, normalization="filter", include_biases=False):
    r"""A Gaussian direction in parameter space, scaled to the network's weights.

    - ``"filter"`` (Li et al. 2018): each output neuron's incoming weights, a column of
      our ``(in, out)`` ``W``, are rescaled to the norm of the same column of the
      network: :math:`d_{:,j} \leftarrow d_{:,j}\,\lVert W_{:,j}\rVert / \lVert d_{:,j}\rVert`.
    - ``"layer"``: each array is rescaled to the norm of the network's array.
    - ``None``: the raw :math:`\mathcal N(0, 1)` entries.

    Biases and batch-normalization parameters (the 1-D arrays) get zero unless
    ``include_biases``, then each is rescaled like a whole layer. ``rng`` is a
    ``numpy.random.Generator`` (or a seed). Returns a vector of length P.
    """
    if normalization not in ("filter", "layer", None):
        raise ValueError(f"normalization: expected 'filter', 'layer' or None, got {normalization!r}")
    rng = np.random.default_rng(rng)
    pieces = []
    for array in network.params.values():
        array = np.asarray(array, dtype=float)
        direction = rng.standard_normal(array.shape)
        if array.ndim == 1:
            if not include_biases:
                direction[:] = 0.0
            elif normalization is not None:
                direction *= np.linalg.norm(array) / max(np.linalg.norm(direction), 1e-300)
        elif normalization == "filter":
            norms = np.linalg.norm(array, axis=0)
            direction *= norms / np.maximum(np.linalg.norm(direction, axis=0), 1e-300)
        elif normalization == "layer":
            direction *= np.linalg.norm(array) / max(np.linalg.norm(direction), 1e-300)
        pieces.append(direction.ravel())
    return np.concatenate(pieces)


def pca_directions(trajectory):
    r"""The two leading principal directions of a recorded trajectory, and how much they explain.

    The rows of ``trajectory`` (``(points, P)``) are parameter vectors :math:`\theta_i`
    in training order. Principal components are taken of the differences
    :math:`\theta_i - \theta_{\text{final}}` (centered, as PCA does). Returns
    ``(d1, d2, explained)``: unit vectors, and the fraction of the variance each
    explains. Signs are fixed so the largest entry of each direction is positive: the
    same trajectory always gives the same plane.
    """
    trajectory = np.asarray(trajectory, dtype=float)
    if trajectory.ndim != 2 or len(trajectory) < 3:
        raise ValueError(
            f"trajectory: expected at least 3 recorded parameter vectors as rows (points, P), "
            f"got shape {trajectory.shape}"
        )
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
    for orthonormal directions is just the two dot products. Returns ``(points, 2)``.
    """
    trajectory = np.atleast_2d(np.asarray(trajectory, dtype=float))
    basis = np.stack([np.asarray(d1, dtype=float), np.asarray(d2, dtype=float)], axis=1)
    if basis.shape[0] != trajectory.shape[1] or np.shape(center) != (trajectory.shape[1],):
        raise ValueError(
            f"d1, d2, center: expected vectors of length {trajectory.shape[1]} like the trajectory's rows, "
            f"got {np.shape(d1)}, {np.shape(d2)} and {np.shape(center)}"
        )
    coordinates, *_ = np.linalg.lstsq(basis, (trajectory - center).T, rcond=None)
    return coordinates.T
