"""Atomic file writes: a file either appears whole under its name, or not at all.

Everything scratchnet writes (downloads, IDX files, cached grids, figures) goes
through :func:`atomic_path`: the data is written to a hidden temporary file in the
same folder, and only a complete file is renamed to its final name (``os.replace``
is atomic on one file system). An interrupted run leaves at most a hidden
``.name.*.part`` file, never a truncated file that looks finished.
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
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path, data):
    """Write ``data`` (bytes) to ``path`` atomically."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)
