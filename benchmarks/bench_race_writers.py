"""The six-optimizer race, 100 frames: render time and file size for each animation writer.

Writers measured in this run: Pillow (GIF, always available) and ffmpeg (MP4, when it
is installed). The same animation object is rendered by each, so the numbers compare
the writers, not the plotting. Ratios are to the Pillow run of this same process.

    python benchmarks/bench_race_writers.py
"""

import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from scratchnet.blas import blas_description  # noqa: E402
from scratchnet.objectives import descend, get_objective  # noqa: E402
from scratchnet.optimizers import get_optimizer  # noqa: E402
from scratchnet.plot import animate_race, save_animation  # noqa: E402
from scratchnet.plot.saving import ffmpeg_available  # noqa: E402

RATES = {"SGD": 0.95, "Momentum": 0.1, "Nesterov": 0.1, "AdaGrad": 1.5, "RMSprop": 0.3, "Adam": 0.3}


def main():
    print(blas_description())
    bowl = get_objective("bowl")
    paths = {name: descend(get_optimizer(name, lr=lr), bowl, (-7.0, 2.0), 99) for name, lr in RATES.items()}
    began = time.perf_counter()
    animation = animate_race(bowl, paths)
    build = time.perf_counter() - began
    writers = ["pillow"] + (["ffmpeg"] if ffmpeg_available() else [])
    print(f"six-optimizer race, 100 frames; building the animation took {build:.2f} s")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for writer in writers:
            began = time.perf_counter()
            path = save_animation(animation, Path(folder) / "race", writer=writer, fps=12)
            results[writer] = (time.perf_counter() - began, path.stat().st_size, path.suffix)
    reference_time, reference_size, _ = results["pillow"]
    for writer, (seconds, size, suffix) in results.items():
        print(f"  {writer:<7} ({suffix}): render {seconds:6.2f} s ({seconds / reference_time:4.2f}x pillow), "
              f"file {size / 1024:8.0f} KiB ({size / reference_size:4.2f}x pillow)")
    if "ffmpeg" not in results:
        print("  ffmpeg is not installed here: only the GIF writer was measured")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
