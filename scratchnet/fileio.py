"""Atomic file writes: a file either appears whole under its name, or not at all.

Everything scratchnet writes (downloads, IDX files, cached grids, figures) goes
through :func:`atomic_path`: the data is written to a hidden temporary file in the
same folder, and only a complete file is renamed to its final name (``os.replace``
is atomic on one file system). An interrupted run leaves at most a hidden
``.name.*.part`` file, never a truncated file that looks finished. The file gets the
permissions a normally written file would (or keeps those of the file it replaces).
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds.

    The temporary name keeps ``path``'s extension, so writers that choose a format by
    extension (matplotlib, animation writers) still work. On any exception the
    temporary file is removed and the exception propagates; ``path`` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".part{path.suffix}")
    os.close(fd)
    try:
        yield Path(temporary)
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path):
    """The permissions ``path`` should get: those it has already, else the usual ``0o666`` less the umask.

    ``mkstemp`` creates its file readable by its owner only (0o600), which would make every
    figure and cache private; a normally created file gets ``0o666 & ~umask``.
    """
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)  # reading the umask means setting it; put it straight back
        os.umask(umask)
        return 0o666 & ~umask


def write_bytes_atomic(path, data):
    """Write ``data`` (bytes) to ``path`` atomically."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)
