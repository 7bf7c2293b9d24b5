"""Writing figures to disk, atomically (a figure file is either complete or absent)."""

from pathlib import Path

from matplotlib.animation import ArtistAnimation
from matplotlib.backends.backend_agg import FigureCanvasAgg

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


def save_animation(animation, path, fps=12, dpi=90, writer="auto", redraw=False):
    """Save ``animation`` atomically with :func:`choose_writer`'s writer; returns the path written.

    One call works on every machine: MP4 where ffmpeg is installed, GIF elsewhere. A
    celluloid animation (an ``ArtistAnimation``) is drawn by :func:`frame_images`: its
    background once, each frame's own artists over it. ``redraw=True`` lets matplotlib
    draw the whole figure for every frame instead (the reference the tests hold it to).
    """
    path, instance = choose_writer(path, writer, fps)
    with atomic_path(path) as temporary:
        if redraw or not isinstance(animation, ArtistAnimation):
            animation.save(temporary, writer=instance, dpi=dpi)
        else:
            _write_frames(frame_images(animation, dpi), temporary, instance, animation._fig, dpi)
    return path


# The shortcut a reader can skip: matplotlib's own saving redraws the whole figure for every frame, and the
# background (a 3D surface, contours, axes), the same in every frame, is most of that work.
def frame_images(animation, dpi):
    """Each frame of an ``ArtistAnimation`` as RGBA bytes, drawn by blitting; yields ``(width, height, bytes)``.

    Everything that is in no frame (the background) is drawn once, with every frame's
    artists hidden, and kept. Each frame then restores it and draws its own artists, in
    the order the axes would draw them (by z-order, then as they were added).
    """
    fig = animation._fig
    frames = [list(frame) for frame in animation._framedata]
    moving = [artist for frame in frames for artist in frame]
    order = {id(child): rank for ax in fig.axes for rank, child in enumerate(ax.get_children())}
    axes_rank = {id(ax): rank for rank, ax in enumerate(fig.axes)}
    original_canvas, original_dpi = fig.canvas, fig.dpi
    # An Agg canvas keeps and restores pixels; a figure closed in pyplot (as in a notebook) has a plain one.
    canvas = original_canvas if hasattr(original_canvas, "copy_from_bbox") else FigureCanvasAgg(fig)
    visible = [artist.get_visible() for artist in moving]
    try:
        fig.dpi = dpi
        for artist in moving:
            artist.set_visible(False)
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
        renderer = canvas.get_renderer()
        width, height = canvas.get_width_height()
        for frame in frames:
            canvas.restore_region(background)
            for artist in sorted(frame, key=lambda a: (axes_rank.get(id(a.axes), -1), a.get_zorder(),
                                                       order.get(id(a), 0))):
                artist.set_visible(True)
                if hasattr(artist, "do_3d_projection"):  # 3D collections project before they draw
                    artist.do_3d_projection()
                artist.draw(renderer)
                artist.set_visible(False)
            yield width, height, bytes(canvas.buffer_rgba())
    finally:
        fig.set_canvas(original_canvas)
        fig.dpi = original_dpi
        for artist, was in zip(moving, visible, strict=True):
            artist.set_visible(was)


def _write_frames(images, path, writer, fig, dpi):
    """Write RGBA frames as a GIF (Pillow, as matplotlib's PillowWriter does) or through ffmpeg."""
    from matplotlib import animation as mpl_animation
    from PIL import Image

    if isinstance(writer, mpl_animation.PillowWriter):
        frames = [Image.frombuffer("RGBA", (width, height), data, "raw", "RGBA", 0, 1)
                  for width, height, data in images]
        frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:],
                       duration=int(1000 / writer.fps), loop=0)
        return
    with writer.saving(fig, path, dpi):
        for _, _, data in images:
            writer._proc.stdin.write(data)  # the raw RGBA frame, as its own grab_frame would send it
