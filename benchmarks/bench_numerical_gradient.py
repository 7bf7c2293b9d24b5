"""Numerical gradient of TwoLayerNet(784, 50, 10) on 3 MNIST images: batched vs the textbook loop.

Both are timed in this one run on this machine, so the ratio is meaningful even where
absolute times are not. Also shows backprop on a batch of 100 beside them, and checks
that the two numerical gradients agree to 1e-9 of their largest entry.

    python benchmarks/bench_numerical_gradient.py
"""

import time

import numpy as np

from scratchnet.datasets import load_mnist
from scratchnet.networks import TwoLayerNet


def best_time(function, repeats):
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return min(times), result


def main():
    (x_train, t_train), _ = load_mnist(one_hot_label=True)
    network = TwoLayerNet(784, 50, 10, seed=0)
    x3, t3 = x_train[:3], t_train[:3]
    x100, t100 = x_train[:100], t_train[:100]
    entries = sum(p.size for p in network.params.values())

    naive_time, naive = best_time(lambda: network.numerical_gradient_naive(x3, t3), repeats=1)
    fast_time, fast = best_time(lambda: network.numerical_gradient(x3, t3), repeats=5)
    backprop3_time, _ = best_time(lambda: network.gradient(x3, t3), repeats=50)
    backprop100_time, _ = best_time(lambda: network.gradient(x100, t100), repeats=50)
    worst = max(np.max(np.abs(fast[k] - naive[k])) / np.max(np.abs(naive[k])) for k in naive)

    print(f"TwoLayerNet(784, 50, 10): {entries} parameters, central differences need {2 * entries} losses")
    print(f"  textbook loop, batch 3      {naive_time:9.3f} s")
    print(f"  batched numerical, batch 3  {fast_time:9.3f} s   {naive_time / fast_time:6.1f}x faster (target >= 20x)")
    print(f"  backprop, batch 3           {backprop3_time * 1e3:9.3f} ms  "
          f"{naive_time / backprop3_time:8.0f}x faster than the loop")
    print(f"  backprop, batch 100         {backprop100_time * 1e3:9.3f} ms  "
          f"{fast_time / backprop100_time:6.0f}x faster than batched numerical on 3")
    print(f"  largest difference batched vs loop: {worst:.1e} of the largest entry (target <= 1e-9)")
    ok = naive_time / fast_time >= 20 and worst <= 1e-9
    print("  targets met" if ok else "  TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
