r"""The exact :math:`H v` of a fully connected network: Pearlmutter's R-operator, one more pass each way.

:math:`\mathcal{R}\{f\} = \frac{d}{dr} f(\theta + r v)\big|_{r=0}` is the change of any
quantity of the forward or backward pass along :math:`v`; that of the gradient is
:math:`H v`. It follows the passes layer by layer, by the product rule:

- forward, an ``Affine`` ``z = a W + b``: :math:`\mathcal{R}\{z\} = \mathcal{R}\{a\} W + a V_W + V_b`;
  an activation ``a = f(z)``: :math:`\mathcal{R}\{a\} = f'(z) \odot \mathcal{R}\{z\}`;
- the loss's gradient :math:`\delta = \partial L / \partial z`: softmax cross-entropy
  :math:`\delta = (p - y)/N`, so :math:`\mathcal{R}\{\delta\} = p \odot (\mathcal{R}\{z\} -
  \langle p, \mathcal{R}\{z\}\rangle)/N`; the squared error :math:`\frac{c}{N}\lVert z - t\rVert^2`:
  :math:`\mathcal{R}\{\delta\} = \frac{2c}{N}\mathcal{R}\{z\}`;
- backward through an ``Affine``: :math:`\mathcal{R}\{\nabla_W\} = \mathcal{R}\{a\}^\top \delta +
  a^\top \mathcal{R}\{\delta\}`, :math:`\mathcal{R}\{\nabla_b\} = \sum_n \mathcal{R}\{\delta\}`, and to its
  input :math:`\mathcal{R}\{\delta\} W^\top + \delta V_W^\top`; through an activation
  :math:`\mathcal{R}\{\delta_a \odot f'(z)\} = \mathcal{R}\{\delta_a\} \odot f'(z) + \delta_a \odot f''(z)
  \odot \mathcal{R}\{z\}`;
- weight decay :math:`\frac{\lambda}{2}\lVert W\rVert^2` adds :math:`\lambda V_W`.

About as costly as two gradients, and exact (no step, no rounding against a difference).
Networks with other layers (batch norm, convolution, dropout) are not covered: there
:func:`hessian_vector_product_exact` refuses, and the central difference serves.
"""

import numpy as np

from scratchnet.landscape.directions import split_vector
from scratchnet.layers import Affine, IdentityWithLoss, Relu, Sigmoid, SoftmaxWithLoss, Tanh

DERIVATIVES = {  # f'(z) and f''(z) of each activation, from its output a = f(z) and input z
    Relu: (lambda z, a: (z > 0).astype(float), lambda z, a: np.zeros_like(z)),
    Sigmoid: (lambda z, a: a * (1 - a), lambda z, a: a * (1 - a) * (1 - 2 * a)),
    Tanh: (lambda z, a: 1 - a**2, lambda z, a: -2 * a * (1 - a**2)),
}


def covered(network):
    """Whether every layer is an ``Affine`` or a covered activation, into softmax or squared-error loss."""
    layers = getattr(network, "layers", None)
    return (layers is not None and isinstance(network.last_layer, (SoftmaxWithLoss, IdentityWithLoss))
            and all(isinstance(layer, (Affine, *DERIVATIVES)) for layer in layers.values()))


def _labels(t, classes):
    t = np.asarray(t)
    return np.eye(classes)[t] if t.ndim == 1 else t.astype(float)


def hessian_vector_product_exact(network, x, t, v):
    """:math:`H v` by the R-operator (see the module): exact, for ``Affine`` and activation layers only.

    ``v`` has the length of the network's parameters, in ``params`` order; returns a vector
    of that length. The network is not changed. Refuses a network with other layers.
    """
    if not covered(network):
        raise ValueError("network: the exact product covers Affine, Relu, Sigmoid and Tanh layers into "
                         "SoftmaxWithLoss or IdentityWithLoss; use hessian_vector_product (the central difference)")
    directions = split_vector(v, network.params, "v")
    where = {(name, attr): key for key, (name, attr) in network._slots.items()}
    layers = list(network.layers.items())
    # The data does not move with the parameters: its R is zero, and the products that would multiply it
    # (the largest ones, on the first layer's wide input) are skipped, as is the gradient to the data.
    a, r_a = np.asarray(x, dtype=float), None
    tape = []  # what the backward pass needs of each layer: its input, the input's R, and (activations) z
    for name, layer in layers:
        if isinstance(layer, Affine):
            flat = a.reshape(len(a), -1)
            r_flat = None if r_a is None else r_a.reshape(len(a), -1)
            v_w = directions[where[(name, "W")]]
            v_b = directions[where[(name, "b")]].ravel() if (name, "b") in where else 0.0
            tape.append((name, layer, flat, r_flat))
            a, r_a = layer.apply(flat), flat @ v_w + v_b + (0.0 if r_flat is None else r_flat @ layer.W)
        else:
            z, r_z = a, r_a
            a = layer.apply(z)
            tape.append((name, layer, z, r_z, a))
            r_a = None if r_z is None else DERIVATIVES[type(layer)][0](z, a) * r_z
    n = len(a)
    if isinstance(network.last_layer, SoftmaxWithLoss):
        shifted = np.exp(a - a.max(axis=1, keepdims=True))
        p = shifted / shifted.sum(axis=1, keepdims=True)
        delta = (p - _labels(t, a.shape[1])) / n
        r_delta = p * (r_a - np.sum(p * r_a, axis=1, keepdims=True)) / n
    else:
        factor = 2 * network.last_layer.factor / n
        delta, r_delta = factor * (a - np.asarray(t, dtype=float)), factor * r_a
    products = {}
    for entry in reversed(tape):
        name, layer = entry[0], entry[1]
        if isinstance(layer, Affine):
            flat, r_flat = entry[2], entry[3]
            w_key = where[(name, "W")]
            products[w_key] = flat.T @ r_delta + (0.0 if r_flat is None else r_flat.T @ delta)
            if w_key in network._decayed and network.weight_decay_lambda:
                products[w_key] = products[w_key] + network.weight_decay_lambda * directions[w_key]
            if (name, "b") in where:
                b_key = where[(name, "b")]
                products[b_key] = r_delta.sum(axis=0).reshape(np.shape(network.params[b_key]))
            if r_flat is None:  # the first layer: no gradient is needed towards the data
                break
            delta, r_delta = delta @ layer.W.T, r_delta @ layer.W.T + delta @ directions[w_key].T
        else:
            z, r_z, out = entry[2], entry[3], entry[4]
            first, second = DERIVATIVES[type(layer)]
            delta, r_delta = delta * first(z, out), r_delta * first(z, out) + delta * second(z, out) * r_z
    return np.concatenate([np.ravel(products[key]) for key in network.params])
