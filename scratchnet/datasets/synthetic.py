"""Synthetic data sets, generated from an explicit seed."""

import numpy as np


def piecewise_regression(n=10000, seed=42, noise=1.0):
    r"""Inputs :math:`x \sim \mathcal N(1, 4.5^2)` and noisy targets of a three-piece function.

    .. math::
        y = \begin{cases} 2x + 5 & x < -2 \\ 7.3 \sin x & -2 \le x < 2 \\ -0.03 x^3 + 2 & x \ge 2 \end{cases}
            + \varepsilon, \quad \varepsilon \sim \mathcal N(0, \text{noise}^2)

    Returns ``(x, y)``, each of shape ``(n, 1)``: a one-input, one-output regression
    problem whose error surface, for a 1-1-1 network, can be drawn in full.
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n: expected a whole number >= 1, got {n}")
    rng = np.random.default_rng(seed)
    x = rng.normal(1.0, 4.5, size=int(n))
    y = np.where(x < -2, 2 * x + 5, np.where(x < 2, 7.3 * np.sin(x), -0.03 * x**3 + 2))
    y = y + rng.normal(0.0, noise, size=int(n))
    return x.reshape(-1, 1), y.reshape(-1, 1)
