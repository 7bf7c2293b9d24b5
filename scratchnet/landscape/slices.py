"""The loss as a function of two chosen weights, the others held fixed: a 2D objective.

A :class:`WeightSlice` behaves like the objectives of :mod:`scratchnet.objectives`
(it has ``name``, is callable on ``(w1, w2)``, and has ``gradient(w1, w2)``), so
:func:`scratchnet.objectives.descend` runs any optimizer on it: gradient descent on two
weights of a real network, whose landscape :func:`~scratchnet.landscape.loss_grid` draws.
"""

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
        locations = network.param_locations
        self.start = min(locations[key][0] for key, _ in self.entries)
        self.layers = list(network.layers.values())[self.start:]
        self.inputs = network.layer_inputs(x)[self.start]
        self.name = name or " and ".join(f"{key}[{', '.join(map(str, index))}]" for key, index in self.entries)

    def _set(self, w1, w2):
        saved = [self.network.params[key][index] for key, index in self.entries]
        for (key, index), value in zip(self.entries, (w1, w2), strict=True):
            self.network.params[key][index] = value
        return saved

    def _restore(self, saved):
        for (key, index), value in zip(self.entries, saved, strict=True):
            self.network.params[key][index] = value

    def _value(self, w1, w2):
        saved = self._set(w1, w2)
        try:
            out = self.inputs
            for layer in self.layers:
                out = layer.apply(out)
            return float(self.network.last_layer.apply(out, self.t)) + self.network.weight_decay_loss()
        finally:
            self._restore(saved)

    def __call__(self, w1, w2):
        """The loss at ``(w1, w2)``; arrays of points give an array of losses."""
        w1, w2 = np.broadcast_arrays(np.asarray(w1, dtype=float), np.asarray(w2, dtype=float))
        values = np.array([self._value(a, b) for a, b in zip(w1.ravel(), w2.ravel(), strict=True)])
        return values.reshape(w1.shape) if w1.ndim else float(values[0])

    def gradient(self, w1, w2):
        """``(dL/dw1, dL/dw2)`` by backpropagation through the layers that follow the cached input."""
        saved = self._set(w1, w2)
        try:
            out = self.inputs
            for layer in self.layers:
                out = layer.forward(out)
            self.network.last_layer.forward(out, self.t)
            dout = self.network.last_layer.backward(1.0)
            for layer in reversed(self.layers):
                dout = layer.backward(dout)
            locations = self.network.param_locations
            layers = list(self.network.layers.values())
            grads = []
            for key, index in self.entries:
                layer_index, attr = locations[key]
                grad = float(layers[layer_index].grads[attr][index])
                if key in self.network.decayed_keys:
                    grad += self.network.weight_decay_lambda * self.network.params[key][index]
                grads.append(grad)
            return tuple(grads)
        finally:
            self._restore(saved)
