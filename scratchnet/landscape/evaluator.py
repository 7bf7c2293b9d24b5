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
   Likewise when only a few logits move into softmax (:class:`~scratchnet.landscape.softmax.MovingLogits`).
5. Samples are independent (in test mode), so each chunk of grid points runs over the
   data in blocks small enough to stay in the processor's own (L2) cache. What does not
   depend on the data (each point's weights) is made once per chunk; the softmax of many
   blocks' scores is one pass over a classes-first array.

Grid points are processed in chunks of a fixed size. Threads of this process (one per
core, by default) or an ``executor``'s workers run the same chunks, so their results equal
the serial ones bit for bit.
"""

import copy
from typing import NamedTuple

import numpy as np

from scratchnet.functions import _labels_as_indices
from scratchnet.landscape.directions import split_vector, vector_to_params
from scratchnet.landscape.softmax import MovingLogits, softmax_loss_sums
from scratchnet.layers import Affine, Relu, SoftmaxWithLoss


def convert_arrays(network, dtype):
    """Every float64 array a layer keeps (weights, running averages) as ``dtype``; ``params`` follows."""
    for layer in network.layers.values():
        for name, value in vars(layer).items():
            if isinstance(value, np.ndarray) and value.dtype == np.float64:
                setattr(layer, name, value.astype(dtype))
    network.params = {key: network.layers[name].params[attr] for key, (name, attr) in network._slots.items()}


class Points(NamedTuple):
    """What every data block needs of a chunk of G grid points: made once per chunk by ``PlaneEvaluator._points``."""

    alphas: np.ndarray  # (G,)
    betas: np.ndarray  # (G,)
    coefficients: np.ndarray  # (G, 3): the rows [1, a, b] that combine [base; P1; P2]
    weights: dict  # each moving Affine after the first: layer index -> (W, b), one per point


class PlaneEvaluator:
    r"""Evaluates :math:`L(c + \alpha d_1 + \beta d_2)` for many :math:`(\alpha, \beta)` at once.

    ``center``, ``d1``, ``d2`` are vectors of length P (``params`` order). The network
    is copied (its own parameters are never touched) and set to ``center``. Evaluation
    is in test mode (``train=False``) unless asked otherwise. With ``accuracy`` it also
    returns the accuracy at each point (which needs every output column). With
    ``dtype=np.float32`` the copy, the data and the directions are float32: about twice as
    fast, within about 1e-6 relative of float64 for a well-scaled network.

    The work is cut into pieces of about ``block_values`` numbers per activation array;
    softmax scores are gathered in arrays of at most ``group_bytes``. ``features_first=False``
    turns off the fast path of :meth:`_features_first_scores` (to compare it with the
    general one); both give the same numbers to rounding.
    """

    def __init__(self, network, x, t, center, d1, d2, train=False, accuracy=False, block_values=2**18,
                 dtype=np.float64, features_first=True, group_bytes=2**24):
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype: expected float32 or float64, got {self.dtype}")
        self.accuracy = accuracy
        self.net = copy.deepcopy(network)
        vector_to_params(np.asarray(center, dtype=float), self.net.params)
        if self.dtype != np.float64:
            convert_arrays(self.net, self.dtype)
        self.t, self.train = t, train
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
        # Work in pieces of about block_values numbers per activation array: a chunk of grid points (at least 8,
        # so per-call overhead is shared; more when layers are narrow) times a block of data rows, near the size
        # of one core's L2 cache. Measured on a 784-128-10 net over 10,000 images, 8 points x 256 rows (2 MB in
        # float64) is the fastest such piece: 8 x 64 and 8 x 512 are about a quarter slower (smaller pieces make
        # more calls, each holding the interpreter's lock a while; larger ones leave the cache). In float32 the
        # same count of numbers (1 MB) is fastest too: 8 x 512 took 1.5 times as long, its three-row product
        # and its passes over the activations slowing as if the piece had left the cache.
        widest = self._widest_per_point()
        self.chunk = int(np.clip(block_values // (widest * self.n), 8, 256))
        # In training mode batch normalization mixes the samples, so there the data stays whole.
        rows = self.n if train else max(64, int(block_values // (widest * self.chunk)))
        self.blocks = [slice(start, min(start + rows, self.n)) for start in range(0, self.n, rows)]
        size = self.dtype.itemsize
        # Softmax scores of consecutive blocks are gathered, classes first, into arrays of group_bytes at most
        # (or one block's).
        self.groups = _groups(self.blocks, max(rows, group_bytes // (size * self.chunk * self.classes)))
        # Points may be evaluated by several threads at once unless a moving layer is evaluated by setting each
        # point's parameters in turn (only stacked Affine layers and a linear first layer avoid that).
        self._zeros = np.zeros(0, self.dtype)  # see _zeros_like
        self.thread_safe = self.linear and all(isinstance(self.layers[i], Affine) for i in moving if i != self.first)
        self.features_first = features_first and self._features_first_possible()
        if self.linear:
            # [base; P1; P2] of each block, stacked: z for G points is then one product (G, 3) @ (3, rows * out),
            # instead of three passes that each allocate a (G, rows, out) array. Features first, each block is
            # stored transposed, (3, out * rows): see _features_first_scores.
            turn = (lambda a: a.T) if self.features_first else (lambda a: a)  # noqa: E731
            self.stacked = [np.stack([turn(self.base[r]), turn(self.p1[r]), turn(self.p2[r])]).reshape(3, -1)
                            for r in self.blocks]
            self.sample_shape = self.base.shape[1:]
            self.base = self.p1 = self.p2 = None

    def _features_first_possible(self):
        """Whether :meth:`_features_first_scores` can score the points: after a moving ``Affine``, only
        ``Affine`` and elementwise layers, into a softmax loss, in test mode."""
        if not (self.linear and self.base.ndim == 2 and self.softmax_stacked and self.moving_logits is None) \
                or self.train:
            return False
        return all(isinstance(layer, Affine) or layer.elementwise for layer in self.layers[self.first + 1:])

    def _check_targets(self, x, t):
        """The loss layer's own check of ``t`` (a clear error naming ``t``), before any shortcut indexes it."""
        z = np.asarray(x)[:1]
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in self.layers:
                z = layer.apply(z, False)
        self.net.last_layer.apply(np.zeros((len(x), z.shape[-1])), t)
        self.classes = z.shape[-1]
        # Scored together, classes first, by softmax_loss_sums: a softmax loss over (G, rows, C) scores.
        self.softmax_stacked = isinstance(self.net.last_layer, SoftmaxWithLoss) and z.ndim == 2
        self.labels = _labels_as_indices(t, self.classes) if self.softmax_stacked else None

    def chunk_ranges(self, count):
        """``(start, stop)`` of each chunk of ``count`` points: the same pieces whoever evaluates them."""
        return [(start, min(start + self.chunk, count)) for start in range(0, count, self.chunk)]

    def _widest_per_point(self):
        """The widest activation (values per sample) computed separately for each grid point: sets the chunk size."""
        if self.columns is not None:
            return len(self.columns)
        z = self.base if self.linear else self.first_input
        z = z if self.train else z[:1]  # in training mode a dropout mask fits only the whole batch
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
        self.columns, self.column_targets, self.moving_logits, self.constant = None, None, None, 0.0
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
            self._prepare_logits(np.flatnonzero(touched))

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

    def _prepare_logits(self, columns):
        """Only the logits ``columns`` move, straight into softmax with cross-entropy: :class:`MovingLogits`."""
        labels = _labels_as_indices(self.t, self.base.shape[-1])
        self.moving_logits = MovingLogits(self.base, columns, labels)
        self.columns = columns
        self.base, self.p1, self.p2 = self.base[:, columns], self.p1[:, columns], self.p2[:, columns]

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

    def _points(self, alphas, betas):
        """What every data block needs of a chunk of points, made once per chunk: :class:`Points`.

        Each moving ``Affine`` after the first gets its own ``W`` ``(G, in, out)`` and ``b``
        ``(G, 1, out)`` per point (features first: transposed, ``(G, out, in)`` and ``(G, out, 1)``).
        """
        weights = {}
        for index, pieces in self.moving.items():
            layer = self.layers[index]
            if index == self.first or not isinstance(layer, Affine):
                continue
            d1_W, d2_W = pieces.get("W", (0.0, 0.0))
            W = layer.W + alphas[:, None, None] * d1_W + betas[:, None, None] * d2_W
            b = None
            if layer.b is not None:
                d1_b, d2_b = pieces.get("b", (0.0, 0.0))
                b = (layer.b + alphas[:, None] * d1_b + betas[:, None] * d2_b)[:, None, :]
            if self.features_first:  # W^T (G, out, in) and b (G, out, 1)
                W, b = np.ascontiguousarray(W.transpose(0, 2, 1)), None if b is None else b.transpose(0, 2, 1)
            weights[index] = (W, b)
        coefficients = np.stack([np.ones_like(alphas), alphas, betas], axis=1)
        return Points(alphas, betas, coefficients, weights)

    def _point_by_point(self, index, z, alphas, betas, stacked=True):
        """Layer ``index``, whose parameters move, applied with each point's parameters set in turn (then restored).

        Readable and slower; for moving layers other than ``Affine``. ``z`` holds one input
        per point (``stacked``, leading axis G) or one input shared by all.
        """
        layer, pieces = self.layers[index], self.moving[index]
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
        """Zeros shaped like one point's slice of ``z``, kept between calls and only read.

        ``np.maximum`` against an array of zeros runs numpy's vectorized loop; against the
        scalar 0 it takes a loop about two and a half times slower (the same numbers). One
        point's slice, broadcast over the points, reads less than a whole block of zeros.
        """
        size = z[0].size
        if self._zeros.size < size:
            self._zeros = np.zeros(size, dtype=self.dtype)
        return self._zeros[:size].reshape(z.shape[1:])

    def _scores(self, points, block):
        """The last layer's input for data block ``block``, one slice per grid point: ``(G, rows, out)``."""
        alphas, betas, coefficients, weights = points
        rows = self.blocks[block]
        if self.first == len(self.layers):  # no direction moves anything
            return np.broadcast_to(self.first_input[rows], (len(alphas),) + self.first_input[rows].shape)
        if self.linear:
            z = (coefficients @ self.stacked[block]).reshape((len(alphas), rows.stop - rows.start) + self.sample_shape)
        else:
            z = self._point_by_point(self.first, self.first_input[rows], alphas, betas, stacked=False)
        for index in range(self.first + 1, len(self.layers)):
            layer = self.layers[index]
            if index in weights:  # a moving Affine: one product per point, in one call
                W, b = weights[index]
                z = np.matmul(layer._flat(z), W)
                if b is not None:
                    z += b
            elif index in self.moving:
                z = self._point_by_point(index, z, alphas, betas)
            elif isinstance(layer, Relu):
                np.maximum(z, self._zeros_like(z), out=z)  # in place: z is this loop's own temporary
            else:
                z = layer.apply(z, self.train)
        return z

    def _group_scores(self, points, group):
        """The scores of the data blocks ``group`` (consecutive), gathered classes first: ``(C, G, rows)``."""
        start, stop = self.blocks[group[0]].start, self.blocks[group[-1]].stop
        scores = np.empty((self.classes, len(points.alphas), stop - start), dtype=self.dtype)
        for block in group:
            rows = self.blocks[block]
            out = scores[:, :, rows.start - start:rows.stop - start]
            if self.features_first:
                self._features_first_scores(points, block, out.transpose(1, 0, 2))
            else:
                out[...] = np.moveaxis(self._scores(points, block), -1, 0)
        bias = self._bias_left_out(points)
        if bias is not None:
            scores += bias
        return scores, slice(start, stop)

    def _bias_left_out(self, points):
        """The last layer's bias ``(C, G, 1)`` where :meth:`_features_first_scores` leaves it out, else None.

        It is added once to a group's scores instead of once per block. Left out when the
        last layer is an ``Affine`` with a bias, after the first moving layer (whose bias is
        in ``base``, ``P1`` and ``P2`` already).
        """
        last, layer = len(self.layers) - 1, self.layers[-1]
        if not self.features_first or last == self.first or not isinstance(layer, Affine) or layer.b is None:
            return None
        return points.weights[last][1].transpose(1, 0, 2) if last in points.weights else layer.b[:, None, None]

    def _features_first_scores(self, points, block, out):
        """The scores of data block ``block`` written into ``out`` ``(G, C, rows)``: :meth:`_scores`, faster.

        Each point's activations are kept features first, ``(G, features, rows)``, so each
        ``Affine`` is the product :math:`W^T z` and the last one writes straight into the
        classes-first scores that :func:`softmax_loss_sums` reads: no copy, and products with
        ``rows`` columns, which run about 15% faster than ``z W`` with ``C`` columns.
        """
        rows = self.blocks[block]
        z = (points.coefficients @ self.stacked[block]).reshape(len(points.alphas), -1, rows.stop - rows.start)
        last = len(self.layers) - 1
        for index in range(self.first + 1, len(self.layers)):
            layer = self.layers[index]
            if isinstance(layer, Affine):
                if index in points.weights:
                    W, b = points.weights[index]
                else:  # not moving: one W^T and b for every point
                    W, b = layer.W.T, None if layer.b is None else layer.b[:, None]
                z = np.matmul(W, z, out=out if index == last else None)
                if b is not None and index != last:  # the last bias: see _bias_left_out
                    z += b
            elif isinstance(layer, Relu):
                np.maximum(z, self._zeros_like(z), out=z)
            else:
                z = layer.apply(z)
        if z is not out:
            out[...] = z

    def evaluate(self, alphas, betas):
        """Losses (and accuracies, if the evaluator was made with ``accuracy``) at ``(alphas[i], betas[i])``.

        The network runs in the evaluator's ``dtype``; losses are summed in float64.
        """
        alphas, betas = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float)
        losses, correct = np.zeros(len(alphas)), np.zeros(len(alphas))
        targets = self.column_targets if self.column_targets is not None else self.t
        points = self._points(alphas.astype(self.dtype), betas.astype(self.dtype))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if self.softmax_stacked and self.moving_logits is None:
                for group in self.groups:
                    scores, rows = self._group_scores(points, group)
                    if self.accuracy:
                        correct += np.sum(np.argmax(scores, axis=0) == self.labels[rows], axis=-1)
                    losses += softmax_loss_sums(scores, self.labels[rows])
            else:
                for block, rows in enumerate(self.blocks):
                    z = self._scores(points, block)
                    if self.moving_logits is not None:
                        losses += self.moving_logits.loss_sums(z, rows)
                        continue
                    losses += self.net.last_layer.apply(z, targets[rows]) * (rows.stop - rows.start)
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


def _groups(blocks, rows):
    """``blocks`` (consecutive slices) in runs of at most ``rows`` rows (each run at least one block)."""
    groups, size = [], rows
    for index, block in enumerate(blocks):
        length = block.stop - block.start
        if size + length > rows:
            groups.append([])
            size = 0
        groups[-1].append(index)
        size += length
    return groups
