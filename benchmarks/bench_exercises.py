"""How long one exercise check takes, and what of it is the isolation (a fresh child process).

Every exercise's solution is checked in a fresh workspace, three rounds, keeping each check's
best time. The reference, measured in the same run: the start of a bare interpreter that only
imports numpy, which is the least a child process costs. The capstone trains a network and
is reported apart.

Target: every check but the capstone under 2 s on this machine.

    python benchmarks/bench_exercises.py
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rates import record  # benchmarks/rates.py, beside this script

from scratchnet.exercises import runner
from scratchnet.exercises.catalog import EXERCISES
from scratchnet.exercises.cli import init
from scratchnet.exercises.solutions import SOLUTIONS

ROUNDS = 3
TARGET = 2.0


def bare_start():
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import numpy"], check=True)
    return time.perf_counter() - started


def main():
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        init(folder, out=lambda *_: None)
        for name, text in SOLUTIONS.items():
            (folder / f"{name}.py").write_text(text)
        best = {exercise.name: float("inf") for exercise in EXERCISES}
        bare = float("inf")
        for round_number in range(ROUNDS):
            bare = min(bare, bare_start())
            for exercise in EXERCISES:
                if exercise.kind == "capstone" and round_number:
                    continue
                started = time.perf_counter()
                result = runner.check(folder, exercise.name)
                best[exercise.name] = min(best[exercise.name], time.perf_counter() - started)
                if not result.passed:
                    sys.exit(f"{exercise.name}: the solution did not pass: {result.lines}")
    print(f"a bare interpreter importing numpy: {bare:.2f} s (the least a child costs)")
    plain = {name: seconds for name, seconds in best.items() if name != "two_layer_net"}
    for name, seconds in sorted(plain.items(), key=lambda item: -item[1]):
        print(f"  {name:<22} {seconds:5.2f} s  {seconds / bare:4.1f}x a bare start")
    print(f"  two_layer_net (trains on MNIST, once) {best['two_layer_net']:.1f} s")
    slowest = max(plain, key=plain.get)
    record("bench_exercises", [
        {"measure": f"the slowest check but the capstone ({slowest})", "value": plain[slowest] / bare, "unit": "x",
         "against": "a bare interpreter importing numpy (the least an isolated check costs)"},
        {"measure": "the capstone (trains on MNIST)", "value": best["two_layer_net"] / bare, "unit": "x",
         "against": "a bare interpreter importing numpy"}],
        f"every check but the capstone under {TARGET:g} s", plain[slowest] < TARGET)
    if plain[slowest] >= TARGET:
        sys.exit(f"target missed: {slowest} took {plain[slowest]:.2f} s (target: every check under {TARGET:g} s)")
    print(f"target met: every check but the capstone under {TARGET:g} s (slowest: {slowest}, {plain[slowest]:.2f} s)")


if __name__ == "__main__":
    main()
