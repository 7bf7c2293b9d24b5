r"""Layered networks: an ordered list of layers and a loss layer.

``params`` maps textbook keys (``"W1"``, ``"b1"``, ``"gamma1"``, ...) to the very arrays
the layers compute with, so ``optimizer.update(net.params, net.gradient(x, t))``, which
updates those arrays in place, trains the network.

Two numerical gradients are offered. :meth:`LayerNet.numerical_gradient_naive` is the
textbook loop: perturb one entry, run the whole network, twice per entry.
:meth:`LayerNet.numerical_gradient` computes the same central differences, but uses the
structure of the network: a parameter of layer ``k`` does not change the activations
entering layer ``k``, so those are computed once; and the perturbed copies of the
network are pushed through the remaining layers together, as one stacked batch.
"""

import numpy as np

from scratchnet.conv import Convolution, Pooling, conv_output_size
from scratchnet.functions import _labels_as_indices
from scratchnet.gradient import numerical_gradient
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

ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}


class LayerNet:
    """A network of ``layers`` (a list of ``(name, layer)`` pairs) ending in ``last_layer``.

    ``param_keys`` maps each public key to ``(layer_name, parameter_name)``, e.g.
    ``{"W1": ("Affine1", "W")}``. Weight decay :math:`\\frac{\\lambda}{2}\\sum W^2` applies
    to every ``W`` of an ``Affine`` layer.
    """

    def __init__(self, layers, last_layer, param_keys, weight_decay_lambda=0.0):
        if weight_decay_lambda < 0:
            raise ValueError(f"weight_decay_lambda: expected a value >= 0, got {weight_decay_lambda}")
        self.layers = dict(layers)
        self.last_layer = last_layer
        self.last_loss = None
        self.weight_decay_lambda = weight_decay_lambda
        self._layer_index = {name: i for i, name in enumerate(self.layers)}
        self._slots = dict(param_keys)
        self.params = {key: self.layers[name].params[attr] for key, (name, attr) in self._slots.items()}
        self._decayed = {
            key for key, (name, attr) in self._slots.items()
            if attr == "W" and isinstance(self.layers[name], Affine)
        }

    @property
    def param_locations(self):
        """Each ``params`` key's place: ``{"W1": (layer index, "W"), ...}``."""
        return {key: (self._layer_index[name], attr) for key, (name, attr) in self._slots.items()}

    @property
    def decayed_keys(self):
        """The keys whose arrays weight decay applies to (every ``W`` of an ``Affine``)."""
        return sorted(self._decayed, key=list(self.params).index)

    # ---- forward and loss ---------------------------------------------------------
    def predict(self, x, train=False):
        """Scores before the loss layer, ``(N, output_size)``; caches for ``backward``."""
        for layer in self.layers.values():
            x = layer.forward(x, train=train)
        return x

    def weight_decay_loss(self):
        r""":math:`\frac{\lambda}{2}\sum_W \lVert W \rVert^2` over the decayed weights."""
        if not self.weight_decay_lambda:
            return 0.0
        return 0.5 * self.weight_decay_lambda * sum(np.sum(self.params[k] ** 2) for k in self._decayed)

    def loss(self, x, t, train=False):
        """Batch-mean loss plus weight decay (also kept as ``last_loss``).

        Raises ``NonFiniteLossError`` when the loss is NaN or infinite.
        """
        self.last_loss = self.last_layer.forward(self.predict(x, train=train), t) + self.weight_decay_loss()
        return self.last_loss

    #: rows per forward pass in :meth:`accuracy` (``None``: all at once)
    accuracy_batch_size = None

    def accuracy(self, x, t, batch_size=None):
        """Fraction of rows of ``x`` whose highest score is the label ``t`` (integer or one-hot).

        ``batch_size`` rows at a time (default :attr:`accuracy_batch_size`), which keeps the
        memory of a convolutional network's activations small; the result is the same.
        """
        batch_size = batch_size or self.accuracy_batch_size or len(x)
        correct = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start:start + batch_size], train=False)
            labels = _labels_as_indices(t[start:start + batch_size], scores.shape[-1])
            correct += int(np.sum(np.argmax(scores, axis=-1) == labels))
        return correct / len(x)

    # ---- gradients ----------------------------------------------------------------
    def gradient(self, x, t):
        """Backpropagation in training mode; returns a dict keyed like ``params``."""
        self.loss(x, t, train=True)
        dout = self.last_layer.backward(1.0)
        layers = list(self.layers.values())
        for layer in reversed(layers[1:]):
            dout = layer.backward(dout)
        if isinstance(layers[0], (Affine, Convolution)):
            layers[0].backward(dout, input_grad=False)  # the data needs no gradient
        else:
            layers[0].backward(dout)
        grads = {}
        for key, (name, attr) in self._slots.items():
            grad = self.layers[name].grads[attr]
            if key in self._decayed and self.weight_decay_lambda:
                grad = grad + self.weight_decay_lambda * self.params[key]
            grads[key] = grad
        return grads

    def layer_inputs(self, x, train=False):
        """``[x, out_1, ..., scores]``: each layer's input, by ``apply`` (nothing cached).

        In training mode a ``Dropout`` layer without a mask for this batch first draws
        one, so every later evaluation of the same batch shares it.
        """
        inputs = [x]
        for layer in self.layers.values():
            if train and isinstance(layer, Dropout) and not layer.fits(inputs[-1]):
                layer.forward(inputs[-1], train=True)
            inputs.append(layer.apply(inputs[-1], train=train))
        return inputs

    def evaluate_loss(self, x, t, train=False):
        """The loss as :meth:`loss` computes it, but by ``apply``: no caches, no state changes."""
        scores = self.layer_inputs(x, train)[-1]
        return float(self.last_layer.apply(scores, t)) + self.weight_decay_loss()

    def numerical_gradient_naive(self, x, t, h=1e-4, train=True):
        """The textbook loop: :func:`~scratchnet.gradient.numerical_gradient` on every array.

        Two full evaluations of the network per parameter entry. Kept as the readable
        reference that :meth:`numerical_gradient` is tested against.
        """
        self.layer_inputs(x, train)  # draws dropout masks once, so every call shares them

        def loss_of(_):
            return self.evaluate_loss(x, t, train)

        return {key: numerical_gradient(loss_of, array, h) for key, array in self.params.items()}

    def numerical_gradient(self, x, t, h=1e-4, train=True, max_chunk_bytes=32 * 2**20):
        r"""Central differences :math:`(L(\theta + h e_i) - L(\theta - h e_i)) / 2h` for every entry.

        The same numbers as :meth:`numerical_gradient_naive` (to rounding), computed in
        batches: the input of the perturbed layer is computed once, the layer builds all
        its perturbed outputs at once (``perturbed_outputs``), and the rest of the
        network runs on them as one stacked array of at most ``max_chunk_bytes``.
        """
        layers = list(self.layers.values())
        inputs = self.layer_inputs(x, train)
        widest = max(int(np.prod(a.shape)) for a in inputs[1:])
        chunk = max(1, max_chunk_bytes // (2 * 8 * widest))
        grads = {}
        for key, (name, attr) in self._slots.items():
            index = self._layer_index[name]
            layer = layers[index]
            array = layer.params[attr]
            flat = array.reshape(-1)
            grad = np.empty(flat.size)
            for start in range(0, flat.size, chunk):
                indices = np.arange(start, min(start + chunk, flat.size))
                original = flat[indices]
                values = np.concatenate([original + h, original - h])
                out = layer.perturbed_outputs(
                    inputs[index], attr, np.concatenate([indices, indices]), values, train
                )
                for later in layers[index + 1:]:
                    out = later.apply(out, train=train)
                losses = self.last_layer.apply(out, t)
                if key in self._decayed and self.weight_decay_lambda:
                    losses = losses + 0.5 * self.weight_decay_lambda * (values**2 - np.tile(original**2, 2))
                n = len(indices)
                grad[indices] = (losses[:n] - losses[n:]) / (2 * h)
            grads[key] = grad.reshape(array.shape)
        return grads


class TwoLayerNet(LayerNet):
    r"""Affine - ReLU - Affine - SoftmaxWithLoss, the textbook's chapter 5 network.

    Weights are :math:`\mathcal N(0, \text{weight\_init\_std}^2)`, biases zero.
    ``params``: ``W1`` ``(input_size, hidden_size)``, ``b1``, ``W2`` ``(hidden_size, output_size)``, ``b2``.
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, seed=None,
                 dtype=np.float64):
        layers, keys = _feedforward_layers([input_size, hidden_size, output_size], "relu", weight_init_std,
                                           use_bias=True, output_activation=None, seed=seed, dtype=dtype)
        super().__init__(layers, SoftmaxWithLoss(), keys)


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


class ParamsNet(LayerNet):
    """A :class:`LayerNet` rebuilt from someone else's arrays by :func:`from_params`.

    Its ``params`` keep the source's keys, in scratchnet's layout (``W`` as ``(in, out)``,
    biases ``(out,)``); :meth:`import_params` converts any dict in the source's layout
    (a recorded trajectory step, say) into that form, so both describe the same point.
    """

    def __init__(self, layers, last_layer, param_keys, source_shapes, transposed):
        super().__init__(layers, last_layer, param_keys)
        self.source_shapes = dict(source_shapes)
        self.transposed = frozenset(transposed)

    def import_params(self, source_params, argument="params"):
        """A dict keyed like ``params`` from ``source_params``, a dict in the source's keys, shapes and layout."""
        missing = [key for key in self.source_shapes if key not in source_params]
        if missing:
            raise ValueError(f"{argument}: expected the keys {list(self.source_shapes)}; missing {missing}")
        converted = {}
        for key, shape in self.source_shapes.items():
            array = np.asarray(source_params[key], dtype=float)
            if array.shape != shape:
                raise ValueError(f"{argument}[{key!r}]: expected shape {shape}, got {array.shape}")
            converted[key] = array.T if key in self.transposed else array.reshape(self.params[key].shape)
        return converted


def _weight_and_bias_keys(params):
    """``[(weight key, bias key or None), ...]`` in dict order: ``W*``/``w*`` keys, each with its ``b*`` twin."""
    weights = [key for key in params if str(key)[:1] in ("W", "w")]
    pairs, used = [], set(weights)
    for key in weights:
        twin = next((b for b in ("b" + key[1:], "B" + key[1:]) if b in params), None)
        pairs.append((key, twin))
        used.add(twin)
    unknown = [key for key in params if key not in used]
    if not weights or unknown:
        raise ValueError(f"params: expected weights named W1, W2, ... (or w1, ...) and biases b1, b2, ...; "
                         f"could not place {unknown or list(params)}")
    return pairs


def from_params(params, layout="out_in", activation="relu", output="softmax", squared_factor=0.5):
    r"""A scratchnet network that computes what a hand-written MLP with these arrays computes.

    ``params`` is the MLP's dict, e.g. ``{"W1": (128, 784), "b1": (1, 128), "W2": (10, 128),
    "b2": (1, 10)}``: weights named ``W1, W2, ...`` in layer order, each with an optional
    bias ``b1, b2, ...`` of shape ``(out,)`` or ``(1, out)``. ``layout`` says how a weight is
    stored: ``"out_in"`` (``z = x @ W.T + b``, as in PyTorch and most hand-written nets) or
    ``"in_out"`` (``z = x @ W + b``, the book's). Hidden layers use ``activation``
    (``"relu"``, ``"sigmoid"``, ``"tanh"``); ``output`` is ``"softmax"`` (softmax with
    cross-entropy, the batch mean), ``"sigmoid"`` or ``"identity"`` (with the squared
    error :math:`\frac{c}{N}\sum_n \lVert y_n - t_n\rVert^2`, ``c = squared_factor``).

    The arrays are copied; the network's ``params`` keep the dict's keys, in scratchnet's
    layout, and ``network.import_params(d)`` converts any dict in the source layout. Its
    loss equals the MLP's (tested to 1e-10) when that is computed exactly, and its loss
    grids take the fast exact path.
    """
    if layout not in ("out_in", "in_out"):
        raise ValueError(f"layout: expected 'out_in' (W is (out, in)) or 'in_out' (W is (in, out)), got {layout!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation: expected one of {sorted(ACTIVATIONS)}, got {activation!r}")
    if output not in ("softmax", "sigmoid", "identity"):
        raise ValueError(f"output: expected 'softmax', 'sigmoid' or 'identity', got {output!r}")
    pairs = _weight_and_bias_keys(params)
    layers, keys, shapes, width = [], {}, {}, None
    for i, (w_key, b_key) in enumerate(pairs, 1):
        W = np.array(params[w_key], dtype=float)
        if W.ndim != 2:
            raise ValueError(f"params[{w_key!r}]: expected a 2-D weight matrix, got shape {W.shape}")
        shapes[w_key] = W.shape
        W = W.T.copy() if layout == "out_in" else W
        if width is not None and W.shape[0] != width:
            raise ValueError(f"params[{w_key!r}]: expected {width} inputs (the outputs of {pairs[i - 2][0]}), "
                             f"got shape {shapes[w_key]} in layout {layout!r}")
        width = W.shape[1]
        b = None
        if b_key is not None:
            b = np.array(params[b_key], dtype=float)
            shapes[b_key] = b.shape
            if b.shape not in ((width,), (1, width)):
                raise ValueError(f"params[{b_key!r}]: expected shape ({width},) or (1, {width}), got {b.shape}")
            b = b.reshape(width)
            keys[b_key] = (f"Affine{i}", "b")
        layers.append((f"Affine{i}", Affine(W, b)))
        keys[w_key] = (f"Affine{i}", "W")
        kind = activation if i < len(pairs) else (output if output == "sigmoid" else None)
        if kind is not None:
            layers.append((f"{kind.capitalize()}{i}", ACTIVATIONS[kind]()))
    ordered = {key: keys[key] for key in params}  # the source's key order
    last = SoftmaxWithLoss() if output == "softmax" else IdentityWithLoss(squared_factor)
    transposed = [w for w, _ in pairs] if layout == "out_in" else []
    return ParamsNet(layers, last, ordered, shapes, transposed)
