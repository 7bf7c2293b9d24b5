"""What the benchmarks measure against: numpy's matrix-product rate in the same run, a timer, and turns."""

import time

import numpy as np


def timed(function):
    """Seconds ``function()`` takes."""
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def in_turn(variants, round_number):
    """``variants`` in order in even rounds, reversed in odd ones: each goes first in every other round,
    so that a machine's drift in speed falls on all of them alike."""
    return variants[::1 if round_number % 2 == 0 else -1]


def matmul_rate(dtype=np.float64, size=1500, repeats=3):
    """numpy's matrix-product rate in this run: floating-point operations a second, best of ``repeats``."""
    a = np.random.default_rng(0).standard_normal((size, size)).astype(dtype)
    best = min(timed(lambda: a @ a) for _ in range(repeats))
    return 2 * size**3 / best
