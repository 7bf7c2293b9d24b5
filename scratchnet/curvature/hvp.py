r"""Hessian-vector products of a network's loss: :math:`H v` without forming :math:`H`.

The readable definition, and the reference the exact product (:mod:`~scratchnet.curvature.exact`,
used by default where it applies) is tested against: the
central difference of two backprop gradients,

.. math::  H v \approx \frac{g(\theta + \varepsilon v) - g(\theta - \varepsilon v)}{2 \varepsilon},

two gradients per product. Its error has two parts: truncation, :math:`O(\varepsilon^2)`
(the third derivative along :math:`v`), and rounding, about :math:`u \lVert g \rVert /
\varepsilon` (:math:`u` the machine epsilon). The default :math:`\varepsilon = u^{1/3}
(1 + \lVert\theta\rVert) / \lVert v \rVert` balances the two: about 1e-6 relative in float64.

One caution: the difference assumes the gradient is smooth between the two points. A ReLU
is not: where a unit's input lies within the step of 0, the gradient jumps across the kink,
and the difference reports curvature that is not there (on 784-128-10 over 4,000 images, a
"top eigenvalue" of 14.4 with a mirror at -14.4, where the exact product finds 6.95). On a
convolutional network it is worse: MNIST's blank borders put whole windows exactly on the
kink (a zero input and a zero bias) and make pooling's maxima ties, and the difference is
off by a factor of thousands. So :func:`hessian_vector_product` uses the exact R-operator
wherever it covers the network; at a kink it gives the curvature of the side backprop takes
(ReLU's ``z > 0``, pooling's first maximum), the one the gradient is consistent with.
"""

import numpy as np

from scratchnet.curvature.exact import covered, hessian_vector_product_exact
from scratchnet.landscape.directions import params_to_vector, vector_to_params
from scratchnet.layers import BatchNormalization, Dropout


def check_network(network):
    """Refuse a network whose loss is random (dropout) and so has no one Hessian."""
    for name, layer in getattr(network, "layers", {}).items():
        if isinstance(layer, Dropout) and getattr(layer, "dropout_ratio", 0) > 0:
            raise ValueError(f"network: layer {name} is a Dropout, so the loss is random and has no Hessian; "
                             "build the network without dropout to measure its curvature")
    return network


class HeldState:
    """Within ``with HeldState(network):`` the parameters may move; on leaving, they and every batch-norm
    layer's running statistics are back exactly as they were (a gradient in training mode updates those)."""

    def __init__(self, network):
        self.network = network

    def __enter__(self):
        self.vector = params_to_vector(self.network.params)
        self.statistics = [(layer, layer.running_mean.copy(), layer.running_var.copy())
                           for layer in getattr(self.network, "layers", {}).values()
                           if isinstance(layer, BatchNormalization)]
        return self

    def __exit__(self, *exc):
        vector_to_params(self.vector, self.network.params)
        for layer, mean, variance in self.statistics:
            layer.running_mean, layer.running_var = mean, variance
        return False


def flat_gradient(network, x, t):
    """The backprop gradient of the loss as one vector (a copy), in ``params`` order."""
    return params_to_vector(network.gradient(x, t)).copy()


def default_step(theta, v):
    r""":math:`\varepsilon = u^{1/3} (1 + \lVert\theta\rVert) / \lVert v \rVert`: truncation and rounding balanced."""
    norm = float(np.linalg.norm(v))
    if norm == 0:
        return 1.0
    return np.finfo(np.float64).eps ** (1 / 3) * (1 + float(np.linalg.norm(theta))) / norm


def hessian_vector_product(network, x, t, v, eps=None, method="auto"):
    r""":math:`H v` at the network's parameters.

    ``v`` is a vector of length P (the parameter count, in ``params`` order); ``x``, ``t``
    the batch whose mean loss (plus weight decay) the Hessian is of. ``method``:
    ``"central"``, the central difference of two backprop gradients (the definition above;
    ``eps`` defaults to :func:`default_step`); ``"exact"``, the R-operator of
    :mod:`~scratchnet.curvature.exact` (every layer but dropout; cheaper, and exact);
    ``"auto"`` (the default): exact where it covers the network and no ``eps`` is given,
    the central difference elsewhere. Returns a vector of length P. The network is left as
    it was: parameters and batch-norm running statistics restored. A zero ``v`` gives zeros.
    """
    if method not in ("auto", "central", "exact"):
        raise ValueError(f"method: expected 'auto', 'central' or 'exact', got {method!r}")
    check_network(network)
    v = np.asarray(v, dtype=np.float64)
    size = params_to_vector(network.params).size
    if v.shape != (size,):
        raise ValueError(f"v: expected a vector of length {size} (the network's parameter count), got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("v: holds NaN or infinity")
    if method == "exact" or (method == "auto" and eps is None and covered(network)):
        return hessian_vector_product_exact(network, x, t, v)
    return central_difference_product(network, x, t, v, eps)


def central_difference_product(network, x, t, v, eps=None):
    """The central difference of two backprop gradients along ``v`` (checked by :func:`hessian_vector_product`)."""
    with HeldState(network) as held:
        theta = held.vector
        if not np.any(v):
            return np.zeros_like(theta)
        step = default_step(theta, v) if eps is None else float(eps)
        vector_to_params(theta + step * v, network.params)
        forward = flat_gradient(network, x, t)
        vector_to_params(theta - step * v, network.params)
        backward = flat_gradient(network, x, t)
    return (forward - backward) / (2 * step)


def full_hessian(network, x, t, eps=None):
    """The whole Hessian ``(P, P)``, one product per column, made symmetric: only for small networks.

    The reference the spectrum functions are tested against (``numpy.linalg.eigvalsh`` of it).
    """
    size = params_to_vector(network.params).size
    if size > 5000:
        raise ValueError(f"network: {size} parameters make a {size} x {size} Hessian; full_hessian is for small "
                         "networks (up to 5,000): use top_eigenvalues or hessian_trace")
    columns = [hessian_vector_product(network, x, t, unit, eps) for unit in np.eye(size)]
    hessian = np.array(columns).T
    return (hessian + hessian.T) / 2
