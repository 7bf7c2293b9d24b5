"""The interactive pages' data: the surface is the grid, the paths are the paths, the frames are the steps."""

import sys

import numpy as np
import pytest

pytest.importorskip("plotly", reason="plotly is in the test extras")
from scratchnet.plot import interactive  # noqa: E402

ALPHAS, BETAS = np.linspace(-1, 1, 5), np.linspace(0, 2, 4)
Z = np.add.outer(BETAS**2, ALPHAS) + 3.0
PATH = np.array([[0.9, 1.8], [0.4, 1.1], [0.0, 0.2]])
HEIGHTS = np.array([5.0, 4.0, 3.2])


def test_surface_is_the_grid_and_the_path_lies_on_it():
    figure = interactive.surface_figure(ALPHAS, BETAS, Z, {"SGD": PATH}, {"SGD": HEIGHTS}, xlabel="a", ylabel="b")
    surface, path, start, end, lowest = figure.data
    np.testing.assert_array_equal(surface.z, Z)
    np.testing.assert_array_equal(surface.x, ALPHAS)
    np.testing.assert_array_equal(surface.y, BETAS)
    np.testing.assert_array_equal(np.stack([path.x, path.y], axis=1), PATH)  # every point
    lift = np.asarray(path.z) - HEIGHTS
    assert np.allclose(lift, lift[0]) and 0 < lift[0] < 0.05 * np.ptp(Z)
    # a ring at the start, a dot at the end, both at the path's own lifted heights
    assert (start.x[0], start.y[0], start.z[0]) == (PATH[0, 0], PATH[0, 1], path.z[0])
    assert (end.x[0], end.y[0], end.z[0]) == (PATH[-1, 0], PATH[-1, 1], path.z[-1])
    assert start.marker.symbol == "circle-open" and end.marker.symbol is None
    # the gold diamond at the grid's lowest point: Z is lowest at alpha -1, beta 0 (3 + 0 - 1 = 2)
    assert (lowest.x[0], lowest.y[0]) == (-1.0, 0.0) and lowest.z[0] == pytest.approx(2.0 + lift[0])
    assert lowest.name == "lowest point of the grid (2)" and lowest.marker.color == "gold"
    assert figure.layout.showlegend and path.showlegend is not False and start.showlegend is False
    assert "a %{x" in surface.hovertemplate and "loss %{z" in surface.hovertemplate
    assert figure.layout.scene.xaxis.title.text == "a"
    with pytest.raises(ValueError, match=r"Z: expected shape .* = \(4, 5\), got \(5, 4\)"):
        interactive.surface_figure(ALPHAS, BETAS, Z.T)


def test_descent_animation_has_a_frame_per_step_play_and_a_slider():
    path = np.linspace([0.9, 1.8], [0.0, 0.2], 12)
    heights = np.linspace(5, 3, 12)
    figure = interactive.descent_animation(ALPHAS, BETAS, Z, path, heights)
    assert len(figure.frames) == 12 and [frame.name for frame in figure.frames] == [str(k) for k in range(12)]
    last = figure.frames[-1].data[0]
    np.testing.assert_array_equal(np.stack([last.x, last.y], axis=1), path)
    assert len(figure.frames[3].data[0].x) == 4  # the trail up to step 3
    assert list(figure.frames[3].traces) == [1, 3]  # the trail and the current point move; the rest stays
    current = figure.frames[5].data[1]
    assert (current.x[0], current.y[0]) == (path[5, 0], path[5, 1])
    assert figure.frames[5].layout.title.text == f"step 5: loss {heights[5]:.4g}"
    whole = figure.data[-1]
    assert whole.name == "descent (whole path)" and len(whole.x) == 12  # drawn faintly from the first frame
    assert [button.label for button in figure.layout.updatemenus[0].buttons] == ["play", "pause"]
    assert len(figure.layout.sliders[0].steps) == 12
    assert len(interactive.descent_animation(ALPHAS, BETAS, Z, path, heights, frames=4).frames) == 4
    named = interactive.descent_animation(ALPHAS, BETAS, Z, path, heights, title="t", step_name="epoch",
                                          step_labels=[10 * k for k in range(12)])
    assert named.frames[2].layout.title.text == f"t<br><sup>epoch 20: loss {heights[2]:.4g}</sup>"
    assert named.layout.sliders[0].steps[2].label == "20" and named.layout.sliders[0].currentvalue.prefix == "epoch "


def test_scenes_have_a_fixed_aspect_and_look_from_the_paths_side():
    figure = interactive.surface_figure(ALPHAS, BETAS, Z, {"SGD": PATH}, {"SGD": HEIGHTS})
    scene = figure.layout.scene
    assert scene.aspectmode == "manual" and (scene.aspectratio.x, scene.aspectratio.y) == (1.2, 1.2)
    # PATH starts at (0.9, 1.8): high alpha, high beta of the grid [-1, 1] x [0, 2], so the eye is on the other
    # side (the start on the far slope, facing it), and high
    assert scene.camera.eye.x < 0 and scene.camera.eye.y < 0 and scene.camera.eye.z > 1
    flipped = interactive.surface_figure(ALPHAS, BETAS, Z, {"SGD": PATH * [-1, 1]}, {"SGD": HEIGHTS})
    assert flipped.layout.scene.camera.eye.x > 0 and flipped.layout.scene.camera.eye.y < 0
    # to scale: the grid is 2 wide and 2 deep here, so equal; a grid 4 wide and 1 deep is drawn 4:1
    wide = interactive.surface_figure(np.linspace(0, 4, 5), np.linspace(0, 1, 4), np.ones((4, 5)), equal_aspect=True)
    assert wide.layout.scene.aspectratio.x == pytest.approx(4 * wide.layout.scene.aspectratio.y)


def test_optimizer_paths_on_a_named_objective():
    from scratchnet.objectives import get_objective

    paths = {"SGD": np.array([[-7.0, 2.0], [-6.0, 1.0]]), "Adam": np.array([[-7.0, 2.0], [-6.7, 1.7]])}
    figure = interactive.objective_paths_figure("bowl", paths, n=20)
    assert [trace.name for trace in figure.data[1:]] == ["SGD", "SGD: start", "SGD: end", "Adam", "Adam: start",
                                                        "Adam: end", "minimum"]
    minimum = figure.data[-1]
    assert (minimum.x[0], minimum.y[0]) == (0.0, 0.0)  # the bowl's own minimum, not the grid's nearest point
    bowl = get_objective("bowl")
    X, Y, expected = bowl.grid(20)
    np.testing.assert_allclose(figure.data[0].z, expected)
    assert figure.layout.scene.aspectratio.x == pytest.approx(2 * figure.layout.scene.aspectratio.y)  # x +-10, y +-5
    lift = np.asarray(figure.data[1].z) - bowl(paths["SGD"][:, 0], paths["SGD"][:, 1])
    assert np.allclose(lift, lift[0]) and lift[0] > 0


def test_pages_work_offline_with_one_shared_script(tmp_path):
    figure = interactive.surface_figure(ALPHAS, BETAS, Z)
    first = interactive.write_page(figure, tmp_path / "a")
    second = interactive.write_page(figure, tmp_path / "b.html")
    assert (first.name, second.name) == ("a.html", "b.html")
    script = tmp_path / interactive.PLOTLY_JS
    assert script.stat().st_size > 1_000_000  # plotly's JavaScript, once
    for page in (first, second):
        html = page.read_text()
        assert 'src="plotly.min.js"' in html and "cdn.plot.ly" not in html and len(html) < 200_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html", "plotly.min.js"]


def test_without_plotly_a_page_is_a_clear_message(monkeypatch, tmp_path, capsys):
    from scratchnet.chapter import ChapterRun

    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    with pytest.raises(ImportError, match=r'interactive pages need plotly: pip install "scratchnet\[interactive\]"'):
        interactive.surface_figure(ALPHAS, BETAS, Z)
    run = ChapterRun("demo", tmp_path / "chapters" / "ch99.py", ["--out", str(tmp_path / "out")])
    assert run.save_page("page", interactive.surface_figure, ALPHAS, BETAS, Z) is None
    assert run.save_page("again", interactive.surface_figure, ALPHAS, BETAS, Z) is None
    out = capsys.readouterr().out
    assert out.count("no interactive pages: interactive pages need plotly") == 1  # said once
    assert not (tmp_path / "out" / "page.html").exists()


@pytest.mark.parametrize("damage", [b"", b"// an older plotly\n", "truncate"])
def test_a_damaged_or_other_plotly_script_is_written_again(tmp_path, damage):
    import plotly.offline

    g = np.linspace(-1, 1, 3)
    script = tmp_path / interactive.PLOTLY_JS
    interactive.write_page(interactive.surface_figure(g, g, np.ones((3, 3))), tmp_path / "a")
    right = script.read_bytes()
    script.write_bytes(right[: len(right) // 2] if damage == "truncate" else damage)
    interactive.write_page(interactive.surface_figure(g, g, np.ones((3, 3))), tmp_path / "b")
    assert script.read_bytes() == right == plotly.offline.get_plotlyjs().encode()
