"""``scratchnet exercises``: init a workspace, check it (once, or on every save), ask for a hint or the solution."""

import inspect
import shutil
import time
from pathlib import Path

from scratchnet.exercises.catalog import EXERCISES, get_exercise
from scratchnet.exercises.checks import reference
from scratchnet.exercises.runner import check_in_order
from scratchnet.exercises.templates import CAPSTONE_SOLUTION, SKELETONS
from scratchnet.fileio import write_bytes_atomic


def add_subcommand(commands):
    exercises = commands.add_parser("exercises", help="gradient-check exercises: write backward yourself")
    actions = exercises.add_subparsers(dest="action", required=True)
    init = actions.add_parser("init", help="write the exercise files into DIR")
    init.add_argument("folder", type=Path, metavar="DIR")
    init.add_argument("--force", action="store_true", help="replace existing files (keeping a .bak copy)")
    check = actions.add_parser("check", help="check the exercises in order, or NAME alone")
    check.add_argument("folder", type=Path, nargs="?", default=Path("exercises"), metavar="DIR")
    check.add_argument("name", nargs="?", metavar="NAME")
    check.add_argument("--watch", action="store_true", help="check again whenever a file in DIR is saved")
    check.add_argument("--plot", action="store_true", help="save a figure of a wrong gradient into DIR")
    for action, text in (("hint", "a hint for NAME"), ("solution", "the library's implementation of NAME")):
        parser = actions.add_parser(action, help=text)
        parser.add_argument("name", metavar="NAME")
    exercises.set_defaults(handler=main)


def readme():
    lines = ["# Exercises", "", "Write each file's TODOs, in this order, then check:", "",
             "    scratchnet exercises check .            # all, in order; stops at the first not done",
             "    scratchnet exercises check . affine     # one", "    scratchnet exercises check . --watch    "
             "# again on every save", "", "| # | file | book section | what |", "| --- | --- | --- | --- |"]
    for number, exercise in enumerate(EXERCISES, 1):
        lines.append(f"| {number} | `{exercise.name}.py` | {exercise.section} | `{exercise.symbol}` |")
    return "\n".join(lines) + "\n"


def init(folder, force=False, out=print):
    folder.mkdir(parents=True, exist_ok=True)
    files = {f"{exercise.name}.py": SKELETONS[exercise.name] for exercise in EXERCISES}
    files["README.md"] = readme()
    existing = [name for name in files if (folder / name).exists()]
    if existing and not force:
        out(f"{folder} already holds {len(existing)} of the files ({', '.join(existing[:3])}...); nothing was "
            f"written. Use --force to replace them (a .bak copy of each is kept).")
        return 1
    for name, text in files.items():
        if (folder / name).exists():
            shutil.copy2(folder / name, folder / f"{name}.bak")
        write_bytes_atomic(folder / name, text.encode())
    out(f"wrote {len(EXERCISES)} exercises and README.md into {folder}; start with "
        f"`scratchnet exercises check {folder}`")
    return 0


def watch(folder, name=None, plot=False, out=print, interval=0.5, rounds=None):
    """Check, then again whenever a ``.py`` file in ``folder`` changes (``rounds`` limits it, for tests)."""
    def stamps():
        return {path: path.stat().st_mtime_ns for path in Path(folder).glob("*.py")}

    seen, count = None, 0
    while rounds is None or count < rounds:
        now = stamps()
        if now != seen:
            out("\033[2J\033[H", end="") if out is print else None  # clear the screen, as rustlings does
            check_in_order(folder, name, out=out, plot=plot)
            out(f"\n(watching {folder}; Ctrl-C to stop)")
            seen, count = now, count + 1
        time.sleep(interval)
    return 0


def main(args, out=print):
    if args.action == "init":
        return init(args.folder, args.force, out)
    if args.action == "check":
        if args.watch:
            try:
                return watch(args.folder, args.name, args.plot, out)
            except KeyboardInterrupt:
                return 0
        return check_in_order(args.folder, args.name, out=out, plot=args.plot)
    exercise = get_exercise(args.name)
    if args.action == "hint":
        out(f"{exercise.name} (section {exercise.section}): {exercise.hint}")
    else:
        out(solution_text(exercise))
    return 0


def solution_text(exercise):
    """The library's implementation (for the capstone, a reference written with the exercises' layers)."""
    if exercise.kind == "capstone":
        return CAPSTONE_SOLUTION
    return inspect.getsource(reference(exercise))


