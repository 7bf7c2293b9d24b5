"""`make browser-check`: an interactive page in headless Chromium, and whether its WebGL surface was drawn.

Writes a page (a loss surface with a red descent path on it) and a screenshot of it into
build/browser-check/, then checks the screenshot: not blank, the surface's colors (the ends
of the viridis scale) and the path's red are there. Prints what it checked; exits 1 if not.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from matplotlib.image import imread

from scratchnet.plot import interactive

OUT = Path(__file__).resolve().parent.parent / "build" / "browser-check"
COLORS = {"surface, low (viridis purple)": (68, 1, 84), "surface, high (viridis yellow)": (253, 231, 37),
          "path (red)": (214, 39, 40)}


def screenshot(page, image):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("browser-check: no Chromium found (apt-get install chromium)")
    subprocess.run([browser, "--headless=new", "--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader",
                    "--enable-unsafe-swiftshader", "--hide-scrollbars", "--window-size=1200,850",
                    "--virtual-time-budget=8000", f"--screenshot={image}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def count_near(pixels, color, tolerance=40):
    return int(np.sum(np.all(np.abs(pixels - np.array(color)) < tolerance, axis=-1)))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    alphas, betas = np.linspace(-2, 2, 41), np.linspace(-2, 2, 41)
    A, B = np.meshgrid(alphas, betas)
    Z = A**2 + 0.5 * B**2
    steps = np.linspace(0, 1, 15)[:, None]
    path = (1 - steps) ** 2 * np.array([1.8, -1.6])  # a descent on the side facing the camera, 15 points
    figure = interactive.surface_figure(alphas, betas, Z, {"descent": path},
                                        {"descent": path[:, 0] ** 2 + 0.5 * path[:, 1] ** 2},
                                        title="browser check", colors=["#d62728"])
    page = interactive.write_page(figure, OUT / "browser_check.html")
    image = OUT / "browser_check.png"
    screenshot(page, image)
    pixels = (imread(image)[..., :3] * 255).astype(int)
    checks = {"not blank (pixel spread > 20)": float(pixels.std()) > 20}
    for name, color in COLORS.items():
        found = count_near(pixels, color)
        checks[f"{name}: {found} pixels (at least 100)"] = found >= 100
    print(f"screenshot: {image}")
    for name, passed in checks.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
