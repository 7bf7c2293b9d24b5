# %%
"""Chapter 5.7: TwoLayerNet (784-50-10) trained by backprop on MNIST; loss and accuracy curves.
============================================================================================

Book: "Deep Learning from Scratch", section 5.7.4 (training with backpropagation).
The book trains on 60,000 images for 10,000 iterations; here the embedded 4,000-image
subset is used, so an epoch is 40 iterations of 100 images and we train for 100
epochs. Learning rate 0.1, batch 100, plain SGD (params -= lr * grad), as in the book.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.networks import TwoLayerNet
from scratchnet.plot import plot_training_curves


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    epochs = 4 if run.quick else 100
    batch_size, learning_rate = 100, 0.1
    rng = np.random.default_rng(0)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=0)

    iterations_per_epoch = max(len(x_train) // batch_size, 1)
    loss_history = []
    train_acc = [network.accuracy(x_train, t_train)]
    test_acc = [network.accuracy(x_test, t_test)]
    for epoch in range(1, epochs + 1):
        for _ in range(iterations_per_epoch):
            batch = rng.choice(len(x_train), batch_size)
            grads = network.gradient(x_train[batch], t_train[batch])
            for key in network.params:
                network.params[key] -= learning_rate * grads[key]
            loss_history.append(network.last_layer.loss)
        train_acc.append(network.accuracy(x_train, t_train))
        test_acc.append(network.accuracy(x_test, t_test))
        if epoch % 10 == 0 or epoch == epochs or run.quick:
            run.log(f"  epoch {epoch:3d}/{epochs}: loss {np.mean(loss_history[-iterations_per_epoch:]):.4f}, "
                    f"train acc {train_acc[-1]:.4f}, test acc {test_acc[-1]:.4f}")

    fig = plot_training_curves(
        loss_history, train_acc, test_acc, iterations_per_epoch,
        title=f"TwoLayerNet 784-50-10 on {len(x_train)} MNIST images (SGD, lr {learning_rate}, batch {batch_size})",
    )
    run.save(fig, "ch05_train_neuralnet.png")
    run.log(f"  final test accuracy {test_acc[-1]:.4f}")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
