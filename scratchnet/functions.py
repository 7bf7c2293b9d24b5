r"""Pure numpy maths used by the layers: activations, softmax and losses.

Every function takes arrays and returns new arrays; nothing here keeps state.
Shapes follow the textbook: a batch is ``(N, D)``; a single sample may be ``(D,)``.
Functions that reduce over a batch also accept extra leading axes ``(..., N, D)``,
which the landscape and numerical-gradient code use to evaluate many parameter
settings at once.
"""

import numpy as np


def identity_function(x):
    """Return ``x`` unchanged (the output activation for regression)."""
    return x


def step_function(x):
    r"""Heaviside step: :math:`1` where :math:`x > 0`, else :math:`0` (as integers)."""
    return (np.asarray(x) > 0).astype(int)


def sigmoid(x):
    r"""Logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, any shape.

    Written in two branches so that ``exp`` only ever sees a non-positive number:
    :math:`\sigma(x) = 1/(1+e^{-x})` for :math:`x \ge 0` and :math:`e^{x}/(1+e^{x})`
    for :math:`x < 0`. The naive formula overflows (with a warning) for large
    negative ``x``; this one never does.
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(float)
    exp_neg_abs = np.exp(-np.abs(x))
    denominator = 1.0 + exp_neg_abs
    return np.where(x >= 0, 1.0 / denominator, exp_neg_abs / denominator)


def sigmoid_grad(x):
    r""":math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`."""
    s = sigmoid(x)
    return s * (1.0 - s)


def relu(x):
    r"""Rectified linear unit :math:`\max(0, x)`, any shape."""
    return np.maximum(x, 0)


def relu_grad(x):
    r""":math:`1` where :math:`x > 0`, else :math:`0` (the subgradient at 0 is taken as 0)."""
    return (np.asarray(x) > 0).astype(np.result_type(x, float))


def tanh(x):
    r"""Hyperbolic tangent :math:`(e^x - e^{-x})/(e^x + e^{-x})`, any shape."""
    return np.tanh(x)


def softmax(x):
    r"""Softmax over the last axis: :math:`y_k = e^{x_k - m} / \sum_j e^{x_j - m}`.

    ``x`` is ``(C,)``, ``(N, C)`` or ``(..., N, C)``. Subtracting the row maximum
    :math:`m` changes nothing mathematically and keeps ``exp`` from overflowing.
    """
    x = np.asarray(x)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / np.sum(exp, axis=-1, keepdims=True)


def log_softmax(x):
    r""":math:`\log \mathrm{softmax}(x) = x - m - \log \sum_j e^{x_j - m}` over the last axis."""
    x = np.asarray(x)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def one_sample_labels(t, num_classes, argument="t"):
    """The label of one sample as a batch of one: a label ``()`` or ``(1,)``, or a one-hot row ``(C,)``."""
    t = np.asarray(t)
    if t.size == num_classes and t.ndim <= 1 and num_classes > 1:
        return t.reshape(1, -1)
    if t.size == 1:
        return t.reshape(1)
    raise ValueError(f"{argument}: expected one label, or a one-hot row of {num_classes}, for one sample; got shape "
                     f"{t.shape}")


def _labels_as_indices(t, num_classes, argument="t"):
    """Integer class indices from integer labels ``(N,)`` or one-hot rows ``(N, C)``."""
    t = np.asarray(t)
    if t.dtype.kind not in "biuf":
        raise ValueError(f"{argument}: expected integer class labels or one-hot rows of width {num_classes}, got "
                         f"dtype {t.dtype}")
    if t.ndim >= 2 and t.shape[-1] == num_classes:
        if 0 in t.shape:
            raise ValueError(f"{argument}: expected at least one one-hot row, got shape {t.shape}")
        return np.argmax(t, axis=-1)
    if t.dtype.kind not in "iu":  # not an integer type
        if not np.all(np.mod(t, 1) == 0):
            raise ValueError(
                f"{argument}: expected integer class labels or one-hot rows of width "
                f"{num_classes}, got dtype {t.dtype} with shape {t.shape}"
            )
        t = t.astype(np.int64)
    if t.size and (t.min() < 0 or t.max() >= num_classes):
        raise ValueError(
            f"{argument}: labels must lie in [0, {num_classes - 1}] for {num_classes} classes, "
            f"got values from {t.min()} to {t.max()}"
        )
    return t


def cross_entropy_error(y, t):
    r"""Batch-mean cross entropy :math:`E = -\frac{1}{N}\sum_n \log y_{n, t_n}`.

    ``y`` holds probabilities, ``(C,)`` or ``(N, C)``; ``t`` holds integer labels
    ``(N,)`` or one-hot rows ``(N, C)``. As in the textbook, a tiny
    :math:`\delta = 10^{-7}` is added inside the log so that a zero probability gives
    a large finite loss instead of ``inf``. (``SoftmaxWithLoss`` works from the
    scores instead, exactly, through :func:`softmax_cross_entropy`.)
    """
    y, t = np.asarray(y), np.asarray(t)
    if y.ndim not in (1, 2) or 0 in y.shape or y.dtype.kind not in "biuf":
        raise ValueError(f"y: expected probabilities (C,) or (N, C), at least one sample and class, got "
                         f"{y.dtype} of shape {y.shape}")
    if y.ndim == 1:
        # One sample: t is its label or its one-hot row.
        y, t = y.reshape(1, -1), one_sample_labels(t, y.size)
    labels = _labels_as_indices(t, y.shape[-1])
    if labels.shape != y.shape[:-1]:
        raise ValueError(
            f"t: expected {y.shape[0]} labels to match y of shape {y.shape}, got shape {t.shape}"
        )
    picked = np.take_along_axis(y, labels[..., None], axis=-1)[..., 0]
    return -np.mean(np.log(picked + 1e-7), axis=-1)


def softmax_cross_entropy(x, t, return_details=False):
    r"""Batch-mean cross entropy of ``softmax(x)``, computed exactly from the scores.

    :math:`E = \frac{1}{N}\sum_n \big(\log\sum_j e^{x_{nj} - m_n} - (x_{n,t_n} - m_n)\big)`,
    :math:`m_n = \max_j x_{nj}`. ``x`` is ``(N, C)`` or ``(..., N, C)`` (one loss per
    leading index); ``t`` is integer labels ``(N,)`` or one-hot rows ``(N, C)``. Finite
    for any finite ``x``, however large (the sum is at least 1). With
    ``return_details`` also returns the softmax probabilities and the integer labels,
    which is what ``SoftmaxWithLoss.backward`` needs.
    """
    x = np.asarray(x)
    if x.ndim < 2 or 0 in x.shape[-2:] or x.dtype.kind not in "biuf":
        raise ValueError(f"x: expected scores (N, C) of at least one sample and class, got {x.dtype} of shape "
                         f"{x.shape}")
    if x.dtype.kind != "f":  # integer or boolean scores: numbers all the same
        x = x.astype(float)
    labels = _labels_as_indices(t, x.shape[-1])
    if labels.shape != x.shape[-2:-1]:
        raise ValueError(
            f"t: expected {x.shape[-2]} labels to match scores of shape {x.shape}, got "
            f"shape {np.asarray(t).shape}"
        )
    # Array methods rather than np.max/np.sum/np.mean: on a mini-batch of scores the
    # function-call overhead, not the arithmetic, is what this line costs.
    shifted = x - x.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=-1, keepdims=True)
    if x.ndim == 2:
        picked = shifted[np.arange(len(labels)), labels]
    else:
        index = np.broadcast_to(labels[:, None], x.shape[:-1] + (1,))
        picked = np.take_along_axis(shifted, index, axis=-1)[..., 0]
    per_sample = np.log(total[..., 0]) - picked
    loss = per_sample.sum(axis=-1) / per_sample.shape[-1]
    return (loss, exp / total, labels) if return_details else loss


def sum_squared_error(y, t):
    r"""Textbook sum of squares :math:`E = \frac{1}{2}\sum_k (y_k - t_k)^2` over every element."""
    y, t = np.asarray(y), np.asarray(t)
    return 0.5 * np.sum((y - t) ** 2)


def mean_squared_error(y, t):
    r"""Per-sample squared error, batch mean: :math:`E = \frac{1}{N}\sum_n \frac{1}{2}\lVert y_n - t_n\rVert^2`.

    ``y`` and ``t`` are one sample ``(D,)``, a batch ``(N, D)``, or ``y`` may be a stack
    ``(..., N, D)`` of batches (one value per leading index); the loss used by
    :class:`~scratchnet.layers.IdentityWithLoss`. On one sample this is the book's
    :math:`\frac12\sum_k (y_k - t_k)^2` (its section 4.2.1 example gives 0.0975). On a batch
    the book sums over the samples (``sum_squared_error``); this takes the batch mean,
    so the loss does not grow with the batch size.
    """
    y, t = np.asarray(y), np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, -1)  # one sample, not D samples of one output
    if t.ndim == 1:
        t = t.reshape(1, -1)
    if y.shape[-2:] != t.shape[-2:]:
        raise ValueError(f"t: expected targets of shape {y.shape[-2:]} to match y, got {t.shape}")
    return np.mean(0.5 * np.sum((y - t) ** 2, axis=-1), axis=-1)
