# %%
"""Chapter 8.3.4: the deep network's accuracy with its weights in float64, float32 and float16.
============================================================================================

Book: "Deep Learning from Scratch", section 8.3.4 (bit precision): deep learning needs few
bits; the book's half_float_network.py keeps the accuracy (0.9935) with 16-bit weights. Here
the shipped DeepConvNet, its weights and the images rounded to what each type can hold, on the
embedded test images. (The arithmetic stays float64: numpy has no fast float16 matrix product,
and the question is what the stored numbers lose.)
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks.pretrained import load_deep_convnet


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    _, (x_test, t_test) = load_mnist(flatten=False)
    if run.quick:
        x_test, t_test = x_test[:300], t_test[:300]
    network, _ = load_deep_convnet()
    original = {key: array.copy() for key, array in network.params.items()}
    for dtype in (np.float64, np.float32, np.float16):
        for key, array in network.params.items():
            array[...] = original[key].astype(dtype)  # the values a dtype can hold, computed in float64
        accuracy = network.accuracy(x_test.astype(dtype).astype(np.float64), t_test)
        run.log(f"  weights and images in {np.dtype(dtype).name}: accuracy {accuracy:.4f}")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
