# %%
"""Chapter 6.4: overfitting on 300 images, and two cures: weight decay and dropout.
================================================================================

Book: "Deep Learning from Scratch", section 6.4, figures 6-20 to 6-23. A 7-layer ReLU
network (six hidden layers of 100) trained on only 300 MNIST images soon fits them
perfectly while test accuracy stalls far lower: overfitting. Weight decay
(lambda = 0.1) and dropout (ratio 0.2) both narrow the gap between train and test.
SGD, lr 0.01, batch 100; 200 epochs, and 301 for dropout, which learns slower (as the book).

Differs from the book: scratchnet's Dropout is inverted (it scales by 1/(1 - ratio) while
training and does nothing at test time; the book scales by 1 - ratio at test time). Both
give the same expected activations, but training takes a different path, so the dropout
panel's curves are not the book's curves point for point; what they show (a smaller
train-test gap than without regularization) is the same.
"""

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import SGD
from scratchnet.plot import plot_accuracy_panels
from scratchnet.plot.style import data_style
from scratchnet.training import RunsProgress, Trainer

SETTINGS = {
    "no regularization": {},
    "weight decay (lambda 0.1)": {"weight_decay_lambda": 0.1},
    "dropout (ratio 0.2)": {"use_dropout": True, "dropout_ratio": 0.2},
}
EPOCHS = {"no regularization": 200, "weight decay (lambda 0.1)": 200, "dropout (ratio 0.2)": 301}  # the book's
STYLES = {"train": {**data_style("train"), "lw": 1.8}, "test": {**data_style("test"), "lw": 1.8}}  # as everywhere


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), (x_test, t_test) = load_mnist()
    epochs = {label: 3 if run.quick else count for label, count in EPOCHS.items()}
    panels, progress = {}, RunsProgress(len(SETTINGS), list(epochs.values()), "three settings")
    for label, options in SETTINGS.items():
        network = MultiLayerNet(784, [100] * 6, 10, seed=0, **options)
        history = Trainer(network, SGD(lr=0.01), x_train[:300], t_train[:300], x_test, t_test, epochs=epochs[label],
                          batch_size=100, seed=0, verbose=False, callbacks=[progress.run(label)]).fit()
        panels[label] = {"train": history.train_acc, "test": history.test_acc}
        run.log(f"  {label:<26} train {history.train_acc[-1]:.3f}, test {history.test_acc[-1]:.3f}, "
                f"gap {history.train_acc[-1] - history.test_acc[-1]:.3f}")
    progress.finish(f"three settings: {sum(epochs.values())} epochs")
    fig = plot_accuracy_panels(panels, ncols=3, styles=STYLES,
                               title="figures 6-20, 6-21 and 6-23: 300 training images, train vs test accuracy "
                                     "(the gap is overfitting)")
    run.save(fig, "ch06_overfitting.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
