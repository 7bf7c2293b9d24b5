"""Judging the two exercises past the book: a Hessian-vector product and power iteration.

``hessian_vector_product`` is probed twice: on a cubic whose central difference is exact for any
step (so a one-sided difference, or a wrong factor, shows as itself), and on a small tanh network,
against the exact product (the library's R-operator). ``power_iteration`` runs on matrices whose
spectrum is known: one whose largest eigenvalue is positive, one whose largest in magnitude is
negative (the norm of ``H v`` would lose its sign), and one with a cap of five products.
"""

import numpy as np

from scratchnet.exercises.checks import Result, as_array, low_precision, passed_with
from scratchnet.exercises.diagnosis import largest_differences

PRODUCT_RTOL = 1e-6  # a central difference with any sensible step meets it on the tanh network; float32 does not


def _orthogonal(dim, seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def known_matrix(eigenvalues, seed):
    """A symmetric matrix ``Q diag(eigenvalues) Q^T`` with a seeded orthogonal ``Q``."""
    q = _orthogonal(len(eigenvalues), seed)
    return (q * np.asarray(eigenvalues, dtype=float)) @ q.T


SPECTRA = ([5.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.3, 0.2, 0.1, -0.5, -1.0, -2.0],
           [-6.0, 5.0, 3.0, 2.0, 1.0, 0.5, 0.2, 0.1, -0.3, -1.0, -2.0, -4.0])


def inputs_curvature(exercise):
    rng = np.random.default_rng(7)
    if exercise.name == "hessian_vector_product":
        return {"name": exercise.name, "x": rng.standard_normal((7, 4)), "t": np.array([0, 2, 1, 1, 0, 2, 2]),
                "seed": 3, "biases": {"b1": 0.3 * rng.standard_normal(5), "b2": 0.3 * rng.standard_normal(3)},
                "v": rng.standard_normal(4 * 5 + 5 + 5 * 3 + 3),
                "cubic": {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal(3), "a": rng.standard_normal(9),
                          "v": rng.standard_normal(9), "eps": 0.1}}
    cases = [{"matrix": known_matrix(SPECTRA[0], 1), "iterations": 500, "tol": 1e-10, "rng": 3},
             {"matrix": known_matrix(SPECTRA[1], 2), "iterations": 500, "tol": 1e-10, "rng": 4},
             {"matrix": known_matrix(SPECTRA[0], 1), "iterations": 5, "tol": 1e-12, "rng": 5}]
    return {"name": exercise.name, "cases": cases}


def judge_curvature(exercise, seen, inputs, expected):
    if exercise.name == "hessian_vector_product":
        return _judge_product(seen, inputs, expected)
    return _judge_power(seen, inputs, expected)


# ---- hessian_vector_product ----------------------------------------------------------------------
def _cubic_hessian_product(cubic):
    theta = np.concatenate([cubic["W"].ravel(), cubic["b"]])
    return theta * cubic["v"] + cubic["a"] * (cubic["a"] @ cubic["v"])


def _state_problem(case, where):
    if case["replaced"]:
        return (f"on {where}: network.params[{case['replaced'][0]!r}] was replaced by a new array, but the layers "
                "compute with the old one; write into the arrays in place (vector_to_params does)")
    if case["params_changed"]:
        return (f"on {where}: network.params[{case['params_changed'][0]!r}] is changed afterwards: put the "
                "parameters back exactly as they were (theta + eps v - eps v is not theta in floating point: keep "
                "a copy and write it back)")
    if case["v_changed"]:
        return f"on {where}: v is changed in place; compute into new arrays"
    return None


def _product_problem(yours, wanted, what, step=None, square=None):
    """``None`` if ``yours`` is ``wanted`` to PRODUCT_RTOL; otherwise what kind of wrong it is."""
    array = as_array(yours, what)
    if isinstance(array, str):
        return array
    if array.shape != wanted.shape:
        return f"{what}: expected a vector of shape {wanted.shape} (one entry per parameter), got {array.shape}"
    scale = np.max(np.abs(wanted))

    def near(value):
        return np.max(np.abs(array - value)) <= PRODUCT_RTOL * scale

    if near(wanted):
        return None
    if not np.any(array):
        return (f"{what} is zero everywhere: did the gradient change at all? network.gradient must see the moved "
                "parameters (write them into network.params' own arrays)")
    if step is not None and (near(wanted + step * square / 2) or near(wanted - step * square / 2)):
        return (f"{what} is off by eps v^2 / 2, as a one-sided difference is: take the gradient on both sides, "
                "(g(theta + eps v) - g(theta - eps v)) / (2 eps)")
    for factor, words in ((2.0, "twice the product: divide by 2 eps"), (0.5, "half the product: divide by "
                                                                              "2 eps, not 4 eps"),
                          (-1.0, "the opposite sign: g(theta + eps v) comes first")):
        if near(factor * wanted):
            return f"{what} is {words}"
    hint = low_precision(yours)
    return (f"{what} gives wrong values; " + largest_differences(array.astype(float), wanted, "Hv", reference="right")
            + (f"\n{hint}" if hint else ""))


def _judge_product(seen, inputs, expected):
    cubic_case, network_case = seen["cubic"], seen["network"]
    for case, where in ((cubic_case, "the cubic"), (network_case, "the tanh network")):
        problem = _state_problem(case, where)
        if problem:
            return Result(False, [problem])
    cubic = inputs["cubic"]
    problem = _product_problem(cubic_case["out"], _cubic_hessian_product(cubic), "on the cubic (eps = 0.1), Hv",
                               step=cubic["eps"], square=cubic["v"] ** 2)
    if problem:
        return Result(False, [problem])
    problem = _product_problem(network_case["out"], np.asarray(expected["network"]["out"]),
                               "on a 4-5-3 tanh network, Hv")
    if problem:
        return Result(False, [problem])
    calls = cubic_case["gradient_calls"]
    note = f"note: one product took {calls} gradients; two are enough" if calls > 2 else None
    return passed_with([note], "hessian_vector_product equals the exact product on a cubic (any step) and on a "
                               f"4-5-3 tanh network (to {PRODUCT_RTOL:g}), the parameters left exactly as they were")


# ---- power_iteration -----------------------------------------------------------------------------
def _unpack(case, number):
    returned = case["returned"]
    if not isinstance(returned, list) or len(returned) != 3:
        return f"case {number}: expected (eigenvalue, vector, products), got {returned!r:.80}"
    value, vector, products = returned
    if not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
        return f"case {number}: the eigenvalue should be a finite number, got {value!r:.80}"
    return float(value), as_array(vector, "the vector"), products


def _judge_power(seen, inputs, expected):
    lines = []
    for number, case in enumerate(inputs["cases"]):
        yours = _unpack(seen[f"case{number}"], number)
        if isinstance(yours, str):
            return Result(False, [yours])
        value, vector, products = yours
        calls, cap = seen[f"case{number}"]["calls"], case["iterations"]
        what = f"on a 12 x 12 matrix (iterations={cap}, tol={case['tol']:g})"
        if products != calls:
            return Result(False, [f"{what}: products says {products}, but matvec was called {calls} times"])
        if calls > cap:
            return Result(False, [f"{what}: matvec was called {calls} times, more than iterations={cap}"])
        if isinstance(vector, str) or vector.shape != (len(case["matrix"]),):
            shape = vector if isinstance(vector, str) else vector.shape
            return Result(False, [f"{what}: expected a vector of shape ({len(case['matrix'])},), got {shape}"])
        if not np.isclose(np.linalg.norm(vector), 1.0, rtol=1e-9):
            return Result(False, [f"{what}: the vector's length is {np.linalg.norm(vector):.6g}; return it "
                                  "normalized (length 1)"])
        if cap < 100:  # the cap: it must stop there, whatever the estimate does
            if calls != cap:
                return Result(False, [f"{what}: expected it to stop after the {cap} products it may take, "
                                      f"took {calls}"])
            continue
        spectrum = np.asarray(SPECTRA[number])
        top = spectrum[np.argmax(np.abs(spectrum))]
        if abs(value - top) > 1e-6 * abs(top):
            if abs(value + top) <= 1e-6 * abs(top):
                return Result(False, [f"{what}: expected the eigenvalue {top:g}, got {value:.10g}: the norm of H v "
                                      "loses the sign; the Rayleigh quotient v . (H v) keeps it"])
            return Result(False, [f"{what}: expected the eigenvalue of largest magnitude, {top:g}, got {value:.10g} "
                                  f"after {calls} products"])
        q = _orthogonal(len(spectrum), (1, 2)[number])
        alignment = abs(float(vector @ q[:, np.argmax(np.abs(spectrum))]))
        if alignment < 1 - 1e-6:
            return Result(False, [f"{what}: the vector is not the eigenvector of {top:g} (|cos| = {alignment:.8f}); "
                                  "return the last normalized iterate"])
        reference = expected[f"case{number}"]["calls"]
        if calls > 2 * reference + 5:
            return Result(False, [f"{what}: took {calls} products where {reference} settle the estimate to tol: stop "
                                  "when it changes by less than tol (relative)"])
        lines.append(f"{top:g} in {calls} products")
    return Result(True, ["power_iteration finds " + " and ".join(lines) + " (the norm would have said +6), and "
                         "stops at its cap of 5"])
