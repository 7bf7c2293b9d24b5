r"""Loss along a line and over a plane in parameter space: :func:`loss_grid`, :func:`loss_line`, :func:`loss_points`.

Two ways to give the loss: a scratchnet network with its data, evaluated by the fast
exact :class:`~scratchnet.landscape.evaluator.PlaneEvaluator`, or any function of a params
dict (:mod:`~scratchnet.landscape.functional`), called once per point.
:func:`loss_grid_naive` is the readable definition both are tested against. Grids are
computed in chunks of points, serially or on any ``concurrent.futures.Executor`` (the same
chunks, so the same numbers), and can be cached in a ``.npz`` file keyed by everything
they depend on.
"""

import hashlib
import json
import os
import time
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from scratchnet.blas import blas_threads
from scratchnet.fileio import atomic_path
from scratchnet.landscape.directions import params_to_vector, split_vector, vector_to_params
from scratchnet.landscape.evaluator import PlaneEvaluator
from scratchnet.landscape.functional import (
    FunctionEvaluator,
    ParamsSpec,
    as_vector,
    function_fingerprint,
    is_loss_function,
)
from scratchnet.layers import Dropout
from scratchnet.progress import ProgressBar


class LandscapeWarning(UserWarning):
    """Some grid points have no finite loss; they are left as NaN (gaps in a figure)."""


def _check_coordinates(values, argument):
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"{argument}: expected a non-empty 1-D array of finite grid coordinates, got {values!r}")
    return values


def loss_grid_naive(network, x, t, center, d1, d2, alphas, betas, train=False):
    """The readable reference: set the parameters, run the whole network, for every grid point.

    Returns ``Z`` with ``Z[j, i] = L(center + alphas[i] d1 + betas[j] d2)``. The
    network's own parameters are restored afterwards.
    """
    alphas, betas = _check_coordinates(alphas, "alphas"), _check_coordinates(betas, "betas")
    center, d1, d2 = (np.asarray(v, dtype=float) for v in (center, d1, d2))
    for name, vector in (("center", center), ("d1", d1), ("d2", d2)):
        split_vector(vector, network.params, name)
    saved = params_to_vector(network.params)
    Z = np.empty((len(betas), len(alphas)))
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for j, b in enumerate(betas):
                for i, a in enumerate(alphas):
                    vector_to_params(center + a * d1 + b * d2, network.params)
                    Z[j, i] = network.evaluate_loss(x, t, train=train)
    finally:
        vector_to_params(saved, network.params)
    return Z


def _fingerprint(identity, arrays, settings):
    from scratchnet import __version__  # a grid cached by another release is computed again

    digest = hashlib.sha256(json.dumps({**settings, "version": __version__}, sort_keys=True).encode())
    digest.update(identity.encode())
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(str((array.dtype.str, array.shape)).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


STATE = ("running_mean", "running_var", "eps", "dropout_ratio", "factor", "stride", "pad", "pool_h", "pool_w",
         "input_shape", "elementwise")  # what a layer holds besides its parameters that its loss depends on


def _network_identity(network):
    """The layers, their settings and non-parameter state (batch-norm averages, dropout ratio, a loss's factor),
    the loss layer and weight decay: everything a grid of this network depends on besides the vectors and data."""
    def digest(value):
        if value is None:
            return None
        array = np.ascontiguousarray(value)
        return f"{array.dtype.str}{array.shape}:{hashlib.sha256(array.tobytes()).hexdigest()[:16]}"

    parts = [("weight_decay_lambda", float(getattr(network, "weight_decay_lambda", 0.0) or 0.0))]
    for name, layer in [*network.layers.items(), ("last layer", network.last_layer)]:
        state = {key: digest(getattr(layer, key)) for key in STATE if hasattr(layer, key)}
        if isinstance(layer, Dropout):  # a training-mode grid reuses the last mask
            state["mask"] = digest(layer.mask)
        parts.append((name, type(layer).__name__, state))
    return repr(parts)


def _plane(model, args, named, names, params=None):
    """The arguments of both call forms, positional or by name: ``(network, x, t, *names)`` or ``(loss_fn, *names)``.

    Returns ``(network or None, loss_fn or None, x, t, spec, rest)`` where ``rest`` maps
    ``names`` to values, with ``center``, ``d1``, ``d2`` as float vectors (dicts converted).
    """
    function = is_loss_function(model)
    expected = names if function else ("x", "t", *names)
    if len(args) > len(expected) or set(named) - set(expected[len(args):]):
        form = "loss_fn" if function else "network"
        raise TypeError(f"expected the arguments ({form}, {', '.join(expected)}), got {len(args) + 1} positional "
                        f"and {sorted(named)} by name")
    values = {**dict(zip(expected, args, strict=False)), **named}  # the first len(args) names
    missing = [name for name in expected if name not in values]
    if missing:
        raise TypeError(f"missing the arguments {missing}")
    rest = {name: values[name] for name in names}
    moving = [name for name in ("center", "d1", "d2", "direction") if name in rest]
    if function:
        spec = params if isinstance(params, ParamsSpec) else None
        if spec is None:
            template = params if params is not None else rest["center"]
            if not isinstance(template, dict):
                raise ValueError("params: with a loss function and vectors for center and the directions, pass "
                                 "params= (a dict with your keys and shapes), or give center as a params dict")
            spec = ParamsSpec(template, "params" if params is not None else "center")
        for name in moving:
            rest[name] = as_vector(rest[name], spec, name)
        return None, model, None, None, spec, rest
    for name in moving:
        rest[name] = np.asarray(rest[name], dtype=float)
        split_vector(rest[name], model.params, name)
    return model, None, values["x"], values["t"], None, rest


def _thread_count(threads, evaluator, executor):
    """How many threads of this process evaluate the grid: 1 with an executor or an evaluator not safe for threads."""
    if threads is not None and (int(threads) != threads or threads < 1):
        raise ValueError(f"threads: expected a whole number >= 1 or None (one per core), got {threads!r}")
    if executor is not None or not getattr(evaluator, "thread_safe", False):
        return 1
    return int(threads or os.cpu_count() or 1)


def worker_count(executor):
    """How many tasks ``executor`` runs at once: one group of chunks is sent to each.

    A process or thread pool says so (``max_workers``), a Dask client's executor by the
    threads of its cluster's workers; otherwise the number of this machine's cores.
    """
    workers = getattr(executor, "_max_workers", None)
    client = getattr(executor, "_client", None)  # distributed.client.ClientExecutor
    if workers is None and client is not None and hasattr(client, "nthreads"):
        workers = sum(client.nthreads().values())
    return max(1, int(workers or os.cpu_count() or 2))


def _send_once(executor, evaluator):
    """The evaluator sent once to every worker of a Dask client's executor (a future standing for it), else None.

    Any other executor sends it with each task.
    """
    client = getattr(executor, "_client", None)  # distributed.client.ClientExecutor
    if client is None or not callable(getattr(client, "scatter", None)):
        return None
    return client.scatter(evaluator, broadcast=True)


def _evaluate_chunks(evaluator, flat_a, flat_b, chunks):
    """One task: ``evaluator.evaluate_chunks`` (a function, so that a worker can be given the evaluator by a future)."""
    return evaluator.evaluate_chunks(flat_a, flat_b, chunks)


def _evaluator(network, loss_fn, x, t, spec, vectors, train, dtype=np.float64, accuracy=False):
    """What evaluates the plane: a loss function's, or a network's fast exact :class:`PlaneEvaluator`."""
    if loss_fn is not None:
        return FunctionEvaluator(loss_fn, spec, *vectors)
    return PlaneEvaluator(network, x, t, *vectors, train=train, accuracy=accuracy, dtype=dtype)


def _run_chunks(evaluator, flat_a, flat_b, executor, bar):
    """Evaluate every chunk of the flat point arrays, serially or on ``executor``; results in order."""
    chunks = evaluator.chunk_ranges(flat_a.size)
    began = time.monotonic()

    def note(done, total):
        left = (time.monotonic() - began) / done * (total - done)
        return f"about {left:.0f} s left" if done < total else ""

    results = []
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor: expected a concurrent.futures.Executor (something with submit), got "
                        f"{type(executor).__name__}")
    if executor is None:
        for done, chunk in enumerate(chunks, 1):
            results.append(evaluator.evaluate_chunks(flat_a, flat_b, [chunk]))
            bar.update(done, note(done, len(chunks)))
    else:
        workers, shipped = worker_count(executor), _send_once(executor, evaluator)
        # Each task carries the evaluator, so one group of chunks per worker; where it was sent once, several,
        # so that a worker that runs faster (a core with less else to do) takes more of them. Threads share it:
        # a chunk a task, so that Ctrl-C stops the grid after the chunks running at that moment.
        tasks = len(chunks) if isinstance(executor, ThreadPoolExecutor) else workers * (1 if shipped is None else 8)
        groups = np.array_split(np.arange(len(chunks)), min(len(chunks), tasks))
        futures = [executor.submit(_evaluate_chunks, evaluator if shipped is None else shipped, flat_a, flat_b,
                                   [chunks[i] for i in group]) for group in groups if len(group)]
        try:
            for done, future in enumerate(futures, 1):
                results.append(future.result())
                bar.update(done * len(chunks) // len(futures), note(done, len(futures)))
        except BaseException:  # Ctrl-C, or a chunk's error: nothing more is started
            for future in futures:
                future.cancel()
            raise
    return results


def loss_grid(model, *args, accuracy=False, executor=None, threads=None, cache=None, progress=False, train=False,
              params=None, dtype=np.float64, **named):
    """``Z[j, i] = L(center + alphas[i] d1 + betas[j] d2)``, shape ``(len(betas), len(alphas))``.

    Two ways to give the loss::

        loss_grid(network, x, t, center, d1, d2, alphas, betas)   # a scratchnet network and its data
        loss_grid(loss_fn, center, d1, d2, alphas, betas)         # any function of a params dict

    With a network the grid is computed by :class:`PlaneEvaluator`: equal to
    :func:`loss_grid_naive` to rounding (tests hold it to 1e-10 relative), much faster.
    With ``loss_fn(params) -> float``, your own network's loss, the function is called
    once per grid point on a dict with your keys and shapes; ``center``, ``d1``, ``d2``
    are then params dicts or vectors (with ``params=`` a dict giving the keys and shapes).

    ``accuracy=True`` (networks only) also returns the accuracy at each point.
    ``executor`` (any ``concurrent.futures.Executor``, such as a Dask cluster's
    ``client.get_executor()``) splits the grid across workers with identical results.
    Without one, a network's grid runs on ``threads`` threads of this process (``None``:
    one per core; 1: serially), with BLAS held to one thread each; the results are the
    same for any number. A loss function is called serially, since it may not be safe
    to call from two threads at once. ``dtype=np.float32`` evaluates a network's grid in
    float32: faster, within about 1e-6 relative of float64. ``cache`` is a ``.npz`` path:
    a grid computed with the same network, data, directions and coordinates (or the same
    function code and arrays it refers to) is loaded instead of recomputed. ``progress``
    draws a progress bar with the time left on a terminal. Points whose loss is not
    finite are NaN, with a :class:`LandscapeWarning`.
    """
    network, loss_fn, x, t, spec, rest = _plane(model, args, named, ("center", "d1", "d2", "alphas", "betas"),
                                                  params)
    alphas, betas = _check_coordinates(rest["alphas"], "alphas"), _check_coordinates(rest["betas"], "betas")
    vectors = [rest["center"], rest["d1"], rest["d2"]]
    if network is not None and (np.ndim(x) == 0 or len(x) == 0 or np.ndim(t) == 0 or len(t) != len(x)):
        raise ValueError(f"x, t: expected at least one sample and one label per sample, got shapes {np.shape(x)} "
                         f"and {np.shape(t)}")
    if loss_fn is not None and accuracy:
        raise ValueError("accuracy: a loss function gives only the loss; use a network (from_params) for accuracy")
    if loss_fn is not None and np.dtype(dtype) != np.float64:
        raise ValueError(f"dtype: a loss function computes in its own dtype; dtype={np.dtype(dtype).name} is for "
                         f"networks (use from_params to make one of your arrays)")
    key = None
    if cache is not None:
        if loss_fn is not None:
            identity, arrays = function_fingerprint(loss_fn) + repr(spec), [*vectors, alphas, betas]
        else:
            identity, arrays = _network_identity(network), [np.asarray(x), np.asarray(t), *vectors, alphas, betas]
        settings = {"accuracy": accuracy, "train": train}
        if np.dtype(dtype) != np.float64:  # float64 grids keep the keys they had before dtype existed
            settings["dtype"] = np.dtype(dtype).name
        key = _fingerprint(identity, arrays, settings)
        stored = _load_cached(cache, key, (len(betas), len(alphas)), accuracy)
        if stored is not None and _still_right(stored["Z"], cache, alphas, betas, network, loss_fn, x, t, spec,
                                               vectors, train, dtype):
            return (stored["Z"], stored["accuracy"]) if accuracy else stored["Z"]
    evaluator = _evaluator(network, loss_fn, x, t, spec, vectors, train, dtype, accuracy)
    A, B = np.meshgrid(alphas, betas)
    label = f"loss grid {len(betas)}x{len(alphas)}"
    bar = ProgressBar(len(evaluator.chunk_ranges(A.size)), label, progress)
    threads = _thread_count(threads, evaluator, executor)
    with blas_threads(1 if loss_fn is None else None):  # many small products: one BLAS thread is as fast
        if threads > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                results = _run_chunks(evaluator, A.ravel(), B.ravel(), pool, bar)
        else:
            results = _run_chunks(evaluator, A.ravel(), B.ravel(), executor, bar)
    bar.finish(f"{label}: done")
    if accuracy:
        Z = np.concatenate([r[0] for r in results]).reshape(A.shape)
        acc = np.concatenate([r[1] for r in results]).reshape(A.shape)
    else:
        Z, acc = np.concatenate(results).reshape(A.shape), None
    bad = ~np.isfinite(Z)
    if bad.any():
        Z[bad] = np.nan
        warnings.warn(f"{int(bad.sum())} of {Z.size} grid points have no finite loss; "
                      f"they are NaN and show as gaps", LandscapeWarning, stacklevel=2)
    if cache is not None:
        _save_cached(cache, key, Z, acc)
    return (Z, acc) if accuracy else Z


def loss_line(model, *args, accuracy=False, cache=None, progress=False, train=False, params=None, **named):
    """``L(center + a * direction)`` for each ``a`` of ``alphas`` (and the accuracy, if asked).

    ``loss_line(network, x, t, center, direction, alphas)`` or
    ``loss_line(loss_fn, center, direction, alphas)``, as for :func:`loss_grid`.
    """
    network, loss_fn, x, t, spec, rest = _plane(model, args, named, ("center", "direction", "alphas"), params)
    zero = np.zeros_like(rest["direction"])
    head = (loss_fn,) if loss_fn is not None else (network, x, t)
    result = loss_grid(*head, rest["center"], rest["direction"], zero, rest["alphas"], [0.0], accuracy=accuracy,
                       cache=cache, progress=progress, train=train, params=spec)
    return (result[0][0], result[1][0]) if accuracy else result[0]


def _load_cached(path, key, shape, accuracy):
    """The grid stored in ``path`` under ``key``; ``None`` if there is none, or (with a warning) if the file is
    damaged or holds something else: the grid is then computed again and the file replaced."""
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as stored:  # closed even if damaged
            if str(stored["key"]) != key:
                return None  # another grid's cache: computed again, and replaced
            Z = np.asarray(stored["Z"])
            acc = np.asarray(stored["accuracy"]) if "accuracy" in stored.files else None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        warnings.warn(f"cache: {path} could not be read ({type(error).__name__}: {error}); computing the grid again "
                      f"and replacing the file", LandscapeWarning, stacklevel=3)
        return None
    if Z.shape != shape or Z.dtype.kind != "f" or (accuracy and (acc is None or acc.shape != shape)):
        warnings.warn(f"cache: {path} holds a grid of shape {Z.shape} ({Z.dtype}) where {shape} was expected; "
                      f"computing the grid again and replacing the file", LandscapeWarning, stacklevel=3)
        return None
    return {"Z": Z, "accuracy": acc}


def _still_right(Z, path, alphas, betas, network, loss_fn, x, t, spec, vectors, train, dtype):
    """Whether two points of a cached grid, a corner and the middle, are what the loss gives now.

    A key cannot see everything a loss depends on (a helper function a loss function calls, a global it reads,
    a layer's attribute the key leaves out), but the loss can be asked: two evaluations, against a whole grid.
    """
    rows, columns = [0, len(betas) // 2], [0, len(alphas) // 2]
    evaluator = _evaluator(network, loss_fn, x, t, spec, vectors, train, dtype)
    a, b = np.asarray(alphas)[columns], np.asarray(betas)[rows]
    now = evaluator.evaluate_chunks(a, b, evaluator.chunk_ranges(2))
    tolerance = 1e-9 if np.dtype(dtype) == np.float64 else 1e-5
    if np.allclose(now, Z[rows, columns], rtol=tolerance, atol=0, equal_nan=True):
        return True
    warnings.warn(f"cache: {path} holds a grid made from another state of the loss (at a probe point it gives "
                  f"{Z[rows[1], columns[1]]:.10g}, the loss now {now[1]:.10g}); computing the grid again",
                  LandscapeWarning, stacklevel=3)
    return False


def _save_cached(path, key, Z, acc):
    arrays = {"key": np.array(key), "Z": Z}
    if acc is not None:
        arrays["accuracy"] = acc
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            np.savez(handle, **arrays)


def loss_points(model, *args, train=False, params=None, **named):
    """``L(center + a d1 + b d2)`` for each row ``(a, b)`` of ``points`` (``(k, 2)``), computed as the grid is.

    ``loss_points(network, x, t, center, d1, d2, points)`` or ``loss_points(loss_fn, center, d1, d2, points)``.
    """
    network, loss_fn, x, t, spec, rest = _plane(model, args, named, ("center", "d1", "d2", "points"), params)
    points = np.asarray(rest["points"], dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"points: expected a non-empty array of (a, b) rows, shape (k, 2), got {points.shape}")
    vectors = (rest["center"], rest["d1"], rest["d2"])
    evaluator = _evaluator(network, loss_fn, x, t, spec, vectors, train)
    return evaluator.evaluate_chunks(points[:, 0], points[:, 1], evaluator.chunk_ranges(len(points)))
