r"""Curvature of a network's loss: Hessian-vector products, the top eigenvalues, the trace.

- :mod:`~scratchnet.curvature.hvp`: :func:`hessian_vector_product` (the central
  difference of two backprop gradients, the reference), :func:`full_hessian` for small
  networks.
- :mod:`~scratchnet.curvature.spectrum`: power iteration (the reference), Lanczos with
  full reorthogonalization, Hutchinson's trace, on any symmetric ``matvec``.
- :func:`top_eigenvalues` and :func:`hessian_trace` put the two together for a network.
"""

import numpy as np

from scratchnet.curvature.hvp import full_hessian, hessian_vector_product
from scratchnet.curvature.spectrum import hutchinson_trace, lanczos, lanczos_top, power_iteration
from scratchnet.landscape.directions import params_to_vector


def _matvec(network, x, t):
    return lambda v: hessian_vector_product(network, x, t, v)


def top_eigenvalues(network, x, t, k=1, method="lanczos", tol=1e-6, rng=0):
    """The ``k`` largest eigenvalues of the loss's Hessian at the network's parameters (descending).

    ``method="lanczos"`` (the default) or ``"power"`` (the reference; ``k = 1`` only, and it
    finds the eigenvalue of largest magnitude). Returns ``(eigenvalues, products)``, the
    number of Hessian-vector products it took.
    """
    dim = params_to_vector(network.params).size
    if method == "power":
        if k != 1:
            raise ValueError(f"k: power iteration finds one eigenvalue, got k = {k}; use method='lanczos'")
        value, _, products = power_iteration(_matvec(network, x, t), dim, tol=tol, rng=rng)
        return np.array([value]), products
    if method != "lanczos":
        raise ValueError(f"method: expected 'lanczos' or 'power', got {method!r}")
    return lanczos_top(_matvec(network, x, t), dim, k=k, tol=tol, rng=rng)


def hessian_trace(network, x, t, probes=100, rng=0):
    """``(estimate, standard_error)`` of the Hessian's trace at the network's parameters (Hutchinson)."""
    return hutchinson_trace(_matvec(network, x, t), params_to_vector(network.params).size, probes=probes, rng=rng)


__all__ = ["full_hessian", "hessian_trace", "hessian_vector_product", "hutchinson_trace", "lanczos", "lanczos_top",
           "power_iteration", "top_eigenvalues"]
