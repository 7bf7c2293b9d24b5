"""Writing figures to disk, atomically (a figure file is either complete or absent)."""

from pathlib import Path

from scratchnet.fileio import atomic_path


def save_figure(fig, path, dpi=120):
    """Save ``fig`` to ``path`` (format from the extension) through a temporary file."""
    path = Path(path)
    with atomic_path(path) as temporary:
        fig.savefig(temporary, dpi=dpi, format=path.suffix.lstrip(".") or "png", bbox_inches="tight")
    return path


def ffmpeg_available():
    """Whether matplotlib can find an ffmpeg to write MP4 with."""
    from matplotlib import animation

    return animation.writers.is_available("ffmpeg")


def choose_writer(path, writer="auto", fps=12):
    """The path and matplotlib writer for an animation: ``(path with its extension, writer)``.

    ``"auto"`` is MP4 through ffmpeg when it is installed, GIF through Pillow otherwise;
    ``"ffmpeg"`` and ``"pillow"`` choose explicitly. ``path``'s extension is replaced
    to match the writer.
    """
    from matplotlib import animation as mpl_animation

    if writer == "auto":
        writer = "ffmpeg" if ffmpeg_available() else "pillow"
    if writer == "ffmpeg":
        return Path(path).with_suffix(".mp4"), mpl_animation.FFMpegWriter(fps=fps, bitrate=1800)
    if writer == "pillow":
        return Path(path).with_suffix(".gif"), mpl_animation.PillowWriter(fps=fps)
    raise ValueError(f"writer: expected 'auto', 'ffmpeg' or 'pillow', got {writer!r}")


def save_animation(animation, path, fps=12, dpi=90, writer="auto"):
    """Save ``animation`` atomically with :func:`choose_writer`'s writer; returns the path written.

    One call works on every machine: MP4 where ffmpeg is installed, GIF elsewhere.
    """
    path, instance = choose_writer(path, writer, fps)
    with atomic_path(path) as temporary:
        animation.save(temporary, writer=instance, dpi=dpi)
    return path
