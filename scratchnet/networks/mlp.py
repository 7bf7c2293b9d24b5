r"""Fully connected networks: the book's TwoLayerNet and MultiLayerNet, and build_network for any widths."""

import numpy as np

from scratchnet.layers import (
    Affine,
    BatchNormalization,
    Dropout,
    IdentityWithLoss,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)
from scratchnet.networks.base import LayerNet

ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}


class TwoLayerNet(LayerNet):
    r"""Affine - ReLU - Affine - SoftmaxWithLoss, the textbook's chapter 5 network.

    Weights are :math:`\mathcal N(0, \text{weight\_init\_std}^2)`, biases zero.
    ``params``: ``W1`` ``(input_size, hidden_size)``, ``b1``, ``W2`` ``(hidden_size, output_size)``, ``b2``.
    ``activation="sigmoid"`` gives the chapter-4 network (section 4.5.1).
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, seed=None,
                 dtype=np.float64, activation="relu"):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation: expected one of {sorted(ACTIVATIONS)}, got {activation!r}")
        check_sizes(input_size=input_size, hidden_size=hidden_size, output_size=output_size)
        layers, keys = _feedforward_layers([input_size, hidden_size, output_size], activation, weight_init_std,
                                           use_bias=True, output_activation=None, seed=seed, dtype=dtype)
        super().__init__(layers, SoftmaxWithLoss(), keys)


def check_sizes(**sizes):
    """Each size a whole number >= 1: a 0-wide layer trains nothing, and 5.0 or -3 are typos."""
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}: expected a whole number >= 1, got {value!r}")


def float_dtype(dtype):
    """``dtype`` if it is a floating-point type; integer weights would all be drawn as 0."""
    found = np.dtype(dtype)
    if found.kind != "f":
        raise ValueError(f"dtype: expected a floating-point type (float64, float32, float16), got {found}")
    return found


def _init_scale(weight_init_std, fan_in):
    if isinstance(weight_init_std, str):
        kind = weight_init_std.lower()
        if kind in ("he", "relu"):
            return np.sqrt(2.0 / fan_in)
        if kind in ("xavier", "sigmoid"):
            return np.sqrt(1.0 / fan_in)
        raise ValueError(f"weight_init_std: expected 'he', 'xavier' or a number, got {weight_init_std!r}")
    if not np.isfinite(weight_init_std) or weight_init_std <= 0:
        raise ValueError(f"weight_init_std: expected a positive number, got {weight_init_std}")
    return float(weight_init_std)


class MultiLayerNet(LayerNet):
    r"""A fully connected net of any depth: (Affine [BatchNorm] activation [Dropout]) x k, Affine, softmax.

    ``hidden_size_list`` gives the width of each hidden layer. ``weight_init_std`` is
    ``"he"`` (:math:`\sqrt{2/n_{in}}`, for ReLU), ``"xavier"`` (:math:`\sqrt{1/n_{in}}`,
    for sigmoid/tanh) or a fixed standard deviation. Keys: ``W1..W{k+1}``, ``b1..``, and
    ``gamma1.., beta1..`` with batch normalization.
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="he", weight_decay_lambda=0.0, use_dropout=False,
                 dropout_ratio=0.5, use_batchnorm=False, seed=None, dtype=np.float64):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation: expected one of {sorted(ACTIVATIONS)}, got {activation!r}")
        hidden_size_list = list(hidden_size_list)
        rng = np.random.default_rng(seed)
        check_sizes(input_size=input_size, output_size=output_size,
                    **{f"hidden_size_list[{i}]": size for i, size in enumerate(hidden_size_list)})
        dtype = float_dtype(dtype)
        sizes = [input_size] + hidden_size_list + [output_size]
        layers, keys = [], {}
        for i in range(1, len(sizes)):
            fan_in, fan_out = sizes[i - 1], sizes[i]
            scale = _init_scale(weight_init_std, fan_in)
            W = (scale * rng.standard_normal((fan_in, fan_out))).astype(dtype)
            layers.append((f"Affine{i}", Affine(W, np.zeros(fan_out, dtype=dtype))))
            keys[f"W{i}"], keys[f"b{i}"] = (f"Affine{i}", "W"), (f"Affine{i}", "b")
            if i == len(sizes) - 1:
                break
            if use_batchnorm:
                bn = BatchNormalization(np.ones(fan_out, dtype=dtype), np.zeros(fan_out, dtype=dtype))
                layers.append((f"BatchNorm{i}", bn))
                keys[f"gamma{i}"], keys[f"beta{i}"] = (f"BatchNorm{i}", "gamma"), (f"BatchNorm{i}", "beta")
            layers.append((f"{activation.capitalize()}{i}", ACTIVATIONS[activation]()))
            if use_dropout:
                layers.append((f"Dropout{i}", Dropout(dropout_ratio, seed=int(rng.integers(2**63)))))
        self.hidden_size_list = hidden_size_list
        super().__init__(layers, SoftmaxWithLoss(), keys, weight_decay_lambda)


def _feedforward_layers(sizes, activation, weight_init_std, use_bias, output_activation, seed, dtype):
    """Affine layers of ``sizes`` with ``activation`` between them: ``(layers, keys)`` for :class:`LayerNet`.

    Weights are drawn layer by layer from one generator seeded with ``seed``, biases zero.
    """
    check_sizes(**{f"sizes[{i}]": size for i, size in enumerate(sizes)})
    dtype = float_dtype(dtype)
    rng = np.random.default_rng(seed)
    layers, keys = [], {}
    for i in range(1, len(sizes)):
        scale = _init_scale(weight_init_std, sizes[i - 1])
        W = (scale * rng.standard_normal((sizes[i - 1], sizes[i]))).astype(dtype)
        layers.append((f"Affine{i}", Affine(W, np.zeros(sizes[i], dtype=dtype) if use_bias else None)))
        keys[f"W{i}"] = (f"Affine{i}", "W")
        if use_bias:
            keys[f"b{i}"] = (f"Affine{i}", "b")
        kind = activation if i < len(sizes) - 1 else output_activation
        if kind is not None:
            layers.append((f"{kind.capitalize()}{i}", ACTIVATIONS[kind]()))
    return layers, keys


def build_network(sizes, activation="relu", weight_init_std="he", use_bias=True, output_activation=None,
                  loss="softmax", squared_factor=0.5, seed=None, dtype=np.float64):
    r"""A plain feed-forward :class:`LayerNet` from a list of layer widths.

    ``sizes`` is ``[input, hidden..., output]``. Hidden layers use ``activation``; the
    output passes through ``output_activation`` (``None``, ``"sigmoid"``, ``"tanh"``,
    ``"relu"``) into the loss: ``"softmax"`` (``SoftmaxWithLoss``) or ``"squared"``
    (``IdentityWithLoss(squared_factor)``, so :math:`L = \frac{c}{N}\sum_n \lVert y_n - t_n\rVert^2`).
    Keys are ``W1, b1, W2, ...`` (no ``b`` keys without bias). For networks the
    textbook classes do not cover, such as those of the loss-landscape chapters.
    """
    if activation not in ACTIVATIONS or (output_activation is not None and output_activation not in ACTIVATIONS):
        raise ValueError(f"activation, output_activation: expected one of {sorted(ACTIVATIONS)}, got "
                         f"{activation!r} and {output_activation!r}")
    if loss not in ("softmax", "squared"):
        raise ValueError(f"loss: expected 'softmax' or 'squared', got {loss!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes: expected at least [input, output], got {sizes}")
    layers, keys = _feedforward_layers(sizes, activation, weight_init_std, use_bias, output_activation, seed, dtype)
    last = SoftmaxWithLoss() if loss == "softmax" else IdentityWithLoss(squared_factor)
    return LayerNet(layers, last, keys)
