"""Chapter 7's figures of a convolution's first layer: its filters as images, and what they respond to."""

import matplotlib.pyplot as plt
import numpy as np

from scratchnet.plot.notebook import builder


def _image(ax, values, title=None, cmap="gray_r"):
    ax.imshow(values, cmap=cmap, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=8)


@builder
def plot_filters(banks, ncols=10, title=None):
    """Each filter bank (title -> ``(FN, C, FH, FW)``; the first channel drawn) as a grid of small images.

    Filters are drawn in gray, dark where the weight is large (the book's figure 7-24).
    """
    if not banks or any(len(bank) == 0 for bank in banks.values()):
        raise ValueError(f"banks: expected at least one filter bank, each with at least one filter, got "
                         f"{ {name: np.shape(bank) for name, bank in (banks or {}).items()} }")
    count = max(len(bank) for bank in banks.values())
    rows_each = -(-count // ncols)
    fig, axes = plt.subplots(rows_each * len(banks), ncols, squeeze=False, layout="constrained",
                             figsize=(1.1 * ncols, 1.25 * rows_each * len(banks) + 0.6))
    for block, (bank_title, bank) in enumerate(banks.items()):
        bank = np.asarray(bank)
        if bank.ndim != 4:
            raise ValueError(f"banks[{bank_title!r}]: expected filters (FN, C, FH, FW), got shape {bank.shape}")
        for k in range(rows_each * ncols):
            ax = axes[block * rows_each + k // ncols, k % ncols]
            if k < len(bank):
                _image(ax, bank[k, 0], f"{k}" if k else f"{bank_title}: 0")
            else:
                ax.axis("off")
    if title:
        fig.suptitle(title)
    return fig


@builder
def plot_filter_responses(image, filters, responses, title=None):
    """A digit, then each filter ``(K, FH, FW)`` above its response ``(K, OH, OW)`` to the digit (figure 7-26)."""
    filters, responses = np.asarray(filters), np.asarray(responses)
    if len(filters) != len(responses):
        raise ValueError(f"responses: expected one per filter ({len(filters)}), got {len(responses)}")
    fig, axes = plt.subplots(2, len(filters) + 1, figsize=(1.6 * (len(filters) + 1), 3.6), layout="constrained",
                             squeeze=False)
    _image(axes[0, 0], np.asarray(image).reshape(28, 28), "the input")
    axes[1, 0].axis("off")
    for k, (kernel, response) in enumerate(zip(filters, responses, strict=True), 1):
        _image(axes[0, k], kernel, f"filter {k - 1}")
        _image(axes[1, k], response, "its response")  # gray_r like the filters (as the book): dark = large
    if title:
        fig.suptitle(title)
    return fig
