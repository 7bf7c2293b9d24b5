"""Chapters 1-4 of the book: perceptrons, the first figures, and the numbers the book prints."""

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from scratchnet import cli
from scratchnet.perceptron import AND, GATES, NAND, OR, XOR, truth_table
from scratchnet.plot.basics import plot_digits, plot_gates, plot_lines

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("gate, outputs", [(AND, [0, 0, 0, 1]), (NAND, [1, 1, 1, 0]), (OR, [0, 1, 1, 1]),
                                           (XOR, [0, 1, 1, 0])])
def test_truth_tables(gate, outputs):
    assert [y for _, y in truth_table(gate)] == outputs
    assert [x for x, _ in truth_table(gate)] == [(0, 0), (1, 0), (0, 1), (1, 1)]


def test_no_single_perceptron_line_is_xor():
    # Search a grid of lines: none gives XOR's table; two layers do.
    xs = np.array([(0, 0), (1, 0), (0, 1), (1, 1)])
    target = np.array([0, 1, 1, 0])
    for w1 in np.linspace(-1, 1, 21):
        for w2 in np.linspace(-1, 1, 21):
            for b in np.linspace(-1.5, 1.5, 31):
                assert not np.array_equal((xs @ [w1, w2] + b > 0).astype(int), target)


def run_chapter(name, tmp_path, capsys):
    written = cli.run_chapter(ROOT / "chapters" / f"{name}.py", ["--quick", "--out", str(tmp_path)])
    return written, capsys.readouterr().out


def test_chapter_3_prints_the_books_three_layer_output(tmp_path, capsys):
    written, out = run_chapter("ch03_activation_and_forward", tmp_path, capsys)
    assert "3-layer network, x = [1.0, 0.5]: [0.31682708 0.69627909]" in out
    assert [p.name for p in written] == ["ch03_step_sigmoid.png", "ch03_relu.png"]


def test_chapter_4_prints_the_books_derivatives_and_simplenet_gradient(tmp_path, capsys):
    _, out = run_chapter("ch04_gradient_1d", tmp_path, capsys)
    assert "numerical derivative at x = 5: 0.1999999999990898" in out
    assert "numerical derivative at x = 10: 0.2999999999986347" in out
    # The book's code (cross_entropy_error with its 1e-7) on the printed W gives these:
    assert "loss 0.9280682857864075" in out
    assert "[[ 0.21924757  0.14356243 -0.36281   ]\n [ 0.32887136  0.21534364 -0.544215  ]]" in out
    # and the exact loss gives every digit the book prints in section 4.4.2:
    assert ("exact loss (the book's printed digits) =\n[[ 0.21924763  0.14356247 -0.36281009]\n"
            " [ 0.32887144  0.2153437  -0.54421514]]") in out


def test_chapter_2_prints_every_truth_table(tmp_path, capsys):
    _, out = run_chapter("ch02_perceptron", tmp_path, capsys)
    assert "XOR  00 -> 0, 10 -> 1, 01 -> 1, 11 -> 0" in out and "NAND 00 -> 1, 10 -> 1, 01 -> 1, 11 -> 0" in out


def test_plot_lines_draws_each_curve_exactly():
    x = np.linspace(0, 1, 5)
    fig = plot_lines(x, {"a": x**2, "b": -x}, styles={"b": {"linestyle": "--"}})
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[0].get_ydata(), x**2)
    assert lines[1].get_linestyle() == "--"
    with pytest.raises(ValueError, match=r"curves\['a'\]: expected \(5,\) values"):
        plot_lines(x, {"a": x[:3]})
    plt.close("all")


def test_plot_digits_titles_and_images():
    images = np.arange(3 * 784).reshape(3, 784) % 256
    fig = plot_digits(images, [1, 2, 3], predicted=[1, 5, 3], ncols=2)
    shown = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in shown] == ["1 → 1", "2 → 5", "3 → 3"]
    assert shown[1].title.get_color() == "#d62728" and shown[0].title.get_color() == "black"
    np.testing.assert_array_equal(shown[2].images[0].get_array(), images[2].reshape(28, 28))
    with pytest.raises(ValueError, match="images: expected 28 x 28 digits"):
        plot_digits(np.zeros((2, 10)), [1, 2])
    plt.close("all")


def test_plot_gates_lines_and_point_colors():
    fig = plot_gates(GATES, two_layer={"XOR": XOR})
    assert [ax.get_title() for ax in fig.axes] == ["AND", "NAND", "OR", "XOR: two layers"]
    and_line = fig.axes[0].get_lines()[0]
    x, y = and_line.get_data()
    np.testing.assert_allclose(0.5 * x + 0.5 * y - 0.7, 0, atol=1e-12)  # on the line w.x + b = 0
    filled = [tuple(c) for c in fig.axes[3].collections[-1].get_facecolors()]
    white = (1.0, 1.0, 1.0, 1.0)
    assert [c == white for c in filled] == [True, False, False, True]  # XOR: 0, 1, 1, 0
    assert len(fig.axes[3].get_lines()) == 3
    xor = plot_gates(GATES, two_layer={"XOR": XOR}, first_layer=("NAND", "OR"))
    drawn = {line.get_label(): line.get_color() for line in xor.axes[3].get_lines()}
    assert drawn == {"NAND line": xor.axes[1].get_lines()[0].get_color(),  # one colour per gate in every panel
                     "OR line": xor.axes[2].get_lines()[0].get_color()}
    assert [text.get_text() for text in xor.axes[3].get_legend().get_texts()] == ["NAND line", "OR line"]
    plt.close("all")


def test_chapter_5_graph_prints_the_books_apples_and_oranges(tmp_path, capsys):
    written, out = run_chapter("ch05_computational_graph", tmp_path, capsys)
    assert "apples: price: 220, dApple: 2.2, dApple_num: 110, dTax: 200 (as floats: price 220.00000000000003" in out
    assert ("apples and oranges: price: 715, dApple: 2.2, dApple_num: 110, dOrange: 3.3000000000000003, "
            "dOrange_num: 165, dTax: 650 (as floats: price 715.0000000000001") in out  # the book's buy_apple_orange.py
    assert [p.name for p in written] == ["ch05_graph_apple.png", "ch05_graph_apple_orange.png"]


def test_mul_and_add_layers():
    from scratchnet.graph import AddLayer, MulLayer

    mul, add = MulLayer(), AddLayer()
    assert mul.forward(3.0, 4.0) == 12.0 and mul.backward(2.0) == (8.0, 6.0)
    assert add.forward(3.0, 4.0) == 7.0 and add.backward(2.0) == (2.0, 2.0)
    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    dx, dy = (mul.forward(x, y), mul.backward(np.ones(2)))[1]
    np.testing.assert_array_equal(dx, y)
    np.testing.assert_array_equal(dy, x)


def test_the_graph_figure_puts_each_value_on_its_edge():
    from scratchnet.plot.basics import plot_computational_graph

    nodes = {"a": (0, 0, ""), "b": (0, 1, ""), "mul": (2, 0.5, "×"), "out": (4, 0.5, "")}
    fig = plot_computational_graph(nodes, [("a", "mul", 3, 4), ("b", "mul", 4, 3), ("mul", "out", 12, 1)])
    texts = {t.get_text(): t for t in fig.axes[0].texts}
    assert {"3", "4", "12", "1", "×"} <= set(texts)
    gradients = [t for t in fig.axes[0].texts if t.get_color() == "#d62728"]
    assert sorted(t.get_text() for t in gradients) == ["1", "3", "4"]  # the backward values, in red
    # The two edges into "mul" meet there: each one's labels sit on its outer side, none between the edges.
    values = [text for text in fig.axes[0].texts if text.get_text().isdigit()]
    rising = [text for text in values if text.get_position()[1] < 0.25]  # a (0, 0) -> mul (2, 0.5)
    falling = [text for text in values if 0.75 < text.get_position()[1] < 1.5]  # b (0, 1) -> mul
    assert sorted(t.get_text() for t in rising) == ["3", "4"] and sorted(t.get_text() for t in falling) == ["3", "4"]
    assert {t.get_color() for t in rising} == {"black", "#d62728"}  # a's forward 3 and gradient 4, below a
    level = [text for text in values if text.get_text() in ("12", "1")]
    assert sorted(t.get_position()[1] for t in level) == [0.4, 0.6]  # a level edge: value above, gradient below
    plt.close(fig)


def test_the_shipped_sample_weights_reach_their_recorded_accuracy(tmp_path, capsys):
    from scratchnet.datasets import load_mnist
    from scratchnet.networks.pretrained import load_sample_weights

    params, info = load_sample_weights()
    assert {k: v.shape for k, v in params.items()} == {"W1": (784, 50), "b1": (50,), "W2": (50, 100), "b2": (100,),
                                                       "W3": (100, 10), "b3": (10,)}
    _, (x, t) = load_mnist()
    z = 1 / (1 + np.exp(-(x @ params["W1"] + params["b1"])))
    z = 1 / (1 + np.exp(-(z @ params["W2"] + params["b2"])))
    accuracy = np.mean(np.argmax(z @ params["W3"] + params["b3"], axis=1) == t)
    assert accuracy == pytest.approx(info["test_accuracy"], abs=1e-12) and accuracy > 0.9
    _, out = run_chapter("ch03_mnist_inference", tmp_path, capsys)
    assert f"Accuracy:{accuracy}" in out and "batches of 100 give the same predictions: True" in out


def test_chapter_8_prints_the_shipped_networks_accuracy_in_each_precision(tmp_path, capsys):
    from scratchnet.datasets import load_mnist
    from scratchnet.networks.pretrained import load_deep_convnet

    _, (x_test, t_test) = load_mnist(flatten=False)
    network, _ = load_deep_convnet()
    wrong = int(np.sum(network.predict(x_test[:300]).argmax(axis=1) != t_test[:300]))  # --quick: 300 images
    assert 0 < wrong < 30  # the shipped weights: about 0.97 over all 1,000
    cli.run_chapter(ROOT / "chapters" / "ch08_half_float_network.py", ["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    for dtype in ("float64", "float32", "float16"):  # the book's point: 16 bits lose nothing here
        assert f"weights and images in {dtype}: accuracy {1 - wrong / 300:.4f}" in out
    cli.run_chapter(ROOT / "chapters" / "ch08_misclassified_mnist.py", ["--quick", "--out", str(tmp_path)])
    assert (f"test accuracy {1 - wrong / 300:.4f} on 300 images ({wrong} wrong); trained 14 epochs, seed 0"
            in capsys.readouterr().out)


def test_chapter_4_times_both_gradients_and_projects_the_books_run(tmp_path, capsys):
    # That the two runs agree is Trainer's test (test_training.py); here, what the chapter reports.
    cli.run_chapter(ROOT / "chapters" / "ch04_train_neuralnet.py", ["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "numerical gradient: 40 iterations in" in out and "backprop  gradient: 40 iterations in" in out
    # How long it projects is a measurement of this machine's load (bench_numerical_gradient states it); a test
    # only checks that the projection is there and is a positive number of minutes.
    minutes = float(re.search(r"the book's 10,000 iterations by numerical gradient would take about (\d+) minutes",
                              out).group(1))
    assert minutes >= 1
