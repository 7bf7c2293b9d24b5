"""A hand-written numpy network (not scratchnet's layers) and its landscape: loss functions of params dicts."""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from scratchnet.landscape import (
    LandscapeWarning,
    LossFunctionError,
    ParamsSpec,
    loss_grid,
    loss_grid_naive,
    loss_line,
    loss_points,
    params_to_vector,
    pca_directions,
    project,
    random_direction,
    trajectory_landscape,
)
from scratchnet.landscape.evaluator import PlaneEvaluator
from scratchnet.landscape.grid import _run_chunks
from scratchnet.networks import build_network, from_params

RNG = np.random.default_rng(7)
X = RNG.standard_normal((30, 12))
LABELS = RNG.integers(0, 4, 30)
ONE_HOT = np.eye(4)[LABELS]


def init_params(seed=0, sizes=(12, 7, 4)):
    """The way such networks are written: W as (out, in), He init, biases as (1, n) rows, non-zero."""
    rng = np.random.default_rng(seed)
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
        params[f"W{i}"] = rng.standard_normal((fan_out, fan_in)) * np.sqrt(2 / fan_in)
        params[f"b{i}"] = 0.1 * rng.standard_normal((1, fan_out))
    return params


def forward(params, x, hidden=lambda z: np.maximum(z, 0)):
    h = hidden(x @ params["W1"].T + params["b1"])
    return h @ params["W2"].T + params["b2"]


def softmax_loss(params):
    """Mean cross-entropy with one-hot labels, written out as a learner would (but exactly)."""
    z = forward(params, X)
    z = z - z.max(axis=1, keepdims=True)
    log_probabilities = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(np.sum(ONE_HOT * log_probabilities, axis=1))


def train(params, steps=12, lr=0.2):
    """Plain SGD with the gradient by hand; returns the list of params dicts after every step."""
    params = {k: v.copy() for k, v in params.items()}
    history = [{k: v.copy() for k, v in params.items()}]
    for step in range(steps):
        rows = np.arange(step * 7, step * 7 + 10) % len(X)  # batches of 10 that wrap around the 30 rows
        x, t = X[rows], ONE_HOT[rows]
        a1 = x @ params["W1"].T + params["b1"]
        h = np.maximum(a1, 0)
        z = h @ params["W2"].T + params["b2"]
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        dz = (p - t) / len(rows)
        dh = dz @ params["W2"] * (a1 > 0)
        grads = {"W2": dz.T @ h, "b2": dz.sum(axis=0, keepdims=True), "W1": dh.T @ x,
                 "b1": dh.sum(axis=0, keepdims=True)}
        for key in params:
            params[key] -= lr * grads[key]
        history.append({k: v.copy() for k, v in params.items()})
    return history


def by_hand(loss_fn, center, d1, d2, alphas, betas):
    spec = ParamsSpec(center)
    c, u, v = (spec.vector(d) for d in (center, d1, d2))
    return np.array([[loss_fn(spec.params(c + a * u + b * v)) for a in alphas] for b in betas])


def as_dict(vector, like):
    return ParamsSpec(like).params(vector)


def test_generic_grid_equals_a_loop_written_by_hand():
    params = init_params()
    d1 = as_dict(random_direction(params, 1, layout="out_in"), params)
    d2 = as_dict(random_direction(params, 2, layout="out_in"), params)
    alphas, betas = np.linspace(-1, 1.5, 5), np.linspace(-0.5, 1, 4)
    Z = loss_grid(softmax_loss, params, d1, d2, alphas, betas)
    np.testing.assert_array_equal(Z, by_hand(softmax_loss, params, d1, d2, alphas, betas))
    assert Z.shape == (4, 5) and np.ptp(Z) > 0.1
    # Vectors work too, given the keys and shapes; and by keyword.
    vectors = [params_to_vector(d) for d in (params, d1, d2)]
    np.testing.assert_array_equal(loss_grid(softmax_loss, *vectors, alphas, betas, params=params), Z)
    np.testing.assert_array_equal(loss_grid(softmax_loss, center=params, d1=d1, d2=d2, alphas=alphas,
                                            betas=betas), Z)
    line = loss_line(softmax_loss, params, d1, alphas)
    np.testing.assert_array_equal(line, [softmax_loss(as_dict(vectors[0] + a * vectors[1], params)) for a in alphas])
    points = np.array([[0.3, -0.2], [1.0, 0.5]])
    np.testing.assert_array_equal(loss_points(softmax_loss, params, d1, d2, points),
                                  [by_hand(softmax_loss, params, d1, d2, [a], [b])[0, 0] for a, b in points])


def test_generic_grid_with_an_executor_is_identical():
    params = init_params()
    d1, d2 = (as_dict(random_direction(params, s, layout="out_in"), params) for s in (3, 4))
    grid = np.linspace(-1, 1, 6)  # 36 points: three chunks of 16, the last one short
    serial = loss_grid(softmax_loss, params, d1, d2, grid, grid)
    with ThreadPoolExecutor(max_workers=2) as executor:
        parallel = loss_grid(softmax_loss, params, d1, d2, grid, grid, executor=executor)
    np.testing.assert_array_equal(parallel, serial)


SCALE = np.ones(1)


def scaled_loss(params):
    return SCALE[0] * softmax_loss(params)


def test_function_grid_cache_follows_the_code_and_the_arrays_it_uses(tmp_path):
    params = init_params()
    d1, d2 = (as_dict(random_direction(params, s, layout="out_in"), params) for s in (5, 6))
    cache = tmp_path / "grid.npz"
    first = loss_grid(scaled_loss, params, d1, d2, [0.0, 1.0], [0.0], cache=cache)
    assert cache.is_file()
    np.testing.assert_array_equal(loss_grid(scaled_loss, params, d1, d2, [0.0, 1.0], [0.0], cache=cache), first)
    SCALE[0] = 2.0  # the function now computes something else: the cache must not answer
    try:
        again = loss_grid(scaled_loss, params, d1, d2, [0.0, 1.0], [0.0], cache=cache)
    finally:
        SCALE[0] = 1.0
    np.testing.assert_allclose(again, 2 * first, rtol=1e-15)
    other = loss_grid(softmax_loss, params, d1, d2, [0.0, 1.0], [0.0], cache=cache)  # another function
    np.testing.assert_array_equal(other, first)


@pytest.mark.parametrize("activation, output, hidden", [
    ("relu", "softmax", lambda z: np.maximum(z, 0)),
    ("tanh", "softmax", np.tanh),
    ("sigmoid", "sigmoid", lambda z: 1 / (1 + np.exp(-z))),
    ("relu", "identity", lambda z: np.maximum(z, 0)),
])
def test_from_params_loss_equals_the_hand_written_loss(activation, output, hidden):
    params = init_params(seed=3)
    net = from_params(params, layout="out_in", activation=activation, output=output)
    z = forward(params, X, hidden)
    if output == "softmax":
        shifted = z - z.max(axis=1, keepdims=True)
        expected = -np.mean(np.sum(ONE_HOT * (shifted - np.log(np.exp(shifted).sum(1, keepdims=True))), axis=1))
    else:
        y = 1 / (1 + np.exp(-z)) if output == "sigmoid" else z
        expected = 0.5 * np.mean(np.sum((y - ONE_HOT) ** 2, axis=1))
    assert net.loss(X, ONE_HOT) == pytest.approx(expected, rel=1e-10)
    assert list(net.params) == list(params)
    # The arrays were copied: training the network leaves the user's dict alone.
    before = params["W1"].copy()
    net.params["W1"] += 1.0
    np.testing.assert_array_equal(params["W1"], before)


def test_from_params_in_the_books_layout_and_with_1d_biases():
    params = {key: (value.T if key.startswith("W") else value.ravel()) for key, value in init_params(4).items()}
    net = from_params(params, layout="in_out")
    z = np.maximum(X @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
    np.testing.assert_allclose(net.predict(X), z, rtol=1e-13)


def test_from_params_fast_grid_equals_the_generic_grid():
    params = init_params(seed=5)
    net = from_params(params, layout="out_in")
    d1 = as_dict(random_direction(params, 8, layout="out_in"), params)
    d2 = as_dict(random_direction(params, 9, layout="out_in", include_biases=True), params)
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.6, 0.9, 4)
    generic = loss_grid(softmax_loss, params, d1, d2, alphas, betas)
    fast = loss_grid(net, X, ONE_HOT, *(params_to_vector(net.import_params(d)) for d in (params, d1, d2)),
                     alphas, betas)
    np.testing.assert_allclose(fast, generic, rtol=1e-10)


@pytest.mark.parametrize("bad, message", [
    ({"W1": np.zeros((7, 12)), "b1": np.zeros((1, 6))}, r"params\['b1'\]: expected shape \(7,\) or \(1, 7\)"),
    ({"W1": np.zeros((7, 12)), "W2": np.zeros((4, 6))}, r"params\['W2'\]: expected 7 inputs"),
    ({"W1": np.zeros((7, 12, 1))}, r"params\['W1'\]: expected a 2-D weight matrix"),
    ({"W1": np.zeros((7, 12)), "gamma": np.ones(7)}, r"could not place \['gamma'\]"),
    ({"W1": np.zeros((7, 12)), "W3": np.zeros((4, 7))}, r"numbered in a row .*got \[1, 3\]: a layer is missing"),
    ({"W1": np.zeros((7, 12)), "w2": np.zeros((4, 7))}, r"named alike .*got \['W1', 'w2'\]"),
    ({"W": np.zeros((7, 12)), "W2": np.zeros((4, 7))}, r"numbered weights W1, W2, ... for more than one layer"),
])
def test_from_params_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        from_params(bad)
    with pytest.raises(ValueError, match="layout: expected 'out_in'"):
        from_params(init_params(), layout="rows")


@pytest.mark.parametrize("layout, axis", [("out_in", 1), ("in_out", 0)])
def test_filter_normalization_follows_the_layout(layout, axis):
    params = init_params(seed=2)
    direction = as_dict(random_direction(params, 0, layout=layout), params)
    for key in ("W1", "W2"):
        np.testing.assert_allclose(np.linalg.norm(direction[key], axis=axis),
                                   np.linalg.norm(params[key], axis=axis), rtol=1e-12)
    for key in ("b1", "b2"):  # (1, n) rows are biases: still, unless asked
        assert not np.any(direction[key])
    with_biases = as_dict(random_direction(params, 0, layout=layout, include_biases=True), params)
    assert np.linalg.norm(with_biases["b1"]) == pytest.approx(np.linalg.norm(params["b1"]), rel=1e-12)


def test_layout_per_key_and_arrays_it_cannot_apply_to():
    params = {"conv": np.ones((2, 3, 3)), "W": np.arange(1.0, 7.0).reshape(2, 3), "b": np.ones((1, 3))}
    with pytest.raises(ValueError, match=r"layout: 'out_in' applies to 2-D weights, but 'conv' has shape \(2, 3, 3\)"):
        random_direction(params, 0, layout="out_in")
    direction = as_dict(random_direction(params, 0, layout={"conv": "layer", "default": "out_in",
                                                               "b": "layer"}), params)
    assert np.linalg.norm(direction["conv"]) == pytest.approx(np.linalg.norm(params["conv"]))
    np.testing.assert_allclose(np.linalg.norm(direction["W"], axis=1), np.linalg.norm(params["W"], axis=1))
    assert np.linalg.norm(direction["b"]) == pytest.approx(np.sqrt(3))
    with pytest.raises(ValueError, match=r"layout\['W'\]: expected one of"):
        random_direction(params, 0, layout={"W": "columns", "conv": "layer"})
    with pytest.raises(ValueError, match="network: expected a network or a non-empty params dict"):
        random_direction({}, 0)


def test_pca_and_projection_take_lists_of_dicts():
    history = train(init_params(), steps=8)
    vectors = np.stack([ParamsSpec(history[0]).vector(p) for p in history])
    for got, expected in zip(pca_directions(history), pca_directions(vectors), strict=True):
        np.testing.assert_array_equal(got, expected)
    d1, d2, _ = pca_directions(vectors)
    np.testing.assert_array_equal(project(history, history[-1], d1, d2), project(vectors, vectors[-1], d1, d2))


def test_trajectory_landscape_of_a_loss_function():
    history = train(init_params(), steps=12)
    result = trajectory_landscape(softmax_loss, history, resolution=7, margin=0.25, progress=False)
    spec = ParamsSpec(history[0])
    vectors = np.stack([spec.vector(p) for p in history])
    d1, d2, explained = pca_directions(vectors)
    np.testing.assert_array_equal(result.d1, d1)
    np.testing.assert_array_equal(result.explained, explained)
    np.testing.assert_array_equal(result.center, vectors[-1])  # centered on the last point
    np.testing.assert_allclose(result.path[-1], [0, 0], atol=1e-12)
    np.testing.assert_allclose(result.path, project(vectors, vectors[-1], d1, d2), rtol=1e-12)
    span = np.ptp(result.path[:, 0])
    assert result.alphas[0] == pytest.approx(result.path[:, 0].min() - 0.25 * span)
    assert result.alphas[-1] == pytest.approx(result.path[:, 0].max() + 0.25 * span)
    assert result.Z.shape == (7, 7) and len(result.betas) == 7
    np.testing.assert_array_equal(result.Z, by_hand(softmax_loss, spec.params(vectors[-1]), spec.params(d1),
                                                    spec.params(d2), result.alphas, result.betas))
    heights = [softmax_loss(spec.params(vectors[-1] + a * d1 + b * d2)) for a, b in result.path]
    np.testing.assert_array_equal(result.path_loss, heights)
    assert result.path_loss[0] > result.path_loss[-1]  # training descended
    assert result.off_plane.shape == (13,) and result.off_plane[-1] == 0
    assert "PC1 (" in result.axis_labels["xlabel"]


def test_trajectory_landscape_fast_path_equals_the_generic_one():
    history = train(init_params(seed=1), steps=10)
    generic = trajectory_landscape(softmax_loss, history, resolution=6, progress=False)
    net = from_params(history[-1], layout="out_in")
    fast = trajectory_landscape((net, X, ONE_HOT), history, resolution=6, progress=False)
    np.testing.assert_allclose(fast.Z, generic.Z, rtol=1e-10)
    np.testing.assert_allclose(fast.path, generic.path, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.path_loss, generic.path_loss, rtol=1e-10)
    np.testing.assert_allclose(fast.explained, generic.explained, rtol=1e-12)


def test_trajectory_landscape_with_a_scratchnet_networks_own_vectors():
    net = build_network([12, 6, 4], seed=0)
    trajectory = [params_to_vector(net.params) * s for s in (1.3, 1.1, 1.0)]
    trajectory[1][0] += 0.5  # off the line, so the plane has a second direction
    result = trajectory_landscape((net, X, LABELS), np.stack(trajectory), resolution=4, progress=False)
    np.testing.assert_allclose(result.path_loss[-1], net.loss(X, LABELS), rtol=1e-12)


def bad_shape_loss(params):
    return np.ones(2)


def raising_loss(params):
    if params["W1"][0, 0] > 0.5:
        raise ZeroDivisionError("my network broke")
    return 1.0


def nan_loss(params):
    return float("nan") if params["W1"][0, 0] > 0.5 else 1.0


def test_bad_loss_functions_get_clear_errors():
    params = {"W1": np.zeros((1, 1))}
    unit = {"W1": np.ones((1, 1))}
    with pytest.raises(LossFunctionError, match=r"loss_fn: expected a scalar loss, got shape \(2,\) at grid point "
                                                r"\(alpha=0, beta=0\)"):
        loss_grid(bad_shape_loss, params, unit, unit, [0.0], [0.0])
    with pytest.raises(LossFunctionError, match=r"loss_fn raised ZeroDivisionError at grid point \(alpha=1, "
                                                r"beta=0\): my network broke"):
        loss_grid(raising_loss, params, unit, unit, [0.0, 1.0], [0.0])
    with pytest.warns(LandscapeWarning, match="1 of 2 grid points have no finite loss"):
        Z = loss_grid(nan_loss, params, unit, unit, [0.0, 1.0], [0.0])
    assert Z[0, 0] == 1.0 and np.isnan(Z[0, 1])
    with pytest.raises(ValueError, match="accuracy: a loss function gives only the loss"):
        loss_grid(nan_loss, params, unit, unit, [0.0], [0.0], accuracy=True)
    with pytest.raises(ValueError, match="params: with a loss function and vectors"):
        loss_grid(nan_loss, np.zeros(1), np.ones(1), np.ones(1), [0.0], [0.0])
    with pytest.raises(ValueError, match=r"d1\['W1'\]: expected shape \(1, 1\), got \(2,\)"):
        loss_grid(nan_loss, params, {"W1": np.ones(2)}, unit, [0.0], [0.0])


def test_bad_trajectories_get_clear_errors():
    history = train(init_params(), steps=4)
    changed = [dict(p) for p in history]
    changed[3] = {k: v for k, v in changed[3].items() if k != "b2"}
    with pytest.raises(ValueError, match=r"trajectory\[3\]: expected the keys .* missing \['b2'\]"):
        trajectory_landscape(softmax_loss, changed, progress=False)
    reshaped = [dict(p) for p in history]
    reshaped[2]["W2"] = reshaped[2]["W2"][:, :5]
    with pytest.raises(ValueError, match=r"trajectory\[2\]\['W2'\]: expected shape \(4, 7\), got \(4, 5\)"):
        trajectory_landscape(softmax_loss, reshaped, progress=False)
    with pytest.raises(ValueError, match="trajectory: expected at least 3 recorded parameter vectors, got 2"):
        trajectory_landscape(softmax_loss, history[:2], progress=False)
    with pytest.raises(ValueError, match="trajectory\\[0\\]: expected a non-empty dict"):
        trajectory_landscape(softmax_loss, [{}, {}, {}], progress=False)
    broken = [dict(p) for p in history]
    broken[1]["W1"] = np.full_like(broken[1]["W1"], np.nan)
    with pytest.raises(ValueError, match=r"trajectory\[1\]: expected finite parameters"):
        trajectory_landscape(softmax_loss, broken, progress=False)
    with pytest.raises(ValueError, match="loss: expected a function of a params dict, or a tuple"):
        trajectory_landscape("loss", history, progress=False)
    with pytest.raises(ValueError, match="resolution: expected a whole number >= 2"):
        trajectory_landscape(softmax_loss, history, resolution=1)


@pytest.mark.parametrize("case", ["one weight column", "column and bias, label columns", "two of five columns"])
def test_softmax_few_logits_fast_path_equals_the_naive_loop(case):
    # Two weights into one output of a softmax classifier: only that logit moves.
    rng = np.random.default_rng(11)
    net = build_network([12, 8, 6, 5], activation="sigmoid", seed=2)
    for array in net.params.values():
        array += 0.3 * rng.standard_normal(array.shape)
    center = params_to_vector(net.params)
    offset = center.size - net.params["W3"].size - net.params["b3"].size
    d1, d2 = np.zeros_like(center), np.zeros_like(center)
    W_1, W_2, b_1 = np.zeros((6, 5)), np.zeros((6, 5)), np.zeros(5)
    W_1[2, 3], W_2[4, 3] = 1.0, 1.0
    if case != "one weight column":
        b_1[3] = 0.7
        W_2[:, 1] = rng.standard_normal(6)
    if case == "two of five columns":
        W_1[:, 1] = rng.standard_normal(6)
    d1[offset:] = np.concatenate([W_1.ravel(), b_1])
    d2[offset:] = np.concatenate([W_2.ravel(), np.zeros(5)])
    labels = np.array([3, 1, 0, 2, 4] * 6)  # labels on and off the moving columns
    alphas, betas = np.array([-400.0, -3.0, 0.0, 2.5, 300.0]), np.array([-2.0, 0.5, 900.0])
    evaluator = PlaneEvaluator(net, X, labels, center, d1, d2)
    assert evaluator.moving_logits is not None
    assert list(evaluator.columns) == ([3] if case == "one weight column" else [1, 3])
    fast = loss_grid(net, X, labels, center, d1, d2, alphas, betas)
    naive = loss_grid_naive(net, X, labels, center, d1, d2, alphas, betas)
    assert np.all(np.isfinite(fast))
    np.testing.assert_allclose(fast, naive, rtol=1e-10)


def test_softmax_few_logits_over_several_unequal_blocks():
    net = build_network([12, 6, 5], seed=3)
    center = params_to_vector(net.params)
    d1, d2 = np.zeros_like(center), np.zeros_like(center)
    d1[-5 - 25 + 2] = d2[-5 - 20 + 2] = 1.0  # W2[1, 2] and W2[2, 2]
    x, labels = np.tile(X, (7, 1))[:200], np.tile(LABELS, 7)[:200]
    evaluator = PlaneEvaluator(net, x, labels, center, d1, d2, block_values=64 * 8)
    assert len(evaluator.blocks) > 2 and evaluator.blocks[-1].stop - evaluator.blocks[-1].start < 64
    grid = np.linspace(-3, 3, 4)
    fast = evaluator.evaluate(*(g.ravel() for g in np.meshgrid(grid, grid)))
    naive = loss_grid_naive(net, x, labels, center, d1, d2, grid, grid).ravel()
    np.testing.assert_allclose(fast, naive, rtol=1e-10)


def test_progress_notes_the_time_left():
    class Recorder:
        def __init__(self):
            self.notes = []

        def update(self, done, note=""):
            self.notes.append((done, note))

    params = init_params()
    from scratchnet.landscape.functional import FunctionEvaluator
    spec = ParamsSpec(params)
    vector = spec.vector(params)
    evaluator = FunctionEvaluator(softmax_loss, spec, vector, vector, vector)
    bar = Recorder()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _run_chunks(evaluator, np.zeros(40), np.zeros(40), None, bar)
    assert [done for done, _ in bar.notes] == [1, 2, 3]
    assert all(note.startswith("about ") and note.endswith(" s left") for _, note in bar.notes[:-1])
    assert bar.notes[-1][1] == ""


def test_softmax_loss_sums_equal_the_loss_layer():
    from scratchnet.landscape.softmax import softmax_loss_sums
    from scratchnet.layers import SoftmaxWithLoss

    rng = np.random.default_rng(5)
    z = rng.standard_normal((3, 7, 4)) * np.array([1.0, 50.0, 800.0])[:, None, None]  # up to overflow scale
    labels = rng.integers(0, 4, 7)
    expected = SoftmaxWithLoss().apply(z, labels) * 7
    sums = softmax_loss_sums(np.moveaxis(z, -1, 0).copy(), labels)  # classes first
    np.testing.assert_allclose(sums, expected, rtol=1e-13)
    assert np.all(np.isfinite(sums))


@pytest.mark.parametrize("grid", [loss_grid, loss_grid_naive])
def test_integer_labels_for_a_squared_error_network_are_a_clear_error_in_every_path(grid):
    # One moving output column sends the fast path down its column shortcut, which indexes t.
    net = build_network([12, 5, 3], loss="squared", output_activation="sigmoid", seed=0)
    center = params_to_vector(net.params)
    direction = np.zeros_like(center)
    direction[-3 - 15 + 1] = 1.0  # W2[0, 1]
    with pytest.raises(ValueError, match=r"t: expected targets of shape \(30, 3\), got \(30,\) \(integer class"):
        grid(net, X, LABELS, center, direction, np.zeros_like(center), [0.0, 1.0], [0.0])


def test_function_grid_cache_follows_arrays_a_closure_holds(tmp_path):
    params = init_params()
    d1, d2 = (as_dict(random_direction(params, s, layout="out_in"), params) for s in (7, 8))
    weights = np.ones(1)

    def make_loss(scale):
        return lambda p: scale[0] * softmax_loss(p)  # the array lives in the closure, not in the module

    loss = make_loss(weights)
    cache = tmp_path / "closure.npz"
    first = loss_grid(loss, params, d1, d2, [0.0, 0.5], [0.0], cache=cache)
    weights[0] = 3.0
    np.testing.assert_allclose(loss_grid(loss, params, d1, d2, [0.0, 0.5], [0.0], cache=cache), 3 * first,
                               rtol=1e-15)


@pytest.mark.parametrize("order", ["reversed", "as strings"])
def test_from_params_orders_layers_by_the_numbers_in_their_keys(order):
    rng = np.random.default_rng(5)
    params = {}
    for i in range(1, 12):  # eleven square layers: W10 and W11 sort before W2 as strings
        params[f"W{i}"], params[f"b{i}"] = rng.standard_normal((4, 4)) * 0.8, rng.standard_normal(4)
    keys = list(params)[::-1] if order == "reversed" else sorted(params)
    shuffled = {key: params[key] for key in keys}
    x = rng.standard_normal((3, 4))
    z = x
    for i in range(1, 12):  # the hand-written forward pass, layer 1 first
        z = z @ params[f"W{i}"].T + params[f"b{i}"]
        z = np.maximum(z, 0) if i < 11 else z
    np.testing.assert_allclose(from_params(shuffled).predict(x), z, rtol=1e-12)
