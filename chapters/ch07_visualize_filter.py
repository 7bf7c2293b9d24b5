# %%
"""Chapter 7.6.1: the 30 first-layer filters of SimpleConvNet, before and after training (figure 7-24).
====================================================================================================

Book: "Deep Learning from Scratch", section 7.6.1. Before training the 5 x 5 filters are
random noise; after training (the shipped weights, made by scripts/train_simple_convnet.py:
Adam, 20 epochs on the embedded images) many show blobs and edges of one orientation: what
they respond to in a digit (see ch07_apply_filter).
"""

from scratchnet.chapter import ChapterRun
from scratchnet.networks import SimpleConvNet
from scratchnet.networks.pretrained import load_simple_convnet
from scratchnet.plot.filters import plot_filters


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    before = SimpleConvNet(seed=0).params["W1"]
    trained, info = load_simple_convnet()
    run.log(f"  the trained network reaches {info['test_accuracy']:.4f} on the embedded test images "
            f"({info['epochs']} epochs, seed {info['seed']})")
    fig = plot_filters({"before training": before, "after training": trained.params["W1"]},
                       title="SimpleConvNet's 30 first-layer filters (5 x 5): before and after training")
    run.save(fig, "ch07_visualize_filter.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
