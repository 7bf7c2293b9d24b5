# %%
"""Chapter 6.3: batch normalization on vs off, for 16 initial weight scales.
=========================================================================

Book: "Deep Learning from Scratch", section 6.3.2, figure 6-19: a 6-layer ReLU network
(five hidden layers of 100) trained on 1,000 MNIST images with SGD (lr 0.01, batch
100), with and without batch normalization, from weights of standard deviation
10^0 ... 10^-4. Without it, most scales learn slowly or not at all; with it, almost
every scale learns fast. Batch normalization makes training robust to initialization.
A summary draws each run's final accuracy against its weight scale.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import SGD
from scratchnet.plot import plot_accuracy_panels, plot_summaries
from scratchnet.training import RunsProgress, Trainer, TrainingDivergedError

STYLES = {"with batch norm": {"color": "#1f77b4", "lw": 2},
          "without": {"color": "#7f7f7f", "lw": 1.5, "linestyle": "--"}}


def train_accuracy(weight_scale, use_batchnorm, data, epochs, progress):
    """Training accuracy per epoch, and whether the loss overflowed.

    After an overflow every output is NaN, and NaN's argmax is class 0: from there the
    book's code (which trains on) scores the share of zeros among the labels, a flat line
    near 0.10 in its figure. The curve is continued so, as the book draws it.
    """
    x_train, t_train, x_test, t_test = data
    network = MultiLayerNet(784, [100] * 5, 10, weight_init_std=weight_scale, use_batchnorm=use_batchnorm, seed=0)
    trainer = Trainer(network, SGD(lr=0.01), x_train, t_train, x_test, t_test, epochs=epochs, batch_size=100,
                      seed=0, verbose=False, callbacks=[progress.run(f"std {weight_scale:.2g}, "
                                                                      f"{'with' if use_batchnorm else 'without'} BN")])
    try:
        return trainer.fit().train_acc, False
    except TrainingDivergedError:  # weights of std 1 over six layers: activations overflow
        measured = list(trainer.history.train_acc)
        return measured + [float(np.mean(t_train == 0))] * (epochs + 1 - len(measured)), True


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), (x_test, t_test) = load_mnist()
    data = (x_train[:1000], t_train[:1000], x_test, t_test)
    scales = np.logspace(0, -4, 4 if run.quick else 16)
    epochs = 2 if run.quick else 20
    panels, progress = {}, RunsProgress(2 * len(scales), epochs, "with and without batch norm")
    for scale in scales:
        with_bn, diverged_with = train_accuracy(scale, True, data, epochs, progress)
        without, diverged_without = train_accuracy(scale, False, data, epochs, progress)
        notes = [f"{name} diverged" for name, flag in (("BN", diverged_with), ("plain", diverged_without)) if flag]
        panels[f"weight std {scale:.2g}" + (f" ({', '.join(notes)})" if notes else "")] = {
            "with batch norm": with_bn, "without": without}
        run.log(f"  std {scale:<8.2g} train accuracy with BN {with_bn[-1]:.3f}, without {without[-1]:.3f}"
                + (f" ({', '.join(notes)})" if notes else ""))
    progress.finish(f"with and without batch norm: {2 * len(scales)} runs of {epochs} epochs")
    fig = plot_accuracy_panels(panels, ncols=4, styles=STYLES,
                               title="figure 6-19: training accuracy on 1,000 MNIST images, with and without batch "
                                     "normalization, by initial weight scale\n(a diverged run is drawn flat at the "
                                     "share of zeros among the labels, as the book's code scores its NaN outputs)")
    run.save(fig, "ch06_batch_norm.png")
    finals = {label: (scales, [curves[label][-1] for curves in panels.values()]) for label in STYLES}
    run.save(plot_summaries({"final training accuracy by initial weight scale": finals}, "initial weight std",
                            "training accuracy after the last epoch", log_x=True, styles=STYLES, ylim=(0, 1.03),
                            title="the 16 panels of figure 6-19 in one: batch norm learns from almost every scale"),
             "ch06_batch_norm_summary.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
