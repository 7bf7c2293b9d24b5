r"""Landscapes of a loss given as a plain function of a params dict: anyone's numpy network.

A network written by hand needs no scratchnet layers here. Its loss is a function
``loss_fn(params) -> float`` of a dict with its own keys and shapes (``{"W1": (128, 784),
"b1": (1, 128), ...}``). :class:`ParamsSpec` turns such dicts into parameter vectors
:math:`\theta \in \mathbb R^P` and back; :class:`FunctionEvaluator` evaluates
:math:`L(c + \alpha d_1 + \beta d_2)` the general way: build the dict, call the function,
once per point. That is the same work as the naive loop, so it is as slow as the user's
forward pass; :func:`scratchnet.networks.from_params` rebuilds a plain MLP as a scratchnet
network, whose grids take the fast exact path instead.
"""

import hashlib
import inspect
import math
from collections.abc import Mapping

import numpy as np


class ParamsSpec:
    """The keys and array shapes of a params dict, in its order: dicts to vectors and back."""

    def __init__(self, params, argument="params"):
        if not isinstance(params, Mapping) or not params:
            raise ValueError(f"{argument}: expected a non-empty dict of parameter arrays, got {_describe(params)}")
        self.keys = tuple(params)
        self.shapes = tuple(np.shape(params[key]) for key in self.keys)
        self.sizes = tuple(math.prod(shape) for shape in self.shapes)
        self.size = sum(self.sizes)

    def vector(self, params, argument="params", out=None):
        """``params`` (a dict with exactly these keys and shapes) as one float64 vector of length P (into ``out``)."""
        self.check(params, argument)
        return np.concatenate([np.asarray(params[key], dtype=float).ravel() for key in self.keys], out=out)

    def check(self, params, argument="params"):
        """Raise a ``ValueError`` naming the key unless ``params`` has these keys and shapes."""
        if not isinstance(params, Mapping):
            raise ValueError(f"{argument}: expected a dict of parameter arrays, got {_describe(params)}")
        missing = [key for key in self.keys if key not in params]
        extra = [key for key in params if key not in self.keys]
        if missing or extra:
            raise ValueError(f"{argument}: expected the keys {list(self.keys)}; "
                             f"missing {missing}, unexpected {extra}")
        for key, shape in zip(self.keys, self.shapes, strict=True):
            if np.shape(params[key]) != shape:
                raise ValueError(f"{argument}[{key!r}]: expected shape {shape}, got {np.shape(params[key])}")

    def params(self, vector):
        """A new dict of float64 arrays with these keys and shapes, filled from ``vector``."""
        vector = self.check_vector(vector)
        pieces, offset = {}, 0
        for key, shape, size in zip(self.keys, self.shapes, self.sizes, strict=True):
            pieces[key] = vector[offset:offset + size].reshape(shape).copy()
            offset += size
        return pieces

    def check_vector(self, vector, argument="vector"):
        vector = np.asarray(vector, dtype=float)
        if vector.shape != (self.size,):
            raise ValueError(f"{argument}: expected a vector of length {self.size} (the parameter count), "
                             f"got shape {vector.shape}")
        return vector

    def __eq__(self, other):
        return isinstance(other, ParamsSpec) and (self.keys, self.shapes) == (other.keys, other.shapes)

    def __hash__(self):
        return hash((self.keys, self.shapes))

    def __repr__(self):
        return "ParamsSpec(" + ", ".join(f"{k}: {s}" for k, s in zip(self.keys, self.shapes, strict=True)) + ")"


def _describe(value):
    if isinstance(value, Mapping):
        return "an empty dict" if not value else "a dict"
    return f"{type(value).__name__} {np.shape(value) if hasattr(value, 'shape') else ''}".strip()


def is_loss_function(model):
    """Whether ``model`` is a plain loss function (callable, not a scratchnet network)."""
    return callable(model) and not hasattr(model, "layers")


def as_vector(value, spec, argument):
    """A dict (checked against ``spec``) or a vector of length P, as a float64 vector."""
    if isinstance(value, Mapping):
        return spec.vector(value, argument)
    return spec.check_vector(value, argument)


def trajectory_array(trajectory, spec=None):
    r"""``(array (points, P), spec)`` from a list of params dicts or an array of parameter vectors.

    Dicts are checked step by step against the first (or ``spec``): a key or shape that
    changes along the way is an error naming the step and the key. At least 3 points.
    """
    if isinstance(trajectory, np.ndarray) or not len(trajectory) or not isinstance(trajectory[0], Mapping):
        array = np.asarray(trajectory, dtype=float)
        if array.ndim != 2 or len(array) < 3:
            raise ValueError(f"trajectory: expected at least 3 recorded parameter vectors, as rows of an array "
                             f"(points, P) or as params dicts; got shape {array.shape}")
        if spec is not None:
            spec.check_vector(array[0], "trajectory[0]")
        return array, spec
    if len(trajectory) < 3:
        raise ValueError(f"trajectory: expected at least 3 recorded parameter vectors, "
                         f"got {len(trajectory)} params dicts")
    if spec is None:
        spec = ParamsSpec(trajectory[0], "trajectory[0]")
    rows = None  # filled in place, row by row: the caller's dicts and this array, never a third copy
    for step, params in enumerate(trajectory):
        try:
            if rows is None:
                first = spec.vector(params, f"trajectory[{step}]")
                rows = np.empty((len(trajectory), first.size))
                rows[0] = first
            else:
                spec.vector(params, f"trajectory[{step}]", out=rows[step])
        except ValueError as error:
            raise ValueError(f"{error} (the keys and shapes must stay those of trajectory[0] at every step)") \
                from None
    return rows, spec


class LossFunctionError(ValueError):
    """``loss_fn`` raised or returned something that is not a number, at a named point."""


def call_loss(loss_fn, params, where):
    """``float(loss_fn(params))``, with a clear error naming ``where`` (a grid point) when it fails."""
    try:
        value = loss_fn(params)
    except Exception as error:
        raise LossFunctionError(f"loss_fn raised {type(error).__name__} at {where}: {error}") from error
    if np.ndim(value) != 0:
        raise LossFunctionError(f"loss_fn: expected a scalar loss, got shape {np.shape(value)} at {where}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise LossFunctionError(f"loss_fn: expected a number, got {type(value).__name__} at {where}") from None


class FunctionEvaluator:
    r"""Evaluates :math:`L(c + \alpha d_1 + \beta d_2)` by calling ``loss_fn`` once per point.

    Same interface as :class:`~scratchnet.landscape.grid.PlaneEvaluator` (``chunk``,
    ``chunk_ranges``, ``evaluate``, ``evaluate_chunks``), so the grid code, its progress
    and its executors serve both. A point whose loss is not finite gives NaN.
    """

    chunk = 16  # points per piece of work: enough to make an executor's round trip worthwhile

    def __init__(self, loss_fn, spec, center, d1, d2):
        self.loss_fn, self.spec = loss_fn, spec
        self.center, self.d1, self.d2 = center, d1, d2

    def chunk_ranges(self, count):
        return [(start, min(start + self.chunk, count)) for start in range(0, count, self.chunk)]

    def evaluate(self, alphas, betas):
        losses = np.empty(len(alphas))
        for k, (a, b) in enumerate(zip(alphas, betas, strict=True)):
            params = self.spec.params(self.center + a * self.d1 + b * self.d2)
            losses[k] = call_loss(self.loss_fn, params, f"grid point (alpha={a:.6g}, beta={b:.6g})")
        return losses

    def evaluate_chunks(self, alphas, betas, chunks):
        return np.concatenate([self.evaluate(alphas[start:stop], betas[start:stop]) for start, stop in chunks])


def function_fingerprint(loss_fn):
    """What a cached grid of ``loss_fn`` depends on: its code and the arrays it refers to.

    The code (source, or bytecode where there is no source), and every numpy array among
    its defaults, closure cells and the module globals it names. Data reached in other
    ways (attributes of objects, files) is not seen: pass ``cache=None`` for such functions.
    """
    digest = hashlib.sha256()
    function = getattr(loss_fn, "__func__", loss_fn)
    code = getattr(function, "__code__", None)
    try:
        digest.update(inspect.getsource(function).encode())
    except (OSError, TypeError):
        digest.update(code.co_code if code is not None else repr(function).encode())
    referred = list(getattr(function, "__defaults__", None) or ())
    referred += [cell.cell_contents for cell in getattr(function, "__closure__", None) or ()]
    names = code.co_names if code is not None else ()
    module_globals = getattr(function, "__globals__", {})
    referred += [module_globals[name] for name in names if name in module_globals]
    for value in referred:
        if isinstance(value, np.ndarray):
            digest.update(str((value.dtype.str, value.shape)).encode())
            digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest()
