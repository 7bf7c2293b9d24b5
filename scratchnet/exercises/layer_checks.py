"""Checks of layers and optimizers: forward values, backward against central differences, state kept.

The numerical gradients are those of the library's own layer (its ``apply``, which reuses
a dropout mask), so a learner's backward is compared with the derivative of the function
the layer must compute, once its forward is right.
"""

import numpy as np

from scratchnet.exercises.checks import Result, _values_agree, reference
from scratchnet.exercises.diagnosis import diagnose
from scratchnet.gradient import GradientCheckReport, numerical_gradient

GRAD_NAMES = {"W": "dW", "b": "db", "gamma": "dgamma", "beta": "dbeta"}


def _setup(exercise, rng):
    """``(constructor arguments, input, train, labels)`` for each layer exercise."""
    def normal(*shape):
        return rng.standard_normal(shape)

    x = normal(5, 4)
    if exercise.name == "relu_layer":
        x = x + np.sign(x) * 0.1  # no entry within h of the kink
        x[0, 0], x[2, 3] = 0.0, 0.0  # but exact zeros, where the book's Relu passes nothing
        return (), x, False, None
    if exercise.name == "affine":
        return (normal(4, 3), normal(3)), x, False, None
    if exercise.name == "dropout":
        return (0.4, 3), normal(6, 5), True, None
    if exercise.name == "batch_normalization":
        return (1 + 0.1 * normal(4), normal(4)), normal(6, 4), True, None
    if exercise.name == "softmax_with_loss":
        return (), normal(5, 4), False, np.array([0, 3, 1, 1, 2])
    if exercise.name == "convolution":  # stride 2 and padding 1: both must count in the output size
        return (normal(3, 2, 3, 3), normal(3), 2, 1), normal(2, 2, 5, 5), False, None
    if exercise.name == "pooling":  # 3 x 3 windows moved by 2 overlap: an input can win two windows
        return (3, 3, 2, 0), normal(2, 2, 7, 7), False, None
    return (), x, False, None


def _window_settings(arguments, exercise):
    if exercise.name == "convolution":
        W, _, stride, pad = arguments
        return f"{W.shape[2]} x {W.shape[3]} filters, stride {stride}, pad {pad}"
    pool_h, pool_w, stride, pad = arguments
    return f"{pool_h} x {pool_w} windows, stride {stride}, pad {pad}"


def _copy(arguments):
    return tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in arguments)


def check_layer(exercise, learner_class):
    rng = np.random.default_rng(7)
    arguments, x, train, t = _setup(exercise, rng)
    reference_class = reference(exercise)
    layer, expected = learner_class(*_copy(arguments)), reference_class(*_copy(arguments))
    x_given = x.copy()
    out = layer.forward(x_given, t, train=train) if t is not None else layer.forward(x_given, train=train)
    if not np.array_equal(x_given, x):
        return Result(False, ["forward changes its input x in place: compute into a new array"])
    wanted = expected.forward(x, t, train=train) if t is not None else expected.forward(x, train=train)
    problem = _values_agree(out, wanted, "forward")
    if problem:
        if exercise.name in ("convolution", "pooling"):
            problem += (f" (this check uses {_window_settings(arguments, exercise)}: does forward pass "
                        f"self.stride and self.pad on to im2col and to the output size?)")
        return Result(False, [problem])

    upstream = np.asarray(1.0) if t is not None else rng.standard_normal(np.shape(wanted))
    given = upstream.copy()
    dx = layer.backward(float(given) if t is not None else given)
    if not np.array_equal(given, upstream):
        return Result(False, ["backward changes dout in place: compute dx into a new array"])

    def f(_):
        scores = expected.apply(x, t) if t is not None else expected.apply(x, train)
        return float(np.sum(scores * upstream))

    report = GradientCheckReport(title=f"gradient check of your {exercise.symbol}")
    numerical_x = numerical_gradient(f, x)
    if exercise.name == "relu_layer":
        # At exactly 0 a central difference sees half a slope; there the book's rule holds: no gradient.
        numerical_x[x == 0] = 0.0
    rows = [("dx", dx, numerical_x)]
    for name, array in expected.params.items():
        yours = getattr(layer, GRAD_NAMES[name], None)
        if yours is None:
            return Result(False, [f"backward does not set {GRAD_NAMES[name]}, the gradient of {name}"])
        rows.append((GRAD_NAMES[name], yours, numerical_gradient(f, array)))
    lines, wrong = [], None
    for name, yours, numerical in rows:
        if np.shape(yours) != np.shape(numerical):
            return Result(False, ["diagnosis: " + diagnose(yours, numerical, name)], (name, None, numerical))
        report.add(name, yours, numerical)
        if not report.rows[-1].passed and wrong is None:
            wrong = (name, np.asarray(yours, dtype=float), numerical)
    lines.append(str(report))
    if wrong:
        ignores = _ignores_dout(learner_class, arguments, x, t, train, upstream)
        batch = (len(x) if t is not None or exercise.name in ("affine", "batch_normalization", "convolution")
                 else None)
        specific = ignores or _convolution_order(exercise, layer, upstream)
        lines.append(specific or "diagnosis: " + diagnose(wrong[1], wrong[2], wrong[0], batch_size=batch,
                                                          x=x if wrong[0] == "dx" else None))
        return Result(False, lines, wrong)
    extra = _behaviour(exercise, learner_class, arguments, x, t, train, upstream, rng)
    if extra:
        return Result(False, lines + [extra])
    return Result(True, lines)


def _convolution_order(exercise, layer, upstream):
    """A diagnosis if a Convolution's db is dout summed in its (N, FN, OH, OW) memory order, else ``None``."""
    if exercise.name != "convolution":
        return None
    filters = upstream.shape[1]
    unordered = upstream.reshape(-1, filters).sum(axis=0)
    if np.allclose(np.asarray(getattr(layer, "db", None), dtype=float), unordered):
        return ("diagnosis: backward reshapes dout (N, FN, OH, OW) to (-1, FN) without moving the filter axis "
                "last: use dout.transpose(0, 2, 3, 1).reshape(-1, FN), whose rows follow im2col's order")
    return None


def _ignores_dout(learner_class, arguments, x, t, train, upstream):
    """A diagnosis if backward gives the same dx for dout and for 2 * dout, else ``None``."""
    if t is not None:
        return None
    layer = learner_class(*_copy(arguments))
    dx = []
    for scale in (1, 2):
        layer.forward(x.copy(), train=train)
        dx.append(np.array(layer.backward(scale * upstream), dtype=float))
    if np.allclose(dx[0], dx[1]) and np.any(dx[0]):
        return "diagnosis: backward gives the same dx for dout and for 2 * dout: it ignores dout"
    return None


def _behaviour(exercise, learner_class, arguments, x, t, train, upstream, rng):
    """Mistakes a single gradient check cannot see: a backward that ignores dout, a stale cache."""
    if exercise.name != "dropout":  # each forward draws a new mask, so two calls cannot be compared
        ignores = _ignores_dout(learner_class, arguments, x, t, train, upstream)
        if ignores:
            return ignores
    other = x + rng.standard_normal(x.shape)
    if exercise.name == "relu_layer":
        other = -x
    layer, fresh = learner_class(*_copy(arguments)), learner_class(*_copy(arguments))
    if t is not None:
        layer.forward(x.copy(), t), layer.forward(other.copy(), t)
        fresh.forward(other.copy(), t)
        stale, right = layer.backward(1.0), fresh.backward(1.0)
    else:
        layer.forward(x.copy(), train=train), layer.forward(other.copy(), train=train)
        fresh.forward(other.copy(), train=train)
        stale, right = layer.backward(upstream.copy()), fresh.backward(upstream.copy())
    if exercise.name != "dropout" and not np.allclose(stale, right):
        return ("diagnosis: after two forward calls, backward used the values of the first: forward must "
                "replace what it caches every time (a stale cache)")
    return None


# ---- optimizers ----------------------------------------------------------------------------
def check_optimizer(exercise, learner_class):
    rng = np.random.default_rng(3)
    settings = {"sgd": {"lr": 0.1}, "momentum": {"lr": 0.1, "momentum": 0.9}, "nesterov": {"lr": 0.1, "momentum": 0.9},
                "adagrad": {"lr": 0.5}, "rmsprop": {"lr": 0.2, "decay_rate": 0.9},
                "adam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999}}[exercise.name]
    yours, expected = learner_class(**settings), reference(exercise)(**settings)
    params = {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal(3)}
    mine = {key: value.copy() for key, value in params.items()}
    arrays = {key: value for key, value in mine.items()}
    for step in range(1, 6):
        grads = {key: rng.standard_normal(value.shape) for key, value in params.items()}
        given = {key: value.copy() for key, value in grads.items()}
        yours.update(mine, given)
        expected.update(params, grads)
        if any(mine[key] is not arrays[key] for key in mine):
            return Result(False, ["update replaces params[key] with a new array: change it in place "
                                  "(params[key] -= ..., not params[key] = ...)"])
        for key in params:
            if not np.allclose(mine[key], params[key], rtol=1e-10, atol=1e-12):
                return Result(False, [_optimizer_diagnosis(exercise, settings, step, key)])
    return Result(True, [f"{exercise.symbol}: five steps on two arrays equal the book's rule"])


def _optimizer_diagnosis(exercise, settings, step, key):
    where = f"params[{key!r}] is wrong after step {step}"
    if step > 1:
        where += (" (right after step 1): is the state (velocity, sums, step count) kept between calls, "
                  "one per key?")
    if exercise.name == "adam" and step == 1:
        where += ("; Adam's first step should be about lr in size: without the bias correction "
                  "lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) it is much smaller")
    return "diagnosis: " + where
