r"""Convolutional networks (chapters 7 and 8) as :class:`~scratchnet.networks.base.LayerNet` s."""

import numpy as np

from scratchnet.conv import Convolution, Pooling, conv_output_size
from scratchnet.layers import Affine, Relu, SoftmaxWithLoss
from scratchnet.networks.base import LayerNet
from scratchnet.networks.mlp import _init_scale


class SimpleConvNet(LayerNet):
    r"""The book's convolutional network (section 7.5): Conv - ReLU - Pool - Affine - ReLU - Affine - softmax.

    ``input_dim`` is ``(C, H, W)``; ``conv_param`` holds ``filter_num``, ``filter_size``,
    ``pad`` and ``stride`` (defaults: 30, 5, 0, 1). Pooling is 2 x 2 with stride 2. Weights
    are :math:`\mathcal N(0, \text{weight\_init\_std}^2)`, biases zero. ``params``: ``W1``
    ``(filter_num, C, filter_size, filter_size)``, ``b1``, ``W2`` ``(filter_num * OH/2 * OW/2,
    hidden_size)``, ``b2``, ``W3`` ``(hidden_size, output_size)``, ``b3``. Inputs are images
    ``(N, C, H, W)`` (``load_mnist(flatten=False)``).
    """

    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100, output_size=10,
                 weight_init_std=0.01, seed=None, dtype=np.float64):
        unknown = set(conv_param or {}) - {"filter_num", "filter_size", "pad", "stride"}
        if unknown:
            raise ValueError(f"conv_param: expected filter_num, filter_size, pad and stride, got {sorted(unknown)}")
        settings = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1, **(conv_param or {})}
        channels, height, width = input_dim
        size, count = settings["filter_size"], settings["filter_num"]
        conv_h = conv_output_size(height, size, settings["stride"], settings["pad"], "input_dim (height)")
        conv_w = conv_output_size(width, size, settings["stride"], settings["pad"], "input_dim (width)")
        pooled = (count, conv_output_size(conv_h, 2, 2, 0, "the convolution's output (height)"),
                  conv_output_size(conv_w, 2, 2, 0, "the convolution's output (width)"))
        rng = np.random.default_rng(seed)
        scale = _init_scale(weight_init_std, channels * size * size)

        def draw(*shape):
            return (scale * rng.standard_normal(shape)).astype(dtype)

        layers = [
            ("Conv1", Convolution(draw(count, channels, size, size), np.zeros(count, dtype=dtype),
                                  settings["stride"], settings["pad"])),
            ("Relu1", Relu()),
            ("Pool1", Pooling(2, 2, stride=2)),
            ("Affine1", Affine(draw(int(np.prod(pooled)), hidden_size), np.zeros(hidden_size, dtype=dtype),
                               input_shape=pooled)),
            ("Relu2", Relu()),
            ("Affine2", Affine(draw(hidden_size, output_size), np.zeros(output_size, dtype=dtype))),
        ]
        keys = {"W1": ("Conv1", "W"), "b1": ("Conv1", "b"), "W2": ("Affine1", "W"), "b2": ("Affine1", "b"),
                "W3": ("Affine2", "W"), "b3": ("Affine2", "b")}
        self.input_dim, self.conv_param = tuple(input_dim), settings
        super().__init__(layers, SoftmaxWithLoss(), keys)

    accuracy_batch_size = 100  # images: a whole data set at once would need gigabytes of patches
