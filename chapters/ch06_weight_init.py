# %%
"""Chapter 6.2: weight initialization: activation histograms (std 1, 0.01, Xavier, He) and its effect on training.
===============================================================================================================

Book: "Deep Learning from Scratch", section 6.2, figures 6-10 to 6-15. Pass 1,000
random inputs through five hidden layers of 100 units and look at the activations.
With sigmoid and std 1 they pile up at 0 and 1, where the gradient vanishes. With
std 0.01 they all sit near 0.5, and the units all say the same thing. Xavier
(std 1/sqrt(n)) keeps them spread. For ReLU, He (std sqrt(2/n)) does the same.
Then a 5-layer ReLU network is trained on MNIST from each start.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.layers import Relu, Sigmoid
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import SGD
from scratchnet.plot import plot_activation_histograms, plot_history_comparison, plot_summaries
from scratchnet.training import RunsProgress, Trainer

SIGMOID_ROWS = {"std 1": 1.0, "std 0.01": 0.01, "Xavier": "xavier"}
RELU_ROWS = {"std 0.01": 0.01, "Xavier": "xavier", "He": "he"}


def hidden_activations(activation, weight_init_std, x, seed=0):
    """The output of every hidden activation layer of a 5 x 100 network for the batch ``x``."""
    network = MultiLayerNet(x.shape[1], [100] * 5, 10, activation=activation, weight_init_std=weight_init_std,
                            seed=seed)
    outputs = network.layer_inputs(x)[1:]
    return [out for layer, out in zip(network.layers.values(), outputs, strict=True)
            if isinstance(layer, (Sigmoid, Relu))]


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    x = np.random.default_rng(0).standard_normal((1000, 100))
    sigmoid_rows = {f"{label}, sigmoid": hidden_activations("sigmoid", std, x) for label, std in SIGMOID_ROWS.items()}
    run.save(plot_activation_histograms(sigmoid_rows, title="sigmoid activations of 5 hidden layers, by initial "
                                                            "weight scale (book figures 6-10, 6-11, 6-13)"),
             "ch06_weight_init_sigmoid.png")
    relu_rows = {f"{label}, ReLU": hidden_activations("relu", std, x) for label, std in RELU_ROWS.items()}
    run.save(plot_activation_histograms(relu_rows, value_range=(0, 2), drop_zeros=True,
                                        title="nonzero ReLU activations of 5 hidden layers (book figure 6-14; "
                                              "the zeros, about half, are left out)"),
             "ch06_weight_init_relu.png")
    # The numbers behind the histograms: how spread each layer's activations are.
    layers = np.arange(1, 6)
    spread = {"sigmoid": {label: (layers, [float(np.std(a)) for a in rows]) for label, rows in sigmoid_rows.items()},
              "ReLU": {label: (layers, [float(np.std(a)) for a in rows]) for label, rows in relu_rows.items()}}
    for series in spread.values():
        for label, (_, stds) in series.items():
            run.log(f"  {label:<16} activation std by layer: " + ", ".join(f"{s:.3g}" for s in stds))
    run.save(plot_summaries({f"{kind} activations": series for kind, series in spread.items()}, "hidden layer",
                            "standard deviation of its activations", log_y=True,
                            title="how spread each layer's activations are, by initialization: the numbers behind "
                                  "the histograms"),
             "ch06_weight_init_std.png")

    (x_train, t_train), (x_test, t_test) = load_mnist()
    epochs = 2 if run.quick else 64
    histories, progress = {}, RunsProgress(len(RELU_ROWS), epochs, "three initializations")
    for label, std in RELU_ROWS.items():
        network = MultiLayerNet(784, [100, 100, 100, 100], 10, weight_init_std=std, seed=0)
        histories[f"{label}"] = Trainer(network, SGD(lr=0.01), x_train, t_train, x_test, t_test, epochs=epochs,
                                        batch_size=128, seed=0, verbose=False,
                                        callbacks=[progress.run(label)]).fit()
        run.log(f"  {label:<8} test accuracy {histories[label].test_acc[-1]:.4f}")
    progress.finish(f"three initializations: {epochs} epochs each")
    run.save(plot_history_comparison(histories, smooth_window=32,
                                     title="training from each initialization: 5-layer ReLU net, SGD lr 0.01, "
                                           "batch 128 (book figure 6-15)"),
             "ch06_weight_init_mnist.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
