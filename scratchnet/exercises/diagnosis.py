"""What kind of wrong: reading how a learner's gradient relates to the numerical one.

Each function takes arrays and returns a sentence, or ``None`` when its kind of mistake
does not fit; :func:`diagnose` tries them in order, from the most specific.
"""

import numpy as np


def _close(a, b, rtol=1e-5, atol=1e-8):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol * max(1.0, np.abs(b).max(initial=0)))


def wrong_shape(analytic, numerical, name):
    if analytic.shape == numerical.shape:
        return None
    if analytic.shape == numerical.shape[::-1] and _close(analytic.T, numerical):
        return f"{name} is transposed: it has shape {analytic.shape}, the parameter {numerical.shape}."
    if numerical.ndim == 1 and analytic.ndim == 2 and numerical.shape[0] in analytic.shape:
        axis = 0 if analytic.shape[1] == numerical.shape[0] else 1
        if _close(analytic.sum(axis=axis), numerical):
            return (f"{name} has shape {analytic.shape} but should be {numerical.shape}: sum it over the batch "
                    f"axis (axis=0).")
    if numerical.ndim == 1 and analytic.ndim == 1:
        return (f"{name} has shape {analytic.shape} but should be {numerical.shape}, one entry per output: summed "
                f"over the wrong axis? Sum over the batch axis (axis=0).")
    if numerical.ndim == 1 and analytic.size == numerical.size and _close(analytic.reshape(numerical.shape), numerical):
        return f"{name} has the right values in the shape {analytic.shape}; it should be {numerical.shape}."
    return f"{name} has shape {analytic.shape}; it should have the shape of its parameter, {numerical.shape}."


def all_zero(analytic, numerical, name):
    if not np.any(analytic) and np.any(numerical):
        return f"{name} is zero everywhere, but the numerical gradient is not: is it computed at all?"
    return None


def opposite_sign(analytic, numerical, name):
    if np.any(numerical) and _close(-analytic, numerical):
        return f"{name} has the opposite sign of the numerical gradient everywhere."
    return None


def constant_factor(analytic, numerical, name, batch_size=None, loss_layer=False):
    """A gradient off by a constant; ``loss_layer`` says whether this layer is the one that divides by N."""
    scale = np.vdot(numerical, numerical)
    if scale == 0:
        return None
    factor = np.vdot(analytic, numerical) / scale
    if abs(factor - 1) < 1e-3 or not _close(analytic, factor * numerical, rtol=1e-4):
        return None
    if batch_size and batch_size > 2 and abs(factor - batch_size) < 1e-3 * batch_size:
        return (f"{name} is exactly {batch_size} times too large, the batch size: did you forget to divide by "
                f"the batch size?")
    if batch_size and batch_size > 2 and abs(factor * batch_size - 1) < 1e-3:
        if loss_layer:
            return f"{name} is exactly 1/{batch_size} of what it should be: it is divided by the batch size twice."
        return (f"{name} is exactly 1/{batch_size} of what it should be, 1 / the batch size: this layer must not "
                f"divide by N; the loss layer's backward already did (SoftmaxWithLoss returns (y - t) / N).")
    for value, words in ((2.0, "twice"), (0.5, "half")):
        if abs(factor - value) < 1e-3:
            return f"{name} is {words} what it should be everywhere (a factor {value:g})."
    return f"{name} is off by a constant factor of {factor:.4g} everywhere."


def masked(analytic, numerical, name, x=None, dout=None):
    if dout is not None and np.shape(dout) == analytic.shape and _inverted(analytic, numerical, dout):
        return (f"{name} passes dout where x <= 0 and blocks it where x > 0: the mask is inverted (dout must "
                f"go through where x > 0).")
    right = np.isclose(analytic, numerical, rtol=1e-4, atol=1e-7 * max(1.0, np.abs(numerical).max(initial=0)))
    if right.all() or not right.any() or x is None or np.shape(x) != analytic.shape:
        return None
    if np.array_equal(~right, x == 0):
        return (f"{name} is wrong only where x is exactly 0: there the book's ReLU passes no gradient (its mask "
                f"is x <= 0).")
    for mask, words in ((x > 0, "where x > 0"), (x <= 0, "where x <= 0"), (x >= 0, "where x >= 0"),
                        (x < 0, "where x < 0")):
        if np.array_equal(right, mask) or (mask.any() and right[mask].all() and not right[~mask].any()):
            return (f"{name} is right only {words} and wrong elsewhere: check the mask (which entries pass "
                    f"the gradient through).")
    return None


def _inverted(analytic, numerical, dout):
    """Each entry is either dout or 0, and exactly where the right gradient passes dout, yours gives 0."""
    tolerance = 1e-7 * max(1.0, np.abs(dout).max(initial=0))
    passes_yours, passes_right = np.isclose(analytic, dout, atol=tolerance), np.isclose(numerical, dout, atol=1e-4)
    return (np.all(passes_yours | np.isclose(analytic, 0, atol=tolerance)) and passes_right.any()
            and np.array_equal(passes_yours, ~passes_right))


def rearranged(analytic, numerical, name):
    if analytic.size > 1 and _close(np.sort(analytic, axis=None), np.sort(numerical, axis=None)):
        return (f"{name} has the right numbers in the wrong places: a reshape or transpose in the wrong order "
                f"(for a convolution: dout.transpose(0, 2, 3, 1) before reshaping, and dW = delta.T @ col).")
    return None


def largest_differences(analytic, numerical, name, count=3, reference="numerical"):
    difference = np.abs(analytic - numerical)
    order = np.argsort(difference, axis=None)[::-1][:count]
    places = []
    for flat in order:
        index = np.unravel_index(flat, analytic.shape)
        where = "[" + ", ".join(str(int(i)) for i in index) + "]"
        places.append(f"{name}{where}: yours {analytic[index]:.6g}, {reference} {numerical[index]:.6g}")
    return "the entries that differ most: " + "; ".join(places)


def two_numbers(yours, right):
    """``"yours; the right value is right"`` with just enough digits to see that they differ."""
    for digits in range(6, 18):
        a, b = f"{yours:.{digits}g}", f"{right:.{digits}g}"
        if a != b:
            break
    return f"{a}; the right value is {b}"


def diagnose(analytic, numerical, name, batch_size=None, x=None, loss_layer=False, dout=None):
    """One sentence saying how ``analytic`` is wrong, judged against ``numerical``."""
    analytic, numerical = np.asarray(analytic, dtype=float), np.asarray(numerical, dtype=float)
    shape = wrong_shape(analytic, numerical, name)
    if shape:
        return shape
    for check in (all_zero, opposite_sign):
        found = check(analytic, numerical, name)
        if found:
            return found
    return (constant_factor(analytic, numerical, name, batch_size, loss_layer)
            or masked(analytic, numerical, name, x, dout) or rearranged(analytic, numerical, name)
            or largest_differences(analytic, numerical, name))
