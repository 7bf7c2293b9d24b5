import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from scratchnet.datasets import piecewise_regression
from scratchnet.landscape import (
    LandscapeWarning,
    PlaneEvaluator,
    loss_grid,
    loss_grid_naive,
    loss_line,
    params_to_vector,
    pca_directions,
    project,
    random_direction,
    split_vector,
    vector_to_params,
)
from scratchnet.networks import MultiLayerNet, TwoLayerNet, build_network

RNG = np.random.default_rng(3)
X = RNG.standard_normal((30, 6))
LABELS = RNG.integers(0, 3, 30)


def unit(network, key, index):
    """A direction that moves one entry of ``params[key]``."""
    pieces = {k: np.zeros(np.shape(v)) for k, v in network.params.items()}
    pieces[key][index] = 1.0
    return np.concatenate([p.ravel() for p in pieces.values()])


def sigmoid_squared():
    return build_network([6, 5, 4], activation="sigmoid", weight_init_std=1.0, use_bias=False,
                         output_activation="sigmoid", loss="squared", squared_factor=1.0, seed=4)


# name -> (network factory, direction factory(network) -> (d1, d2), targets)
CASES = {
    "all-layers-filter": (lambda: TwoLayerNet(6, 5, 3, weight_init_std=0.5, seed=1),
                          lambda n: (random_direction(n, 1), random_direction(n, 2)), LABELS),
    "with-biases-and-decay": (lambda: MultiLayerNet(6, [5, 4], 3, weight_decay_lambda=0.2, seed=2),
                              lambda n: (random_direction(n, 1, include_biases=True),
                                         random_direction(n, 2, normalization="layer")), LABELS),
    "last-layer-only": (lambda: MultiLayerNet(6, [5, 4], 3, seed=3),
                        lambda n: (unit(n, "W3", (1, 2)), unit(n, "W3", (2, 0))), LABELS),
    "middle-layer-only": (lambda: MultiLayerNet(6, [5, 4], 3, activation="tanh", seed=5),
                          lambda n: (unit(n, "W2", (0, 1)), unit(n, "b2", 3)), np.eye(3)[LABELS]),
    "batchnorm-dropout-eval": (lambda: MultiLayerNet(6, [5, 4], 3, use_batchnorm=True, use_dropout=True, seed=6),
                               lambda n: (random_direction(n, 1, include_biases=True), random_direction(n, 2)),
                               LABELS),
    "sigmoid-squared-one-column": (sigmoid_squared, lambda n: (unit(n, "W2", (3, 1)), unit(n, "W2", (4, 1))),
                                   np.eye(4)[RNG.integers(0, 4, 30)]),
    "sigmoid-squared-everything": (sigmoid_squared, lambda n: (random_direction(n, 1), random_direction(n, 2, None)),
                                   np.eye(4)[RNG.integers(0, 4, 30)]),
}


@pytest.mark.parametrize("name", CASES)
def test_fast_grid_equals_the_naive_loop(name):
    make, directions, targets = CASES[name]
    network = make()
    center = params_to_vector(network.params)
    d1, d2 = directions(network)
    alphas, betas = np.linspace(-1.5, 1.0, 7), np.linspace(-0.5, 2.0, 4)  # not square: rows are betas
    before = center.copy()
    fast = loss_grid(network, X, targets, center, d1, d2, alphas, betas)
    naive = loss_grid_naive(network, X, targets, center, d1, d2, alphas, betas)
    assert fast.shape == (4, 7)
    np.testing.assert_allclose(fast, naive, rtol=1e-10)
    np.testing.assert_array_equal(params_to_vector(network.params), before)  # nothing left changed
    # One point by hand, to pin the [beta, alpha] orientation.
    vector_to_params(center + alphas[5] * d1 + betas[2] * d2, network.params)
    assert fast[2, 5] == pytest.approx(network.evaluate_loss(X, targets), rel=1e-10)
    vector_to_params(before, network.params)


def test_center_need_not_be_the_networks_own_parameters():
    network = TwoLayerNet(6, 5, 3, seed=1)
    elsewhere = params_to_vector(TwoLayerNet(6, 5, 3, seed=9).params)
    d1, d2 = random_direction(network, 1), random_direction(network, 2)
    np.testing.assert_allclose(loss_grid(network, X, LABELS, elsewhere, d1, d2, [0.0, 0.5], [0.1]),
                               loss_grid_naive(network, X, LABELS, elsewhere, d1, d2, [0.0, 0.5], [0.1]),
                               rtol=1e-10)


def test_loss_line_and_accuracy_along_it():
    network = MultiLayerNet(6, [5], 3, seed=0)
    start = params_to_vector(network.params)
    direction = random_direction(network, 7, include_biases=True)
    alphas = np.linspace(-1, 2, 9)
    losses, accuracies = loss_line(network, X, LABELS, start, direction, alphas, accuracy=True)
    assert losses.shape == accuracies.shape == (9,)
    for a, loss, acc in zip(alphas, losses, accuracies, strict=True):
        vector_to_params(start + a * direction, network.params)
        assert loss == pytest.approx(network.evaluate_loss(X, LABELS), rel=1e-10)
        assert acc == pytest.approx(network.accuracy(X, LABELS))
    vector_to_params(start, network.params)


def test_executor_gives_identical_results():
    network = MultiLayerNet(6, [5, 4], 3, seed=2)
    center = params_to_vector(network.params)
    d1, d2 = random_direction(network, 1), random_direction(network, 2)
    grid = np.linspace(-1, 1, 25)
    serial = loss_grid(network, X, LABELS, center, d1, d2, grid, grid)
    with ProcessPoolExecutor(max_workers=2) as executor:
        parallel = loss_grid(network, X, LABELS, center, d1, d2, grid, grid, executor=executor)
    np.testing.assert_array_equal(parallel, serial)


def test_cache_is_reused_only_for_the_same_settings(tmp_path, monkeypatch):
    from scratchnet.landscape import grid as grid_module

    network = TwoLayerNet(6, 5, 3, seed=1)
    center = params_to_vector(network.params)
    d1, d2 = random_direction(network, 1), random_direction(network, 2)
    cache = tmp_path / "grid.npz"
    first = loss_grid(network, X, LABELS, center, d1, d2, [0, 1], [0, 1, 2], cache=cache)
    assert cache.is_file() and [p.name for p in tmp_path.iterdir()] == ["grid.npz"]
    evaluations = []
    original = grid_module.PlaneEvaluator.evaluate
    monkeypatch.setattr(grid_module.PlaneEvaluator, "evaluate",
                        lambda self, a, b: evaluations.append(len(a)) or original(self, a, b))
    np.testing.assert_array_equal(loss_grid(network, X, LABELS, center, d1, d2, [0, 1], [0, 1, 2], cache=cache),
                                  first)
    assert evaluations == [2]  # loaded, not recomputed: only the two probe points that check it
    loss_grid(network, X, LABELS, center, d1, d2, [0, 1], [0, 1, 5], cache=cache)  # other betas: recomputed
    assert evaluations
    with np.load(cache, allow_pickle=False) as stored:  # plain arrays, no pickled objects
        assert set(stored.files) == {"key", "Z"}


def test_nan_points_become_gaps_with_a_warning():
    network = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=1)
    center = params_to_vector(network.params)
    # Scaling every weight by 1e300 overflows the second layer: inf - inf in the softmax.
    with pytest.warns(LandscapeWarning, match=r"1 of 3 grid points have no finite loss"):
        Z = loss_grid(network, X, LABELS, center, center, np.zeros_like(center), [0.0, 1.0, 1e300], [0.0])
    assert np.isnan(Z[0, 2]) and np.all(np.isfinite(Z[0, :2]))


@pytest.mark.parametrize("kwargs, message", [
    ({"alphas": []}, "alphas: expected a non-empty 1-D array"),
    ({"betas": [[0.0, 1.0]]}, "betas: expected a non-empty 1-D array"),
    ({"d1": np.zeros(5)}, r"d1: expected a vector of length 53 \(the network's parameter count\), got shape \(5,\)"),
    ({"center": np.zeros(40)}, "center: expected a vector of length 53"),
])
def test_bad_grid_arguments(kwargs, message):
    network = TwoLayerNet(6, 5, 3, seed=1)
    arguments = {"center": params_to_vector(network.params), "d1": random_direction(network, 1),
                 "d2": random_direction(network, 2), "alphas": [0.0, 1.0], "betas": [0.0]}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        loss_grid(network, X, LABELS, **arguments)


def test_vectors_round_trip_and_split():
    network = TwoLayerNet(6, 5, 3, seed=1)
    vector = params_to_vector(network.params)
    assert vector.shape == (6 * 5 + 5 + 5 * 3 + 3,)
    pieces = split_vector(vector * 2, network.params)
    np.testing.assert_array_equal(pieces["W2"], 2 * network.params["W2"])
    vector_to_params(vector * 3, network.params)
    np.testing.assert_array_equal(params_to_vector(network.params), vector * 3)
    with pytest.raises(ValueError, match=r"vector: expected shape \(53,\)"):
        vector_to_params(np.zeros(3), network.params)


def test_filter_normalization_matches_each_neurons_norm():
    network = MultiLayerNet(6, [5, 4], 3, seed=0)
    direction = split_vector(random_direction(network, np.random.default_rng(0)), network.params)
    for key in ("W1", "W2", "W3"):
        np.testing.assert_allclose(np.linalg.norm(direction[key], axis=0),
                                   np.linalg.norm(network.params[key], axis=0), rtol=1e-12)
    for key in ("b1", "b2", "b3"):
        assert not direction[key].any()  # biases left out by default
    layer = split_vector(random_direction(network, 0, normalization="layer"), network.params)
    assert np.linalg.norm(layer["W2"]) == pytest.approx(np.linalg.norm(network.params["W2"]))
    raw = random_direction(network, 0, normalization=None)
    np.testing.assert_array_equal(raw, random_direction(network, 0, normalization=None))  # same seed, same
    with pytest.raises(ValueError, match="normalization: expected 'filter', 'layer' or None, got 'batch'"):
        random_direction(network, 0, normalization="batch")


def test_pca_recovers_the_plane_of_a_planar_trajectory():
    rng = np.random.default_rng(1)
    u, v = np.linalg.qr(rng.standard_normal((50, 2)))[0].T
    steps = np.linspace(0, 1, 40)
    trajectory = 5 * u + np.outer(3 * (1 - steps) ** 2, u) + np.outer(np.sin(6 * steps), v)
    d1, d2, explained = pca_directions(trajectory)
    assert np.linalg.norm(d1) == pytest.approx(1) and np.linalg.norm(d2) == pytest.approx(1)
    assert abs(d1 @ d2) < 1e-10 and explained.sum() == pytest.approx(1.0)
    # d1, d2 span the same plane as u, v
    plane = np.stack([u, v], axis=1)
    for d in (d1, d2):
        np.testing.assert_allclose(plane @ (plane.T @ d), d, atol=1e-10)
    coordinates = project(trajectory, trajectory[-1], d1, d2)
    np.testing.assert_allclose(trajectory[-1] + coordinates @ np.stack([d1, d2]), trajectory, atol=1e-10)


def test_project_handles_non_orthogonal_directions():
    d1, d2 = np.array([1.0, 0.0, 0.0]), np.array([1.0, 1.0, 0.0])
    points = np.array([[2.0, 3.0, 0.0]])
    np.testing.assert_allclose(project(points, np.zeros(3), d1, d2), [[-1.0, 3.0]])


def test_pca_needs_three_distinct_points():
    with pytest.raises(ValueError, match=r"trajectory: expected at least 3 recorded parameter vectors.*\(2, 4\)"):
        pca_directions(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="every recorded point is the same"):
        pca_directions(np.ones((5, 4)))


def test_piecewise_regression_data():
    x, y = piecewise_regression(10000, seed=42)
    assert x.shape == y.shape == (10000, 1)
    assert abs(x.mean() - 1) < 0.15 and abs(x.std() - 4.5) < 0.1
    x2, y2 = piecewise_regression(10000, seed=42)
    np.testing.assert_array_equal(y, y2)
    clean = piecewise_regression(5, seed=0, noise=0.0)
    xs, ys = clean[0][:, 0], clean[1][:, 0]
    expected = np.where(xs < -2, 2 * xs + 5, np.where(xs < 2, 7.3 * np.sin(xs), -0.03 * xs**3 + 2))
    np.testing.assert_allclose(ys, expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="n: expected a whole number"):
            piecewise_regression(0)


class FakeTerminal:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass

    def isatty(self):
        return True


def test_grid_progress_bar_on_a_terminal_only(monkeypatch, capsys):
    network = TwoLayerNet(6, 5, 3, seed=1)
    center = params_to_vector(network.params)
    d1, d2 = random_direction(network, 1), random_direction(network, 2)
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    loss_grid(network, X, LABELS, center, d1, d2, np.linspace(-1, 1, 5), np.linspace(-1, 1, 4), progress=True)
    assert "loss grid 4x5 [" in terminal.text and "loss grid 4x5: done" in terminal.text
    monkeypatch.undo()
    loss_grid(network, X, LABELS, center, d1, d2, [0.0], [0.0], progress=True)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", CASES)
def test_threads_give_the_serial_grid_bit_for_bit_and_float32_stays_close(name, monkeypatch):
    from scratchnet.landscape import grid as grid_module

    make, directions, targets = CASES[name]
    network = make()
    center = params_to_vector(network.params)
    d1, d2 = directions(network)
    alphas, betas = np.linspace(-1.5, 1.0, 23), np.linspace(-0.5, 2.0, 19)  # several chunks of points
    used = []
    real = grid_module._thread_count
    monkeypatch.setattr(grid_module, "_thread_count", lambda *a: used.append(real(*a)) or used[-1])
    serial = loss_grid(network, X, targets, center, d1, d2, alphas, betas, threads=1)
    threaded = loss_grid(network, X, targets, center, d1, d2, alphas, betas, threads=3)
    np.testing.assert_array_equal(threaded, serial)
    safe = name != "batchnorm-dropout-eval"  # batch normalization moves, and is set point by point
    assert used == [1, 3 if safe else 1]
    single = loss_grid(network, X, targets, center, d1, d2, alphas, betas, dtype=np.float32)
    np.testing.assert_allclose(single, serial, rtol=1e-5)
    assert not np.array_equal(single, serial)  # it did compute in float32


def test_float32_evaluator_works_in_float32_and_bad_settings_are_named():
    network = MultiLayerNet(6, [5, 4], 3, seed=2)
    center = params_to_vector(network.params)
    d1, d2 = random_direction(network, 1), random_direction(network, 2)
    for features_first in (True, False):  # the fast path and the general one
        evaluator = PlaneEvaluator(network, X, LABELS, center, d1, d2, dtype=np.float32, features_first=features_first)
        assert evaluator.features_first == features_first
        assert evaluator.stacked[0].dtype == np.float32
        assert all(array.dtype == np.float32 for array in evaluator.net.params.values())
        assert all(array.dtype == np.float64 for array in network.params.values())  # the network is untouched
        computed, name = [], "_features_first_scores" if features_first else "_scores"
        original = getattr(evaluator, name)

        def spy(*args, original=original, features_first=features_first, computed=computed):
            result = original(*args)
            computed.append((args[-1] if features_first else result).dtype)  # the scores written or returned
            return result

        setattr(evaluator, name, spy)
        evaluator.evaluate(np.array([0.1, 0.2]), np.array([0.3, 0.4]))
        assert computed == [np.float32] * len(evaluator.blocks)  # the points' own work, in float32
    with pytest.raises(ValueError, match="dtype: expected float32 or float64, got float16"):
        PlaneEvaluator(network, X, LABELS, center, d1, d2, dtype=np.float16)
    with pytest.raises(ValueError, match="threads: expected a whole number >= 1 or None"):
        loss_grid(network, X, LABELS, center, d1, d2, [0.0], [0.0], threads=0)
    with pytest.raises(ValueError, match="dtype: a loss function computes in its own dtype"):
        loss_grid(lambda p: float(np.sum(p["w"] ** 2)), {"w": np.ones(2)}, {"w": np.ones(2)}, {"w": np.ones(2)},
                  [0.0], [0.0], dtype=np.float32)


def test_a_float32_grid_is_cached_apart_from_the_float64_one(tmp_path):
    network = TwoLayerNet(6, 5, 3, seed=1)
    center = params_to_vector(network.params)
    d1, d2 = random_direction(network, 1), random_direction(network, 2)
    cache = tmp_path / "grid.npz"
    single = loss_grid(network, X, LABELS, center, d1, d2, [0, 1], [0, 1, 2], cache=cache, dtype=np.float32)
    double = loss_grid(network, X, LABELS, center, d1, d2, [0, 1], [0, 1, 2], cache=cache)
    assert not np.array_equal(single, double)
    np.testing.assert_array_equal(loss_grid(network, X, LABELS, center, d1, d2, [0, 1], [0, 1, 2], cache=cache),
                                  double)
