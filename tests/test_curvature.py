"""Curvature: Hessian-vector products against closed forms and the loss's own second differences, and the
spectrum functions against numpy's eigenvalues of the full Hessian and matrices with a known spectrum."""

import numpy as np
import pytest

from scratchnet.curvature import (
    full_hessian,
    hessian_trace,
    hessian_vector_product,
    hutchinson_trace,
    lanczos,
    lanczos_top,
    power_iteration,
    top_eigenvalues,
)
from scratchnet.landscape import params_to_vector, vector_to_params
from scratchnet.networks import MultiLayerNet, SimpleConvNet, build_network

RNG = np.random.default_rng(0)
X = RNG.normal(size=(12, 4))
LABELS = RNG.integers(0, 3, 12)


def softmax(scores):
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def test_softmax_regression_matches_its_closed_form():
    # One Affine into softmax cross-entropy: H = mean over samples of (z z^T) kron (diag p - p p^T), z = [x, 1].
    network = build_network([4, 3], seed=0)
    network.params["b1"][...] = [0.3, -0.2, 0.1]  # non-zero biases
    p = softmax(X @ network.params["W1"] + network.params["b1"])
    z = np.c_[X, np.ones(len(X))]
    closed = sum(np.kron(np.outer(zn, zn), np.diag(pn) - np.outer(pn, pn)) for zn, pn in zip(z, p, strict=True))
    closed /= len(X)
    hessian = full_hessian(network, X, LABELS)
    np.testing.assert_allclose(hessian, closed, atol=1e-7)
    np.testing.assert_array_equal(hessian, hessian.T)  # exactly symmetric, as eigvalsh assumes
    v = RNG.normal(size=15)
    np.testing.assert_allclose(hessian_vector_product(network, X, LABELS, v), closed @ v, rtol=1e-5, atol=1e-7)


def test_squared_loss_of_a_linear_map_and_weight_decay_match_their_closed_forms():
    # L = c/N sum ||x W + b - t||^2: H = (2c/N) sum (z z^T) kron I. Weight decay adds lambda on W's diagonal.
    targets = RNG.normal(size=(12, 3))
    network = build_network([4, 3], loss="squared", squared_factor=0.5, seed=1)
    z = np.c_[X, np.ones(len(X))]
    closed = np.kron(z.T @ z, np.eye(3)) * (2 * 0.5 / len(X))
    np.testing.assert_allclose(full_hessian(network, X, targets), closed, atol=1e-6)
    decayed = MultiLayerNet(4, [], 3, weight_decay_lambda=0.3, seed=0)
    plain = MultiLayerNet(4, [], 3, seed=0)
    difference = full_hessian(decayed, X, LABELS) - full_hessian(plain, X, LABELS)
    np.testing.assert_allclose(difference, np.diag([0.3] * 12 + [0.0] * 3), atol=1e-6)


NETWORKS = {
    "tanh": lambda: MultiLayerNet(4, [5], 3, activation="tanh", weight_init_std=0.8, seed=0),
    "sigmoid": lambda: MultiLayerNet(4, [5], 3, activation="sigmoid", weight_init_std=1.0, seed=1),
    "relu": lambda: MultiLayerNet(4, [6, 5], 3, activation="relu", seed=2),
    "batch norm": lambda: MultiLayerNet(4, [5], 3, activation="tanh", use_batchnorm=True, seed=3),
    "weight decay": lambda: MultiLayerNet(4, [5], 3, activation="tanh", weight_decay_lambda=0.05, seed=4),
    "convolution": lambda: SimpleConvNet((1, 5, 5), {"filter_num": 2, "filter_size": 3}, hidden_size=4,
                                         output_size=3, weight_init_std=0.5, seed=5),
    "two convolutions, overlapping pools, batch norm on images": lambda: _padded_convnet(6),
}


def _padded_convnet(seed):
    """Conv (pad 1) - Tanh - Conv (stride 2) - Tanh - max pool 3 x 3, stride 2, pad 1 (windows overlap) - BatchNorm
    of 8 image features - Affine - Sigmoid - Affine, weight decay 0.05, every bias and beta non-zero: each rule of the
    R-operator at once, the second convolution's towards its input too."""
    from scratchnet.conv import Convolution, Pooling
    from scratchnet.layers import Affine, BatchNormalization, Sigmoid, SoftmaxWithLoss, Tanh
    from scratchnet.networks.base import LayerNet

    rng = np.random.default_rng(seed)
    layers = [("Conv1", Convolution(rng.normal(size=(3, 2, 3, 3)) * 0.5, rng.normal(size=3) * 0.3, stride=1, pad=1)),
              ("Tanh1", Tanh()),
              ("Conv2", Convolution(rng.normal(size=(2, 3, 2, 2)) * 0.5, rng.normal(size=2) * 0.3, stride=2)),
              ("Tanh2", Tanh()), ("Pool1", Pooling(3, 3, stride=2, pad=1)),
              ("BatchNorm1", BatchNormalization(1 + 0.2 * rng.normal(size=8), 0.3 * rng.normal(size=8))),
              ("Affine1", Affine(rng.normal(size=(8, 4)) * 0.4, rng.normal(size=4) * 0.3)), ("Sigmoid1", Sigmoid()),
              ("Affine2", Affine(rng.normal(size=(4, 3)), rng.normal(size=3) * 0.3))]
    keys = {"W1": ("Conv1", "W"), "b1": ("Conv1", "b"), "W2": ("Conv2", "W"), "b2": ("Conv2", "b"),
            "gamma1": ("BatchNorm1", "gamma"), "beta1": ("BatchNorm1", "beta"), "W3": ("Affine1", "W"),
            "b3": ("Affine1", "b"), "W4": ("Affine2", "W"), "b4": ("Affine2", "b")}
    return LayerNet(layers, SoftmaxWithLoss(), keys, weight_decay_lambda=0.05)


def _data(name):
    if name == "convolution":
        return RNG.normal(size=(6, 1, 5, 5)), LABELS[:6]
    if name.startswith("two convolutions"):
        return np.random.default_rng(9).normal(size=(7, 2, 6, 6)), LABELS[:7]
    return X, LABELS


@pytest.mark.parametrize("name", NETWORKS)
def test_every_layer_gives_a_product_that_agrees_with_the_losss_second_difference(name):
    # An independent check of H v: v^T H v is the loss's second derivative along v, from losses alone.
    network = NETWORKS[name]()
    x, t = _data(name)
    theta = params_to_vector(network.params).copy()
    v = np.random.default_rng(7).normal(size=theta.size)
    hv = hessian_vector_product(network, x, t, v)

    def loss_at(point):
        vector_to_params(point, network.params)
        return network.loss(x, t, train=True)

    step = 3e-4  # truncation ~ step^2 (the padded convnet's v is long: 1e-3 was not enough), rounding ~ 1e-16 / step^2
    second = (loss_at(theta + step * v) - 2 * loss_at(theta) + loss_at(theta - step * v)) / step**2
    vector_to_params(theta, network.params)
    assert v @ hv == pytest.approx(second, rel=2e-4, abs=1e-6)
    # linear in v, and symmetric: u^T H v = v^T H u
    u = np.random.default_rng(8).normal(size=theta.size)
    hu = hessian_vector_product(network, x, t, u)
    np.testing.assert_allclose(hessian_vector_product(network, x, t, 2 * u - v), 2 * hu - hv, rtol=1e-5, atol=1e-6)
    assert u @ hv == pytest.approx(v @ hu, rel=1e-5, abs=1e-7)


def test_a_product_leaves_the_network_exactly_as_it_was():
    network = NETWORKS["batch norm"]()
    network.gradient(X, LABELS)  # running statistics that are not the initial ones
    params = {key: value.copy() for key, value in network.params.items()}
    norms = [layer for layer in network.layers.values() if hasattr(layer, "running_mean")]
    statistics = [(layer.running_mean.copy(), layer.running_var.copy()) for layer in norms]
    hessian_vector_product(network, X, LABELS, np.ones(params_to_vector(params).size))
    for key, value in params.items():
        np.testing.assert_array_equal(network.params[key], value)
    for layer, (mean, variance) in zip(norms, statistics, strict=True):
        np.testing.assert_array_equal(layer.running_mean, mean)
        np.testing.assert_array_equal(layer.running_var, variance)


def test_products_refuse_what_has_no_hessian_and_vectors_of_the_wrong_size():
    network = NETWORKS["tanh"]()
    size = params_to_vector(network.params).size
    with pytest.raises(ValueError, match=rf"v: expected a vector of length {size} .* got shape \(3,\)"):
        hessian_vector_product(network, X, LABELS, np.ones(3))
    with pytest.raises(ValueError, match="v: holds NaN"):
        hessian_vector_product(network, X, LABELS, np.full(size, np.nan))
    np.testing.assert_array_equal(hessian_vector_product(network, X, LABELS, np.zeros(size)), np.zeros(size))
    dropout = MultiLayerNet(4, [5], 3, use_dropout=True, dropout_ratio=0.3, seed=0)
    with pytest.raises(ValueError, match="Dropout, so the loss is random and has no Hessian"):
        hessian_vector_product(dropout, X, LABELS, np.ones(params_to_vector(dropout.params).size))
    with pytest.raises(ValueError, match="full_hessian is for small networks"):
        full_hessian(MultiLayerNet(784, [10], 10, seed=0), X, LABELS)


def test_lanczos_and_power_iteration_find_the_full_hessians_top_eigenvalues():
    network = NETWORKS["tanh"]()
    exact = np.linalg.eigvalsh(full_hessian(network, X, LABELS))[::-1]
    values, products = top_eigenvalues(network, X, LABELS, k=3, tol=1e-10)
    np.testing.assert_allclose(values, exact[:3], rtol=1e-6)
    assert products <= exact.size
    top, _ = top_eigenvalues(network, X, LABELS, method="power", tol=1e-12)
    largest = exact[np.argmax(np.abs(exact))]  # power iteration finds the largest magnitude
    assert top[0] == pytest.approx(largest, rel=1e-5)
    with pytest.raises(ValueError, match="power iteration finds one eigenvalue"):
        top_eigenvalues(network, X, LABELS, k=2, method="power")
    with pytest.raises(ValueError, match="method: expected 'lanczos' or 'power'"):
        top_eigenvalues(network, X, LABELS, method="arnoldi")


def _known(dim=60, seed=0):
    """A symmetric matrix with the eigenvalues 1, 2, ..., dim - 3 and a top three of 200, 190, 90 (close: hard for
    power iteration, whose error shrinks as (190 / 200) per product)."""
    values = np.r_[np.arange(1.0, dim - 2), [90.0, 190.0, 200.0]]
    basis, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    return basis @ np.diag(values) @ basis.T, values


def test_lanczos_is_orthonormal_tridiagonal_and_faster_than_power_iteration_on_a_known_spectrum():
    matrix, values = _known()
    alpha, beta, basis = lanczos(lambda v: matrix @ v, 60, 25, rng=1)
    np.testing.assert_allclose(basis.T @ basis, np.eye(25), atol=1e-12)  # fully reorthogonalized
    np.testing.assert_allclose(basis.T @ matrix @ basis, np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1),
                               atol=1e-9)
    top, lanczos_products = lanczos_top(lambda v: matrix @ v, 60, k=3, tol=1e-10, rng=1)
    np.testing.assert_allclose(top, [200, 190, 90], rtol=1e-8)
    largest, _, power_products = power_iteration(lambda v: matrix @ v, 60, iterations=1000, tol=1e-10, rng=1)
    assert largest == pytest.approx(200, rel=1e-8)
    assert lanczos_products < power_products  # the point of Lanczos
    # an exhausted Krylov space (a matrix with two distinct eigenvalues) stops early with exact values
    two = np.diag([5.0] * 10 + [1.0] * 10)
    alpha, beta, basis = lanczos(lambda v: two @ v, 20, 20, rng=0)
    assert len(alpha) == 2
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))),
                               [1.0, 5.0])
    with pytest.raises(ValueError, match="k: expected 1 to 60 eigenvalues, got 0"):
        lanczos_top(lambda v: matrix @ v, 60, k=0)


def test_hutchinson_trace_is_unbiased_with_an_honest_standard_error():
    matrix, values = _known()
    estimate, error = hutchinson_trace(lambda v: matrix @ v, 60, probes=400, rng=2)
    assert abs(estimate - values.sum()) < 4 * error and 0 < error < 0.2 * values.sum()
    diagonal = np.diag(np.arange(1.0, 11.0))  # z^T D z = trace D for every sign vector: no error at all
    assert hutchinson_trace(lambda v: diagonal @ v, 10, probes=5) == (pytest.approx(55.0), pytest.approx(0.0))
    network = NETWORKS["relu"]()
    exact = np.trace(full_hessian(network, X, LABELS))
    estimate, error = hessian_trace(network, X, LABELS, probes=300, rng=3)
    assert abs(estimate - exact) < 4 * error


def test_sharpness_along_a_path_is_the_top_eigenvalue_at_each_point_and_leaves_the_network_be():
    from scratchnet.curvature import sharpness_along

    network = NETWORKS["tanh"]()
    start = params_to_vector(network.params).copy()
    path = np.array([start + 0.3 * k * np.random.default_rng(k).normal(size=start.size) for k in range(3)])
    sharpness = sharpness_along(network, X, LABELS, path, tol=1e-10)
    for point, value in zip(path, sharpness, strict=True):
        vector_to_params(point, network.params)
        assert value == pytest.approx(np.linalg.eigvalsh(full_hessian(network, X, LABELS))[-1], rel=1e-6)
    vector_to_params(start, network.params)
    assert len(set(np.round(sharpness, 6))) == 3  # three different points, three different values
    # params dicts, in any key order, give the same; the network is where it was
    keys = list(network.params)[::-1]
    dicts = []
    for point in path:
        vector_to_params(point, network.params)
        dicts.append({key: network.params[key].copy() for key in keys})
    vector_to_params(start, network.params)
    np.testing.assert_allclose(sharpness_along(network, X, LABELS, dicts, tol=1e-10), sharpness, rtol=1e-8)
    np.testing.assert_array_equal(params_to_vector(network.params), start)
    with pytest.raises(ValueError, match=r"trajectory\[1\]: expected the keys"):
        sharpness_along(network, X, LABELS, [dicts[0], {"W1": dicts[1]["W1"]}, dicts[2]])
    with pytest.raises(ValueError, match="trajectory: expected points of"):
        sharpness_along(network, X, LABELS, np.zeros((3, 5)))


def test_the_sharpness_figure_draws_every_measurement_and_each_runs_two_over_eta_line():
    import matplotlib

    matplotlib.use("Agg")
    from scratchnet.plot import plot_sharpness

    runs = {"η = 0.1": {"lr": 0.1, "iterations": np.arange(5), "loss": np.geomspace(1, 0.1, 5),
                        "sharpness_iterations": np.array([0, 2, 4]), "sharpness": np.array([5.0, 15.0, 19.8])},
            "η = 0.05": {"lr": 0.05, "iterations": np.arange(5), "loss": np.geomspace(1, 0.2, 5),
                         "sharpness_iterations": np.array([0, 4]), "sharpness": np.array([5.0, 30.0])}}
    fig = plot_sharpness(runs)
    ax_loss, ax_sharp = fig.axes
    assert ax_loss.get_yscale() == "log"
    curves = [line for line in ax_sharp.lines if line.get_label() in runs]
    np.testing.assert_array_equal(curves[0].get_xydata(), [[0, 5.0], [2, 15.0], [4, 19.8]])
    limits = sorted(line.get_ydata()[0] for line in ax_sharp.lines if line.get_linestyle() == "--")
    assert limits == [20.0, 40.0]  # 2 / 0.1 and 2 / 0.05
    assert [text.get_text() for text in ax_sharp.get_legend().get_texts()] == ["η = 0.1", "2/η = 20", "η = 0.05",
                                                                                "2/η = 40"]
    assert ax_sharp.get_ylim()[1] >= 40
    with pytest.raises(ValueError, match="runs: expected at least one run"):
        plot_sharpness({})


def test_stochastic_lanczos_quadrature_gives_the_spectrums_mass_and_moments():
    from scratchnet.curvature import density_on, eigenvalue_density, spectral_density

    # two eigenvalues, 1 (30 times) and 5 (10 times): every probe's Krylov space is exhausted after 2 steps, its
    # nodes are exactly 1 and 5, and its weights average to the multiplicities' shares, 0.75 and 0.25
    two = np.diag([1.0] * 30 + [5.0] * 10)
    nodes, weights = spectral_density(lambda v: two @ v, 40, steps=10, probes=300, rng=0)
    np.testing.assert_allclose(nodes[:, :2], np.tile([1.0, 5.0], (300, 1)), atol=1e-9)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    assert np.all(weights[:, 2:] == 0)  # padded after the exhausted space
    assert weights[:, 0].mean() == pytest.approx(0.75, abs=0.02)
    assert weights[:, 1].mean() == pytest.approx(0.25, abs=0.02)
    # moments: for a known spectrum the weighted nodes average to trace(H) / P and trace(H^2) / P
    matrix, values = _known()
    nodes, weights = spectral_density(lambda v: matrix @ v, 60, steps=30, probes=200, rng=1)
    assert np.mean(np.sum(weights * nodes, axis=1)) == pytest.approx(values.mean(), rel=0.05)
    assert np.mean(np.sum(weights * nodes**2, axis=1)) == pytest.approx(np.mean(values**2), rel=0.1)
    assert nodes.max() == pytest.approx(200, rel=1e-6)  # the extreme eigenvalues are nodes themselves
    grid = np.linspace(-20, 220, 4001)
    curve = density_on(grid, nodes, weights, width=2.0)
    assert np.sum(curve) * (grid[1] - grid[0]) == pytest.approx(1.0, rel=1e-3)  # a density: it integrates to 1
    network = NETWORKS["tanh"]()
    exact = np.linalg.eigvalsh(full_hessian(network, X, LABELS))
    nodes, weights = eigenvalue_density(network, X, LABELS, steps=exact.size, probes=2, rng=0)
    # a run to the end of its Krylov space: every node that carries weight is an eigenvalue, the top one included
    carried = nodes[weights > 1e-8]
    assert np.all(np.min(np.abs(carried[:, None] - exact[None, :]), axis=1) < 1e-5)
    assert nodes.max() == pytest.approx(exact[-1], rel=1e-6)


def test_both_ends_of_the_spectrum_and_a_curvature_map_over_a_plane():
    from scratchnet.curvature import curvature_map, lanczos_extremes

    matrix, values = _known()
    shifted = matrix - 50 * np.eye(60)  # eigenvalues from -49 to 150: both ends, opposite signs
    largest, smallest, products = lanczos_extremes(lambda v: shifted @ v, 60, tol=1e-10)
    assert (largest, smallest) == (pytest.approx(150.0, rel=1e-8), pytest.approx(-49.0, rel=1e-8))
    assert products < 60
    network = NETWORKS["tanh"]()
    center = params_to_vector(network.params).copy()
    d1, d2 = np.random.default_rng(5).normal(size=(2, center.size)) * 0.3
    alphas, betas = np.array([-1.0, 0.0, 1.0]), np.array([0.0, 0.5])
    top, bottom = curvature_map(network, X, LABELS, center, d1, d2, alphas, betas, tol=1e-10)
    assert top.shape == bottom.shape == (2, 3)
    for j, b in enumerate(betas):  # every point: the full Hessian's extreme eigenvalues there
        for i, a in enumerate(alphas):
            vector_to_params(center + a * d1 + b * d2, network.params)
            exact = np.linalg.eigvalsh(full_hessian(network, X, LABELS))
            assert (top[j, i], bottom[j, i]) == (pytest.approx(exact[-1], rel=1e-6), pytest.approx(exact[0], abs=1e-6))
    vector_to_params(center, network.params)
    top_again, _ = curvature_map(network, X, LABELS, center, d1, d2, alphas[:1], betas[:1], tol=1e-10)
    np.testing.assert_array_equal(params_to_vector(network.params), center)  # left where it was
    assert top_again[0, 0] == top[0, 0]
    with pytest.raises(ValueError, match=r"d2: expected a vector of length"):
        curvature_map(network, X, LABELS, center, d1, d2[:5], alphas, betas)


def test_an_executor_shares_the_points_out_and_gives_what_the_serial_loop_gives():
    from concurrent.futures import ThreadPoolExecutor

    from scratchnet.curvature import curvature_map, sharpness_along

    network = NETWORKS["tanh"]()
    center = params_to_vector(network.params).copy()
    d1, d2 = np.random.default_rng(8).normal(size=(2, center.size)) * 0.4
    alphas, betas = np.linspace(-1, 1, 5), np.array([-0.5, 0.25, 1.0])  # 15 points: groups of unequal size
    serial = curvature_map(network, X, LABELS, center, d1, d2, alphas, betas, tol=1e-8)
    path = center + np.outer(np.linspace(0, 1, 7), d1)
    serial_sharpness = sharpness_along(network, X, LABELS, path, tol=1e-8)
    with ThreadPoolExecutor(2) as pool:  # threads share memory: each group must move a network of its own
        shared = curvature_map(network, X, LABELS, center, d1, d2, alphas, betas, tol=1e-8, executor=pool)
        shared_sharpness = sharpness_along(network, X, LABELS, path, tol=1e-8, executor=pool)
    for mine, theirs in zip((*serial, serial_sharpness), (*shared, shared_sharpness), strict=True):
        np.testing.assert_allclose(theirs, mine, rtol=1e-10, atol=1e-12)
    assert len(set(np.round(serial[0].ravel(), 6))) == 15  # every point its own value, in its own place
    np.testing.assert_array_equal(params_to_vector(network.params), center)
    with pytest.raises(TypeError, match="executor: expected a concurrent.futures.Executor"):
        sharpness_along(network, X, LABELS, path, executor=object())


def test_float32_products_agree_with_float64_and_leave_the_network_in_float64():
    from scratchnet.curvature import curvature_map, eigenvalue_density, hessian_trace, sharpness_along

    network = MultiLayerNet(4, [6, 5], 3, activation="tanh", use_batchnorm=True, weight_decay_lambda=0.01, seed=12)
    before = params_to_vector(network.params).copy()
    wide = np.random.default_rng(2).normal(size=(40, 4))
    labels = np.arange(40) % 3
    values64, _ = top_eigenvalues(network, wide, labels, k=2, tol=1e-10)
    values32, _ = top_eigenvalues(network, wide, labels, k=2, tol=1e-10, dtype=np.float32)
    assert 0 < np.max(np.abs(values32 - values64) / np.abs(values64)) < 1e-5  # float32 for real, and close
    trace64, trace32 = (hessian_trace(network, wide, labels, probes=5, dtype=dtype)[0] for dtype in
                        (np.float64, np.float32))
    assert trace32 == pytest.approx(trace64, rel=1e-5) and trace32 != trace64
    nodes64, nodes32 = (eigenvalue_density(network, wide, labels, steps=8, probes=2, dtype=dtype)[0] for dtype in
                        (np.float64, np.float32))
    np.testing.assert_allclose(nodes32, nodes64, rtol=1e-4, atol=1e-5)
    path = before + np.outer([0.0, 0.5, 1.0], np.random.default_rng(3).normal(size=before.size) * 0.2)
    np.testing.assert_allclose(sharpness_along(network, wide, labels, path, tol=1e-10, dtype=np.float32),
                               sharpness_along(network, wide, labels, path, tol=1e-10), rtol=1e-5)
    d1, d2 = path[2] - before, np.random.default_rng(4).normal(size=before.size) * 0.2
    for map32, map64 in zip(curvature_map(network, wide, labels, before, d1, d2, [0.0, 1.0], [0.5], tol=1e-10,
                                          dtype=np.float32),
                            curvature_map(network, wide, labels, before, d1, d2, [0.0, 1.0], [0.5], tol=1e-10),
                            strict=True):
        np.testing.assert_allclose(map32, map64, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(params_to_vector(network.params), before)
    assert all(array.dtype == np.float64 for array in network.params.values())
    with pytest.raises(ValueError, match="dtype: expected float32 or float64, got float16"):
        top_eigenvalues(network, wide, labels, dtype=np.float16)
    dropout = MultiLayerNet(4, [5], 3, use_dropout=True, dropout_ratio=0.0, seed=3)  # no exact product: float64 only
    with pytest.raises(ValueError, match="dtype: float32 products need the exact R-operator"):
        top_eigenvalues(dropout, wide, labels, dtype=np.float32)


def test_the_density_and_curvature_map_figures_draw_what_they_are_given():
    import matplotlib

    matplotlib.use("Agg")
    from scratchnet.plot import plot_curvature_map, plot_eigenvalue_density

    nodes = np.array([[-1.0, 0.0, 4.0]])
    weights = np.array([[0.2, 0.7, 0.1]])
    fig = plot_eigenvalue_density({"trained": (nodes, weights)})
    (ax,) = fig.axes
    (curve,) = ax.lines
    grid, density = curve.get_xydata().T
    assert ax.get_yscale() == "log" and curve.get_label() == "trained: largest 4"
    assert grid[np.argmax(density)] == pytest.approx(0.0, abs=0.05)  # the heaviest node is the highest peak
    assert np.sum(density) * (grid[1] - grid[0]) == pytest.approx(1.0, rel=1e-2)
    alphas, betas = np.linspace(-1, 1, 3), np.linspace(-1, 1, 4)
    largest = np.full((4, 3), 2.0)
    smallest = np.array([[-1.0, 0.0, 0.5]] * 4)
    fig = plot_curvature_map(alphas, betas, largest, smallest)
    ratio_ax, top_ax = fig.axes[0], fig.axes[1]
    fill = [c for c in ratio_ax.get_children() if getattr(c, "filled", False)][0]
    assert fill.get_array() is not None and max(fill.levels) >= 1.0  # ratios 0.5, 0, 0.25 on a 0-1 scale
    (centre,) = [line for line in top_ax.lines if line.get_marker() == "X"]  # not the lowest point's star
    np.testing.assert_array_equal(centre.get_xydata(), [[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"largest, smallest: expected grids"):
        plot_curvature_map(alphas, betas, largest.T, smallest)


def test_a_hand_written_networks_product_equals_the_same_scratchnet_networks():
    from scratchnet.networks import from_params

    rng = np.random.default_rng(11)
    mine = {"W1": rng.normal(size=(5, 4)), "b1": rng.normal(size=(1, 5)), "W2": rng.normal(size=(3, 5)),
            "b2": rng.normal(size=(1, 3))}  # PyTorch's layout: W is (out, in), biases are rows
    rebuilt = from_params(mine, layout="out_in", activation="tanh")
    same = MultiLayerNet(4, [5], 3, activation="tanh", seed=0)
    for key in ("W1", "W2"):
        same.params[key][...] = mine[key].T
    for key in ("b1", "b2"):
        same.params[key][...] = mine[key].ravel()
    v = rng.normal(size=params_to_vector(same.params).size)
    np.testing.assert_allclose(hessian_vector_product(rebuilt, X, LABELS, v),
                               hessian_vector_product(same, X, LABELS, v), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(top_eigenvalues(rebuilt, X, LABELS, k=2, tol=1e-10)[0],
                               top_eigenvalues(same, X, LABELS, k=2, tol=1e-10)[0], rtol=1e-8)


@pytest.mark.parametrize("name", NETWORKS)
def test_the_exact_product_equals_the_central_difference_for_every_covered_layer(name):
    from scratchnet.curvature.exact import hessian_vector_product_exact

    network = NETWORKS[name]()
    x, t = _data(name)
    for key in network.params:  # non-zero biases and betas, gammas away from 1
        if key[0] in "bg":
            network.params[key][...] += np.linspace(-0.3, 0.4, network.params[key].size).reshape(
                network.params[key].shape)
    before = params_to_vector(network.params).copy()
    statistics = [layer.running_mean.copy() for layer in network.layers.values() if hasattr(layer, "running_mean")]
    v = np.random.default_rng(3).normal(size=before.size)
    exact = hessian_vector_product_exact(network, x, t, v)
    central = hessian_vector_product(network, x, t, v, method="central")
    np.testing.assert_allclose(exact, central, rtol=2e-5, atol=1e-6 * np.max(np.abs(exact)))
    np.testing.assert_array_equal(hessian_vector_product(network, x, t, v), exact)  # "auto": the exact one here
    np.testing.assert_array_equal(hessian_vector_product(network, x, t, v, eps=1e-5),  # a step: the difference
                                  hessian_vector_product(network, x, t, v, eps=1e-5, method="central"))
    np.testing.assert_array_equal(params_to_vector(network.params), before)  # nothing moved
    for layer, mean in zip([la for la in network.layers.values() if hasattr(la, "running_mean")], statistics,
                           strict=True):
        np.testing.assert_array_equal(layer.running_mean, mean)  # nor the running statistics


def test_the_exact_product_meets_the_closed_forms_to_rounding_and_refuses_what_it_does_not_cover():
    from scratchnet.curvature.exact import hessian_vector_product_exact

    network = build_network([4, 3], seed=0)
    network.params["b1"][...] = [0.3, -0.2, 0.1]
    p = softmax(X @ network.params["W1"] + network.params["b1"])
    z = np.c_[X, np.ones(len(X))]
    closed = sum(np.kron(np.outer(zn, zn), np.diag(pn) - np.outer(pn, pn)) for zn, pn in zip(z, p, strict=True))
    v = RNG.normal(size=15)
    np.testing.assert_allclose(hessian_vector_product_exact(network, X, LABELS, v), closed @ v / len(X), rtol=1e-12,
                               atol=1e-14)  # exact: no step, so agreement to rounding
    targets = RNG.normal(size=(12, 3))
    squared = build_network([4, 3], loss="squared", squared_factor=0.5, seed=1)
    closed = np.kron(z.T @ z, np.eye(3)) * (2 * 0.5 / len(X))
    np.testing.assert_allclose(hessian_vector_product_exact(squared, X, targets, v), closed @ v, rtol=1e-12)
    one_hot = np.eye(3)[LABELS]  # one-hot labels give the same product as integer ones
    np.testing.assert_allclose(hessian_vector_product_exact(network, X, one_hot, v),
                               hessian_vector_product_exact(network, X, LABELS, v), rtol=1e-14)
    other = MultiLayerNet(4, [5], 3, activation="tanh", use_dropout=True, dropout_ratio=0.0, seed=3)
    u = np.random.default_rng(4).normal(size=params_to_vector(other.params).size)
    with pytest.raises(ValueError, match="the exact product covers Affine"):  # a layer it has no rule for
        hessian_vector_product_exact(other, X, LABELS, u)
    # "auto" takes the central difference where the exact product does not reach
    np.testing.assert_array_equal(hessian_vector_product(other, X, LABELS, u),
                                  hessian_vector_product(other, X, LABELS, u, method="central"))
    with pytest.raises(ValueError, match="method: expected 'auto', 'central' or 'exact'"):
        hessian_vector_product(network, X, LABELS, v, method="pearlmutter")


def test_at_a_relus_kink_the_central_difference_sees_curvature_that_is_not_there_and_auto_takes_the_exact_one():
    # y = W2 relu(W1 x), squared error, W1 = 0: every unit sits on its kink. The gradient jumps between W1 = -eps and
    # +eps, so the difference along W1 is of order 1 / eps; the R-operator (f'' = 0, f'(0) = 0) gives the curvature of
    # the side the network is on.
    network = build_network([1, 1, 1], activation="relu", use_bias=False, loss="squared", seed=0)
    network.params["W1"][...] = 0.0
    network.params["W2"][...] = 1.5
    x, t = np.linspace(0.5, 2.0, 6)[:, None], np.linspace(1.0, 3.0, 6)[:, None]
    along_w1 = np.array([1.0, 0.0])
    central = hessian_vector_product(network, x, t, along_w1, method="central")
    exact = hessian_vector_product(network, x, t, along_w1, method="exact")
    assert abs(central[0]) > 1e3 and exact[0] == 0.0
    np.testing.assert_array_equal(hessian_vector_product(network, x, t, along_w1), exact)


def test_a_pool_whose_windows_tile_its_input_gives_the_product_of_the_general_path(monkeypatch):
    # SimpleConvNet's 2 x 2 pool tiles a 6 x 6 convolution: the exact product takes conv_fast's shortcut there.
    # ReLU's zeros tie inside windows, so routing to the first maximum is what is checked, forward and back.
    from scratchnet.conv import Pooling
    from scratchnet.curvature.exact import hessian_vector_product_exact

    network = SimpleConvNet((2, 6, 6), {"filter_num": 3, "filter_size": 3, "pad": 1}, hidden_size=5, output_size=3,
                            weight_init_std=0.5, seed=11)
    x, t = np.random.default_rng(12).normal(size=(7, 2, 6, 6)), LABELS[:7]
    v = np.random.default_rng(13).normal(size=params_to_vector(network.params).size)
    relu_out = network.layers["Relu1"].apply(network.layers["Conv1"].apply(x))
    windows = relu_out.reshape(7, 3, 3, 2, 3, 2).transpose(0, 1, 2, 4, 3, 5).reshape(-1, 4)
    assert np.any(np.sum(windows == windows.max(axis=1, keepdims=True), axis=1) > 1)  # ties are there
    assert network.layers["Pool1"]._tiles_the_input(relu_out.shape)
    fast = hessian_vector_product_exact(network, x, t, v)
    monkeypatch.setattr(Pooling, "_tiles_the_input", lambda self, shape: False)  # the im2col path throughout
    np.testing.assert_allclose(fast, hessian_vector_product_exact(network, x, t, v), rtol=1e-12, atol=1e-14)
