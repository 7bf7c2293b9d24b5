"""Grids beyond one process: any concurrent.futures.Executor, and Dask's distributed scheduler."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from distributed import Client, LocalCluster, get_task_stream

from scratchnet.landscape import PlaneEvaluator, loss_grid, params_to_vector, random_direction
from scratchnet.landscape.grid import worker_count
from scratchnet.networks import MultiLayerNet

RNG = np.random.default_rng(11)
X = RNG.standard_normal((40, 6))
LABELS = RNG.integers(0, 3, 40)


def plane():
    network = MultiLayerNet(6, [5, 4], 3, seed=5)
    center = params_to_vector(network.params)
    return network, center, random_direction(network, 1), random_direction(network, 2)


def own_loss(params):
    """A hand-written network's loss, as a learner writes it (sent to the workers by value)."""
    hidden = np.maximum(X @ params["W1"] + params["b1"], 0)
    scores = hidden @ params["W2"]
    scores = scores - scores.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(scores).sum(axis=1)) - scores[np.arange(len(X)), LABELS]))


def test_a_dask_cluster_gives_the_serial_grid_bit_for_bit():
    network, center, d1, d2 = plane()
    alphas, betas = np.linspace(-1, 1, 45), np.linspace(-0.5, 1.5, 41)  # several chunks for each worker
    serial = loss_grid(network, X, LABELS, center, d1, d2, alphas, betas, accuracy=True)
    rng = np.random.default_rng(2)
    params = {"W1": rng.standard_normal((6, 5)), "b1": rng.standard_normal(5), "W2": rng.standard_normal((5, 3))}
    u = {key: rng.standard_normal(value.shape) for key, value in params.items()}
    v = {key: rng.standard_normal(value.shape) for key, value in params.items()}
    serial_own = loss_grid(own_loss, params, u, v, alphas[:9], betas[:7])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        executor = client.get_executor()
        assert worker_count(executor) == 2
        scattered, scatter = [], client.scatter
        client.scatter = lambda data, **options: scattered.append(type(data).__name__) or scatter(data, **options)
        with get_task_stream(client) as tasks:
            on_cluster = loss_grid(network, X, LABELS, center, d1, d2, alphas, betas, accuracy=True,
                                   executor=executor)
        own_on_cluster = loss_grid(own_loss, params, u, v, alphas[:9], betas[:7], executor=executor)
    assert scattered == ["PlaneEvaluator", "FunctionEvaluator"]  # each sent to the workers once
    grid_tasks = [task for task in tasks.data if "evaluate_chunks" in task["key"]]
    assert len({task["worker"] for task in grid_tasks}) == 2  # both worker processes took a share
    evaluator = PlaneEvaluator(network, X, LABELS, center, d1, d2, accuracy=True)
    chunks = len(evaluator.chunk_ranges(alphas.size * betas.size))
    assert chunks > 2 and len(grid_tasks) == min(chunks, 16)  # up to eight groups a worker, taken as each is free
    for fast, reference in zip(on_cluster, serial, strict=True):
        np.testing.assert_array_equal(fast, reference)
    np.testing.assert_array_equal(own_on_cluster, serial_own)


def test_a_thread_pool_and_what_is_not_an_executor():
    network, center, d1, d2 = plane()
    grid = np.linspace(-1, 1, 33)
    serial = loss_grid(network, X, LABELS, center, d1, d2, grid, grid)
    with ThreadPoolExecutor(max_workers=3) as executor:
        assert worker_count(executor) == 3
        np.testing.assert_array_equal(loss_grid(network, X, LABELS, center, d1, d2, grid, grid, executor=executor),
                                      serial)
    with pytest.raises(TypeError, match="executor: expected a concurrent.futures.Executor .* got int"):
        loss_grid(network, X, LABELS, center, d1, d2, grid, grid, executor=2)
