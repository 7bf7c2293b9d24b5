import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from scratchnet.plot import moving_average, plot_training_curves, save_figure


def test_moving_average():
    np.testing.assert_allclose(moving_average([1, 2, 3, 4, 5], 2), [1.5, 2.5, 3.5, 4.5])
    np.testing.assert_allclose(moving_average([1, 2, 3], 10), [2.0])  # window clipped
    with pytest.raises(ValueError, match="values: expected a non-empty 1-D sequence"):
        moving_average([], 3)


def test_training_curves_figure_content(tmp_path):
    loss = np.linspace(2.3, 0.1, 40) + 0.05 * np.sin(np.arange(40))
    fig = plot_training_curves(loss, [0.1, 0.5, 0.8, 0.9], [0.1, 0.45, 0.75, 0.85], iterations_per_epoch=10,
                               title="demo")
    assert isinstance(fig, Figure)
    ax_loss, ax_acc = fig.axes
    assert len(ax_loss.lines) == 2 and len(ax_acc.lines) == 2
    np.testing.assert_array_equal(ax_acc.lines[0].get_xdata(), [0, 1, 2, 3])
    assert ax_acc.get_xlabel() == "epoch" and ax_loss.get_ylabel() == "loss"
    assert "test 0.850" in ax_acc.get_title()
    path = save_figure(fig, tmp_path / "curves.png")
    image = plt.imread(path)
    assert image.shape[0] > 300 and image.std() > 0.05  # a real picture, not a blank canvas
    plt.close(fig)


def test_training_curves_reject_mismatched_accuracies():
    with pytest.raises(ValueError, match="test_acc: expected"):
        plot_training_curves([1.0, 0.5], [0.1, 0.2], [0.1], iterations_per_epoch=1)


def make_history(losses, train_acc, test_acc, per_epoch=5):
    from scratchnet.training import History

    return History(per_epoch, list(losses), list(train_acc), list(test_acc))


def test_history_comparison_draws_one_curve_per_run():
    from scratchnet.plot import plot_history_comparison

    histories = {"SGD": make_history(np.linspace(2, 1, 20), [0.1, 0.5, 0.6], [0.1, 0.4, 0.5]),
                 "Adam": make_history(np.linspace(2, 0.1, 20), [0.1, 0.8, 0.9], [0.1, 0.7, 0.8])}
    fig = plot_history_comparison(histories, smooth_window=5, log_loss=True, show_train_acc=True)
    ax_loss, ax_acc = fig.axes
    assert [line.get_label() for line in ax_loss.lines] == ["SGD", "Adam"]
    assert len(ax_loss.lines[0].get_xdata()) == 16  # 20 losses, a 5-wide moving average
    assert ax_loss.get_yscale() == "log"
    assert len(ax_acc.lines) == 4  # test and train for each run
    assert ax_loss.lines[0].get_color() != ax_loss.lines[1].get_color()
    with pytest.raises(ValueError, match="histories: expected at least one run"):
        plot_history_comparison({})
    plt.close("all")


def test_accuracy_panels_share_styles_and_one_legend():
    from scratchnet.plot import plot_accuracy_panels

    panels = {f"panel {k}": {"train": [0.1, 0.5, 0.9], "test": [0.1, 0.4, 0.7]} for k in range(5)}
    styles = {"test": {"color": "red", "linestyle": "--"}}
    fig = plot_accuracy_panels(panels, ncols=3, styles=styles, title="demo")
    assert len(fig.axes) == 5  # the sixth, empty panel is removed
    assert all(ax.lines[1].get_linestyle() == "--" for ax in fig.axes)
    assert len(fig.legends) == 1
    plt.close("all")


def test_activation_histograms_grid_and_dropping_zeros():
    from scratchnet.plot import plot_activation_histograms

    layers = [np.array([0.0, 0.0, 0.0, 0.5, 1.5])] * 3
    fig = plot_activation_histograms({"row a": layers, "row b": layers}, value_range=(0, 2), drop_zeros=True)
    assert len(fig.axes) == 6
    counts = [patch.get_height() for patch in fig.axes[0].patches]
    assert sum(counts) == 2  # the three zeros were left out
    fig = plot_activation_histograms({"row": layers}, value_range=(0, 2))
    assert sum(patch.get_height() for patch in fig.axes[0].patches) == 5
    # one count axis per row: a layer with a spike and one spread out are drawn to the same scale
    spread = [np.linspace(0.01, 0.99, 100), np.full(100, 0.5)]
    fig = plot_activation_histograms({"a": spread, "b": spread})
    top = fig.axes
    assert top[0].get_ylim() == top[1].get_ylim() and top[1].get_ylim()[1] >= 100
    assert top[0].get_ylabel() == "a\ncount" and len(top[0].get_yticks()) > 1
    plt.close("all")


def test_a_perfect_accuracy_is_drawn_below_the_top_spine():
    from scratchnet.plot import plot_accuracy_panels, plot_interpolation, plot_training_curves

    perfect = [0.5, 1.0, 1.0]
    figures = {
        "training curves": plot_training_curves([1.0, 0.5, 0.2], perfect, perfect, 1).axes[1],
        "panels": plot_accuracy_panels({"p": {"train": perfect}}).axes[0],
        "interpolation": plot_interpolation(np.array([0.0, 0.5, 1.0]), {"train": [1.0, 0.5, 0.2]},
                                            {"train": perfect}).axes[1],
    }
    for name, ax in figures.items():
        low, high = ax.get_ylim()
        assert low == 0.0 and high > 1.0, name
        assert 1.0 in ax.get_yticks(), name
    plt.close("all")


def test_optimizers_that_coincide_stay_distinguishable():
    from scratchnet.plot import plot_history_comparison
    from scratchnet.training import History

    same = History(iterations_per_epoch=5, train_loss=list(np.linspace(2, 0.1, 30)), train_acc=[0.1, 0.9],
                   test_acc=[0.1, 0.9])
    fig = plot_history_comparison({"Momentum": same, "Nesterov": same, "SGD": same})
    loss_lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert loss_lines["Momentum"].get_linestyle() == "-" and loss_lines["Nesterov"].get_linestyle() != "-"
    assert loss_lines["Nesterov"].get_zorder() > loss_lines["Momentum"].get_zorder()
    assert loss_lines["Momentum"].get_color() != loss_lines["Nesterov"].get_color()
    plt.close("all")


@pytest.mark.parametrize("size", [(16, 4.8), (13.6, 10.8), (6, 4)])
def test_windows_fit_a_1600_by_900_screen(size):
    from scratchnet.plot.style import fit_on_screen

    fig = plt.figure(figsize=size, dpi=100)
    width, height = fit_on_screen(fig).get_size_inches() * 100
    assert width <= 1500 + 1e-6 and height <= 850 + 1e-6
    assert width / height == pytest.approx(size[0] / size[1])
    if size == (6, 4):
        assert (width, height) == (600, 400)  # small figures are left as they are
    plt.close(fig)


def test_the_loss_axis_is_logarithmic_where_losses_span_decades():
    from scratchnet.plot import plot_history_comparison, plot_interpolation
    from scratchnet.training import History

    run = History(iterations_per_epoch=5, train_loss=list(np.geomspace(3, 1e-4, 40)), train_acc=[0.1, 0.9],
                  test_acc=[0.1, 0.8])
    loss_axis = plot_history_comparison({"Adam": run}, smooth_window=4, log_loss=True).axes[0]
    assert loss_axis.get_yscale() == "log"
    smooth = loss_axis.get_lines()[0].get_ydata()
    np.testing.assert_allclose(smooth, np.convolve(run.train_loss, np.ones(4) / 4, mode="valid"))
    assert plot_history_comparison({"Adam": run}).axes[0].get_yscale() == "linear"
    interpolation = plot_interpolation(np.linspace(0, 1, 5), {"train": np.geomspace(2, 0.01, 5)})
    assert interpolation.axes[0].get_yscale() == "log"
    plt.close("all")


def test_history_comparison_styles_put_a_dashed_run_over_a_solid_one():
    from scratchnet.plot import plot_history_comparison

    same = make_history(np.linspace(2, 1, 20), [0.1, 0.5, 0.6], [0.1, 0.4, 0.5])
    fig = plot_history_comparison({"backprop": same, "numerical": same}, smooth_window=5,
                                  styles={"numerical": (0, (4, 3))})
    for ax in fig.axes:
        solid, dashed = ax.lines
        assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
        assert dashed.get_zorder() > solid.get_zorder()
        np.testing.assert_array_equal(solid.get_ydata(), dashed.get_ydata())
    plt.close("all")
