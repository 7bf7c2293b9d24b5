"""The BLAS library's description and its thread limit."""

import re

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from scratchnet.blas import blas_description, blas_libraries, blas_threads

# Where threadpoolctl finds no BLAS library (Apple's Accelerate, for one) there are no threads to limit.
pytestmark = pytest.mark.skipif(not blas_libraries(), reason="threadpoolctl finds no BLAS library here")


def test_the_description_names_the_library_and_its_threads():
    described = blas_description()
    threads = blas_libraries()[0]["num_threads"]
    assert re.match(r"BLAS: \w+ [\d.]+ \(.*\), \d+ threads", described), described
    assert f"{threads} threads" in described


def test_the_thread_limit_holds_inside_the_block_only():
    # Two threads outside, whatever the suite's own setting, so that a limit that leaks out shows.
    with threadpool_limits(2, user_api="blas"):
        assert blas_libraries()[0]["num_threads"] == 2
        with blas_threads(1):
            assert blas_libraries()[0]["num_threads"] == 1
            np.testing.assert_array_equal(np.eye(3) @ np.arange(9.0).reshape(3, 3), np.arange(9.0).reshape(3, 3))
        assert blas_libraries()[0]["num_threads"] == 2
        with blas_threads(None):
            assert blas_libraries()[0]["num_threads"] == 2
    with pytest.raises(ValueError, match="count: expected a whole number of threads >= 1 or None, got 0"):
        blas_threads(0)


def test_a_networks_grid_runs_on_one_blas_thread_and_a_loss_function_keeps_the_setting(monkeypatch):
    from scratchnet.landscape import loss_grid, params_to_vector
    from scratchnet.landscape.evaluator import PlaneEvaluator
    from scratchnet.networks import MultiLayerNet

    seen = []
    evaluate_chunks = PlaneEvaluator.evaluate_chunks

    def recording(self, *args):
        seen.append(blas_libraries()[0]["num_threads"])
        return evaluate_chunks(self, *args)

    monkeypatch.setattr(PlaneEvaluator, "evaluate_chunks", recording)
    network = MultiLayerNet(4, [3], 2, seed=0)
    x, t = np.random.default_rng(0).standard_normal((5, 4)), np.array([0, 1, 1, 0, 1])
    center = params_to_vector(network.params)
    d1, d2 = np.ones_like(center), np.linspace(-1, 1, center.size)
    grid = np.linspace(-1, 1, 3)

    def loss_fn(params):
        seen.append(blas_libraries()[0]["num_threads"])
        return float(np.sum(params["W1"] ** 2))

    with threadpool_limits(2, user_api="blas"):
        loss_grid(network, x, t, center, d1, d2, grid, grid, threads=1)
        assert seen and set(seen) == {1}  # many small products: one BLAS thread
        seen.clear()
        loss_grid(loss_fn, network.params, network.params, network.params, grid, grid)
        assert len(seen) == 9 and set(seen) == {2}  # your function keeps BLAS as it was


def test_multiply_adds_count_each_weight_once_and_each_filter_at_every_position():
    from scratchnet.blas import multiply_adds
    from scratchnet.networks import MultiLayerNet, SimpleConvNet, TwoLayerNet

    assert multiply_adds(TwoLayerNet(784, 50, 10, seed=0), np.zeros(784)) == 784 * 50 + 50 * 10
    # Batch normalization, dropout and activations multiply nothing by a weight matrix.
    regularized = MultiLayerNet(30, [20, 20], 5, use_batchnorm=True, use_dropout=True, seed=0)
    assert multiply_adds(regularized, np.ones(30)) == 30 * 20 + 20 * 20 + 20 * 5
    # 30 filters of 5 x 5 meet 24 x 24 positions; the pooled 30 x 12 x 12 feed 100 units, then 10.
    convnet = SimpleConvNet(seed=0)
    assert multiply_adds(convnet, np.zeros((1, 28, 28))) == 30 * 25 * 24 * 24 + 30 * 12 * 12 * 100 + 100 * 10

    class HandWritten:  # no layers: every parameter counts once, biases included
        params = {"W1": np.zeros((6, 4)), "b1": np.zeros(4), "W2": np.zeros((4, 2))}

    assert multiply_adds(HandWritten(), np.zeros(6)) == 24 + 4 + 8
    HandWritten.layers = {"mine": object()}  # layers the library cannot run one by one: counted the same way
    assert multiply_adds(HandWritten(), np.zeros(6)) == 36


def test_training_threads_are_one_below_the_small_step_and_left_alone_above():
    from scratchnet.blas import SMALL_STEP, training_threads
    from scratchnet.networks import MultiLayerNet, TwoLayerNet

    network = TwoLayerNet(784, 50, 10, seed=0)  # 39,700 multiply-adds a sample
    largest_small_batch = (SMALL_STEP - 1) // 39_700
    assert training_threads(network, np.zeros(784), 100) == 1
    assert training_threads(network, np.zeros(784), largest_small_batch) == 1
    assert training_threads(network, np.zeros(784), largest_small_batch + 1) is None
    assert training_threads(MultiLayerNet(784, [1000, 1000], 10, seed=0), np.zeros(784), 100) is None


class _ThreadsSeen:
    """A Trainer callback noting BLAS's thread count at every iteration."""

    def __init__(self):
        self.seen = []

    def on_iteration_end(self, trainer, iteration):
        self.seen.append(blas_libraries()[0]["num_threads"])


def _threads_while_training(network, x, t, batch_size=3, **options):
    from scratchnet.optimizers import SGD
    from scratchnet.training import Trainer

    callback = _ThreadsSeen()
    trainer = Trainer(network, SGD(lr=0.1), x, t, x[:2], t[:2], epochs=1, batch_size=batch_size, seed=0,
                      verbose=False,
                      callbacks=[callback], **options)
    trainer.fit()
    return trainer.threads, set(callback.seen)


def test_the_trainer_holds_blas_to_its_choice_while_it_trains_and_only_then():
    from scratchnet.networks import MultiLayerNet, TwoLayerNet
    from scratchnet.training import Trainer

    rng = np.random.default_rng(0)
    x, t = rng.random((7, 784)), rng.integers(0, 10, 7)
    with threadpool_limits(2, user_api="blas"):
        assert _threads_while_training(TwoLayerNet(784, 5, 10, seed=0), x, t) == (1, {1})
        assert blas_libraries()[0]["num_threads"] == 2
        large = MultiLayerNet(784, [1000, 1000], 10, seed=0)  # 1.8 million weights: above the line from batch 56
        assert _threads_while_training(large, x, t, batch_size=100, blas_threads="auto") == (None, {2})
        assert _threads_while_training(large, x, t, batch_size=3, blas_threads="auto") == (1, {1})
        assert _threads_while_training(TwoLayerNet(784, 5, 10, seed=0), x, t, blas_threads=None) == (None, {2})
    with threadpool_limits(1, user_api="blas"):
        assert _threads_while_training(TwoLayerNet(784, 5, 10, seed=0), x, t, blas_threads=2) == (2, {2})
        assert blas_libraries()[0]["num_threads"] == 1
    for wrong in ("all", 0, 1.5, True):
        with pytest.raises(ValueError, match=r"blas_threads: expected 'auto', None or a whole number >= 1, got"):
            Trainer(TwoLayerNet(784, 5, 10, seed=0), None, x, t, x, t, blas_threads=wrong)
