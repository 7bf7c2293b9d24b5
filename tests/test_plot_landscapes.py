"""Landscape figures and the two-weight slice: real content, gaps for NaN, gradients that check out."""

import gc
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from scratchnet.gradient import numerical_gradient
from scratchnet.landscape import WeightSlice, loss_grid, loss_points, params_to_vector, vector_to_params
from scratchnet.networks import build_network
from scratchnet.objectives import descend
from scratchnet.optimizers import SGD
from scratchnet.plot import (
    animate_landscape_descent,
    plot_interpolation,
    plot_landscape,
    plot_landscape_rows,
    plot_surfaces,
    save_animation,
)

ALPHAS, BETAS = np.linspace(-1, 1, 9), np.linspace(-2, 2, 7)
Z = 1 + np.add.outer(BETAS**2, ALPHAS**2)  # Z[j, i], rows are betas


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
    gc.collect()


def test_landscape_has_contour_colorbar_surface_and_path_on_it():
    path = np.array([[0.9, 1.8], [0.5, 1.0], [0.1, 0.1]])
    heights = 1 + path[:, 0] ** 2 + path[:, 1] ** 2
    fig = plot_landscape(ALPHAS, BETAS, Z, path=path, path_heights=heights, note="heights are projected")
    contour, colorbar, surface = fig.axes
    assert surface.name == "3d" and colorbar.get_label() == "<colorbar>"
    assert contour.get_xlim() == (-1, 1) and contour.get_ylim() == (-2, 2)
    drawn = [line for line in surface.lines if len(line.get_data_3d()[2]) == 3]
    np.testing.assert_allclose(drawn[-1].get_data_3d()[2], heights)
    np.testing.assert_array_equal(np.stack(drawn[-1].get_data_3d()[:2], axis=1), path)  # every point of the path
    assert any(text.get_text() == "heights are projected" for text in fig.texts)
    markers = {collection.get_label(): collection._offsets3d for collection in surface.collections[1:]}
    assert set(markers) == {"start", "end", "lowest point of the grid"}  # both ends and the star on the surface too
    for name, row in (("start", 0), ("end", -1)):
        x, y, z = (np.asarray(values) for values in markers[name])
        np.testing.assert_allclose([x[0], y[0], z[0]], [*path[row], heights[row]])
    # the star marks the grid's lowest point (not the path's end), on the map and on the surface
    j, i = np.unravel_index(np.argmin(Z), Z.shape)
    np.testing.assert_allclose(np.ravel(markers["lowest point of the grid"]), [ALPHAS[i], BETAS[j], Z[j, i]])
    (star,) = [line for line in contour.lines if line.get_marker() == "*"]
    np.testing.assert_allclose(star.get_xydata()[0], [ALPHAS[i], BETAS[j]])
    assert star.get_label() == f"lowest point of the grid ({Z[j, i]:.4g})"
    (end,) = [line for line in contour.lines if line.get_label() == "end"]
    np.testing.assert_array_equal(end.get_xydata()[0], path[-1])
    assert end.get_marker() == "o" and end.get_zorder() > star.get_zorder()  # an end at the lowest point stays seen
    assert [text.get_text() for text in contour.get_legend().get_texts()] == [
        "path", "start", "end", f"lowest point of the grid ({Z[j, i]:.4g})"]
    colorbar_values = colorbar.get_yticks()
    assert colorbar_values.min() >= Z.min() - 1e-9 and colorbar_values.max() <= Z.max() + 1e-9


def test_grid_of_the_wrong_shape_is_rejected():
    with pytest.raises(ValueError, match=r"Z: expected shape \(len\(betas\), len\(alphas\)\) = \(7, 9\), got \(9, 7\)"):
        plot_landscape(ALPHAS, BETAS, Z.T)


def test_nan_cells_are_gaps_with_a_warning():
    holes = Z.copy()
    holes[0, :3] = np.nan
    with pytest.warns(UserWarning, match="3 of 63 grid values are not finite; drawn as gaps"):
        fig = plot_landscape_rows({"with holes": (ALPHAS, BETAS, holes)})
    assert len(fig.axes) == 3
    with pytest.raises(ValueError, match="every grid value is NaN"):
        plot_landscape(ALPHAS, BETAS, np.full_like(Z, np.nan))


def test_log_colors_for_losses_spanning_decades():
    fig = plot_landscape_rows({"steep": (ALPHAS, BETAS, 10.0 ** (4 * np.add.outer(BETAS**2, ALPHAS**2)))})
    assert "log scale" in fig.axes[1].get_ylabel()


def test_surfaces_side_by_side():
    fig = plot_surfaces({"a": (ALPHAS, BETAS, Z), "b": (ALPHAS, BETAS, 2 * Z)}, cmap="terrain")
    assert [ax.name for ax in fig.axes].count("3d") == 2


def test_interpolation_marks_both_ends():
    alphas = np.linspace(-0.5, 1.5, 9)
    fig = plot_interpolation(alphas, {"train": np.exp(-alphas) + 0.1}, {"train": np.clip(alphas, 0, 1)})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.texts] == ["initial", "trained"]


def test_descent_animation_frames_differ_and_keep_the_surface(tmp_path):
    path = np.array([[0.9, 1.8], [0.6, 1.2], [0.3, 0.5], [0.0, 0.0]])
    heights = 1 + path[:, 0] ** 2 + path[:, 1] ** 2
    animation = animate_landscape_descent(ALPHAS, BETAS, Z, {"SGD": path}, {"SGD": heights},
                                          step_name="iteration", step_labels=[0, 10, 20, 30])
    written = save_animation(animation, tmp_path / "descent", writer="pillow")
    image = Image.open(written)
    frames = []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(np.asarray(image.convert("RGB"), dtype=float))
    assert len(frames) == 4 and np.abs(frames[0] - frames[-1]).max() > 50
    with pytest.raises(ValueError, match="paths, heights: expected the same non-empty set of labels"):
        animate_landscape_descent(ALPHAS, BETAS, Z, {"a": path}, {"b": heights})


def small_sigmoid_net():
    return build_network([5, 4, 3], activation="sigmoid", weight_init_std=1.0, use_bias=False,
                         output_activation="sigmoid", loss="squared", squared_factor=1.0, seed=2)


def test_weight_slice_values_and_gradient_match_the_network():
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((20, 5)), np.eye(3)[rng.integers(0, 3, 20)]
    network = small_sigmoid_net()
    before = params_to_vector(network.params)
    objective = WeightSlice(network, x, t, ("W2", (1, 2)), ("W2", (3, 2)))
    assert objective.name == "W2[1, 2] and W2[3, 2]"
    point = np.array([0.7, -1.3])
    numerical = numerical_gradient(lambda p: objective(p[0], p[1]), point.copy(), h=1e-5)
    np.testing.assert_allclose(objective.gradient(*point), numerical, rtol=1e-7)
    network.params["W2"][1, 2], network.params["W2"][3, 2] = point
    assert objective(*point) == pytest.approx(network.evaluate_loss(x, t))
    vector_to_params(before, network.params)
    path = descend(SGD(lr=1.0), objective, (0.0, 0.0), 5)
    assert path.shape == (6, 2) and objective(*path[-1]) < objective(0.0, 0.0)
    np.testing.assert_array_equal(params_to_vector(network.params), before)  # restored after every call
    with pytest.raises(ValueError, match=r"index \(9, 0\) is outside W2 of shape \(4, 3\)"):
        WeightSlice(network, x, t, ("W2", (9, 0)), ("W2", (0, 0)))
    with pytest.raises(ValueError, match="'W9' is not a parameter"):
        WeightSlice(network, x, t, ("W9", (0, 0)), ("W2", (0, 0)))
    with pytest.raises(ValueError, match=r"expected two different weights, got \('W2', \(1, 2\)\) twice"):
        WeightSlice(network, x, t, ("W2", (1, 2)), ("W2", [1, 2]))  # one weight set twice: w1 was ignored


def test_loss_points_equal_the_grid_at_grid_points():
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((15, 5)), np.eye(3)[rng.integers(0, 3, 15)]
    network = small_sigmoid_net()
    center = params_to_vector(network.params)
    d1, d2 = rng.standard_normal(center.size), rng.standard_normal(center.size)
    grid = loss_grid(network, x, t, center, d1, d2, [0.0, 0.5], [-0.5, 0.25])
    points = loss_points(network, x, t, center, d1, d2, [[0.5, -0.5], [0.0, 0.25]])
    np.testing.assert_allclose(points, [grid[0, 1], grid[1, 0]], rtol=1e-12)
    with pytest.raises(ValueError, match=r"points: expected a non-empty array of \(a, b\) rows"):
        loss_points(network, x, t, center, d1, d2, [0.5, 0.5])


@pytest.mark.parametrize("low, high", [(-15.0, 17.0), (-1.0, 1.0), (0.0, 0.3)])
def test_3d_surfaces_leave_one_label_at_the_corner_where_the_axes_meet(low, high):
    from scratchnet.plot.landscapes import draw_landscape_surface

    alphas = betas = np.linspace(low, high, 7)
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    draw_landscape_surface(ax, alphas, betas, np.add.outer(betas, alphas) ** 2 + 1.0)
    fig.canvas.draw()

    def near_lower_end(ticks, lower, upper):
        visible = [t for t in ticks if lower - 1e-9 <= t <= upper + 1e-9]
        return [t for t in visible if t - lower < 0.1 * (upper - lower)], visible

    x_corner, x_visible = near_lower_end(ax.get_xticks(), low, high)
    y_corner, _ = near_lower_end(ax.get_yticks(), low, high)
    z_low, z_high = ax.get_zlim()
    z_corner, _ = near_lower_end(ax.get_zticks(), z_low, z_high)
    assert not (x_corner and y_corner) and not z_corner  # no two labels printed over each other there
    assert 2 <= len(x_visible) <= 6
    plt.close(fig)


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_two_weights_chapter_keeps_every_descent_step_inside_its_window(monkeypatch, tmp_path):
    import scratchnet.plot as plot
    from scratchnet import cli
    from scratchnet.plot.landscapes import PATH_COLORS

    seen = {}
    original = plot.animate_landscape_descent

    def spy(alphas, betas, Z, paths, heights, **options):
        seen.update(alphas=alphas, betas=betas, paths=paths)
        seen["animation"] = original(alphas, betas, Z, paths, heights, **options)
        return seen["animation"]

    monkeypatch.setattr(plot, "animate_landscape_descent", spy)
    root = Path(__file__).resolve().parent.parent
    cli.run_chapter(root / "chapters" / "ch_landscape_1_two_weights.py", ["--quick", "--out", str(tmp_path)])
    points = np.concatenate(list(seen["paths"].values()))
    assert points[:, 0].min() >= seen["alphas"][0] and points[:, 0].max() <= seen["alphas"][-1]
    assert points[:, 1].min() >= seen["betas"][0] and points[:, 1].max() <= seen["betas"][-1]
    contour = seen["animation"]._fig.axes[1]
    trail_colors = {line.get_color() for line in contour.get_lines() if line.get_color() != "white"}
    trail_colors.discard("gold")  # the grid's lowest point
    assert trail_colors <= set(PATH_COLORS) and len(trail_colors) == 3  # strong, distinct colors
    plt.close("all")
    gc.collect()
