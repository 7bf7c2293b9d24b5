r"""Layers: one small class each, with ``forward``, ``backward`` and ``apply``.

The contract every layer keeps:

* ``forward(x, train)`` computes the output and caches exactly what ``backward`` needs.
* ``backward(dout)`` returns :math:`\partial L/\partial x` and stores parameter gradients
  (``dW``, ``db``, ...; also ``grads``). It never modifies ``dout`` and never updates a
  parameter: optimizers apply gradients, layers only compute them.
* ``apply(x, train)`` computes the same output as ``forward`` with nothing cached and
  no state changed (no running averages, no new dropout mask). It accepts extra leading
  axes ``(..., N, D)``, so many perturbed copies of a network can be evaluated in one
  batched call; the numerical gradient and the loss landscapes rely on this.
* ``params`` maps a parameter name (``"W"``, ``"b"``, ...) to the very array the layer
  computes with; updating that array in place changes the layer.

No layer modifies the array it is given.
"""

import math

import numpy as np

from scratchnet.functions import (
    _labels_as_indices,
    log_softmax,
    mean_squared_error,
    one_sample_labels,
    sigmoid,
    softmax_cross_entropy,
)


class NonFiniteLossError(ValueError):
    """Raised when a loss comes out as NaN or infinity (the usual sign of divergence)."""


def batch_rows(x, width, expects):
    """A batch ``x`` as ``(N, width)`` rows, the book's ``x.reshape(N, -1)``: images ``(N, C, H, W)`` and samples of
    shape ``(N, 1, width)`` or ``(N, 1, 1, width)`` alike. ``expects`` starts the error message."""
    x = np.asarray(x)
    if x.ndim == 2 and x.shape[1] == width and len(x):  # the usual case, first: no reshape to pay for
        return x
    if x.ndim > 2 and len(x) and math.prod(x.shape[1:]) == width:  # math.prod: np.prod of a tuple costs 40 us
        return x.reshape(x.shape[0], width)
    raise ValueError(f"x: {expects}, at least one sample, got {x.shape}")


def kept(layer, value):
    """What ``forward`` kept for ``backward``; a clear error when forward has not run."""
    if value is None:
        raise RuntimeError(f"{type(layer).__name__}.backward: call forward first (backward needs what forward keeps)")
    return value


def dout_of(dout, shape):
    """``dout`` as an array of forward's output ``shape``; a clear error instead of numpy's broadcasting."""
    dout = np.asarray(dout)
    if dout.shape != tuple(shape):
        raise ValueError(f"dout: expected shape {tuple(shape)}, the shape of forward's output, got {dout.shape}")
    return dout


class Layer:
    """Base class. Subclasses override ``apply`` and ``backward``, and ``forward`` to cache."""

    #: parameter name -> the array the layer computes with (empty for parameter-free layers)
    params: dict = {}
    #: whether output column j depends only on input column j (activations)
    elementwise = False

    @property
    def grads(self):
        """Parameter name -> gradient from the last ``backward`` (empty for parameter-free layers)."""
        return {}

    def forward(self, x, train=False):
        return self.apply(x, train)

    def apply(self, x, train=False):  # pragma: no cover - every layer overrides it
        raise NotImplementedError

    def backward(self, dout):  # pragma: no cover - every layer overrides it
        raise NotImplementedError

    def perturbed_outputs(self, x, name, flat_indices, new_values, train=False):
        r"""Outputs for many one-entry changes of parameter ``name``, stacked: ``(K, N, out)``.

        Row ``k`` is ``apply(x)`` with ``params[name].flat[flat_indices[k]]`` set to
        ``new_values[k]``. This generic version sets each entry in turn and restores it
        bit for bit; layers with structure to exploit (``Affine``) override it.
        """
        flat = self.params[name].reshape(-1)
        if not np.shares_memory(flat, self.params[name]):
            raise ValueError(f"params[{name!r}] must be a contiguous array to be perturbed")
        outputs = []
        for index, value in zip(flat_indices, new_values, strict=True):
            original = flat[index]
            flat[index] = value
            try:
                outputs.append(self.apply(x, train))
            finally:
                flat[index] = original
        return np.stack(outputs)

    def __repr__(self):
        shapes = ", ".join(f"{name}={value.shape}" for name, value in self.params.items())
        return f"{type(self).__name__}({shapes})"


class WeightedLayer(Layer):
    """A layer with weights ``W`` and an optional bias ``b`` (``None`` for none): Affine and Convolution."""

    def _set_weights(self, W, b, bias_shape, what):
        if b is not None:
            b = np.asarray(b)
            if b.shape != bias_shape:
                raise ValueError(f"b: expected shape {bias_shape} to match W {W.shape} ({what}), got {b.shape}")
        self.W, self.b = W, b
        self.dW = self.db = None

    @property
    def params(self):
        """``{"W": W, "b": b}`` (no ``"b"`` without a bias): the layer's own arrays, not copies."""
        return {"W": self.W} if self.b is None else {"W": self.W, "b": self.b}

    @property
    def grads(self):
        """``{"W": dW, "b": db}`` after ``backward``, the same keys as ``params``."""
        return {"W": self.dW} if self.b is None else {"W": self.dW, "b": self.db}


class Affine(WeightedLayer):
    r"""Fully connected layer :math:`y = xW + b`.

    ``W`` is ``(in, out)``, ``b`` is ``(out,)`` or ``None`` for a layer without bias.
    ``x`` is ``(N, in)`` (``apply`` also takes ``(..., N, in)``); ``y`` is ``(N, out)``.
    Images ``(N, C, H, W)`` are flattened to ``(N, C*H*W)``, as in the book; give
    ``input_shape=(C, H, W)`` so that ``apply`` can also tell stacked images
    ``(..., N, C, H, W)`` apart. Backward: :math:`\partial L/\partial x = \delta W^\top`
    (in the input's shape), :math:`\partial L/\partial W = x^\top \delta`,
    :math:`\partial L/\partial b = \sum_n \delta_n`.
    """

    def __init__(self, W, b=None, input_shape=None):
        W = np.asarray(W)
        if W.ndim != 2:
            raise ValueError(f"W: expected a 2-D (in, out) array, got shape {W.shape}")
        if input_shape is not None and int(np.prod(input_shape)) != W.shape[0]:
            raise ValueError(f"input_shape: expected {W.shape[0]} values per sample to match W {W.shape}, "
                             f"got {tuple(input_shape)}")
        self._set_weights(W, b, (W.shape[1],), "one bias per output")
        self.input_shape = None if input_shape is None else tuple(input_shape)
        self.x = self.x_shape = None

    def _flat(self, x):
        """``x`` with each sample as one row of ``in`` values: ``(..., N, in)``."""
        fan_in = self.W.shape[0]
        shape = self.input_shape
        if shape is not None and len(shape) > 1 and x.shape[-len(shape):] == shape:
            return x.reshape(x.shape[:-len(shape)] + (fan_in,))
        if x.ndim > 2 and x.shape[-1] != fan_in and int(np.prod(x.shape[1:])) == fan_in:
            return x.reshape(x.shape[0], fan_in)  # one batch of images, as the book flattens it
        if x.ndim < 2 or x.shape[-1] != fan_in:
            raise ValueError(
                f"x: Affine expects input of shape (N, {fan_in}) to match W {self.W.shape}, got {x.shape}"
            )
        return x

    def apply(self, x, train=False):
        x = self._flat(np.asarray(x))
        if x.ndim == 2:
            out = x @ self.W
        else:  # one matrix product for all leading axes: numpy's stacked matmul would loop
            out = (x.reshape(-1, x.shape[-1]) @ self.W).reshape(x.shape[:-1] + (self.W.shape[1],))
        return out if self.b is None else out + self.b

    def direction_output(self, x, dW, db):
        """``x dW + db``: how the output moves along a direction ``(dW, db)`` of the parameters."""
        out = self._flat(np.asarray(x)) @ dW
        return out if db is None else out + db

    def forward(self, x, train=False):
        x = np.asarray(x)
        self.x_shape = x.shape
        self.x = batch_rows(x, self.W.shape[0], f"Affine expects input of shape (N, {self.W.shape[0]}) to match W "
                                                f"{self.W.shape}")
        return self.apply(self.x, train)

    def backward(self, dout, input_grad=True):
        """Set ``dW``, ``db`` and return ``dx``; ``input_grad=False`` skips ``dx`` and returns ``None``.

        A network's first layer receives the data, which needs no gradient, and there
        ``dx`` would be the largest product of the whole backward pass.
        """
        dout = dout_of(dout, (len(kept(self, self.x)), self.W.shape[1]))
        self.dW = self.x.T @ dout
        if self.b is not None:
            self.db = np.sum(dout, axis=0)
        return (dout @ self.W.T).reshape(self.x_shape) if input_grad else None

    def perturbed_outputs(self, x, name, flat_indices, new_values, train=False):
        r"""Changing :math:`W_{ij}` by :math:`s` moves only output column :math:`j`, by :math:`s\,x_{:,i}`.

        So ``K`` perturbed outputs cost one product and ``K`` column updates, not ``K``
        products. The step is ``new - old`` as stored, the change the textbook loop makes.
        """
        flat_indices = np.asarray(flat_indices)
        x = self._flat(np.asarray(x))
        base = self.apply(x)
        out = np.broadcast_to(base, (len(flat_indices),) + base.shape).copy()
        steps = np.asarray(new_values) - self.params[name].reshape(-1)[flat_indices]
        rows = np.arange(len(flat_indices))
        if name == "W":
            inputs, columns = np.divmod(flat_indices, self.W.shape[1])
            out[rows, :, columns] += steps[:, None] * x[:, inputs].T
        else:
            out[rows, :, flat_indices] += steps[:, None]
        return out


class Relu(Layer):
    r""":math:`y = \max(0, x)`; backward passes :math:`\delta` where :math:`x > 0`."""

    elementwise = True  # output column j depends only on input column j

    def __init__(self):
        self.mask = None

    def apply(self, x, train=False):
        return np.maximum(x, 0)

    def forward(self, x, train=False):
        self.mask = x <= 0
        return self.apply(x)

    def backward(self, dout):
        dout = dout_of(dout, np.shape(kept(self, self.mask)))
        # dout times "x > 0" is the book's dx[mask] = 0, ten times faster than np.where, except where dout is
        # infinite or NaN at a masked entry (inf * 0 is NaN, the book's answer 0): then the book's way.
        with np.errstate(invalid="ignore"):
            dx = dout * ~self.mask
        return dx if np.isfinite(dx).all() else np.where(self.mask, 0, dout)


class Sigmoid(Layer):
    r""":math:`y = \sigma(x)`; backward: :math:`\delta\, y (1 - y)`."""

    elementwise = True

    def __init__(self):
        self.out = None

    def apply(self, x, train=False):
        return sigmoid(x)

    def forward(self, x, train=False):
        self.out = self.apply(x)
        return self.out

    def backward(self, dout):
        dout = dout_of(dout, np.shape(kept(self, self.out)))
        return dout * self.out * (1.0 - self.out)


class Tanh(Layer):
    r""":math:`y = \tanh x`; backward: :math:`\delta\,(1 - y^2)`."""

    elementwise = True

    def __init__(self):
        self.out = None

    def apply(self, x, train=False):
        return np.tanh(x)

    def forward(self, x, train=False):
        self.out = self.apply(x)
        return self.out

    def backward(self, dout):
        dout = dout_of(dout, np.shape(kept(self, self.out)))
        return dout * (1.0 - self.out**2)


class Dropout(Layer):
    r"""Inverted dropout: in training :math:`y = x \odot m / (1 - p)`, :math:`m_i \sim \mathrm{Bernoulli}(1-p)`.

    At test time :math:`y = x`, because training already rescaled by :math:`1/(1-p)`.

    Differs from the book, deliberately: the book's dropout passes :math:`x \odot m` in
    training and scales by :math:`1 - p` at test time. The expected activation is the
    same either way, but with the same weights the book's training-time activations are
    :math:`1 - p` times ours, so the two train along different paths (as if the next
    layer's weights started :math:`1/(1-p)` times larger here) and the curves of a seeded
    run differ. A network trained here is used at test time with no rescaling, the
    convention of most frameworks.

    ``forward(x, train=True)`` draws a new mask from the layer's own generator
    (``seed`` or ``rng``); ``apply`` reuses the mask of the last training ``forward``,
    so a gradient check compares backprop and finite differences on the same mask.
    """

    def __init__(self, dropout_ratio=0.5, seed=None, rng=None):
        if not 0 <= dropout_ratio < 1:
            raise ValueError(f"dropout_ratio: expected a value in [0, 1), got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.rng = rng if rng is not None else np.random.default_rng(seed)
        self.mask = None
        self.trained = False  # whether the last forward pass was in training mode

    def fits(self, x):
        """Whether the current mask fits a batch shaped like ``x``."""
        return self.mask is not None and self.mask.shape == np.shape(x)[-2:]

    def apply(self, x, train=False):
        if not train:
            return x
        if self.mask is None or self.mask.shape != np.shape(x)[-self.mask.ndim:]:
            raise ValueError(
                f"x: Dropout.apply in training mode reuses the mask of the last forward "
                f"pass ({None if self.mask is None else self.mask.shape}); got input {np.shape(x)}. "
                f"Call forward(x, train=True) first."
            )
        return x * self.mask / (1.0 - self.dropout_ratio)

    def forward(self, x, train=True):
        if train:
            self.mask = self.rng.random(np.shape(x)) >= self.dropout_ratio
        self.trained = train
        return self.apply(x, train)

    def backward(self, dout):
        if not self.trained:  # at test time the layer is the identity
            return dout
        return dout * self.mask / (1.0 - self.dropout_ratio)


class BatchNormalization(Layer):
    r"""Batch normalization: :math:`y = \gamma \hat x + \beta`, :math:`\hat x = (x - \mu)/\sqrt{\sigma^2 + \epsilon}`.

    In training :math:`\mu, \sigma^2` are the batch mean and variance over the batch
    axis (axis ``-2``) and ``forward`` folds them into running averages
    (``momentum`` weight on the old value, both starting at 0 as in the book); at test
    time the running averages are used.
    ``gamma`` and ``beta`` are ``(D,)``; ``x`` is ``(N, D)``, or images ``(N, C, H, W)`` with
    ``D = C*H*W`` (each pixel of each channel a feature, as in the book). :math:`\epsilon = 10^{-6}`
    (the textbook's ``10e-7``).
    """

    eps = 1e-6

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None):
        self.gamma, self.beta = np.asarray(gamma), np.asarray(beta)
        if self.gamma.ndim != 1 or self.beta.shape != self.gamma.shape:
            raise ValueError(
                f"gamma, beta: expected two 1-D arrays of one length, got {self.gamma.shape} "
                f"and {self.beta.shape}"
            )
        self.momentum = momentum
        self.running_mean = np.zeros_like(self.gamma) if running_mean is None else running_mean
        # Both averages start at 0, as in the book: test-mode outputs of a barely trained
        # layer then divide by sqrt(small variance + eps), which is what its figure 6-19 shows.
        self.running_var = np.zeros_like(self.gamma) if running_var is None else running_var
        self.cache = self.x_shape = None
        self.dgamma = self.dbeta = None

    @property
    def params(self):
        """``{"gamma": gamma, "beta": beta}``: the layer's own arrays, not copies."""
        return {"gamma": self.gamma, "beta": self.beta}

    @property
    def grads(self):
        """``{"gamma": dgamma, "beta": dbeta}`` after ``backward``."""
        return {"gamma": self.dgamma, "beta": self.dbeta}

    def _rows(self, x):
        """``x`` as ``(..., N, D)``: images ``(..., N, C, H, W)`` become ``C*H*W`` features, as in the book."""
        x = np.asarray(x)
        features = self.gamma.shape[0]
        if x.ndim >= 4 and x.shape[-1] != features and int(np.prod(x.shape[-3:])) == features:
            return x.reshape(x.shape[:-3] + (features,))
        if x.ndim < 1 or x.shape[-1] != features:
            raise ValueError(f"x: BatchNormalization expects {features} features, got shape {x.shape}")
        return x

    def _normalize(self, x, train):
        if train:
            mean = np.mean(x, axis=-2, keepdims=True)
            centered = x - mean
            std = np.sqrt(np.mean(centered**2, axis=-2, keepdims=True) + self.eps)
        else:
            mean = self.running_mean
            centered = x - mean
            std = np.sqrt(self.running_var + self.eps)
        return centered, std, mean

    def apply(self, x, train=False):
        shape = np.shape(x)
        centered, std, _ = self._normalize(self._rows(x), train)
        return (self.gamma * (centered / std) + self.beta).reshape(shape)

    def forward(self, x, train=True):
        self.x_shape = np.shape(x)
        rows = batch_rows(x, self.gamma.shape[0], f"BatchNormalization expects {self.gamma.shape[0]} features")
        centered, std, mean = self._normalize(rows, train)
        if train:
            keep = self.momentum
            self.running_mean = keep * self.running_mean + (1 - keep) * mean[0]
            variance = np.mean(centered**2, axis=0)
            self.running_var = keep * self.running_var + (1 - keep) * variance
        normalized = centered / std
        self.cache = (centered, std, normalized, train)
        return (self.gamma * normalized + self.beta).reshape(self.x_shape)

    def backward(self, dout):
        centered, std, normalized, train = kept(self, self.cache)
        dout = dout_of(dout, self.x_shape).reshape(normalized.shape)
        self.dbeta = np.sum(dout, axis=0)
        self.dgamma = np.sum(normalized * dout, axis=0)
        dnormalized = self.gamma * dout
        if not train:
            return (dnormalized / std).reshape(self.x_shape)
        # d/dx of (x - mean)/std with both mean and std depending on the whole batch.
        return ((
            dnormalized
            - np.mean(dnormalized, axis=0)
            - normalized * np.mean(dnormalized * normalized, axis=0)
        ) / std).reshape(self.x_shape)


class LossLayer(Layer):
    """A last layer: ``forward(x, t)`` returns the batch-mean loss, ``backward(dout=1.0)``."""

    #: whether the loss is a sum of one term per output column
    column_separable = False

    def _check_finite(self, loss):
        if not np.isfinite(loss).all():
            raise NonFiniteLossError(
                f"loss: expected a finite value, got {loss} (the scores reaching "
                f"{type(self).__name__} hold NaN or infinity; the usual cause is a learning rate "
                f"so large that training diverged)"
            )
        return loss


class SoftmaxWithLoss(LossLayer):
    r"""Softmax followed by cross entropy, batch mean.

    Forward: :math:`y = \mathrm{softmax}(x)`, :math:`L = -\frac{1}{N}\sum_n \log y_{n,t_n}`
    computed exactly from the scores (log-sum-exp), so the loss is finite for any finite
    ``x``. Backward: :math:`\partial L/\partial x = (y - t_{\text{one-hot}})/N`.
    ``t`` is integer labels ``(N,)`` or one-hot rows ``(N, C)``.
    """

    def __init__(self):
        self.y = self.labels = None
        self.loss = None

    def apply(self, x, t, train=False):
        """Loss per leading index: ``x`` ``(..., N, C)`` gives an array ``(...)``."""
        return softmax_cross_entropy(x, t)

    def sample_losses(self, x, t):
        """One loss per row of ``x`` ``(N, C)``, ``(N,)``: the terms whose mean ``apply`` gives."""
        labels = _labels_as_indices(t, x.shape[-1])
        return -log_softmax(x)[np.arange(len(x)), labels]

    def forward(self, x, t, train=False):
        x, t = np.asarray(x), np.asarray(t)
        if x.ndim not in (1, 2):
            raise ValueError(f"x: expected scores (C,) or (N, C), got shape {x.shape}")
        self.x_shape = x.shape
        if x.ndim == 1:  # one sample, as the book's cross_entropy_error allows: a batch of one
            x, t = x.reshape(1, -1), one_sample_labels(t, x.size)
        loss, self.y, self.labels = softmax_cross_entropy(x, t, return_details=True)
        self.loss = self._check_finite(loss)
        return self.loss

    def backward(self, dout=1.0):
        n = kept(self, self.y).shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.labels] -= 1.0
        dx *= dout / n
        return dx.reshape(self.x_shape)


class IdentityWithLoss(LossLayer):
    r"""Identity output with squared error, for regression.

    :math:`L = \frac{c}{N}\sum_n \lVert x_n - t_n \rVert^2` with ``factor`` :math:`c`:
    :math:`\frac12` by default (the textbook's convention), 1 for the plain mean squared
    error. :math:`\partial L/\partial x = 2c\,(x - t)/N`. ``t`` is ``(N, D)``, or ``(N,)``
    when ``D = 1``. The loss is a sum over output columns, which the loss-landscape code
    exploits (``column_separable``).
    """

    column_separable = True

    def __init__(self, factor=0.5):
        if not factor > 0:
            raise ValueError(f"factor: expected a positive number, got {factor}")
        self.factor = float(factor)
        self.y = self.t = None
        self.loss = None

    def _targets(self, x, t):
        given = np.asarray(t)
        t = given.reshape(-1, 1) if given.ndim == 1 else given
        if t.shape != np.shape(x)[-2:]:
            hint = ""
            if np.issubdtype(given.dtype, np.integer) and np.shape(x)[-1] > 1:
                hint = " (integer class labels? squared error needs one target value per output: one-hot rows)"
            raise ValueError(f"t: expected targets of shape {np.shape(x)[-2:]}, got {given.shape}{hint}")
        return t

    def apply(self, x, t, train=False):
        return 2 * self.factor * mean_squared_error(x, self._targets(x, t))

    def sample_losses(self, x, t):
        """One loss per row of ``x`` ``(N, D)``, ``(N,)``: the terms whose mean ``apply`` gives."""
        return self.factor * np.sum((x - self._targets(x, t)) ** 2, axis=-1)

    def forward(self, x, t, train=False):
        self.t = self._targets(x, t)
        self.y = x
        self.loss = self._check_finite(self.apply(x, self.t))
        return self.loss

    def backward(self, dout=1.0):
        return dout * 2 * self.factor * (kept(self, self.y) - self.t) / self.y.shape[0]


def __getattr__(name):
    """Convolution and pooling live in :mod:`scratchnet.conv` (chapter 7) and are importable from here too.

    Looked up on first use, because :mod:`scratchnet.conv` builds on :class:`Layer` above.
    """
    if name in ("Convolution", "Pooling", "im2col", "col2im"):
        from scratchnet import conv

        return getattr(conv, name)
    raise AttributeError(f"module 'scratchnet.layers' has no attribute {name!r}")
