r"""The exact :math:`H v` of a layered network: Pearlmutter's R-operator, one more pass each way.

:math:`\mathcal{R}\{f\} = \frac{d}{dr} f(\theta + r v)\big|_{r=0}` is the change of any
quantity of the forward or backward pass along :math:`v`; that of the gradient is
:math:`H v`. It follows the passes layer by layer, by the product rule; each layer type has
one rule forward (its output and the output's R) and one backward (the gradient to its
input and that gradient's R, and the R of its parameters' gradients):

- ``Affine`` ``z = a W + b``: :math:`\mathcal{R}\{z\} = \mathcal{R}\{a\} W + a V_W + V_b`;
  backward :math:`\mathcal{R}\{\nabla_W\} = \mathcal{R}\{a\}^\top \delta + a^\top \mathcal{R}\{\delta\}`,
  :math:`\mathcal{R}\{\nabla_b\} = \sum_n \mathcal{R}\{\delta\}`, and to its input
  :math:`\mathcal{R}\{\delta\} W^\top + \delta V_W^\top`. ``Convolution`` is the same with
  convolutions for the products (on ``im2col``'s rows, the very same products; ``conv_fast``'s
  shortcuts compute them).
- an activation ``a = f(z)``: :math:`\mathcal{R}\{a\} = f'(z) \odot \mathcal{R}\{z\}`;
  backward :math:`\mathcal{R}\{\delta_a \odot f'(z)\} = \mathcal{R}\{\delta_a\} \odot f'(z) +
  \delta_a \odot f''(z) \odot \mathcal{R}\{z\}`. Max pooling passes R through each window's
  maximum, as it passes the gradient (its second derivative is zero, as ReLU's).
- batch normalization in training, :math:`\hat x = (x - \mu)/\sigma`, :math:`y = \gamma\hat x + \beta`:
  :math:`\mathcal{R}\{\hat x\} = (\mathcal{R}\{c\} - \hat x\,\overline{\hat x \mathcal{R}\{c\}})/\sigma`
  with :math:`\mathcal{R}\{c\} = \mathcal{R}\{x\} - \overline{\mathcal{R}\{x\}}` (bars: batch means),
  and the R of its backward formula term by term.
- the loss's gradient :math:`\delta = \partial L / \partial z`: softmax cross-entropy
  :math:`\delta = (p - y)/N`, so :math:`\mathcal{R}\{\delta\} = p \odot (\mathcal{R}\{z\} -
  \langle p, \mathcal{R}\{z\}\rangle)/N`; the squared error :math:`\frac{c}{N}\lVert z - t\rVert^2`:
  :math:`\mathcal{R}\{\delta\} = \frac{2c}{N}\mathcal{R}\{z\}`; weight decay
  :math:`\frac{\lambda}{2}\lVert W\rVert^2` adds :math:`\lambda V_W`.

About as costly as two gradients, and exact (no step, no rounding against a difference).
The data does not move with the parameters: its R is zero, so the products that would
multiply it (the largest ones, on the first layer's wide input) are skipped, as is the
gradient to the data. Other layers (dropout) are not covered: there
:func:`hessian_vector_product_exact` refuses, and the central difference serves.
"""

import numpy as np

from scratchnet import conv_fast
from scratchnet.conv import Convolution, Pooling, col2im, im2col
from scratchnet.landscape.directions import split_vector
from scratchnet.layers import Affine, BatchNormalization, IdentityWithLoss, Relu, Sigmoid, SoftmaxWithLoss, Tanh

DERIVATIVES = {  # f'(z) and f''(z) of each activation, from its output a = f(z) and input z
    Relu: (lambda z, a: (z > 0).astype(z.dtype), lambda z, a: np.zeros_like(z)),
    Sigmoid: (lambda z, a: a * (1 - a), lambda z, a: a * (1 - a) * (1 - 2 * a)),
    Tanh: (lambda z, a: 1 - a**2, lambda z, a: -2 * a * (1 - a**2)),
}


def _plus(first, second):
    """``first + second`` where ``None`` stands for zero (the data's R, and what grows from it)."""
    return second if first is None else first if second is None else first + second


# ---- forward: (output, its R, what backward needs), given the input and its R (None: zero) -----------
def _affine_forward(layer, a, r_a, v):
    flat, r_flat = a.reshape(len(a), -1), None if r_a is None else r_a.reshape(len(a), -1)
    r_out = flat @ v["W"] + v.get("b", 0.0)
    return layer.apply(flat), _plus(r_out, None if r_flat is None else r_flat @ layer.W), (flat, r_flat, a.shape)


def _convolution_forward(layer, a, r_a, v):
    # Affine's rule with the convolution for the product (conv_fast: the same numbers as on im2col's rows).
    stride, pad = layer.stride, layer.pad
    r_out = conv_fast.convolve(a, v["W"], v.get("b"), stride, pad)
    if r_a is not None:
        r_out += conv_fast.convolve(r_a, layer.W, None, stride, pad)
    return conv_fast.convolve(a, layer.W, layer.b, stride, pad), r_out, (a, r_a)


def _activation_forward(layer, z, r_z, v):
    a = layer.apply(z)
    return a, None if r_z is None else DERIVATIVES[type(layer)][0](z, a) * r_z, (z, r_z, a)


def _windows(layer, x, pad_value):
    return im2col(x, layer.pool_h, layer.pool_w, layer.stride, layer.pad, pad_value).reshape(
        -1, layer.pool_h * layer.pool_w)


def _pooling_forward(layer, a, r_a, v):
    """Also gives backward its router: each window's value to the window's (first) maximum."""
    if layer._tiles_the_input(a.shape):
        return _pooling_forward_tiles(layer, a, r_a)
    windows = _windows(layer, a, -np.inf)
    rows = np.arange(len(windows))
    winners = windows.argmax(axis=1)  # the first maximum, as Pooling's backward takes
    out = layer._shape_out(windows[rows, winners], a)
    r_out = None if r_a is None else layer._shape_out(_windows(layer, r_a, 0.0)[rows, winners], a)
    size, channels = layer.pool_h * layer.pool_w, a.shape[1]

    def route(d):  # as Pooling.backward routes the gradient
        flat = np.asarray(d).transpose(0, 2, 3, 1).ravel()
        windows = np.zeros((flat.size, size), dtype=flat.dtype)
        windows[np.arange(flat.size), winners] = flat
        return col2im(windows.reshape(-1, channels * size), a.shape, layer.pool_h, layer.pool_w, layer.stride,
                      layer.pad)

    return out, r_out, route


def _pooling_forward_tiles(layer, a, r_a):
    # The shortcut for windows that tile the input (the usual 2 x 2): the same numbers, no copy of the windows.
    out = conv_fast.max_pool_tiles(a, layer.pool_h, layer.pool_w)
    r_out = None if r_a is None else conv_fast.max_pool_tiles_gather(a, out, r_a, layer.pool_h, layer.pool_w)
    return out, r_out, lambda d: conv_fast.max_pool_tiles_backward(a, out, d, layer.pool_h, layer.pool_w)


def _batch_norm_forward(layer, a, r_a, v):
    rows = layer._rows(a).reshape(len(a), -1)
    centered = rows - rows.mean(axis=0)
    std = np.sqrt(np.mean(centered**2, axis=0) + layer.eps)
    normalized = centered / std
    r_normalized, r_std = np.zeros_like(normalized), 0.0  # the data's R is zero
    if r_a is not None:
        r_centered = r_a.reshape(rows.shape) - r_a.reshape(rows.shape).mean(axis=0)
        r_std = np.mean(normalized * r_centered, axis=0)  # R{sigma} = mean(c R{c}) / sigma
        r_normalized = (r_centered - normalized * r_std) / std
    out = layer.gamma * normalized + layer.beta
    r_out = v["gamma"] * normalized + v["beta"] + layer.gamma * r_normalized
    return out.reshape(a.shape), r_out.reshape(a.shape), (normalized, r_normalized, std, r_std, a.shape)


# ---- backward: (delta to the input, its R, {attr: R of the attr's gradient}) ------------------------
def _affine_backward(layer, saved, delta, r_delta, v):
    flat, r_flat, shape = saved
    grads = {"W": _plus(flat.T @ r_delta, None if r_flat is None else r_flat.T @ delta), "b": r_delta.sum(axis=0)}
    if r_flat is None:  # no parameters before this layer: no gradient to its input is needed
        return None, None, grads
    return (delta @ layer.W.T).reshape(shape), (r_delta @ layer.W.T + delta @ v["W"].T).reshape(shape), grads


def _convolution_backward(layer, saved, delta, r_delta, v):
    a, r_a = saved
    stride, pad = layer.stride, layer.pad
    grads = {"W": conv_fast.weight_gradient(r_delta, a, layer.W.shape, stride, pad),
             "b": np.asarray(r_delta).sum(axis=(0, 2, 3))}
    if r_a is None:
        return None, None, grads
    grads["W"] += conv_fast.weight_gradient(delta, r_a, layer.W.shape, stride, pad)
    return (conv_fast.input_gradient(delta, layer.W, a.shape, stride, pad),
            conv_fast.input_gradient(r_delta, layer.W, a.shape, stride, pad)
            + conv_fast.input_gradient(delta, v["W"], a.shape, stride, pad), grads)


def _activation_backward(layer, saved, delta, r_delta, v):
    z, r_z, a = saved
    first, second = DERIVATIVES[type(layer)]
    return delta * first(z, a), r_delta * first(z, a) + delta * second(z, a) * r_z, {}


def _pooling_backward(layer, route, delta, r_delta, v):
    return route(delta), route(r_delta), {}


def _batch_norm_backward(layer, saved, delta, r_delta, v):
    normalized, r_normalized, std, r_std, shape = saved
    delta, r_delta = delta.reshape(normalized.shape), r_delta.reshape(normalized.shape)
    grads = {"gamma": np.sum(r_delta * normalized + delta * r_normalized, axis=0), "beta": r_delta.sum(axis=0)}
    d_norm, r_d_norm = layer.gamma * delta, v["gamma"] * delta + layer.gamma * r_delta
    spread = np.mean(d_norm * normalized, axis=0)
    dx = (d_norm - d_norm.mean(axis=0) - normalized * spread) / std
    r_dx = (r_d_norm - r_d_norm.mean(axis=0) - r_normalized * spread
            - normalized * np.mean(r_d_norm * normalized + d_norm * r_normalized, axis=0)) / std - dx * r_std / std
    return dx.reshape(shape), r_dx.reshape(shape), grads


RULES = {Affine: (_affine_forward, _affine_backward), Convolution: (_convolution_forward, _convolution_backward),
         Pooling: (_pooling_forward, _pooling_backward),
         BatchNormalization: (_batch_norm_forward, _batch_norm_backward),
         **{kind: (_activation_forward, _activation_backward) for kind in DERIVATIVES}}


def covered(network):
    """Whether every layer has its rules here (``RULES``) and the loss is softmax or squared error."""
    layers = getattr(network, "layers", None)
    return (layers is not None and hasattr(network, "_slots")
            and isinstance(network.last_layer, (SoftmaxWithLoss, IdentityWithLoss))
            and all(type(layer) in RULES for layer in layers.values()))


def _labels(t, classes):
    t = np.asarray(t)
    return np.eye(classes)[t] if t.ndim == 1 else t.astype(float)


def _loss_delta(network, a, r_a, t):
    """The loss's gradient to the last scores and its R."""
    n = len(a)
    if isinstance(network.last_layer, SoftmaxWithLoss):
        shifted = np.exp(a - a.max(axis=1, keepdims=True))
        p = shifted / shifted.sum(axis=1, keepdims=True)
        return (p - _labels(t, a.shape[1]).astype(a.dtype)) / n, p * (r_a - np.sum(p * r_a, axis=1, keepdims=True)) / n
    factor = 2 * network.last_layer.factor / n
    return factor * (a - np.asarray(t, dtype=a.dtype)), factor * r_a


def hessian_vector_product_exact(network, x, t, v):
    """:math:`H v` by the R-operator (see the module): exact, for the layers of ``RULES``.

    ``v`` has the length of the network's parameters, in ``params`` order; returns a vector
    of that length (float64). The loss is the one ``network.gradient`` takes (batch
    normalization on the batch's statistics). It computes in the precision of the network's
    parameters (a float32 network: float32 products). The network is not changed. Refuses a
    network with other layers.
    """
    if not covered(network):
        raise ValueError("network: the exact product covers Affine, Convolution, Pooling, BatchNormalization, Relu, "
                         "Sigmoid and Tanh layers into SoftmaxWithLoss or IdentityWithLoss; use "
                         "hessian_vector_product (the central difference)")
    dtype = np.result_type(*network.params.values())  # the network's own precision
    directions = {key: piece.astype(dtype, copy=False) for key, piece in split_vector(v, network.params, "v").items()}
    keys = {}  # layer name -> {attr: params key}
    for key, (name, attr) in network._slots.items():
        keys.setdefault(name, {})[attr] = key
    a, r_a, tape = np.asarray(x, dtype=dtype), None, []
    for name, layer in network.layers.items():
        along = {attr: directions[key] for attr, key in keys.get(name, {}).items()}
        if "b" in along:
            along["b"] = along["b"].ravel()
        a, r_a, saved = RULES[type(layer)][0](layer, a, r_a, along)
        tape.append((name, layer, saved, along))
    delta, r_delta = _loss_delta(network, a, r_a, t)
    products = {}
    for name, layer, saved, along in reversed(tape):
        delta, r_delta, grads = RULES[type(layer)][1](layer, saved, delta, r_delta, along)
        for attr, key in keys.get(name, {}).items():
            products[key] = np.reshape(grads[attr], np.shape(network.params[key]))
            if key in network._decayed and network.weight_decay_lambda:
                products[key] = products[key] + network.weight_decay_lambda * directions[key]
        if delta is None:  # the first layer with parameters: nothing before it to reach
            break
    return np.concatenate([np.ravel(products[key]) for key in network.params]).astype(np.float64)
