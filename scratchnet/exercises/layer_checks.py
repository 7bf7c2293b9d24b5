"""Checks of layers: forward values, backward against central differences, state kept right.

The numerical gradients are those of the library's own layer (its ``apply``, which reuses a
dropout mask), computed here in the checker, so a learner's backward is compared with the
derivative of the function the layer must compute, once its forward is right.
"""

import numpy as np

from scratchnet.exercises.checks import Result, as_array, low_precision, reference, values_agree
from scratchnet.exercises.diagnosis import diagnose
from scratchnet.exercises.probes import forward
from scratchnet.gradient import GradientCheckReport, numerical_gradient

GRAD_NAMES = {"W": "dW", "b": "db", "gamma": "dgamma", "beta": "dbeta"}
BATCH_MEAN_LAYERS = ("affine", "batch_normalization", "convolution")  # whose parameter gradients sum over N


def inputs_layer(exercise):
    """Constructor arguments, the input, labels and train flag where they matter, dout, a second input."""
    rng = np.random.default_rng(7)

    def normal(*shape):
        return rng.standard_normal(shape)

    arguments, x, t, train = (), normal(5, 4), None, None
    if exercise.name == "relu_layer":
        x = x + np.sign(x) * 0.1  # no entry within h of the kink
        x[0, 0], x[2, 3] = 0.0, 0.0  # but exact zeros, where the book's Relu passes nothing
    elif exercise.name == "affine":
        arguments = (normal(4, 3), normal(3))
    elif exercise.name == "dropout":
        arguments, x, train = (0.4, 3), normal(6, 5), True
    elif exercise.name == "batch_normalization":
        arguments, x, train = (1 + 0.1 * normal(4), normal(4)), normal(6, 4), True
    elif exercise.name == "softmax_with_loss":
        x, t = normal(5, 4), np.array([0, 3, 1, 1, 2])
    elif exercise.name == "convolution":  # stride 2 and padding 1: both must count in the output size
        arguments, x = (normal(3, 2, 3, 3), normal(3), 2, 1), normal(2, 2, 5, 5)
    elif exercise.name == "pooling":  # 3 x 3 windows moved by 2 overlap: an input can win two windows
        arguments, x = (3, 3, 2, 0), normal(2, 2, 7, 7)
    out_shape = np.shape(_reference_out(exercise, arguments, x, t, train))
    upstream = np.asarray(1.0) if t is not None else rng.standard_normal(out_shape)
    other = -x if exercise.name == "relu_layer" else x + rng.standard_normal(x.shape)
    return {"arguments": list(arguments), "x": x, "t": t, "train": train, "upstream": upstream, "other": other,
            "fresh_mask": exercise.name == "dropout"}


def _reference_out(exercise, arguments, x, t, train):
    return forward(reference(exercise)(*_copies(arguments)), x.copy(), t, train)


def _copies(arguments):
    return [np.copy(a) if isinstance(a, np.ndarray) else a for a in arguments]


def judge_layer(exercise, seen, inputs, expected):
    arguments, x, t, train, upstream = (inputs[key] for key in ("arguments", "x", "t", "train", "upstream"))
    notes = []
    problem = values_agree(seen["forward"], expected["forward"], "forward", _book_losses(exercise, x, t))
    if problem and not problem.startswith("note:"):
        if exercise.name in ("convolution", "pooling"):
            problem += (f" (this check uses {_window_settings(exercise, arguments)}: does forward pass "
                        f"self.stride and self.pad on to im2col and to the output size?)")
        return Result(False, [problem])
    notes.append(problem)
    if seen["x_changed"]:
        return Result(False, ["forward changes its input x in place: compute into a new array"])

    layer = reference(exercise)(*_copies(arguments))
    forward(layer, x.copy(), t, train)  # the same dropout mask as the learner's, from the same seed

    def f(_):
        out = layer.apply(x, t) if t is not None else layer.apply(x, bool(train))
        return float(np.sum(out * upstream))

    numerical_x = numerical_gradient(f, x)
    if exercise.name == "relu_layer":  # at exactly 0 a central difference sees half a slope; the book passes none
        numerical_x[x == 0] = 0.0
    rows = [("dx", seen["dx"], numerical_x)]
    for name, array in layer.params.items():
        grads = seen["grads"]
        if GRAD_NAMES[name] not in grads:
            return Result(False, [f"backward does not set self.{GRAD_NAMES[name]}, the gradient of {name}"])
        rows.append((GRAD_NAMES[name], grads[GRAD_NAMES[name]], numerical_gradient(f, array)))
    report, wrong = GradientCheckReport(title=f"gradient check of your {exercise.symbol}"), None
    for name, yours, numerical in rows:
        array = as_array(yours, name)
        if isinstance(array, str):
            return Result(False, [array])
        if array.shape != numerical.shape:
            return Result(False, ["diagnosis: " + diagnose(array, numerical, name)], (name, None, numerical))
        report.add(name, array.astype(float), numerical)
        if not report.rows[-1].passed and wrong is None:
            wrong = (name, array.astype(float), numerical, yours)
    if wrong:
        return Result(False, [str(report), _diagnosis(exercise, seen, inputs, wrong),
                              *filter(None, [low_precision(wrong[3])])], wrong[:3])
    behaviour = _behaviour(exercise, seen)
    if behaviour:
        return Result(False, [str(report), behaviour])
    if seen["dout_changed"]:
        notes.append("note: backward changes dout in place (the book's Relu does too). Harmless in a chain of "
                     "layers; wrong where one dout feeds two branches. scratchnet's layers compute dx into a new "
                     "array.")
    return Result(True, [str(report), *[note for note in notes if note]])


def _book_losses(exercise, x, t):
    """The book's SoftmaxWithLoss goes through cross_entropy_error, with its 1e-7 inside the log: accepted."""
    if exercise.name != "softmax_with_loss":
        return ()
    from scratchnet.functions import cross_entropy_error, softmax

    return [(cross_entropy_error(softmax(x), t), "yours adds the book's 1e-7 inside the log (cross_entropy_error); "
             "scratchnet's SoftmaxWithLoss computes the exact value from the scores, a difference of about 1e-7")]


def _window_settings(exercise, arguments):
    if exercise.name == "convolution":
        W, _, stride, pad = arguments
        return f"{W.shape[2]} x {W.shape[3]} filters, stride {stride}, pad {pad}"
    pool_h, pool_w, stride, pad = arguments
    return f"{pool_h} x {pool_w} windows, stride {stride}, pad {pad}"


def _diagnosis(exercise, seen, inputs, wrong):
    name, yours, numerical, _ = wrong
    specific = (_ignores_dout(seen) or _convolution_order(exercise, seen, inputs)
                or _batch_norm_terms(exercise, name, yours, inputs))
    if specific:
        return specific
    batch = len(inputs["x"]) if inputs["t"] is not None or exercise.name in BATCH_MEAN_LAYERS else None
    return "diagnosis: " + diagnose(yours, numerical, name, batch_size=batch, loss_layer=inputs["t"] is not None,
                                    x=inputs["x"] if name == "dx" else None,
                                    dout=inputs["upstream"] if name == "dx" else None)


def _ignores_dout(seen):
    """A diagnosis if backward gives the same dx for dout and for 2 * dout, else ``None``."""
    if "dx_of_2_dout" not in seen:
        return None
    once, twice = as_array(seen["dx"], "dx"), as_array(seen["dx_of_2_dout"], "dx")
    if isinstance(once, str) or isinstance(twice, str) or once.shape != twice.shape:
        return None
    if np.allclose(once, twice) and np.any(once):
        return "diagnosis: backward gives the same dx for dout and for 2 * dout: it ignores dout"
    return None


def _convolution_order(exercise, seen, inputs):
    """A diagnosis if a Convolution's db is dout summed in its (N, FN, OH, OW) memory order, else ``None``."""
    if exercise.name != "convolution" or "db" not in seen["grads"]:
        return None
    upstream = inputs["upstream"]
    unordered = upstream.reshape(-1, upstream.shape[1]).sum(axis=0)
    db = as_array(seen["grads"]["db"], "db")
    if not isinstance(db, str) and db.shape == unordered.shape and np.allclose(db, unordered):
        return ("diagnosis: backward reshapes dout (N, FN, OH, OW) to (-1, FN) without moving the filter axis "
                "last: use dout.transpose(0, 2, 3, 1).reshape(-1, FN), whose rows follow im2col's order")
    return None


def _batch_norm_terms(exercise, name, yours, inputs):
    """Which term of batch normalization's dx is missing, when one is."""
    if exercise.name != "batch_normalization" or name != "dx":
        return None
    (gamma, _), x, dout = inputs["arguments"], inputs["x"], inputs["upstream"]
    centered = x - x.mean(axis=0)
    std = np.sqrt(np.mean(centered**2, axis=0) + 1e-6)
    normalized = centered / std

    def dx(dxn, mean_term=True, variance_term=True):
        return (dxn - mean_term * dxn.mean(axis=0) - variance_term * normalized * np.mean(dxn * normalized,
                                                                                           axis=0)) / std
    candidates = [
        (dx(gamma * dout, mean_term=False), "the term -mean(dxn) is missing: the gradient through the batch mean"),
        (dx(gamma * dout, variance_term=False), "the term -xn * mean(dxn * xn) is missing: the gradient through "
                                                "the batch variance"),
        (dx(gamma * dout, False, False), "both terms through the batch statistics are missing: dx = gamma * dout / "
                                         "std treats the mean and the variance as constants"),
        (dx(dout), "gamma is missing: the normalized x's gradient is dxn = gamma * dout"),
    ]
    for candidate, words in candidates:
        if np.allclose(yours, candidate, rtol=1e-6, atol=1e-9):
            return "diagnosis: dx of batch normalization: " + words + \
                   "; dx = (dxn - mean(dxn) - xn * mean(dxn * xn)) / std, means over the batch"
    return None


def _behaviour(exercise, seen):
    """Mistakes a single gradient check cannot see: a backward that ignores dout, a stale cache."""
    ignores = _ignores_dout(seen)
    if ignores:
        return ignores
    if "dx_after_two_forwards" not in seen:
        return None
    stale, right = as_array(seen["dx_after_two_forwards"], "dx"), as_array(seen["dx_after_one_forward"], "dx")
    if isinstance(stale, str) or isinstance(right, str) or stale.shape != right.shape or not np.allclose(stale, right):
        return ("diagnosis: after two forward calls, backward used the values of the first: forward must "
                "replace what it caches every time (a stale cache)")
    return None
