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

import hashlib
import json
import platform
import shutil
from importlib import metadata
from pathlib import Path

from scratchnet.fileio import write_bytes_atomic

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
    """What ``figures`` remembers of each chapter's last run in ``folder``: fingerprint, files, output."""

    def __init__(self, folder):
        self.path = Path(folder) / RECORD
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}  # no record yet, or an unreadable one: every chapter runs

    def up_to_date(self, name, fingerprint):
        """The entry of ``name`` if its fingerprint is ``fingerprint`` and its files are unchanged, else ``None``."""
        entry = self.entries.get(name)
        if not entry or entry.get("fingerprint") != fingerprint:
            return None
        for path, digest in entry.get("files", {}).items():
            if not Path(path).is_file() or _hash_file(path) != digest:
                return None
        return entry

    def remember(self, name, fingerprint, paths, output):
        """Record a successful run of ``name`` and write the record (atomically)."""
        self.entries[name] = {"fingerprint": fingerprint, "files": {str(p): _hash_file(p) for p in paths},
                              "output": output}
        write_bytes_atomic(self.path, json.dumps(self.entries, indent=1, sort_keys=True).encode())

    def forget(self, name):
        self.entries.pop(name, None)
