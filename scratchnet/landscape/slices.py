"""The loss as a function of two chosen weights, the others held fixed: a 2D objective.

A :class:`WeightSlice` behaves like the objectives of :mod:`scratchnet.objectives`
(it has ``name``, is callable on ``(w1, w2)``, and has ``gradient(w1, w2)``), so
:func:`scratchnet.objectives.descend` runs any optimizer on it: gradient descent on two
weights of a real network, whose landscape :func:`~scratchnet.landscape.loss_grid` draws.
"""

from contextlib import contextmanager

import numpy as np


class WeightSlice:
    """``L(w1, w2)``: the loss with ``params[key1][index1] = w1`` and ``params[key2][index2] = w2``.

    ``first`` and ``second`` are ``(key, index)`` pairs such as ``("W3", (250, 5))``.
    The layers before the first layer holding either weight do not change, so their
    output is computed once; each value or gradient runs only the layers from there on
    (forward and backprop). The network's weights are restored after every call.
    """

    def __init__(self, network, x, t, first, second, name=None):
        self.network, self.t = network, t
        self.entries = []
        for key, index in (first, second):
            if key not in network.params:
                raise ValueError(f"first, second: {key!r} is not a parameter; the keys are {list(network.params)}")
            array = network.params[key]
            index = tuple(int(i) for i in np.atleast_1d(index))
            if len(index) != array.ndim or any(not 0 <= i < n for i, n in zip(index, array.shape, strict=True)):
                raise ValueError(f"first, second: index {index} is outside {key} of shape {array.shape}")
            self.entries.append((key, index))
        if self.entries[0] == self.entries[1]:
            raise ValueError(f"first, second: expected two different weights, got {first!r} twice (a slice through "
                             f"one weight is a line, not a surface)")
        locations = network.param_locations
        layers = list(network.layers.values())
        self.start = min(locations[key][0] for key, _ in self.entries)
        self.layers = layers[self.start:]
        self.inputs = network.layer_inputs(x)[self.start]
        # Where each weight's gradient appears after backward, and whether weight decay adds to it.
        decayed = set(network.decayed_keys)
        self.sources = [(layers[locations[key][0]], locations[key][1], key in decayed) for key, _ in self.entries]
        self.name = name or " and ".join(f"{key}[{', '.join(map(str, index))}]" for key, index in self.entries)

    @contextmanager
    def _placed(self, w1, w2):
        """The two weights set to ``(w1, w2)`` for the block, their old values restored after it."""
        params = self.network.params
        saved = [params[key][index] for key, index in self.entries]
        for (key, index), value in zip(self.entries, (w1, w2), strict=True):
            params[key][index] = value
        try:
            yield
        finally:
            for (key, index), value in zip(self.entries, saved, strict=True):
                params[key][index] = value

    def _value(self, w1, w2):
        with self._placed(w1, w2):
            out = self.inputs
            for layer in self.layers:
                out = layer.apply(out)
            return float(self.network.last_layer.apply(out, self.t)) + self.network.weight_decay_loss()

    def __call__(self, w1, w2):
        """The loss at ``(w1, w2)``; arrays of points give an array of losses."""
        w1, w2 = np.broadcast_arrays(np.asarray(w1, dtype=float), np.asarray(w2, dtype=float))
        values = np.array([self._value(a, b) for a, b in zip(w1.ravel(), w2.ravel(), strict=True)])
        return values.reshape(w1.shape) if w1.ndim else float(values[0])

    def gradient(self, w1, w2):
        """``(dL/dw1, dL/dw2)`` by backpropagation through the layers that follow the cached input."""
        with self._placed(w1, w2):
            out = self.inputs
            for layer in self.layers:
                out = layer.forward(out)
            self.network.last_layer.forward(out, self.t)
            dout = self.network.last_layer.backward(1.0)
            for layer in reversed(self.layers):
                dout = layer.backward(dout)
            grads = []
            for (key, index), (layer, attr, decayed) in zip(self.entries, self.sources, strict=True):
                grad = float(layer.grads[attr][index])
                if decayed:
                    grad += self.network.weight_decay_lambda * self.network.params[key][index]
                grads.append(grad)
            return tuple(grads)
