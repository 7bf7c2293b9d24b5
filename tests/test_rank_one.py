"""The rank-one fast path of the numerical gradient: the textbook loop's numbers, from less work."""

import numpy as np
import pytest

from scratchnet.layers import Affine, SoftmaxWithLoss
from scratchnet.networks import LayerNet, MultiLayerNet, TwoLayerNet, build_network, rank_one


def sparse_batch(n, features, seed):
    """Inputs with zeros, as MNIST has: a column zero in every image, and scattered zeros."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features))
    x[rng.random(x.shape) < 0.4] = 0.0
    x[:, 1] = 0.0
    return x


def with_biases(network, seed):
    rng = np.random.default_rng(seed)
    for key, array in network.params.items():
        if key.startswith("b"):
            array += 0.3 * rng.standard_normal(array.shape)
    return network


def two_affines(seed):
    """Affine - Affine - SoftmaxWithLoss: nothing between the two."""
    rng = np.random.default_rng(seed)
    layers = [("Affine1", Affine(rng.standard_normal((6, 4)), np.zeros(4))),
              ("Affine2", Affine(rng.standard_normal((4, 3)), np.zeros(3)))]
    keys = {"W1": ("Affine1", "W"), "b1": ("Affine1", "b"), "W2": ("Affine2", "W"), "b2": ("Affine2", "b")}
    return LayerNet(layers, SoftmaxWithLoss(), keys)


NETWORKS = {  # (network, labels for 7 images), each reaching the fast path for W1 and b1
    "relu-integer-labels": (lambda: with_biases(TwoLayerNet(6, 5, 3, weight_init_std=0.5, seed=1), 0),
                            np.array([0, 2, 1, 1, 0, 2, 2])),
    "sigmoid-one-hot": (lambda: with_biases(TwoLayerNet(6, 5, 3, weight_init_std=0.8, seed=2,
                                                        activation="sigmoid"), 1),
                        np.eye(3)[[1, 0, 2, 2, 1, 0, 1]]),
    "tanh-weight-decay": (lambda: with_biases(MultiLayerNet(6, [5], 3, activation="tanh", weight_decay_lambda=0.3,
                                                            seed=3), 2), np.array([2, 2, 0, 1, 0, 1, 0])),
    "squared-loss": (lambda: with_biases(build_network([6, 5, 3], activation="sigmoid", weight_init_std=0.7,
                                                       loss="squared", seed=4), 3),
                     np.random.default_rng(9).standard_normal((7, 3))),
    "squared-one-output": (lambda: with_biases(build_network([6, 4, 1], loss="squared", seed=5), 4),
                           np.random.default_rng(8).standard_normal(7)),
    "no-activation": (lambda: with_biases(two_affines(seed=6), 5), np.array([0, 1, 2, 0, 1, 2, 0])),
    # Weights so large that the series of softmax_loss_changes would need too many terms: the direct way.
    "large-moves": (lambda: TwoLayerNet(6, 5, 3, weight_init_std=40.0, seed=7), np.array([0, 1, 2, 0, 1, 2, 0])),
}


def assert_equal_to_the_loop(network, x, t, h=1e-4, **options):
    fast = network.numerical_gradient(x, t, h=h, **options)
    naive = network.numerical_gradient_naive(x, t, h=h)
    largest = max(np.max(np.abs(naive[key])) for key in naive)
    rounding = 1e-16 * max(1.0, abs(network.evaluate_loss(x, t, train=True))) / h
    for key in naive:
        tolerance = max(1e-9 * np.max(np.abs(naive[key])), 100 * rounding, 1e-12 * largest)
        assert np.max(np.abs(fast[key] - naive[key])) <= tolerance, key
    return fast, naive


@pytest.mark.parametrize("name", NETWORKS)
def test_the_fast_path_gives_the_textbook_loops_numbers(name, monkeypatch):
    build, t = NETWORKS[name]
    network = build()
    calls = []
    real = rank_one.RankOne.loss_changes
    monkeypatch.setattr(rank_one.RankOne, "loss_changes",
                        lambda self, name, *a: calls.append((self.first, name)) or real(self, name, *a))
    fast, naive = assert_equal_to_the_loop(network, sparse_batch(7, 6, seed=len(name)), t, max_chunk_bytes=2**9)
    affines = [layer for layer in network.layers.values() if isinstance(layer, Affine)]
    # Every W and b went the fast way, the first layer's W in several chunks.
    assert set(calls) == {(layer, name) for layer in affines for name in ("W", "b")}
    assert calls.count((affines[0], "W")) > 1
    # A pixel that is 0 in every image moves no loss: both give exactly 0 (or the weight decay's lambda W).
    if network.weight_decay_lambda:
        decay = network.weight_decay_lambda * network.params["W1"][1]
        np.testing.assert_allclose(fast["W1"][1], decay, rtol=1e-8)
    else:
        assert not np.any(fast["W1"][1]) and not np.any(naive["W1"][1])


def test_unnormalized_mnist_pixels_and_a_batch_of_100(mnist_unnormalized):
    (x, t), _ = mnist_unnormalized
    network = TwoLayerNet(784, 8, 10, seed=0, activation="sigmoid")  # pixels up to 255: larger moves, more terms
    assert_equal_to_the_loop(network, x.astype(float), t)


@pytest.fixture(scope="module")
def mnist_unnormalized():
    from scratchnet.datasets import load_mnist

    (x, t), test = load_mnist(normalize=False)
    return (x[:100], t[:100]), test


def test_softmax_series_equals_the_direct_difference_and_declines_large_moves():
    rng = np.random.default_rng(0)
    W, scores = rng.standard_normal((5, 4)), 3 * rng.standard_normal((6, 4))
    labels = rng.integers(0, 4, 6)
    image, column = rng.integers(0, 6, 40), rng.integers(0, 5, 40)
    change = 1e-3 * rng.standard_normal((2, 40))
    series = rank_one.softmax_loss_changes(W, scores, labels, image, column, change)
    layer = SoftmaxWithLoss()
    direct = np.array([layer.sample_losses(scores[image] + row[:, None] * W[column], labels[image])
                       - layer.sample_losses(scores, labels)[image] for row in change])
    np.testing.assert_allclose(series, direct, rtol=1e-9, atol=1e-15)
    assert series.shape == (2, 40)
    assert rank_one.softmax_loss_changes(W, scores, labels, image, column, 100 * change[0]) is None
    # and sample_loss_changes then takes the direct way, with the same numbers
    np.testing.assert_allclose(rank_one.sample_loss_changes(layer, W, scores, labels, image, column, 100 * change),
                               [layer.sample_losses(scores[image] + row[:, None] * W[column], labels[image])
                                - layer.sample_losses(scores, labels)[image] for row in 100 * change], atol=1e-14)


def test_the_images_that_move_are_the_nonzero_pixels_of_each_entry():
    x = sparse_batch(9, 6, seed=3)
    rows = np.array([4, 1, 0, 4, 5, 2, 3])
    image, k = rank_one._images_that_move(rank_one._nonzero_pattern(x), rows)
    expected = [(n, j) for j, i in enumerate(rows) for n in range(9) if x[n, i] != 0]
    assert list(zip(image.tolist(), k.tolist(), strict=True)) == expected


def test_which_parameters_the_fast_path_covers():
    def covered(network):
        layers = list(network.layers.values())
        return [rank_one.covers(layers, i, network.last_layer) for i in range(len(layers))]

    assert covered(TwoLayerNet(4, 3, 2)) == [True, False, True]  # Affine, Relu, last Affine
    # The one before last and the last; the first is followed by an Affine that is not the last.
    assert covered(MultiLayerNet(4, [3, 3], 2)) == [False, False, True, False, True]
    assert covered(MultiLayerNet(4, [3], 2, use_dropout=True)) == [False] * 3 + [True]  # dropout: not elementwise
    assert covered(build_network([4, 3, 2], output_activation="tanh", loss="squared")) == [False] * 4


def test_a_relu_at_its_kink_moves_for_one_sign_only():
    """A hidden unit just below 0: +h turns it on, -h leaves it off; the difference still counts."""
    network = TwoLayerNet(3, 2, 2, weight_init_std=0.7, seed=3)
    x = np.array([[1.0, 0.5, -0.2], [0.3, -1.0, 0.8]])
    t = np.array([1, 0])
    network.params["b1"][0] -= (x @ network.params["W1"])[0, 0] + 0.4e-4  # image 0, unit 0 at -0.4e-4
    fast, naive = assert_equal_to_the_loop(network, x, t)
    assert abs(naive["W1"][0, 0]) > 1e-3  # the one-sided move shows in the loop's numbers, and in ours


def test_two_layer_net_takes_the_chapter_4_activation():
    names = [type(layer).__name__ for layer in TwoLayerNet(4, 3, 2, activation="sigmoid").layers.values()]
    assert names == ["Affine", "Sigmoid", "Affine"]
    assert [type(layer).__name__ for layer in TwoLayerNet(4, 3, 2).layers.values()] == ["Affine", "Relu", "Affine"]
    with pytest.raises(ValueError, match="activation: expected one of .*'tanh'.*, got 'step'"):
        TwoLayerNet(4, 3, 2, activation="step")
