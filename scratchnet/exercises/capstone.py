"""The capstone: a TwoLayerNet of the learner's own layers, gradient-checked, then trained on MNIST to 0.90."""

import numpy as np

from scratchnet.datasets import load_mnist
from scratchnet.exercises.checks import Result
from scratchnet.exercises.diagnosis import diagnose
from scratchnet.gradient import GradientCheckReport, numerical_gradient

TARGET = 0.90


def check_capstone(exercise, learner_class, folder, epochs=12):
    rng = np.random.default_rng(0)
    small = learner_class(6, 5, 3, weight_init_std=0.5, seed=1)
    x, t = rng.standard_normal((4, 6)), np.eye(3)[[0, 2, 1, 2]]
    grads = small.gradient(x, t)
    report = GradientCheckReport(title="gradient check of your TwoLayerNet")
    for key in ("W1", "b1", "W2", "b2"):
        numerical = numerical_gradient(lambda _: float(small.loss(x, t)), small.params[key])
        if np.shape(grads[key]) != numerical.shape:
            return Result(False, ["diagnosis: " + diagnose(grads[key], numerical, key)])
        report.add(key, grads[key], numerical)
        if not report.rows[-1].passed:
            return Result(False, [str(report), "diagnosis: " + diagnose(grads[key], numerical, key, batch_size=4)],
                          (key, np.asarray(grads[key], dtype=float), numerical))
    (x_train, t_train), (x_test, t_test) = load_mnist(one_hot_label=True)
    network = learner_class(784, 50, 10, seed=0)
    order_rng = np.random.default_rng(0)
    train_acc, test_acc, losses = [network.accuracy(x_train, t_train)], [network.accuracy(x_test, t_test)], []
    for _ in range(epochs):
        order = order_rng.permutation(len(x_train))
        for start in range(0, len(x_train), 100):
            batch = order[start:start + 100]
            step = network.gradient(x_train[batch], t_train[batch])
            for key in network.params:
                network.params[key] -= 0.1 * step[key]
            losses.append(float(network.loss(x_train[batch], t_train[batch])))
        train_acc.append(network.accuracy(x_train, t_train))
        test_acc.append(network.accuracy(x_test, t_test))
        if test_acc[-1] >= TARGET:
            break
    figure = _save_curves(folder, losses, train_acc, test_acc)
    lines = [str(report), f"trained {len(test_acc) - 1} epochs (SGD, lr 0.1, batch 100): test accuracy "
                          f"{test_acc[-1]:.4f}; curves in {figure}"]
    if test_acc[-1] < TARGET:
        return Result(False, lines + [f"diagnosis: the test accuracy stays below {TARGET} after {epochs} epochs: "
                                      f"do the layers use the arrays in params (so that updates reach them)?"])
    return Result(True, lines)


def _save_curves(folder, losses, train_acc, test_acc):
    from scratchnet.plot import plot_training_curves, save_figure

    figure = plot_training_curves(losses, train_acc, test_acc, 40, title="your TwoLayerNet on MNIST")
    return save_figure(figure, folder / "two_layer_net.png")
