# %%
"""Chapter 8.1.1: the digits the deep network gets wrong, with their labels and its guesses.
=========================================================================================

Book: "Deep Learning from Scratch", section 8.1.1 (figure 8-2): DeepConvNet (six 3 x 3
convolutions, three poolings, two Affine layers, dropout) gets almost every test digit
right, and the ones it misses are hard even for a person. The weights ship with scratchnet,
made by scripts/train_deep_convnet.py on the embedded images (the book's took hours on
60,000 images and reach 0.9935; these, 0.972 on the embedded 1,000 test images).
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks.pretrained import load_deep_convnet
from scratchnet.plot.basics import plot_digits


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    _, (x_test, t_test) = load_mnist(flatten=False)
    network, info = load_deep_convnet()
    if run.quick:
        x_test, t_test = x_test[:300], t_test[:300]
    predicted = np.concatenate([network.predict(x_test[i:i + 100]).argmax(axis=1) for i in range(0, len(x_test), 100)])
    wrong = np.flatnonzero(predicted != t_test)
    run.log(f"  test accuracy {1 - len(wrong) / len(t_test):.4f} on {len(t_test)} images ({len(wrong)} wrong); "
            f"trained {info['epochs']} epochs, seed {info['seed']}")
    shown = wrong[:20] if len(wrong) else np.arange(1)
    fig = plot_digits(x_test[shown], t_test[shown], predicted=predicted[shown], ncols=10,
                      title=f"DeepConvNet: {len(shown)} of the {len(wrong)} test digits it gets wrong "
                            f"(of {len(t_test)}), label → guess")
    run.save(fig, "ch08_misclassified_mnist.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
