"""The capstone: a TwoLayerNet of the learner's own layers, gradient-checked, then trained on MNIST to 0.90.

The learner's network runs in the child; everything that decides the verdict is measured here
from the parameters it reports: the loss and gradients of the library's network at the
learner's parameters, and the test accuracy of the parameters after every epoch.
"""

import numpy as np

from scratchnet.exercises.checks import Result, as_array, values_agree
from scratchnet.exercises.diagnosis import diagnose
from scratchnet.gradient import GradientCheckReport, numerical_gradient

TARGET = 0.90
KEYS = ("W1", "b1", "W2", "b2")


def inputs_capstone(exercise, epochs=12):
    rng = np.random.default_rng(0)
    return {"x": rng.standard_normal((4, 6)), "t": np.eye(3)[[0, 2, 1, 2]], "sizes": [6, 5, 3],
            "training": {"epochs": epochs, "lr": 0.1, "batch_size": 100, "target": TARGET}}


def scores(params, x):
    """Affine - ReLU - Affine: the scores of the book's TwoLayerNet."""
    return np.maximum(x @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]


def loss(params, x, t):
    from scratchnet.functions import softmax_cross_entropy

    return softmax_cross_entropy(scores(params, x), t)


def _book_loss(params, x, t):
    from scratchnet.functions import cross_entropy_error, softmax

    return cross_entropy_error(softmax(scores(params, x)), t)


def _unfelt(seen, params, x, t, key):
    """Whether the learner's loss ignored an in-place change of ``params[key]`` that changes the true loss."""
    from scratchnet.exercises.probes import CHANGES

    after = as_array(seen["loss_after_changing"].get(key), "loss") if key in seen["loss_after_changing"] else None
    if after is None or isinstance(after, str):
        return False
    changed = dict(params, **{key: params[key] + CHANGES[key]})
    return bool(np.isclose(float(after), float(seen["loss"]), rtol=1e-12)
                and not np.isclose(loss(changed, x, t), loss(params, x, t), rtol=1e-9))


def judge_capstone(exercise, seen, inputs, expected, folder=None):
    x, t = inputs["x"], inputs["t"]
    params = {}
    for key, shape in zip(KEYS, [(6, 5), (5,), (5, 3), (3,)], strict=True):
        array = as_array(seen["params"][key], f"params[{key!r}]")
        if isinstance(array, str) or array.shape != shape:
            got = array if isinstance(array, str) else array.shape
            return Result(False, [f"params[{key!r}] of TwoLayerNet(6, 5, 3): expected shape {shape}, got {got}"])
        params[key] = array.astype(float)
    book = [(_book_loss(params, x, t), "your loss adds the book's 1e-7 inside the log (cross_entropy_error)")]
    problem = values_agree(seen["loss"], loss(params, x, t), "loss(x, t)", book)
    notes = [problem] if problem and problem.startswith("note:") else []
    if problem and not notes:
        return Result(False, [problem])
    copies = [key for key in KEYS if _unfelt(seen, params, x, t, key)]
    if copies:
        names = " and ".join(f"params[{key!r}]" for key in copies)
        return Result(False, [f"diagnosis: after an in-place change of {names} the loss did not change: the layers "
                              f"compute with copies. Give each Affine the very arrays of self.params "
                              f"(Affine(self.params['W1'], self.params['b1'])), so that an optimizer's in-place "
                              f"update reaches them."])
    report = GradientCheckReport(title="gradient check of your TwoLayerNet")
    for key in KEYS:
        numerical = numerical_gradient(lambda _: float(loss(params, x, t)), params[key])
        yours = as_array(seen["grads"].get(key), f"gradient()[{key!r}]") if key in seen["grads"] else \
            f"gradient(x, t) returns no {key!r}"
        if isinstance(yours, str):
            return Result(False, [yours])
        if yours.shape != numerical.shape:
            return Result(False, ["diagnosis: " + diagnose(yours, numerical, key)])
        report.add(key, yours.astype(float), numerical)
        if not report.rows[-1].passed:
            return Result(False, [str(report), "diagnosis: " + diagnose(yours, numerical, key, batch_size=4)],
                          (key, yours.astype(float), numerical))
    problem = values_agree(seen["predict"], scores(params, x), "predict(x)")
    if problem:
        return Result(False, [str(report), problem])
    right = float(np.mean(scores(params, x).argmax(axis=1) == t.argmax(axis=1)))
    problem = values_agree(seen["accuracy"], right, "accuracy(x, t) with one-hot t")
    if problem:
        return Result(False, [str(report), problem])
    return _judge_training(seen, inputs, report, notes, folder)


def _judge_training(seen, inputs, report, notes, folder):
    from scratchnet.datasets import load_mnist

    (x_train, t_train), (x_test, t_test) = load_mnist()
    train_acc, test_acc = [], []
    for params in seen["epochs"]:
        params = {key: np.asarray(params[key], dtype=float) for key in KEYS}
        train_acc.append(float(np.mean(scores(params, x_train).argmax(axis=1) == t_train)))
        test_acc.append(float(np.mean(scores(params, x_test).argmax(axis=1) == t_test)))
    settings = inputs["training"]
    figure = _save_curves(folder, seen["losses"], train_acc, test_acc) if folder else None
    lines = [str(report), f"trained {len(test_acc) - 1} epochs (SGD, lr {settings['lr']}, batch "
                          f"{settings['batch_size']}): test accuracy {test_acc[-1]:.4f}, measured by the checker from "
                          f"your parameters" + (f"; curves in {figure}" if figure else ""), *notes]
    if test_acc[-1] < TARGET:
        return Result(False, lines + [f"diagnosis: the test accuracy stays below {TARGET} after {len(test_acc) - 1} "
                                      f"epochs: does gradient() return the gradients of the arrays in params?"])
    return Result(True, lines)


def _save_curves(folder, losses, train_acc, test_acc):
    from scratchnet.plot import plot_training_curves, save_figure

    figure = plot_training_curves(np.asarray(losses, dtype=float), train_acc, test_acc, 40,
                                  title="your TwoLayerNet on MNIST")
    return save_figure(figure, folder / "two_layer_net.png")
