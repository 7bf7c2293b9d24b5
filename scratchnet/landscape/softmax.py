r"""Softmax cross-entropy summed over the samples, for many grid points at once.

Two pieces of :class:`~scratchnet.landscape.evaluator.PlaneEvaluator`, each the same numbers
as ``SoftmaxWithLoss`` (to rounding), for many points in one pass:

- :func:`softmax_loss_sums`: every logit moves; the scores are laid out classes first.
- :class:`MovingLogits`: only a few logits move (two weights into one output, say); the
  others add a per-sample constant, computed once.
"""

import numpy as np


def softmax_loss_sums(scores, labels):
    """Summed softmax cross-entropy over the samples, for each point, from classes-first ``scores`` ``(C, G, rows)``.

    ``labels`` ``(rows,)``. The same numbers as ``SoftmaxWithLoss.apply(scores[:, g].T, labels) * rows``
    (to rounding). ``scores`` is overwritten: it is the caller's own buffer. With the class
    axis first, each reduction over the classes is a few elementwise operations over whole
    rows, instead of one short reduction per sample.
    """
    top = scores.max(axis=0)
    scores -= top
    picked = np.take_along_axis(scores, labels[None, None, :], axis=0)[0]
    total = np.exp(scores, out=scores).sum(axis=0)
    return (np.log(total) - picked).sum(axis=-1)


class MovingLogits:
    r"""Only the logits ``columns`` move, straight into softmax with cross-entropy.

    ``logits`` ``(N, C)`` at the center, ``labels`` ``(N,)``. Per sample the other logits
    give a constant :math:`m_n = \max_{j \notin K} z_{nj}` and
    :math:`S_n = \sum_{j \notin K} e^{z_{nj} - m_n}`; a point then costs :math:`O(N |K|)`:
    :math:`\log(S_n e^{m_n - m'} + \sum_{k \in K} e^{z_{nk} - m'}) + m'` with
    :math:`m' = \max(m_n, \max_k z_{nk})`, minus the label's logit.
    """

    def __init__(self, logits, columns, labels):
        others = np.setdiff1d(np.arange(logits.shape[-1]), columns)
        rest = logits[:, others]
        self.rest_max = rest.max(axis=1)
        self.rest_sum = np.exp(rest - self.rest_max[:, None]).sum(axis=1)
        where = np.full(logits.shape[-1], -1)
        where[columns] = np.arange(len(columns))
        self.label_column = where[labels]  # the label's place among the moving columns, or -1
        self.label_logit = np.where(self.label_column < 0, logits[np.arange(len(logits)), labels], 0.0)

    def loss_sums(self, z, rows):
        """Summed cross-entropy over the samples ``rows`` for each point, from the moving logits ``z`` (G, rows, K)."""
        rest_max, rest_sum = self.rest_max[rows], self.rest_sum[rows]
        top = np.maximum(rest_max, z.max(axis=-1))
        total = rest_sum * np.exp(rest_max - top) + np.exp(z - top[..., None]).sum(axis=-1)
        column = self.label_column[rows]
        if z.shape[-1] == 1:  # one moving logit (two weights of one output): no gather needed
            moving = z[..., 0]
        else:
            moving = np.take_along_axis(z, np.maximum(column, 0)[None, :, None], axis=-1)[..., 0]
        target = np.where(column >= 0, moving, self.label_logit[rows])
        return (np.log(total) + top - target).sum(axis=-1)
