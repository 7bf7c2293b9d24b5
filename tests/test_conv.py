"""Chapter 7: im2col, convolution against its four-loop definition, pooling, SimpleConvNet."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet.conv import Convolution, Pooling, col2im, conv_output_size, convolve_naive, im2col
from scratchnet.gradient import gradient_check
from scratchnet.layers import Layer
from scratchnet.networks import SimpleConvNet

RNG = np.random.default_rng(3)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), out_h=st.integers(1, 4), out_w=st.integers(1, 4),
       fh=st.integers(1, 3), fw=st.integers(1, 3), stride=st.integers(1, 3), pad=st.integers(0, 2),
       seed=st.integers(0, 2**16), extra=st.integers(0, 2))
def test_col2im_is_the_adjoint_of_im2col(n, c, out_h, out_w, fh, fw, stride, pad, seed, extra):
    # H + 2p - fh = stride * (out_h - 1) + a remainder the windows do not reach (dropped, as in the book).
    extra = extra % stride
    H, W = stride * (out_h - 1) + fh - 2 * pad + extra, stride * (out_w - 1) + fw - 2 * pad
    if H < 1 or W < 1:
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, H, W))
    col = im2col(x, fh, fw, stride, pad)
    assert col.shape == (n * out_h * out_w, c * fh * fw)
    other = rng.standard_normal(col.shape)
    # <im2col(x), other> = <x, col2im(other)>: what backward needs.
    assert np.sum(col * other) == pytest.approx(np.sum(x * col2im(other, x.shape, fh, fw, stride, pad)), rel=1e-10)


@pytest.mark.parametrize("stride, pad, shape", [(1, 0, (2, 3, 6, 5)), (2, 1, (3, 2, 7, 7)), (1, 2, (1, 1, 4, 4)),
                                                (3, 0, (2, 2, 9, 6))])
def test_convolution_equals_the_four_loop_definition(stride, pad, shape):
    x = RNG.standard_normal(shape)
    W, b = RNG.standard_normal((4, shape[1], 3, 3)), RNG.standard_normal(4)
    layer = Convolution(W, b, stride, pad)
    expected = convolve_naive(x, W, b, stride, pad)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.apply(x), expected, rtol=1e-12, atol=1e-12)
    assert layer.output_shape(shape[1:]) == expected.shape[1:]


class BookConvolution(Convolution):
    """The book's layer, line for line on im2col's rows: the reference the shortcut (conv_fast) must equal."""

    def forward(self, x, train=False):
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        out_h, out_w = (H + 2 * self.pad - FH) // self.stride + 1, (W + 2 * self.pad - FW) // self.stride + 1
        self.x_shape, self.col = x.shape, im2col(x, FH, FW, self.stride, self.pad)
        out = self.col @ self.W.reshape(FN, -1).T + self.b
        return out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)

    def backward(self, dout, input_grad=True):
        FN, C, FH, FW = self.W.shape
        delta = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db, self.dW = delta.sum(axis=0), (delta.T @ self.col).reshape(self.W.shape)
        return col2im(delta @ self.W.reshape(FN, -1), self.x_shape, FH, FW, self.stride, self.pad)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("stride, pad, shape, filters", [(1, 0, (3, 2, 7, 6), (4, 2, 3, 2)),
                                                         (2, 1, (2, 3, 8, 7), (5, 3, 3, 3)),
                                                         (1, 2, (4, 1, 5, 5), (2, 1, 5, 4)),
                                                         (3, 1, (2, 2, 10, 9), (3, 2, 2, 3)),
                                                         (1, 1, (3, 4, 6, 7), (5, 4, 3, 3)),
                                                         (1, 2, (2, 3, 5, 6), (4, 3, 3, 3)),
                                                         (1, 0, (2, 2, 6, 5), (3, 2, 2, 2)),
                                                         (1, 3, (2, 1, 5, 5), (2, 1, 3, 3))])
@pytest.mark.parametrize("chunk_bytes", [None, 1])  # None: one chunk; 1: one image a chunk
def test_the_convolution_shortcut_equals_the_books_im2col_layer(stride, pad, shape, filters, dtype, chunk_bytes,
                                                                monkeypatch):
    # Stride 1 with square filters and pad < filter takes dx as a convolution with the filters turned; the rest
    # (stride 2 or 3, 3 x 2 filters, pad 3 >= 3) add the patches back. Both, in chunks of images or not.
    from scratchnet import conv_fast

    if chunk_bytes:
        monkeypatch.setattr(conv_fast, "CHUNK_BYTES", chunk_bytes)
    rng = np.random.default_rng(sum(shape) + stride)
    x, dout_shape = rng.standard_normal(shape).astype(dtype), None
    W, b = rng.standard_normal(filters).astype(dtype), rng.standard_normal(filters[0]).astype(dtype)
    fast, book = Convolution(W, b, stride, pad), BookConvolution(W, b, stride, pad)
    out, expected = fast.forward(x), book.forward(x)
    tolerance = {"rtol": 1e-12, "atol": 1e-12} if dtype == np.float64 else {"rtol": 2e-5, "atol": 2e-5}
    assert out.dtype == dtype and out.flags.c_contiguous  # in (N, FN, OH, OW) order, no transpose left to pay
    np.testing.assert_allclose(out, expected, **tolerance)
    dout_shape = out.shape
    dout = rng.standard_normal(dout_shape).astype(dtype)
    dx, book_dx = fast.backward(dout), book.backward(dout)
    for mine, theirs in ((dx, book_dx), (fast.dW, book.dW), (fast.db, book.db)):
        assert mine.shape == theirs.shape and mine.dtype == dtype
        np.testing.assert_allclose(mine, theirs, **tolerance)
    assert fast.backward(dout, input_grad=False) is None
    np.testing.assert_allclose(fast.dW, book.dW, **tolerance)
    stacked = np.stack([x, 2 * x])  # apply: stacked batches, as the landscape grids send them
    np.testing.assert_allclose(fast.apply(stacked), np.stack([expected, book.forward(2 * x)]), **tolerance)


def test_convolution_direction_output_is_the_linear_part():
    x = RNG.standard_normal((2, 2, 5, 5))
    W, b = RNG.standard_normal((3, 2, 3, 3)), RNG.standard_normal(3)
    D, d = RNG.standard_normal(W.shape), RNG.standard_normal(3)
    layer = Convolution(W, b, pad=1)
    moved = Convolution(W + 0.7 * D, b + 0.7 * d, pad=1).apply(x)
    np.testing.assert_allclose(layer.apply(x) + 0.7 * layer.direction_output(x, D, d), moved, rtol=1e-12)


@pytest.mark.parametrize("name", ["W", "b"])
def test_convolution_perturbed_outputs_equal_setting_each_entry(name):
    layer = Convolution(RNG.standard_normal((3, 2, 3, 3)), RNG.standard_normal(3), stride=2, pad=1)
    x = RNG.standard_normal((2, 2, 7, 7))
    size = layer.params[name].size
    indices = np.array([0, size - 1, size // 2, 1])
    values = RNG.standard_normal(4)
    fast = layer.perturbed_outputs(x, name, indices, values)
    generic = Layer.perturbed_outputs(layer, x, name, indices, values)
    np.testing.assert_allclose(fast, generic, rtol=1e-12, atol=1e-12)


def test_pooling_takes_the_maximum_and_padding_never_wins():
    x = -np.abs(RNG.standard_normal((2, 3, 5, 5))) - 1  # all negative: zero padding would win every edge window
    out = Pooling(3, 3, stride=2, pad=1).forward(x)
    assert out.shape == (2, 3, 3, 3)
    padded = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)], constant_values=-np.inf)
    for i in range(3):
        for j in range(3):
            window = padded[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3]
            np.testing.assert_array_equal(out[:, :, i, j], window.max(axis=(2, 3)))
    assert np.all(out < -1)


def test_pooling_backward_routes_to_the_maximum():
    x = np.array([[[[1.0, 5.0], [3.0, 2.0]]]])
    layer = Pooling(2, 2, stride=2)
    assert layer.forward(x).item() == 5.0
    np.testing.assert_array_equal(layer.backward(np.array([[[[7.0]]]])), [[[[0.0, 7.0], [0.0, 0.0]]]])


@pytest.mark.parametrize("make, message", [
    (lambda: Convolution(np.ones((2, 1, 5, 5)), np.zeros(2), stride=1.5), r"stride: expected a whole number >= 1, "
                                                                           r"got 1.5"),
    (lambda: Pooling(2, 2, stride=2, pad=-1), r"pad: expected a whole number >= 0, got -1"),
    (lambda: Pooling(2.5, 2), r"pool_h: expected a whole number >= 1, got 2.5"),
    (lambda: Convolution(np.ones((2, 1, 5, 5)), np.zeros(2), stride="2"), r"stride: expected a whole number"),
    (lambda: Convolution(np.ones((2, 3, 3, 3)), np.zeros(2)).forward(np.ones((1, 1, 8, 8))),
     r"x: expected 3 channels to match the filters, got 1"),
    (lambda: Pooling(4, 4, stride=1).forward(np.ones((1, 1, 3, 3))),
     r"a pooling window of 4 x 4 is larger than the input 3 x 3"),
    (lambda: Convolution(np.ones((2, 1, 3)), np.zeros(2)), r"W: expected filters \(FN, C, FH, FW\)"),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(3)), r"b: expected shape \(2,\)"),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(2)).forward(np.ones((4, 9))),
     r"x: expected images \(N, C, H, W\), at least one, got shape \(4, 9\)"),
    (lambda: conv_output_size(5, 3, stride=0), "expected stride >= 1"),
    (lambda: SimpleConvNet(conv_param={"filters": 3}), r"conv_param: expected filter_num.*\['filters'\]"),
    (lambda: SimpleConvNet(input_dim=(1, 3, 3)), r"input_dim \(height\): a window of 5 does not fit in 3"),
])
def test_bad_convolution_settings_are_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_pooling_with_padding_counts_it_in_the_output_size():
    assert Pooling(2, 2, stride=2, pad=1).forward(np.ones((1, 1, 4, 4))).shape == (1, 1, 3, 3)


def small_convnet(seed=0):
    net = SimpleConvNet((2, 8, 8), {"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 1}, hidden_size=6,
                        output_size=4, weight_init_std=0.3, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for array in net.params.values():
        array += 0.05 * rng.standard_normal(array.shape)  # non-zero biases
    return net


def test_simple_convnet_shapes_and_gradient_check():
    net = SimpleConvNet(seed=0)
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (30, 1, 5, 5), "b1": (30,), "W2": (4320, 100), "b2": (100,), "W3": (100, 10), "b3": (10,)}
    assert net.predict(np.zeros((2, 1, 28, 28))).shape == (2, 10)
    small = small_convnet()
    x, t = RNG.standard_normal((3, 2, 8, 8)), np.array([0, 3, 1])
    report = gradient_check(small, x, t)
    assert report.passed, str(report)


def test_simple_convnet_numerical_gradient_equals_the_textbook_loop():
    net = small_convnet(seed=4)
    x, t = RNG.standard_normal((2, 2, 8, 8)), np.eye(4)[[2, 1]]
    fast, naive = net.numerical_gradient(x, t), net.numerical_gradient_naive(x, t)
    for key in naive:
        np.testing.assert_allclose(fast[key], naive[key], rtol=0, atol=1e-9 * np.abs(naive[key]).max() + 1e-12)


def test_simple_convnet_trains_on_a_few_digits():
    from scratchnet.datasets import load_mnist
    from scratchnet.optimizers import Adam
    from scratchnet.training import Trainer

    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)
    net = SimpleConvNet(conv_param={"filter_num": 8, "filter_size": 5, "pad": 0, "stride": 1}, hidden_size=30,
                        seed=0)
    history = Trainer(net, Adam(lr=0.003), x_train[:1000], t_train[:1000], x_test[:200], t_test[:200], epochs=2,
                      batch_size=50, seed=0, verbose=False).fit()
    assert history.test_acc[-1] > 0.75 > history.test_acc[0]


def test_filter_normalized_direction_of_a_convolution_scales_each_output_channel():
    from scratchnet.landscape import random_direction, split_vector

    net = small_convnet(seed=2)
    direction = split_vector(random_direction(net, 5), net.params)
    for key in ("W1",):  # (FN, C, FH, FW): a filter is W[f]
        np.testing.assert_allclose(np.linalg.norm(direction[key].reshape(3, -1), axis=1),
                                   np.linalg.norm(net.params[key].reshape(3, -1), axis=1), rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(direction["W2"], axis=0), np.linalg.norm(net.params["W2"], axis=0),
                               rtol=1e-12)
    assert not np.any(direction["b1"])


@pytest.mark.parametrize("moving", ["every layer, biases too", "the Affine after the convolution"])
def test_convnet_landscape_fast_grid_equals_the_naive_loop(moving):
    from scratchnet.landscape import loss_grid, loss_grid_naive, params_to_vector, random_direction
    from scratchnet.landscape.evaluator import PlaneEvaluator

    net = small_convnet(seed=6)
    rng = np.random.default_rng(8)
    x, t = rng.standard_normal((150, 2, 8, 8)), rng.integers(0, 4, 150)
    center = params_to_vector(net.params)
    d1, d2 = random_direction(net, 1, include_biases=True), random_direction(net, 2)
    if moving != "every layer, biases too":
        conv = net.params["W1"].size + net.params["b1"].size
        d1[:conv] = d2[:conv] = 0.0
    evaluator = PlaneEvaluator(net, x, t, center, d1, d2, block_values=2**9)
    assert evaluator.linear and len(evaluator.blocks) >= 2  # several data blocks, the last one shorter
    assert evaluator.first == (0 if moving == "every layer, biases too" else 3)
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.5, 1.0, 3)
    A, B = np.meshgrid(alphas, betas)
    blocked = evaluator.evaluate(A.ravel(), B.ravel()).reshape(A.shape)
    naive = loss_grid_naive(net, x, t, center, d1, d2, alphas, betas)
    np.testing.assert_allclose(blocked, naive, rtol=1e-10)
    np.testing.assert_allclose(loss_grid(net, x, t, center, d1, d2, alphas, betas), naive, rtol=1e-10)


class GeneralPooling(Pooling):
    """Pooling without the tiling shortcut: always the im2col path."""

    def _tiles_the_input(self, shape):
        return False


@pytest.mark.parametrize("size, shape", [(2, (3, 2, 6, 4)), (3, (2, 3, 6, 9)), (1, (2, 2, 3, 2))])
def test_pooling_shortcut_for_tiling_windows_equals_the_general_path(size, shape):
    # Integers make ties, which both paths must break the same way (the first maximum); 3 x 3 windows take the
    # shortcut's loops past their first two rows and columns.
    x = RNG.integers(-2, 3, size=shape).astype(float)
    fast, general = Pooling(size, size, stride=size), GeneralPooling(size, size, stride=size)
    assert fast._tiles_the_input(x.shape) and not general._tiles_the_input(x.shape)
    out = fast.forward(x)
    np.testing.assert_array_equal(out, general.forward(x))
    assert not np.shares_memory(out, x)  # a new array, even for 1 x 1 windows: the next layer's to keep
    dout = RNG.standard_normal(shape[:2] + (shape[2] // size, shape[3] // size))
    np.testing.assert_array_equal(fast.backward(dout), general.backward(dout))
    stacked = np.stack([x, -x])
    np.testing.assert_array_equal(fast.apply(stacked), general.apply(stacked))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gathering_at_each_tiling_windows_first_maximum_equals_the_general_paths_argmax(dtype):
    # What the R-operator passes forward through a pool: values at the maxima; integers make ties (the first wins).
    from scratchnet.conv_fast import max_pool_tiles, max_pool_tiles_gather

    x = RNG.integers(-2, 3, size=(3, 2, 6, 4)).astype(dtype)
    values = RNG.standard_normal(x.shape).astype(dtype)
    general = GeneralPooling(2, 2, stride=2)
    windows = general._windows(x)
    expected = general._shape_out(general._windows(values)[np.arange(len(windows)), windows.argmax(axis=1)], x)
    gathered = max_pool_tiles_gather(x, max_pool_tiles(x, 2, 2), values, 2, 2)
    assert gathered.dtype == dtype
    np.testing.assert_array_equal(gathered, expected)


def test_convnet_trains_in_float32_without_upcasting():
    net = SimpleConvNet((1, 8, 8), {"filter_num": 2, "filter_size": 3}, hidden_size=4, output_size=3, seed=0,
                        dtype=np.float32)
    x = RNG.standard_normal((4, 1, 8, 8)).astype(np.float32)
    grads = net.gradient(x, np.array([0, 1, 2, 1]))
    assert {key: grad.dtype for key, grad in grads.items()} == {key: np.dtype(np.float32) for key in grads}
    assert net.predict(x).dtype == np.float32
    assert im2col(x, 3, 3).dtype == np.float32


def test_the_shipped_simple_convnet_reaches_its_recorded_accuracy():
    from scratchnet.datasets import load_mnist
    from scratchnet.networks.pretrained import load_simple_convnet

    network, info = load_simple_convnet()
    _, (x_test, t_test) = load_mnist(flatten=False)
    assert network.accuracy(x_test, t_test) == pytest.approx(info["test_accuracy"], abs=1e-12)
    assert info["test_accuracy"] >= 0.96 and (info["epochs"], info["seed"]) == (20, 0)


def test_filter_figures_show_the_filters_and_their_responses():
    import matplotlib.pyplot as plt

    from scratchnet.plot.filters import plot_filter_responses, plot_filters

    bank = RNG.standard_normal((12, 1, 5, 5))
    fig = plot_filters({"a": bank, "b": -bank}, ncols=5)
    shown = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(shown) == 24
    np.testing.assert_array_equal(shown[3], bank[3, 0])
    np.testing.assert_array_equal(shown[12 + 3], -bank[3, 0])
    image, responses = RNG.random(784), RNG.standard_normal((3, 24, 24))
    fig = plot_filter_responses(image, bank[:3, 0], responses)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), image.reshape(28, 28))
    np.testing.assert_array_equal(fig.axes[1 + 2].images[0].get_array(), bank[2, 0])
    with pytest.raises(ValueError, match=r"responses: expected one per filter \(3\), got 2"):
        plot_filter_responses(image, bank[:3, 0], responses[:2])
    plt.close("all")


def test_deep_convnet_layout_and_gradient_check():
    from scratchnet.networks import DeepConvNet

    net = DeepConvNet(seed=0)
    shapes = {key: value.shape for key, value in net.params.items()}
    assert shapes["W1"] == (16, 1, 3, 3) and shapes["W4"] == (32, 32, 3, 3) and shapes["W6"] == (64, 64, 3, 3)
    assert shapes["W7"] == (64 * 4 * 4, 50) and shapes["W8"] == (50, 10)
    assert np.std(net.params["W2"]) == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.1)  # He initialization
    class Narrow(DeepConvNet):  # the same layers with few filters, so central differences stay quick
        FILTERS = (2, 2, 3, 3, 4, 4)

    small = Narrow(input_dim=(1, 12, 12), hidden_size=5, output_size=3, seed=1)
    rng = np.random.default_rng(2)
    for array in small.params.values():
        array += 0.05 * rng.standard_normal(array.shape)
    report = gradient_check(small, rng.standard_normal((2, 1, 12, 12)), np.array([0, 2]))
    assert report.passed, str(report)


def test_the_shipped_deep_convnet_reaches_its_recorded_accuracy():
    from scratchnet.datasets import load_mnist
    from scratchnet.networks.pretrained import load_deep_convnet

    network, info = load_deep_convnet()
    _, (x_test, t_test) = load_mnist(flatten=False)
    assert network.accuracy(x_test, t_test) == pytest.approx(info["test_accuracy"], abs=1e-12)
    assert info["test_accuracy"] > 0.96 and info["seed"] == 0


@pytest.mark.parametrize("size, filter_size, stride, pad, out", [(28, 3, 2, 1, 14), (8, 5, 2, 0, 2), (7, 2, 2, 0, 3),
                                                                (10, 3, 3, 0, 3)])
def test_settings_that_do_not_tile_drop_the_remainder_as_the_book_does(size, filter_size, stride, pad, out):
    """floor((H + 2 pad - F) / stride) + 1, as the book's im2col and PyTorch: rows no window reaches are left out."""
    x = RNG.standard_normal((2, 2, size, size + 1))
    W, b = RNG.standard_normal((3, 2, filter_size, filter_size)), RNG.standard_normal(3)
    layer = Convolution(W, b, stride, pad)
    y = layer.forward(x)
    assert y.shape == (2, 3, out, (size + 1 + 2 * pad - filter_size) // stride + 1)
    np.testing.assert_allclose(y, convolve_naive(x, W, b, stride, pad), rtol=1e-12, atol=1e-12)
    dout = RNG.standard_normal(y.shape)
    dx = layer.backward(dout)
    for _ in range(2):  # dx is the adjoint of the (linear) convolution: <conv(v), dout> = <v, dx> for every v
        v = RNG.standard_normal(x.shape)
        assert np.sum(convolve_naive(v, W, np.zeros(3), stride, pad) * dout) == pytest.approx(np.sum(v * dx),
                                                                                               rel=1e-10)
    untouched = (size + 2 * pad - filter_size) % stride  # the last rows no window reaches get no gradient
    if untouched > pad:
        assert not np.any(dx[:, :, size - (untouched - pad):, :])
    pooled = Pooling(filter_size, filter_size, stride, pad).forward(x)
    assert pooled.shape[2] == out


@pytest.mark.parametrize("kind, gain", [("he", 2.0), ("xavier", 1.0)])
def test_simple_convnet_scales_each_layer_by_its_own_fan_in(kind, gain):
    net = SimpleConvNet(weight_init_std=kind, seed=0)
    fan_ins = {"W1": 1 * 5 * 5, "W2": 30 * 12 * 12, "W3": 100}
    for key, fan_in in fan_ins.items():
        assert np.std(net.params[key]) == pytest.approx(np.sqrt(gain / fan_in), rel=0.1 if key != "W1" else 0.25), key
    fixed = SimpleConvNet(weight_init_std=0.05, seed=0)
    assert all(np.std(fixed.params[key]) == pytest.approx(0.05, rel=0.25) for key in fan_ins)
