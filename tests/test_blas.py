"""The BLAS library's description and its thread limit."""

import re

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from scratchnet.blas import blas_description, blas_libraries, blas_threads


def test_the_description_names_the_library_and_its_threads():
    described = blas_description()
    threads = blas_libraries()[0]["num_threads"]
    assert re.match(r"BLAS: \w+ [\d.]+ \(.*\), \d+ threads", described), described
    assert f"{threads} threads" in described


def test_the_thread_limit_holds_inside_the_block_only():
    # Two threads outside, whatever the suite's own setting, so that a limit that leaks out shows.
    with threadpool_limits(2, user_api="blas"):
        assert blas_libraries()[0]["num_threads"] == 2
        with blas_threads(1):
            assert blas_libraries()[0]["num_threads"] == 1
            np.testing.assert_array_equal(np.eye(3) @ np.arange(9.0).reshape(3, 3), np.arange(9.0).reshape(3, 3))
        assert blas_libraries()[0]["num_threads"] == 2
        with blas_threads(None):
            assert blas_libraries()[0]["num_threads"] == 2
    with pytest.raises(ValueError, match="count: expected a whole number of threads >= 1 or None, got 0"):
        blas_threads(0)
