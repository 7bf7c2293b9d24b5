r"""The fast path of :meth:`LayerNet.numerical_gradient` for a weight that feeds one hidden unit.

A reader may skip this module: it computes the very central differences of the textbook
loop, :math:`(L(\theta + h e_i) - L(\theta - h e_i)) / 2h`, only with less work. Why less:

* Moving :math:`W_{ij}` of an ``Affine`` by :math:`s` moves only column :math:`j` of its
  output, by :math:`s\,x_{:,i}` (moving :math:`b_j` moves it by :math:`s`).
* Elementwise activations (ReLU, sigmoid, tanh) keep the change in column :math:`j`: the
  hidden value of image :math:`n` becomes :math:`\mathrm{act}(a_{nj} + s\,x_{ni})`.
* The next ``Affine`` turns that into a rank-one change of the scores: image :math:`n`'s
  scores move by :math:`\Delta h_{nj}\, W'_{j,:}`.
* When that ``Affine`` is the last layer, image :math:`n`'s loss changes only if its own
  hidden value moved. An image whose pixel :math:`x_{ni}` is 0 (most of an MNIST digit)
  or whose ReLU stays off does not move at all, and is skipped.
* For softmax cross-entropy, an image's change of loss is summed from moments of its
  softmax computed once (:func:`softmax_loss_changes`), without building moved scores.

So each one-entry change costs a few numbers per image that moves, instead of a whole
pass through the network.
"""

import numpy as np

from scratchnet.functions import _labels_as_indices, softmax
from scratchnet.layers import Affine, SoftmaxWithLoss


def covers(layers, index, last_layer):
    """Whether the fast path computes the gradient of a parameter of ``layers[index]``.

    It needs an ``Affine`` there, then only elementwise layers, then a last ``Affine``,
    and a loss layer that gives one loss per image (``sample_losses``).
    """
    first, rest = layers[index], layers[index + 1:]
    return (isinstance(first, Affine) and len(rest) >= 1 and isinstance(rest[-1], Affine)
            and all(getattr(layer, "elementwise", False) for layer in rest[:-1])
            and hasattr(last_layer, "sample_losses"))


def loss_changes(layers, index, last_layer, inputs, t, name, flat_indices, steps):
    r"""For every move ``s`` and entry ``k``: :math:`L(\theta\text{ with entry } k \text{ moved by } s_k) - L(\theta)`.

    ``inputs`` are the layers' inputs (``LayerNet.layer_inputs``: ``[x, out_1, ..., scores]``);
    ``name`` is ``"W"`` or ``"b"`` of ``layers[index]``; ``flat_indices`` is ``(K,)`` and
    ``steps`` ``(S, K)``: S moves of each entry (the central difference's +h and -h), which
    share the work of finding what moves. Returns ``(S, K)``. Only the images that move are
    evaluated, as ``(image, entry)`` pairs.
    """
    first, activations, last = layers[index], layers[index + 1:-1], layers[-1]
    x = first._flat(np.asarray(inputs[index]))  # (N, D)
    pre, hidden, scores = inputs[index + 1], inputs[-2], inputs[-1]  # (N, M), (N, M), (N, C)
    (images, width), steps = pre.shape, np.asarray(steps)
    if name == "W":
        rows, columns = np.divmod(flat_indices, width)
        pair_image, pair_k = _images_that_move(x, rows)
        pixel = np.take(x, pair_image * x.shape[1] + rows[pair_k])
    else:
        columns = np.asarray(flat_indices)
        pair_image, pair_k = np.divmod(np.arange(images * len(columns)), len(columns))
        pixel = 1.0
    column = columns[pair_k]
    at = pair_image * width + column
    start, before, moved = np.take(pre, at), np.take(hidden, at), []
    for step in steps:
        value = start + np.take(step, pair_k) * pixel
        for layer in activations:
            value = layer.apply(value)
        moved.append(value - before)
    moved = np.array(moved)  # (S, P)
    keep = np.any(moved != 0, axis=0)  # a ReLU that stays off moves nothing
    if not keep.all():
        pair_image, pair_k, column, moved = pair_image[keep], pair_k[keep], column[keep], moved[:, keep]
    differences = sample_loss_changes(last_layer, last.W, scores, t, pair_image, column, moved)
    return np.array([np.bincount(pair_k, weights=row, minlength=len(columns)) for row in differences]) / images


def _images_that_move(x, rows):
    """``(image, k)`` for every ``k`` and every image ``n`` whose pixel ``x[n, rows[k]]`` is not 0.

    Grouped by ``k``, images in increasing order: the nonzero pattern of ``x``, per pixel,
    found once and gathered for every entry.
    """
    pixel, image = np.nonzero(x.T)  # sorted by pixel, then image
    starts = np.searchsorted(pixel, np.arange(x.shape[1] + 1))
    counts = np.diff(starts)[rows]
    pair_k = np.repeat(np.arange(len(rows)), counts)
    offsets = np.repeat(starts[rows] - (np.cumsum(counts) - counts), counts)
    return image[offsets + np.arange(len(pair_k))], pair_k


def sample_loss_changes(last_layer, W, scores, t, image, column, change):
    r"""Image ``image[p]``'s change of loss when its scores move by ``change[..., p] * W[column[p]]``.

    ``change`` is ``(P,)`` or ``(S, P)``; so is the result.

    The direct way: build the moved scores and take the difference of the two losses.
    For softmax cross-entropy :func:`softmax_loss_changes` gives the same numbers without
    building them.
    """
    if isinstance(last_layer, SoftmaxWithLoss):
        changes = softmax_loss_changes(W, scores, t, image, column, change)
        if changes is not None:
            return changes
    base = last_layer.sample_losses(scores, t)[image]  # (N,): the loss is their mean
    labels = np.asarray(t)[image]
    return np.array([last_layer.sample_losses(scores[image] + row[:, None] * W[column], labels) - base
                     for row in np.atleast_2d(change)]).reshape(np.shape(change))


def softmax_loss_changes(W, scores, t, image, column, change, max_terms=12):
    r"""The change of :math:`\ell_n = \log\sum_c e^{z_{nc}} - z_{n,t_n}` when :math:`z_n` moves by :math:`u\,w_j`.

    :math:`\Delta\ell = \log\big(1 + \sum_c p_{nc}(e^{u w_{jc}} - 1)\big) - u\,w_{j,t_n}` with
    :math:`p_n = \mathrm{softmax}(z_n)`, and :math:`e^{u w} - 1 = \sum_{k \ge 1} (u w)^k / k!`,
    so :math:`\sum_c p_{nc}(e^{u w_{jc}} - 1) = \sum_{k \ge 1} \frac{u^k}{k!} M_k[n, j]` with
    :math:`M_k = p\,(W^{\circ k})^\top`, computed once. The series stops where the terms left
    are below 1e-17 together (:math:`|u w| \le r` bounds term :math:`k` by :math:`r^k/k!`),
    under a float64's rounding of a loss; ``None`` when :math:`r` is too large for ``max_terms``.
    """
    bound = np.max(np.abs(change), initial=0.0) * np.max(np.abs(W), initial=0.0)
    terms, next_term = 1, bound**2 / 2  # term k + 1 and all after it are below r^(k+1) / (k+1)! e^r
    while next_term * np.exp(min(bound, 700.0)) > 1e-17:
        terms += 1
        if terms > max_terms:
            return None
        next_term *= bound / (terms + 1)
    at = image * len(W) + column  # each pair's place in the (N, M) moments
    probabilities = softmax(scores)
    moments = [probabilities @ (W.T ** k) / factorial for k, factorial in _factorials(terms)]  # (N, M) each
    series = np.zeros(np.shape(change))
    for moment in reversed(moments):  # Horner: u (M_1 + u (M_2/2! + u (M_3/3! + ...)))
        series += np.take(moment, at)
        series *= change
    labels = _labels_as_indices(t, scores.shape[-1])
    return np.log1p(series) - change * np.take(W, column * W.shape[1] + labels[image])


def _factorials(terms):
    factorial = 1
    for k in range(1, terms + 1):
        factorial *= k
        yield k, factorial
