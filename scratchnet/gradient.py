r"""Numerical gradients and gradient checking.

:func:`numerical_gradient` is the textbook central difference, one entry at a time:

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

It is slow (two evaluations of ``f`` per entry) and that is its virtue: it is obviously
right, so it is what backpropagation is checked against. :func:`gradient_check` and
:func:`gradient_check_layer` do that check and return a :class:`GradientCheckReport`,
a table you can print.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np


def numerical_diff(f, x, h=1e-4):
    r"""The derivative of a function of one number by the central difference :math:`(f(x+h) - f(x-h)) / 2h`.

    The book's section 4.3.1: at ``h = 1e-4`` the error is of order :math:`h^2` and rounding
    stays small; a much smaller ``h`` loses the difference to rounding.
    """
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x, h=1e-4):
    r"""Central-difference gradient of the scalar function ``f`` at the array ``x``.

    ``x`` may have any shape and is perturbed in place, one entry at a time, so ``f``
    is called with ``x`` itself (as in the textbook, ``f(x)``); each entry is restored
    bit for bit afterwards, even if ``f`` raises. Returns an array shaped like ``x``.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            f"x: expected a floating-point numpy array to perturb in place, got "
            f"{type(x).__name__} {getattr(x, 'dtype', '')}"
        )
    if x.dtype != np.float64:
        warnings.warn(f"x: numerical_gradient of a {x.dtype} array: x + h is rounded to {x.dtype}, so the central "
                      f"difference is off by about {np.finfo(x.dtype).resolution / 1e-4:.0e} of the gradient at this "
                      f"h; use float64 for gradient checks", UserWarning, stacklevel=2)
    grad = np.zeros(x.shape, dtype=float)
    iterator = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not iterator.finished:
        index = iterator.multi_index
        original = x[index]
        try:
            x[index] = original + h
            f_plus = f(x)
            x[index] = original - h
            f_minus = f(x)
        finally:
            x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
        iterator.iternext()
    return grad


@dataclass
class GradientCheckRow:
    """One parameter's comparison: backprop ``analytic`` against ``numerical``."""

    name: str
    shape: tuple
    max_abs_diff: float
    rel_diff: float
    passed: bool


@dataclass
class GradientCheckReport:
    r"""Result of a gradient check, one row per parameter (or input).

    ``rel_diff`` is :math:`\lVert a - n \rVert / (\lVert a \rVert + \lVert n \rVert)`
    over the whole array (0 when both are zero), which is insensitive to individual
    entries that are zero. A row passes when ``rel_diff <= rtol`` or, for gradients
    that are essentially zero, ``max_abs_diff <= atol``.
    """

    rows: list = field(default_factory=list)
    rtol: float = 1e-6
    atol: float = 1e-9
    title: str = "gradient check"

    @property
    def passed(self):
        return bool(self.rows) and all(row.passed for row in self.rows)

    def add(self, name, analytic, numerical):
        analytic = np.asarray(analytic, dtype=float)
        numerical = np.asarray(numerical, dtype=float)
        if analytic.shape != numerical.shape:
            raise ValueError(
                f"{name}: backprop gradient has shape {analytic.shape} but the numerical one "
                f"has {numerical.shape}"
            )
        diff = analytic - numerical
        max_abs = float(np.max(np.abs(diff))) if diff.size else 0.0
        scale = np.linalg.norm(analytic) + np.linalg.norm(numerical)
        rel = float(np.linalg.norm(diff) / scale) if scale > 0 else 0.0
        passed = bool(rel <= self.rtol or max_abs <= self.atol)
        self.rows.append(GradientCheckRow(name, analytic.shape, max_abs, rel, passed))

    def __str__(self):
        name_width = max([9] + [len(row.name) for row in self.rows])
        lines = [
            f"{self.title} (pass: relative <= {self.rtol:g} or max |diff| <= {self.atol:g})",
            f"{'parameter':<{name_width}}  {'shape':<12}  {'max |diff|':>11}  {'relative':>11}  result",
        ]
        for row in self.rows:
            lines.append(
                f"{row.name:<{name_width}}  {str(row.shape):<12}  {row.max_abs_diff:11.3e}  "
                f"{row.rel_diff:11.3e}  {'ok' if row.passed else 'FAIL'}"
            )
        lines.append("all gradients agree" if self.passed else "GRADIENT CHECK FAILED")
        return "\n".join(lines)


def _check_tolerances(rtol, atol, h):
    for name, value in (("rtol", rtol), ("atol", atol), ("h", h)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name}: expected a positive number, got {value!r}")


def _float64(array, name):
    """Gradient checks need float64: in float32, x + 1e-4 is rounded, and correct code 'fails' by 1e-2."""
    if np.asarray(array).dtype != np.float64:
        raise ValueError(f"{name}: a gradient check needs float64 parameters, got {np.asarray(array).dtype}; "
                         f"h = 1e-4 is below {np.asarray(array).dtype}'s resolution at this scale, so correct "
                         f"code would fail. Build the network or layer with dtype=np.float64 for the check")


def gradient_check(network, x, t, rtol=1e-6, atol=1e-9, h=1e-4):
    """Compare ``network.gradient(x, t)`` (backprop) with ``network.numerical_gradient``.

    Works with any network that has both methods and a ``params`` dict (``TwoLayerNet``,
    ``MultiLayerNet``). Returns a :class:`GradientCheckReport`; print it for the table.
    """
    _check_tolerances(rtol, atol, h)
    for name, array in network.params.items():
        _float64(array, f"network.params[{name!r}]")
    analytic = network.gradient(x, t)
    numerical = network.numerical_gradient(x, t, h=h)
    report = GradientCheckReport(rtol=rtol, atol=atol, title=f"gradient check of {type(network).__name__}")
    for name in network.params:
        report.add(name, analytic[name], numerical[name])
    return report


def gradient_check_layer(layer, x, t=None, train=True, seed=0, rtol=1e-6, atol=1e-9, h=1e-4):
    r"""Check one layer's ``backward`` against central differences.

    For an ordinary layer the scalar checked is :math:`f = \sum y \odot g` with
    :math:`y` = the layer's output and :math:`g` a fixed random upstream gradient
    (drawn with ``seed``), so :math:`\partial f/\partial y = g` is what ``backward``
    receives. For a loss layer (given ``t``), :math:`f` is the loss itself. Rows cover
    the input ``x`` and every parameter. ``x`` is not modified.
    """
    _check_tolerances(rtol, atol, h)
    for name, array in layer.params.items():
        _float64(array, f"layer.params[{name!r}]")
    x = np.array(x, dtype=float)
    if t is None:
        out = layer.forward(x, train=train)
        upstream = np.random.default_rng(seed).standard_normal(out.shape)
        dx = layer.backward(upstream)

        def f(_):
            return float(np.sum(layer.apply(x, train=train) * upstream))
    else:
        layer.forward(x, t, train=train)
        dx = layer.backward(1.0)

        def f(_):
            return float(layer.apply(x, t))

    analytic = {"x": dx, **{name: grad for name, grad in layer.grads.items()}}
    report = GradientCheckReport(rtol=rtol, atol=atol, title=f"gradient check of {type(layer).__name__}")
    report.add("x", analytic["x"], numerical_gradient(f, x, h))
    for name, array in layer.params.items():
        report.add(name, analytic[name], numerical_gradient(f, array, h))
    return report
