r"""Two-dimensional test functions with analytic gradients, and :func:`descend`.

Each :class:`Objective` evaluates on scalars or on whole grids (``f(X, Y)`` with
``X, Y`` from ``np.meshgrid``) and knows its gradient, a sensible plotting window and
its minima. :func:`descend` runs any optimizer from :mod:`scratchnet.optimizers` on
one of them, treating the point as the parameter dict ``{"xy": array([x, y])}``: the
same update code that trains networks.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np


class DivergenceWarning(UserWarning):
    """A descent path left the finite numbers and was cut where it did."""


@dataclass(frozen=True)
class Objective:
    """A function :math:`f(x, y)` with its gradient, plotting window and minima."""

    name: str
    formula: str  # LaTeX, for titles
    function: object = field(repr=False)
    gradient_function: object = field(repr=False)
    xlim: tuple = (-5.0, 5.0)
    ylim: tuple = (-5.0, 5.0)
    minima: tuple = ()
    log_scale: bool = False  # whether contour levels read better spaced logarithmically

    def __call__(self, x, y):
        return self.function(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    def gradient(self, x, y):
        r""":math:`(\partial f/\partial x, \partial f/\partial y)`, each shaped like ``x``."""
        gx, gy = self.gradient_function(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.broadcast_to(gx, np.shape(x)).astype(float), np.broadcast_to(gy, np.shape(y)).astype(float)

    def grid(self, n=200, xlim=None, ylim=None):
        """``X, Y, Z`` over the window, ``n`` points a side, ``Z[j, i] = f(X[j, i], Y[j, i])``."""
        xs = np.linspace(*(xlim or self.xlim), n)
        ys = np.linspace(*(ylim or self.ylim), n)
        X, Y = np.meshgrid(xs, ys)
        return X, Y, self(X, Y)


def _bowl(x, y):
    return x**2 / 20.0 + y**2


def _sphere(x, y):
    return x**2 + y**2


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_gradient(x, y):
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3


def _beale(x, y):
    a, b, c = _beale_terms(x, y)
    return a**2 + b**2 + c**2


def _beale_gradient(x, y):
    a, b, c = _beale_terms(x, y)
    gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2
    return gx, gy


def _himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmelblau_gradient(x, y):
    a, b = x**2 + y - 11, x + y**2 - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def _rastrigin(x, y):
    return 20 + x**2 - 10 * np.cos(2 * np.pi * x) + y**2 - 10 * np.cos(2 * np.pi * y)


def _rastrigin_gradient(x, y):
    return 2 * x + 20 * np.pi * np.sin(2 * np.pi * x), 2 * y + 20 * np.pi * np.sin(2 * np.pi * y)


OBJECTIVES = {
    "bowl": Objective("bowl", r"$f(x, y) = \frac{x^2}{20} + y^2$", _bowl,
                      lambda x, y: (x / 10.0, 2 * y), (-10.0, 10.0), (-5.0, 5.0), ((0.0, 0.0),)),
    "sphere": Objective("sphere", r"$f(x_0, x_1) = x_0^2 + x_1^2$", _sphere,
                        lambda x, y: (2 * x, 2 * y), (-4.5, 4.5), (-4.5, 4.5), ((0.0, 0.0),)),
    "rosenbrock": Objective("rosenbrock", r"$f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$", _rosenbrock,
                            _rosenbrock_gradient, (-2.0, 2.0), (-1.0, 3.0), ((1.0, 1.0),), log_scale=True),
    "beale": Objective("beale", r"$f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2$",
                       _beale, _beale_gradient, (-4.5, 4.5), (-4.5, 4.5), ((3.0, 0.5),), log_scale=True),
    "himmelblau": Objective("himmelblau", r"$f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2$", _himmelblau,
                            _himmelblau_gradient, (-5.0, 5.0), (-5.0, 5.0),
                            ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
                            log_scale=True),
    "saddle": Objective("saddle", r"$f(x, y) = x^2 - y^2$", lambda x, y: x**2 - y**2,
                        lambda x, y: (2 * x, -2 * y), (-2.0, 2.0), (-2.0, 2.0), ()),
    "rastrigin": Objective("rastrigin", r"$f = 20 + \sum_{v \in \{x, y\}} (v^2 - 10\cos 2\pi v)$", _rastrigin,
                           _rastrigin_gradient, (-5.12, 5.12), (-5.12, 5.12), ((0.0, 0.0),)),
}


def get_objective(name):
    """An objective by name: bowl, sphere, rosenbrock, beale, himmelblau, saddle, rastrigin.

    Anything that already has a ``gradient`` method (an :class:`Objective`, a
    :class:`~scratchnet.landscape.WeightSlice`) is returned as it is.
    """
    if hasattr(name, "gradient"):
        return name
    if name not in OBJECTIVES:
        raise ValueError(f"name: expected one of {', '.join(OBJECTIVES)}, got {name!r}")
    return OBJECTIVES[name]


def best_learning_rate(name, objective, start, steps, rates):
    """The rate of ``rates`` whose path has the lowest mean f over all its steps, and that path.

    The mean over the whole path rewards getting low fast and staying there; judging by
    the last point alone would favour rates on the edge of instability, whose paths jump
    wildly before they land. A rate is disqualified when the path diverges or leaves the
    objective's plotting window by more than its own width. Returns ``(lr, path)``;
    raises ``ValueError`` if every rate is disqualified.
    """
    from scratchnet.optimizers import get_optimizer

    objective = get_objective(objective)
    width = max(np.ptp(objective.xlim), np.ptp(objective.ylim))
    center = np.array([np.mean(objective.xlim), np.mean(objective.ylim)])
    best = None
    for lr in rates:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)
            path = descend(get_optimizer(name, lr=lr), objective, start, steps)
        if len(path) < steps + 1 or np.abs(path - center).max() > width:
            continue
        score = float(np.mean(objective(path[:, 0], path[:, 1])))
        if best is None or score < best[0]:
            best = (score, float(lr), path)
    if best is None:
        raise ValueError(f"rates: every rate made {name} diverge or leave the window on {objective.name}")
    return best[1], best[2]


def descend(optimizer, objective, start, steps):
    """Run ``optimizer`` on ``objective`` from ``start`` for ``steps`` updates.

    Returns the path, an array of shape ``(steps + 1, 2)`` whose first row is ``start``.
    If the point becomes NaN or infinite (a learning rate too large, a function
    unbounded below), the path stops at the last finite point and a
    :class:`DivergenceWarning` says at which step.
    """
    objective = get_objective(objective)
    start = np.asarray(start, dtype=float)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ValueError(f"start: expected a finite point (x, y), got {start!r}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps: expected a whole number >= 0, got {steps}")
    params = {"xy": start.copy()}
    path = [start.copy()]
    # Overflow on the way to infinity is expected and handled below, not a warning per step.
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, int(steps) + 1):
            optimizer.update(params, {"xy": np.array(objective.gradient(*params["xy"]))})
            if not np.all(np.isfinite(params["xy"])):
                warnings.warn(
                    f"{type(optimizer).__name__} on {objective.name}: the point became non-finite at step "
                    f"{step} (lr={optimizer.lr:g}); the path stops at step {step - 1}",
                    DivergenceWarning, stacklevel=2,
                )
                break
            path.append(params["xy"].copy())
    return np.array(path)
