"""What the benchmarks measure against: numpy's matrix-product rate in the same run, and a timer."""

import time

import numpy as np


def timed(function):
    """Seconds ``function()`` takes."""
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def matmul_rate(dtype=np.float64, size=1500, repeats=3):
    """numpy's matrix-product rate in this run: floating-point operations a second, best of ``repeats``."""
    a = np.random.default_rng(0).standard_normal((size, size)).astype(dtype)
    best = min(timed(lambda: a @ a) for _ in range(repeats))
    return 2 * size**3 / best
