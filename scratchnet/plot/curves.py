"""Training curves: loss per iteration, accuracy per epoch."""

import matplotlib.pyplot as plt
import numpy as np


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
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    iterations = np.arange(1, loss_history.size + 1)
    window = smooth_window or iterations_per_epoch
    smooth = moving_average(loss_history, window)
    ax_loss.plot(iterations, loss_history, color="tab:blue", alpha=0.25, lw=0.8, label="mini-batch loss")
    ax_loss.plot(iterations[len(iterations) - smooth.size:], smooth, color="tab:blue", lw=2,
                 label=f"moving average ({min(window, loss_history.size)} iterations)")
    ax_loss.set_xlabel("iteration")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("training loss")
    ax_loss.legend(loc="upper right")
    ax_loss.grid(alpha=0.3)

    epochs = np.arange(len(train_acc)) + first_epoch
    few = len(epochs) <= 30  # markers help on short runs and clutter long ones
    ax_acc.plot(epochs, train_acc, "-", marker="o" if few else None, ms=3, label="train")
    ax_acc.plot(epochs, test_acc, "--", marker="s" if few else None, ms=3, label="test")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1.0)
    ax_acc.set_title(f"accuracy (final: train {train_acc[-1]:.3f}, test {test_acc[-1]:.3f})")
    ax_acc.legend(loc="lower right")
    ax_acc.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig
