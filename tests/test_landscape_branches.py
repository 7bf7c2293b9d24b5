"""Each branch of the fast landscape evaluator changes the answer somewhere: tested against the naive loop."""

import numpy as np
import pytest

from scratchnet.landscape import loss_grid, loss_grid_naive, params_to_vector, random_direction, split_vector
from scratchnet.landscape.evaluator import PlaneEvaluator
from scratchnet.networks import MultiLayerNet, build_network

RNG = np.random.default_rng(21)
X = RNG.standard_normal((203, 6))  # 203 rows: blocks of 64 leave a short last one
LABELS = RNG.integers(0, 3, 203)


def with_nonzero_biases(network, seed=0):
    rng = np.random.default_rng(seed)
    for array in network.params.values():
        if array.ndim == 1:
            array += 0.3 * rng.standard_normal(array.shape)
    return network


def grid_by_blocks(evaluator, alphas, betas):
    A, B = np.meshgrid(alphas, betas)
    return evaluator.evaluate(A.ravel(), B.ravel()).reshape(A.shape)


ALPHAS, BETAS = np.linspace(-1.2, 0.8, 5), np.linspace(-0.4, 1.1, 3)


def test_biases_that_move_over_several_unequal_blocks():
    network = with_nonzero_biases(MultiLayerNet(6, [5, 4], 3, weight_decay_lambda=0.05, seed=1))
    center = params_to_vector(network.params)
    d1, d2 = random_direction(network, 1, include_biases=True), random_direction(network, 2, include_biases=True)
    assert np.any(split_vector(d1, network.params)["b1"])  # the biases really move
    evaluator = PlaneEvaluator(network, X, LABELS, center, d1, d2, block_bytes=2**11)
    sizes = [block.stop - block.start for block in evaluator.blocks]
    assert len(sizes) >= 3 and sizes[-1] < sizes[0] and sum(sizes) == len(X)
    naive = loss_grid_naive(network, X, LABELS, center, d1, d2, ALPHAS, BETAS)
    np.testing.assert_allclose(grid_by_blocks(evaluator, ALPHAS, BETAS), naive, rtol=1e-10)


def unit(network, key, index):
    pieces = {k: np.zeros(np.shape(v)) for k, v in network.params.items()}
    pieces[key][index] = 1.0
    return np.concatenate([p.ravel() for p in pieces.values()])


@pytest.mark.parametrize("blocks", [1, 3])
def test_a_column_moved_by_only_one_of_the_two_directions(blocks):
    # Sigmoid output with squared error: only the moving output columns are evaluated per point.
    network = build_network([6, 5, 4], activation="sigmoid", weight_init_std=1.0, output_activation="sigmoid",
                            loss="squared", squared_factor=1.0, seed=4)
    with_nonzero_biases(network, 2)
    targets = np.eye(4)[RNG.integers(0, 4, len(X))]
    center = params_to_vector(network.params)
    d1 = unit(network, "W2", (2, 1)) + 0.5 * unit(network, "b2", 1)  # column 1 only
    d2 = unit(network, "W2", (0, 3))  # column 3 only
    evaluator = PlaneEvaluator(network, X, targets, center, d1, d2, block_bytes=2**11 if blocks > 1 else 2**22)
    assert list(evaluator.columns) == [1, 3] and len(evaluator.blocks) >= blocks
    naive = loss_grid_naive(network, X, targets, center, d1, d2, ALPHAS, BETAS)
    np.testing.assert_allclose(grid_by_blocks(evaluator, ALPHAS, BETAS), naive, rtol=1e-10)


@pytest.mark.parametrize("change", ["x", "t", "train", "center"])
def test_a_cached_grid_is_recomputed_when_what_it_depends_on_changes(change, tmp_path, monkeypatch):
    network = MultiLayerNet(6, [5], 3, use_dropout=False, use_batchnorm=True, seed=3)
    center = params_to_vector(network.params)
    d1, d2 = random_direction(network, 1), random_direction(network, 2)
    x, t = X[:40], LABELS[:40]
    cache = tmp_path / "grid.npz"
    first = loss_grid(network, x, t, center, d1, d2, [0.0, 1.0], [0.0], cache=cache)
    evaluations = []
    original = PlaneEvaluator.evaluate
    monkeypatch.setattr(PlaneEvaluator, "evaluate", lambda self, a, b: evaluations.append(1) or original(self, a, b))
    np.testing.assert_array_equal(loss_grid(network, x, t, center, d1, d2, [0.0, 1.0], [0.0], cache=cache), first)
    assert not evaluations  # the same inputs: loaded
    settings = {"x": x, "t": t, "center": center, "train": False}
    if change == "x":
        settings["x"] = x.copy()
        settings["x"][7, 2] += 1e-9
    elif change == "t":
        settings["t"] = np.roll(t, 1)
    elif change == "center":
        settings["center"] = center + 1e-12
    else:
        settings["train"] = True
    again = loss_grid(network, settings["x"], settings["t"], settings["center"], d1, d2, [0.0, 1.0], [0.0],
                      cache=cache, train=settings["train"])
    assert evaluations  # recomputed, not loaded
    expected = loss_grid_naive(network, settings["x"], settings["t"], settings["center"], d1, d2, [0.0, 1.0],
                               [0.0], train=settings["train"])
    np.testing.assert_allclose(again, expected, rtol=1e-10)
