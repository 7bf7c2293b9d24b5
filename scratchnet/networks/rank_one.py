r"""The fast path of :meth:`LayerNet.numerical_gradient` for a weight that feeds one hidden unit.

A reader may skip this module: it computes the very central differences of the textbook
loop, :math:`(L(\theta + h e_i) - L(\theta - h e_i)) / 2h`, only with less work. Why less:

* Moving :math:`W_{ij}` of an ``Affine`` by :math:`s` moves only column :math:`j` of its
  output, by :math:`s\,x_{:,i}` (moving :math:`b_j` moves it by :math:`s`).
* Elementwise activations (ReLU, sigmoid, tanh) keep the change in column :math:`j`: the
  hidden value of image :math:`n` becomes :math:`\mathrm{act}(a_{nj} + s\,x_{ni})`.
* The next ``Affine`` turns that into a rank-one change of the scores: image :math:`n`'s
  scores move by :math:`\Delta h_{nj}\, W'_{j,:}`. (When the moved ``Affine`` is the last
  layer, its column :math:`j` is score :math:`j` itself: :math:`W'` is the identity.)
* When that ``Affine`` is the last layer, image :math:`n`'s loss changes only if its own
  hidden value moved. An image whose pixel :math:`x_{ni}` is 0 (most of an MNIST digit)
  or whose ReLU stays off does not move at all, and is skipped.
* For softmax cross-entropy, an image's change of loss is summed from moments of its
  softmax computed once (:func:`softmax_loss_changes`), without building moved scores.

So each one-entry change costs a few numbers per image that moves, instead of a whole
pass through the network. :class:`RankOne` keeps what the chunks of one layer's entries
share (which images each input feature moves, the softmax moments).
"""

from math import factorial

import numpy as np

from scratchnet.functions import _labels_as_indices, softmax
from scratchnet.layers import Affine, Relu, SoftmaxWithLoss


def covers(layers, index, last_layer):
    """Whether the fast path computes the gradient of a parameter of ``layers[index]``.

    It needs an ``Affine`` there, then only elementwise layers and a last ``Affine`` (or
    nothing: the last ``Affine`` itself), and a loss layer that gives one loss per image
    (``sample_losses``).
    """
    first, rest = layers[index], layers[index + 1:]
    if not isinstance(first, Affine) or not hasattr(last_layer, "sample_losses"):
        return False
    return not rest or (isinstance(rest[-1], Affine) and all(getattr(layer, "elementwise", False)
                                                              for layer in rest[:-1]))


class RankOne:
    """The fast path for the parameters of ``layers[index]``: what all chunks of its entries share.

    ``inputs`` are the layers' inputs (``LayerNet.layer_inputs``: ``[x, out_1, ..., scores]``).
    Made once per layer and :meth:`LayerNet.numerical_gradient` call; :meth:`loss_changes`
    is then called for each chunk of entries.
    """

    def __init__(self, layers, index, last_layer, inputs, t):
        self.first, rest = layers[index], layers[index + 1:]
        self.activations, self.last_layer, self.t = rest[:-1], last_layer, t
        self.flat_activation = any(isinstance(layer, Relu) for layer in self.activations)
        self.x = self.first._flat(np.asarray(inputs[index]))  # (N, D)
        self.pre, self.scores = inputs[index + 1], inputs[-1]  # (N, M), (N, C)
        self.hidden = inputs[-2] if rest else self.pre  # (N, M) after the activations
        # The weights that turn a moved hidden column into moved scores; for the last layer, the identity.
        self.W_next = rest[-1].W if rest else np.eye(self.scores.shape[-1])
        self.nonzero = None  # (image, starts) of x's nonzero pattern, found on first use
        self.moments = SoftmaxMoments(self.W_next, self.scores) if isinstance(last_layer, SoftmaxWithLoss) else None

    def loss_changes(self, name, flat_indices, steps):
        r"""For every move ``s`` and entry ``k``: :math:`L(\theta + s_k e_k) - L(\theta)`, ``(S, K)``.

        ``name`` is ``"W"`` or ``"b"``; ``flat_indices`` is ``(K,)`` and ``steps`` ``(S, K)``: S
        moves of each entry (the central difference's +h and -h), which share the work of
        finding what moves. Only the images that move are evaluated, as
        ``(image, entry)`` pairs.
        """
        x, pre, hidden = self.x, self.pre, self.hidden
        (images, width), steps = pre.shape, np.asarray(steps)
        if name == "W":
            rows, columns = np.divmod(flat_indices, width)
            if self.nonzero is None:
                self.nonzero = _nonzero_pattern(x)
            pair_image, pair_k = _images_that_move(self.nonzero, rows)
            pixel = np.take(x, pair_image * x.shape[1] + rows[pair_k])
        else:
            columns = np.asarray(flat_indices)
            pair_image, pair_k = np.divmod(np.arange(images * len(columns)), len(columns))
            pixel = 1.0
        column = columns[pair_k]
        at = pair_image * width + column
        start, before = np.take(pre, at), np.take(hidden, at)
        moved = np.empty((len(steps), len(at)))  # (S, P)
        for row, step in zip(moved, steps, strict=True):
            value = start + np.take(step, pair_k) * pixel
            for layer in self.activations:
                value = layer.apply(value)
            np.subtract(value, before, out=row)
        keep = np.any(moved != 0, axis=0) if self.flat_activation else None  # a ReLU that stays off moves nothing
        if keep is not None and not keep.all():  # those pairs are dropped
            pair_image, pair_k, column, moved = pair_image[keep], pair_k[keep], column[keep], moved[:, keep]
        differences = sample_loss_changes(self.last_layer, self.W_next, self.scores, self.t, pair_image, column,
                                          moved, self.moments)
        return np.array([np.bincount(pair_k, weights=row, minlength=len(columns)) for row in differences]) / images


def _nonzero_pattern(x):
    """``(image, starts)``: the images with a nonzero value of each feature, feature by feature.

    ``image[starts[i]:starts[i + 1]]`` are the images whose feature ``i`` is not 0, in order.
    """
    feature, image = np.nonzero(x.T)  # sorted by feature, then image
    return image, np.searchsorted(feature, np.arange(x.shape[1] + 1))


def _images_that_move(nonzero, rows):
    """``(image, k)`` for every ``k`` and every image ``n`` whose pixel ``x[n, rows[k]]`` is not 0.

    ``nonzero`` is :func:`_nonzero_pattern` of ``x``. Grouped by ``k``, images in increasing
    order: the nonzero pattern, found once, gathered for every entry.
    """
    image, starts = nonzero
    counts = np.diff(starts)[rows]
    pair_k = np.repeat(np.arange(len(rows)), counts)
    offsets = np.repeat(starts[rows] - (np.cumsum(counts) - counts), counts)
    return image[offsets + np.arange(len(pair_k))], pair_k


def sample_loss_changes(last_layer, W, scores, t, image, column, change, moments=None):
    r"""Image ``image[p]``'s change of loss when its scores move by ``change[..., p] * W[column[p]]``.

    ``change`` is ``(P,)`` or ``(S, P)``; so is the result.

    The direct way: build the moved scores and take the difference of the two losses.
    For softmax cross-entropy :func:`softmax_loss_changes` gives the same numbers without
    building them (with ``moments``, the :class:`SoftmaxMoments` of ``W`` and ``scores``).
    """
    if isinstance(last_layer, SoftmaxWithLoss):
        changes = softmax_loss_changes(W, scores, t, image, column, change, moments=moments)
        if changes is not None:
            return changes
    base = last_layer.sample_losses(scores, t)[image]  # (N,): the loss is their mean
    labels = np.asarray(t)[image]
    return np.array([last_layer.sample_losses(scores[image] + row[:, None] * W[column], labels) - base
                     for row in np.atleast_2d(change)]).reshape(np.shape(change))


def softmax_loss_changes(W, scores, t, image, column, change, max_terms=12, moments=None):
    r"""The change of :math:`\ell_n = \log\sum_c e^{z_{nc}} - z_{n,t_n}` when :math:`z_n` moves by :math:`u\,w_j`.

    :math:`\Delta\ell = \log\big(1 + \sum_c p_{nc}(e^{u w_{jc}} - 1)\big) - u\,w_{j,t_n}` with
    :math:`p_n = \mathrm{softmax}(z_n)`, and :math:`e^{u w} - 1 = \sum_{k \ge 1} (u w)^k / k!`,
    so :math:`\sum_c p_{nc}(e^{u w_{jc}} - 1) = \sum_{k \ge 1} \frac{u^k}{k!} M_k[n, j]` with
    :math:`M_k = p\,(W^{\circ k})^\top`, computed once. The series stops where the terms left
    are below 1e-17 together (:math:`|u w| \le r` bounds term :math:`k` by :math:`r^k/k!`),
    under a float64's rounding of a loss; ``None`` when :math:`r` is too large for ``max_terms``.
    ``moments`` (:class:`SoftmaxMoments` of ``W`` and ``scores``) keeps them between calls.
    """
    bound = np.max(np.abs(change), initial=0.0) * np.max(np.abs(W), initial=0.0)
    terms, next_term = 1, bound**2 / 2  # term k + 1 and all after it are below r^(k+1) / (k+1)! e^r
    while next_term * np.exp(min(bound, 700.0)) > 1e-17:
        terms += 1
        if terms > max_terms:
            return None
        next_term *= bound / (terms + 1)
    at = image * len(W) + column  # each pair's place in the (N, M) moments
    series = np.zeros(np.shape(change))
    moments = moments or SoftmaxMoments(W, scores)
    for moment in reversed(moments.first(terms)):  # Horner: u (M_1 + u (M_2/2! + u (M_3/3! + ...)))
        series += np.take(moment, at)
        series *= change
    labels = _labels_as_indices(t, scores.shape[-1])
    return np.log1p(series) - change * np.take(W, column * W.shape[1] + labels[image])


class SoftmaxMoments:
    r""":math:`M_k = p\,(W^{\circ k})^\top / k!` for :math:`k = 1, 2, \ldots`, each ``(N, M)``.

    :math:`p = \mathrm{softmax}(z)` of the ``scores`` :math:`z`. Made as a series first needs
    them and kept, so the chunks of one layer's entries share them.
    """

    def __init__(self, W, scores):
        self.W, self.probabilities, self.made = W, softmax(scores), []

    def first(self, terms):
        r""":math:`M_1, \ldots, M_{terms}`."""
        while len(self.made) < terms:
            k = len(self.made) + 1
            self.made.append(self.probabilities @ (self.W.T ** k) / factorial(k))
        return self.made[:terms]
