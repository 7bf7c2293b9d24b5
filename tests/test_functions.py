import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scratchnet import functions as F

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
score_batches = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(2, 8)), elements=finite)


@given(score_batches)
def test_softmax_rows_are_probabilities(x):
    y = F.softmax(x)
    assert np.all(np.isfinite(y)) and np.all(y >= 0)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)


@given(score_batches, st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant(x, shift):
    np.testing.assert_allclose(F.softmax(x + shift), F.softmax(x), atol=1e-9)


@given(arrays(np.float64, st.integers(2, 8), elements=finite))
def test_softmax_of_one_sample_matches_batch_of_one(x):
    np.testing.assert_allclose(F.softmax(x), F.softmax(x[None])[0])


@given(score_batches, st.data())
def test_softmax_cross_entropy_matches_definition_and_is_finite(x, data):
    n, c = x.shape
    t = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    loss = F.softmax_cross_entropy(x, t)
    assert np.isfinite(loss) and loss >= 0
    # The same loss from one-hot labels, and (where probabilities are representable) from softmax.
    np.testing.assert_allclose(F.softmax_cross_entropy(x, np.eye(c)[t]), loss)
    expected = -np.mean(F.log_softmax(x)[np.arange(n), t])
    np.testing.assert_allclose(loss, expected)


@given(score_batches, st.floats(-1e3, 1e3))
def test_softmax_cross_entropy_is_shift_invariant(x, shift):
    t = np.zeros(len(x), dtype=int)
    np.testing.assert_allclose(F.softmax_cross_entropy(x + shift, t), F.softmax_cross_entropy(x, t),
                               rtol=1e-9, atol=1e-6)


@settings(max_examples=50)
@given(score_batches)
def test_cross_entropy_of_probabilities_has_no_nan(x):
    y = F.softmax(x)
    loss = F.cross_entropy_error(y, np.zeros(len(y), dtype=int))
    assert np.isfinite(loss)  # delta keeps log(0) finite: at most -log(1e-7)
    assert loss <= -np.log(1e-7) + 1e-9


def test_cross_entropy_textbook_example():
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    t = np.eye(10)[2]
    assert F.cross_entropy_error(y, t) == pytest.approx(0.510825457099338)
    assert F.cross_entropy_error(y, 2) == pytest.approx(0.510825457099338)


def test_labels_out_of_range_are_rejected_by_name():
    with pytest.raises(ValueError, match=r"t: labels must lie in \[0, 2\].*got values from 0 to 3"):
        F.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="t: labels"):
        F.cross_entropy_error(np.full((2, 3), 1 / 3), np.array([-1, 0]))


def test_label_count_must_match_batch():
    with pytest.raises(ValueError, match="t: expected 2 labels"):
        F.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e308, 1e308)))
def test_sigmoid_is_bounded_and_warning_free(x):
    # RuntimeWarning is an error in this suite (setup.cfg), so an overflow would fail here.
    y = F.sigmoid(x)
    assert np.all((y >= 0) & (y <= 1))
    np.testing.assert_allclose(F.sigmoid(-x), 1 - y, atol=1e-15)


def test_sigmoid_values_and_gradient():
    np.testing.assert_allclose(F.sigmoid(np.array([0.0, np.log(3.0)])), [0.5, 0.75])
    np.testing.assert_allclose(F.sigmoid_grad(np.array([0.0])), [0.25])
    assert F.sigmoid(np.array([-1000, 1000])).tolist() == [0.0, 1.0]


def test_relu_tanh_step():
    x = np.array([-2.0, 0.0, 3.0])
    assert F.relu(x).tolist() == [0.0, 0.0, 3.0]
    assert F.relu_grad(x).tolist() == [0.0, 0.0, 1.0]
    assert F.step_function(x).tolist() == [0, 0, 1]
    np.testing.assert_allclose(F.tanh(x), np.tanh(x))


def test_squared_errors_on_the_books_single_sample():
    # Section 4.2.1: "2" is the answer; y puts 0.6 on it (0.0975) or on "7" (0.5975).
    t = np.zeros(10)
    t[2] = 1
    right = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    wrong = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])
    assert F.mean_squared_error(right, t) == pytest.approx(0.0975, rel=1e-12)
    assert F.mean_squared_error(wrong, t) == pytest.approx(0.5975, rel=1e-12)
    assert F.sum_squared_error(right, t) == pytest.approx(0.0975, rel=1e-12)
    with pytest.raises(ValueError, match=r"t: expected targets of shape \(1, 10\) to match y, got \(1, 9\)"):
        F.mean_squared_error(right, t[:9])


def test_squared_errors():
    y, t = np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 1.0]])
    assert F.sum_squared_error(y, t) == pytest.approx(0.5 * (1 + 4 + 1))
    assert F.mean_squared_error(y, t) == pytest.approx(0.5 * (5 + 1) / 2)
    stacked = np.stack([y, 2 * y])
    np.testing.assert_allclose(F.mean_squared_error(stacked, t),
                               [F.mean_squared_error(y, t), F.mean_squared_error(2 * y, t)])



def hypothesis_shapes():
    return st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)

@settings(max_examples=200, deadline=None)
@given(data=st.data(), x_shape=hypothesis_shapes(), t_shape=hypothesis_shapes(),
       t_dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_]),
       which=st.sampled_from(["SoftmaxWithLoss.forward", "cross_entropy_error", "accuracy"]))
def test_losses_and_accuracy_give_the_right_value_or_a_clear_error_for_any_shape(data, x_shape, t_shape, t_dtype,
                                                                                 which):
    from scratchnet.layers import SoftmaxWithLoss
    from scratchnet.networks import TwoLayerNet

    x = data.draw(arrays(np.float64, x_shape, elements=st.floats(-5, 5)))
    t = data.draw(arrays(t_dtype, t_shape, elements=st.integers(0, 3) if t_dtype is np.int64 else None))
    try:
        with np.errstate(all="ignore"):
            if which == "SoftmaxWithLoss.forward":
                value = SoftmaxWithLoss().forward(x, t)
            elif which == "cross_entropy_error":
                y = np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True) if x.ndim and x.shape[-1] else x
                value = F.cross_entropy_error(y, t)
            else:
                value = TwoLayerNet(4, 3, 4, seed=0).accuracy(x, t)
    except ValueError as error:  # named: the argument, what was expected, what came
        assert str(error).split(":")[0] in ("x", "t", "y"), str(error)
        return
    assert np.ndim(value) == 0 and np.isfinite(value)
    if which != "accuracy":  # the right number: the mean over samples of -log softmax at the label
        scores = np.atleast_2d(x)
        one_hot = (t.size == x.size and x.size > 1) if x.ndim == 1 else t.ndim == 2
        labels = np.argmax(t.reshape(len(scores), -1), axis=1) if one_hot else t.reshape(len(scores)).astype(int)
        shifted = scores - scores.max(axis=1, keepdims=True)
        if which == "cross_entropy_error":  # the book's rule: the log of the picked probability plus 1e-7
            probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
            right = -np.mean(np.log(probabilities[np.arange(len(scores)), labels] + 1e-7))
        else:  # exact, from the scores
            right = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(scores)), labels])
        assert value == pytest.approx(right, rel=1e-9, abs=1e-12)
    else:
        assert 0 <= value <= 1

