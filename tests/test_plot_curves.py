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
