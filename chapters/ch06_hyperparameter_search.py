# %%
"""Chapter 6.5: random search for the learning rate and weight decay, judged on a validation set.
==============================================================================================

Book: "Deep Learning from Scratch", section 6.5 (hyperparameter validation), figure 6-24.
500 training images, shuffled, of which 20% become the validation set (the test set stays
untouched). 100 trials: lr = 10^U(-6, -2) and weight decay = 10^U(-8, -4), each training a
784-100x6-10 ReLU network with SGD for 50 epochs in batches of 100. The best 20 runs'
validation accuracy (orange, dashed) and training accuracy (blue, solid) are drawn, best first, and the
ranges of the best five are printed: where to search next, as the book does. A scatter
of every trial at its (lr, weight decay), coloured by validation accuracy, shows the same
region at a glance.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import SGD
from scratchnet.plot import plot_accuracy_panels, plot_search_scatter
from scratchnet.plot.style import data_style
from scratchnet.progress import ProgressBar
from scratchnet.training import Trainer

# Train blue and solid, validation orange and dashed, as in every figure (the book's 6-24 swaps them).
STYLES = {"validation": {**data_style("validation"), "lw": 1.6}, "train": {**data_style("train"), "lw": 1.2}}


def split_validation(x, t, rate, rng):
    """Shuffle, then hold out the first ``rate`` of the samples: ``(x_train, t_train), (x_val, t_val)``."""
    order = rng.permutation(len(x))
    x, t = x[order], t[order]
    count = int(len(x) * rate)
    return (x[count:], t[count:]), (x[:count], t[:count])


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_all, t_all), _ = load_mnist()
    rng = np.random.default_rng(0)
    (x_train, t_train), (x_val, t_val) = split_validation(x_all[:500], t_all[:500], 0.20, rng)
    trials, epochs = (6, 3) if run.quick else (100, 50)
    results = []
    bar = ProgressBar(trials, "random search")  # minutes of training: a terminal or a notebook shows where it is
    for trial in range(trials):
        weight_decay, lr = 10 ** rng.uniform(-8, -4), 10 ** rng.uniform(-6, -2)
        network = MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=weight_decay, seed=trial)
        history = Trainer(network, SGD(lr=lr), x_train, t_train, x_val, t_val, epochs=epochs, batch_size=100,
                          seed=trial, verbose=False).fit()
        results.append((history.test_acc[-1], lr, weight_decay, history))
        bar.update(trial + 1, f"trial {trial + 1} of {trials}: validation accuracy {history.test_acc[-1]:.2f}")
    bar.finish(f"random search: {trials} trials of {epochs} epochs")
    results.sort(key=lambda result: result[0], reverse=True)
    for rank, (accuracy, lr, weight_decay, _) in enumerate(results[:5], 1):
        run.log(f"  best {rank}: validation accuracy {accuracy:.2f} | lr {lr:.3g}, weight decay {weight_decay:.3g}")
    top = results[:5]
    run.log(f"  the best five: lr from {min(r[1] for r in top):.2g} to {max(r[1] for r in top):.2g}, weight decay "
            f"from {min(r[2] for r in top):.2g} to {max(r[2] for r in top):.2g}")
    panels = {f"best {rank}: validation {accuracy:.2f}\nlr {lr:.2g}, weight decay {wd:.2g}":
              {"validation": h.test_acc, "train": h.train_acc}
              for rank, (accuracy, lr, wd, h) in enumerate(results[:20], 1)}
    fig = plot_accuracy_panels(panels, ncols=5, styles=STYLES,
                               title=f"figure 6-24: random search, {trials} trials, the best 20 by validation accuracy "
                                     f"({len(x_train)} training, {len(x_val)} validation images)")
    run.save(fig, "ch06_hyperparameter_search.png")
    scores, lrs, decays = (np.array([result[k] for result in results]) for k in range(3))
    run.save(plot_search_scatter(lrs, decays, scores,
                                 title=f"{trials} trials, each at its learning rate and weight decay: "
                                       "where to search next"),
             "ch06_hyperparameter_scatter.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
