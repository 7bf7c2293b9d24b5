"""The ``scratchnet`` command: list and run the chapter scripts, render every figure.

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

from scratchnet.chapter import ChapterRun, writable_folder_problem  # noqa: F401 - ChapterRun: the old home

DESCRIPTION = """scratchnet: the chapters of "Deep Learning from Scratch" as scripts that draw its figures.

commands:
  list                    the chapter scripts, one line each
  run NAME [OPTIONS]      run one chapter (options: --quick, --show, --out DIR, --no-cache, its own)
  figures [OPTIONS]       run every chapter, writing its figures (into figures/, or build/quick-figures/
                          with --quick)
  exercises ACTION        gradient-check exercises: init DIR, check [DIR] [NAME] [--watch] [--plot],
                          hint NAME, solution NAME

examples:
  scratchnet list
  scratchnet run ch05_train_neuralnet --quick
  scratchnet figures --only landscape --no-cache
  scratchnet exercises init my-exercises && scratchnet exercises check my-exercises
"""


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
    if args.no_cache:
        argv.append("--no-cache")
    if args.out:
        argv += ["--out", str(args.out)]
    return argv


def command_list(args):
    for script in chapter_scripts(find_chapters(args.chapters)):
        print(f"{script.stem:<34} {summary_line(script)}")
    return 0


def command_figures(args):
    folder = find_chapters(args.chapters)
    scripts = [s for s in chapter_scripts(folder) if not args.only or any(p in s.stem for p in args.only)]
    if not scripts:
        print(f"no chapter matches {args.only}", file=sys.stderr)
        return 2
    if args.out is not None:  # checked once, before any chapter trains anything
        problem = writable_folder_problem(args.out)
        if problem:
            print(f"scratchnet figures: error: --out {args.out}: {problem}", file=sys.stderr)
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


def version():
    """The installed distribution's version, or the package's own where it is not installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("scratchnet")
    except PackageNotFoundError:
        from scratchnet import __version__

        return __version__


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scratchnet", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"scratchnet {version()}")
    parser.add_argument("--chapters", type=Path, help="folder of chapter scripts (default: ./chapters)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{list,run,figures,exercises}")
    commands.add_parser("list", help="list the chapter scripts").set_defaults(handler=command_list)
    run = commands.add_parser("run", help="run one chapter script")
    run.add_argument("name", help="chapter name, e.g. ch05_train_neuralnet")
    run.add_argument("chapter_args", nargs=argparse.REMAINDER, help="options for the chapter (--quick, --show, --out)")
    run.set_defaults(handler=command_run)
    figures = commands.add_parser("figures", help="run every chapter and write its figures")
    figures.add_argument("--quick", action="store_true",
                         help="small settings (seconds, not minutes), into build/quick-figures/ unless --out")
    figures.add_argument("--out", type=Path, help="folder for the figures (default: figures/)")
    figures.add_argument("--no-cache", action="store_true", help="recompute loss grids instead of loading them")
    figures.add_argument("--only", nargs="+", metavar="TEXT", help="only chapters whose name contains TEXT")
    figures.set_defaults(handler=command_figures)
    from scratchnet.exercises.cli import add_subcommand

    add_subcommand(commands)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``scratchnet list | head``): stop quietly, as other commands do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
