"""Checks of optimizers: five steps on two arrays against the book's rule, and which mistake fits when not.

A wrong trajectory is compared with the trajectories of the usual mistakes (each a small rule
below, run here on the same inputs); the one it follows exactly is named.
"""

import numpy as np

from scratchnet.exercises.checks import Result, as_array, reference
from scratchnet.optimizers import EPSILON

SETTINGS = {"sgd": {"lr": 0.1}, "momentum": {"lr": 0.1, "momentum": 0.9}, "nesterov": {"lr": 0.1, "momentum": 0.9},
            "adagrad": {"lr": 0.5}, "rmsprop": {"lr": 0.2, "decay_rate": 0.9},
            "adam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999}}
STEPS = 5


def inputs_optimizer(exercise):
    rng = np.random.default_rng(3)
    params = {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal(3)}
    grads = [{key: rng.standard_normal(value.shape) for key, value in params.items()} for _ in range(STEPS)]
    return {"settings": SETTINGS[exercise.name], "params": params, "grads": grads}


def judge_optimizer(exercise, seen, inputs, expected):
    for step in range(1, STEPS + 1):
        if seen[f"replaced{step}"]:
            return Result(False, ["update replaces params[key] with a new array: change it in place "
                                  "(params[key] -= ..., not params[key] = ...)"])
        for key in inputs["params"]:
            yours = as_array(seen[f"step{step}"][key], f"params[{key!r}]")
            if isinstance(yours, str):
                return Result(False, [yours])
            if yours.shape != expected[f"step{step}"][key].shape or not np.allclose(
                    yours, expected[f"step{step}"][key], rtol=1e-10, atol=1e-12):
                return Result(False, [_diagnosis(exercise, seen, inputs, step, key)])
    return Result(True, [f"{exercise.symbol}: five steps on two arrays equal the book's rule"])


# ---- the usual mistakes --------------------------------------------------------------------------------
def _kept(state, key, like):
    return state.setdefault(key, np.zeros_like(like))


def _sgd_uphill(state, key, p, g, s):
    p += s["lr"] * g


def _momentum_uphill(state, key, p, g, s):
    v = _kept(state, key, p)
    v *= s["momentum"]
    v += s["lr"] * g
    p += v


def _nesterov_new_velocity(state, key, p, g, s):
    v = _kept(state, key, p)
    v *= s["momentum"]
    v -= s["lr"] * g
    p += s["momentum"] ** 2 * v - (1 + s["momentum"]) * s["lr"] * g


def _nesterov_as_momentum(state, key, p, g, s):
    v = _kept(state, key, p)
    v *= s["momentum"]
    v -= s["lr"] * g
    p += v


def _adagrad_not_summed(state, key, p, g, s):
    p -= s["lr"] * g / (np.abs(g) + EPSILON)


def _adagrad_no_root(state, key, p, g, s):
    h = _kept(state, key, p)
    h += g * g
    p -= s["lr"] * g / (h + EPSILON)


def _rmsprop_swapped(state, key, p, g, s):
    h = _kept(state, key, p)
    h *= 1 - s["decay_rate"]
    h += s["decay_rate"] * g * g
    p -= s["lr"] * g / (np.sqrt(h) + EPSILON)


def _adam(state, key, p, g, s, t, corrected=True):
    m, v = _kept(state, key + ".m", p), _kept(state, key + ".v", p)
    lr_t = s["lr"] * np.sqrt(1 - s["beta2"] ** t) / (1 - s["beta1"] ** t) if corrected else s["lr"]
    m += (1 - s["beta1"]) * (g - m)
    v += (1 - s["beta2"]) * (g**2 - v)
    p -= lr_t * m / (np.sqrt(v) + EPSILON)


def _adam_uncorrected(state, key, p, g, s):
    _adam(state, key, p, g, s, t=None, corrected=False)


def _adam_t_per_key(state, key, p, g, s):
    state["t"] = state.get("t", 0) + 1
    _adam(state, key, p, g, s, state["t"])


MISTAKES = {
    "sgd": [(_sgd_uphill, "params move uphill, along +grads: the rule is params[key] -= lr * grads[key]")],
    "momentum": [(_momentum_uphill, "params move uphill: the sign is wrong; v = momentum * v - lr * grads[key], "
                                    "then params[key] += v")],
    "nesterov": [(_nesterov_new_velocity, "the look-ahead uses the new velocity; the book's rule moves params with "
                                          "the old v first, and only then updates v"),
                 (_nesterov_as_momentum, "this is Momentum's rule: Nesterov looks ahead, params += momentum^2 * v - "
                                         "(1 + momentum) * lr * grads")],
    "adagrad": [(_adagrad_not_summed, "h is not summed: h must add up every step's grads * grads (h += g * g)"),
                (_adagrad_no_root, "the step divides by h, not by its square root: lr * g / (sqrt(h) + 1e-7)")],
    "rmsprop": [(_rmsprop_swapped, "decay_rate and 1 - decay_rate are swapped: h = decay_rate * h + "
                                   "(1 - decay_rate) * g * g keeps most of the old h")],
    "adam": [(_adam_uncorrected, "without the bias correction lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) the "
                                 "first steps are far too small: m and v start at 0"),
             (_adam_t_per_key, "the step count t goes up once per key, not once per call: count calls of update "
                               "(t += 1 once, before the loop over keys)")],
}


def _afresh(optimizer_class):
    """The reference rule with its state made anew at every step: what an optimizer that forgets does."""
    def rule(state, key, p, g, s):
        optimizer_class(**s).update({key: p}, {key: g.copy()})
    return rule


def _trajectory(rule, inputs):
    params = {key: value.copy() for key, value in inputs["params"].items()}
    state, steps = {}, []
    for grads in inputs["grads"]:
        for key in params:
            rule(state, key, params[key], grads[key], inputs["settings"])
        steps.append({key: value.copy() for key, value in params.items()})
    return steps


def _follows(seen, steps, until):
    for number, wanted in enumerate(steps[:until], 1):
        for key, value in wanted.items():
            yours = as_array(seen[f"step{number}"][key], key)
            if isinstance(yours, str) or yours.shape != value.shape or not np.allclose(yours, value, rtol=1e-8):
                return False
    return True


def _diagnosis(exercise, seen, inputs, step, key):
    yours = as_array(seen[f"step{step}"][key], key)
    if not isinstance(yours, str) and not np.all(np.isfinite(yours)):
        return (f"diagnosis: params[{key!r}] is not a number after step {step}: a division by zero? (Adam: "
                "1 - beta1^t is 0 while t is 0; count t before computing lr_t)" if exercise.name == "adam" else
                f"diagnosis: params[{key!r}] is not a number after step {step}: a division by zero?")
    observed = sum(f"step{number}" in seen for number in range(1, STEPS + 1))
    with np.errstate(all="ignore"):
        for rule, words in MISTAKES.get(exercise.name, []):
            if _follows(seen, _trajectory(rule, inputs), observed):
                return f"diagnosis: {words}"
        if exercise.name != "sgd" and _follows(seen, _trajectory(_afresh(reference(exercise)), inputs), observed):
            return (f"diagnosis: params[{key!r}] is right after step 1 and wrong after step {step}: the state "
                    "(velocities, sums, the step count) starts afresh every call; keep it in self, one per key, "
                    "created on the first call")
    where = f"diagnosis: params[{key!r}] is wrong after step {step}"
    if step > 1:
        where += (" (right after step 1): is the state (velocity, sums, step count) kept between calls, "
                  "one per key?")
    return where
