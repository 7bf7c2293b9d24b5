"""``scratchnet exercises``: init a workspace, check it (once, or on every save), see progress, hints, solutions."""

import os
import time
from pathlib import Path

from scratchnet.exercises import progress_record
from scratchnet.exercises.catalog import BY_NAME, EXERCISES, get_exercise
from scratchnet.exercises.runner import TIME_LIMIT, check_in_order, modules_of
from scratchnet.exercises.solutions import SOLUTIONS
from scratchnet.exercises.templates import SKELETONS
from scratchnet.fileio import write_bytes_atomic


class ExerciseError(Exception):
    """A mistake in the command itself: printed as one line, exit status 2."""


def add_subcommand(commands):
    exercises = commands.add_parser("exercises", help="gradient-check exercises: write backward yourself")
    actions = exercises.add_subparsers(dest="action", required=True)
    init = actions.add_parser("init", help="write the exercise files into DIR (never over your work)")
    init.add_argument("folder", type=Path, metavar="DIR")
    init.add_argument("--force", nargs="*", metavar="NAME", default=None,
                      help="reset NAME to its skeleton (a .bak copy of your file is kept); without a NAME, every "
                           "exercise not yet done")
    check = actions.add_parser("check", help="check the exercises in order, or NAME alone")
    check.add_argument("folder", nargs="?", default="exercises", metavar="DIR")
    check.add_argument("name", nargs="?", metavar="NAME")
    check.add_argument("--watch", action="store_true", help="check again whenever a file in DIR is saved")
    check.add_argument("--plot", action="store_true", help="save a figure of a wrong gradient into DIR")
    check.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS",
                       help=f"CPU seconds a check may take (default {TIME_LIMIT}; the capstone gets 4 times as much)")
    status = actions.add_parser("status", help="what is done, by book chapter, and what comes next")
    status.add_argument("folder", nargs="?", default="exercises", metavar="DIR")
    hint = actions.add_parser("hint", help="a hint for NAME (--more: the formula)")
    hint.add_argument("name", metavar="NAME")
    hint.add_argument("--more", action="store_true", help="the second hint: the formula itself")
    solution = actions.add_parser("solution", help="a solution of NAME, as the book would write it")
    solution.add_argument("name", metavar="NAME")
    exercises.set_defaults(handler=main)


def readme():
    lines = ["# Exercises", "", "Fill in each file's TODOs, in this order (the book's), then check:", "",
             "    scratchnet exercises check .            # all, in order; stops at the first not done",
             "    scratchnet exercises check . affine     # one",
             "    scratchnet exercises check . --watch    # again on every save",
             "    scratchnet exercises status .           # what is done, and what comes next",
             "    scratchnet exercises hint affine        # a hint; --more for the formula",
             "    scratchnet exercises solution affine    # a solution, when you are done or stuck", "",
             "Each check runs your file in a separate process, with limits: "
             f"{TIME_LIMIT} s of CPU time (the capstone {4 * TIME_LIMIT} s; `--time-limit` for a slow machine), "
             "4 GB of memory, no other processes. Your code cannot change what it is compared with: the checker "
             "computes the right answers in its own process.", "",
             "What a check can say:", "",
             "- `ok`: it passed (a `note:` says where you wrote it the book's way, e.g. with its 1e-7);",
             "- `not done yet`: the file still raises NotImplementedError;",
             "- `FAILED`: with a gradient-check table and a diagnosis of what kind of wrong, or one line: an "
             "exception and its line, a syntax error, \"ran over 30 s\" (an endless loop, with the line it was "
             "on), \"used more than 4 GB of memory\", \"called sys.exit\", \"exited the process\", \"tried to "
             "start a process\", \"left a thread running\", \"crashed (signal N)\". The limits keep a check from "
             "hanging or lying; they are not a sandbox: your files run with your rights, as any script does.", "",
             "| # | file | book section | what |", "| --- | --- | --- | --- |"]
    for number, exercise in enumerate(EXERCISES, 1):
        where = exercise.section if exercise.chapter else "past the book: the landscapes guide"
        lines.append(f"| {number} | `{exercise.name}.py` | {where} | "
                     f"`{exercise.symbol}` |")
    return "\n".join(lines) + "\n"


def _files():
    files = {f"{exercise.name}.py": SKELETONS[exercise.name] for exercise in EXERCISES}
    files["README.md"] = readme()
    return files


def backup(path):
    """Copy ``path`` to the first free ``path.bak``, ``path.bak.1``, ...; never over an existing backup."""
    data, mode = path.read_bytes(), path.stat().st_mode & 0o777
    for number in range(1000):
        candidate = path.with_name(path.name + ".bak" + (f".{number}" if number else ""))
        try:
            descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        return candidate
    raise ExerciseError(f"{path}: a thousand backups exist already; move some away")


def init(folder, force=None, out=print):
    """Write every missing file; keep every file that is there. ``force``: names of exercises to reset to their
    skeleton (``[]``: every exercise not yet done), each after a backup of the learner's file."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExerciseError(f"DIR: {folder} is a file; init needs a folder (new or holding the exercises)")
    for name in force or []:
        _exercise(name)
    folder.mkdir(parents=True, exist_ok=True)
    record = progress_record.load(folder, out)
    if force is not None and not force:  # every exercise not yet done: never one that passed, edited since or not
        force = [e.name for e in EXERCISES
                 if progress_record.state(record, folder, e, modules_of(e)) not in ("done", "changed")]
    written, kept, backups = [], [], []
    for name, text in _files().items():
        path = folder / name
        reset = name == "README.md" or (force and name[:-3] in force)
        if path.exists():
            if path.read_text(encoding="utf-8", errors="replace") == text:
                continue
            if not reset:
                kept.append(name)
                continue
            backups.append(backup(path).name)
        write_bytes_atomic(path, text.encode())
        written.append(name)
        record.pop(name[:-3], None)  # a skeleton again: to do, whatever it was
    progress_record.save(record, folder)
    out(f"wrote {len(written)} file(s) into {folder}" + (f"; kept {len(kept)} of yours as they are" if kept else "")
        + (f"; your old versions are in {', '.join(backups)}" if backups else "") + ".")
    out(f"Next: `scratchnet exercises check {folder}`")
    return 0


def watch(folder, name=None, plot=False, out=print, interval=0.5, rounds=None, time_limit=TIME_LIMIT):
    """Check, then again whenever a ``.py`` file in ``folder`` changes (``rounds`` limits it, for tests)."""
    def stamps():
        return {path: path.stat().st_mtime_ns for path in Path(folder).glob("*.py")}

    seen, count = None, 0
    while rounds is None or count < rounds:
        now = stamps()
        if now != seen:
            out("\033[2J\033[H", end="") if out is print else None  # clear the screen, as rustlings does
            check_in_order(folder, name, out=out, plot=plot, time_limit=time_limit)
            out(f"\n(watching {folder}; Ctrl-C to stop)")
            seen, count = now, count + 1
        time.sleep(interval)
    return 0


def _folder_and_name(folder, name):
    """Where the exercises are, and which one: ``check DIR NAME``; ``check NAME`` alone (in ./exercises, or here
    when the exercise's file is here); ``check DIR/NAME.py``; ``NAME.py`` for ``NAME``."""
    folder = Path(folder)
    if name is None and folder.suffix == ".py" and folder.stem in BY_NAME and folder.is_file():
        folder, name = folder.parent, folder.stem
    elif name is None and folder.name.removesuffix(".py") in BY_NAME and not folder.is_dir() and len(folder.parts) == 1:
        name = folder.name.removesuffix(".py")
        folder = Path("exercises") if Path("exercises").is_dir() or not Path(f"{name}.py").is_file() else Path(".")
    if name is not None:
        name = _exercise(name.removesuffix(".py")).name
    if not folder.is_dir():
        raise ExerciseError(f"DIR: {folder} is not a folder of exercises; make one with `scratchnet exercises init "
                            f"DIR`, or give the folder that holds them")
    return folder, name


def _exercise(name):
    try:
        return get_exercise(name)
    except ValueError as error:
        raise ExerciseError(str(error)) from None


def main(args, out=print):
    try:
        return _main(args, out)
    except ExerciseError as error:
        out(f"scratchnet exercises: {error}")
        return 2
    except KeyboardInterrupt:
        out("\nstopped (Ctrl-C); your files are as you left them")
        return 130


def _main(args, out):
    if args.action == "init":
        return init(args.folder, args.force, out)
    if args.action == "status":
        folder, _ = _folder_and_name(args.folder, None)
        out(progress_record.status_text(progress_record.load(folder, out), folder, modules_of))
        return 0
    if args.action == "check":
        if args.time_limit <= 0:
            raise ExerciseError(f"--time-limit: expected a positive number of seconds, got {args.time_limit:g}")
        folder, name = _folder_and_name(args.folder, args.name)
        if args.watch:
            return watch(folder, name, args.plot, out, time_limit=args.time_limit)
        return check_in_order(folder, name, out=out, plot=args.plot, time_limit=args.time_limit)
    exercise = _exercise(args.name)
    if args.action == "hint":
        first, formula = exercise.hints
        out(f"{exercise.name} ({exercise.where}): {formula if args.more else first}")
        if not args.more:
            out(f"(the formula: `scratchnet exercises hint {exercise.name} --more`)")
        return 0
    out(SOLUTIONS[exercise.name].rstrip())
    return 0
