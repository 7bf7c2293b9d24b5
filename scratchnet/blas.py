"""Which BLAS library numpy's matrix products run on, and a limit on its threads.

numpy hands every matrix product to a BLAS library (OpenBLAS in numpy's wheels, MKL in
some distributions), which starts threads of its own, one per core by default. For a
few large products that is a gain. For many small ones, such as a loss grid's
per-point products, waking the threads costs more than it saves; and on a machine
where another process is busy, threads that spin while waiting for each other can make
the same work several times slower. :func:`blas_threads` limits them inside a
``with`` block; the benchmarks print :func:`blas_description` so that a reader knows
what their numbers were measured with.

Where one thread pays (``benchmarks/bench_blas_threads.py`` measures it, quiet and with one
core busy): loss grids always run on one thread; training runs on one thread when a
step's products are small (:func:`training_threads`), which is every network of the book.
Two threads gain at most a quarter on such a network when the machine is quiet and lose
more than that as soon as another program keeps a core busy. One thread has a second
merit: the same seed gives the same numbers on any number of cores (a product split
between threads adds in another order, and the last bits differ).
"""

import numpy as np  # noqa: F401 - loads the BLAS library, so that threadpoolctl can find it
from threadpoolctl import threadpool_info, threadpool_limits


def blas_libraries():
    """The BLAS libraries loaded in this process, as threadpoolctl describes them (a list of dicts)."""
    return [info for info in threadpool_info() if info.get("user_api") == "blas"]


def blas_description():
    """One line, e.g. ``"BLAS: openblas 0.3.27 (pthreads, SkylakeX), 2 threads"``."""
    libraries = blas_libraries()
    if not libraries:
        return "BLAS: none found by threadpoolctl"
    parts = []
    for info in libraries:
        details = ", ".join(str(info[key]) for key in ("threading_layer", "architecture") if info.get(key))
        parts.append(f"{info.get('internal_api', '?')} {info.get('version') or ''}".strip()
                     + (f" ({details})" if details else "") + f", {info.get('num_threads')} threads")
    return "BLAS: " + "; ".join(parts)


def blas_threads(count):
    """A context manager: inside it, BLAS uses at most ``count`` threads (``None``: leave them as they are).

    >>> with blas_threads(1):
    ...     product = np.ones((4, 4)) @ np.ones((4, 4))
    """
    if count is not None and (int(count) != count or count < 1):
        raise ValueError(f"count: expected a whole number of threads >= 1 or None, got {count!r}")
    return threadpool_limits(limits=None if count is None else int(count), user_api="blas")


# Multiply-adds in one forward pass of a mini-batch below which training runs on one BLAS thread. Measured by
# benchmarks/bench_blas_threads.py: a 784-300-300-10 net, batch 100 (33 million), gains 1.2x from a second
# thread on a quiet machine; a 784-1000-1000-10 net, batch 100 (180 million), gains 1.4x, and more above.
SMALL_STEP = 100_000_000


def multiply_adds(network, sample):
    """Multiply-adds of one forward pass of one ``sample`` (one row of the data, without a batch axis).

    Each ``Affine`` counts its ``W.size``; each ``Convolution`` its ``W.size`` times the output
    positions (every filter meets every position). A network without ``layers`` (a hand-written one)
    counts its parameters, as if every weight were used once.
    """
    layers = getattr(network, "layers", None)
    if not isinstance(layers, dict) or not all(hasattr(layer, "apply") for layer in layers.values()):
        return int(sum(np.size(value) for value in network.params.values()))
    total, x = 0, np.asarray(sample)[None]
    for layer in layers.values():
        out = layer.apply(x)
        weights = getattr(layer, "W", None)
        if weights is not None:
            total += weights.size * (out[0, 0].size if weights.ndim == 4 else 1)
        x = out
    return int(total)


def training_threads(network, sample, batch_size):
    """The BLAS threads for training ``network`` in batches of ``batch_size``: 1 for a small step, else ``None``.

    Small: fewer than :data:`SMALL_STEP` multiply-adds in a batch's forward pass. ``None`` leaves
    BLAS as it is (one thread per core unless the environment says otherwise).
    """
    return 1 if multiply_adds(network, sample) * batch_size < SMALL_STEP else None
