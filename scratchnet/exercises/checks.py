"""One check per kind of exercise: the learner's object against the library's, on fixed seeded inputs.

A check returns a :class:`Result`: passed or not, the lines to print (the gradient-check
table and a diagnosis), and for a wrong gradient the arrays, so ``--plot`` can draw them.
"""

import importlib
from dataclasses import dataclass, field

import numpy as np

from scratchnet.exercises.diagnosis import diagnose, largest_differences
from scratchnet.gradient import GradientCheckReport, numerical_gradient


@dataclass
class Result:
    passed: bool
    lines: list = field(default_factory=list)
    wrong: tuple = None  # (name, yours, numerical) of a gradient that is wrong


def reference(exercise):
    module, name = exercise.reference.split(":")
    return getattr(importlib.import_module(module), name)


def _values_agree(yours, expected, what):
    yours = np.asarray(yours, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if yours.shape != expected.shape:
        return f"{what}: expected shape {expected.shape}, got {yours.shape}"
    if not np.allclose(yours, expected, rtol=1e-9, atol=1e-12, equal_nan=False):
        if yours.ndim == 0:
            return f"{what} gives {float(yours):.6g}; the right value is {float(expected):.6g}"
        return f"{what} gives wrong values; " + largest_differences(yours, expected, "output", reference="right")
    return None


# ---- functions ----------------------------------------------------------------------------
def check_function(exercise, learner):
    rng = np.random.default_rng(0)
    expected_function = reference(exercise)
    if exercise.name == "im2col":
        return check_im2col(exercise, learner, rng)
    if exercise.name == "cross_entropy_error":
        y = rng.random((5, 4))
        y /= y.sum(axis=1, keepdims=True)
        cases = [(y, np.array([0, 3, 1, 1, 2])), (y, np.eye(4)[[2, 0, 3, 1, 1]]), (y[0], 2), (y[1], np.eye(4)[3])]
    else:
        cases = [(rng.standard_normal(7),), (rng.standard_normal((4, 5)) * 3,)]
        if exercise.name in ("sigmoid", "softmax"):
            cases.append((np.array([[-1000.0, 0.0, 1000.0], [1010.0, 1000.0, 990.0]]),))
    for arguments in cases:
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            try:
                yours = learner(*[np.copy(a) for a in arguments])
            except FloatingPointError as error:
                return Result(False, [f"{exercise.symbol} overflows ({error}) for inputs like "
                                      f"{np.array2string(np.asarray(arguments[0]).ravel()[:3])}: see the hint"])
        problem = _values_agree(yours, expected_function(*arguments), f"{exercise.symbol}(shape "
                                f"{np.shape(arguments[0])})")
        if problem:
            return Result(False, [problem])
    return Result(True, [f"{exercise.symbol} equals the library's on {len(cases)} inputs"])


def check_numerical(exercise, learner):
    if exercise.name == "numerical_diff":
        def f(x):
            return 0.01 * x**2 + 0.1 * x
        values = [learner(f, 5), learner(f, 10)]
        expected = [0.1999999999990898, 0.2999999999986347]  # the book's printed numbers
        if not np.allclose(values, expected, rtol=1e-12):
            return Result(False, [f"numerical_diff(f, 5) and (f, 10) should give the book's {expected}, "
                                  f"got {values}"])
        return Result(True, [f"numerical_diff gives the book's {expected[0]!r} and {expected[1]!r}"])
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.5]])
    before = x.copy()

    def f(array):
        return float(np.sum(array**3) + array[0, 1] * array[1, 2])

    yours = learner(f, x)
    if not np.array_equal(x, before):
        return Result(False, ["numerical_gradient leaves x changed: put each entry back as it was"])
    expected = numerical_gradient(f, x.copy())
    report = GradientCheckReport(title="numerical_gradient against the library's")
    if np.shape(yours) != x.shape:
        return Result(False, [f"numerical_gradient: expected an array shaped like x {x.shape}, got {np.shape(yours)}"])
    report.add("x", yours, expected)
    if report.passed:
        return Result(True, [str(report)])
    return Result(False, [str(report), "diagnosis: " + diagnose(yours, expected, "the gradient")], ("x", yours,
                                                                                                   expected))


def check_im2col(exercise, learner, rng):
    """Three settings: square filters, stride 2 with padding, a non-square filter with padding."""
    cases = [((2, 3, 5, 5), (3, 3, 1, 0)), ((2, 2, 5, 5), (3, 3, 2, 1)), ((1, 2, 4, 6), (2, 3, 1, 1))]
    expected_function = reference(exercise)
    for shape, (filter_h, filter_w, stride, pad) in cases:
        x = rng.standard_normal(shape)
        given = x.copy()
        yours = np.asarray(learner(given, filter_h, filter_w, stride, pad), dtype=float)
        if not np.array_equal(given, x):
            return Result(False, ["im2col changes its input x in place"])
        expected = expected_function(x, filter_h, filter_w, stride, pad)
        what = (f"im2col(x of shape {shape}, filter_h={filter_h}, filter_w={filter_w}, stride={stride}, "
                f"pad={pad})")
        if yours.shape == expected.shape and not np.allclose(yours, expected):
            if np.allclose(np.sort(yours, axis=None), np.sort(expected, axis=None)):
                return Result(False, [f"{what} has the right numbers in the wrong places: rows must run over "
                                      "images, then output rows, then output columns, and a row over channels, "
                                      "then filter rows, then filter columns (check the transpose before the "
                                      "reshape)"])
        problem = _values_agree(yours, expected, what)
        if problem:
            return Result(False, [problem])
    return Result(True, [f"im2col equals the library's in {len(cases)} settings (stride 2, padding, 2 x 3 filters)"])


# ---- the chapter-5 graph ------------------------------------------------------------------
def check_graph(exercise, learner):
    layer = learner()
    out = layer.forward(100.0, 2.0) if exercise.name == "mul_layer" else layer.forward(200.0, 450.0)
    expected = 200.0 if exercise.name == "mul_layer" else 650.0
    if not np.isclose(out, expected):
        return Result(False, [f"forward: expected {expected:g} (the apples of figure 5-16), got {out}"])
    backward = layer.backward(1.1)
    wanted = (2.2, 110.0) if exercise.name == "mul_layer" else (1.1, 1.1)
    if not isinstance(backward, tuple) or len(backward) != 2 or not np.allclose(backward, wanted):
        return Result(False, [f"backward(1.1): expected (dx, dy) = {wanted}, got {backward}"])
    return Result(True, [f"forward {expected:g}; backward(1.1) = {wanted}, as in figure 5-16"])
