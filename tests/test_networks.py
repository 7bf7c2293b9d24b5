import numpy as np
import pytest

from scratchnet.datasets import load_mnist
from scratchnet.gradient import gradient_check
from scratchnet.layers import NonFiniteLossError
from scratchnet.networks import DeepConvNet, MultiLayerNet, SimpleConvNet, TwoLayerNet


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(normalize=True)


def small_batch(n=4, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, features)), rng.integers(0, classes, n)


NETWORK_TABLE = {
    "two-layer": lambda: TwoLayerNet(6, 5, 3, weight_init_std=0.5, seed=1),
    "relu-he": lambda: MultiLayerNet(6, [5, 4], 3, seed=2),
    "sigmoid-xavier": lambda: MultiLayerNet(6, [5, 4], 3, activation="sigmoid", weight_init_std="xavier", seed=3),
    "tanh-fixed-std": lambda: MultiLayerNet(6, [5], 3, activation="tanh", weight_init_std=0.8, seed=4),
    "weight-decay": lambda: MultiLayerNet(6, [5, 4], 3, weight_decay_lambda=0.3, seed=5),
    "dropout-seeded": lambda: MultiLayerNet(6, [8, 8], 3, use_dropout=True, dropout_ratio=0.3, seed=6),
    "batchnorm-train": lambda: MultiLayerNet(6, [5, 4], 3, use_batchnorm=True, seed=7),
    "everything": lambda: MultiLayerNet(6, [7, 6], 3, activation="tanh", use_batchnorm=True, use_dropout=True,
                                        weight_decay_lambda=0.1, seed=8),
}


# Batch normalization over 4 samples followed by tanh is strongly curved, so the central
# difference's O(h^2) truncation error exceeds 1e-6 at h = 1e-4; a smaller h is the cure
# (test_remaining_difference_is_truncation_error shows the error is exactly that).
STEP = {"everything": 1e-5}


@pytest.mark.parametrize("name", NETWORK_TABLE)
@pytest.mark.parametrize("labels", ["integer", "one-hot"])
def test_network_passes_gradient_check(name, labels):
    x, t = small_batch()
    if labels == "one-hot":
        t = np.eye(3)[t]
    report = gradient_check(NETWORK_TABLE[name](), x, t, h=STEP.get(name, 1e-4))
    assert report.passed, str(report)


def test_remaining_difference_is_truncation_error():
    x, t = small_batch()
    differences = [gradient_check(NETWORK_TABLE["everything"](), x, t, h=h).rows[0].rel_diff
                   for h in (1e-3, 1e-4)]
    # O(h^2): ten times smaller h, a hundred times smaller difference.
    assert differences[0] / differences[1] == pytest.approx(100, rel=0.05)


@pytest.mark.parametrize("name", ["two-layer", "relu-he", "sigmoid-xavier"])
def test_network_gradient_check_with_batch_of_one(name):
    x, t = small_batch(n=1)
    report = gradient_check(NETWORK_TABLE[name](), x, t)
    assert report.passed, str(report)


@pytest.mark.parametrize("name", NETWORK_TABLE)
def test_fast_numerical_gradient_equals_the_textbook_loop(name):
    network = NETWORK_TABLE[name]()
    x, t = small_batch(n=5)
    fast = network.numerical_gradient(x, t)
    naive = network.numerical_gradient_naive(x, t)
    assert fast.keys() == naive.keys() == network.params.keys()
    # Agreement to 1e-9 of the largest entry; both carry about eps * loss / h of rounding, so an
    # array whose true gradient is 0 (a bias feeding a dead unit, say) is held to that floor instead.
    largest = max(np.max(np.abs(naive[key])) for key in naive)
    rounding = 1e-16 * abs(network.evaluate_loss(x, t, train=True)) / 1e-4
    for key in naive:
        tolerance = max(1e-9 * np.max(np.abs(naive[key])), 100 * rounding, 1e-12 * largest)
        assert np.max(np.abs(fast[key] - naive[key])) <= tolerance, key


def test_fast_numerical_gradient_equals_textbook_loop_on_mnist(mnist):
    (x_train, t_train), _ = mnist
    network = TwoLayerNet(784, 20, 10, seed=0)
    x, t = x_train[:3], t_train[:3]
    fast = network.numerical_gradient(x, t, max_chunk_bytes=2**16)  # small chunks: many of them
    naive = network.numerical_gradient_naive(x, t)
    for key in naive:
        # 1e-9 of the largest entry: both sides carry ~1e-12 of float rounding, nothing more.
        assert np.max(np.abs(fast[key] - naive[key])) <= 1e-9 * np.max(np.abs(naive[key])), key


def test_two_layer_net_on_mnist_batch_passes_gradient_check(mnist):
    (x_train, t_train), _ = mnist
    report = gradient_check(TwoLayerNet(784, 50, 10, seed=0), x_train[:3], np.eye(10)[t_train[:3]])
    assert report.passed, str(report)
    assert [row.name for row in report.rows] == ["W1", "b1", "W2", "b2"]


def test_params_are_the_arrays_the_layers_use():
    network = TwoLayerNet(6, 5, 3, seed=0)
    x, t = small_batch()
    assert network.params["W1"] is network.layers["Affine1"].W
    before = network.loss(x, t)
    grads = network.gradient(x, t)
    for key in network.params:
        network.params[key] -= 0.5 * grads[key]  # an in-place update, as optimizers do
    assert network.loss(x, t) < before


def test_same_seed_same_network_different_seed_different_network():
    a, b, c = (MultiLayerNet(6, [5], 3, seed=s) for s in (9, 9, 10))
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_initialization_scales():
    rng_width = 400
    he = MultiLayerNet(rng_width, [300], 10, weight_init_std="he", seed=0)
    xavier = MultiLayerNet(rng_width, [300], 10, weight_init_std="xavier", seed=0)
    assert he.params["W1"].std() == pytest.approx(np.sqrt(2 / rng_width), rel=0.02)
    assert xavier.params["W1"].std() == pytest.approx(np.sqrt(1 / rng_width), rel=0.02)
    with pytest.raises(ValueError, match="weight_init_std: expected 'he', 'xavier' or a number, got 'lecun'"):
        MultiLayerNet(4, [3], 2, weight_init_std="lecun")
    with pytest.raises(ValueError, match="activation: expected one of"):
        MultiLayerNet(4, [3], 2, activation="gelu")


def test_weight_decay_adds_to_loss():
    x, t = small_batch()
    plain = MultiLayerNet(6, [5], 3, seed=1)
    decayed = MultiLayerNet(6, [5], 3, seed=1, weight_decay_lambda=0.2)
    penalty = 0.1 * (np.sum(plain.params["W1"] ** 2) + np.sum(plain.params["W2"] ** 2))
    assert decayed.loss(x, t) == pytest.approx(plain.loss(x, t) + penalty)


def test_batchnorm_and_dropout_keys_and_modes():
    network = MultiLayerNet(6, [5, 4], 3, use_batchnorm=True, use_dropout=True, seed=0)
    assert list(network.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"]
    x, _ = small_batch()
    np.testing.assert_array_equal(network.predict(x), network.predict(x))  # test mode: deterministic


def test_accuracy_with_integer_and_one_hot_labels():
    network = TwoLayerNet(6, 5, 3, seed=0)
    x, _ = small_batch(n=50)
    predicted = np.argmax(network.predict(x), axis=1)
    assert network.accuracy(x, predicted) == 1.0
    assert network.accuracy(x, np.eye(3)[predicted]) == 1.0
    assert network.accuracy(x, (predicted + 1) % 3) == 0.0


def test_wrong_input_width_names_the_argument():
    with pytest.raises(ValueError, match=r"x: Affine expects input of shape \(N, 6\)"):
        TwoLayerNet(6, 5, 3).loss(np.zeros((2, 7)), np.array([0, 1]))


def test_non_finite_loss_is_a_clear_error():
    network = TwoLayerNet(6, 5, 3, seed=0)
    network.params["W2"][:] = np.nan
    with pytest.raises(NonFiniteLossError, match="loss: expected a finite value, got nan"):
        network.loss(*small_batch())


def test_float32_networks_compute_in_float32():
    network = TwoLayerNet(6, 5, 3, seed=0, dtype=np.float32)
    x, t = small_batch()
    assert network.predict(x.astype(np.float32)).dtype == np.float32
    assert network.gradient(x.astype(np.float32), t)["W1"].dtype == np.float32


def test_weight_decay_applies_to_weights_only():
    from scratchnet.networks import MultiLayerNet

    lam = 0.3
    plain = MultiLayerNet(6, [5, 4], 3, use_batchnorm=True, seed=7)
    decayed = MultiLayerNet(6, [5, 4], 3, use_batchnorm=True, weight_decay_lambda=lam, seed=7)
    rng = np.random.default_rng(0)
    for a, b in zip(plain.params.values(), decayed.params.values(), strict=True):
        a += 0.2 * rng.standard_normal(a.shape)  # non-zero biases, gammas and betas
        b[...] = a
    x, t = rng.standard_normal((9, 6)), rng.integers(0, 3, 9)
    weights = [key for key in plain.params if key.startswith("W")]
    penalty = 0.5 * lam * sum(np.sum(plain.params[key] ** 2) for key in weights)
    assert decayed.loss(x, t, train=True) == pytest.approx(plain.loss(x, t, train=True) + penalty, rel=1e-12)
    g_plain, g_decayed = plain.gradient(x, t), decayed.gradient(x, t)
    for key in plain.params:
        expected = g_plain[key] + (lam * plain.params[key] if key in weights else 0)
        np.testing.assert_allclose(g_decayed[key], expected, rtol=1e-12, atol=1e-15, err_msg=key)
    assert set(decayed.decayed_keys) == set(weights)


def test_each_dropout_layer_draws_its_own_mask():
    from scratchnet.layers import Dropout
    from scratchnet.networks import MultiLayerNet

    net = MultiLayerNet(8, [50, 50], 3, use_dropout=True, dropout_ratio=0.5, seed=0)
    x = np.ones((20, 8))
    net.predict(x, train=True)
    masks = [layer.mask for layer in net.layers.values() if isinstance(layer, Dropout)]
    assert len(masks) == 2 and masks[0].shape == masks[1].shape == (20, 50)
    assert not np.array_equal(masks[0], masks[1])
    assert 0.3 < masks[0].mean() < 0.7 and 0.3 < masks[1].mean() < 0.7


def test_the_shipped_sample_weights_are_what_their_script_makes(tmp_path):
    """scripts/train_sample_weights.py's recipe, run again, writes the shipped file byte for byte."""
    from scratchnet.networks import build_network
    from scratchnet.networks.pretrained import PRETRAINED_FOLDER, train_and_save

    network = build_network([784, 50, 100, 10], activation="sigmoid", weight_init_std="xavier", seed=0)
    accuracy = train_and_save(network, "sample_weight.npz", 0, 30, folder=tmp_path)
    assert accuracy == 0.931
    assert (tmp_path / "sample_weight.npz").read_bytes() == (PRETRAINED_FOLDER / "sample_weight.npz").read_bytes()


@pytest.mark.parametrize("make, message", [
    (lambda: TwoLayerNet(4, 0, 3), r"hidden_size: expected a whole number >= 1, got 0"),
    (lambda: TwoLayerNet(4, 5.0, 3), r"hidden_size: expected a whole number >= 1, got 5.0"),
    (lambda: TwoLayerNet(4, -3, 3), r"hidden_size: expected a whole number >= 1, got -3"),
    (lambda: TwoLayerNet(4, 5, 3, dtype=int), r"dtype: expected a floating-point type .* got int64"),
    (lambda: MultiLayerNet(4, [5, 0], 3), r"hidden_size_list\[1\]: expected a whole number >= 1, got 0"),
    (lambda: MultiLayerNet(4, [5], 3, dtype=np.int32), r"dtype: expected a floating-point type"),
    (lambda: SimpleConvNet(input_dim=(28, 28)), r"input_dim: expected \(C, H, W\)"),
    (lambda: SimpleConvNet(conv_param={"filter_num": 0}), r"filter_num: expected a whole number >= 1, got 0"),
    (lambda: DeepConvNet(dtype=np.int16), r"dtype: expected a floating-point type"),
])
def test_network_sizes_and_dtypes_are_checked(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_accuracy_refuses_labels_that_do_not_fit():
    net = TwoLayerNet(4, 5, 3, seed=0)
    x = np.random.default_rng(0).standard_normal((4, 4))
    with pytest.raises(ValueError, match=r"t: expected labels \(N,\) or one-hot rows \(N, 3\), got shape \(4, 4\)"):
        net.accuracy(x, np.eye(4))  # one-hot rows of the wrong width gave 2.0
    with pytest.raises(ValueError, match=r"t: expected 4 labels, one per row of x, got shape \(3,\)"):
        net.accuracy(x, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"x: expected at least one sample, got an array of shape \(0, 4\)"):
        net.accuracy(x[:0], np.zeros(0, int))
    assert 0 <= net.accuracy(x, np.eye(3)[[0, 1, 2, 0]]) <= 1


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"])
def test_an_optimizer_refuses_a_gradient_of_another_shape(name):
    from scratchnet import optimizers

    params = {"W": np.ones((2, 2))}
    for grad in (np.ones(2), np.float64(1.0), np.ones((2, 2, 1))):
        with pytest.raises(ValueError, match=r"grads\['W'\]: expected the shape of params\['W'\], \(2, 2\)"):
            getattr(optimizers, name)().update(params, {"W": grad})
    np.testing.assert_array_equal(params["W"], np.ones((2, 2)))  # nothing moved
