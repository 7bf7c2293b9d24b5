# %%
"""Chapter 5.7.3: gradient check of TwoLayerNet on 3 MNIST images (backprop vs central differences).
=================================================================================================

Book: "Deep Learning from Scratch", section 5.7.3 (gradient check). Backpropagation is
fast but easy to get wrong; the central difference is slow but obviously right. Their
agreement, parameter by parameter, is the evidence that backward() is correct.
Pass --naive to also run the book's one-entry-at-a-time loop (several seconds) and
compare it with the batched numerical gradient the library uses.
"""

import time

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.gradient import gradient_check
from scratchnet.networks import TwoLayerNet


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv,
                     flags={"--naive": "also run the book's loop and compare speed"})
    compare_naive = run.args.naive
    (x_train, t_train), _ = load_mnist(normalize=True, one_hot_label=True)
    x_batch, t_batch = x_train[:3], t_train[:3]
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=0)

    report = gradient_check(network, x_batch, t_batch)
    run.log(str(report))

    if compare_naive:
        began = time.perf_counter()
        fast = network.numerical_gradient(x_batch, t_batch)
        fast_time = time.perf_counter() - began
        began = time.perf_counter()
        naive = network.numerical_gradient_naive(x_batch, t_batch)
        naive_time = time.perf_counter() - began
        run.log(f"\nbatched numerical gradient {fast_time:.3f} s, textbook loop {naive_time:.2f} s "
                f"({naive_time / fast_time:.0f}x)")
        for key in network.params:
            worst = np.max(np.abs(fast[key] - naive[key])) / np.max(np.abs(naive[key]))
            run.log(f"  {key}: largest difference {worst:.1e} of the largest entry")
    if not report.passed:
        raise SystemExit("gradient check failed")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
