"""One visual language, nothing hidden, nothing misleading: checks that hold for every figure builder.

Each check reads the drawn figure (artists, their data, rendered text extents), so a builder
that breaks the house rules fails here: a path point outside its axes, a marker hidden under
another, two tick labels printed over each other, a PCA plane stretched, one quantity in two
colormaps, train and held-out data styled differently.
"""

import gc
import itertools

import matplotlib.legend
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import LogNorm

from scratchnet.landscape import TrajectoryLandscape, plane_ranges
from scratchnet.plot import (
    animate_landscape_descent,
    plot_descent_paths,
    plot_difference,
    plot_interpolation,
    plot_landscape,
    plot_landscape_rows,
    plot_optimizer_grid,
    plot_training_curves,
    plot_trajectory_landscape,
)
from scratchnet.plot.filters import plot_filter_responses
from scratchnet.plot.style import HELD_OUT_STYLE, MINIMUM_STYLE, TRAIN_STYLE, data_style, grid_minimum

BOWL_PATHS = {"SGD": np.array([[-7.0, 2.0], [-5.0, -1.5], [-3.0, 1.0], [-1.0, -0.4], [0.0, 0.0]]),
              "Adam": np.array([[-7.0, 2.0], [-6.0, 1.2], [-4.5, 0.3], [-2.0, -0.1], [0.05, 0.02]])}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
    gc.collect()


def _pca_result(stretch=6.0):
    """A TrajectoryLandscape whose path spans ``stretch`` times more along PC1 than PC2 (a bent descent)."""
    steps = np.linspace(0, 1, 12)
    path = np.stack([-3.0 + 3.0 * steps, (3.0 / stretch) * np.sin(np.pi * steps)], axis=1)
    alphas, betas = plane_ranges(path, 15, margin=0.2)
    A, B = np.meshgrid(alphas, betas)
    Z = 0.3 + 0.2 * (A - 0.8) ** 2 + 1.5 * B**2
    return TrajectoryLandscape(np.eye(2)[0], np.eye(2)[1], np.array([0.95, 0.04]), np.zeros(2), alphas, betas, Z,
                               path, 0.3 + 0.2 * (path[:, 0] - 0.8) ** 2 + 1.5 * path[:, 1] ** 2, np.zeros(12))


def _data_lines(ax):
    """The lines of ``ax`` that are paths (more than one point)."""
    return [line for line in ax.lines if len(line.get_xydata()) > 1]


def assert_paths_inside(ax):
    x0, x1 = sorted(ax.get_xlim())
    y0, y1 = sorted(ax.get_ylim())
    for line in _data_lines(ax):
        points = line.get_xydata()
        inside = (points[:, 0] >= x0 - 1e-9) & (points[:, 0] <= x1 + 1e-9) & \
            (points[:, 1] >= y0 - 1e-9) & (points[:, 1] <= y1 + 1e-9)
        assert inside.all(), f"{line.get_label()}: points {points[~inside].tolist()} lie outside the axes"


def assert_no_marker_hidden(ax):
    """A single-point marker drawn under a larger or equal one at the same place would not be seen."""
    markers = [line for line in ax.lines if len(line.get_xydata()) == 1 and line.get_marker() not in (None, "None")]
    for a, b in itertools.combinations(markers, 2):
        if np.allclose(a.get_xydata(), b.get_xydata()):
            under, over = (a, b) if a.get_zorder() < b.get_zorder() else (b, a)
            assert over.get_markersize() < under.get_markersize() or over.get_markerfacecolor() == "none", (
                f"{over.get_label()!r} (size {over.get_markersize()}) hides {under.get_label()!r} "
                f"(size {under.get_markersize()})")


def assert_tick_labels_apart(fig):
    """No two tick labels of an axis overlap; on a 3D axes, no two labels at all (ticks of its three axes and
    their names meet at corners that depend on the view)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        if ax.name == "3d":
            groups = [[label for axis in (ax.xaxis, ax.yaxis, ax.zaxis) for label in [*axis.get_ticklabels(),
                                                                                        axis.label]]]
        else:
            groups = [ax.xaxis.get_ticklabels(), ax.yaxis.get_ticklabels()]
        for labels in groups:
            boxes = [(label.get_text(), label.get_window_extent(renderer)) for label in labels
                     if label.get_visible() and label.get_text()]
            boxes = [(text, box) for text, box in boxes if fig.bbox.contains(*box.p0)]  # drawn in the figure
            for (text_a, a), (text_b, b) in itertools.combinations(boxes, 2):
                assert not a.overlaps(b), (f"labels {text_a!r} and {text_b!r} overlap on "
                                           f"{ax.get_label() or ax.get_title()!r}")


FIGURES = {
    "descent paths": lambda: plot_descent_paths("bowl", BOWL_PATHS),
    "optimizer grid": lambda: plot_optimizer_grid("bowl", BOWL_PATHS),
    "landscape": lambda: plot_landscape(*_grid(), path=BOWL_PATHS["SGD"] / 8, path_heights=np.ones(5)),
    "trajectory": lambda: plot_trajectory_landscape(_pca_result()),
    "difference": lambda: plot_difference(*_grid(), _grid()[2] * 1.1, labels=("a", "b")),
    "curves": lambda: plot_training_curves(np.linspace(2, 0.1, 90), np.linspace(0.1, 0.97, 9),
                                           np.linspace(0.1, 0.92, 9), 10),
    "landscape rows": lambda: plot_landscape_rows({"a": _grid(), "b": (_grid()[0], _grid()[1], 1e-3 + _grid()[2]**9)}),
    "surfaces": lambda: __import__("scratchnet.plot", fromlist=["plot_surfaces"]).plot_surfaces(
        {"a": _grid(), "b": _grid()}, elev=35, azim=-125),
}


def _grid():
    alphas, betas = np.linspace(-1, 1, 11), np.linspace(-0.5, 0.5, 9)
    return alphas, betas, 1.0 + np.add.outer(3 * betas**2, (alphas - 0.2) ** 2)


@pytest.mark.parametrize("name", FIGURES)
def test_every_path_inside_its_axes_no_marker_hidden_no_tick_labels_overlapping(name):
    fig = FIGURES[name]()
    for ax in fig.axes:
        if ax.name != "3d" and ax.get_label() != "<colorbar>":
            assert_paths_inside(ax)
            assert_no_marker_hidden(ax)
    assert_tick_labels_apart(fig)


def test_the_checks_catch_what_they_are_for():
    # each check fails on the defect it exists for
    fig, ax = plt.subplots()
    ax.plot([0, 2], [0, 0.5])
    ax.set_xlim(0, 1)
    with pytest.raises(AssertionError, match="outside the axes"):
        assert_paths_inside(ax)
    ax.plot(0.5, 0.5, label="minimum", **MINIMUM_STYLE)
    ax.plot(0.5, 0.5, "o", ms=20, zorder=9, label="end")
    with pytest.raises(AssertionError, match="'end' .* hides 'minimum'"):
        assert_no_marker_hidden(ax)
    crowded, axes = plt.subplots(figsize=(4, 2), layout="constrained")
    axes.set_xticks(np.arange(12), [f"{k}.000000" for k in range(12)])
    with pytest.raises(AssertionError, match="labels '0.000000' and '1.000000' overlap"):
        assert_tick_labels_apart(crowded)


def test_the_star_marks_the_lowest_point_and_the_path_end_is_a_dot():
    alphas, betas, Z = _grid()
    path = np.array([[-0.9, 0.4], [-0.5, 0.1], [-0.3, -0.2]])  # ends away from the minimum (0.2, 0)
    fig = plot_landscape(alphas, betas, Z, path=path, path_heights=np.ones(3))
    contour = fig.axes[0]
    (star,) = [line for line in contour.lines if line.get_marker() == "*"]
    np.testing.assert_allclose(star.get_xydata()[0], [0.2, 0.0])
    assert grid_minimum(alphas, betas, Z) == (pytest.approx(0.2), pytest.approx(0.0), pytest.approx(1.0))
    (end,) = [line for line in contour.lines if line.get_label() == "end"]
    assert end.get_marker() == "o" and tuple(end.get_xydata()[0]) == (-0.3, -0.2)
    # grid_minimum skips NaN cells
    holes = Z.copy()
    holes[4, 6] = np.nan
    holes[0, 0] = 0.5
    assert grid_minimum(alphas, betas, holes) == (-1.0, -0.5, 0.5)


def test_plane_ranges_widen_the_narrow_side_to_at_most_the_stretch_and_keep_the_margin():
    path = np.array([[0.0, 0.0], [4.0, 0.2], [8.0, 0.1]])
    alphas, betas = plane_ranges(path, 9, margin=0.25, max_stretch=2.0)
    assert (alphas[0], alphas[-1]) == (pytest.approx(-2.0), pytest.approx(10.0))  # 8 wide, 2 either side
    assert np.ptp(betas) == pytest.approx(6.0) and np.mean(betas) == pytest.approx(0.1)  # 12 / 2, centred
    assert len(alphas) == len(betas) == 9
    square = np.array([[0.0, 0.0], [1.0, 1.0]])  # already within the stretch: margins only
    alphas, betas = plane_ranges(square, 5, margin=0.5, max_stretch=2.0)
    assert (alphas[0], alphas[-1], betas[0], betas[-1]) == (-0.5, 1.5, -0.5, 1.5)
    with pytest.raises(ValueError, match=r"max_stretch: expected a ratio >= 1 .* got 0.5"):
        plane_ranges(square, 5, max_stretch=0.5)
    with pytest.raises(ValueError, match=r"path: expected \(a, b\) points, shape \(k, 2\), got \(3,\)"):
        plane_ranges(np.zeros(3), 5)


def test_pca_planes_are_drawn_to_scale():
    result = _pca_result(stretch=6.0)
    assert np.ptp(result.alphas) == pytest.approx(2.5 * np.ptp(result.betas))  # widened to 2.5:1, never more
    fig = plot_trajectory_landscape(result)
    contour = fig.axes[0]
    surface = [ax for ax in fig.axes if ax.name == "3d"][0]
    assert contour.get_aspect() == 1.0  # one unit as long on both axes
    box = surface.get_box_aspect()
    assert box[0] / box[1] == pytest.approx(np.ptp(result.alphas) / np.ptp(result.betas))
    assert surface.get_ylabel() == "PC2" and contour.get_ylabel() == "PC2 (4.0% of the variance)"
    # a plain landscape keeps free proportions
    assert plot_landscape(*_grid()).axes[0].get_aspect() == "auto"


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")  # built to inspect, not to play
def test_trajectory_animation_is_to_scale_marks_start_and_lowest_point_and_counts_the_loss():
    result = _pca_result()
    animation = animate_landscape_descent(result.alphas, result.betas, result.Z, {"SGD": result.path},
                                          {"SGD": result.path_loss}, equal_aspect=True, step_name="iteration",
                                          step_labels=list(range(0, 120, 10)))
    contour = animation._fig.axes[1]
    assert contour.get_aspect() == 1.0
    texts = [text.get_text() for text in contour.texts]
    assert f"iteration 110: loss {result.path_loss[-1]:.4g}" in texts
    assert f"iteration 0: loss {result.path_loss[0]:.4g}" in texts
    rings = [line for line in contour.lines if line.get_marker() == "o" and line.get_markerfacecolor() == "none"]
    assert any(np.allclose(ring.get_xydata()[0], result.path[0]) for ring in rings)  # the start, in every frame
    (star,) = [line for line in contour.lines if line.get_marker() == "*"]
    a, b, _ = grid_minimum(result.alphas, result.betas, result.Z)
    np.testing.assert_allclose(star.get_xydata()[0], [a, b])


def test_one_colormap_for_losses_and_log_heights_beside_log_colours():
    alphas = betas = np.linspace(-1, 1, 9)
    steep = 1e-3 + 1e3 * np.add.outer(betas**2, alphas**2)  # spans six decades
    fig = plot_landscape_rows({"steep": (alphas, betas, steep)})
    contour, bar, surface = fig.axes
    assert isinstance(contour.collections[0].norm if contour.collections else contour.get_children()[0].norm,
                      LogNorm) or bar.yaxis.get_scale() == "log"
    ticks = [tick for tick in bar.get_yticks() if steep.min() <= tick <= steep.max()]
    assert ticks and all(np.log10(tick) == round(np.log10(tick)) for tick in ticks)  # powers of ten only
    assert surface.get_zlabel() == "log10 loss"
    low, high = surface.get_zlim()  # log10 heights: -3 to 3.3, not 0 to 2000
    assert np.log10(steep.min()) - 0.5 <= low <= np.log10(steep.min()) + 0.1 and high <= np.log10(steep.max()) + 0.5
    gentle = plot_landscape_rows({"gentle": (alphas, betas, 1 + np.add.outer(betas**2, alphas**2))})
    assert gentle.axes[2].get_zlabel() == "loss"
    for figure in (fig, gentle, plot_landscape(*_grid()), plot_trajectory_landscape(_pca_result())):
        maps = {artist.get_cmap().name for ax in figure.axes for artist in ax.get_children()
                if hasattr(artist, "get_cmap") and artist.get_array() is not None
                and getattr(artist, "filled", True)}  # contour lines over a fill are one plain colour
        assert maps == {"viridis"}, maps


def test_train_and_held_out_data_look_the_same_in_every_figure():
    assert data_style("train") == TRAIN_STYLE and data_style("test") == data_style("validation") == HELD_OUT_STYLE
    fig = plot_training_curves(np.linspace(2, 0.1, 90), np.linspace(0.1, 0.97, 9), np.linspace(0.1, 0.92, 9), 10)
    lines = {line.get_label(): line for line in fig.axes[1].lines}
    assert (lines["train"].get_color(), lines["train"].get_linestyle()) == (TRAIN_STYLE["color"], "-")
    assert (lines["test"].get_color(), lines["test"].get_linestyle()) == (HELD_OUT_STYLE["color"], "--")
    alphas = np.linspace(-0.5, 1.5, 5)
    interpolation = plot_interpolation(alphas, {"train": np.ones(5), "test": np.ones(5) * 2},
                                       {"train": np.ones(5) * 0.9, "test": np.ones(5) * 0.8})
    drawn = {line.get_label(): line for ax in interpolation.axes for line in ax.lines}
    assert drawn["train loss"].get_color() == drawn["train accuracy"].get_color() == TRAIN_STYLE["color"]
    assert drawn["test loss"].get_color() == drawn["test accuracy"].get_color() == HELD_OUT_STYLE["color"]
    assert drawn["train loss"].get_linestyle() == "-" and drawn["test accuracy"].get_linestyle() == "--"


def test_difference_map_is_centred_at_zero():
    alphas, betas, Z = _grid()
    other = Z.copy()
    other[:, :3] += 0.4  # the second grid higher on the left: first - second negative there
    fig = plot_difference(alphas, betas, Z, other, labels=("few", "all"))
    ax, bar = fig.axes
    fill = [c for c in ax.get_children() if hasattr(c, "get_cmap") and c.get_array() is not None][0]
    assert fill.get_cmap().name == "RdBu_r"
    assert fill.norm.vmin == pytest.approx(-fill.norm.vmax) and fill.norm.vmax == pytest.approx(0.4)
    assert bar.get_ylabel() == "loss of few minus all"


def test_filters_and_their_responses_share_one_grey_scale():
    rng = np.random.default_rng(0)
    fig = plot_filter_responses(rng.random(784), rng.normal(size=(3, 5, 5)), rng.normal(size=(3, 24, 24)))
    maps = {ax.images[0].get_cmap().name for ax in fig.axes if ax.images}
    assert maps == {"gray_r"}


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")  # built to inspect, not to play
def test_race_holds_its_last_frame_zooms_on_the_minimum_and_names_each_f():
    from scratchnet.objectives import get_objective
    from scratchnet.plot import animate_race

    bowl = get_objective("bowl")
    race = animate_race(bowl, BOWL_PATHS, zoom=1.0, hold=5)
    frames = race._framedata
    assert len(frames) == 5 + 5 and all(frame is frames[4] for frame in frames[5:])  # 5 steps, then 5 of the last
    inset = race._fig.axes[0].child_axes[0]
    assert inset.get_xlim() == (-1.0, 1.0) and inset.get_ylim() == (-1.0, 1.0)
    ends = [line for line in inset.lines if len(line.get_xydata()) == 1 and line.get_marker() == "o"]
    assert any(np.allclose(end.get_xydata()[0], BOWL_PATHS["Adam"][-1]) for end in ends)  # trails drawn there too
    (legend,) = [artist for artist in frames[4] if isinstance(artist, matplotlib.legend.Legend)]
    assert {text.get_text() for text in legend.get_texts()} == {f"SGD: f = {bowl(0.0, 0.0):.2g}",
                                                    f"Adam: f = {bowl(0.05, 0.02):.2g}"}
    assert len(animate_race(bowl, BOWL_PATHS, hold=0)._framedata) == 5


def test_a_path_that_leaves_the_map_is_marked_where_it_leaves_and_told_where_it_ends():
    from scratchnet.objectives import get_objective
    from scratchnet.plot.contours import _edge_crossing

    saddle = get_objective("saddle")
    escaping = np.array([[1.8, 0.0], [0.5, 0.4], [0.2, 1.6], [0.1, 3.0], [0.0, 9.0]])  # out through the top (y = 2)
    staying = np.array([[1.8, 0.0], [1.0, 0.1], [0.5, 0.2]])
    fig = plot_optimizer_grid(saddle, {"Momentum": escaping, "SGD": staying}, ncols=2)
    out, kept = fig.axes[:2]
    (triangle,) = [line for line in out.lines if isinstance(line.get_marker(), tuple)]
    np.testing.assert_allclose(triangle.get_xydata()[0], [0.2 - 0.1 * 0.4 / 1.4, 2.0])  # on the edge, on the step
    (note,) = out.texts
    assert note.get_text() == f"leaves the map; ends at (0, 9), f = {saddle(0.0, 9.0):.3g}"
    assert not kept.texts and not [line for line in kept.lines if isinstance(line.get_marker(), tuple)]
    assert [text.get_text() for text in fig.legends[0].get_texts()] == ["start", "end"]  # the saddle has no minimum
    # the crossing of the nearer edge, for a step out through a corner region
    np.testing.assert_allclose(_edge_crossing(np.array([0.0, 0.0]), np.array([4.0, 2.0]), (-1, 1), (-1, 1)), [1, 0.5])


def test_moving_averages_are_centred_on_their_window_and_figure_6_9_has_the_books_linear_axis():
    from scratchnet.plot import plot_history_comparison
    from scratchnet.training import History

    losses = np.r_[np.full(10, 2.0), np.full(10, 1.0)]  # a step at iteration 10.5: the average crosses 1.5 there
    fig = plot_training_curves(losses, np.linspace(0.1, 0.9, 3), np.linspace(0.1, 0.8, 3), 10, smooth_window=4)
    smooth = [line for line in fig.axes[0].lines if line.get_label().startswith("moving average")][0]
    x, y = smooth.get_xdata(), smooth.get_ydata()
    assert x[0] == 2.5 and x[-1] == 18.5  # the first window covers iterations 1-4, the last 17-20
    assert x[np.flatnonzero(y == 1.5)[0]] == 10.5  # no lag: half the window before the step, half after
    run = History(iterations_per_epoch=10, train_loss=list(np.geomspace(2, 1e-3, 40)), train_acc=[0.5, 0.9, 0.95],
                  test_acc=[0.5, 0.88, 0.93])
    fig = plot_history_comparison({"SGD": run, "Adam": run}, smooth_window=4, log_loss="both", loss_ylim=(0, 1),
                                  accuracy_ylim=(0.85, 1.0))
    linear, logarithmic, accuracy = fig.axes
    assert (linear.get_yscale(), linear.get_ylim()) == ("linear", (0.0, 1.0))
    assert logarithmic.get_yscale() == "log"
    np.testing.assert_array_equal(linear.lines[0].get_xdata(), logarithmic.lines[0].get_xdata())
    assert accuracy.get_ylim() == (0.85, 1.0) and "the first epochs lie below" in accuracy.get_title()
    assert plot_history_comparison({"SGD": run}, log_loss=True).axes[0].get_yscale() == "log"
    assert len(plot_history_comparison({"SGD": run}).axes) == 2


def test_grey_maps_say_what_grey_means():
    fig = plot_descent_paths("bowl", BOWL_PATHS)
    ax, bar = fig.axes
    assert bar.get_ylabel() == "f(x, y): darker is higher"
    fill = [c for c in ax.get_children() if getattr(c, "filled", False)][0]
    np.testing.assert_allclose(bar.get_yticks(), fill.levels[::4])
    host, panel = plt.subplots()
    plot_descent_paths("bowl", BOWL_PATHS, ax=panel)
    assert len(host.axes) == 1  # drawn into a given axes: the caller's figure decides about colour bars


def test_paths_and_losses_draw_f_at_every_step_and_zoom_on_the_minimum():
    from scratchnet.objectives import get_objective
    from scratchnet.plot import plot_paths_and_losses

    bowl = get_objective("bowl")
    positive = {"SGD": BOWL_PATHS["SGD"][:-1], "Adam": BOWL_PATHS["Adam"]}  # f > 0 at every step: a log axis
    fig = plot_paths_and_losses(bowl, positive, zoom=0.5)
    ax_map, ax_loss, _bar = fig.axes
    assert ax_loss.get_yscale() == "log"
    for line, (label, path) in zip(ax_loss.lines, positive.items(), strict=True):
        assert line.get_label() == label
        np.testing.assert_allclose(line.get_ydata(), bowl(path[:, 0], path[:, 1]))  # every step's f
    (inset,) = ax_map.child_axes
    assert inset.get_xlim() == (-0.5, 0.5) and inset.get_ylim() == (-0.5, 0.5)
    assert len(_data_lines(inset)) == len(positive)
    assert plot_paths_and_losses(bowl, BOWL_PATHS).axes[1].get_yscale() == "symlog"  # SGD reaches f = 0 exactly
    saddle_paths = {"SGD": np.array([[1.0, 0.1], [0.5, 0.5], [0.1, 1.5]])}  # f turns negative: no log axis
    assert plot_paths_and_losses("saddle", saddle_paths).axes[1].get_yscale() == "symlog"


def test_a_search_is_one_scatter_with_the_best_ringed_and_summaries_are_lines_per_setting():
    from scratchnet.plot import plot_search_scatter, plot_summaries

    lrs, decays, scores = [1e-5, 1e-3, 1e-2, 3e-4], [1e-8, 1e-6, 1e-5, 1e-7], [0.1, 0.8, 0.3, 0.9]
    fig = plot_search_scatter(lrs, decays, scores, best=2)
    ax, bar = fig.axes
    trials, rings = ax.collections
    np.testing.assert_allclose(trials.get_offsets(), np.c_[lrs, decays])
    np.testing.assert_allclose(trials.get_array(), scores)  # coloured by the score
    np.testing.assert_allclose(rings.get_offsets(), [[3e-4, 1e-7], [1e-3, 1e-6]])  # the two best, best first
    assert (ax.get_xscale(), ax.get_yscale(), bar.get_ylabel()) == ("log", "log", "validation accuracy")
    with pytest.raises(ValueError, match=r"one value per trial each, got shapes \(4,\), \(3,\), \(4,\)"):
        plot_search_scatter(lrs, decays[:3], scores)
    scales = np.logspace(0, -4, 5)
    fig = plot_summaries({"final": {"with": (scales, [0.5, 0.9, 1.0, 1.0, 0.8]), "without": (scales, [0.1] * 5)}},
                         "initial weight std", "accuracy", log_x=True, ylim=(0, 1.03),
                         styles={"without": {"color": "#7f7f7f", "linestyle": "--"}})
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.lines}
    np.testing.assert_allclose(lines["with"].get_xydata(), np.c_[scales, [0.5, 0.9, 1.0, 1.0, 0.8]])
    assert (lines["without"].get_color(), lines["without"].get_linestyle()) == ("#7f7f7f", "--")
    assert ax.get_xscale() == "log" and ax.get_ylim() == (0, 1.03)
    logged = plot_summaries({"a": {"x": ([1, 2], [1.0, 1e-4])}}, "layer", "std", log_y=True).axes[0]
    assert logged.get_yscale() == "log" and logged.get_ylabel() == "std (log scale)"


def test_the_accuracy_panel_has_a_legend_only_where_it_adds_what_the_loss_legend_does_not():
    from scratchnet.plot import plot_history_comparison
    from scratchnet.training import History

    run = History(iterations_per_epoch=2, train_loss=[2.0, 1.5, 1.0, 0.8], train_acc=[0.1, 0.5, 0.7],
                  test_acc=[0.1, 0.4, 0.6])
    plain = plot_history_comparison({"SGD": run, "Adam": run}, smooth_window=2)
    assert plain.axes[0].get_legend() is not None and plain.axes[1].get_legend() is None  # it would hide curves
    both = plot_history_comparison({"SGD": run}, smooth_window=2, show_train_acc=True)
    assert [t.get_text() for t in both.axes[1].get_legend().get_texts()] == ["SGD (test)", "SGD (train)"]


def test_a_loss_colour_bar_ticks_round_values_inside_the_range():
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-1, 1, 4)
    Z = 0.294 + (2.77 - 0.294) * np.linspace(0, 1, 20).reshape(4, 5)  # the odd ends of a real plane
    fig = plot_landscape(alphas, betas, Z)
    bar = fig.axes[1]
    np.testing.assert_allclose(bar.get_yticks(), [0.5, 1.0, 1.5, 2.0, 2.5])
    flat = plot_landscape(alphas, betas, np.full((4, 5), 2.3)).axes[1]
    np.testing.assert_allclose(flat.get_yticks(), [2.3])  # a flat grid: its one value


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")  # built to inspect, not to play
def test_each_race_frame_shows_only_its_own_trails_in_the_inset_too():
    from scratchnet.plot import animate_race

    race = animate_race("bowl", BOWL_PATHS, zoom=1.0, hold=0)
    inset = race._fig.axes[0].child_axes[0]
    for step, frame in enumerate(race._framedata):
        mine = [artist for artist in frame if artist in inset.lines]
        assert len(mine) == 2 * len(BOWL_PATHS)  # a trail and a current point per path, in this frame only
        trails = [artist for artist in mine if len(artist.get_xydata()) > 1 or step == 0]
        assert all(len(artist.get_xydata()) in (1, step + 1) for artist in trails)
    in_frames = {id(artist) for frame in race._framedata for artist in frame}
    always = [line for line in inset.lines if id(line) not in in_frames]
    assert [line.get_marker() for line in always] == ["*"]  # only the background's star stays drawn throughout


def test_the_bowls_contour_lines_are_labelled_with_round_values_in_true_proportion():
    from matplotlib.contour import ContourSet

    from scratchnet.plot import plot_surface_views

    fig = plot_surface_views("bowl", n=30)
    flat = fig.axes[-1]
    (lines,) = [artist for artist in flat.get_children() if isinstance(artist, ContourSet)]
    assert all(float(level / 2.5).is_integer() for level in lines.levels)  # 2.5, 5, 7.5, ...: not 2.15, 4.29
    assert flat.get_aspect() == 1.0


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")  # built to inspect, not to play
def test_several_descents_name_each_loss_in_the_legend_and_the_ball_keeps_its_start_and_the_minimum():
    from matplotlib.legend import Legend

    from scratchnet.objectives import get_objective
    from scratchnet.plot import animate_surface_descent

    alphas, betas, Z = _grid()
    paths = {"a": np.array([[-0.8, 0.4], [-0.4, 0.2]]), "b": np.array([[0.8, -0.4], [0.4, -0.2]])}
    heights = {"a": np.array([2.0, 1.5]), "b": np.array([1.8, 1.2])}
    animation = animate_landscape_descent(alphas, betas, Z, paths, heights)
    last = animation._framedata[-1]
    (legend,) = [artist for artist in last if isinstance(artist, Legend)]
    texts = [text.get_text() for text in legend.get_texts()]
    assert texts[1:] == ["a: loss 1.5", "b: loss 1.2"]
    counters = [artist.get_text() for artist in last if isinstance(artist, plt.Text) and "step" in artist.get_text()]
    assert counters == ["step 1"]  # the losses are in the legend, not crowded into the counter
    bowl = get_objective("bowl")
    ball = animate_surface_descent(bowl, BOWL_PATHS["Adam"])
    ax = ball._fig.axes[0]
    labels = {collection.get_label(): collection for collection in ax.collections}
    start = np.asarray(labels["start"]._offsets3d).ravel()
    np.testing.assert_allclose(start[:2], BOWL_PATHS["Adam"][0])
    star = np.asarray(labels["minimum"]._offsets3d).ravel()
    np.testing.assert_allclose(star[:2], [0.0, 0.0])


def test_training_axes_end_where_the_data_does():
    fig = plot_training_curves(np.linspace(2, 0.1, 200), np.linspace(0.1, 0.97, 21), np.linspace(0.1, 0.92, 21), 10)
    assert fig.axes[0].get_xlim() == (1, 200) and fig.axes[1].get_xlim() == (0, 20)  # not to 105 or 21


def test_an_accuracy_panel_without_a_legend_says_which_accuracy_it_is():
    from scratchnet.plot import plot_history_comparison
    from scratchnet.training import History

    run = History(iterations_per_epoch=2, train_loss=[2.0, 1.5, 1.0, 0.8], train_acc=[0.1, 0.5, 0.7],
                  test_acc=[0.1, 0.4, 0.6])
    assert plot_history_comparison({"SGD": run}, smooth_window=2).axes[1].get_ylabel() == "test accuracy"
    assert plot_history_comparison({"SGD": run}, smooth_window=2, show_train_acc=True).axes[1].get_ylabel() == \
        "accuracy"
