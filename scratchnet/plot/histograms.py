"""Histograms of hidden-layer activations (how weight initialization shapes them)."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from scratchnet.plot.notebook import builder


@builder
def plot_activation_histograms(rows, bins=30, value_range=(0, 1), title=None, drop_zeros=False):
    """A grid: one row per setting, one column per hidden layer.

    ``rows`` maps a row label (e.g. ``"std 0.01, sigmoid"``) to a list of activation
    arrays, one per layer. Each panel is a histogram of all activations of that layer
    over ``value_range``, on one count axis per row (so a row's layers compare, as in the
    book's figures); activations piled at 0 and 1 mean vanishing gradients,
    activations all alike mean the layers express the same thing. ``drop_zeros`` leaves
    out exact zeros (the units a ReLU switched off), whose spike would flatten the rest.
    """
    if not rows:
        raise ValueError("rows: expected at least one setting, got none")
    for label, layers in rows.items():
        if not len(layers) or any(np.size(activations) == 0 for activations in layers):
            raise ValueError(f"rows[{label!r}]: expected a non-empty array of activations for each layer, got "
                             f"sizes {[int(np.size(a)) for a in layers]}")
    ncols = max(len(layers) for layers in rows.values())
    fig, axes = plt.subplots(len(rows), ncols, figsize=(2.6 * ncols, 2.1 * len(rows)), layout="constrained",
                             squeeze=False, sharex=True, sharey="row")
    for row, (label, layers) in zip(axes, rows.items(), strict=True):
        for number, (ax, activations) in enumerate(zip(row, layers, strict=False), start=1):
            values = np.ravel(activations)
            ax.hist(values[values != 0] if drop_zeros else values, bins=bins, range=value_range, color="#1f77b4")
            ax.set_title(f"layer {number}", fontsize=9)
        row[0].set_ylabel(f"{label}\ncount", fontsize=9)
        row[0].yaxis.set_major_locator(MaxNLocator(4))
    if title:
        fig.suptitle(title)
    return fig
