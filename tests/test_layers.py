import numpy as np
import pytest

from scratchnet.gradient import gradient_check_layer
from scratchnet.layers import (
    Affine,
    BatchNormalization,
    Convolution,
    Dropout,
    IdentityWithLoss,
    NonFiniteLossError,
    Pooling,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)

RNG = np.random.default_rng(7)


def normal(*shape, scale=1.0):
    return scale * RNG.standard_normal(shape)


# name -> (layer factory, input, labels or None for a non-loss layer, train mode)
LAYER_TABLE = {
    "affine": (lambda: Affine(normal(4, 3), normal(3)), normal(5, 4), None, False),
    "affine-no-bias": (lambda: Affine(normal(4, 3)), normal(5, 4), None, False),
    "affine-batch-1": (lambda: Affine(normal(6, 2), normal(2)), normal(1, 6), None, False),
    # ReLU away from its kink: no entry within h of zero.
    "relu": (Relu, normal(5, 4) + np.sign(normal(5, 4)) * 0.1, None, False),
    "sigmoid": (Sigmoid, normal(5, 4), None, False),
    "sigmoid-saturated": (Sigmoid, np.array([[-30.0, -12.0, 12.0, 30.0], [-40.0, 0.5, -0.5, 40.0]]), None, False),
    "tanh": (Tanh, normal(5, 4), None, False),
    "dropout-train": (lambda: Dropout(0.4, seed=3), normal(6, 5), None, True),
    "dropout-test": (lambda: Dropout(0.4, seed=3), normal(6, 5), None, False),
    "batchnorm-train": (lambda: BatchNormalization(1 + normal(4, scale=0.1), normal(4)), normal(6, 4), None, True),
    "batchnorm-test": (lambda: BatchNormalization(1 + normal(4, scale=0.1), normal(4),
                                                  running_mean=normal(4), running_var=1 + np.abs(normal(4))),
                       normal(6, 4), None, False),
    "softmax-integer-labels": (SoftmaxWithLoss, normal(5, 4), np.array([0, 3, 1, 1, 2]), False),
    "softmax-one-hot-labels": (SoftmaxWithLoss, normal(5, 4), np.eye(4)[[0, 3, 1, 1, 2]], False),
    "softmax-batch-1": (SoftmaxWithLoss, normal(1, 10), np.array([7]), False),
    "identity-loss": (IdentityWithLoss, normal(5, 3), normal(5, 3), False),
    "identity-loss-1d-targets": (IdentityWithLoss, normal(5, 1), normal(5), False),
    "identity-loss-plain-mse": (lambda: IdentityWithLoss(factor=1.0), normal(5, 3), normal(5, 3), False),
    # Chapter 7: images (N, C, H, W).
    "convolution-padded": (lambda: Convolution(normal(3, 2, 3, 3), normal(3), stride=1, pad=1), normal(4, 2, 5, 5),
                           None, False),
    "convolution-stride-2": (lambda: Convolution(normal(2, 3, 3, 3), normal(2), stride=2), normal(3, 3, 7, 7), None,
                             False),
    "convolution-no-bias": (lambda: Convolution(normal(2, 1, 2, 2), None), normal(2, 1, 4, 3), None, False),
    "pooling": (lambda: Pooling(2, 2, stride=2), normal(2, 3, 4, 6), None, False),
    "pooling-padded-overlapping": (lambda: Pooling(3, 3, stride=2, pad=1), normal(2, 2, 5, 5), None, False),
    "affine-images": (lambda: Affine(normal(18, 4), normal(4), input_shape=(2, 3, 3)), normal(5, 2, 3, 3), None,
                      False),
    "batchnorm-images": (lambda: BatchNormalization(1 + normal(18, scale=0.1), normal(18)), normal(6, 2, 3, 3),
                         None, True),
}


@pytest.mark.parametrize("name", LAYER_TABLE)
def test_layer_passes_gradient_check(name):
    factory, x, t, train = LAYER_TABLE[name]
    report = gradient_check_layer(factory(), x, t, train=train)
    assert report.passed, str(report)
    assert {row.name for row in report.rows} >= {"x"}


@pytest.mark.parametrize("name", LAYER_TABLE)
def test_layer_does_not_modify_its_arguments(name):
    factory, x, t, train = LAYER_TABLE[name]
    layer = factory()
    x_before = x.copy()
    if t is None:
        out = layer.forward(x, train=train)
        dout = np.ones_like(out) * 0.5
        dout_before = dout.copy()
        layer.backward(dout)
        np.testing.assert_array_equal(dout, dout_before)
    else:
        layer.forward(x, t)
        layer.backward(1.0)
    np.testing.assert_array_equal(x, x_before)


@pytest.mark.parametrize("name", [n for n, row in LAYER_TABLE.items() if row[2] is None])
def test_apply_matches_forward_and_handles_stacked_inputs(name):
    factory, x, _, train = LAYER_TABLE[name]
    layer = factory()
    out = layer.forward(x, train=train)
    np.testing.assert_array_equal(layer.apply(x, train=train), out)
    stacked = np.stack([x, 2 * x, -x])
    together = layer.apply(stacked, train=train)
    for k in range(3):
        np.testing.assert_allclose(together[k], layer.apply(stacked[k], train=train), rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("t", [np.array([0, 2]), np.eye(3)[[0, 2]]])
def test_loss_layers_apply_per_leading_index(t):
    x = normal(4, 2, 3)
    layer = SoftmaxWithLoss()
    np.testing.assert_allclose(layer.apply(x, t), [layer.forward(x[k], t) for k in range(4)])


class BrokenSigmoid(Sigmoid):
    """A sigmoid whose backward forgets the (1 - y) factor: a classic mistake."""

    def backward(self, dout):
        return dout * self.out


class BrokenAffine(Affine):
    """An affine layer whose weight gradient is transposed the wrong way round (square W)."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = self.dW.T.copy()
        return dx


@pytest.mark.parametrize("layer", [BrokenSigmoid(), BrokenAffine(normal(3, 3), normal(3))],
                         ids=["sigmoid", "affine"])
def test_gradient_check_catches_a_wrong_backward(layer):
    report = gradient_check_layer(layer, normal(4, 3))
    assert not report.passed
    assert "FAIL" in str(report) and "GRADIENT CHECK FAILED" in str(report)


def test_affine_rejects_input_of_wrong_width():
    layer = Affine(np.zeros((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"x: Affine expects input of shape \(N, 4\).*got \(2, 5\)"):
        layer.forward(np.zeros((2, 5)))


def test_affine_rejects_bias_of_wrong_shape():
    with pytest.raises(ValueError, match=r"b: expected shape \(3,\)"):
        Affine(np.zeros((4, 3)), np.zeros(4))


def test_affine_perturbed_outputs_match_the_generic_version():
    layer = Affine(normal(4, 3), normal(3))
    x = normal(5, 4)
    for name in ("W", "b"):
        size = layer.params[name].size
        indices = np.concatenate([np.arange(size), np.arange(size)])
        values = layer.params[name].reshape(-1)[indices] + np.repeat([1e-4, -1e-4], size)
        fast = layer.perturbed_outputs(x, name, indices, values)
        generic = super(Affine, layer).perturbed_outputs(x, name, indices, values)
        np.testing.assert_allclose(fast, generic, rtol=1e-12, atol=1e-15)


def test_generic_perturbation_restores_parameters_exactly():
    layer = BatchNormalization(normal(4), normal(4))
    before = layer.gamma.copy()
    layer.perturbed_outputs(normal(5, 4), "gamma", [0, 3], [1e10, -1e10], train=True)
    np.testing.assert_array_equal(layer.gamma, before)


def test_dropout_is_inverted_and_reproducible():
    x = np.ones((200, 50))
    out = Dropout(0.3, seed=11).forward(x, train=True)
    assert set(np.unique(out)) == {0.0, 1 / 0.7}
    assert abs(np.mean(out) - 1.0) < 0.02
    np.testing.assert_array_equal(out, Dropout(0.3, seed=11).forward(x, train=True))
    np.testing.assert_array_equal(Dropout(0.3, seed=11).forward(x, train=False), x)
    with pytest.raises(ValueError, match="dropout_ratio"):
        Dropout(1.0)


def test_dropout_apply_needs_a_mask():
    with pytest.raises(ValueError, match="x: Dropout.apply in training mode reuses the mask"):
        Dropout(0.5, seed=0).apply(np.ones((2, 3)), train=True)


def test_batchnorm_normalizes_and_tracks_running_statistics():
    layer = BatchNormalization(np.ones(3), np.zeros(3), momentum=0.5)
    x = normal(100, 3) * 4 + 7
    out = layer.forward(x, train=True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-6)
    np.testing.assert_allclose(layer.running_mean, 0.5 * x.mean(axis=0))
    np.testing.assert_allclose(layer.running_var, 0.5 * x.var(axis=0))
    mean_before = layer.running_mean.copy()
    layer.apply(x, train=True)  # apply changes no state
    np.testing.assert_array_equal(layer.running_mean, mean_before)


def test_batchnorm_running_averages_start_at_zero_with_the_default_momentum():
    # The book's rule: both averages start at 0 and keep 0.9 of the old value per batch.
    gamma, beta = 1 + normal(3, scale=0.1), normal(3)
    layer = BatchNormalization(gamma, beta)
    mean, var = np.zeros(3), np.zeros(3)
    for scale in (1.0, 3.0, 0.5):
        x = normal(7, 3) * scale + 2
        layer.forward(x, train=True)
        mean = 0.9 * mean + 0.1 * x.mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=0)
    np.testing.assert_allclose(layer.running_mean, mean, rtol=1e-14)
    np.testing.assert_allclose(layer.running_var, var, rtol=1e-14)
    x = normal(5, 3)
    expected = gamma * (x - mean) / np.sqrt(var + 1e-6) + beta
    np.testing.assert_allclose(layer.forward(x, train=False), expected, rtol=1e-13)
    np.testing.assert_allclose(layer.apply(x, train=False), expected, rtol=1e-13)


def test_loss_layers_reject_non_finite_scores():
    with pytest.raises(NonFiniteLossError, match="loss: expected a finite value"):
        SoftmaxWithLoss().forward(np.array([[np.nan, 1.0]]), np.array([0]))
    with pytest.raises(ValueError):  # NonFiniteLossError is a ValueError
        IdentityWithLoss().forward(np.array([[np.inf]]), np.array([0.0]))


def test_identity_loss_factor():
    x, t = np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2))
    assert IdentityWithLoss().forward(x, t) == pytest.approx(0.5 * 30 / 2)
    assert IdentityWithLoss(factor=1.0).forward(x, t) == pytest.approx(30 / 2)
    with pytest.raises(ValueError, match="factor: expected a positive number"):
        IdentityWithLoss(factor=0)


def test_softmax_with_loss_rejects_bad_labels():
    with pytest.raises(ValueError, match=r"t: labels must lie in \[0, 3\]"):
        SoftmaxWithLoss().forward(np.zeros((2, 4)), np.array([1, 4]))


def test_relu_backward_is_the_books_masking_even_for_infinite_and_nan_gradients():
    x = np.array([[-1.0, 0.0, 2.0, -3.0], [4.0, -0.5, 0.0, 1.0]])
    layer = Relu()
    layer.forward(x)
    for dout in (np.arange(8.0).reshape(2, 4) - 3, np.array([[np.inf, np.nan, 1.0, -np.inf], [2.0, np.nan, 3.0, 4.0]])):
        book = dout.copy()
        book[x <= 0] = 0  # the book's dx[mask] = 0
        np.testing.assert_array_equal(layer.backward(dout), book)  # inf * 0 would have been NaN


def test_relu_passes_no_gradient_at_exactly_zero():
    # The book's Relu masks x <= 0: at 0 the gradient is 0 (a subgradient choice, stated in functions.relu_grad).
    layer = Relu()
    x = np.array([[-1.0, 0.0, 2.0], [0.0, 3.0, -0.0]])
    layer.forward(x)
    np.testing.assert_array_equal(layer.backward(np.full_like(x, 5.0)), [[0, 0, 5], [0, 5, 0]])
    from scratchnet.functions import relu_grad

    np.testing.assert_array_equal(relu_grad(x), [[0, 0, 1], [0, 1, 0]])


@pytest.mark.parametrize("shape", [(5, 1, 1, 4), (5, 1, 4), (5, 4, 1, 1)])
def test_affine_and_batch_norm_take_a_batch_of_any_shape_as_the_book_does(shape):
    """The book's x.reshape(N, -1): (N, 1, 1, D) is N samples of D, never N stacks of 1 x 1 samples."""
    from scratchnet.layers import Affine, BatchNormalization

    rng = np.random.default_rng(11)
    x = rng.standard_normal(shape)
    rows = x.reshape(5, 4)
    W, b, dout = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((5, 3))
    layer, flat = Affine(W, b), Affine(W, b)
    out = layer.forward(x)
    np.testing.assert_allclose(out, flat.forward(rows), rtol=1e-14)
    assert out.shape == (5, 3)
    dx = layer.backward(dout)
    assert dx.shape == shape
    np.testing.assert_allclose(dx.reshape(5, 4), flat.backward(dout), rtol=1e-14)
    np.testing.assert_allclose(layer.dW, flat.dW, rtol=1e-14)
    gamma, beta = 1 + 0.1 * rng.standard_normal(4), rng.standard_normal(4)
    norm, norm_flat = BatchNormalization(gamma, beta), BatchNormalization(gamma.copy(), beta.copy())
    y = norm.forward(x, train=True)
    assert y.shape == shape and np.std(y) > 0.5  # not all beta: the batch is the 5 samples
    np.testing.assert_allclose(y.reshape(5, 4), norm_flat.forward(rows, train=True), rtol=1e-12)
    np.testing.assert_allclose(norm.running_mean, norm_flat.running_mean, rtol=1e-12)
    dy = rng.standard_normal(shape)
    np.testing.assert_allclose(norm.backward(dy).reshape(5, 4), norm_flat.backward(dy.reshape(5, 4)), rtol=1e-12)


def test_softmax_with_loss_takes_one_sample():
    from scratchnet.functions import cross_entropy_error, softmax
    from scratchnet.layers import SoftmaxWithLoss

    x = np.array([0.3, 2.9, 4.0])
    for t in (2, np.array([0.0, 0.0, 1.0])):
        layer, batch = SoftmaxWithLoss(), SoftmaxWithLoss()
        assert layer.forward(x, t) == pytest.approx(batch.forward(x[None], np.array([2])), rel=1e-14)
        assert layer.forward(x, t) == pytest.approx(cross_entropy_error(softmax(x), t), rel=1e-5)
        dx = layer.backward()
        assert dx.shape == (3,)
        np.testing.assert_allclose(dx, batch.backward()[0], rtol=1e-14)
    with pytest.raises(RuntimeError, match="call forward"):
        SoftmaxWithLoss().backward()
    assert SoftmaxWithLoss().forward(np.array([True, False, True]), 0) == pytest.approx(
        SoftmaxWithLoss().forward(np.array([1.0, 0.0, 1.0]), 0), rel=1e-15)  # boolean scores are numbers too


def _fresh_layers():
    from scratchnet.conv import Convolution, Pooling
    from scratchnet.layers import Affine, BatchNormalization, IdentityWithLoss, Relu, Sigmoid, SoftmaxWithLoss, Tanh

    rng = np.random.default_rng(2)
    return [(Affine(rng.standard_normal((4, 3)), np.zeros(3)), (5, 4), (5, 3)), (Relu(), (5, 4), (5, 4)),
            (Sigmoid(), (5, 4), (5, 4)), (Tanh(), (5, 4), (5, 4)),
            (BatchNormalization(np.ones(4), np.zeros(4)), (5, 4), (5, 4)),
            (Convolution(rng.standard_normal((2, 1, 3, 3)), np.zeros(2)), (2, 1, 5, 5), (2, 2, 3, 3)),
            (Pooling(2, 2), (2, 1, 4, 4), (2, 1, 2, 2)), (SoftmaxWithLoss(), None, None),
            (IdentityWithLoss(), None, None)]


@pytest.mark.parametrize("number", range(9))
def test_backward_before_forward_and_a_misshaped_dout_are_clear_errors(number):
    layer, in_shape, out_shape = _fresh_layers()[number]
    with pytest.raises(RuntimeError, match=rf"{type(layer).__name__}.backward: call forward first"):
        layer.backward(np.ones(out_shape) if out_shape else 1.0)
    if in_shape is None or type(layer).__name__ in ("Convolution", "Pooling"):
        return
    layer.forward(np.random.default_rng(3).standard_normal(in_shape))
    with pytest.raises(ValueError, match=rf"dout: expected shape \({out_shape[0]}, {out_shape[1]}\), the shape of "
                                         rf"forward's output, got \({out_shape[1]},\)"):
        layer.backward(np.ones(out_shape[1]))  # one row: numpy would broadcast it over the batch
