"""Loss grids: the fast exact evaluator against the naive per-point loop, in one run.

1. Figure 1's grid: 40 x 40 over W3[250, 5], W3[251, 5] of the 784-50-500-10 sigmoid
   network, N = 10,000 images: the 4,000 embedded training images repeated 2.5 times
   (the figure's size of data set; the repeats cost the same as new images). Target: under 1 s, and at
   least 100 times faster than the naive loop.
2. A 51 x 51 filter-normalized random plane of a 784-128-10 ReLU network over 10,000
   images (the same tiled set). Target: at least 7 times faster than the naive loop.

The naive loop (set the parameters, run the network over all images, per point) takes
minutes, so by default it is timed on a sample of grid points spread over the grid,
and its time per point is multiplied by the grid size; --full runs it on every point.
Either way the fast values are checked against the naive ones where both exist.

    python benchmarks/bench_landscape.py [--full] [--sample 24]
"""

import argparse
import time

import numpy as np

from scratchnet.datasets import load_mnist
from scratchnet.landscape import loss_grid, loss_grid_naive, params_to_vector, random_direction
from scratchnet.networks import MultiLayerNet, build_network


def tiled_mnist(n=10000):
    (x, t), _ = load_mnist(one_hot_label=True)
    repeats = -(-n // len(x))
    return np.tile(x, (repeats, 1))[:n], np.tile(t, (repeats, 1))[:n]


def compare(label, network, x, t, center, d1, d2, alphas, betas, full, sample):
    began = time.perf_counter()
    fast = loss_grid(network, x, t, center, d1, d2, alphas, betas)
    fast_time = time.perf_counter() - began
    points = [(j, i) for j in range(len(betas)) for i in range(len(alphas))]
    if not full:
        chosen = np.linspace(0, len(points) - 1, sample).round().astype(int)
        points = [points[k] for k in chosen]
    began = time.perf_counter()
    naive = [loss_grid_naive(network, x, t, center, d1, d2, [alphas[i]], [betas[j]])[0, 0] for j, i in points]
    per_point = (time.perf_counter() - began) / len(points)
    naive_time = per_point * alphas.size * betas.size
    worst = max(abs(fast[j, i] - value) / abs(value) for (j, i), value in zip(points, naive, strict=True))
    how = "measured on every point" if full else f"{per_point * 1e3:.0f} ms per point on {len(points)} points x grid"
    print(f"{label}")
    print(f"  fast   {fast_time:8.3f} s")
    print(f"  naive  {naive_time:8.1f} s ({how})")
    print(f"  speed-up {naive_time / fast_time:8.0f}x, largest relative difference {worst:.1e}")
    return fast_time, naive_time / fast_time, worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run the naive loop on every grid point (minutes)")
    parser.add_argument("--sample", type=int, default=24, help="grid points timed for the naive loop")
    args = parser.parse_args()
    x, t = tiled_mnist()

    network = build_network([784, 50, 500, 10], activation="sigmoid", weight_init_std=1.0, use_bias=False,
                            output_activation="sigmoid", loss="squared", squared_factor=1.0, seed=0)
    center = params_to_vector(network.params)
    offset = network.params["W1"].size + network.params["W2"].size
    d1, d2 = np.zeros_like(center), np.zeros_like(center)
    d1[offset + 250 * 10 + 5] = d2[offset + 251 * 10 + 5] = 1.0
    center[offset + 250 * 10 + 5] = center[offset + 251 * 10 + 5] = 0.0
    seconds, ratio, worst = compare("1. two weights, 40 x 40, 784-50-500-10 sigmoid, 10,000 images (4,000 embedded, tiled)", network, x, t,
                                    center, d1, d2, np.linspace(-15, 17, 40), np.linspace(-15, 18, 40),
                                    args.full, args.sample)
    ok = seconds < 1 and ratio >= 100 and worst <= 1e-10

    network = MultiLayerNet(784, [128], 10, weight_init_std="he", seed=0)
    center = params_to_vector(network.params)
    rng = np.random.default_rng(0)
    d1, d2 = random_direction(network, rng), random_direction(network, rng)
    labels = t.argmax(axis=1)
    grid = np.linspace(-1, 1, 51)
    _, ratio, worst = compare("2. filter-normalized random plane, 51 x 51, 784-128-10 ReLU, 10,000 images (tiled)", network,
                              x, labels, center, d1, d2, grid, grid, args.full, args.sample)
    ok &= ratio >= 7 and worst <= 1e-10
    print("targets met (1: < 1 s and >= 100x; 2: >= 7x; both equal to 1e-10)" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
