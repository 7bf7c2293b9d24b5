import numpy as np
import pytest

from scratchnet.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop, get_optimizer

G1 = np.array([0.5, -2.0, 0.0])
G2 = np.array([-1.0, 1.5, 3.0])
START = np.array([1.0, -1.0, 2.0])


def two_steps(optimizer):
    params = {"w": START.copy()}
    array = params["w"]
    optimizer.update(params, {"w": G1})
    optimizer.update(params, {"w": G2})
    assert params["w"] is array  # updated in place, not replaced
    return params["w"]


def test_sgd_by_hand():
    expected = START - 0.1 * G1 - 0.1 * G2
    np.testing.assert_allclose(two_steps(SGD(lr=0.1)), expected, rtol=1e-15)


def test_momentum_by_hand():
    v1 = -0.1 * G1
    v2 = 0.9 * v1 - 0.1 * G2
    np.testing.assert_allclose(two_steps(Momentum(lr=0.1, momentum=0.9)), START + v1 + v2, rtol=1e-15)


def test_nesterov_by_hand():
    # The book's order: move with the velocity of the previous step, then update it.
    lr, mu = 0.1, 0.8
    x1 = START - (1 + mu) * lr * G1  # v starts at 0
    v1 = -lr * G1
    x2 = x1 + mu * mu * v1 - (1 + mu) * lr * G2
    np.testing.assert_allclose(two_steps(Nesterov(lr=lr, momentum=mu)), x2, rtol=1e-15)


def test_nesterov_first_step_is_one_plus_momentum_times_sgd():
    params = {"w": START.copy()}
    Nesterov(lr=0.1, momentum=0.9).update(params, {"w": G1})
    np.testing.assert_allclose(params["w"], START - 1.9 * 0.1 * G1, rtol=1e-15)


def test_nesterov_equals_momentum_evaluated_at_the_look_ahead_point():
    # Bengio et al.'s identity: with theta = phi + mu * v, Nesterov's theta sequence is
    # classical Nesterov momentum (gradient taken at phi + mu * v) written in shifted
    # variables. Check it over 25 steps of a quadratic with momentum 0.9.
    rng = np.random.default_rng(3)
    A = rng.normal(size=(3, 3))
    A = A @ A.T + np.eye(3)

    def gradient(x):
        return A @ x

    lr, mu = 0.05, 0.9
    phi, velocity = START.copy(), np.zeros(3)       # classical form: phi, velocity
    params = {"w": START.copy()}                    # book form: theta = phi + mu * velocity
    optimizer = Nesterov(lr=lr, momentum=mu)
    for _ in range(25):
        optimizer.update(params, {"w": gradient(params["w"])})
        velocity = mu * velocity - lr * gradient(phi + mu * velocity)
        phi = phi + velocity
        np.testing.assert_allclose(params["w"], phi + mu * velocity, rtol=1e-12, atol=1e-14)


def test_adagrad_by_hand():
    h1 = G1**2
    x1 = START - 0.5 * G1 / (np.sqrt(h1) + 1e-7)
    h2 = h1 + G2**2
    np.testing.assert_allclose(two_steps(AdaGrad(lr=0.5)), x1 - 0.5 * G2 / (np.sqrt(h2) + 1e-7), rtol=1e-15)


def test_rmsprop_by_hand():
    rho = 0.9
    h1 = (1 - rho) * G1**2
    x1 = START - 0.2 * G1 / (np.sqrt(h1) + 1e-7)
    h2 = rho * h1 + (1 - rho) * G2**2
    np.testing.assert_allclose(two_steps(RMSprop(lr=0.2, decay_rate=rho)),
                               x1 - 0.2 * G2 / (np.sqrt(h2) + 1e-7), rtol=1e-15)


def test_adam_by_hand():
    lr, b1, b2 = 0.3, 0.9, 0.999
    m1, v1 = (1 - b1) * G1, (1 - b2) * G1**2
    x1 = START - lr * np.sqrt(1 - b2) / (1 - b1) * m1 / (np.sqrt(v1) + 1e-7)
    m2 = m1 + (1 - b1) * (G2 - m1)
    v2 = v1 + (1 - b2) * (G2**2 - v1)
    x2 = x1 - lr * np.sqrt(1 - b2**2) / (1 - b1**2) * m2 / (np.sqrt(v2) + 1e-7)
    np.testing.assert_allclose(two_steps(Adam(lr=lr, beta1=b1, beta2=b2)), x2, rtol=1e-14)


def test_adam_first_step_is_lr_times_sign():
    # With bias correction folded in, Adam's first step is lr * g/|g| (up to the epsilon).
    params = {"xy": np.array([3.0, -4.0])}
    Adam(lr=0.3).update(params, {"xy": np.array([10.0, -0.01])})
    np.testing.assert_allclose(params["xy"], [3.0 - 0.3, -4.0 + 0.3], rtol=1e-4)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_state_is_kept_per_key(name):
    together = get_optimizer(name, lr=0.1)
    params = {"a": START.copy(), "b": -START.copy()}
    separate = {key: get_optimizer(name, lr=0.1) for key in params}
    alone = {key: params[key].copy() for key in params}
    for grads in ({"a": G1, "b": G2}, {"a": G2, "b": G1}):
        together.update(params, grads)
        for key in alone:
            single = {key: alone[key]}
            separate[key].update(single, {key: grads[key]})
    for key in params:
        np.testing.assert_allclose(params[key], alone[key], rtol=1e-15)


def test_get_optimizer_is_case_insensitive_and_passes_hyperparameters():
    optimizer = get_optimizer("RMSprop", lr=0.5, decay_rate=0.5)
    assert isinstance(optimizer, RMSprop) and optimizer.lr == 0.5 and optimizer.decay_rate == 0.5
    assert isinstance(get_optimizer("ADAM"), Adam)
    with pytest.raises(ValueError, match="name: expected one of SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam"):
        get_optimizer("lion")


@pytest.mark.parametrize("make, message", [
    (lambda: SGD(lr=-0.1), "lr: expected a finite learning rate >= 0, got -0.1"),
    (lambda: Adam(lr=float("nan")), "lr: expected a finite learning rate"),
    (lambda: Momentum(momentum=1.0), r"momentum: expected a value in \[0, 1\), got 1.0"),
    (lambda: Nesterov(momentum=-0.1), "momentum: expected a value in"),
    (lambda: RMSprop(decay_rate=1.5), "decay_rate: expected a value in"),
    (lambda: Adam(beta2=1.0), "beta2: expected a value in"),
])
def test_bad_hyperparameters_are_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_missing_gradient_is_a_clear_error():
    with pytest.raises(ValueError, match=r"grads: expected a gradient for every parameter; missing \['b'\]"):
        SGD().update({"a": np.zeros(2), "b": np.zeros(2)}, {"a": np.ones(2)})


def test_float32_parameters_stay_float32():
    params = {"w": START.astype(np.float32)}
    Adam(lr=0.1).update(params, {"w": G1.astype(np.float32)})
    assert params["w"].dtype == np.float32


class _Float32Watch(np.ndarray):
    """An array that records the dtype of every ufunc result it takes part in (a float64 temporary on float32
    parameters is twice the memory traffic, and was once 4x the time of Adam's update)."""

    dtypes = []

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        plain = [x.view(np.ndarray) if isinstance(x, _Float32Watch) else x for x in inputs]
        if out is not None:
            kwargs["out"] = tuple(x.view(np.ndarray) if isinstance(x, _Float32Watch) else x for x in out)
        result = getattr(ufunc, method)(*plain, **kwargs)
        _Float32Watch.dtypes.append(np.asarray(result).dtype)
        if out is not None:
            return out[0]
        return result.view(_Float32Watch) if isinstance(result, np.ndarray) else result


@pytest.mark.parametrize("make", [lambda: SGD(lr=0.1), lambda: Momentum(lr=0.1, momentum=0.9),
                                  lambda: Nesterov(lr=0.1, momentum=0.9), lambda: AdaGrad(lr=0.1),
                                  lambda: RMSprop(lr=0.1, decay_rate=0.9), lambda: Adam(lr=0.1, beta1=0.8)])
def test_float32_parameters_are_updated_in_float32_arithmetic_throughout(make):
    optimizer, _Float32Watch.dtypes = make(), []
    params = {"w": START.astype(np.float32).view(_Float32Watch)}
    for gradient in (G1, G2):
        optimizer.update(params, {"w": gradient.astype(np.float32).view(_Float32Watch)})
    assert _Float32Watch.dtypes and set(_Float32Watch.dtypes) == {np.dtype(np.float32)}
