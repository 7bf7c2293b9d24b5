# %%
"""Chapter 1.6: matplotlib: sin and cos on one plot, and MNIST digits shown as images.
===================================================================================

Book: "Deep Learning from Scratch", section 1.6 (matplotlib), figure 1-3: sin and cos
over [0, 6) in steps of 0.1, cos dashed. The digits are those of section 3.6.1, shown here
with matplotlib instead of PIL: the first 20 test images of the embedded MNIST subset
with their labels.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.plot.basics import plot_digits, plot_lines


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    x = np.arange(0, 6, 0.1)
    fig = plot_lines(x, {"sin": np.sin(x), "cos": np.cos(x)}, title="sin & cos", styles={"cos": {"linestyle": "--"}})
    run.save(fig, "ch01_sin_cos.png")
    _, (x_test, t_test) = load_mnist(normalize=False)
    run.log(f"  first test labels: {t_test[:20].tolist()}; image shape {x_test[0].reshape(28, 28).shape}")
    run.save(plot_digits(x_test[:20], t_test[:20], title="MNIST test images and their labels"),
             "ch01_mnist_digits.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
