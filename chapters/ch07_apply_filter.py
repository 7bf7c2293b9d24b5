# %%
"""Chapter 7.6.1: what learned filters respond to: a digit convolved with eight of them (figure 7-26).
===================================================================================================

Book: "Deep Learning from Scratch", section 7.6.1, which applies trained filters to a
photograph; here a test digit. Each response is the convolution of the digit with one
filter (no bias, as the book's apply_filter.py): light where the digit has the edge or blob
the filter looks like.
"""


from scratchnet.chapter import ChapterRun
from scratchnet.conv import Convolution
from scratchnet.datasets import load_mnist
from scratchnet.networks.pretrained import load_simple_convnet
from scratchnet.plot.filters import plot_filter_responses


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    _, (x_test, t_test) = load_mnist(flatten=False)
    network, _ = load_simple_convnet()
    digit = x_test[:1]
    filters = network.params["W1"][:8]
    responses = Convolution(filters, None).forward(digit)[0]
    run.log(f"  a {t_test[0]} through 8 filters: responses {responses.shape[1]} x {responses.shape[2]}, "
            f"from {responses.min():.2f} to {responses.max():.2f}")
    fig = plot_filter_responses(digit[0, 0], filters[:, 0], responses,
                                title=f"a test digit ({t_test[0]}) convolved with eight trained first-layer filters")
    run.save(fig, "ch07_apply_filter.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
