"""``ChapterRun``: the common frame of every chapter script (its options, its output folder, its saving).

Every chapter accepts ``--quick`` (small settings, for a fast look and for the tests),
``--show`` (open the figures in windows too), ``--out DIR`` and ``--no-cache``. Full runs
write into the project's ``figures/``; quick runs write into ``build/quick-figures/``
unless given ``--out``, so a quick look never overwrites the gallery. The output folder
is checked before any work, so a run that cannot save stops at once with one line. In a
Jupyter notebook (a chapter opened with jupytext) the options come from the environment
variable ``SCRATCHNET_CHAPTER_ARGS`` (``%env SCRATCHNET_CHAPTER_ARGS=--quick``), and every
figure and animation is shown in the cell as well as saved.
"""

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

from scratchnet.progress import in_notebook, ipython_shell

PACKAGE = Path(__file__).resolve().parent


def project_of(chapters_folder):
    """The folder whose ``figures/`` the chapters in ``chapters_folder`` write to: the checkout they belong to, or,
    for the chapters installed inside the package (a ``pip install``), the working folder, never the installation."""
    folder = Path(chapters_folder).resolve()
    return Path.cwd() if folder == PACKAGE / "chapters" or PACKAGE in folder.parents else folder.parent


def output_folder(project, out=None, quick=False):
    """A chapter writes to ``out`` if given, else ``build/quick-figures/`` (quick) or ``figures/`` of ``project``."""
    if out is not None:
        return Path(out)
    return Path(project) / "build" / "quick-figures" if quick else Path(project) / "figures"


def shown_path(path):
    """``path`` as a reader wants it printed: relative to the current folder when inside it, else in full."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class ChapterRun:
    """Parses a chapter script's options and writes its outputs.

    ``flags`` adds a chapter's own on/off options (``{"--wide": "help text"}``), read back as
    ``run.args.wide``; ``options`` adds options with a value (``{"--data": {"choices":
    ["embedded", "full"], "default": "embedded", "help": "..."}}``). ``save`` writes a
    figure atomically and remembers it; ``finish`` shows or closes the figures and returns
    the paths written. ``ChapterRun.last`` is the run that finished last (its ``written``
    paths and ``shown`` figures and animations), for a tool that runs chapters, such as the
    docs' gallery.
    """

    last = None

    def __init__(self, doc, script, argv=None, flags=None, options=None):
        summary = (doc or "").strip().splitlines()[0] if doc else ""
        if script:  # a script passes its __file__
            script = Path(script)
            project = project_of(script.resolve().parent)
        else:  # a notebook has none: opened in chapters/, it writes where the script would; elsewhere, beside itself
            script = Path.cwd() / "notebook.py"
            project = project_of(Path.cwd()) if Path.cwd().name == "chapters" else Path.cwd()
        parser = argparse.ArgumentParser(prog=Path(script).name, description=summary)
        parser.add_argument("--quick", action="store_true",
                            help="small, fast settings; written to build/quick-figures/ unless --out is given")
        parser.add_argument("--show", action="store_true", help="also show the figures in windows")
        parser.add_argument("--out", type=Path, default=None,
                            help="folder for the figures (default: figures/ beside chapters/)")
        parser.add_argument("--no-cache", action="store_true", help="recompute loss grids instead of loading them")
        for flag, help_text in (flags or {}).items():
            parser.add_argument(flag, action="store_true", help=help_text)
        for option, settings in (options or {}).items():
            parser.add_argument(option, **settings)
        self.notebook = in_notebook()
        if argv is None and self.notebook:
            # In Jupyter, sys.argv is the kernel's; a chapter's options come from this variable instead.
            argv = shlex.split(os.environ.get("SCRATCHNET_CHAPTER_ARGS", ""))
        self.args = parser.parse_args(argv)
        self.quick, self.show = self.args.quick, self.args.show
        self.out = output_folder(project, self.args.out, self.quick)
        problem = writable_folder_problem(self.out)
        if problem:
            parser.exit(2, f"{parser.prog}: error: --out {self.out}: {problem}\n")
        if self.quick and self.args.out is None:
            self.log(f"  quick run: writing to {shown_path(self.out)} (the gallery in figures/ is left alone)")
        import matplotlib

        if not self.show and not self.notebook and ipython_shell() is None:
            matplotlib.use("Agg")  # headless; a running IPython session (a kernel, a terminal) keeps its backend
        self.written, self.shown = [], []

    def cache_path(self, name):
        """Where to keep a computed grid (``out/.cache/name.npz``), or ``None`` with ``--no-cache`` or ``--quick``."""
        if self.args.no_cache or self.quick:
            return None
        return self.out / ".cache" / f"{name}.npz"

    def log(self, message):
        """Print a line of results (above a progress bar, if one is drawn, which then goes on below it)."""
        from tqdm import tqdm

        tqdm.write(message, file=sys.stdout)
        sys.stdout.flush()

    def save(self, fig, name, dpi=120):
        """Write ``fig`` as ``out/name`` (atomically) and remember the path."""
        from scratchnet.plot.saving import save_figure

        path = save_figure(fig, self.out / name, dpi=dpi)
        self.written.append(path)
        self.shown.append(fig)
        self.log(f"  wrote {shown_path(path)}")
        return path

    def save_animation(self, animation, name, **options):
        """Write ``animation`` as ``out/name`` (MP4 with ffmpeg, else GIF) and remember the path."""
        from scratchnet.plot.saving import save_animation

        path = save_animation(animation, self.out / name, **options)
        self.written.append(path)
        self.shown.append(animation)
        self.log(f"  wrote {shown_path(path)}")
        return path

    def save_page(self, name, build, *args, **kwargs):
        """Write ``out/name.html``, the interactive page of ``build(*args, **kwargs)`` (a plotly figure).

        Without plotly the page is skipped, with one line saying how to get it; nothing else
        depends on it.
        """
        from scratchnet.plot import interactive

        try:
            figure = build(*args, **kwargs)
        except ImportError as error:
            if not getattr(self, "_said_no_plotly", False):
                self.log(f"  no interactive pages: {error}")
                self._said_no_plotly = True
            return None
        path = interactive.write_page(figure, self.out / name)
        self.written.append(path)
        self.log(f"  wrote {shown_path(path)} (open it in a browser: rotate, zoom, hover)")
        return path

    def finish(self):
        import matplotlib
        import matplotlib.pyplot as plt

        ChapterRun.last = self

        if self.notebook:  # each figure and animation once, in the cell: a picture, or a player
            from IPython.display import HTML, display

            for shown in self.shown:
                display(HTML(shown.to_jshtml()) if hasattr(shown, "to_jshtml") else shown)
            plt.close("all")
            return list(self.written)

        if self.show:
            from scratchnet.plot.style import fit_on_screen

            for number in plt.get_fignums():  # the saved files keep their size; only the windows shrink
                fit_on_screen(plt.figure(number))
            if matplotlib.get_backend().lower() in NON_INTERACTIVE:
                self.log(f"  --show: no display here (matplotlib backend {matplotlib.get_backend()!r}); the figures "
                         f"are in {self.out}")
            elif plt.get_fignums():
                self.log("  showing the figures: close the window(s) to continue")
                plt.show()
        plt.close("all")
        return list(self.written)


NON_INTERACTIVE = {"agg", "pdf", "ps", "svg", "cairo", "pgf", "template", "module://matplotlib_inline.backend_inline"}


def writable_folder_problem(folder):
    """Why files cannot be written into ``folder`` (creating it if needed), or ``None`` if they can."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as error:
        return f"cannot write there ({error.strerror or error})"
    if not os.access(folder, os.W_OK):
        return "cannot write there (permission denied)"
    return None
