r"""Curvature of a network's loss: Hessian-vector products, the top eigenvalues, the trace.

- :mod:`~scratchnet.curvature.hvp`: :func:`hessian_vector_product` (the central
  difference of two backprop gradients, the reference), :func:`full_hessian` for small
  networks; :mod:`~scratchnet.curvature.exact`: :func:`hessian_vector_product_exact`, the
  R-operator, exact, for networks of Affine, Convolution, Pooling, BatchNormalization and
  activation layers.
- :mod:`~scratchnet.curvature.spectrum`: power iteration (the reference), Lanczos with
  full reorthogonalization, Hutchinson's trace, the eigenvalue density by stochastic
  Lanczos quadrature, on any symmetric ``matvec``.
- For a network, the two together: :func:`top_eigenvalues`, :func:`hessian_trace`,
  :func:`eigenvalue_density`; :func:`sharpness_along` (the top eigenvalue at each recorded
  point of a path) and :func:`curvature_map` (both ends of the spectrum over a plane).
"""

import copy
from collections.abc import Mapping

import numpy as np

from scratchnet.blas import blas_threads, training_threads
from scratchnet.curvature.exact import covered, hessian_vector_product_exact
from scratchnet.curvature.hvp import HeldState, full_hessian, hessian_vector_product
from scratchnet.curvature.spectrum import (
    density_on,
    hutchinson_trace,
    lanczos,
    lanczos_extremes,
    lanczos_top,
    power_iteration,
    spectral_density,
)
from scratchnet.landscape.directions import params_to_vector, split_vector, vector_to_params
from scratchnet.landscape.evaluator import convert_arrays
from scratchnet.landscape.functional import trajectory_array
from scratchnet.landscape.grid import worker_count
from scratchnet.progress import ProgressBar


def working_network(network, dtype):
    """``network`` itself for float64; for float32 a copy of it in float32, whose exact products run about
    twice as fast (and agree to about 1e-6 relative: enough for a sharpness or a density, not for a map of ratios
    near 0). Refuses another dtype, and float32 where only the central difference reaches (it needs float64)."""
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype: expected float32 or float64, got {dtype}")
    if dtype == np.float64:
        return network
    if not covered(network):
        raise ValueError("dtype: float32 products need the exact R-operator, which does not cover this network's "
                         "layers; the central difference needs float64 (dtype=np.float64)")
    working = copy.deepcopy(network)
    convert_arrays(working, dtype)
    return working


def _matvec(network, x, t):
    return lambda v: hessian_vector_product(network, x, t, v)


def _threads(network, x):
    """BLAS threads for the many products: one, where a batch's products are small (as ``Trainer`` chooses)."""
    return blas_threads(training_threads(network, x[0], len(x)))


def top_eigenvalues(network, x, t, k=1, method="lanczos", tol=1e-6, rng=0, dtype=np.float64):
    """The ``k`` largest eigenvalues of the loss's Hessian at the network's parameters (descending).

    ``method="lanczos"`` (the default) or ``"power"`` (the reference; ``k = 1`` only, and it
    finds the eigenvalue of largest magnitude). Returns ``(eigenvalues, products)``, the
    number of Hessian-vector products it took. ``dtype=np.float32`` computes the products in
    float32 (:func:`working_network`).
    """
    network, x = working_network(network, dtype), np.asarray(x, dtype=dtype)  # data cast once, not per product
    dim = params_to_vector(network.params).size
    if method not in ("lanczos", "power"):
        raise ValueError(f"method: expected 'lanczos' or 'power', got {method!r}")
    if method == "power" and k != 1:
        raise ValueError(f"k: power iteration finds one eigenvalue, got k = {k}; use method='lanczos'")
    with _threads(network, x):
        if method == "power":
            value, _, products = power_iteration(_matvec(network, x, t), dim, tol=tol, rng=rng)
            return np.array([value]), products
        return lanczos_top(_matvec(network, x, t), dim, k=k, tol=tol, rng=rng)


def hessian_trace(network, x, t, probes=100, rng=0, dtype=np.float64):
    """``(estimate, standard_error)`` of the Hessian's trace at the network's parameters (Hutchinson)."""
    network, x = working_network(network, dtype), np.asarray(x, dtype=dtype)  # data cast once, not per product
    with _threads(network, x):
        return hutchinson_trace(_matvec(network, x, t), params_to_vector(network.params).size, probes=probes,
                                rng=rng)


def eigenvalue_density(network, x, t, steps=60, probes=4, rng=0, dtype=np.float64):
    """``(nodes, weights)`` of the Hessian's eigenvalue density by stochastic Lanczos quadrature (as PyHessian).

    ``steps`` Lanczos steps from each of ``probes`` random vectors; :func:`density_on`
    turns them into a curve over a grid of eigenvalues.
    """
    network, x = working_network(network, dtype), np.asarray(x, dtype=dtype)  # data cast once, not per product
    with _threads(network, x):
        return spectral_density(_matvec(network, x, t), params_to_vector(network.params).size, steps=steps,
                                probes=probes, rng=rng)


def _extremes_at(network, x, t, points, tol, rng):
    """Both ends of the spectrum at each point: ``[(largest, smallest), ...]`` (a task of :func:`map_points`)."""
    found = []
    for point in points:
        vector_to_params(point, network.params)
        found.append(lanczos_extremes(_matvec(network, x, t), point.size, tol=tol, rng=rng)[:2])
    return found


def _sharpness_at(network, x, t, points, tol, rng):
    """The top eigenvalue at each point (a task of :func:`map_points`)."""
    found = []
    for point in points:
        vector_to_params(point, network.params)
        found.append(lanczos_top(_matvec(network, x, t), point.size, k=1, tol=tol, rng=rng)[0][0])
    return found


def _task(measure, network, x, t, points, tol, rng):
    """One task's points, with the network's parameters and BLAS threads held for its length."""
    with HeldState(network), _threads(network, x):
        return measure(network, x, t, points, tol, rng)


def map_points(measure, network, x, t, points, tol, rng, executor=None, bar=None):
    """``measure`` at every point (rows of ``points``), in order: one at a time, or in groups on ``executor``.

    Each group is sent with a copy of the network of its own (a task moves its parameters), so
    a thread pool, a process pool or a Dask cluster's ``client.get_executor()`` gives what the
    serial loop gives. The network itself is left at the parameters it had.
    """
    if executor is None:
        found = []
        for index, point in enumerate(points):
            found += _task(measure, network, x, t, [point], tol, rng)
            if bar is not None:
                bar.update(index + 1)
        return found
    if not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor: expected a concurrent.futures.Executor (something with submit), got "
                        f"{type(executor).__name__}")
    groups = [group for group in np.array_split(np.arange(len(points)), min(len(points), 4 * worker_count(executor)))
              if len(group)]
    futures = [executor.submit(_task, measure, copy.deepcopy(network), x, t, points[group], tol, rng)
               for group in groups]
    found = []
    try:
        for group, future in zip(groups, futures, strict=True):
            found += future.result()
            if bar is not None:
                bar.update(group[-1] + 1)
    except BaseException:  # Ctrl-C, or a task's error: nothing more is started
        for future in futures:
            future.cancel()
        raise
    return found


def curvature_map(network, x, t, center, d1, d2, alphas, betas, tol=1e-3, progress=False, rng=0, executor=None,
                  dtype=np.float64):
    r"""``(largest, smallest)``: the Hessian's extreme eigenvalues at every point of a plane, each ``(ny, nx)``.

    The point ``(alphas[i], betas[j])`` is :math:`\theta = c + a_i d_1 + b_j d_2` (as in
    :func:`~scratchnet.landscape.loss_grid`); ``largest[j, i]`` and ``smallest[j, i]`` are
    found there by one Lanczos run each, to ``tol``; ``executor`` (any ``concurrent.futures``
    executor, or a Dask cluster's ``client.get_executor()``) shares the points out, with the
    same result. Li et al. (2018) draw
    :math:`|\lambda_{min} / \lambda_{max}|`: near 0 where the surface is convex (no
    direction curves down), larger where negative curvature is as strong as positive. The
    network is left at the parameters it had. ``dtype`` as for :func:`top_eigenvalues`.
    """
    network, x = working_network(network, dtype), np.asarray(x, dtype=dtype)  # data cast once, not per product
    size = params_to_vector(network.params).size
    center, d1, d2 = (np.asarray(vector, dtype=float) for vector in (center, d1, d2))
    for name, vector in (("center", center), ("d1", d1), ("d2", d2)):
        split_vector(vector, network.params, name)  # refuses a vector of another length, naming it
    alphas, betas = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float)
    points = np.array([center + a * d1 + b * d2 for b in betas for a in alphas]).reshape(-1, size)
    bar = ProgressBar(len(points), "curvature over the plane", progress)
    found = np.array(map_points(_extremes_at, network, x, t, points, tol, rng, executor, bar)).reshape(-1, 2)
    bar.finish()
    shape = (len(betas), len(alphas))
    return found[:, 0].reshape(shape), found[:, 1].reshape(shape)


def sharpness_along(network, x, t, trajectory, tol=1e-4, progress=False, rng=0, executor=None, dtype=np.float64):
    """The sharpness (the Hessian's largest eigenvalue) at each recorded point of a training path.

    ``trajectory`` is an array ``(points, P)`` (a :class:`~scratchnet.training.TrajectoryRecorder`'s
    ``trajectory``) or a list of params dicts keyed like ``network.params``. Each point's
    top eigenvalue is found by Lanczos to ``tol`` (relative). The network is left at the
    parameters it had; ``executor`` shares the points out (as for :func:`curvature_map`);
    ``dtype`` as for :func:`top_eigenvalues`. Returns an array ``(points,)``.
    """
    if len(trajectory) and isinstance(trajectory[0], Mapping):  # dicts: in the network's own key order
        for step, params in enumerate(trajectory):
            if set(params) != set(network.params):
                raise ValueError(f"trajectory[{step}]: expected the keys {sorted(network.params)} of "
                                 f"network.params, got {sorted(params)}")
        trajectory = [params_to_vector({key: params[key] for key in network.params}) for params in trajectory]
    network, x = working_network(network, dtype), np.asarray(x, dtype=dtype)  # data cast once, not per product
    points, _ = trajectory_array(trajectory)
    size = params_to_vector(network.params).size
    if points.ndim != 2 or points.shape[1] != size:
        raise ValueError(f"trajectory: expected points of {size} parameters (the network's), got shape "
                         f"{points.shape}")
    bar = ProgressBar(len(points), "sharpness along the path", progress)
    sharpness = np.array(map_points(_sharpness_at, network, x, t, points, tol, rng, executor, bar), dtype=float)
    bar.finish()
    return sharpness


__all__ = [
    "curvature_map", "density_on", "eigenvalue_density", "full_hessian", "hessian_trace", "hessian_vector_product",
    "hessian_vector_product_exact", "hutchinson_trace", "lanczos", "lanczos_extremes", "lanczos_top", "map_points",
    "power_iteration", "sharpness_along", "spectral_density", "top_eigenvalues", "working_network",
]
