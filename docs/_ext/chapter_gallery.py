"""The gallery of the chapters: sphinx-gallery runs each chapter script as it is, and shows what it made.

Two pieces, both on the docs' side (the chapters know nothing of them):

- :func:`stage`: sphinx-gallery groups examples by folder, and the chapters live in one
  folder. This makes ``docs/_chapters/<group>/`` with a link to each script (never a copy
  of its code) and a header per group, in the book's order.
- :func:`scraper`: a chapter saves its figures through ``ChapterRun`` and closes them. After
  each chapter runs, the scraper shows what the run showed: each figure as an image, each
  animation as a player, each interactive page live in a frame.
"""

import os
import re
import shutil
from pathlib import Path

# (file-name prefix, heading, what the group covers), in the book's order.
GROUPS = [
    ("ch01", "1. Python and matplotlib", "The book's chapter 1: numpy arrays and the first plots."),
    ("ch02", "2. Perceptrons", "AND, OR, NAND and XOR gates, and where a single perceptron fails."),
    ("ch03", "3. Neural networks", "Activation functions, the forward pass, and inference on MNIST."),
    ("ch04", "4. Neural-network training", "Loss functions, numerical gradients and gradient descent."),
    ("ch05", "5. Backpropagation", "Computational graphs, layers with a backward pass, gradient checks."),
    ("ch06", "6. Training techniques", "Optimizers, weight initialization, batch norm, regularization, search."),
    ("ch07", "7. Convolutional networks", "Convolution and pooling layers, SimpleConvNet and its filters."),
    ("ch08", "8. Deep learning", "A deeper network, its mistakes, and half precision."),
    ("ch_landscape", "Beyond the book: loss landscapes",
     "Loss surfaces of trained networks, random and PCA planes, and the paths of training on them."),
]


def group_of(script):
    """The folder name of ``script``'s group: ``"9_ch_landscape"`` for a landscape, ``"4_ch04"`` for chapter 4."""
    for number, (prefix, _, _) in enumerate(GROUPS, 1):
        if script.name.startswith(prefix + "_"):
            return f"{number}_{prefix}"
    raise ValueError(f"script: {script.name} belongs to no group of the gallery; add its prefix to GROUPS")


def stage(chapters, staging):
    """Link every chapter of ``chapters`` into ``staging/<group>/``, with a header per group; returns ``staging``."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / "GALLERY_HEADER.rst").write_text(
        "Chapters\n========\n\nEvery chapter script, run as it is: the code, what it prints and what it draws. "
        "Each page offers the script and a notebook to download.\n", encoding="utf-8")
    for number, (prefix, heading, about) in enumerate(GROUPS, 1):
        folder = staging / f"{number}_{prefix}"
        folder.mkdir()
        (folder / "GALLERY_HEADER.rst").write_text(f"{heading}\n{'-' * len(heading)}\n\n{about}\n", encoding="utf-8")
    for script in sorted(Path(chapters).glob("ch*.py")):
        os.symlink(os.path.relpath(script, staging / group_of(script)), staging / group_of(script) / script.name)
    return staging


class ChapterArguments:
    """sphinx-gallery's ``reset_argv``: each chapter's options (``--quick`` or not, its own output folder).

    A chapter writes into ``_outputs/<name>/`` beside its staged link: sphinx-gallery runs it in
    that folder, so the page prints short paths ("wrote _outputs/ch01_matplotlib/ch01_sin_cos.png"),
    not the build machine's.
    """

    def __init__(self, quick):
        self.quick = quick

    def __call__(self, gallery_conf, script_vars):
        script = Path(script_vars["src_file"])
        out = script.parent / "_outputs" / script.stem
        return (["--quick"] if self.quick else []) + ["--out", str(out)]

    def __repr__(self):  # sphinx-gallery keys its cache on the configuration's text
        return f"ChapterArguments(quick={self.quick})"


class Scraper:
    """sphinx-gallery's image scraper for chapters: the figures, animations and pages of the run that finished.

    Interactive pages are copied to ``pages`` (published as ``pages/`` at the site's root) and framed.
    """

    def __init__(self, pages):
        self.pages = Path(pages)

    def __repr__(self):
        return "chapter_gallery.Scraper"

    def __call__(self, block, block_vars, gallery_conf):
        from sphinx_gallery.scrapers import figure_rst

        from scratchnet.chapter import ChapterRun

        run, ChapterRun.last = ChapterRun.last, None
        if run is None:
            return ""
        parts = []
        images = block_vars["image_path_iterator"]
        for shown in run.shown:
            if hasattr(shown, "to_jshtml"):  # an animation: a player with play, pause and a frame slider
                parts.append(raw_html(offline_player(shown.to_jshtml())))
            else:
                path = next(images)
                shown.savefig(path, dpi=100, bbox_inches="tight")  # as the chapter saves it
                parts.append(figure_rst([path], gallery_conf["src_dir"]))
        for written in run.written:
            if Path(written).suffix == ".html":
                parts.append(self.frame(Path(written)))
        return "\n".join(parts)

    def frame(self, page):
        self.pages.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, self.pages / page.name)
        script = page.parent / "plotly.min.js"
        if script.exists() and not (self.pages / script.name).exists():
            shutil.copyfile(script, self.pages / script.name)
        # The example's page is auto_examples/<group>/<name>.html: two folders below the site's root.
        return raw_html(f'<iframe src="../../pages/{page.name}" title="{page.stem} (interactive)" '
                        f'style="width: 100%; height: 720px; border: 0" loading="lazy"></iframe>'
                        f'<p><a href="../../pages/{page.name}">Open {page.name} on its own page</a></p>')


# matplotlib's player draws its buttons with Font Awesome icons loaded from a CDN; the site works offline, so the
# stylesheet goes and each icon becomes a character every font has.
PLAYER_ICONS = {"fa-minus": "\u2212", "fa-fast-backward": "\u23ee", "fa-step-backward": "\u25c2",
                "fa-play fa-flip-horizontal": "\u25c0", "fa-pause": "\u23f8", "fa-play": "\u25b6",
                "fa-step-forward": "\u25b8", "fa-fast-forward": "\u23ed", "fa-plus": "+"}


def offline_player(html):
    """``html`` (an animation's ``to_jshtml()``) without its CDN stylesheet, its icons as plain characters."""
    html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", html)
    for icon, character in PLAYER_ICONS.items():
        html = html.replace(f'<i class="fa {icon}"></i>', character)
    return html


def raw_html(html):
    return ".. raw:: html\n\n" + "".join(f"    {line}\n" for line in html.splitlines()) + "\n"
