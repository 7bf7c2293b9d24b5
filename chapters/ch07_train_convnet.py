# %%
"""Chapter 7.5: SimpleConvNet (conv 30 x 5x5 - ReLU - pool - affine 100 - ReLU - affine 10) trained on MNIST.
==========================================================================================================

Book: "Deep Learning from Scratch", section 7.5 (implementing a CNN), ch07/train_convnet.py:
Adam with lr 0.001, batch 100, 20 epochs, weights N(0, 0.01^2). The book trains on all
60,000 images and reaches about 0.989 test accuracy; here, on the embedded 4,000-image
subset, an epoch is 40 iterations (about 2 s on 2 cores) and 20 epochs reach about 0.96.
With --data full the full data set is used (downloaded once, by load_mnist(download=True)).
"""

import time

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks import SimpleConvNet
from scratchnet.optimizers import Adam
from scratchnet.plot import plot_training_curves
from scratchnet.training import Trainer


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv, options={"--data": {
        "choices": ["embedded", "full"], "default": "embedded",
        "help": "embedded: the 4,000 images in the package; full: all 60,000 (downloaded once)"}})
    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False, download=run.args.data == "full")
    epochs = 2 if run.quick else 20
    if run.quick:
        x_train, t_train, x_test, t_test = x_train[:1000], t_train[:1000], x_test[:300], t_test[:300]
    network = SimpleConvNet(input_dim=(1, 28, 28),
                            conv_param={"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1},
                            hidden_size=100, output_size=10, weight_init_std=0.01, seed=0)
    trainer = Trainer(network, Adam(lr=0.001), x_train, t_train, x_test, t_test, epochs=epochs, batch_size=100,
                      seed=0)
    began = time.perf_counter()
    history = trainer.fit()
    seconds = time.perf_counter() - began
    for epoch in range(1, epochs + 1):
        if epoch % 5 == 0 or epoch == epochs or run.quick:
            run.log(f"  epoch {epoch:2d}: train acc {history.train_acc[epoch]:.4f}, "
                    f"test acc {history.test_acc[epoch]:.4f}")
    run.log(f"  {len(x_train)} images, {epochs} epochs in {seconds:.0f} s ({seconds / epochs:.1f} s an epoch, "
            f"with the accuracy measurements); final test accuracy {history.test_acc[-1]:.4f}")
    fig = plot_training_curves(history.train_loss, history.train_acc, history.test_acc,
                               history.iterations_per_epoch,
                               title=f"SimpleConvNet on {len(x_train)} MNIST images (Adam, lr 0.001, batch 100)")
    run.save(fig, "ch07_train_convnet.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
