import numpy as np
import pytest

from scratchnet.gradient import GradientCheckReport, numerical_gradient


def test_numerical_gradient_of_textbook_function():
    # f(x0, x1) = x0^2 + x1^2, gradient (2 x0, 2 x1): the book's (3, 4) -> (6, 8).
    x = np.array([3.0, 4.0])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), x), [6.0, 8.0], rtol=1e-9)


def test_numerical_gradient_any_shape_and_restores_bit_for_bit():
    x = np.random.default_rng(0).standard_normal((3, 2, 4))
    before = x.copy()
    grad = numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    np.testing.assert_allclose(grad, np.cos(x), rtol=1e-7)
    assert np.array_equal(x, before) and x.tobytes() == before.tobytes()


def test_numerical_gradient_restores_even_when_f_raises():
    x = np.array([1.0, 2.0])
    calls = []

    def failing(v):
        calls.append(v.copy())
        if len(calls) == 2:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError):
        numerical_gradient(failing, x)
    assert x.tolist() == [1.0, 2.0]


def test_numerical_gradient_rejects_integer_arrays():
    with pytest.raises(ValueError, match="x: expected a floating-point numpy array"):
        numerical_gradient(np.sum, np.array([1, 2]))


def test_report_table_and_verdict():
    report = GradientCheckReport()
    report.add("W1", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))
    report.add("b1", np.zeros(3), np.full(3, 1e-12))  # both ~0: passes on the absolute test
    assert report.passed
    report.add("W2", np.array([1.0, 2.0]), np.array([1.0, 2.5]))
    assert not report.passed
    text = str(report)
    assert text.splitlines()[1].split() == ["parameter", "shape", "max", "|diff|", "relative", "result"]
    assert "W2" in text and "FAIL" in text and text.endswith("GRADIENT CHECK FAILED")
    w1 = report.rows[0]
    assert w1.max_abs_diff == pytest.approx(1e-12, rel=1e-3) and w1.rel_diff < 1e-12


def test_report_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"W: backprop gradient has shape \(2,\)"):
        GradientCheckReport().add("W", np.zeros(2), np.zeros(3))


def test_empty_report_does_not_pass():
    assert not GradientCheckReport().passed


def test_gradient_checks_refuse_float32_and_bad_tolerances():
    from scratchnet.gradient import gradient_check, gradient_check_layer, numerical_gradient
    from scratchnet.layers import Affine
    from scratchnet.networks import TwoLayerNet

    x, t = np.random.default_rng(0).standard_normal((3, 4)), np.array([0, 2, 1])
    with pytest.raises(ValueError, match=r"network.params\['W1'\]: a gradient check needs float64 parameters, got "
                                         r"float32"):
        gradient_check(TwoLayerNet(4, 5, 3, dtype=np.float32), x, t)  # correct code "FAILED" before
    with pytest.raises(ValueError, match=r"layer.params\['W'\]: a gradient check needs float64"):
        gradient_check_layer(Affine(np.ones((4, 2), dtype=np.float32), np.zeros(2, dtype=np.float32)), x)
    for name, value in (("rtol", -1), ("atol", float("nan")), ("h", 0)):
        with pytest.raises(ValueError, match=rf"{name}: expected a positive number"):
            gradient_check(TwoLayerNet(4, 5, 3), x, t, **{name: value})
    with pytest.warns(UserWarning, match="numerical_gradient of a float32 array: x \\+ h is rounded"):
        numerical_gradient(lambda a: float(np.sum(a**2)), np.ones(3, dtype=np.float32))
    assert gradient_check(TwoLayerNet(4, 5, 3, weight_init_std=0.5, seed=0), x, t).passed
