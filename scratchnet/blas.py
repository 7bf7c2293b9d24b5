"""Which BLAS library numpy's matrix products run on, and a limit on its threads.

numpy hands every matrix product to a BLAS library (OpenBLAS in numpy's wheels, MKL in
some distributions), which starts threads of its own, one per core by default. For a
few large products that is a gain. For many small ones, such as a loss grid's
per-point products, waking the threads costs more than it saves; and on a machine
where another process is busy, threads that spin while waiting for each other can make
the same work several times slower. :func:`blas_threads` limits them inside a
``with`` block; the benchmarks print :func:`blas_description` so that a reader knows
what their numbers were measured with.
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
