"""Numerical gradient of TwoLayerNet(784, 50, 10): scratchnet's against the textbook loop, in one run.

The textbook loop sets one entry, calls ``network.loss``, restores it: 2 x 39,760 losses.
scratchnet's computes the same central differences from the network's structure
(``scratchnet/networks/rank_one.py``). Both are timed here, on 3 and on 100 MNIST images,
and must agree to 1e-9 of the largest entry (entries whose true gradient is 0 are held
to the rounding floor eps * loss / h instead). Then the book's chapter-4 training
(TwoLayerNet with sigmoid, batch 100, lr 0.1) by numerical gradient: a few hundred
iterations are timed and the book's 10,000 projected from them, against the textbook
loop's gradient of a batch of 100 (timed above) times 10,000. Target: at least 100 times
faster (minutes, where the loop would take days).

    python benchmarks/bench_numerical_gradient.py [--iterations 200]
"""

import argparse
import time

import numpy as np
from rates import record  # benchmarks/rates.py, beside this script

from scratchnet.blas import blas_description
from scratchnet.datasets import load_mnist
from scratchnet.networks import TwoLayerNet
from scratchnet.optimizers import SGD
from scratchnet.training import Trainer


def best_time(function, repeats):
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return min(times), result


def differences(network, x, t, fast, naive, h=1e-4):
    """``(worst, within)``: the largest difference as a share of the largest entry, and whether every entry is
    within 1e-9 of the largest entry or, where that is smaller, the rounding floor ``100 eps * loss / h``."""
    floor = 100 * np.finfo(float).eps * network.evaluate_loss(x, t, train=True) / h
    largest = max(np.max(np.abs(array)) for array in naive.values())
    worst = max(np.max(np.abs(fast[key] - naive[key])) for key in naive)
    return worst / largest, worst <= max(1e-9 * largest, floor)


def compare(network, x, t, label, loop_repeats, fast_repeats):
    loop_time, naive = best_time(lambda: network.numerical_gradient_naive(x, t), loop_repeats)
    fast_time, fast = best_time(lambda: network.numerical_gradient(x, t), fast_repeats)
    backprop_time, _ = best_time(lambda: network.gradient(x, t), 50)
    worst, within = differences(network, x, t, fast, naive)
    print(f"  {label}: textbook loop {loop_time:7.2f} s, scratchnet {fast_time * 1e3:7.1f} ms: "
          f"{loop_time / fast_time:6.0f}x faster; backprop {backprop_time * 1e3:.2f} ms; "
          f"largest difference {worst:.1e} of the largest entry")
    return loop_time / fast_time, within, loop_time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200, help="training iterations timed (default 200)")
    args = parser.parse_args()
    print(blas_description())
    (x_train, t_train), (x_test, t_test) = load_mnist(one_hot_label=True)
    ok, rows = True, []
    for activation in ("relu", "sigmoid"):
        network = TwoLayerNet(784, 50, 10, seed=0, activation=activation)
        print(f"TwoLayerNet(784, 50, 10, activation={activation!r}): 39,760 parameters, 79,520 losses by the loop")
        ratio3, within3, _ = compare(network, x_train[:3], t_train[:3], "batch   3", 1, 10)
        ratio100, within100, loop100 = compare(network, x_train[:100], t_train[:100], "batch 100", 1, 5)
        rows += [{"measure": f"numerical gradient of TwoLayerNet(784, 50, 10), {activation}, batch {batch}",
                  "value": ratio, "unit": "x", "against": "the book's loop over every parameter"}
                 for batch, ratio in ((3, ratio3), (100, ratio100))]
        ok &= ratio3 >= 100 and within3 and within100

    network = TwoLayerNet(784, 50, 10, weight_init_std=0.01, seed=0, activation="sigmoid")
    epochs = max(1, args.iterations // 40)
    trainer = Trainer(network, SGD(lr=0.1), x_train, t_train, x_test, t_test, epochs=epochs, batch_size=100, seed=0,
                      verbose=False, gradient="numerical")
    began = time.perf_counter()
    trainer.fit()
    seconds = time.perf_counter() - began
    per_iteration = seconds / trainer.iteration
    print(f"the book's chapter-4 training by numerical gradient (sigmoid, batch 100, lr 0.1): {trainer.iteration} "
          f"iterations in {seconds:.1f} s, {per_iteration * 1e3:.0f} ms each with the accuracy measurements; "
          f"test accuracy {trainer.history.test_acc[-1]:.3f}")
    speed_up = loop100 / per_iteration  # loop100: the sigmoid network's, the last one compared above
    print(f"  the book's 10,000 iterations: about {per_iteration * 10000 / 60:.1f} minutes; by the textbook loop "
          f"about {loop100 * 10000 / 3600:.0f} hours: {speed_up:.0f}x faster, accuracy measurements included")
    ok &= speed_up >= 100
    rows.append({"measure": "the book's chapter-4 training by numerical gradient, an iteration", "value": speed_up,
                 "unit": "x", "against": "the book's loop (accuracy measurements included)"})
    record("bench_numerical_gradient", rows, "batch 3 and the book's training >= 100x the loop; equal to 1e-9", ok)
    print("targets met (batch 3: >= 100x the loop; equal to 1e-9; the book's training >= 100x the loop)" if ok
          else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
