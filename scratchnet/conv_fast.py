r"""Shortcuts for the convolution and pooling layers: the same numbers as the book's ``im2col`` path, faster.

A reader can skip this module: :func:`scratchnet.conv.im2col` and :func:`~scratchnet.conv.col2im`
are the readable reference, and the tests hold every function here equal to them.

Why these are faster (measured in ``benchmarks/bench_convnet.py``):

- :func:`patches` lays the patches out per image as ``(N, K, OH*OW)`` (``K = C*FH*FW``), made
  by one contiguous copy of a ``sliding_window_view``. Then ``W (FN, K) @ patches`` gives
  ``(N, FN, OH*OW)``: the output already in ``(N, FN, OH, OW)`` order, contiguous, with no
  transpose for the layers after it to pay for. The book's rows ``(N*OH*OW, K)`` give
  ``(N, OH, OW, FN)``, which must be transposed, and every later step reads it with strides.
- the weight gradient is one stacked product ``delta (N, FN, P) @ patches^T (N, P, K)`` summed
  over the images, in the layout the forward pass already made; the input gradient of a
  stride-1 layer is a convolution of ``dout`` with the filters turned around.
- both run a few images at a time, so that each chunk's patches are multiplied while they
  are still in the cache (a whole batch's patches are tens of megabytes).
- max pooling over tiling windows (stride = window, no padding: the usual 2 x 2) takes the
  maximum of the window's positions pairwise, as strided views of the input, with no copy of
  the windows; backward gives each gradient to the first position equal to its window's
  maximum (the first maximum, as ``argmax`` in the reference), found by comparisons.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

CHUNK_BYTES = 4 * 2**20  # patches made and multiplied a few images at a time stay in the cache (measured)


def chunks(count, bytes_per_image):
    """Slices of ``count`` images, each chunk's patches about ``CHUNK_BYTES``."""
    size = max(1, CHUNK_BYTES // max(1, bytes_per_image))
    return [slice(start, min(start + size, count)) for start in range(0, count, size)]


def patches(x, filter_h, filter_w, stride=1, pad=0):
    """Every patch of the images ``x`` ``(N, C, H, W)`` as a column: ``(N, C * filter_h * filter_w, OH * OW)``.

    Column ``p`` of image ``n`` is row ``n * OH * OW + p`` of :func:`~scratchnet.conv.im2col`.
    """
    if pad:
        x = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    windows = sliding_window_view(x, (filter_h, filter_w), axis=(2, 3))[:, :, ::stride, ::stride]
    N, C, out_h, out_w = windows.shape[:4]
    # (N, C, OH, OW, FH, FW) -> (N, C, FH, FW, OH, OW): the one copy, in the order W.reshape(FN, -1) reads
    return np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3)).reshape(N, C * filter_h * filter_w,
                                                                             out_h * out_w)


def add_patches(columns, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The adjoint of :func:`patches`: adds every column back onto its patch; returns ``input_shape``."""
    N, C, H, W = input_shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    columns = columns.reshape(N, C, filter_h, filter_w, out_h, out_w)
    image = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=columns.dtype)
    for i in range(filter_h):  # one strided add per filter position
        for j in range(filter_w):
            image[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride] += columns[:, :, i, j]
    return image[:, :, pad:pad + H, pad:pad + W]


def convolve(x, W, b, stride=1, pad=0):
    """The convolution ``(N, FN, OH, OW)`` of the images ``x`` with the filters ``W`` (and biases ``b``, or None).

    A few images at a time (:func:`chunks`): each chunk's patches are multiplied while still in
    the cache, and the next chunk's patches reuse the memory (a whole batch's would be a fresh
    array of tens of megabytes, which costs more to allocate than to fill).
    """
    FN, C, FH, FW = W.shape
    N, out_h = len(x), (x.shape[2] + 2 * pad - FH) // stride + 1
    out_w = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = np.empty((N, FN, out_h * out_w), dtype=np.result_type(x, W))
    weights = W.reshape(FN, -1)
    for part in chunks(N, C * FH * FW * out_h * out_w * out.itemsize):
        np.matmul(weights, patches(x[part], FH, FW, stride, pad), out=out[part])  # one product per image
    if b is not None:
        out += b[:, None]
    return out.reshape(N, FN, out_h, out_w)


def _flipped(W):
    """The filters of the transposed convolution: in and out channels swapped, each filter turned 180 degrees."""
    return np.ascontiguousarray(W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))


def convolution_backward(dout, W, x, stride=1, pad=0, input_grad=True):
    """``(dW, db, dx)`` from ``dout`` ``(N, FN, OH, OW)`` and the forward pass's input ``x``; ``dx`` is ``None``
    without ``input_grad``. :func:`weight_gradient` and :func:`input_gradient`, and the bias's sum."""
    dout = np.asarray(dout)
    dW = weight_gradient(dout, x, W.shape, stride, pad)
    db = dout.sum(axis=(0, 2, 3))
    return dW, db, input_gradient(dout, W, x.shape, stride, pad) if input_grad else None


def weight_gradient(dout, x, filter_shape, stride=1, pad=0):
    """The filters' gradient ``filter_shape`` ``(FN, C, FH, FW)`` from ``dout`` ``(N, FN, OH, OW)`` and the input
    ``x``: ``delta (N, FN, P) @ patches^T (N, P, K)`` summed over the images.

    Summed chunk by chunk, each chunk's patches made again (in the cache: cheaper than keeping
    the whole batch's).
    """
    FN, C, FH, FW = filter_shape
    delta = np.asarray(dout).reshape(len(dout), FN, -1)  # (N, FN, P)
    dW = np.zeros((FN, C * FH * FW), dtype=np.result_type(delta, x))
    for part in chunks(len(delta), C * FH * FW * delta.shape[2] * dW.itemsize):
        dW += np.matmul(delta[part], patches(x[part], FH, FW, stride, pad).transpose(0, 2, 1)).sum(axis=0)
    return dW.reshape(filter_shape)


def input_gradient(dout, W, input_shape, stride=1, pad=0):
    """The gradient ``input_shape`` ``(N, C, H, W)`` of the input from ``dout`` ``(N, FN, OH, OW)`` and the filters.

    For a stride-1 layer with square filters and ``pad < filter`` it is itself a convolution:
    ``dout`` padded by ``filter - 1 - pad``, with :func:`_flipped` filters; otherwise the
    patches' gradients are added back by :func:`add_patches`.
    """
    FN, C, FH, FW = W.shape
    dout = np.asarray(dout)
    if stride == 1 and FH == FW and pad < FH:
        return convolve(dout, _flipped(W), None, 1, FH - 1 - pad)
    delta = dout.reshape(len(dout), FN, -1)
    return add_patches(np.matmul(W.reshape(FN, -1).T, delta), input_shape, FH, FW, stride, pad)


def _positions(x, pool_h, pool_w):
    """The window positions of tiling windows as strided views ``(..., OH, OW)``, in ``argmax`` order."""
    return [x[..., i::pool_h, j::pool_w] for i in range(pool_h) for j in range(pool_w)]


def max_pool_tiles(x, pool_h, pool_w):
    """Max pooling over windows that tile ``x`` ``(..., H, W)`` exactly: ``(..., H / pool_h, W / pool_w)``.

    Rows first: the maximum over each window's ``pool_h`` rows runs along whole image rows, which numpy reads
    contiguously; only the second maximum, over a ``pool_h``-th of the numbers, steps between columns (a strided
    pass is several times slower). A maximum is the same in any order.
    """
    rows = _maximum_of(x[..., i::pool_h, :] for i in range(pool_h))
    return _maximum_of(rows[..., j::pool_w] for j in range(pool_w))


def _maximum_of(arrays):
    """The elementwise maximum of one or more arrays of one shape, in a new array."""
    arrays = list(arrays)
    out = np.maximum(arrays[0], arrays[1]) if len(arrays) > 1 else arrays[0].copy()
    for array in arrays[2:]:
        np.maximum(out, array, out=out)
    return out


def _first_maxima(x, out, pool_h, pool_w):
    """For each window position ``(i, j)``, in ``argmax`` order: the windows whose first maximum it holds (a mask
    shaped like ``out``). Ties go to the first position equal to the maximum, found by comparisons."""
    taken = np.zeros(out.shape, dtype=bool)  # windows whose maximum is already found
    for index, position in enumerate(_positions(x, pool_h, pool_w)):
        winner = position == out
        if index:
            winner &= ~taken
        taken |= winner
        yield divmod(index, pool_w), winner


def max_pool_tiles_backward(x, out, dout, pool_h, pool_w):
    """Each window's ``dout`` to the first of its positions equal to its maximum ``out``; zeros elsewhere."""
    dx = np.empty(x.shape, dtype=np.result_type(dout, x))  # every entry is some window's position: all written
    for (i, j), winner in _first_maxima(x, out, pool_h, pool_w):
        np.multiply(dout, winner, out=dx[..., i::pool_h, j::pool_w])
    return dx


def max_pool_tiles_gather(x, out, values, pool_h, pool_w):
    """``values`` (shaped like ``x``) at each window's first maximum of ``x``: shaped like ``out``. The adjoint of
    :func:`max_pool_tiles_backward` (what the R-operator passes forward, where the gradient passes back)."""
    gathered = np.zeros(out.shape, dtype=np.result_type(values, x))
    for (i, j), winner in _first_maxima(x, out, pool_h, pool_w):
        np.copyto(gathered, values[..., i::pool_h, j::pool_w], where=winner)
    return gathered
