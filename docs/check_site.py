"""`make docs-check`: the built site, checked as a reader would meet it.

1. Every local link and image of every page points to a file that exists.
2. Every chapter script has its gallery page, and the page shows what the chapter made (an image,
   an animation player or a framed interactive page).
3. Nothing is fetched from the network (the site works offline), and MathJax, bundled with the
   site, typesets a docstring's formulas.
4. Every interactive page in headless Chromium: no JavaScript error, not blank, and each path's
   colour on the screen (a path hidden behind its surface fails).
5. In headless Chromium: the index, a chapter with an animation, a chapter with a live 3D plot and
   the API page load without a JavaScript error and are not blank; the 3D plot's surface is drawn
   (the viridis colors of its surface are on the screen).

Prints what it checked; exits 1 on any failure.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
from matplotlib.image import imread

DOCS = Path(__file__).resolve().parent
SITE = DOCS / "_build" / "html"
CHAPTERS = DOCS.parent / "chapters"
VIRIDIS_ENDS = {"viridis purple": (68, 1, 84), "viridis yellow": (253, 231, 37)}
# A path's line in an interactive page (scratchnet.plot.interactive draws every path 7 pixels wide).
PATH_LINE = re.compile(r'"line":\{"color":"(#[0-9a-fA-F]{6})","width":7\}')


def path_colors(page):
    """The colours of the paths drawn in an interactive page, read from its figure's data.

    A page with lines and markers (a path) whose colours cannot be read is refused, not passed.
    """
    html = page.read_text(encoding="utf-8")
    colors = sorted(set(PATH_LINE.findall(html)))
    if not colors and '"mode":"lines+markers"' in html:
        raise ValueError(f"{page.name}: a path is drawn, but not as scratchnet.plot.interactive draws one")
    return colors


def rgb(color):
    return tuple(int(color[k:k + 2], 16) for k in (1, 3, 5))


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.tags, self.loaded = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
        named = dict(attrs)
        # What the browser fetches to show the page: scripts, stylesheets, images, frames (not links to follow).
        fetched = named.get("src") if tag in ("script", "img", "iframe") else \
            named.get("href") if tag == "link" and named.get("rel") in ("stylesheet", "preload", "icon") else None
        if fetched:
            self.loaded.append(fetched)


def parsed(page):
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    return parser


def broken_links(site):
    broken = []
    for page in sorted(p for p in site.rglob("*.html") if "_static" not in p.parts):  # not the theme's templates
        for link in parsed(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path or link.startswith(("#", "mailto:", "javascript:")):
                continue
            if not (page.parent / unquote(parts.path)).exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def fetched_from_the_network(site):
    """Every script, stylesheet, image or frame a page loads from another host: the site must work offline."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for link in parsed(page).loaded:
            if urlsplit(link).scheme in ("http", "https") or link.startswith("//"):
                found.append(f"{page.relative_to(site)} -> {link}")
    return found


def rendered_dom(page):
    """The page's DOM after its scripts ran (Chromium's --dump-dom)."""
    done = subprocess.run([_browser(), "--headless=new", "--no-sandbox", "--virtual-time-budget=10000", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=180)
    return done.stdout


def chapter_pages(site):
    """``{chapter name: page or None}``, and the chapters whose page shows nothing they made."""
    pages = {script.stem: next(site.glob(f"auto_examples/*/{script.stem}.html"), None)
             for script in sorted(CHAPTERS.glob("ch*.py"))}
    empty = []
    for name, page in pages.items():
        if page is None:
            continue
        text = page.read_text(encoding="utf-8")
        if not ("sphx-glr-single-img" in text or "<iframe" in text or "animation" in text.lower()):
            empty.append(name)
    return pages, empty


def _browser():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("docs-check: no Chromium found (apt-get install chromium)")
    return browser


def screenshot(page):
    """A screenshot of ``page`` as pixels, and what Chromium logged of its console."""
    browser = _browser()
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "page.png"
        done = subprocess.run([browser, "--headless=new", "--no-sandbox", "--use-gl=angle", "--use-angle=swiftshader",
                               "--enable-unsafe-swiftshader", "--hide-scrollbars", "--window-size=1300,1800",
                               "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0",
                               f"--screenshot={image}", page.as_uri()], capture_output=True, text=True, timeout=180)
        pixels = (imread(image)[..., :3] * 255).astype(int) if image.exists() else np.zeros((1, 1, 3), int)
    errors = [line for line in done.stderr.splitlines() if "CONSOLE" in line and "Uncaught" in line]
    return pixels, errors


def near(pixels, color, tolerance=40):
    return int(np.sum(np.all(np.abs(pixels - np.array(color)) < tolerance, axis=-1)))


def main():
    if not (SITE / "index.html").exists():
        sys.exit(f"docs-check: no site in {SITE}; build it first (make docs-quick)")
    checks = {}
    broken = broken_links(SITE)
    checks[f"local links and images: {len(broken)} broken" + "".join(f"\n       {b}" for b in broken[:20])] = \
        not broken
    remote = fetched_from_the_network(SITE)
    checks[f"offline: {len(remote)} scripts, styles or images fetched from the network"
           + "".join(f"\n       {r}" for r in remote[:10])] = not remote
    math_page = SITE / "_generated" / "api" / "scratchnet.landscape.directions.html"
    typeset = rendered_dom(math_page).count("<mjx-container") if math_page.exists() else 0
    checks[f"math typeset by the bundled MathJax ({math_page.relative_to(SITE)}: {typeset} formulas, "
           "at least 2)"] = typeset >= 2
    pages, empty = chapter_pages(SITE)
    missing = [name for name, page in pages.items() if page is None]
    checks[f"{len(pages)} chapters: pages missing {missing or 'none'}, showing nothing {empty or 'none'}"] = \
        bool(pages) and not missing and not empty
    for label, relative, surface in (("index", "index.html", False),
                                     ("an animation", "auto_examples/6_ch06/ch06_optimizer_race.html", False),
                                     ("a live 3D plot", "pages/landscape_random_plane.html", True),
                                     ("the API", "api.html", False)):
        pixels, errors = screenshot(SITE / relative)
        spread = float(pixels.std())
        checks[f"{label} ({relative}): not blank (pixel spread {spread:.0f}), JavaScript errors: {errors or 'none'}"] \
            = spread > 10 and not errors
        if surface:
            found = {name: near(pixels, color) for name, color in VIRIDIS_ENDS.items()}
            checks[f"{label}: the surface is drawn ({found} pixels, at least 100 each)"] = \
                all(count >= 100 for count in found.values())
    # Every interactive page: it loads, and each of its paths shows (its colour on the screen, not hidden
    # behind the surface or tinted by it).
    for page in sorted((SITE / "pages").glob("*.html")):
        pixels, errors = screenshot(page)
        pixels[:420, :330] = 255  # the legend's corner: its swatches show a path's colour even when the path is hidden
        seen = {color: near(pixels, rgb(color), tolerance=30) for color in path_colors(page)}
        checks[f"page {page.name}: not blank, JavaScript errors: {errors or 'none'}, path pixels {seen or 'no paths'} "
               "(at least 50 each)"] = float(pixels.std()) > 10 and not errors and \
            all(count >= 50 for count in seen.values())
    for name, passed in checks.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
