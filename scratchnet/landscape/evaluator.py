r"""The fast exact evaluator of losses over a plane in parameter space: :class:`PlaneEvaluator`.

The naive way (:func:`loss_grid_naive`) sets the parameters, runs the network over all
the data, and repeats that once per grid point. :class:`PlaneEvaluator` computes the
same numbers with the network's structure:

1. Layers before the first layer a direction moves see unchanged parameters, so their
   output is computed once.
2. That first moving layer is an ``Affine``, and its output is linear in the grid
   coordinates: :math:`x(W + \alpha D_1 + \beta D_2) = xW + \alpha\,xD_1 + \beta\,xD_2`.
   Three products serve the whole grid.
3. The remaining layers run on many grid points at once, as one stacked array (an
   ``Affine`` that also moves gets its own weights per point).
4. When only elementwise activations and a loss that sums over output columns follow
   (a sigmoid output with squared error), the output columns that no direction moves
   add a constant, computed once; only the moving columns are evaluated per point.
5. Samples are independent (in test mode), so each chunk of grid points runs over the
   data in blocks small enough to stay in the processor's cache; the loss is the
   block-size-weighted mean of the blocks' losses.

Grid points are processed in chunks of a fixed size. Threads of this process (one per
core, by default) or an ``executor``'s workers run the same chunks, so their results equal
the serial ones bit for bit.
"""

import copy

import numpy as np

from scratchnet.functions import _labels_as_indices
from scratchnet.landscape.directions import split_vector, vector_to_params
from scratchnet.layers import Affine, Relu, SoftmaxWithLoss


def stacked_softmax_loss_sums(z, labels):
    """Summed softmax cross-entropy over the samples, for each point: ``z`` ``(G, rows, C)``, ``labels`` ``(rows,)``.

    The same numbers as ``SoftmaxWithLoss.apply(z, labels) * rows`` (to rounding), about
    three times faster for a handful of classes: with the class axis moved first, each
    reduction over the classes is a few elementwise operations over whole rows, instead
    of one short reduction per sample.
    """
    classes_first = np.ascontiguousarray(np.moveaxis(z, -1, 0))  # (C, G, rows)
    top = classes_first.max(axis=0)
    classes_first -= top
    picked = np.take_along_axis(classes_first, labels[None, None, :], axis=0)[0]
    total = np.exp(classes_first, out=classes_first).sum(axis=0)
    return (np.log(total) - picked).sum(axis=-1)


def _convert_arrays(network, dtype):
    """Every float64 array a layer keeps (weights, running averages) as ``dtype``; ``params`` follows."""
    for layer in network.layers.values():
        for name, value in vars(layer).items():
            if isinstance(value, np.ndarray) and value.dtype == np.float64:
                setattr(layer, name, value.astype(dtype))
    network.params = {key: network.layers[name].params[attr] for key, (name, attr) in network._slots.items()}


class PlaneEvaluator:
    r"""Evaluates :math:`L(c + \alpha d_1 + \beta d_2)` for many :math:`(\alpha, \beta)` at once.

    ``center``, ``d1``, ``d2`` are vectors of length P (``params`` order). The network
    is copied (its own parameters are never touched) and set to ``center``. Evaluation
    is in test mode (``train=False``) unless asked otherwise. With ``accuracy`` it also
    returns the accuracy at each point (which needs every output column). With
    ``dtype=np.float32`` the copy, the data and the directions are float32: about twice as
    fast, within about 1e-6 relative of float64 for a well-scaled network.
    """

    def __init__(self, network, x, t, center, d1, d2, train=False, accuracy=False, block_bytes=4 * 2**20,
                 dtype=np.float64):
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype: expected float32 or float64, got {self.dtype}")
        self.accuracy = accuracy
        self.net = copy.deepcopy(network)
        vector_to_params(np.asarray(center, dtype=float), self.net.params)
        if self.dtype != np.float64:
            _convert_arrays(self.net, self.dtype)
        self.t, self.train, self.labels = t, train, None
        self.directions = tuple({key: piece.astype(self.dtype, copy=False) for key, piece in pieces.items()}
                                for pieces in (split_vector(d1, network.params, "d1"),
                                               split_vector(d2, network.params, "d2")))
        self.layers = list(self.net.layers.values())
        self._check_targets(x, t)
        moving = {}  # layer index -> {parameter name: (D1 piece, D2 piece)}
        for key, (index, attr) in self.net.param_locations.items():
            pieces = (self.directions[0][key], self.directions[1][key])
            if np.any(pieces[0]) or np.any(pieces[1]):
                moving.setdefault(index, {})[attr] = pieces
        self.moving = moving
        self.first = min(moving) if moving else len(self.layers)
        x = np.asarray(x).astype(self.dtype, copy=False)
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in self.layers[: self.first]:
                x = layer.apply(x, train)
        self.n = x.shape[0]
        self.first_input = x
        self._prepare_linear_terms()
        self._prepare_decay(center)
        # Work in pieces of about block_bytes per activation array: a chunk of grid points (at least 8, so
        # per-call overhead is shared; more when layers are narrow) times a block of data rows. Measured on
        # a 784-128-10 net over 10,000 images, 8 points x 512 rows is the fastest such piece.
        widest, size = self._widest_per_point(), self.dtype.itemsize
        self.chunk = int(np.clip(block_bytes // (size * widest * self.n), 8, 256))
        # In training mode batch normalization mixes the samples, so there the data stays whole.
        rows = self.n if train else max(64, int(block_bytes // (8 * widest * self.chunk)))
        self.blocks = [slice(start, min(start + rows, self.n)) for start in range(0, self.n, rows)]
        # Points may be evaluated by several threads at once unless a moving layer is evaluated by setting each
        # point's parameters in turn (only stacked Affine layers and a linear first layer avoid that).
        self._zeros = None  # see _zeros_like
        self.thread_safe = self.linear and all(isinstance(self.layers[i], Affine) for i in moving if i != self.first)
        if self.linear:
            # [base; P1; P2] of each block, stacked: z for G points is then one product (G, 3) @ (3, rows * out),
            # instead of three passes that each allocate a (G, rows, out) array.
            self.stacked = [np.stack([self.base[r], self.p1[r], self.p2[r]]).reshape(3, -1) for r in self.blocks]
            self.sample_shape = self.base.shape[1:]
            self.base = self.p1 = self.p2 = None

    def _check_targets(self, x, t):
        """The loss layer's own check of ``t`` (a clear error naming ``t``), before any shortcut indexes it."""
        z = np.asarray(x)[:1]
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in self.layers:
                z = layer.apply(z, False)
        self.net.last_layer.apply(np.zeros((len(x), z.shape[-1])), t)

    def chunk_ranges(self, count):
        """``(start, stop)`` of each chunk of ``count`` points: the same pieces whoever evaluates them."""
        return [(start, min(start + self.chunk, count)) for start in range(0, count, self.chunk)]

    def _widest_per_point(self):
        """The widest activation (values per sample) computed separately for each grid point: sets the chunk size."""
        if self.columns is not None:
            return len(self.columns)
        z = self.base[:1] if self.linear else self.first_input[:1]
        widths = [z[0].size]
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in self.layers[self.first + (1 if self.linear else 0):]:
                z = layer.apply(z, self.train)
                widths.append(z[0].size)
        return max(widths)

    def _prepare_linear_terms(self):
        """``base``, ``P1``, ``P2`` of the first moving layer, when it is linear in its parameters.

        An ``Affine`` or a ``Convolution``: its output at a grid point is
        ``base + a P1 + b P2``, with ``P`` the layer applied with a direction's pieces.
        """
        layer = self.layers[self.first] if self.first < len(self.layers) else None
        self.linear = hasattr(layer, "direction_output")
        self.columns, self.column_targets, self.softmax_columns, self.constant = None, None, False, 0.0
        if not self.linear:
            return
        pieces = self.moving[self.first]
        x = self.first_input
        with np.errstate(over="ignore", invalid="ignore"):
            self.base = layer.apply(x)
            terms = []
            for which in (0, 1):
                d_W = pieces["W"][which] if "W" in pieces else np.zeros_like(layer.W)
                terms.append(layer.direction_output(x, d_W, pieces["b"][which] if "b" in pieces else None))
        self.p1, self.p2 = terms
        self.first_input = None  # no longer needed; keeps the evaluator small to send to workers
        if self.base.ndim != 2:
            return  # image-shaped outputs: the column shortcuts below are for (N, out) layers
        suffix = self.layers[self.first + 1:]
        separable = getattr(self.net.last_layer, "column_separable", False)
        touched = np.any(self.p1 != 0, axis=0) | np.any(self.p2 != 0, axis=0)
        if touched.all() or self.accuracy:
            return
        if all(layer.elementwise for layer in suffix) and separable:
            self._prepare_columns(np.flatnonzero(touched), np.flatnonzero(~touched))
        elif not suffix and isinstance(self.net.last_layer, SoftmaxWithLoss) and 2 * touched.sum() <= touched.size:
            self._prepare_logits(np.flatnonzero(touched), np.flatnonzero(~touched))

    def _prepare_columns(self, columns, others):
        """Only ``columns`` move: the loss of the other output columns is one constant."""
        targets = np.asarray(self.t).reshape(self.n, -1)
        with np.errstate(over="ignore", invalid="ignore"):
            rest = self.base[:, others]
            for layer in self.layers[self.first + 1:]:
                rest = layer.apply(rest, self.train)
            self.constant = float(self.net.last_layer.apply(rest, targets[:, others])) if others.size else 0.0
        self.columns, self.column_targets = columns, targets[:, columns]
        self.base, self.p1, self.p2 = self.base[:, columns], self.p1[:, columns], self.p2[:, columns]

    def _prepare_logits(self, columns, others):
        r"""Only the logits ``columns`` move, straight into softmax with cross-entropy.

        Per sample the other logits give a constant :math:`m_n = \max_{j \notin K} z_{nj}` and
        :math:`S_n = \sum_{j \notin K} e^{z_{nj} - m_n}`; a point then costs
        :math:`O(N |K|)`: :math:`\log(S_n e^{m_n - m'} + \sum_{k \in K} e^{z_{nk} - m'}) + m'`
        with :math:`m' = \max(m_n, \max_k z_{nk})`, minus the label's logit.
        """
        labels = _labels_as_indices(self.t, self.base.shape[-1])
        rest = self.base[:, others]
        self.rest_max = rest.max(axis=1)
        self.rest_sum = np.exp(rest - self.rest_max[:, None]).sum(axis=1)
        where = np.full(self.base.shape[-1], -1)
        where[columns] = np.arange(len(columns))
        self.label_column = where[labels]  # the label's place among the moving columns, or -1
        self.label_logit = np.where(self.label_column < 0, self.base[np.arange(self.n), labels], 0.0)
        self.columns, self.softmax_columns = columns, True
        self.base, self.p1, self.p2 = self.base[:, columns], self.p1[:, columns], self.p2[:, columns]

    def _logit_losses(self, z, rows):
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

    def _prepare_decay(self, center):
        r""":math:`\frac\lambda2\lVert C + \alpha D_1 + \beta D_2\rVert^2` as a quadratic in :math:`\alpha, \beta`."""
        lam = self.net.weight_decay_lambda
        self.decay = None
        if not lam:
            return
        c = split_vector(center, self.net.params, "center")
        d1, d2 = self.directions
        keys = self.net.decayed_keys
        dot = lambda a, b: sum(float(np.sum(a[k] * b[k])) for k in keys)  # noqa: E731
        self.decay = 0.5 * lam * np.array([dot(c, c), 2 * dot(c, d1), 2 * dot(c, d2), dot(d1, d1),
                                           2 * dot(d1, d2), dot(d2, d2)])

    def _set_point(self, layer, pieces, a, b, originals):
        for attr, (p1, p2) in pieces.items():
            layer.params[attr][...] = originals[attr] + a * p1 + b * p2

    def _moving_apply(self, index, z, alphas, betas, stacked=True):
        """Layer ``index``, whose parameters move, applied with each point's own parameters.

        ``z`` holds one input per point (``stacked``, leading axis G) or one input shared by all.
        """
        layer, pieces = self.layers[index], self.moving[index]
        if isinstance(layer, Affine) and stacked:
            z = layer._flat(z)  # (G, rows, in), images flattened
            d1_W, d2_W = pieces.get("W", (0.0, 0.0))
            W = layer.W + alphas[:, None, None] * d1_W + betas[:, None, None] * d2_W  # one W per point
            out = np.matmul(z, np.broadcast_to(W, (len(alphas),) + layer.W.shape))
            if layer.b is not None:
                d1_b, d2_b = pieces.get("b", (0.0, 0.0))
                out += (layer.b + alphas[:, None] * d1_b + betas[:, None] * d2_b)[:, None, :]
            return out
        # Any other layer: set each point's parameters in turn (readable, slower), then restore.
        originals = {attr: layer.params[attr].copy() for attr in pieces}
        outputs = []
        try:
            for g, (a, b) in enumerate(zip(alphas, betas, strict=True)):
                self._set_point(layer, pieces, a, b, originals)
                outputs.append(layer.apply(z[g] if stacked else z, self.train))
        finally:
            for attr, original in originals.items():
                layer.params[attr][...] = original
        return np.stack(outputs)

    def _zeros_like(self, z):
        """Zeros shaped like ``z``, kept between calls and only read.

        ``np.maximum`` against an array of zeros runs numpy's vectorized loop; against the
        scalar 0 it takes a loop about two and a half times slower (the same numbers).
        """
        zeros = self._zeros
        if zeros is None or zeros.size < z.size or zeros.dtype != z.dtype:
            zeros = self._zeros = np.zeros(z.size, dtype=z.dtype)
        return zeros[:z.size].reshape(z.shape)

    def _scores(self, alphas, betas, block):
        """The last layer's input for data block ``block``, one slice per grid point: ``(G, rows, out)``."""
        rows = self.blocks[block]
        if self.first == len(self.layers):  # no direction moves anything
            return np.broadcast_to(self.first_input[rows], (len(alphas),) + self.first_input[rows].shape)
        if self.linear:
            coefficients = np.stack([np.ones_like(alphas), alphas, betas], axis=1)
            z = (coefficients @ self.stacked[block]).reshape((len(alphas), rows.stop - rows.start) + self.sample_shape)
        else:
            z = self._moving_apply(self.first, self.first_input[rows], alphas, betas, stacked=False)
        for index in range(self.first + 1, len(self.layers)):
            if index in self.moving:
                z = self._moving_apply(index, z, alphas, betas)
            elif isinstance(self.layers[index], Relu):
                np.maximum(z, self._zeros_like(z), out=z)  # in place: z is this loop's own temporary
            else:
                z = self.layers[index].apply(z, self.train)
        return z

    def evaluate(self, alphas, betas):
        """Losses (and accuracies, if the evaluator was made with ``accuracy``) at ``(alphas[i], betas[i])``.

        The network runs in the evaluator's ``dtype``; losses are summed in float64.
        """
        alphas, betas = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float)
        losses, correct = np.zeros(len(alphas)), np.zeros(len(alphas))
        targets = self.column_targets if self.column_targets is not None else self.t
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for block, rows in enumerate(self.blocks):
                z = self._scores(alphas.astype(self.dtype), betas.astype(self.dtype), block)
                size = rows.stop - rows.start
                if self.softmax_columns:
                    losses += self._logit_losses(z, rows)
                    continue
                if isinstance(self.net.last_layer, SoftmaxWithLoss) and z.ndim == 3:
                    if self.labels is None:  # integer labels once, from integer or one-hot targets
                        self.labels = _labels_as_indices(self.t, z.shape[-1])
                    losses += stacked_softmax_loss_sums(z, self.labels[rows])
                else:
                    losses += self.net.last_layer.apply(z, targets[rows]) * size
                if self.accuracy:
                    labels = _labels_as_indices(self.t[rows], z.shape[-1])
                    correct += np.sum(np.argmax(z, axis=-1) == labels, axis=-1)
            losses /= self.n
            if self.columns is not None:
                losses += self.constant
            if self.decay is not None:
                q = self.decay
                losses += (q[0] + q[1] * alphas + q[2] * betas + q[3] * alphas**2
                           + q[4] * alphas * betas + q[5] * betas**2)
        return (losses, correct / self.n) if self.accuracy else losses

    def evaluate_chunks(self, alphas, betas, chunks):
        """Evaluate each ``(start, stop)`` slice of the flat point arrays; results concatenated."""
        results = [self.evaluate(alphas[start:stop], betas[start:stop]) for start, stop in chunks]
        if self.accuracy:
            return np.concatenate([r[0] for r in results]), np.concatenate([r[1] for r in results])
        return np.concatenate(results)
