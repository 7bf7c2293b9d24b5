"""Training curves: loss per iteration, accuracy per epoch."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from scratchnet.plot.notebook import builder
from scratchnet.plot.style import HELD_OUT_STYLE, TRAIN_STYLE, accuracy_axis, color_for, linestyle_for


def moving_average(values, window):
    """Mean of each run of ``window`` consecutive values (``len - window + 1`` of them).

    ``window`` is clipped to ``len(values)``, so a short history still gives a curve.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values: expected a non-empty 1-D sequence, got shape {values.shape}")
    window = int(max(1, min(window, values.size)))
    cumulative = np.cumsum(np.insert(values, 0, 0.0))
    return (cumulative[window:] - cumulative[:-window]) / window


def centred_positions(count, size, window):
    """The iterations (1-based) at the centre of each window of ``moving_average``: no lag behind the raw curve.

    ``count`` losses, ``size`` averages of ``window`` (clipped like ``moving_average``):
    average ``k`` covers iterations ``k + 1 .. k + window`` and is drawn at their middle.
    """
    window = int(max(1, min(window, count)))
    return np.arange(size) + (window + 1) / 2


@builder
def plot_training_curves(loss_history, train_acc, test_acc, iterations_per_epoch, title=None,
                         smooth_window=None, first_epoch=0):
    """Two panels: the mini-batch loss per iteration, and train/test accuracy per epoch.

    ``loss_history`` has one loss per iteration; ``train_acc`` and ``test_acc`` one
    accuracy per epoch; ``first_epoch`` numbers the first of them (0: measured before
    training). The raw loss is drawn faintly with a
    moving average (``smooth_window`` iterations, default one epoch) over it.
    """
    loss_history = np.asarray(loss_history, dtype=float)
    train_acc, test_acc = np.asarray(train_acc, dtype=float), np.asarray(test_acc, dtype=float)
    if train_acc.shape != test_acc.shape:
        raise ValueError(f"test_acc: expected {train_acc.shape} values like train_acc, got {test_acc.shape}")
    if loss_history.ndim != 1 or loss_history.size == 0 or train_acc.ndim != 1 or train_acc.size == 0:
        raise ValueError(f"loss_history, train_acc: expected at least one loss and one accuracy each, got "
                         f"{loss_history.shape} and {train_acc.shape}")
    if int(iterations_per_epoch) != iterations_per_epoch or iterations_per_epoch < 1:
        raise ValueError(f"iterations_per_epoch: expected a whole number >= 1, got {iterations_per_epoch!r}")
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    iterations = np.arange(1, loss_history.size + 1)
    window = smooth_window or iterations_per_epoch
    smooth = moving_average(loss_history, window)
    ax_loss.plot(iterations, loss_history, color=TRAIN_STYLE["color"], alpha=0.25, lw=0.8, label="mini-batch loss")
    ax_loss.plot(centred_positions(loss_history.size, smooth.size, window), smooth, color=TRAIN_STYLE["color"], lw=2,
                 label=f"moving average ({min(window, loss_history.size)} iterations)")
    ax_loss.set_xlabel("iteration")
    ax_loss.set_xlim(1, max(loss_history.size, 2))  # the axis ends where the data does
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("training loss")
    ax_loss.legend(loc="upper right")
    ax_loss.grid(alpha=0.3)

    epochs = np.arange(len(train_acc)) + first_epoch
    few = len(epochs) <= 30  # markers help on short runs and clutter long ones
    ax_acc.plot(epochs, train_acc, marker="o" if few else None, ms=3, label="train", **TRAIN_STYLE)
    ax_acc.plot(epochs, test_acc, marker="s" if few else None, ms=3, label="test", **HELD_OUT_STYLE)
    ax_acc.set_xlabel("epoch")
    ax_acc.set_xlim(epochs[0], max(epochs[-1], epochs[0] + 1))
    ax_acc.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_acc.set_ylabel("accuracy")
    accuracy_axis(ax_acc)
    ax_acc.set_title(f"accuracy (final: train {train_acc[-1]:.3f}, test {test_acc[-1]:.3f})")
    ax_acc.legend(loc="lower right")
    ax_acc.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


@builder
def plot_history_comparison(histories, title=None, smooth_window=20, loss_ylim=None, show_train_acc=False,
                            log_loss=False, styles=None, accuracy_ylim=None):
    """Runs side by side: smoothed training loss per iteration, and accuracy per epoch.

    ``histories`` maps a label to a :class:`~scratchnet.training.History`. The loss is
    a moving average over ``smooth_window`` iterations (raw mini-batch losses are too
    noisy to compare), centred on its window; on a log axis with ``log_loss`` when
    losses span decades, or ``log_loss="both"``: a linear panel (``loss_ylim``, as the
    book draws it) and a log panel beside it. The last panel shows test accuracy, and
    train accuracy dashed when ``show_train_acc``; ``accuracy_ylim`` zooms it where
    curves bunch near the top.
    ``styles`` maps a label to a line style (default: the optimizer's, else solid); a
    dashed run is drawn over the solid ones, so two runs that coincide both show.
    """
    if not histories:
        raise ValueError("histories: expected at least one run, got none")
    both = log_loss == "both"
    fig, axes = plt.subplots(1, 3 if both else 2, figsize=(16.5 if both else 12, 4.5), layout="constrained")
    loss_axes, ax_acc = list(axes[:-1]), axes[-1]
    for index, (label, history) in enumerate(histories.items()):
        color, style = color_for(label, index), (styles or {}).get(label, linestyle_for(label))
        on_top = 3 if style != "-" else 2  # dashed curves over solid ones, so both show where they meet
        smooth = moving_average(history.train_loss, smooth_window)
        for ax_loss in loss_axes:
            ax_loss.plot(centred_positions(len(history.train_loss), smooth.size, smooth_window), smooth, color=color,
                         lw=1.8, label=label, linestyle=style, zorder=on_top)
        epochs = np.arange(len(history.test_acc))
        ax_acc.plot(epochs, history.test_acc, color=color, lw=1.8, label=f"{label} (test)", linestyle=style,
                    zorder=on_top)
        if show_train_acc:
            ax_acc.plot(epochs, history.train_acc, "--", color=color, lw=1.2, label=f"{label} (train)")
    for number, ax_loss in enumerate(loss_axes):
        logarithmic = (both and number == 1) or (log_loss and not both)
        ax_loss.set_xlabel("iteration")
        ax_loss.set_xlim(1, max(2, *(len(history.train_loss) for history in histories.values())))
        ax_loss.set_ylabel(f"training loss ({smooth_window}-iteration moving average"
                           + (", log scale)" if logarithmic else ")"))
        if logarithmic:
            ax_loss.set_yscale("log")
        elif loss_ylim:
            ax_loss.set_ylim(*loss_ylim)
        ax_loss.grid(alpha=0.3)
    loss_axes[0].legend()
    ax_acc.set_xlabel("epoch")
    ax_acc.set_xlim(0, max(max(len(history.test_acc) for history in histories.values()) - 1, 1))
    ax_acc.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_acc.set_ylabel("accuracy" if show_train_acc else "test accuracy")
    accuracy_axis(ax_acc)
    if accuracy_ylim:
        ax_acc.set_ylim(*accuracy_ylim)
        ax_acc.set_yticks(np.round(np.linspace(*accuracy_ylim, 6), 3))
        ax_acc.set_title(f"test accuracy, {accuracy_ylim[0]:g} to {accuracy_ylim[1]:g} (the first epochs lie below)",
                         fontsize=10)
    if show_train_acc:  # two styles per run to tell apart; otherwise the loss panel's legend names the colours
        ax_acc.legend(loc="lower right", fontsize=8)
    ax_acc.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


@builder
def plot_accuracy_panels(panels, ncols=4, title=None, styles=None):
    """One small panel per entry of ``panels`` (title -> {label: accuracies per epoch}).

    ``styles`` maps a label to matplotlib keyword arguments (color, linestyle, ...), so
    the same label looks the same in every panel; the legend is shown once.
    """
    if not panels:
        raise ValueError("panels: expected at least one panel, got none")
    styles = styles or {}
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.7 * nrows), layout="constrained",
                             squeeze=False, sharey=True)
    for ax, (panel_title, curves) in zip(axes.flat, panels.items(), strict=False):  # spare panels removed below
        for label, values in curves.items():
            ax.plot(np.arange(len(values)), values, label=label, **styles.get(label, {}))
        ax.set_title(panel_title, fontsize=9)
        accuracy_axis(ax)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(panels):]:
        ax.remove()
    for ax in axes[:, 0]:
        ax.set_ylabel("accuracy")
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    if title:
        fig.suptitle(title)
    return fig
