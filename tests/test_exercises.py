"""The gradient-check exercises: skeletons not done, the library's code passing, planted mistakes diagnosed."""

import re
from pathlib import Path

import pytest

from scratchnet import cli
from scratchnet.exercises import runner
from scratchnet.exercises.catalog import EXERCISES
from scratchnet.exercises.cli import init, readme, solution_text, watch
from scratchnet.exercises.templates import SKELETONS


def solved(exercise):
    """The skeleton's imports followed by the library's own implementation, as a learner would paste it."""
    if exercise.kind == "capstone":
        return solution_text(exercise)
    skeleton = SKELETONS[exercise.name]
    start = re.search(rf"^(def|class) {exercise.symbol}\b", skeleton, re.M).start()
    return skeleton[:start] + solution_text(exercise)


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "exercises"
    assert init(folder, out=lambda *a, **k: None) == 0
    return folder


def solve_all(folder):
    for exercise in EXERCISES:
        (folder / f"{exercise.name}.py").write_text(solved(exercise))


def run(folder, name=None, **options):
    lines = []
    status = runner.check_in_order(folder, name, out=lambda text="", **_: lines.append(text), **options)
    return status, "\n".join(lines)


def test_every_skeleton_is_not_done_yet(workspace):
    for exercise in EXERCISES:
        result = runner.check(workspace, exercise.name)
        assert not result.passed and result.lines == ["not done yet"], exercise.name
    status, out = run(workspace)
    assert status == 1 and "sigmoid (section 3.2.4): not done yet" in out and "0 of 25 done" in out
    assert "Traceback" not in out


@pytest.mark.slow
def test_the_librarys_own_code_passes_every_exercise_and_the_capstone_learns(workspace):
    solve_all(workspace)
    status, out = run(workspace)
    assert status == 0, out
    assert "25 of 25 done: every exercise passes." in out
    accuracy = float(re.search(r"test accuracy (\d\.\d+)", out).group(1))
    assert accuracy >= 0.90 and (workspace / "two_layer_net.png").is_file()


# (exercise, what the learner wrote instead of the library's line, the words the check must print)
MISTAKES = [
    ("affine", ("self.db = np.sum(dout, axis=0)", "self.db = np.sum(dout, axis=1)"), "summed over the wrong axis"),
    ("affine", ("self.db = np.sum(dout, axis=0)", "self.db = dout"), r"sum it over the batch axis \(axis=0\)"),
    ("affine", ("self.dW = self.x.T @ dout", "self.dW = dout.T @ self.x"), "db is transposed|dW is transposed"),
    ("affine", ("return (dout @ self.W.T).reshape", "return (2 * dout @ self.W.T).reshape"), "twice"),
    ("affine", ("return (dout @ self.W.T).reshape", "return (dout @ self.W).reshape"), "ValueError: .*affine.py, line"),
    ("softmax_with_loss", ("dx *= dout / n", "dx *= dout"), "did you forget to divide by the batch size"),
    ("softmax_with_loss", ("dx *= dout / n", "dx *= dout / n / n"), "divided by the batch size twice"),
    ("sigmoid_layer", ("return dout * self.out * (1.0 - self.out)", "return -dout * self.out * (1.0 - self.out)"),
     "opposite sign"),
    ("sigmoid_layer", ("return dout * self.out * (1.0 - self.out)", "return dout * self.out"),
     "the entries that differ most: dx\\["),
    ("sigmoid_layer", ("return dout * self.out * (1.0 - self.out)", "return self.out * (1.0 - self.out)"),
     "it ignores dout"),
    ("sigmoid_layer", ("return dout * self.out * (1.0 - self.out)", "dout *= self.out * (1.0 - self.out)\n"
                       "        return dout"), "backward changes dout in place"),
    ("sigmoid_layer", ("        self.out = self.apply(x)\n        return self.out",
                       "        out = self.apply(x)\n        if self.out is None:\n            self.out = out\n"
                       "        return out"), "stale cache"),
    ("relu_layer", ("self.mask = x <= 0", "self.mask = x < 0"), "wrong only where x is exactly 0"),
    ("relu_layer", ("return np.where(self.mask, 0, dout)", "return dout"), "right only where x > 0"),
    ("relu_layer", ("        self.mask = x <= 0\n        return self.apply(x)",
                    "        self.mask = x <= 0\n        x[self.mask] = 0\n        return x"),
     "forward changes its input x in place"),
    ("tanh_layer", ("return dout * (1.0 - self.out**2)", "return dout * 0.0"), "zero everywhere"),
    ("dropout", ("return dout * self.mask / (1.0 - self.dropout_ratio)", "return dout * self.mask"),
     "constant factor of 0.6"),
    ("batch_normalization", ("self.dbeta = np.sum(dout, axis=0)", "self.dbeta = np.sum(dout, axis=1)"),
     "summed over the wrong axis"),
    ("momentum", ("v = self._state(self.v, key, params[key])", "v = np.zeros_like(params[key])"),
     "right after step 1.*kept between calls"),
    ("adagrad", ("h = self._state(self.h, key, params[key])", "h = np.zeros_like(params[key])"),
     "right after step 1.*kept between calls"),
    ("adam", ("lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)",
              "lr_t = self.lr"), "without the bias correction"),
    ("sgd", ("params[key] -= self.lr * grads[key]", "params[key] = params[key] - self.lr * grads[key]"),
     "replaces params\\[key\\] with a new array"),
    ("numerical_gradient", ("            x[index] = original\n", "            pass\n"), "leaves x changed"),
    ("sigmoid", ("return np.where(x >= 0, 1.0 / denominator, exp_neg_abs / denominator)",
                 "return 1.0 / (1.0 + np.exp(-x))"), "sigmoid overflows"),
    ("softmax", ("shifted = x - np.max(x, axis=-1, keepdims=True)", "shifted = x"), "softmax overflows"),
    ("cross_entropy_error", ("return -np.mean(np.log(picked + 1e-7), axis=-1)",
                             "return -np.sum(np.log(picked + 1e-7), axis=-1)"),
     "gives 8.68707; the right value is 1.73741"),
    ("mul_layer", ("return dout * self.y, dout * self.x", "return dout * self.x, dout * self.y"),
     r"expected \(dx, dy\) = \(2.2, 110.0\)"),
    ("numerical_diff", ("return (f(x + h) - f(x - h)) / (2 * h)", "return (f(x + h) - f(x)) / h"),
     "should give the book's"),
    ("im2col", ("col.transpose(0, 4, 5, 1, 2, 3)", "col.transpose(0, 4, 5, 1, 3, 2)"),
     r"right numbers in the wrong places: rows must run over images"),
    ("im2col", ("out_h = conv_output_size(H, filter_h, stride, pad", "out_h = conv_output_size(H, filter_h, 1, pad"),
     r"ValueError: could not broadcast .*\(im2col.py, line \d+: col\[:, :, i, j\]"),
    ("convolution", ("self.dW = (delta.T @ self.col).reshape(self.W.shape)",
                     "self.dW = (self.col.T @ delta).reshape(self.W.shape)"),
     r"dW has the right numbers in the wrong places"),
    ("convolution", ("self.db = delta.sum(axis=0)", "self.db = delta.sum(axis=1)"), "db has shape .* summed over"),
    ("convolution", ("delta = np.asarray(dout).transpose(0, 2, 3, 1).reshape(-1, FN)",
                     "delta = np.asarray(dout).reshape(-1, FN)"),
     r"without moving the filter axis last: use dout.transpose\(0, 2, 3, 1\)"),
    ("convolution", ("self.stride, self.pad = int(stride), int(pad)", "self.stride, self.pad = 1, 0"),
     r"forward gives wrong values; .*yours .*, right .*\(this check uses 3 x 3 filters, stride 2, pad 1: does "
     r"forward pass self.stride and self.pad on"),
    ("pooling", ("dwindows[np.arange(delta.size), self.arg_max] = delta",
                 "dwindows[np.arange(delta.size), self.arg_max] = 1.0"), "it ignores dout"),
]


@pytest.mark.parametrize("name, change, words", MISTAKES,
                         ids=[f"{name}-{number}" for number, (name, _, _) in enumerate(MISTAKES)])
def test_a_planted_mistake_gets_its_diagnosis(workspace, name, change, words):
    exercise = next(e for e in EXERCISES if e.name == name)
    text = solved(exercise)
    assert change[0] in text, f"the library's {name} no longer has {change[0]!r}"
    (workspace / f"{name}.py").write_text(text.replace(change[0], change[1], 1))
    status, out = run(workspace, name)
    assert status == 1 and "FAILED" in out, out
    assert re.search(words, out), out


def test_a_syntax_error_shows_its_line(workspace):
    (workspace / "relu.py").write_text("import numpy as np\n\ndef relu(x)\n    return x\n")
    result = runner.check(workspace, "relu")
    assert not result.passed and result.lines[0].startswith("relu.py, line 3:") and "def relu(x)" in result.lines[1]


def test_a_check_that_runs_too_long_is_stopped(workspace, monkeypatch):
    monkeypatch.setattr(runner, "TIME_LIMIT", 1)
    (workspace / "relu.py").write_text("def relu(x):\n    while True:\n        pass\n")
    assert runner.check(workspace, "relu").lines == ["stopped: the check ran over 1 s (an endless loop?)"]


def test_init_refuses_to_overwrite_and_force_keeps_a_backup(workspace):
    (workspace / "relu.py").write_text("# my work\n")
    messages = []
    assert init(workspace, out=messages.append) == 1 and "nothing was written" in messages[0]
    assert (workspace / "relu.py").read_text() == "# my work\n"
    assert init(workspace, force=True, out=messages.append) == 0
    assert (workspace / "relu.py.bak").read_text() == "# my work\n"
    assert (workspace / "relu.py").read_text() == SKELETONS["relu"]
    assert "| 22 | `two_layer_net.py` | 5.7 | `TwoLayerNet` |" in readme()
    assert "| 25 | `pooling.py` | 7.4.4 | `Pooling` |" in readme()


def test_progress_stops_at_the_first_not_done(workspace):
    for exercise in EXERCISES[:7]:
        (workspace / f"{exercise.name}.py").write_text(solved(exercise))
    status, out = run(workspace)
    assert status == 1 and "7 of 25 done" in out and "add_layer (section 5.4.2): not done yet" in out


def test_watch_checks_again_after_a_save(workspace):
    lines, saves = [], iter([lambda: (workspace / "relu.py").write_text(solved(EXERCISES[1]))])

    def out(text="", **_):
        lines.append(text)
        if "watching" in text:
            next(saves, lambda: None)()

    watch(workspace, "relu", out=out, interval=0.01, rounds=2)
    joined = "\n".join(lines)
    assert joined.count("relu (section 3.2.7)") == 2
    assert "relu (section 3.2.7): not done yet" in joined and "relu (section 3.2.7): ok" in joined


def test_plot_saves_the_wrong_gradient(workspace):
    text = solved(next(e for e in EXERCISES if e.name == "affine"))
    (workspace / "affine.py").write_text(text.replace("self.dW = self.x.T @ dout", "self.dW = 3 * self.x.T @ dout"))
    status, out = run(workspace, "affine", plot=True)
    figure = workspace / "affine_gradient.png"
    assert status == 1 and f"figure: {figure}" in out and figure.stat().st_size > 10_000


def test_hint_and_solution_from_the_command_line(capsys, workspace):
    assert cli.main(["exercises", "hint", "affine"]) == 0
    assert "db = dout.sum(axis=0)" in capsys.readouterr().out
    assert cli.main(["exercises", "solution", "relu_layer"]) == 0
    assert "class Relu(Layer)" in capsys.readouterr().out
    assert cli.main(["exercises", "check", str(workspace), "relu"]) == 1
    assert "relu (section 3.2.7): not done yet" in capsys.readouterr().out
    with pytest.raises(ValueError, match="name: expected one of sigmoid, relu"):
        cli.main(["exercises", "hint", "rleu"])
    assert Path(workspace / "README.md").is_file()


def test_the_gradient_figure_shows_both_arrays_and_their_difference():
    import matplotlib.pyplot as plt
    import numpy as np

    from scratchnet.plot.exercises import plot_gradient_comparison

    yours, numerical = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    fig = plot_gradient_comparison("dW", yours, numerical)
    images = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    np.testing.assert_array_equal(images[0], yours)
    np.testing.assert_array_equal(images[1], numerical)
    np.testing.assert_array_equal(images[2], yours - numerical)
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["dW: yours", "dW: numerical", "dW: yours - numerical"]
    bars = plot_gradient_comparison("db", np.array([1.0, -2.0]), np.array([1.0, 2.0]))
    assert [patch.get_height() for patch in bars.axes[2].patches] == [0.0, -4.0]
    with pytest.raises(ValueError, match=r"yours: expected the numerical gradient's shape \(3,\)"):
        plot_gradient_comparison("db", np.zeros(2), np.zeros(3))
    plt.close("all")
