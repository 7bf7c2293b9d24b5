r"""Optimizers: ``update(params, grads)`` changes each array of ``params`` in place.

The update rules and constants are the textbook's (chapter 6), so paths drawn with
them match the book's figures. State (velocities, squared-gradient sums, moments) is
kept per key, so one optimizer object can drive a network (``"W1"``, ``"b1"``, ...) or a
point on a 2D function (``{"xy": array([x, y])}``): one rule, two worlds.

=========  ==================================================================================
SGD        :math:`\theta \leftarrow \theta - \eta g`
Momentum   :math:`v \leftarrow \alpha v - \eta g;\ \theta \leftarrow \theta + v`
Nesterov   :math:`\theta \leftarrow \theta + \alpha^2 v - (1+\alpha)\eta g;\ v \leftarrow \alpha v - \eta g`
AdaGrad    :math:`h \leftarrow h + g^2;\ \theta \leftarrow \theta - \eta g / (\sqrt h + 10^{-7})`
RMSprop    :math:`h \leftarrow \rho h + (1-\rho) g^2;\ \theta \leftarrow \theta - \eta g / (\sqrt h + 10^{-7})`
Adam       :math:`m \leftarrow m + (1-\beta_1)(g - m);\ v \leftarrow v + (1-\beta_2)(g^2 - v);`
           :math:`\theta \leftarrow \theta - \eta_t m / (\sqrt v + 10^{-7})`,
           :math:`\eta_t = \eta \sqrt{1-\beta_2^t} / (1-\beta_1^t)`
=========  ==================================================================================
"""

import math

import numpy as np

EPSILON = 1e-7  # the textbook's constant in AdaGrad, RMSprop and Adam


def _check_rate(name, value):
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name}: expected a finite learning rate >= 0, got {value}")
    return float(value)


def _check_fraction(name, value):
    if not 0 <= value < 1:
        raise ValueError(f"{name}: expected a value in [0, 1), got {value}")
    return float(value)


class Optimizer:
    """Base class: validates and remembers hyperparameters; subclasses define ``update``."""

    def __init__(self, lr):
        self.lr = _check_rate("lr", lr)

    def update(self, params, grads):  # pragma: no cover - every optimizer overrides it
        raise NotImplementedError

    @staticmethod
    def _state(store, key, like):
        """The state array kept for ``key`` in ``store``, created as zeros on first use."""
        if key not in store:
            store[key] = np.zeros_like(like)
        return store[key]

    def _keys(self, params, grads):
        missing = [key for key in params if key not in grads]
        if missing:
            raise ValueError(f"grads: expected a gradient for every parameter; missing {missing}")
        for key in params:  # numpy would broadcast a (D,) gradient over every row of a (N, D) parameter
            if np.shape(grads[key]) != np.shape(params[key]):
                raise ValueError(f"grads[{key!r}]: expected the shape of params[{key!r}], {np.shape(params[key])}, "
                                 f"got {np.shape(grads[key])}")
        return params.keys()

    def __repr__(self):
        settings = ", ".join(f"{k}={v:g}" for k, v in vars(self).items() if isinstance(v, float))
        return f"{type(self).__name__}({settings})"


class SGD(Optimizer):
    r"""Stochastic gradient descent: :math:`\theta \leftarrow \theta - \eta g`."""

    def __init__(self, lr=0.01):
        super().__init__(lr)

    def update(self, params, grads):
        for key in self._keys(params, grads):
            params[key] -= self.lr * grads[key]


class Momentum(Optimizer):
    r"""Momentum: :math:`v \leftarrow \alpha v - \eta g`, then :math:`\theta \leftarrow \theta + v`."""

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = _check_fraction("momentum", momentum)
        self.v = {}

    def update(self, params, grads):
        for key in self._keys(params, grads):
            v = self._state(self.v, key, params[key])
            v *= self.momentum
            v -= self.lr * grads[key]
            params[key] += v


class Nesterov(Momentum):
    r"""Nesterov's accelerated gradient: momentum that looks ahead, in the textbook's form.

    :math:`\theta \leftarrow \theta + \alpha^2 v - (1 + \alpha)\,\eta g`, with the
    velocity :math:`v` of the *previous* step; then :math:`v \leftarrow \alpha v - \eta g`.
    The first step is therefore :math:`-(1 + \alpha)\,\eta g`. This is the reformulation
    of Bengio et al. (arXiv:1212.0901) that the book cites, in which the parameters are
    kept at the look-ahead point. Same hyperparameters and state as :class:`Momentum`.
    """

    def update(self, params, grads):
        for key in self._keys(params, grads):
            v = self._state(self.v, key, params[key])
            # The parameters move with the old velocity; only then is v updated.
            params[key] += self.momentum * self.momentum * v
            params[key] -= (1 + self.momentum) * self.lr * grads[key]
            v *= self.momentum
            v -= self.lr * grads[key]


class AdaGrad(Optimizer):
    r"""AdaGrad: :math:`h \leftarrow h + g^2`, :math:`\theta \leftarrow \theta - \eta g / (\sqrt h + 10^{-7})`."""

    def __init__(self, lr=0.01):
        super().__init__(lr)
        self.h = {}

    def update(self, params, grads):
        for key in self._keys(params, grads):
            h = self._state(self.h, key, params[key])
            h += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + EPSILON)


class RMSprop(Optimizer):
    r"""RMSprop: :math:`h \leftarrow \rho h + (1 - \rho) g^2`, then
    :math:`\theta \leftarrow \theta - \eta g / (\sqrt h + 10^{-7})`."""

    def __init__(self, lr=0.01, decay_rate=0.99):
        super().__init__(lr)
        self.decay_rate = _check_fraction("decay_rate", decay_rate)
        self.h = {}

    def update(self, params, grads):
        for key in self._keys(params, grads):
            h = self._state(self.h, key, params[key])
            h *= self.decay_rate
            h += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + EPSILON)


class Adam(Optimizer):
    r"""Adam, with the bias correction folded into the step size as in the textbook.

    :math:`\eta_t = \eta \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)`;
    :math:`m \leftarrow m + (1 - \beta_1)(g - m)`; :math:`v \leftarrow v + (1 - \beta_2)(g^2 - v)`;
    :math:`\theta \leftarrow \theta - \eta_t\, m / (\sqrt v + 10^{-7})`.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        super().__init__(lr)
        self.beta1 = _check_fraction("beta1", beta1)
        self.beta2 = _check_fraction("beta2", beta2)
        self.iter = 0
        self.m, self.v = {}, {}

    def update(self, params, grads):
        keys = self._keys(params, grads)
        self.iter += 1
        # A Python float, not numpy's float64 scalar: that would lift float32 parameters' arithmetic to float64.
        lr_t = self.lr * math.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in keys:
            m = self._state(self.m, key, params[key])
            v = self._state(self.v, key, params[key])
            m += (1 - self.beta1) * (grads[key] - m)
            v += (1 - self.beta2) * (grads[key] ** 2 - v)
            params[key] -= lr_t * m / (np.sqrt(v) + EPSILON)


OPTIMIZERS = {cls.__name__.lower(): cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam)}


def get_optimizer(name, **hyperparameters):
    """An optimizer by case-insensitive name: ``get_optimizer("adam", lr=0.3)``."""
    key = str(name).lower()
    if key not in OPTIMIZERS:
        names = ", ".join(cls.__name__ for cls in OPTIMIZERS.values())
        raise ValueError(f"name: expected one of {names}, got {name!r}")
    return OPTIMIZERS[key](**hyperparameters)
