"""What the benchmarks measure against (numpy's matrix-product rate in the same run, a timer, turns), and where
they write what they measured (``results.json``)."""

import datetime
import json
import os
import time
from pathlib import Path

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


RESULTS = Path(__file__).resolve().parent / "results.json"


def machine():
    """The machine a result was measured on: cores, BLAS and its threads, the load, the Python and numpy."""
    import platform

    from scratchnet.blas import blas_description

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cores": os.cpu_count(), "blas": blas_description(), "load_1min": load,
            "python": platform.python_version(), "numpy": np.__version__, "system": platform.platform(terse=True)}


def record(benchmark, rows, target, met):
    """Write this run's results of ``benchmark`` into ``benchmarks/results.json`` (atomically), beside the others'.

    ``rows``: ``[{"measure": what was timed, "value": the number, "unit": "x" for a ratio or "s", "MB", ...,
    "against": what a ratio is measured against}]``; ``target``: the script's target in words; ``met``: whether
    it was met. The docs' performance page and the README's table are rendered from this file.
    """
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results[benchmark] = {"date": datetime.date.today().isoformat(), "machine": machine(), "target": target,
                          "met": bool(met), "rows": [{**row, "value": float(row["value"])} for row in rows]}
    temporary = RESULTS.with_name(f".{RESULTS.name}.part")
    temporary.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, RESULTS)
