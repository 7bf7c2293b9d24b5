"""The learner's progress: which exercises passed, with the files as they were when they passed.

Kept in ``DIR/.scratchnet-progress.json``. An exercise counts as done while its files are byte for
byte those that passed, checked by this version of the checker; an edited file, or a new
checker, makes it "to check" again. ``status`` reads only this record: it runs no learner code.
"""

import hashlib
import json
from pathlib import Path

from scratchnet.exercises.catalog import EXERCISES
from scratchnet.fileio import write_bytes_atomic

NAME = ".scratchnet-progress.json"


def _checker_id():
    """A digest of the checker's own code: a record made by another checker is not trusted."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CHECKER = _checker_id()


def _digests(folder, modules):
    found = {}
    for module in modules:
        path = Path(folder) / f"{module}.py"
        found[module] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return found


def load(folder, out=print):
    path = Path(folder) / NAME
    if not path.exists():
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(record, dict) and all(isinstance(v, dict) for v in record.values()):
            return record
    except (OSError, ValueError):
        pass
    out(f"note: {path} is damaged; starting a new progress record (your exercise files are untouched)")
    return {}


def save(record, folder):
    write_bytes_atomic(Path(folder) / NAME, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode())


def update(record, folder, exercise, modules, status):
    record[exercise.name] = {"status": status, "files": _digests(folder, modules), "checker": CHECKER}


def state(record, folder, exercise, modules):
    """"done", "changed" (passed, edited since), "failed", "not done yet" or "to do"."""
    entry = record.get(exercise.name)
    if not entry:
        return "to do"
    if entry.get("status") == "ok":
        same = entry.get("files") == _digests(folder, modules) and entry.get("checker") == CHECKER
        return "done" if same else "changed"
    return "failed" if entry.get("status") == "FAILED" else "not done yet"


def passed(record, folder, exercise, modules):
    return state(record, folder, exercise, modules) == "done"


def summary(record, folder, modules_of):
    """"7 of 25 done. Next: ..." for the end of a check."""
    states = [state(record, folder, exercise, modules_of(exercise)) for exercise in EXERCISES]
    done = states.count("done")
    if done == len(EXERCISES):
        return f"{done} of {len(EXERCISES)} done: every exercise passes."
    following = next(exercise for exercise, found in zip(EXERCISES, states, strict=True) if found != "done")
    return (f"{done} of {len(EXERCISES)} done. Next: {following.name} ({following.where}): edit "
            f"{Path(folder) / (following.name + '.py')}, then `scratchnet exercises check {folder} {following.name}` "
            f"(`scratchnet exercises hint {following.name}` when stuck)")


MARKS = {"done": "[x]", "changed": "[~]", "failed": "[!]", "not done yet": "[ ]", "to do": "[ ]"}
WORDS = {"done": "", "changed": "changed since it passed (or the checker did): check again",
         "failed": "failed its last check", "not done yet": "", "to do": ""}


def status_text(record, folder, modules_of):
    """Every exercise by book chapter, with its state, then the summary line."""
    lines, chapter = [], None
    for exercise in EXERCISES:
        if exercise.chapter != chapter:
            chapter = exercise.chapter
            lines.append(f"Chapter {chapter}" if chapter else "Past the book: the landscapes guide")
        found = state(record, folder, exercise, modules_of(exercise))
        section = exercise.section if exercise.chapter else ""
        lines.append(f"  {MARKS[found]} {exercise.name:<22} {section:<6} {WORDS[found]}".rstrip())
    return "\n".join([*lines, summary(record, folder, modules_of)])
