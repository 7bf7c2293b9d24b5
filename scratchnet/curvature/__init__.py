r"""Curvature of a network's loss: Hessian-vector products, the top eigenvalues, the trace.

- :mod:`~scratchnet.curvature.hvp`: :func:`hessian_vector_product` (the central
  difference of two backprop gradients, the reference), :func:`full_hessian` for small
  networks; :mod:`~scratchnet.curvature.exact`: :func:`hessian_vector_product_exact`, the
  R-operator, exact, for fully connected networks.
- :mod:`~scratchnet.curvature.spectrum`: power iteration (the reference), Lanczos with
  full reorthogonalization, Hutchinson's trace, the eigenvalue density by stochastic
  Lanczos quadrature, on any symmetric ``matvec``.
- For a network, the two together: :func:`top_eigenvalues`, :func:`hessian_trace`,
  :func:`eigenvalue_density`; :func:`sharpness_along` (the top eigenvalue at each recorded
  point of a path) and :func:`curvature_map` (both ends of the spectrum over a plane).
"""

from collections.abc import Mapping

import numpy as np

from scratchnet.blas import blas_threads, training_threads
from scratchnet.curvature.exact import hessian_vector_product_exact
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
from scratchnet.landscape.functional import trajectory_array
from scratchnet.progress import ProgressBar


def _matvec(network, x, t):
    return lambda v: hessian_vector_product(network, x, t, v)


def _threads(network, x):
    """BLAS threads for the many products: one, where a batch's products are small (as ``Trainer`` chooses)."""
    return blas_threads(training_threads(network, x[0], len(x)))


def top_eigenvalues(network, x, t, k=1, method="lanczos", tol=1e-6, rng=0):
    """The ``k`` largest eigenvalues of the loss's Hessian at the network's parameters (descending).

    ``method="lanczos"`` (the default) or ``"power"`` (the reference; ``k = 1`` only, and it
    finds the eigenvalue of largest magnitude). Returns ``(eigenvalues, products)``, the
    number of Hessian-vector products it took.
    """
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


def hessian_trace(network, x, t, probes=100, rng=0):
    """``(estimate, standard_error)`` of the Hessian's trace at the network's parameters (Hutchinson)."""
    with _threads(network, x):
        return hutchinson_trace(_matvec(network, x, t), params_to_vector(network.params).size, probes=probes,
                                rng=rng)


def eigenvalue_density(network, x, t, steps=60, probes=4, rng=0):
    """``(nodes, weights)`` of the Hessian's eigenvalue density by stochastic Lanczos quadrature (as PyHessian).

    ``steps`` Lanczos steps from each of ``probes`` random vectors; :func:`density_on`
    turns them into a curve over a grid of eigenvalues.
    """
    with _threads(network, x):
        return spectral_density(_matvec(network, x, t), params_to_vector(network.params).size, steps=steps,
                                probes=probes, rng=rng)


def curvature_map(network, x, t, center, d1, d2, alphas, betas, tol=1e-3, progress=False, rng=0):
    r"""``(largest, smallest)``: the Hessian's extreme eigenvalues at every point of a plane, each ``(ny, nx)``.

    The point ``(alphas[i], betas[j])`` is :math:`\theta = c + a_i d_1 + b_j d_2` (as in
    :func:`~scratchnet.landscape.loss_grid`); ``largest[j, i]`` and ``smallest[j, i]`` are
    found there by one Lanczos run each, to ``tol``. Li et al. (2018) draw
    :math:`|\lambda_{min} / \lambda_{max}|`: near 0 where the surface is convex (no
    direction curves down), larger where negative curvature is as strong as positive. The
    network is left at the parameters it had.
    """
    size = params_to_vector(network.params).size
    center, d1, d2 = (np.asarray(vector, dtype=float) for vector in (center, d1, d2))
    for name, vector in (("center", center), ("d1", d1), ("d2", d2)):
        split_vector(vector, network.params, name)  # refuses a vector of another length, naming it
    alphas, betas = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float)
    largest, smallest = np.empty((len(betas), len(alphas))), np.empty((len(betas), len(alphas)))
    bar = ProgressBar(largest.size, "curvature over the plane", progress)
    with HeldState(network), _threads(network, x):
        for j, b in enumerate(betas):
            for i, a in enumerate(alphas):
                vector_to_params(center + a * d1 + b * d2, network.params)
                largest[j, i], smallest[j, i], _ = lanczos_extremes(_matvec(network, x, t), size, tol=tol, rng=rng)
                bar.update(j * len(alphas) + i + 1)
    bar.finish()
    return largest, smallest


def sharpness_along(network, x, t, trajectory, tol=1e-4, progress=False, rng=0):
    """The sharpness (the Hessian's largest eigenvalue) at each recorded point of a training path.

    ``trajectory`` is an array ``(points, P)`` (a :class:`~scratchnet.training.TrajectoryRecorder`'s
    ``trajectory``) or a list of params dicts keyed like ``network.params``. Each point's
    top eigenvalue is found by Lanczos to ``tol`` (relative). The network is left at the
    parameters it had. Returns an array ``(points,)``.
    """
    if len(trajectory) and isinstance(trajectory[0], Mapping):  # dicts: in the network's own key order
        for step, params in enumerate(trajectory):
            if set(params) != set(network.params):
                raise ValueError(f"trajectory[{step}]: expected the keys {sorted(network.params)} of "
                                 f"network.params, got {sorted(params)}")
        trajectory = [params_to_vector({key: params[key] for key in network.params}) for params in trajectory]
    points, _ = trajectory_array(trajectory)
    size = params_to_vector(network.params).size
    if points.ndim != 2 or points.shape[1] != size:
        raise ValueError(f"trajectory: expected points of {size} parameters (the network's), got shape "
                         f"{points.shape}")
    bar = ProgressBar(len(points), "sharpness along the path", progress)
    sharpness = np.empty(len(points))
    with HeldState(network):
        for index, point in enumerate(points):
            vector_to_params(point, network.params)
            sharpness[index] = top_eigenvalues(network, x, t, k=1, tol=tol, rng=rng)[0][0]
            bar.update(index + 1, f"point {index + 1} of {len(points)}: {sharpness[index]:.4g}")
    bar.finish()
    return sharpness


__all__ = [
    "curvature_map", "density_on", "eigenvalue_density", "full_hessian", "hessian_trace", "hessian_vector_product",
    "hessian_vector_product_exact", "hutchinson_trace", "lanczos", "lanczos_extremes", "lanczos_top",
    "power_iteration", "sharpness_along", "spectral_density", "top_eigenvalues",
]
