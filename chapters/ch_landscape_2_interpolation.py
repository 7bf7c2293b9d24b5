# %%
"""Landscape 2: loss and accuracy on the straight line from the initial to the trained weights.
============================================================================================

Question: is training a long walk through a rugged landscape? Goodfellow, Vinyals and
Saxe (2015) looked at the line theta(a) = (1 - a) theta_initial + a theta_trained. For
a trained MultiLayerNet (784-100-100-10, ReLU, He, Adam, 20 epochs on the embedded
MNIST) the loss falls smoothly along it, without a bump to climb, though training
itself took a winding path. Past a = 1 the training loss keeps falling for a while
(training had not finished), while the test loss already rises: going further the
same way fits the training images ever better and the others worse. --wide shows
a in [-1, 2] instead of [-0.5, 1.5].
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.landscape import loss_line, params_to_vector
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import Adam
from scratchnet.plot import plot_interpolation
from scratchnet.training import RunsProgress, Trainer


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv,
                     flags={"--wide": "show a in [-1, 2] instead of [-0.5, 1.5]"})
    wide = run.args.wide
    (x_train, t_train), (x_test, t_test) = load_mnist()
    network = MultiLayerNet(784, [100, 100], 10, weight_init_std="he", seed=0)
    initial = params_to_vector(network.params)
    epochs = 2 if run.quick else 20
    progress = RunsProgress(1, epochs, "training")
    history = Trainer(network, Adam(lr=0.001), x_train, t_train, x_test, t_test, epochs=epochs, batch_size=100,
                      seed=0, verbose=False, callbacks=[progress.run("784-100-100-10, Adam")]).fit()
    progress.finish()
    trained = params_to_vector(network.params)
    run.log(f"  trained {epochs} epochs: test accuracy {history.test_acc[-1]:.4f}")
    alphas = np.linspace(-1.0, 2.0, 121) if wide else np.linspace(-0.5, 1.5, 81)
    if run.quick:
        alphas = alphas[::8]
    direction = trained - initial
    losses, accuracies = {}, {}
    for name, x, t in (("train", x_train, t_train), ("test", x_test, t_test)):
        losses[name], accuracies[name] = loss_line(network, x, t, initial, direction, alphas, accuracy=True,
                                                   cache=run.cache_path(f"interpolation_{name}_{wide}"))
        lowest = alphas[np.argmin(losses[name])]
        run.log(f"  {name}: loss {losses[name][0]:.3f} at a = {alphas[0]:g}, lowest {losses[name].min():.4f} "
                f"at a = {lowest:.3f}")
    fig = plot_interpolation(alphas, losses, accuracies,
                             title="from the initial to the trained weights in a straight line (784-100-100-10)")
    run.save(fig, "landscape_interpolation_wide.png" if wide else "landscape_interpolation.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
