"""Which chapters ``scratchnet figures`` may skip: nothing they depend on changed, and their files are as written.

A chapter's files depend on its script, on the library (its code and its data: the
embedded MNIST, the shipped weights), on the versions of the libraries that compute and
draw them, on whether ffmpeg is there (MP4 or GIF), and on its options. Every chapter is
seeded, so the same inputs give the same files, byte for byte. After a chapter runs,
``figures`` records a fingerprint of those inputs, a hash of each file it wrote and what
it printed, in ``OUT/.cache/chapters.json``. The next run skips a chapter whose
fingerprint matches and whose files are still exactly as written, and prints what it
printed then. ``--no-cache`` runs every chapter.
"""

import contextlib
import hashlib
import json
import platform
import re
import shutil
import sys
import time
from importlib import metadata
from pathlib import Path

from scratchnet.fileio import write_bytes_atomic

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs into one folder at a time
    fcntl = None

PACKAGE = Path(__file__).resolve().parent
RECORD = Path(".cache") / "chapters.json"


def _hash_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def library_fingerprint():
    """A hash of the library's files (code and data), the versions of what draws, and ffmpeg's presence."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    versions = {"python": platform.python_version(), "ffmpeg": shutil.which("ffmpeg") is not None}
    for package in ("numpy", "matplotlib", "celluloid", "plotly", "pillow"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    digest.update(json.dumps(versions, sort_keys=True).encode())
    return digest.hexdigest()


def chapter_fingerprint(script, argv, library):
    """The fingerprint of one chapter run: its script, its options and the library's fingerprint."""
    digest = hashlib.sha256(library.encode())
    digest.update(Path(script).read_bytes())
    digest.update(json.dumps([str(a) for a in argv]).encode())
    return digest.hexdigest()


class ChapterRecord:
    """What ``figures`` remembers of each chapter's last run in ``folder``: fingerprint, files, output.

    Each change re-reads the record and writes it back under a lock, so two ``figures`` runs into
    one folder keep each other's entries. A record that is not what this class writes (damaged,
    edited) is set aside with a warning: every chapter then runs, and a new record is started.
    """

    def __init__(self, folder, warn=None):
        self.folder = Path(folder).resolve()
        self.path = Path(folder) / RECORD
        self.warn = warn or (lambda text: print(text, file=sys.stderr))
        self.entries = self._read()

    def _read(self, quiet=False):
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError:
            return {}  # no record yet: every chapter runs
        try:
            entries = json.loads(text)
        except ValueError:
            entries = None
        if not isinstance(entries, dict) or not all(_valid(entry) for entry in entries.values()):
            if not quiet:
                self.warn(f"note: {self.path} is not a record this version wrote; every chapter runs, and a new "
                          f"record is started")
            return {}
        return entries

    @contextlib.contextmanager
    def _locked(self):
        """Re-read the record under a lock for the block, then write it (atomically) before the lock is let go."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self.entries = self._read(quiet=True)  # said once, when the run began
                yield self.entries
                write_bytes_atomic(self.path, json.dumps(self.entries, indent=1, sort_keys=True).encode())
            finally:
                if fcntl is not None:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def up_to_date(self, name, fingerprint):
        """The entry of ``name`` if its fingerprint is ``fingerprint`` and its files are unchanged, else ``None``."""
        entry = self.entries.get(name)
        if not entry or entry.get("fingerprint") != fingerprint or not entry.get("files"):
            return None  # every chapter writes a file: an entry without one is not a run of it
        for path, digest in entry.get("files", {}).items():
            if not self._inside(path) or not Path(path).is_file() or _hash_file(path) != digest:
                return None
        return {**entry, "output": _printable(entry.get("output", ""))}

    def _inside(self, path):
        """Whether ``path`` is a file this folder's chapters write (a record never points elsewhere)."""
        try:
            Path(path).resolve().relative_to(self.folder)
            return True
        except ValueError:
            return False

    def remember(self, name, fingerprint, paths, output):
        """Record a successful run of ``name`` and write the record (atomically, merged with other runs')."""
        paths = list(paths)
        for page in [p for p in paths if Path(p).suffix == ".html"][:1]:  # the script the pages load is theirs too
            script = Path(page).parent / "plotly.min.js"
            if script.is_file():
                paths.append(script)
        entry = {"fingerprint": fingerprint, "files": {str(p): _hash_file(p) for p in paths}, "output": output}
        with self._locked() as entries:
            entries[name] = entry

    def forget(self, name):
        with self._locked() as entries:
            entries.pop(name, None)


def _valid(entry):
    return (isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
            and isinstance(entry.get("files"), dict) and isinstance(entry.get("output", ""), str))


def _printable(text):
    """``text`` without terminal control sequences (a record is data; it must not drive the terminal)."""
    return re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]", "", text)


def sweep_parts(folder, older_than=24 * 3600):
    """Remove hidden ``.NAME.*.part*`` files older than a day that a killed run left in ``folder`` (and below)."""
    removed, cutoff = [], time.time() - older_than
    for path in Path(folder).rglob(".*.part*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed
