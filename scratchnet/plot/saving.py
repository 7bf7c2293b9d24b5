"""Writing figures to disk, atomically (a figure file is either complete or absent)."""

from pathlib import Path

from scratchnet.fileio import atomic_path


def save_figure(fig, path, dpi=120):
    """Save ``fig`` to ``path`` (format from the extension) through a temporary file."""
    path = Path(path)
    with atomic_path(path) as temporary:
        fig.savefig(temporary, dpi=dpi, format=path.suffix.lstrip(".") or "png", bbox_inches="tight")
    return path
