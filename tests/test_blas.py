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
