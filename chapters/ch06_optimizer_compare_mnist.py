# %%
"""Chapter 6.1.8: SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam training a 5-layer ReLU net on MNIST.
=======================================================================================================

Book: "Deep Learning from Scratch", section 6.1.8 (comparing update methods on MNIST),
figure 6-9: a 784-100-100-100-100-10 ReLU network with He initialization, mini-batches
of 128, about 2,000 iterations, each optimizer at its default learning rate
(SGD, Momentum, Nesterov, AdaGrad, RMSprop 0.01; Adam 0.001). The same initial
weights and the same mini-batches for all six, so only the update rule differs.
"""

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import get_optimizer
from scratchnet.plot import plot_history_comparison
from scratchnet.training import RunsProgress, Trainer

OPTIMIZERS = ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam")


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), (x_test, t_test) = load_mnist()
    epochs = 2 if run.quick else 64  # 64 epochs of 32 batches: 2,048 iterations, as in the book
    histories, progress = {}, RunsProgress(len(OPTIMIZERS), epochs, "six optimizers")
    for name in OPTIMIZERS:
        network = MultiLayerNet(784, [100, 100, 100, 100], 10, weight_init_std="he", seed=0)
        trainer = Trainer(network, get_optimizer(name), x_train, t_train, x_test, t_test, epochs=epochs,
                          batch_size=128, seed=0, verbose=False, callbacks=[progress.run(name)])
        histories[name] = trainer.fit()
        run.log(f"  {name:<9} final loss {sum(histories[name].train_loss[-32:]) / 32:.4f}, "
                f"test accuracy {histories[name].test_acc[-1]:.4f}")
    progress.finish(f"six optimizers: {epochs} epochs each")
    # The book's figure 6-9 draws the loss on a linear axis from 0 to 1; the log panel beside it shows where the
    # losses go below that, and the accuracy panel is zoomed where the curves end up together.
    fig = plot_history_comparison(
        histories, smooth_window=32, log_loss="both", loss_ylim=(0, 1), accuracy_ylim=(0.85, 1.0),
        title=f"figure 6-9: six optimizers, 784-100-100-100-100-10 ReLU net, {len(x_train)} MNIST images, batch 128",
    )
    run.save(fig, "ch06_optimizer_compare_mnist.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
