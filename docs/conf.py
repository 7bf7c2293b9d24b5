"""Sphinx configuration of scratchnet's site: guides, the gallery of the chapters, the API reference.

``make docs`` runs every chapter with its full settings; ``make docs-quick`` (CI) with ``--quick``.
The chapters are run from chapters/ as they are; nothing of their code lives here.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))  # the docs' own extensions (not the library, which is installed)
sys.path.insert(0, str(ROOT / "benchmarks"))  # render.py: the benchmarks' results as tables

import chapter_gallery  # noqa: E402
import render  # noqa: E402

import scratchnet  # noqa: E402

project = "scratchnet"
release = version = scratchnet.__version__
copyright = "the scratchnet authors"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax bundled into the site: formulas render offline
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_chapters", "_extra", "_rendered", "auto_examples/**/*.ipynb", "auto_examples/**/*.py"]
myst_heading_anchors = 3
autosummary_generate = True
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
nitpicky = False

QUICK = os.environ.get("SCRATCHNET_DOCS_QUICK") == "1"

# sphinx-gallery runs a chapter again only when its script changed: outputs of the other mode (a quick build's,
# for `make docs`) would be shown as they are. So the gallery remembers its mode, and starts over when it changes.
GALLERY = DOCS / "auto_examples"
MODE = "quick" if QUICK else "full"
MODE_FILE = GALLERY / ".chapter-mode"
if GALLERY.exists() and (not MODE_FILE.exists() or MODE_FILE.read_text(encoding="utf-8") != MODE):
    shutil.rmtree(GALLERY)
    shutil.rmtree(DOCS / "_extra" / "pages", ignore_errors=True)
    for built in ("auto_examples", "pages"):  # and the site's pages of them, so none of the other mode stays
        shutil.rmtree(DOCS / "_build" / "html" / built, ignore_errors=True)

(DOCS / "_extra").mkdir(exist_ok=True)  # the interactive pages the chapters write are copied in as they run

# The performance page's tables, rendered from what `make bench` measured last.
(DOCS / "_rendered").mkdir(exist_ok=True)
(DOCS / "_rendered" / "performance_tables.md").write_text(
    render.performance_tables(render.load()) if render.RESULTS.exists() else
    "No results yet: `make bench` measures them into `benchmarks/results.json`.\n", encoding="utf-8")


def _source_address():
    """Where a downloaded notebook installs scratchnet from: the address this checkout was cloned from."""
    try:
        return subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


SOURCE = os.environ.get("SCRATCHNET_SOURCE") or _source_address()
if SOURCE and "://" not in SOURCE and not SOURCE.startswith("git@"):  # a clone of a local folder: a file URL
    SOURCE = Path(SOURCE).resolve().as_uri()
INSTALL = (f'    %pip install -q "scratchnet[notebook] @ git+{SOURCE}"' if SOURCE else
           '    raise ImportError("scratchnet is not installed: see Getting started")')

sphinx_gallery_conf = {
    "examples_dirs": [str(chapter_gallery.stage(ROOT / "chapters", DOCS / "_chapters"))],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/ch",  # run every chapter
    "reset_argv": chapter_gallery.ChapterArguments(QUICK),
    "image_scrapers": [chapter_gallery.Scraper(DOCS / "_extra" / "pages")],
    "first_notebook_cell": ("# Runs as it is in Jupyter or Colab: installs scratchnet first where it is missing.\n"
                            "import importlib.util\n\n"
                            "if importlib.util.find_spec(\"scratchnet\") is None:\n" + INSTALL),
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
    "min_reported_time": 5,
    "write_computation_times": False,  # its pages load a table library from a CDN: the site must work offline
    "within_subsection_order": "FileNameSortKey",
}

html_theme = "pydata_sphinx_theme"
html_title = f"scratchnet {version}"
html_extra_path = ["_extra"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
html_static_path = []


def _remember_mode(app, exception):
    if exception is None and GALLERY.exists():
        MODE_FILE.write_text(MODE, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _remember_mode)
