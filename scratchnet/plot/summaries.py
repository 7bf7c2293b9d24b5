"""One picture for many runs: a random search as a scatter, and a final number per setting as lines."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from scratchnet.plot.notebook import builder
from scratchnet.plot.style import FALLBACK_COLORS


@builder
def plot_search_scatter(lrs, weight_decays, scores, best=5, title=None, score_label="validation accuracy"):
    """Each trial of a random search at (learning rate, weight decay), coloured by its score; the ``best`` ringed.

    Both axes are logarithmic, as the search draws them (10^U(a, b)). Where the good
    colours gather is where to search next (the book's section 6.5.3).
    """
    lrs, weight_decays, scores = (np.asarray(values, dtype=float) for values in (lrs, weight_decays, scores))
    if not (lrs.shape == weight_decays.shape == scores.shape) or lrs.ndim != 1 or lrs.size == 0:
        raise ValueError(f"lrs, weight_decays, scores: expected one value per trial each, got shapes "
                         f"{lrs.shape}, {weight_decays.shape}, {scores.shape}")
    fig, ax = plt.subplots(figsize=(7.4, 5.6), layout="constrained")
    points = ax.scatter(lrs, weight_decays, c=scores, cmap="viridis", s=42, edgecolor="0.3", linewidth=0.5)
    top = np.argsort(scores)[::-1][:best]
    ax.scatter(lrs[top], weight_decays[top], s=190, facecolor="none", edgecolor="#d62728", linewidth=2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("weight decay (log scale)")
    fig.colorbar(points, ax=ax, label=score_label)
    ax.grid(alpha=0.3, which="major")
    ax.set_title(f"{title or f'{lrs.size} trials: where the {score_label} is high'}\n"
                 f"(red rings: the best {len(top)})", fontsize=10)
    return fig


@builder
def plot_summaries(panels, xlabel, ylabel, log_x=False, title=None, styles=None, ylim=None, log_y=False):
    """One number per setting, as lines: ``panels`` maps a panel title to ``{label: (x, y)}``.

    ``styles`` maps a label to matplotlib keyword arguments (the same label looks the same
    in every panel); ``log_x`` for settings spread over decades, ``log_y`` for values that
    are; ``ylim`` fixes the y range of every panel (accuracies: 0 to 1).
    """
    if not panels:
        raise ValueError("panels: expected at least one panel, got none")
    fig, axes = plt.subplots(1, len(panels), figsize=(5.8 * len(panels), 4.4), layout="constrained", squeeze=False)
    for ax, (panel_title, series) in zip(axes[0], panels.items(), strict=True):
        for index, (label, (x, y)) in enumerate(series.items()):
            style = {"color": FALLBACK_COLORS[index % len(FALLBACK_COLORS)], "marker": "o", "ms": 4, "lw": 1.8,
                     **(styles or {}).get(label, {})}
            ax.plot(x, y, label=label, **style)
        if log_x:
            ax.set_xscale("log")
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if log_y:
            ax.set_yscale("log")
        if ylim:
            ax.set_ylim(*ylim)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel + (" (log scale)" if log_y else ""))
        ax.set_title(panel_title, fontsize=10)
        ax.grid(alpha=0.3, which="both" if log_x else "major")
        ax.legend(fontsize=9)
    if title:
        fig.suptitle(title)
    return fig
