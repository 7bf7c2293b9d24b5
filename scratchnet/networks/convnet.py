r"""Convolutional networks (chapters 7 and 8) as :class:`~scratchnet.networks.base.LayerNet` s."""

import numpy as np

from scratchnet.conv import Convolution, Pooling, conv_output_size
from scratchnet.layers import Affine, Dropout, Relu, SoftmaxWithLoss
from scratchnet.networks.base import LayerNet
from scratchnet.networks.mlp import _init_scale, check_sizes, float_dtype


def _image_shape(input_dim):
    """``input_dim`` as ``(C, H, W)``, three whole numbers >= 1."""
    if np.ndim(input_dim) != 1 or len(input_dim) != 3:
        raise ValueError(f"input_dim: expected (C, H, W), e.g. (1, 28, 28), got {input_dim!r}")
    check_sizes(**{f"input_dim[{i}]": size for i, size in enumerate(input_dim)})
    return tuple(int(size) for size in input_dim)


class SimpleConvNet(LayerNet):
    r"""The book's convolutional network (section 7.5): Conv - ReLU - Pool - Affine - ReLU - Affine - softmax.

    ``input_dim`` is ``(C, H, W)``; ``conv_param`` holds ``filter_num``, ``filter_size``,
    ``pad`` and ``stride`` (defaults: 30, 5, 0, 1). Pooling is 2 x 2 with stride 2. Weights
    are :math:`\mathcal N(0, \text{weight\_init\_std}^2)`, or with ``"he"`` (``"xavier"``)
    :math:`\sqrt{2/n_{in}}` (:math:`\sqrt{1/n_{in}}`), :math:`n_{in}` each layer's own fan-in
    (C x filter_size^2 into the convolution); biases zero. ``params``: ``W1``
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
        channels, height, width = _image_shape(input_dim)
        check_sizes(hidden_size=hidden_size, output_size=output_size, filter_num=settings["filter_num"],
                    filter_size=settings["filter_size"])
        dtype = float_dtype(dtype)
        size, count = settings["filter_size"], settings["filter_num"]
        conv_h = conv_output_size(height, size, settings["stride"], settings["pad"], "input_dim (height)")
        conv_w = conv_output_size(width, size, settings["stride"], settings["pad"], "input_dim (width)")
        pooled = (count, conv_output_size(conv_h, 2, 2, 0, "the convolution's output (height)"),
                  conv_output_size(conv_w, 2, 2, 0, "the convolution's output (width)"))
        rng = np.random.default_rng(seed)

        def draw(*shape):
            """Weights for a layer of ``shape``; "he" and "xavier" scale by that layer's own fan-in."""
            fan_in = int(np.prod(shape[1:])) if len(shape) == 4 else shape[0]
            return (_init_scale(weight_init_std, fan_in) * rng.standard_normal(shape)).astype(dtype)

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


class DeepConvNet(LayerNet):
    r"""The book's deep network (section 8.1): six 3 x 3 convolutions, three poolings, two Affine layers.

    conv 16 - conv 16 - pool - conv 32 - conv 32 (pad 2) - pool - conv 64 - conv 64 - pool,
    each convolution followed by ReLU; then Affine 50 - ReLU - Dropout - Affine 10 - Dropout -
    softmax with cross-entropy. He initialization, :math:`\sqrt{2 / n_{in}}` with
    :math:`n_{in}` = channels x 3 x 3 into a convolution. ``params``: ``W1``..``W8``,
    ``b1``..``b8``. Inputs are images ``(N, 1, 28, 28)``.
    """

    FILTERS = (16, 16, 32, 32, 64, 64)
    PADS = (1, 1, 1, 2, 1, 1)

    def __init__(self, input_dim=(1, 28, 28), hidden_size=50, output_size=10, dropout_ratio=0.5, seed=None,
                 dtype=np.float64):
        rng = np.random.default_rng(seed)
        channels, height, width = _image_shape(input_dim)
        check_sizes(hidden_size=hidden_size, output_size=output_size)
        dtype = float_dtype(dtype)
        layers, keys = [], {}
        for i, (count, pad) in enumerate(zip(self.FILTERS, self.PADS, strict=True), 1):
            W = (np.sqrt(2.0 / (channels * 9)) * rng.standard_normal((count, channels, 3, 3))).astype(dtype)
            layers += [(f"Conv{i}", Convolution(W, np.zeros(count, dtype=dtype), stride=1, pad=pad)),
                       (f"Relu{i}", Relu())]
            keys[f"W{i}"], keys[f"b{i}"] = (f"Conv{i}", "W"), (f"Conv{i}", "b")
            height = conv_output_size(height, 3, 1, pad, "input_dim (height)")
            width = conv_output_size(width, 3, 1, pad, "input_dim (width)")
            channels = count
            if i % 2 == 0:
                layers.append((f"Pool{i // 2}", Pooling(2, 2, stride=2)))
                height = conv_output_size(height, 2, 2, 0, "a pooling's input (height)")
                width = conv_output_size(width, 2, 2, 0, "a pooling's input (width)")
        flat = channels * height * width
        for i, (fan_in, fan_out) in enumerate(((flat, hidden_size), (hidden_size, output_size)), 7):
            W = (np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))).astype(dtype)
            shape = (channels, height, width) if i == 7 else None
            layers.append((f"Affine{i - 6}", Affine(W, np.zeros(fan_out, dtype=dtype), input_shape=shape)))
            keys[f"W{i}"], keys[f"b{i}"] = (f"Affine{i - 6}", "W"), (f"Affine{i - 6}", "b")
            if i == 7:
                layers.append(("Relu7", Relu()))
            layers.append((f"Dropout{i - 6}", Dropout(dropout_ratio, seed=int(rng.integers(2**63)))))
        self.input_dim = tuple(input_dim)
        super().__init__(layers, SoftmaxWithLoss(), keys)

    accuracy_batch_size = 100
