"""The ``scratchnet`` command, and :class:`ChapterRun`, the common frame of every chapter script.

    scratchnet list                 one line per chapter script
    scratchnet figures [--quick]    run every chapter, writing figures/ (headless)
    scratchnet run NAME [ARGS...]   run one chapter, e.g. ``scratchnet run ch05_train_neuralnet --quick``

Chapter scripts live in the project's ``chapters/`` folder, not in the package. The
command finds them with ``--chapters DIR``, else ``$SCRATCHNET_CHAPTERS``, else
``./chapters``, else the ``chapters/`` folder beside an editable install's package.
"""

import argparse
import os
import runpy
import sys
import time
from pathlib import Path


class ChapterRun:
    """Parses a chapter script's options and writes its outputs.

    Every chapter accepts ``--quick`` (small settings, for tests), ``--show`` (open
    windows instead of rendering headless) and ``--out DIR`` (default: the
    ``figures/`` folder beside ``chapters/``). ``flags`` adds a chapter's own on/off
    options (``{"--wide": "help text"}``), read back as ``run.args.wide``. ``save``
    writes a figure atomically and remembers it; ``finish`` shows or closes the
    figures and returns the paths written.
    """

    def __init__(self, doc, script, argv=None, flags=None):
        summary = (doc or "").strip().splitlines()[0] if doc else ""
        parser = argparse.ArgumentParser(prog=Path(script).name, description=summary)
        parser.add_argument("--quick", action="store_true", help="small, fast settings (for tests)")
        parser.add_argument("--show", action="store_true", help="show figures in windows instead of only saving")
        parser.add_argument("--out", type=Path, default=Path(script).resolve().parent.parent / "figures",
                            help="folder for the figures (default: figures/ beside chapters/)")
        parser.add_argument("--no-cache", action="store_true", help="recompute loss grids instead of loading them")
        for flag, help_text in (flags or {}).items():
            parser.add_argument(flag, action="store_true", help=help_text)
        self.args = parser.parse_args(argv)
        self.quick, self.show, self.out = self.args.quick, self.args.show, self.args.out
        import matplotlib

        if not self.show:
            matplotlib.use("Agg")
        self.written = []

    def cache_path(self, name):
        """Where to keep a computed grid (``out/.cache/name.npz``), or ``None`` with ``--no-cache`` or ``--quick``."""
        if self.args.no_cache or self.quick:
            return None
        return self.out / ".cache" / f"{name}.npz"

    def log(self, message):
        print(message, flush=True)

    def save(self, fig, name, dpi=120):
        """Write ``fig`` as ``out/name`` (atomically) and remember the path."""
        from scratchnet.plot.saving import save_figure

        path = save_figure(fig, self.out / name, dpi=dpi)
        self.written.append(path)
        self.log(f"  wrote {path}")
        return path

    def save_animation(self, animation, name, **options):
        """Write ``animation`` as ``out/name`` (MP4 with ffmpeg, else GIF) and remember the path."""
        from scratchnet.plot.saving import save_animation

        path = save_animation(animation, self.out / name, **options)
        self.written.append(path)
        self.log(f"  wrote {path}")
        return path

    def finish(self):
        import matplotlib.pyplot as plt

        if self.show:
            plt.show()
        plt.close("all")
        return list(self.written)


def find_chapters(folder=None):
    """The chapters folder: ``folder``, else ``$SCRATCHNET_CHAPTERS``, ``./chapters``, or beside the package."""
    if folder is not None:
        if not any(Path(folder).glob("ch*.py")):
            raise FileNotFoundError(f"chapters: expected a folder of chapter scripts (ch*.py), got {folder}")
        return Path(folder)
    candidates = [os.environ.get("SCRATCHNET_CHAPTERS"), Path.cwd() / "chapters",
                  Path(__file__).resolve().parent.parent / "chapters"]
    for candidate in candidates:
        if candidate and any(Path(candidate).glob("ch*.py")):
            return Path(candidate)
    raise FileNotFoundError(
        "chapters: no folder of chapter scripts (ch*.py) found. Run from the project folder, "
        "or pass --chapters DIR, or set SCRATCHNET_CHAPTERS"
    )


def chapter_scripts(folder):
    return sorted(Path(folder).glob("ch*.py"))


def summary_line(script):
    """The first line of a script's docstring, read without running it."""
    import ast

    doc = ast.get_docstring(ast.parse(Path(script).read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def run_chapter(script, argv):
    """Run a chapter script's ``main(argv)`` in this process; returns the paths it wrote."""
    namespace = runpy.run_path(str(script), run_name="scratchnet_chapter")
    if "main" not in namespace:
        raise ValueError(f"script: {script} has no main(argv) function")
    return namespace["main"](argv) or []


def _chapter_argv(args):
    argv = []
    if args.quick:
        argv.append("--quick")
    if args.out:
        argv += ["--out", str(args.out)]
    return argv


def command_list(args):
    for script in chapter_scripts(find_chapters(args.chapters)):
        print(f"{script.stem:<32} {summary_line(script)}")
    return 0


def command_figures(args):
    folder = find_chapters(args.chapters)
    scripts = [s for s in chapter_scripts(folder) if not args.only or any(p in s.stem for p in args.only)]
    if not scripts:
        print(f"no chapter matches {args.only}", file=sys.stderr)
        return 2
    written, failures, start = [], [], time.perf_counter()
    for number, script in enumerate(scripts, 1):
        print(f"[{number}/{len(scripts)}] {script.stem}: {summary_line(script)}", flush=True)
        began = time.perf_counter()
        try:
            paths = run_chapter(script, _chapter_argv(args))
        except Exception as error:  # report and go on with the other chapters
            failures.append((script.stem, error))
            print(f"  FAILED: {type(error).__name__}: {error}", flush=True)
            continue
        written += paths
        print(f"  done in {time.perf_counter() - began:.1f} s, {len(paths)} file(s)", flush=True)
    print(f"\n{len(scripts) - len(failures)} of {len(scripts)} chapters ran in "
          f"{time.perf_counter() - start:.1f} s; {len(written)} file(s) written")
    for path in written:
        print(f"  {path}")
    for name, error in failures:
        print(f"FAILED {name}: {type(error).__name__}: {error}", file=sys.stderr)
    return 1 if failures else 0


def command_run(args):
    folder = find_chapters(args.chapters)
    matches = [s for s in chapter_scripts(folder) if s.stem == args.name or s.name == args.name]
    if not matches:
        names = ", ".join(s.stem for s in chapter_scripts(folder))
        print(f"name: no chapter called {args.name!r}; the chapters are: {names}", file=sys.stderr)
        return 2
    run_chapter(matches[0], args.chapter_args)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scratchnet", description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=Path, help="folder of chapter scripts")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the chapter scripts").set_defaults(handler=command_list)
    figures = commands.add_parser("figures", help="run every chapter and write its figures")
    figures.add_argument("--quick", action="store_true", help="small settings (seconds, not minutes)")
    figures.add_argument("--out", type=Path, help="folder for the figures (default: figures/)")
    figures.add_argument("--only", nargs="+", metavar="TEXT", help="only chapters whose name contains TEXT")
    figures.set_defaults(handler=command_figures)
    run = commands.add_parser("run", help="run one chapter script")
    run.add_argument("name", help="chapter name, e.g. ch05_train_neuralnet")
    run.add_argument("chapter_args", nargs=argparse.REMAINDER, help="options for the chapter (--quick, --show, --out)")
    run.set_defaults(handler=command_run)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
