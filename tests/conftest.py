import os

import matplotlib
import numpy as np
import pytest
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")


def pytest_configure(config):
    # `make test` runs the suite in one worker process per core (pytest-xdist). Each worker's
    # BLAS would start a thread per core as well, and on two cores four threads spinning
    # against each other make the run slower, not faster: hold each worker, and the chapter
    # scripts it starts, to one BLAS thread. A plain `pytest` keeps numpy's default.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[variable] = "1"
        threadpool_limits(1, user_api="blas")  # for the rest of the worker's life


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
