"""The ``scratchnet`` command: list and run the chapter scripts, render every figure.

Chapter scripts live in the project's ``chapters/`` folder, not in the package. The
command finds them with ``--chapters DIR``, else ``$SCRATCHNET_CHAPTERS``, else
``./chapters``, else the ``chapters/`` folder beside an editable install's package.
"""

import argparse
import contextlib
import os
import runpy
import sys
import time
from pathlib import Path

from scratchnet.blas import blas_description
from scratchnet.chapter import (  # noqa: F401 - ChapterRun: its old home
    ChapterRun,
    output_folder,
    project_of,
    writable_folder_problem,
)
from scratchnet.uptodate import ChapterRecord, chapter_fingerprint, library_fingerprint, sweep_parts

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
                  Path(__file__).resolve().parent.parent / "chapters",  # a checkout
                  Path(__file__).resolve().parent / "chapters"]  # installed with the package (scratchnet.chapters)
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


class _Tee:
    """Writes through to ``stream`` and keeps a copy of what was written."""

    def __init__(self, stream):
        self.stream, self.lines = stream, []

    def write(self, text):
        self.lines.append(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


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
    written, failures, skipped, start = [], [], 0, time.perf_counter()
    out_folder = output_folder(project_of(folder), args.out, args.quick)
    for path in sweep_parts(out_folder) if out_folder.is_dir() else []:
        print(f"removed {path}, a partial file a killed run left", flush=True)
    record, library = ChapterRecord(out_folder), library_fingerprint()
    print(f"{blas_description()}; the book's networks train, and every loss grid runs, on 1 "
          f"(faster on a busy machine; benchmarks/bench_blas_threads.py)", flush=True)
    for number, script in enumerate(scripts, 1):
        print(f"[{number}/{len(scripts)}] {script.stem}: {summary_line(script)}", flush=True)
        began, argv = time.perf_counter(), _chapter_argv(args)
        # --no-cache changes how the files are made, not what they are: the record serves either way.
        fingerprint = chapter_fingerprint(script, [a for a in argv if a != "--no-cache"], library)
        last = None if args.no_cache else record.up_to_date(script.stem, fingerprint)
        if last:  # nothing it depends on changed: its files and what it printed are those of its last run
            print(f"  up to date: nothing it depends on changed, and its {len(last['files'])} file(s) are as it "
                  f"wrote them (--no-cache runs it again). Its last run printed:")
            print(last["output"], end="", flush=True)
            written += [Path(path) for path in last["files"]]
            skipped += 1
            continue
        printed = _Tee(sys.stdout)
        try:
            with contextlib.redirect_stdout(printed):
                paths = run_chapter(script, argv)
        except Exception as error:  # report and go on with the other chapters
            record.forget(script.stem)
            failures.append((script.stem, error))
            print(f"  FAILED: {type(error).__name__}: {error}", flush=True)
            continue
        record.remember(script.stem, fingerprint, paths, "".join(printed.lines))
        written += paths
        print(f"  done in {time.perf_counter() - began:.1f} s, {len(paths)} file(s)", flush=True)
    up_to_date = f" ({skipped} up to date)" if skipped else ""
    print(f"\n{len(scripts) - len(failures) - skipped} of {len(scripts)} chapters ran{up_to_date} in "
          f"{time.perf_counter() - start:.1f} s; {len(written)} file(s)")
    for path in written:
        print(f"  {path}")
    for name, error in failures:
        print(f"FAILED {name}: {type(error).__name__}: {error}", file=sys.stderr)
    return 1 if failures else 0


def command_run(args):
    chapter_args = list(args.chapter_args)
    if "--chapters" in chapter_args:  # `run NAME --chapters DIR`: the folder is ours, not the chapter's option
        at = chapter_args.index("--chapters")
        if at + 1 >= len(chapter_args):
            raise FileNotFoundError("--chapters: expected a folder after it")
        args.chapters = Path(chapter_args[at + 1])
        del chapter_args[at:at + 2]
    args.chapter_args = chapter_args
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
    listing = commands.add_parser("list", help="list the chapter scripts")
    listing.set_defaults(handler=command_list)
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
    for command in (listing, figures):  # also after the subcommand (`run` takes it among the chapter's options)
        command.add_argument("--chapters", type=Path, default=argparse.SUPPRESS, help="folder of chapter scripts")
    from scratchnet.exercises.cli import add_subcommand

    add_subcommand(commands)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``scratchnet list | head``): stop quietly, as other commands do. A command that
        # writes files stopped before it was done: say so in the exit status (141, as a shell reports SIGPIPE).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141 if args.command in ("figures", "run") else 0
    except KeyboardInterrupt:
        print("\nstopped (Ctrl-C); files already written are whole (each is written to a temporary file first)",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
