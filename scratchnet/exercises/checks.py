"""Judging what the learner's object did (seen in the child) against the library's (computed here).

Every check has two halves: ``inputs_*`` chooses fixed, seeded inputs, and ``judge_*`` compares
the learner's record with the reference's, made by the same probe in this process. A judge
returns a :class:`Result`; reading a record the child never wrote (it stopped on an error)
raises :class:`Missing`, and the runner then reports that error instead.
"""

import importlib
from dataclasses import dataclass, field

import numpy as np

from scratchnet.exercises.diagnosis import diagnose, largest_differences, two_numbers
from scratchnet.exercises.exchange import Unreadable
from scratchnet.exercises.probes import PROBES, cubic_with_a_product
from scratchnet.gradient import GradientCheckReport, numerical_gradient

RTOL, ATOL = 1e-9, 1e-12  # float64 agreement; a float32 answer cannot meet it, and is told why


@dataclass
class Result:
    passed: bool
    lines: list = field(default_factory=list)
    wrong: tuple = None  # (name, yours, numerical) of a gradient that is wrong, for --plot
    status: str = ""  # "ok", "not done yet" or "FAILED"

    def __post_init__(self):
        self.status = self.status or ("ok" if self.passed else "FAILED")


class Missing(Exception):
    """The learner's record lacks an entry: the child stopped before it (see its ending)."""


class Seen(dict):
    def __getitem__(self, key):
        if key not in self:
            raise Missing(key)
        value = super().__getitem__(key)
        return Seen(value) if isinstance(value, dict) else value


def reference(exercise):
    module, name = exercise.reference.split(":")
    return getattr(importlib.import_module(module), name)


def reference_record(exercise, inputs):
    """What the library's own object does under the same probe."""
    record = {}
    with np.errstate(all="ignore"):
        PROBES[exercise.kind](reference(exercise), inputs, record)
    return Seen(record)


def as_array(value, what):
    """``value`` as a float array, or a ``str`` saying what came instead."""
    if isinstance(value, Unreadable):
        return f"{what}: expected numbers, got {value}"
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return f"{what}: expected numbers, got {type(value).__name__}"
    if array.dtype.kind not in "biuf":
        return f"{what}: expected numbers, got {type(value).__name__}"
    return array


def low_precision(*values):
    """A hint when an answer was computed in float32 or float16 (they cannot agree to 1e-9)."""
    for value in values:
        if isinstance(value, np.ndarray) and value.dtype in (np.float32, np.float16):
            return (f"hint: your result is {value.dtype}: use float64 (for a gradient check h = 1e-4 is below "
                    f"{value.dtype}'s resolution at this scale, and answers agree only to about "
                    f"{np.finfo(value.dtype).resolution:g})")
    return None


def values_agree(yours, expected, what, alternatives=()):
    """``None`` if ``yours`` equals ``expected`` (or one of ``alternatives``' values: then the alternative's note,
    a ``str`` starting with "note:"); otherwise the problem, with enough digits to see it."""
    array = as_array(yours, what)
    if isinstance(array, str):
        return array
    expected = np.asarray(expected, dtype=float)
    if array.shape != expected.shape:
        return f"{what}: expected shape {expected.shape}, got {array.shape}"
    if np.allclose(array, expected, rtol=RTOL, atol=ATOL):
        return None
    for value, note in alternatives:
        if np.allclose(array, value, rtol=RTOL, atol=ATOL):
            return "note: " + note
    hint = low_precision(yours)
    if array.ndim == 0:
        problem = f"{what} gives {two_numbers(float(array), float(expected))}"
    else:
        problem = f"{what} gives wrong values; " + largest_differences(array.astype(float), expected, "output",
                                                                     reference="right")
    return problem + (f"\n{hint}" if hint else "")


def passed_with(notes, line):
    return Result(True, [line, *[note for note in notes if note]])


# ---- functions ---------------------------------------------------------------------------------------
def inputs_function(exercise):
    rng = np.random.default_rng(0)
    if exercise.name == "im2col":  # square filters; stride 2 with padding; a 2 x 3 filter with padding
        return {"cases": [[rng.standard_normal(shape), *settings] for shape, settings in
                          (((2, 3, 5, 5), (3, 3, 1, 0)), ((2, 2, 5, 5), (3, 3, 2, 1)), ((1, 2, 4, 6), (2, 3, 1, 1)))]}
    if exercise.name == "cross_entropy_error":
        y = rng.random((5, 4))
        y /= y.sum(axis=1, keepdims=True)
        return {"cases": [[y, np.array([0, 3, 1, 1, 2])], [y, np.eye(4)[[2, 0, 3, 1, 1]]], [y[0], np.array(2)],
                          [y[1], np.eye(4)[3]]]}
    cases = [[rng.standard_normal(7)], [rng.standard_normal((4, 5)) * 3]]
    if exercise.name in ("sigmoid", "softmax"):
        cases.append([np.array([[-1000.0, 0.0, 1000.0], [1010.0, 1000.0, 990.0]])])
    return {"cases": cases}


def _exact_cross_entropy(y, t):
    """The cross-entropy without the book's 1e-7 inside the log."""
    y, t = np.atleast_2d(np.asarray(y, dtype=float)), np.asarray(t)
    labels = t.reshape(len(y), -1).argmax(axis=1) if t.size == y.size else t.reshape(len(y))
    return -np.mean(np.log(y[np.arange(len(y)), labels]))


def judge_function(exercise, seen, inputs, expected):
    notes = []
    for number, arguments in enumerate(inputs["cases"]):
        case, wanted = seen[f"case{number}"], expected[f"case{number}"]
        shape = np.shape(arguments[0])
        if "overflow" in case:
            return Result(False, [f"{exercise.symbol} overflows ({case['overflow']}) for inputs like "
                                  f"{np.array2string(np.ravel(arguments[0])[:3])}: see "
                                  f"`scratchnet exercises hint {exercise.name}`"])
        if case["input_changed"]:
            return Result(False, [f"{exercise.symbol} changes its input in place: compute into a new array"])
        what = f"{exercise.symbol}(x of shape {shape})"
        if exercise.name == "im2col":
            what = f"im2col(x of shape {shape}, filter_h={arguments[1]}, filter_w={arguments[2]}, " \
                   f"stride={arguments[3]}, pad={arguments[4]})"
            order = _im2col_order(case["out"], wanted["out"], what)
            if order:
                return Result(False, [order])
        alternatives = ()
        if exercise.name == "cross_entropy_error":
            alternatives = [(_exact_cross_entropy(*arguments), "yours leaves out the book's 1e-7 inside the log: "
                             "the exact value, which scratchnet's SoftmaxWithLoss computes too")]
        problem = values_agree(case["out"], wanted["out"], what, alternatives)
        if problem and not problem.startswith("note:"):
            return Result(False, [problem])
        notes.append(problem)
    return passed_with(sorted(set(filter(None, notes))), f"{exercise.symbol} equals the library's on "
                       f"{len(inputs['cases'])} inputs" + (" (stride 2, padding, 2 x 3 filters)"
                                                            if exercise.name == "im2col" else ""))


def _im2col_order(yours, expected, what):
    yours = as_array(yours, what)
    if isinstance(yours, str) or yours.shape != np.shape(expected) or np.allclose(yours, expected):
        return None
    if np.allclose(np.sort(yours, axis=None), np.sort(expected, axis=None)):
        return (f"{what} has the right numbers in the wrong places: rows must run over images, then output "
                "rows, then output columns, and a row over channels, then filter rows, then filter columns "
                "(check the transpose before the reshape)")
    return None


# ---- numerical differentiation ---------------------------------------------------------------------
def inputs_numerical(exercise):
    return {"name": exercise.name, "x": np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.5]])}


def judge_numerical(exercise, seen, inputs, expected):
    if exercise.name == "numerical_diff":
        book = [0.1999999999990898, 0.2999999999986347]  # the book's printed numbers (section 4.3.2)
        values = as_array(seen["values"], "numerical_diff")
        if isinstance(values, str) or values.shape != (2,) or not np.allclose(values, book, rtol=1e-12):
            return Result(False, [f"numerical_diff(f, 5) and (f, 10) should give the book's {book}, got "
                                  f"{values if isinstance(values, str) else values.tolist()}"])
        return Result(True, [f"numerical_diff gives the book's {book[0]!r} and {book[1]!r}"])
    x = inputs["x"]
    if not np.array_equal(np.asarray(seen["x_after"]), x):
        return Result(False, ["numerical_gradient leaves x changed: put each entry back as it was"])
    yours = as_array(seen["out"], "numerical_gradient")
    if isinstance(yours, str) or yours.shape != x.shape:
        shape = yours if isinstance(yours, str) else yours.shape
        return Result(False, [f"numerical_gradient: expected an array shaped like x {x.shape}, got {shape}"])
    wanted = numerical_gradient(cubic_with_a_product, x.copy())
    report = GradientCheckReport(title="numerical_gradient against the library's")
    report.add("x", yours.astype(float), wanted)
    if report.passed:
        return Result(True, [str(report)])
    lines = [str(report), "diagnosis: " + diagnose(yours, wanted, "the gradient"), low_precision(yours)]
    return Result(False, [line for line in lines if line], ("x", yours.astype(float), wanted))


# ---- the chapter-5 graph ---------------------------------------------------------------------------
def inputs_graph(exercise):
    return {"forward": [100.0, 2.0] if exercise.name == "mul_layer" else [200.0, 450.0], "dout": 1.1}


def judge_graph(exercise, seen, inputs, expected):
    wanted = expected["forward"]
    out = as_array(seen["forward"], "forward")
    if isinstance(out, str) or not np.isclose(out, wanted):
        return Result(False, [f"forward: expected {wanted:g} (the apples of figure 5-16), got {seen['forward']}"])
    pair = expected["backward"]
    backward = seen["backward"]
    if not seen["backward_is_pair"] or not np.allclose(np.asarray(backward, dtype=float), pair):
        return Result(False, [f"backward(1.1): expected (dx, dy) = ({pair[0]:g}, {pair[1]:g}), got {backward}"])
    return Result(True, [f"forward {wanted:g}; backward(1.1) = ({pair[0]:g}, {pair[1]:g}), as in figure 5-16"])

