"""The peak memory of each landscape chapter, against the least any of them needs.

Each ``chapters/ch_landscape_*.py`` runs in full in a child process, into a temporary folder
(so its grids are computed, not loaded); its peak resident memory comes from the kernel
(``wait4``'s ``ru_maxrss``). The reference, measured in the same run: a child that imports
the library and its plots and loads the embedded MNIST, the floor under every chapter.

Target: the two chapters that record a 784-128-10 network's path, ``ch_landscape_4`` and
``ch_landscape_6``, under 600 MB (``ch_landscape_4`` peaked at 827 MB when the PCA step copied
its 103 MB trajectory five or six times). The others are reported; the convolutional grid of
``ch_landscape_7`` holds the first convolution's output and its two direction terms for all
its images at once, which is its peak.

    python benchmarks/bench_memory.py [--quick]
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rates import record  # benchmarks/rates.py, beside this script

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
TARGET_MB = 600
TARGETED = ("ch_landscape_4_trajectory", "ch_landscape_6_your_own_network")
FLOOR = ("import scratchnet.landscape, scratchnet.plot, scratchnet.plot.interactive\n"
         "from scratchnet.datasets import load_mnist\nload_mnist()\n")


def peak(command):
    """``(peak resident MB, seconds)`` of a child running ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode:
        sys.exit(f"{command[-3] if len(command) > 3 else command}: failed\n{error[-2000:]}")
    return usage.ru_maxrss / 1024, time.perf_counter() - started  # ru_maxrss is in KB on Linux


def main():
    quick = "--quick" in sys.argv[1:]
    floor, _ = peak([sys.executable, "-c", FLOOR])
    print(f"imports, plots and the embedded MNIST: {floor:.0f} MB (the floor under every chapter)")
    worst, rows = ("", 0.0), []
    with tempfile.TemporaryDirectory() as out:
        for script in sorted(CHAPTERS.glob("ch_landscape_*.py")):
            megabytes, seconds = peak([sys.executable, str(script), "--out", out, *(["--quick"] if quick else [])])
            print(f"  {script.stem:<32} {megabytes:6.0f} MB  {megabytes / floor:4.1f}x the floor  ({seconds:.0f} s)",
                  flush=True)
            rows.append({"measure": f"{script.stem}: peak memory", "value": megabytes / floor, "unit": "x",
                         "against": f"the floor of imports, plots and data ({floor:.0f} MB here)"})
            if script.stem in TARGETED:
                worst = max(worst, (script.stem, megabytes), key=lambda item: item[1])
    if not quick:  # a quick run's peaks are not the chapters'
        record("bench_memory", rows, f"{' and '.join(TARGETED)} under {TARGET_MB} MB", worst[1] < TARGET_MB)
    if worst[1] >= TARGET_MB:
        sys.exit(f"target missed: {worst[0]} peaked at {worst[1]:.0f} MB (target: {' and '.join(TARGETED)} under "
                 f"{TARGET_MB} MB)")
    print(f"target met: {' and '.join(TARGETED)} under {TARGET_MB} MB (the more: {worst[0]}, {worst[1]:.0f} MB)")


if __name__ == "__main__":
    main()
