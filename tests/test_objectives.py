import numpy as np
import pytest

from scratchnet.gradient import numerical_gradient
from scratchnet.objectives import OBJECTIVES, DivergenceWarning, descend, get_objective
from scratchnet.optimizers import SGD, Adam, Momentum


@pytest.mark.parametrize("name", OBJECTIVES)
def test_analytic_gradient_matches_central_difference(name):
    objective = OBJECTIVES[name]
    rng = np.random.default_rng(0)
    for _ in range(5):
        point = np.array([rng.uniform(*objective.xlim), rng.uniform(*objective.ylim)]) * 0.8
        numerical = numerical_gradient(lambda p: float(objective(p[0], p[1])), point.copy(), h=1e-5)
        np.testing.assert_allclose(objective.gradient(*point), numerical, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", OBJECTIVES)
def test_vectorized_over_grids_and_minima_are_stationary(name):
    objective = OBJECTIVES[name]
    X, Y, Z = objective.grid(n=7)
    assert X.shape == Y.shape == Z.shape == (7, 7)
    assert Z[2, 3] == pytest.approx(objective(X[2, 3], Y[2, 3]))
    gx, gy = objective.gradient(X, Y)
    assert gx.shape == gy.shape == (7, 7)
    for minimum in objective.minima:
        np.testing.assert_allclose(objective.gradient(*minimum), (0, 0), atol=1e-4)
        assert objective(*minimum) <= Z.min() + 1e-9


def test_non_square_grid_is_indexed_rows_by_y():
    X, Y, Z = OBJECTIVES["bowl"].grid(n=5, xlim=(0, 4), ylim=(-1, 1))
    assert X[0].tolist() == [0, 1, 2, 3, 4] and Y[:, 0].tolist() == [-1, -0.5, 0, 0.5, 1]
    assert Z[4, 2] == pytest.approx(2**2 / 20 + 1)


def test_descend_textbook_gradient_method():
    # Book section 4.4: from (-3, 4), lr 0.1, 100 steps reaches about (-6.1e-10, 8.1e-10).
    path = descend(SGD(lr=0.1), "sphere", (-3.0, 4.0), steps=100)
    assert path.shape == (101, 2)
    np.testing.assert_array_equal(path[0], [-3.0, 4.0])
    np.testing.assert_allclose(path[-1], [-6.11110793e-10, 8.14814391e-10], rtol=1e-6)
    # Each SGD step on x^2 + y^2 multiplies the point by (1 - 2 lr).
    np.testing.assert_allclose(path[1], [-3.0 * 0.8, 4.0 * 0.8])


def test_descend_with_too_large_and_too_small_rates():
    large = descend(SGD(lr=10.0), "sphere", (-3.0, 4.0), steps=100)
    assert np.abs(large[-1]).max() > 1e10 and np.all(np.isfinite(large))
    small = descend(SGD(lr=1e-10), "sphere", (-3.0, 4.0), steps=100)
    np.testing.assert_allclose(small[-1], [-3.0, 4.0], rtol=1e-7)


def test_descend_stops_at_the_last_finite_point_and_says_so():
    with pytest.warns(DivergenceWarning, match=r"SGD on saddle: the point became non-finite at step (\d+)"):
        path = descend(SGD(lr=1.5), "saddle", (0.5, 0.5), steps=2000)
    assert len(path) < 2001 and np.all(np.isfinite(path))


def test_descend_does_not_modify_start_and_matches_manual_updates():
    start = np.array([-7.0, 2.0])
    path = descend(Momentum(lr=0.1), "bowl", start, steps=3)
    np.testing.assert_array_equal(start, [-7.0, 2.0])
    optimizer, params = Momentum(lr=0.1), {"xy": start.copy()}
    for row in path[1:]:
        optimizer.update(params, {"xy": np.array(OBJECTIVES["bowl"].gradient(*params["xy"]))})
        np.testing.assert_array_equal(params["xy"], row)


@pytest.mark.parametrize("start, steps, message", [
    ((1.0, 2.0, 3.0), 5, "start: expected a finite point"),
    ((np.nan, 0.0), 5, "start: expected a finite point"),
    ((0.0, 0.0), -1, "steps: expected a whole number"),
])
def test_descend_rejects_bad_arguments(start, steps, message):
    with pytest.raises(ValueError, match=message):
        descend(Adam(), "bowl", start, steps)


def test_get_objective_names_the_choices():
    assert get_objective("beale").minima == ((3.0, 0.5),)
    with pytest.raises(ValueError, match="name: expected one of bowl, sphere, rosenbrock"):
        get_objective("ackley")
