import io

import numpy as np
import pytest

from scratchnet.datasets import load_mnist
from scratchnet.landscape import params_to_vector
from scratchnet.networks import MultiLayerNet, TwoLayerNet
from scratchnet.optimizers import SGD, Adam
from scratchnet.training import History, RunsProgress, Trainer, TrainingDivergedError, TrajectoryRecorder


@pytest.fixture(scope="module")
def small_mnist():
    (x_train, t_train), (x_test, t_test) = load_mnist()
    return x_train[:600], t_train[:600], x_test[:200], t_test[:200]


class RecordingNet:
    """Stands in for a network: remembers which samples (x holds their index) it was given."""

    def __init__(self):
        self.params = {"w": np.zeros(1)}
        self.batches = []
        self.last_loss = None

    def gradient(self, x, t):
        self.batches.append(x[:, 0].astype(int).tolist())
        self.last_loss = 1.0
        return {"w": np.zeros(1)}

    def accuracy(self, x, t):
        return 0.5


def run_recording(n=10, batch_size=3, epochs=2, seed=0):
    x = np.arange(n, dtype=float)[:, None]
    t = np.zeros(n, dtype=int)
    network = RecordingNet()
    Trainer(network, SGD(), x, t, x, t, epochs=epochs, batch_size=batch_size, seed=seed, verbose=False).fit()
    return network.batches


def test_each_epoch_sees_every_sample_once_in_a_new_order():
    batches = run_recording()
    assert [len(b) for b in batches] == [3, 3, 3, 1] * 2  # ceil(10 / 3) batches, the last smaller
    first, second = sum(batches[:4], []), sum(batches[4:], [])
    assert sorted(first) == sorted(second) == list(range(10))
    assert first != second


def test_same_seed_same_batches():
    assert run_recording(seed=5) == run_recording(seed=5)
    assert run_recording(seed=5) != run_recording(seed=6)


def test_fit_learns_and_history_has_the_right_lengths(small_mnist):
    network = TwoLayerNet(784, 30, 10, seed=0)
    trainer = Trainer(network, SGD(lr=0.1), *small_mnist, epochs=5, batch_size=20, seed=0, verbose=False)
    history = trainer.fit()
    assert isinstance(history, History) and history.iterations_per_epoch == 30
    assert len(history.train_loss) == 150 and len(history.train_acc) == len(history.test_acc) == 6
    assert history.train_acc[-1] > history.train_acc[0] + 0.5
    assert np.mean(history.train_loss[-30:]) < np.mean(history.train_loss[:30])
    assert trainer.history is history


def test_recorded_loss_is_the_batch_loss_before_the_update(small_mnist):
    x, t = small_mnist[0][:20], small_mnist[1][:20]
    network = TwoLayerNet(784, 10, 10, seed=1)
    expected = network.loss(x, t)
    history = Trainer(network, SGD(lr=0.1), x, t, x, t, epochs=1, batch_size=20, verbose=False).fit()
    assert history.train_loss == [pytest.approx(expected)]


def test_divergence_stops_with_a_clear_error_and_keeps_the_history(small_mnist):
    # The exact log-sum-exp loss stays finite for huge weights; it takes overflow to break it.
    network = MultiLayerNet(784, [50, 50, 50], 10, seed=0)
    trainer = Trainer(network, SGD(lr=1e20), *small_mnist, epochs=5, batch_size=50, seed=0, verbose=False)
    expected = (r"training diverged at iteration (\d+) \(epoch 1\).*"
                r"last finite loss [\d.e+]+ at iteration \d+; learning rate 1e\+20")
    with pytest.raises(TrainingDivergedError, match=expected):
        trainer.fit()
    assert 0 < len(trainer.history.train_loss) < 60
    assert all(np.isfinite(trainer.history.train_loss))


def test_trajectory_recorder_takes_every_kth_iteration_and_the_last(small_mnist):
    network = TwoLayerNet(784, 10, 10, seed=2)
    start = params_to_vector(network.params)
    recorder = TrajectoryRecorder(every=5)
    Trainer(network, SGD(lr=0.1), *small_mnist, epochs=1, batch_size=50, callbacks=[recorder], verbose=False).fit()
    assert recorder.iterations == [0, 5, 10, 12]
    trajectory = recorder.trajectory
    assert trajectory.shape == (4, 784 * 10 + 10 + 10 * 10 + 10)
    np.testing.assert_array_equal(trajectory[0], start)
    np.testing.assert_array_equal(trajectory[-1], params_to_vector(network.params))
    assert not np.array_equal(trajectory[1], trajectory[0])
    with pytest.raises(ValueError, match="every: expected a whole number >= 1"):
        TrajectoryRecorder(every=0)


def test_float32_training(small_mnist):
    network = TwoLayerNet(784, 20, 10, seed=0, dtype=np.float32)
    trainer = Trainer(network, Adam(lr=0.01), *small_mnist, epochs=2, batch_size=60, verbose=False)
    history = trainer.fit()
    assert trainer.x_train.dtype == np.float32 and network.params["W1"].dtype == np.float32
    assert history.test_acc[-1] > 0.6
    with pytest.raises(ValueError, match="dtype: the network's parameters are float64, got dtype=float32"):
        Trainer(TwoLayerNet(784, 5, 10), SGD(), *small_mnist, dtype=np.float32)


def test_evaluate_sample_num_limits_the_evaluation(small_mnist):
    calls = []
    network = TwoLayerNet(784, 5, 10, seed=0)
    original = network.accuracy
    network.accuracy = lambda x, t: calls.append(len(x)) or original(x, t)
    Trainer(network, SGD(), *small_mnist, epochs=1, batch_size=100, evaluate_sample_num_per_epoch=40,
            verbose=False).fit()
    assert calls == [40, 40, 40, 40]


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "batch_size: expected a whole number >= 1"),
    ({"epochs": -1}, "epochs: expected a whole number >= 0"),
    ({"gradient": "finite"}, "gradient: expected 'backprop' or 'numerical', got 'finite'"),
])
def test_bad_settings(small_mnist, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Trainer(TwoLayerNet(784, 5, 10), SGD(), *small_mnist, **kwargs)


def test_mismatched_labels_are_rejected(small_mnist):
    x, t, x_test, t_test = small_mnist
    with pytest.raises(ValueError, match="t_train, t_test: expected one label per sample"):
        Trainer(TwoLayerNet(784, 5, 10), SGD(), x, t[:-1], x_test, t_test)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_and_quiet_otherwise(small_mnist, monkeypatch, capsys):
    terminal, results = FakeTerminal(), io.StringIO()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr("sys.stdout", results)  # the bar stays off standard output, which holds results only
    Trainer(TwoLayerNet(784, 5, 10, seed=0), SGD(), *small_mnist, epochs=2, batch_size=100).fit()
    text = terminal.getvalue()
    assert "epoch 1/2 [" in text and "] 6/6" in text and "epoch 2/2: train acc" in text
    assert results.getvalue() == ""
    monkeypatch.undo()
    Trainer(TwoLayerNet(784, 5, 10, seed=0), SGD(), *small_mnist, epochs=1, batch_size=100).fit()
    assert capsys.readouterr() == ("", "")  # not a terminal: quiet


def test_one_bar_over_several_runs_moves_every_epoch_and_a_diverged_run_leaves_its_epochs(small_mnist, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    progress = RunsProgress(3, 2, "three runs")
    bar = progress.bar.bar

    def train(name, lr=0.1):
        Trainer(TwoLayerNet(784, 5, 10, seed=0), SGD(lr=lr), *small_mnist, epochs=2, batch_size=100, verbose=False,
                callbacks=[progress.run(name)]).fit()
        return bar.n, bar.postfix

    assert train("first") == (2, "first (run 1 of 3): epoch 2/2")
    with pytest.raises(TrainingDivergedError):
        train("second", lr=1e300)  # overflows in its first step: no epoch ends
    assert (bar.n, bar.postfix) == (2, "second (run 2 of 3)")
    assert train("third") == (6, "third (run 3 of 3): epoch 2/2")  # the second run's two epochs are passed over
    progress.finish("three runs: done")
    assert "three runs: done [" in terminal.getvalue() and "] 6/6" in terminal.getvalue()
    single = RunsProgress(1, 3, "training")
    single.run("784-5-10")
    single.on_epoch_end(None, 1)
    assert (single.bar.bar.n, single.bar.bar.postfix) == (1, "784-5-10: epoch 1/3")  # one run: no "run 1 of 1"
    single.finish()
    uneven = RunsProgress(2, [3, 5], "two lengths")  # the book's dropout run is longer than the others
    assert uneven.bar.bar.total == 8
    uneven.run("short")
    uneven.run("long")
    uneven.on_epoch_end(None, 4)
    assert (uneven.bar.bar.n, uneven.bar.bar.postfix) == (7, "long (run 2 of 2): epoch 4/5")
    uneven.finish()
    with pytest.raises(ValueError, match=r"epochs: expected one count, or one per run \(2\), got 3"):
        RunsProgress(2, [1, 2, 3], "mismatched")


def test_a_chapters_results_print_above_the_bar_which_goes_on_below(monkeypatch, tmp_path):
    from scratchnet.chapter import ChapterRun
    from scratchnet.progress import ProgressBar

    terminal, results = FakeTerminal(), io.StringIO()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr("sys.stdout", results)
    run = ChapterRun("A chapter.", str(tmp_path / "chapter.py"), ["--out", str(tmp_path)])
    bar = ProgressBar(4, "runs")
    bar.update(1, "first")
    drawn = terminal.getvalue()
    run.log("  first: accuracy 0.9")
    assert results.getvalue() == "  first: accuracy 0.9\n"  # the results alone on standard output
    cleared_and_redrawn = terminal.getvalue()[len(drawn):]
    assert cleared_and_redrawn.startswith("\r") and cleared_and_redrawn.rstrip().endswith("1/4, first")
    bar.finish()


def test_training_by_numerical_gradient_follows_backprop(small_mnist):
    """The book's chapter 4: the same network, batches and updates, by central differences instead of backprop."""
    x_train, t_train, x_test, t_test = small_mnist
    runs = {}
    for gradient in ("backprop", "numerical"):
        network = TwoLayerNet(784, 10, 10, weight_init_std=0.3, seed=4, activation="sigmoid")
        trainer = Trainer(network, SGD(lr=0.5), x_train[:250], t_train[:250], x_test, t_test, epochs=2,
                          batch_size=100, seed=1, verbose=False, gradient=gradient)  # batches of 100, 100, 50
        runs[gradient] = (trainer.fit(), params_to_vector(network.params))
    (backprop, after_backprop), (numerical, after_numerical) = runs["backprop"], runs["numerical"]
    assert len(numerical.train_loss) == 6
    np.testing.assert_allclose(numerical.train_loss, backprop.train_loss, rtol=1e-9)
    np.testing.assert_allclose(after_numerical, after_backprop, rtol=0, atol=1e-8)
    assert np.max(np.abs(after_numerical - params_to_vector(TwoLayerNet(784, 10, 10, weight_init_std=0.3, seed=4,
                                                                        activation="sigmoid").params))) > 1e-3


def test_nan_in_a_sample_only_trained_on_is_named_at_its_batch_with_its_index_in_the_data():
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((250, 4)), rng.integers(0, 3, 250)
    x[203, 2] = np.nan  # beyond the 50 samples evaluated: only the batch holding it sees it
    x[117, 0] = np.inf
    trainer = Trainer(TwoLayerNet(4, 5, 3, seed=0), SGD(0.1), x, t, x[:10], t[:10], epochs=1, batch_size=64,
                      seed=2, evaluate_sample_num_per_epoch=50, verbose=False)
    order = np.random.default_rng(2).permutation(250)
    first_batch = next(start for start in range(0, 250, 64) if {117, 203} & set(order[start:start + 64]))
    batch = order[first_batch:first_batch + 64]
    bad = [index for index in batch if index in (117, 203)]
    with pytest.raises(ValueError, match=rf"x_train: sample {bad[0]} \(and {len(bad) - 1} more\) holds NaN or "
                                         "infinity"), np.errstate(invalid="ignore", over="ignore"):
        trainer.fit()
    assert trainer.iteration == first_batch // 64  # the batches before it trained


class OwnNetwork:
    """A reader's network without scratchnet's loss checks: a NaN loss is only a number to it."""

    def __init__(self):
        self.inner = TwoLayerNet(4, 5, 3, seed=0)
        self.params = self.inner.params
        self.last_loss = None

    def gradient(self, x, t):
        grads = self.inner.gradient(x, t)
        self.last_loss = float("nan") if self.params["W1"][0, 0] > 5 else self.inner.last_loss
        return grads

    def accuracy(self, x, t):
        return self.inner.accuracy(x, t)


def test_a_loss_that_is_not_finite_stops_a_readers_own_network_too():
    rng = np.random.default_rng(3)
    x, t = rng.standard_normal((40, 4)), rng.integers(0, 3, 40)
    network = OwnNetwork()
    network.params["W1"][0, 0] = 6.0  # its loss says NaN from the start
    trainer = Trainer(network, SGD(0.1), x, t, x, t, epochs=1, batch_size=10, verbose=False)
    before = params_to_vector(network.params).copy()
    with pytest.raises(TrainingDivergedError, match="training diverged at iteration 1"):
        trainer.fit()
    np.testing.assert_array_equal(params_to_vector(network.params), before)  # no update from that step


@pytest.mark.parametrize("where", ["x_train", "x_test"])
def test_nan_in_the_data_is_named_not_blamed_on_the_learning_rate(where):
    from scratchnet.layers import NonFiniteLossError

    rng = np.random.default_rng(0)
    data = {"x_train": rng.standard_normal((20, 4)), "x_test": rng.standard_normal((5, 4))}
    data[where][3, 1] = np.nan
    data[where][4, 0] = np.inf
    trainer = Trainer(TwoLayerNet(4, 5, 3), SGD(0.1), data["x_train"], np.zeros(20, int), data["x_test"],
                      np.zeros(5, int), epochs=1, verbose=False)  # checked where used, not in one pass up front
    with pytest.raises(ValueError, match=rf"{where}: sample 3 \(and 1 more\) holds NaN or infinity; fix the data"):
        trainer.fit()
    with pytest.raises(NonFiniteLossError, match="x: holds NaN or infinity"), np.errstate(invalid="ignore"):
        TwoLayerNet(4, 5, 3).loss(data[where], np.zeros(len(data[where]), int))


def test_empty_data_is_a_clear_error():
    net, x, t = TwoLayerNet(4, 5, 3), np.zeros((6, 4)), np.zeros(6, int)
    with pytest.raises(ValueError, match=r"x_train: expected at least one sample, got an empty array of shape"):
        Trainer(net, SGD(0.1), x[:0], t[:0], x, t, epochs=1, verbose=False)
    with pytest.raises(ValueError, match=r"evaluate_sample_num_per_epoch: expected None or a whole number >= 1, got 0"):
        Trainer(net, SGD(0.1), x, t, x, t, epochs=1, verbose=False, evaluate_sample_num_per_epoch=0)
    with pytest.raises(ValueError, match=r"x: Affine expects .* at least one sample, got \(0, 4\)"):
        net.loss(x[:0], t[:0])
