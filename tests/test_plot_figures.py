"""Figure builders return real content: the right axes, lines, arrows, frames."""

import gc

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import ArtistAnimation
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.quiver import Quiver
from PIL import Image

from scratchnet.objectives import descend, get_objective
from scratchnet.optimizers import get_optimizer
from scratchnet.plot import (
    animate_landscape_descent,
    animate_race,
    animate_surface_descent,
    plot_descent_paths,
    plot_gradient_field,
    plot_optimizer_grid,
    plot_surface_paths,
    plot_surface_views,
    save_animation,
    save_figure,
)
from scratchnet.plot import saving as saving_module
from scratchnet.plot.style import contour_levels

BOWL = get_objective("bowl")
RATES = {"SGD": 0.95, "Momentum": 0.1, "AdaGrad": 1.5, "Adam": 0.3}


@pytest.fixture(scope="module")
def paths():
    return {name: descend(get_optimizer(name, lr=lr), BOWL, (-7.0, 2.0), 12) for name, lr in RATES.items()}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def assert_not_blank(fig, tmp_path):
    image = plt.imread(save_figure(fig, tmp_path / "figure.png"))
    assert image.std() > 0.05


def test_gradient_field_has_one_arrow_per_grid_point(tmp_path):
    grid = np.arange(-2, 2.5, 0.25)
    fig = plot_gradient_field(get_objective("sphere"), grid, grid)
    (ax,) = [a for a in fig.axes if a.get_label() != "<colorbar>"]
    (quiver,) = [c for c in ax.collections if isinstance(c, Quiver)]
    assert quiver.N == len(grid) ** 2
    # Arrows are -grad f, in xy units: at (2, 0) the arrow points in -x.
    index = np.argmin(np.hypot(quiver.X - 2, quiver.Y - 0))
    assert quiver.U[index] < 0 and quiver.V[index] == 0
    assert quiver.angles == "xy" and quiver.scale_units == "xy"
    assert len(fig.axes) == 2  # the plot and its colorbar
    assert_not_blank(fig, tmp_path)


def test_descent_paths_draws_every_path_with_a_legend(paths, tmp_path):
    fig = plot_descent_paths(BOWL, paths)
    ax = fig.axes[0]
    labelled = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert [line.get_label() for line in labelled] == ["minimum", *paths]
    np.testing.assert_array_equal(labelled[0].get_xydata(), [[0.0, 0.0]])  # the bowl's minimum: the gold star
    assert labelled[0].get_marker() == "*" and labelled[0].get_markerfacecolor() == "gold"
    np.testing.assert_array_equal(labelled[1].get_xydata(), paths["SGD"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["minimum", *paths]
    # every path's end dot is drawn above the star, smaller than it, so an end at the minimum shows both
    ends = [line for line in ax.lines if line.get_marker() == "o" and line.get_linestyle() == "None"
            and line.get_markerfacecolor() != "none"]
    assert len(ends) == len(paths) and all(end.get_zorder() > labelled[0].get_zorder() for end in ends)
    assert all(end.get_markersize() < labelled[0].get_markersize() for end in ends)
    for end, path in zip(ends, paths.values(), strict=True):
        np.testing.assert_array_equal(end.get_xydata()[0], np.asarray(path)[-1])
    assert_not_blank(fig, tmp_path)


@pytest.mark.parametrize("ncols, panels", [(2, 4), (3, 4)])
def test_optimizer_grid_has_one_panel_per_optimizer(paths, ncols, panels):
    fig = plot_optimizer_grid(BOWL, paths, ncols=ncols)
    *maps, bar = fig.axes
    assert len(maps) == panels and bar.get_label() == "<colorbar>"  # one colour bar for every panel's grey map
    assert bar.get_ylabel() == "f(x, y): darker is higher"
    assert [ax.get_title().split(":")[0] for ax in maps] == list(paths)


def test_surface_views_have_three_panels_and_a_colorbar(tmp_path):
    fig = plot_surface_views(BOWL, n=20)
    names = [ax.name for ax in fig.axes]
    assert names.count("3d") == 2 and len(fig.axes) == 4  # wireframe, surface, contours, colorbar
    assert_not_blank(fig, tmp_path)


def test_surface_paths_lie_on_the_surface(paths):
    fig = plot_surface_paths(BOWL, paths, n=20)
    ax = fig.axes[0]
    sgd = [line for line in ax.lines if line.get_label() == "SGD"][0]
    xs, ys, zs = sgd.get_data_3d()
    np.testing.assert_array_equal(xs, np.asarray(paths["SGD"])[:, 0])  # every point of the path
    np.testing.assert_array_equal(ys, np.asarray(paths["SGD"])[:, 1])
    lift = zs - BOWL(xs, ys)
    assert np.allclose(lift, lift[0]) and 0 < lift[0] < 1  # on the surface, raised by a constant sliver
    assert not ax.get_legend() and fig.legends  # the legend is below the surface, not over it
    plt.close(fig)


def test_separate_surface_paths_give_each_path_its_panel_and_mark_its_start(paths):
    fig = plot_surface_paths(BOWL, paths, n=20, separate=True)
    assert [ax.get_title() for ax in fig.axes] == list(paths)
    for ax, (label, path) in zip(fig.axes, paths.items(), strict=True):
        assert {line.get_label() for line in ax.lines} >= {label} and len(ax.lines) == 2  # outline and path
        start = ax.collections[1]  # the first marker after the surface: the ring at the start
        x, y, _ = start._offsets3d
        assert (x[0], y[0]) == tuple(np.asarray(path)[0])
    plt.close(fig)


def test_contour_levels_reach_the_valley_floor():
    X, Y, Z = get_objective("beale").grid(100)
    levels = contour_levels(Z, 20, log_scale=True)
    assert levels[0] - Z.min() < 1 and levels[-1] == pytest.approx(Z.max())
    assert np.all(np.diff(levels) > 0)


def gif_frames(path):
    image = Image.open(path)
    frames = []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(np.asarray(image.convert("RGB"), dtype=float))
    return frames


def test_race_frames_differ_and_keep_the_background(paths, tmp_path):
    animation = animate_race(BOWL, paths)
    assert isinstance(animation, ArtistAnimation)
    written = save_animation(animation, tmp_path / "race", writer="pillow")
    assert written == tmp_path / "race.gif"
    frames = gif_frames(written)
    assert len(frames) == 13  # steps 0..12
    assert np.abs(frames[0] - frames[-1]).max() > 50  # the points moved
    # The top-left corner is contour fill, far from every path: the same in every frame, not white.
    corner = [frame[60:80, 60:80].mean() for frame in frames]
    assert np.ptp(corner) < 1 and corner[0] < 250


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")  # built to inspect, not to play
def test_race_background_is_drawn_once_and_legend_does_not_pile_up(paths):
    few = animate_race(BOWL, paths, frames=4)
    many = animate_race(BOWL, paths, frames=12)
    ax_few, ax_many = few._fig.axes[0], many._fig.axes[0]
    # Contours are collections; frames add only lines and text. Same background either way.
    assert len(ax_few.collections) == len(ax_many.collections)
    legends = [artist for artist in ax_many.artists if isinstance(artist, Legend)] + [ax_many.get_legend()]
    assert all(len(legend.get_texts()) == len(paths) for legend in legends)
    del few, many
    gc.collect()  # collected here, under this test's filter, not during a later test


def test_race_rejects_malformed_paths():
    with pytest.raises(ValueError, match=r"paths\['bad'\]: expected an array of shape \(steps \+ 1, 2\)"):
        animate_race(BOWL, {"bad": np.zeros((5, 3))})
    with pytest.raises(ValueError, match="paths: expected at least one path"):
        animate_race(BOWL, {})


def test_surface_descent_frames_differ(paths, tmp_path):
    animation = animate_surface_descent(BOWL, paths["Adam"], label="Adam", n=15, frames=5)
    frames = gif_frames(save_animation(animation, tmp_path / "roll.gif", writer="pillow"))
    assert len(frames) == 5 and np.abs(frames[0] - frames[-1]).max() > 50


def test_writer_is_chosen_by_what_is_installed(paths, tmp_path, monkeypatch):
    from matplotlib.animation import FFMpegWriter, PillowWriter

    monkeypatch.setattr(saving_module, "ffmpeg_available", lambda: False)
    path, writer = saving_module.choose_writer(tmp_path / "race.mp4")
    assert path == tmp_path / "race.gif" and isinstance(writer, PillowWriter)
    written = save_animation(animate_race(BOWL, paths, frames=2), tmp_path / "a.mp4")
    assert written.suffix == ".gif" and len(gif_frames(written)) == 2
    monkeypatch.setattr(saving_module, "ffmpeg_available", lambda: True)
    path, writer = saving_module.choose_writer(tmp_path / "race", fps=7)
    assert path == tmp_path / "race.mp4" and isinstance(writer, FFMpegWriter) and writer.fps == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]  # no temporary files left
    with pytest.raises(ValueError, match="writer: expected 'auto', 'ffmpeg' or 'pillow', got 'avi'"):
        saving_module.choose_writer(tmp_path / "c", writer="avi")


def test_figures_are_figures(paths):
    for fig in (plot_descent_paths(BOWL, paths), plot_surface_views(BOWL, n=10)):
        assert isinstance(fig, Figure)


OBJECTIVE_PLOTS = {
    "animate_race": lambda plot, f: plot.animate_race(f, {"SGD": [[-7.0, 2.0], [-6.0, 1.0]]})._fig,
    "animate_surface_descent": lambda plot, f: plot.animate_surface_descent(f, [[-7.0, 2.0], [-6.0, 1.0]])._fig,
    "plot_descent_paths": lambda plot, f: plot.plot_descent_paths(f, {"SGD": [[-7.0, 2.0], [0.0, 0.0]]}),
    "plot_optimizer_grid": lambda plot, f: plot.plot_optimizer_grid(f, {"SGD": [[-7.0, 2.0], [0.0, 0.0]]}),
    "plot_gradient_field": lambda plot, f: plot.plot_gradient_field(f, [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]),
    "plot_surface_views": lambda plot, f: plot.plot_surface_views(f, n=10),
    "plot_surface_paths": lambda plot, f: plot.plot_surface_paths(f, {"SGD": [[-7.0, 2.0], [0.0, 0.0]]}, n=10),
}


def _titles(fig):
    return [ax.get_title() for ax in fig.axes] + [fig.get_suptitle()]


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")  # built to inspect, not to play
@pytest.mark.parametrize("name", OBJECTIVE_PLOTS)
def test_every_plot_of_an_objective_takes_its_name(name):
    import scratchnet.plot as plot

    by_name = OBJECTIVE_PLOTS[name](plot, "bowl")
    by_object = OBJECTIVE_PLOTS[name](plot, get_objective("bowl"))
    assert _titles(by_name) == _titles(by_object)
    assert any("20" in title for title in _titles(by_name))  # the bowl's formula, x^2/20 + y^2, is in a title
    plt.close("all")
    gc.collect()  # collected here, under this test's filter


def test_an_unknown_objective_name_is_a_clear_error():
    from scratchnet.plot import animate_race

    with pytest.raises(ValueError, match="name: expected one of bowl, sphere"):
        animate_race("bowel", {"SGD": [[0.0, 0.0], [1.0, 1.0]]})


@pytest.mark.parametrize("kind", ["race", "landscape"])
def test_blitted_frames_equal_the_redrawn_ones(paths, tmp_path, kind):
    """Each frame drawn over a kept background looks as matplotlib's full redraw of it does."""
    if kind == "race":  # lines, points, a legend and a counter per frame over contours
        animation = animate_race(BOWL, paths, frames=6)
    else:  # over a 3D surface and contours: outlines under colored lines, 3D scatter points, zorders 9-11
        alphas, betas = np.linspace(-8, 8, 20), np.linspace(-3, 3, 20)
        A, B = np.meshgrid(alphas, betas)
        two = {"SGD": paths["SGD"][:9], "Adam": paths["Adam"][:9]}
        animation = animate_landscape_descent(alphas, betas, BOWL(A, B), two,
                                              {k: BOWL(p[:, 0], p[:, 1]) for k, p in two.items()}, frames=6)
    artists = [artist for frame in animation._framedata for artist in frame]
    visible = [artist.get_visible() for artist in artists]
    fast = gif_frames(save_animation(animation, tmp_path / "fast", writer="pillow"))
    assert [artist.get_visible() for artist in artists] == visible  # the figure is left as it was
    reference = gif_frames(save_animation(animation, tmp_path / "reference", writer="pillow", redraw=True))
    assert len(fast) == len(reference) == 6
    moving = np.zeros(reference[0].shape[:2], dtype=bool)  # the pixels some frame changes
    for redrawn in reference[1:]:
        moving |= np.abs(redrawn - reference[0]).max(axis=-1) > 40
    for blitted, redrawn in zip(fast, reference, strict=True):
        differ = np.abs(blitted - redrawn).max(axis=-1) > 40
        # Antialiased edges differ by a few percent of the moving pixels; artists drawn in the wrong
        # order (an outline over its line, a legend under a path) by 15% and more.
        assert differ[moving].mean() < 0.1 and differ.mean() < 0.005
    assert moving.sum() > 1000  # and the frames differ


def test_blitted_frames_reach_ffmpeg_as_raw_rgba_in_order(paths, tmp_path):
    """Where ffmpeg is installed, each blitted frame is sent to it as its own writer would send it."""
    import io
    from contextlib import contextmanager
    from pathlib import Path

    from matplotlib.animation import FFMpegWriter

    class Recording(FFMpegWriter):
        @contextmanager
        def saving(self, fig, outfile, dpi, *args, **kwargs):
            self._proc = type("Process", (), {"stdin": io.BytesIO()})()
            yield self
            Path(outfile).write_bytes(self._proc.stdin.getvalue())

    animation = animate_race(BOWL, paths, frames=3, hold=0)
    frames = list(saving_module.frame_images(animation, dpi=50))
    saving_module._write_frames(iter(frames), tmp_path / "raw", Recording(fps=5), animation._fig, 50)
    width, height, _ = frames[0]
    assert (tmp_path / "raw").read_bytes() == b"".join(data for _, _, data in frames)
    assert len(frames) == 3 and all(len(data) == width * height * 4 for _, _, data in frames)
    assert (width, height) == tuple(round(size * 50) for size in animation._fig.get_size_inches())


def test_an_animation_whose_figure_has_a_plain_canvas_is_drawn_on_agg(paths, tmp_path):
    """In a notebook a figure closed in pyplot keeps a plain canvas, which cannot keep pixels."""
    from matplotlib.backend_bases import FigureCanvasBase

    animation = animate_race(BOWL, paths, frames=3, hold=0)
    plain = FigureCanvasBase(animation._fig)
    frames = gif_frames(save_animation(animation, tmp_path / "plain", writer="pillow"))
    assert len(frames) == 3 and np.abs(frames[0] - frames[-1]).max() > 50
    assert animation._fig.canvas is plain  # given back as it was


def _degenerate_calls():
    from scratchnet.plot import (
        animate_race,
        plot_activation_histograms,
        plot_descent_paths,
        plot_landscape,
        plot_optimizer_grid,
        plot_surface_paths,
        plot_training_curves,
    )
    from scratchnet.plot.basics import plot_digits
    from scratchnet.plot.filters import plot_filters

    g = np.linspace(-1, 1, 5)
    path = np.array([[0.5, 0.5], [0.0, 0.0]])
    return [
        (lambda: plot_landscape(g[:1], g[:1], np.ones((1, 1))), r"Z: expected a grid of at least 2 x 2 points"),
        (lambda: plot_landscape(g, g, np.ones((5, 5)), path=np.zeros((0, 2))), r"path: expected .* got \(0, 2\)"),
        (lambda: plot_landscape(g, g, np.ones((5, 5)), path=path, path_heights=[1.0]), r"path_heights: expected one"),
        (lambda: animate_race("bowl", {"SGD": path}, frames=0), r"frames: expected a whole number >= 1"),
        (lambda: animate_race("bowl", {"SGD": path}, frames=-3), r"frames: expected a whole number >= 1"),
        (lambda: plot_training_curves([1.0, 0.5], [], [], 2), r"expected at least one loss and one accuracy"),
        (lambda: plot_digits(np.zeros((0, 784)), []), r"labels, predicted: expected one per image \(0\)"),
        (lambda: plot_optimizer_grid("bowl", {}), r"paths: expected at least one path"),
        (lambda: plot_descent_paths("bowl", {}), r"paths: expected at least one path"),
        (lambda: plot_surface_paths("bowl", {}), r"paths: expected at least one path"),
        (lambda: plot_filters({"trained": np.zeros((0, 1, 5, 5))}), r"banks: expected at least one filter bank"),
        (lambda: plot_activation_histograms({"std 1": [np.zeros(0)]}), r"rows\['std 1'\]: expected a non-empty"),
    ]


@pytest.mark.parametrize("number", range(12))
def test_degenerate_input_to_a_plot_is_a_clear_error(number):
    call, message = _degenerate_calls()[number]
    with pytest.raises(ValueError, match=message):
        call()
    plt.close("all")


def test_a_flat_grid_draws_as_one_band_with_its_value():
    from scratchnet.plot import plot_landscape

    g = np.linspace(-1, 1, 5)
    fig = plot_landscape(g, g, np.full((5, 5), 2.3))
    bar = fig.axes[-1] if fig.axes[-1].get_ylabel() == "loss" else next(ax for ax in fig.axes if ax.get_ylabel()
                                                                         == "loss")
    assert [round(t, 6) for t in bar.get_yticks()] == [2.3]
    plt.close(fig)
