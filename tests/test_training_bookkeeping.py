"""What Trainer counts and records, with batch sizes that do not divide the data."""

import numpy as np
import pytest

from scratchnet.networks import TwoLayerNet
from scratchnet.optimizers import SGD, Momentum
from scratchnet.training import Trainer, TrainingDivergedError, TrajectoryRecorder


class CountingNet:
    """Stands in for a network: counts batches, and answers accuracy with the mean of the data it is given."""

    def __init__(self):
        self.params = {"w": np.zeros(2)}
        self.batch_sizes = []
        self.last_loss = None

    def gradient(self, x, t):
        self.batch_sizes.append(len(x))
        self.last_loss = 1.0
        return {"w": np.ones(2)}

    def accuracy(self, x, t):
        return float(np.mean(x))


@pytest.mark.parametrize("n, batch_size, expected", [(103, 10, 11), (100, 10, 10), (7, 8, 1), (10, 3, 4)])
def test_iterations_per_epoch_when_the_batch_does_not_divide_the_data(n, batch_size, expected):
    x, t = np.zeros((n, 1)), np.zeros(n, dtype=int)
    network = CountingNet()
    trainer = Trainer(network, SGD(lr=0.1), x, t, x, t, epochs=3, batch_size=batch_size, seed=0, verbose=False)
    history = trainer.fit()
    assert trainer.iterations_per_epoch == history.iterations_per_epoch == expected
    assert trainer.iteration == 3 * expected == len(history.train_loss)
    assert network.batch_sizes[:expected] == [batch_size] * (expected - 1) + [n - batch_size * (expected - 1)]
    np.testing.assert_allclose(network.params["w"], -0.1 * 3 * expected)  # one update per batch


def test_test_accuracy_is_measured_on_the_test_data():
    network = CountingNet()
    x_train, x_test = np.full((20, 1), 0.25), np.full((6, 1), 0.75)
    history = Trainer(network, SGD(), x_train, np.zeros(20), x_test, np.zeros(6), epochs=2, batch_size=7,
                      seed=0, verbose=False).fit()
    assert history.train_acc == [0.25] * 3 and history.test_acc == [0.75] * 3


def test_the_recorder_keeps_the_final_parameters_and_names_each_iteration():
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((23, 4)), rng.integers(0, 3, 23)
    network = TwoLayerNet(4, 5, 3, weight_init_std=0.5, seed=1)
    recorder = TrajectoryRecorder(every=4)
    trainer = Trainer(network, Momentum(lr=0.1, momentum=0.9), x, t, x, t, epochs=2, batch_size=5, seed=0,
                      callbacks=[recorder], verbose=False)
    trainer.fit()
    assert recorder.iterations == [0, 4, 8, 10]  # every 4th, and the last (10 = 2 epochs of 5 batches)
    final = np.concatenate([array.ravel() for array in network.params.values()])
    np.testing.assert_array_equal(recorder.trajectory[-1], final)
    assert not np.array_equal(recorder.trajectory[0], final)


def test_the_divergence_error_names_the_iteration_where_it_happened():
    rng = np.random.default_rng(2)
    x, t = rng.standard_normal((30, 4)) * 50, rng.integers(0, 3, 30)
    network = TwoLayerNet(4, 8, 3, weight_init_std=1.0, seed=0)
    trainer = Trainer(network, SGD(lr=1e6), x, t, x, t, epochs=5, batch_size=7, seed=0, verbose=False)
    with pytest.raises(TrainingDivergedError) as error:
        trainer.fit()
    message = str(error.value)
    iteration = trainer.iteration + 1  # the iteration whose loss was not finite
    assert f"training diverged at iteration {iteration} (epoch {trainer.iteration // 5 + 1})" in message
    assert "learning rate 1e+06" in message
    assert len(trainer.history.train_loss) == trainer.iteration
