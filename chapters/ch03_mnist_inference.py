# %%
"""Chapter 3.6: recognizing MNIST digits with trained weights, one image at a time and in batches of 100.
======================================================================================================

Book: "Deep Learning from Scratch", section 3.6.2-3.6.3 (neural network inference and batch
processing): a 784-50-100-10 network with sigmoid hidden units and a softmax output, its
weights loaded from a file. The book's sample_weight.pkl (a pickle) reaches 0.9352 on the
10,000 test images; scratchnet never reads pickles, so it ships its own weights, trained by
scripts/train_sample_weights.py on the embedded images, as an .npz. The same predictions,
one image at a time and 100 at a time; the batch is faster because one matrix product
replaces a hundred.
"""

import time

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.functions import sigmoid, softmax
from scratchnet.networks.pretrained import load_sample_weights
from scratchnet.plot.basics import plot_digits


def predict(network, x):
    """The book's predict(): sigmoid, sigmoid, softmax. ``x`` is one image (784,) or a batch (N, 784)."""
    z1 = sigmoid(x @ network["W1"] + network["b1"])
    z2 = sigmoid(z1 @ network["W2"] + network["b2"])
    return softmax(z2 @ network["W3"] + network["b3"])


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    _, (x, t) = load_mnist(normalize=True, flatten=True, one_hot_label=False)
    network, info = load_sample_weights()
    began = time.perf_counter()
    single = np.array([np.argmax(predict(network, x[i])) for i in range(len(x))])
    one_at_a_time = time.perf_counter() - began
    began = time.perf_counter()
    batched = np.concatenate([np.argmax(predict(network, x[i:i + 100]), axis=1) for i in range(0, len(x), 100)])
    in_batches = time.perf_counter() - began
    run.log(f"  Accuracy:{np.mean(single == t)} ({len(x)} embedded test images; the shipped weights were trained "
            f"{info['epochs']} epochs, seed {info['seed']})")
    run.log(f"  batches of 100 give the same predictions: {bool(np.array_equal(single, batched))}; "
            f"{one_at_a_time * 1e3:.1f} ms one at a time, {in_batches * 1e3:.1f} ms in batches "
            f"(batches: {one_at_a_time / in_batches:.2g}x the speed of one at a time, on this machine now)")
    wrong = np.flatnonzero(single != t)[:20]
    title = (f"the shipped 784-50-100-10 sigmoid network ({np.mean(single == t):.3f} on {len(x)} test images): "
             "some digits it gets wrong (label → prediction)")
    run.save(plot_digits(x[wrong], t[wrong], predicted=single[wrong], title=title),
             "ch03_mnist_inference.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
