"""Curvature along training: the sharpness against the 2 / step-size line, with the loss above it."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from scratchnet.plot.notebook import builder
from scratchnet.plot.style import FALLBACK_COLORS


@builder
def plot_sharpness(runs, title=None):
    r"""The loss (top, log scale) and the sharpness (bottom) against the iteration, one colour per run.

    ``runs`` maps a label to ``{"lr": step size, "iterations": (n,), "loss": (n,),
    "sharpness_iterations": (m,), "sharpness": (m,)}``. Each run's :math:`2/\eta` is drawn
    dashed in its colour: gradient descent on a quadratic diverges along any direction
    whose curvature exceeds it, so the sharpness meeting that line is the edge of stability.
    """
    if not runs:
        raise ValueError("runs: expected at least one run, got none")
    fig, (ax_loss, ax_sharp) = plt.subplots(2, 1, figsize=(10, 7.5), layout="constrained", sharex=True,
                                            gridspec_kw={"height_ratios": [1, 1.4]})
    for index, (label, run) in enumerate(runs.items()):
        color = FALLBACK_COLORS[index % len(FALLBACK_COLORS)]
        ax_loss.plot(run["iterations"], run["loss"], color=color, lw=1.5, label=label)
        ax_sharp.plot(run["sharpness_iterations"], run["sharpness"], "-o", color=color, lw=1.8, ms=3, label=label)
        limit = 2 / run["lr"]
        ax_sharp.axhline(limit, color=color, linestyle="--", lw=1.2, label=f"2/η = {limit:g}")
    ax_loss.set_yscale("log")
    ax_loss.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))  # 0.05, 0.1, 0.2, 0.5: labelled, apart
    ax_loss.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))  # not 2 x 10^-1
    ax_loss.yaxis.set_minor_formatter(NullFormatter())
    ax_loss.set_ylabel("training loss (log scale)")
    ax_loss.legend(fontsize=9)
    ax_loss.grid(alpha=0.3, which="both")
    top = max(max(2 / run["lr"] for run in runs.values()), max(np.max(run["sharpness"]) for run in runs.values()))
    ax_sharp.set_ylim(0, 1.12 * top)
    ax_sharp.set_xlabel("iteration (full-batch gradient descent)")
    ax_sharp.set_ylabel("sharpness: the Hessian's largest eigenvalue")
    ax_sharp.legend(ncols=2, fontsize=9, loc="upper left")  # each run beside its own 2/η
    ax_sharp.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig
