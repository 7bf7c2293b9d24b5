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

from scratchnet.conv import Convolution
from scratchnet.functions import _labels_as_indices
from scratchnet.gradient import numerical_gradient
from scratchnet.layers import Affine, Dropout, NonFiniteLossError
from scratchnet.networks import rank_one


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
        try:
            self.last_loss = self.last_layer.forward(self.predict(x, train=train), t) + self.weight_decay_loss()
        except NonFiniteLossError:
            if not np.all(np.isfinite(x)):  # the data, not the training, is the cause
                raise NonFiniteLossError("x: holds NaN or infinity, so the loss is not finite; fix the data") from None
            raise
        return self.last_loss

    #: rows per forward pass in :meth:`accuracy` (``None``: all at once)
    accuracy_batch_size = None

    def accuracy(self, x, t, batch_size=None):
        """Fraction of rows of ``x`` whose highest score is the label ``t`` (integer or one-hot).

        ``batch_size`` rows at a time (default :attr:`accuracy_batch_size`), which keeps the
        memory of a convolutional network's activations small; the result is the same.
        """
        if np.ndim(x) == 0 or len(x) == 0:
            raise ValueError(f"x: expected at least one sample, got an array of shape {np.shape(x)}")
        if np.ndim(t) == 0 or len(t) != len(x):
            raise ValueError(f"t: expected {len(x)} labels, one per row of x, got shape {np.shape(t)}")
        batch_size = batch_size or self.accuracy_batch_size or len(x)
        correct = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start:start + batch_size], train=False)
            labels = _labels_as_indices(t[start:start + batch_size], scores.shape[-1])
            if labels.shape != scores.shape[:-1]:
                raise ValueError(f"t: expected labels (N,) or one-hot rows (N, {scores.shape[-1]}), got shape "
                                 f"{np.shape(t)}")
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
        grads, fast_paths = {}, {}  # layer index -> rank_one.RankOne, shared by its W and b
        for key, (name, attr) in self._slots.items():
            index = self._layer_index[name]
            layer = layers[index]
            array = layer.params[attr]
            flat = array.reshape(-1)
            fast = rank_one.covers(layers, index, self.last_layer)
            if fast and index not in fast_paths:
                fast_paths[index] = rank_one.RankOne(layers, index, self.last_layer, inputs, t)
            chunk = max(1, max_chunk_bytes // (8 * (len(x) * (inputs[-1].shape[-1] + 4) if fast else 2 * widest)))
            grad = np.empty(flat.size)
            for start in range(0, flat.size, chunk):
                indices = np.arange(start, min(start + chunk, flat.size))
                original = flat[indices]
                values = np.concatenate([original + h, original - h])
                if fast:  # the same differences, one hidden unit at a time (networks/rank_one.py)
                    steps = values.reshape(2, -1) - original  # as stored: (w + h) - w is not always h
                    losses = fast_paths[index].loss_changes(attr, indices, steps).reshape(-1)
                else:
                    losses = self._perturbed_losses(layers, index, inputs, t, attr, indices, values, train)
                if key in self._decayed and self.weight_decay_lambda:
                    losses = losses + 0.5 * self.weight_decay_lambda * (values**2 - np.tile(original**2, 2))
                n = len(indices)
                grad[indices] = (losses[:n] - losses[n:]) / (2 * h)
            grads[key] = grad.reshape(array.shape)
        return grads

    def _perturbed_losses(self, layers, index, inputs, t, attr, indices, values, train):
        """The loss for each value of the entries ``indices`` (first all ``+h``, then all ``-h``): ``(2K,)``.

        The perturbed layer builds all its outputs at once; the rest of the network runs on
        them as one stacked batch.
        """
        out = layers[index].perturbed_outputs(inputs[index], attr, np.concatenate([indices, indices]), values, train)
        for later in layers[index + 1:]:
            out = later.apply(out, train=train)
        return self.last_layer.apply(out, t)
