"""SimpleConvNet: a training epoch as a fraction of numpy's matrix-product rate, and im2col against the loops.

1. One epoch over the 4,000 embedded training images (batch 100, Adam), the book's
   SimpleConvNet (30 filters of 5 x 5, hidden 100). Its useful work is counted as the
   multiply-adds of its matrix products (forward and backward), and reported as a
   fraction of the rate numpy reaches on one large product, measured in this run.
2. The convolution forward pass on 20 images: the im2col layer against
   ``convolve_naive``, the four-loop definition, in this run; equal to 1e-12.

Targets: an epoch on one thread at 20% or more of numpy's matrix-product rate in the same
dtype (both measured in this run); the im2col convolution at least 100 times the loops. The
time of an epoch of the full 60,000 images (``ch07_train_convnet
--data full``) is 15 times the 4,000-image epoch: a batch costs the same whatever its digits.

    python benchmarks/bench_convnet.py
"""

import time

import numpy as np
from rates import matmul_rate, record, timed  # benchmarks/rates.py, beside this script

from scratchnet.blas import blas_description, blas_threads
from scratchnet.conv import Convolution, convolve_naive
from scratchnet.datasets import load_mnist
from scratchnet.networks import SimpleConvNet
from scratchnet.optimizers import Adam


def epoch_flops(net, batch, batches):
    """Multiply-adds x 2 of the matrix products in one epoch: forward, and backward except the data's gradient."""
    FN, C, FH, FW = net.params["W1"].shape
    oh = net.input_dim[1] - FH + 1
    conv = 2 * batch * oh * oh * FN * C * FH * FW
    hidden, out = net.params["W2"].shape[1], net.params["W3"].shape[1]
    affine1 = 2 * batch * net.params["W2"].shape[0] * hidden
    affine2 = 2 * batch * hidden * out
    forward = conv + affine1 + affine2
    backward = conv + 2 * affine1 + 2 * affine2  # the convolution needs no input gradient (it is the data)
    return (forward + backward) * batches


def train_epoch(dtype):
    (x, t), _ = load_mnist(flatten=False)
    x = x.astype(dtype)
    net = SimpleConvNet(seed=0, dtype=dtype)
    optimizer = Adam(lr=0.001)

    def epoch():
        for start in range(0, len(x), 100):
            grads = net.gradient(x[start:start + 100], t[start:start + 100])
            optimizer.update(net.params, grads)

    seconds = min(timed(epoch) for _ in range(2))
    return net, seconds, len(x) // 100


def main():
    print(blas_description())
    ok, rows = True, []
    for dtype in (np.float64, np.float32):
        with blas_threads(1):
            rate = matmul_rate(dtype)
            net, seconds, batches = train_epoch(dtype)
        name = np.dtype(dtype).name
        print(f"numpy matrix product, one thread: {rate / 1e9:.1f} GFLOP/s ({name}, 1500 x 1500, best of 3)")
        flops = epoch_flops(net, 100, batches)
        achieved = flops / seconds
        print(f"SimpleConvNet epoch, 4,000 images, batch 100, {name}, one thread: {seconds:.2f} s, "
              f"{achieved / 1e9:.1f} GFLOP/s of products = {achieved / rate:.0%} of the matrix-product rate")
        ok &= achieved / rate >= 0.20
        rows.append({"measure": f"SimpleConvNet epoch, 4,000 images, batch 100, {name}, one thread",
                     "value": 100 * achieved / rate, "unit": "% of peak",
                     "against": f"numpy's {name} matrix-product rate on one thread in the same run"})
        # A batch costs the same whatever its digits, so the book's 60,000-image epoch is 15 of these.
        print(f"  an epoch of the full 60,000 images ({np.dtype(dtype).name}): about {15 * seconds:.0f} s; the "
              f"book's 20 epochs about {20 * 15 * seconds / 60:.0f} minutes")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((20, 1, 28, 28))
    W, b = rng.standard_normal((30, 1, 5, 5)), rng.standard_normal(30)
    layer = Convolution(W, b)
    fast = min(timed(lambda: layer.apply(x)) for _ in range(5))
    began = time.perf_counter()
    naive = convolve_naive(x, W, b)
    loops = time.perf_counter() - began
    worst = np.max(np.abs(layer.apply(x) - naive)) / np.max(np.abs(naive))
    print(f"convolution forward, 20 images, 30 filters of 5 x 5: im2col {fast * 1e3:.2f} ms, loops {loops:.2f} s: "
          f"{loops / fast:.0f}x; largest difference {worst:.1e}")
    ok &= loops / fast >= 100 and worst <= 1e-12
    rows.append({"measure": "convolution forward, 20 images, 30 filters of 5 x 5, im2col", "value": loops / fast,
                 "unit": "x", "against": "the four-loop definition"})
    target = "an epoch at >= 20% of the matrix-product rate in its dtype; im2col >= 100x the loops, equal to 1e-12"
    print(("targets met: " if ok else "TARGET MISSED: ") + target)
    record("bench_convnet", rows, target, ok)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
