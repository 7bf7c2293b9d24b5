"""Animations: each writer's render time and file size, and drawing each frame's artists over a kept background.

Two animations: the six-optimizer race (100 frames over contours) and descent on a 3D
loss surface beside its contour map (41 frames). Each is saved by every writer available
in this run, Pillow (GIF, always) and ffmpeg (MP4, when installed), twice: the way
scratchnet saves it (the background drawn once, each frame's artists over it) and with
``redraw=True`` (matplotlib draws the whole figure for every frame, the reference).
Ratios are to the reference of the same run; the frames of both GIFs are compared pixel
by pixel.

    python benchmarks/bench_race_writers.py
"""

import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from PIL import Image, ImageSequence  # noqa: E402
from rates import record  # noqa: E402 - benchmarks/rates.py, beside this script

from scratchnet.blas import blas_description  # noqa: E402
from scratchnet.objectives import descend, get_objective  # noqa: E402
from scratchnet.optimizers import SGD, get_optimizer  # noqa: E402
from scratchnet.plot import animate_landscape_descent, animate_race, save_animation  # noqa: E402
from scratchnet.plot.saving import ffmpeg_available  # noqa: E402

RATES = {"SGD": 0.95, "Momentum": 0.1, "Nesterov": 0.1, "AdaGrad": 1.5, "RMSprop": 0.3, "Adam": 0.3}


def animations():
    bowl = get_objective("bowl")
    paths = {name: descend(get_optimizer(name, lr=lr), bowl, (-7.0, 2.0), 99) for name, lr in RATES.items()}
    yield "six-optimizer race, 100 frames", animate_race(bowl, paths)
    alphas, betas = np.linspace(-8, 8, 40), np.linspace(-3, 3, 40)
    A, B = np.meshgrid(alphas, betas)
    path = descend(SGD(lr=0.9), bowl, (-7.0, 2.0), 40)
    Z, heights = bowl(A, B), bowl(path[:, 0], path[:, 1])
    yield "3D surface and contours, 41 frames", animate_landscape_descent(alphas, betas, Z, {"SGD": path},
                                                                          {"SGD": heights})


def gif_frames(path):
    return [np.asarray(frame.convert("RGB"), dtype=int) for frame in ImageSequence.Iterator(Image.open(path))]


def main():
    print(blas_description())
    writers = ["pillow"] + (["ffmpeg"] if ffmpeg_available() else [])
    ok, rows = True, []
    with tempfile.TemporaryDirectory() as folder:
        for label, animation in animations():
            print(label)
            for writer in writers:
                timed = {}
                for way, redraw in (("redrawn", True), ("blitted", False)):
                    began = time.perf_counter()
                    path = save_animation(animation, Path(folder) / f"{way}_{writer}", writer=writer, fps=12,
                                          redraw=redraw)
                    timed[way] = (time.perf_counter() - began, path)
                (slow, reference), (fast, written) = timed["redrawn"], timed["blitted"]
                line = (f"  {writer:<7} ({written.suffix}): redrawn {slow:6.2f} s, blitted {fast:6.2f} s: "
                        f"{slow / fast:5.1f}x faster; file {written.stat().st_size / 1024:6.0f} KiB")
                if written.suffix == ".gif":
                    before, after = gif_frames(reference), gif_frames(written)
                    share = max(np.mean(np.abs(a - b).max(axis=-1) > 40) for a, b in zip(before, after, strict=True))
                    line += f"; {len(after)} frames, at most {share:.2%} of a frame's pixels differ visibly"
                    ok &= len(before) == len(after) and share < 0.01
                print(line)
                rows.append({"measure": f"{label.split(':')[0]}, {writer} ({written.suffix}), blitted",
                             "value": slow / fast, "unit": "x", "against": "every frame redrawn"})
    if "ffmpeg" not in writers:
        print("  ffmpeg is not installed here: only the GIF writer was measured")
    print("frames equal to the redrawn ones (under 1% of pixels differ visibly)" if ok else "TARGET MISSED")
    record("bench_race_writers", rows, "blitted frames equal to the redrawn ones (under 1% of pixels differ)", ok)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
