r"""Convolution and pooling (chapter 7): ``im2col``, ``col2im``, :class:`Convolution`, :class:`Pooling`.

Images are ``(N, C, H, W)``: N images of C channels, H rows and W columns. A filter bank
is ``(FN, C, FH, FW)``. With stride :math:`s` and padding :math:`p` the output is
:math:`OH = \lfloor (H + 2p - FH)/s \rfloor + 1` rows (and likewise columns), as in the book
and PyTorch: where the windows do not reach the last rows or columns, those are left out (a
3 x 3 convolution with stride 2 and pad 1 takes 28 x 28 images to 14 x 14).

:func:`im2col` unrolls every filter-sized patch into a row, so a convolution becomes one
matrix product (the book's way, section 7.4.3). :func:`convolve_naive` is the readable
definition, four loops deep; the tests hold the fast layer to it.
"""

import numpy as np

from scratchnet import conv_fast
from scratchnet.layers import Layer, WeightedLayer, dout_of, kept


def conv_output_size(input_size, filter_size, stride=1, pad=0, what="input"):
    """``floor((input_size + 2 pad - filter_size) / stride) + 1``, the book's and PyTorch's output size."""
    span = input_size + 2 * pad - filter_size
    if stride < 1 or pad < 0 or filter_size < 1:
        raise ValueError(f"stride, pad, filter size: expected stride >= 1, pad >= 0 and filter size >= 1, got "
                         f"stride {stride}, pad {pad}, filter size {filter_size}")
    if span < 0:
        raise ValueError(f"{what}: a window of {filter_size} does not fit in {input_size} (+ 2 x pad {pad})")
    return span // stride + 1


def whole(value, name, minimum):
    """``value`` as an ``int`` if it is a whole number >= ``minimum``; a clear error otherwise (1.5 is not 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)) \
            or value != int(value) or value < minimum:
        raise ValueError(f"{name}: expected a whole number >= {minimum}, got {value!r}")
    return int(value)


def _check_images(x, channels=None, what="x"):
    x = np.asarray(x)
    if x.ndim != 4 or 0 in x.shape:
        raise ValueError(f"{what}: expected images (N, C, H, W), at least one, got shape {x.shape}")
    if channels is not None and x.shape[1] != channels:
        raise ValueError(f"{what}: expected {channels} channels to match the filters, got {x.shape[1]} "
                         f"(shape {x.shape})")
    return x


def im2col(x, filter_h, filter_w, stride=1, pad=0, pad_value=0.0):
    """Every ``(C, filter_h, filter_w)`` patch of the images ``x`` as a row: ``(N * OH * OW, C * filter_h * filter_w)``.

    Rows run over images, then output rows, then output columns; a row's entries run
    over channels, then filter rows, then filter columns (the order of ``W.reshape(FN, -1)``).
    """
    x = _check_images(x)
    N, C, H, W = x.shape
    out_h = conv_output_size(H, filter_h, stride, pad, "x (height)")
    out_w = conv_output_size(W, filter_w, stride, pad, "x (width)")
    image = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], constant_values=pad_value) if pad else x
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64  # float32 stays float32
    col = np.empty((N, C, filter_h, filter_w, out_h, out_w), dtype=dtype)
    for i in range(filter_h):  # one strided copy per filter position, not one per patch
        for j in range(filter_w):
            col[:, :, i, j] = image[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The adjoint of :func:`im2col`: adds every row back onto the patch it came from; returns ``input_shape``."""
    N, C, H, W = input_shape
    out_h = conv_output_size(H, filter_h, stride, pad, "input (height)")
    out_w = conv_output_size(W, filter_w, stride, pad, "input (width)")
    col = np.asarray(col).reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    image = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=col.dtype)
    for i in range(filter_h):
        for j in range(filter_w):
            image[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride] += col[:, :, i, j]
    return image[:, :, pad:pad + H, pad:pad + W]


def convolve_naive(x, W, b, stride=1, pad=0):
    r"""The definition: :math:`y_{n,f,i,j} = b_f + \sum_{c,u,v} W_{f,c,u,v}\, x_{n,c,si+u-p,sj+v-p}`.

    Loops over images, filters and output positions (zeros outside the image). Slow;
    kept as the reference the fast layer is tested against.
    """
    x = _check_images(x, np.shape(W)[1])
    FN, C, FH, FW = W.shape
    N, _, H, Wd = x.shape
    out_h, out_w = conv_output_size(H, FH, stride, pad), conv_output_size(Wd, FW, stride, pad)
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    out = np.empty((N, FN, out_h, out_w))
    for n in range(N):
        for f in range(FN):
            for i in range(out_h):
                for j in range(out_w):
                    patch = padded[n, :, i * stride:i * stride + FH, j * stride:j * stride + FW]
                    out[n, f, i, j] = np.sum(patch * W[f]) + (0.0 if b is None else b[f])
    return out


class Convolution(WeightedLayer):
    r"""Convolution :math:`y = W * x + b`: ``W`` ``(FN, C, FH, FW)``, ``b`` ``(FN,)``; ``x`` ``(N, C, H, W)``.

    Forward: ``im2col(x) @ W.reshape(FN, -1).T + b``, reshaped to ``(N, FN, OH, OW)``.
    Backward: :math:`\partial L/\partial W = \mathrm{col}^\top \delta`,
    :math:`\partial L/\partial b = \sum \delta`, :math:`\partial L/\partial x = \mathrm{col2im}(\delta W)`.
    ``apply`` also takes stacked images ``(..., N, C, H, W)``.
    """

    def __init__(self, W, b, stride=1, pad=0):
        W = np.asarray(W)
        if W.ndim != 4:
            raise ValueError(f"W: expected filters (FN, C, FH, FW), got shape {W.shape}")
        self._set_weights(W, b, (W.shape[0],), "one bias per filter")
        self.stride, self.pad = whole(stride, "stride", 1), whole(pad, "pad", 0)
        self.x_shape = self.x = None

    def output_shape(self, input_shape):
        """``(FN, OH, OW)`` for one image of ``input_shape`` ``(C, H, W)``."""
        C, H, W = input_shape
        if C != self.W.shape[1]:
            raise ValueError(f"x: expected {self.W.shape[1]} channels to match the filters, got {C}")
        FN, _, FH, FW = self.W.shape
        return (FN, conv_output_size(H, FH, self.stride, self.pad, "x (height)"),
                conv_output_size(W, FW, self.stride, self.pad, "x (width)"))

    def _columns(self, x):
        return im2col(x, self.W.shape[2], self.W.shape[3], self.stride, self.pad)

    def _shape_out(self, out, x):
        _, oh, ow = self.output_shape(x.shape[1:])
        return out.reshape(x.shape[0], oh, ow, -1).transpose(0, 3, 1, 2)

    def apply(self, x, train=False):
        x = np.asarray(x)
        if x.ndim < 4:
            raise ValueError(f"x: expected images (N, C, H, W), got shape {x.shape}")
        images = _check_images(x.reshape((-1,) + x.shape[-3:]), self.W.shape[1])  # stacked batches as one
        self.output_shape(images.shape[1:])  # refuses a filter larger than the image, naming it
        out = conv_fast.convolve(images, self.W, self.b, self.stride, self.pad)
        return out.reshape(x.shape[:-3] + out.shape[1:])

    def forward(self, x, train=False):
        # The book's way: self.col = im2col(x); out = self.col @ W.reshape(FN, -1).T + b, reshaped to
        # (N, OH, OW, FN) and transposed. conv_fast lays the patches out per image instead, so the product
        # comes out in (N, FN, OH, OW) order with no transpose, a few images at a time; it keeps x, not the
        # patches, and makes them again in backward (the same numbers; tests/test_conv.py).
        x = _check_images(x, self.W.shape[1])
        self.output_shape(x.shape[1:])
        self.x, self.x_shape = x, x.shape
        return conv_fast.convolve(x, self.W, self.b, self.stride, self.pad)

    def backward(self, dout, input_grad=True):
        """Set ``dW``, ``db`` and return ``dx``; ``input_grad=False`` skips ``dx`` (a first layer's data needs none).

        The book's way, on im2col's rows: ``delta = dout.transpose(0, 2, 3, 1).reshape(-1, FN)``,
        ``dW = delta.T @ col``, ``db = delta.sum(axis=0)``, ``dx = col2im(delta @ W.reshape(FN, -1))``.
        """
        dW, db, dx = conv_fast.convolution_backward(dout, self.W, kept(self, self.x), self.stride, self.pad,
                                                    input_grad)
        self.dW = dW
        if self.b is not None:
            self.db = db
        return dx

    def direction_output(self, x, dW, db):
        """The convolution of ``x`` with filters ``dW`` plus ``db``: how the output moves along a direction."""
        out = self._columns(x) @ np.asarray(dW).reshape(self.W.shape[0], -1).T
        if db is not None:
            out = out + db
        return self._shape_out(out, x)

    def perturbed_outputs(self, x, name, flat_indices, new_values, train=False):
        r"""Changing :math:`W_{f,q}` (``q`` a flat index within filter ``f``) by :math:`s` moves output
        channel :math:`f` by :math:`s` times column :math:`q` of ``im2col(x)``: one product for all ``K``."""
        x = _check_images(x, self.W.shape[1])
        flat_indices = np.asarray(flat_indices)
        col = self._columns(x)
        base = col @ self.W.reshape(self.W.shape[0], -1).T + (0 if self.b is None else self.b)
        out = np.broadcast_to(base, (len(flat_indices),) + base.shape).copy()  # (K, N*OH*OW, FN)
        steps = np.asarray(new_values) - self.params[name].reshape(-1)[flat_indices]
        rows = np.arange(len(flat_indices))
        if name == "W":
            filters, within = np.divmod(flat_indices, col.shape[1])
            out[rows, :, filters] += steps[:, None] * col[:, within].T
        else:
            out[rows, :, flat_indices] += steps[:, None]
        _, oh, ow = self.output_shape(x.shape[1:])
        return out.reshape(len(rows), x.shape[0], oh, ow, -1).transpose(0, 1, 4, 2, 3)


class Pooling(Layer):
    r"""Max pooling over ``pool_h x pool_w`` windows with ``stride`` and ``pad``: ``(N, C, H, W) -> (N, C, OH, OW)``.

    Padding counts in the output size (:math:`OH = \lfloor (H + 2p - h)/s \rfloor + 1`) and is filled
    with :math:`-\infty`, so it never wins a maximum. (The book pads with zeros, which
    only matters for negative inputs.) Backward sends each :math:`\delta` to the input
    that was the maximum of its window (the first one, on ties).
    """

    def __init__(self, pool_h, pool_w, stride=2, pad=0):
        self.pool_h, self.pool_w = whole(pool_h, "pool_h", 1), whole(pool_w, "pool_w", 1)
        self.stride, self.pad = whole(stride, "stride", 1), whole(pad, "pad", 0)
        self.x_shape = self.arg_max = self.tiles = None

    def _tiles_the_input(self, shape):
        """Whether the windows tile images of ``shape`` exactly (stride = window, no padding): the usual 2 x 2."""
        return (self.pad == 0 and self.stride == self.pool_h == self.pool_w
                and shape[-2] % self.pool_h == 0 and shape[-1] % self.pool_w == 0)

    def _windows(self, x):
        """Each window of each channel as a row, in ``(N, OH, OW, C)`` order: ``(N * OH * OW * C, pool_h * pool_w)``."""
        N, C, H, W = x.shape
        if self.pool_h > H + 2 * self.pad or self.pool_w > W + 2 * self.pad:
            raise ValueError(f"x: a pooling window of {self.pool_h} x {self.pool_w} is larger than the input "
                             f"{H} x {W} (+ 2 x pad {self.pad})")
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad, pad_value=-np.inf)
        return col.reshape(-1, self.pool_h * self.pool_w)

    def _shape_out(self, out, x):
        N, C, H, W = x.shape
        oh = conv_output_size(H, self.pool_h, self.stride, self.pad, "x (height)")
        ow = conv_output_size(W, self.pool_w, self.stride, self.pad, "x (width)")
        return out.reshape(N, oh, ow, C).transpose(0, 3, 1, 2)

    def apply(self, x, train=False):
        x = np.asarray(x)
        if x.ndim < 4:
            raise ValueError(f"x: expected images (N, C, H, W), got shape {x.shape}")
        if self._tiles_the_input(x.shape):
            return conv_fast.max_pool_tiles(x, self.pool_h, self.pool_w)
        flat = x.reshape((-1,) + x.shape[-3:])
        out = self._shape_out(self._windows(flat).max(axis=1), flat)
        return out.reshape(x.shape[:-3] + out.shape[1:])

    def forward(self, x, train=False):
        x = _check_images(x)
        self.x_shape = x.shape
        if self._tiles_the_input(x.shape):
            return self._forward_tiles(x)
        windows = self._windows(x)
        self.arg_max = windows.argmax(axis=1)
        return self._shape_out(windows[np.arange(len(windows)), self.arg_max], x)

    def backward(self, dout):
        if self._tiles_the_input(kept(self, self.x_shape)):
            return self._backward_tiles(dout)
        size = self.pool_h * self.pool_w
        delta = np.asarray(dout).transpose(0, 2, 3, 1).ravel()  # window order of _windows
        dwindows = np.zeros((delta.size, size), dtype=delta.dtype)
        dwindows[np.arange(delta.size), self.arg_max] = delta
        C = self.x_shape[1]
        return col2im(dwindows.reshape(-1, C * size), self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)

    # The shortcut for tiling windows: the same numbers as the im2col path above, with no copy of the windows
    # (conv_fast.max_pool_tiles). It keeps the input and the output (references, not copies) for backward.
    def _forward_tiles(self, x):
        self.arg_max = None  # the general path's record; the shortcut finds the winners again in backward
        self.tiles = (x, conv_fast.max_pool_tiles(x, self.pool_h, self.pool_w))
        return self.tiles[1]

    def _backward_tiles(self, dout):
        x, out = kept(self, self.tiles)
        dout = dout_of(dout, out.shape)
        return conv_fast.max_pool_tiles_backward(x, out, dout, self.pool_h, self.pool_w)
