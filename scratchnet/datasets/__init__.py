"""Data sets: MNIST (embedded subset, any IDX folder, or downloaded) and synthetic data."""

from scratchnet.datasets.mnist import (
    DataNotFoundError,
    default_cache_folder,
    download_files,
    load_mnist,
    read_idx,
    write_idx,
)
from scratchnet.datasets.synthetic import piecewise_regression

__all__ = ["DataNotFoundError", "default_cache_folder", "download_files", "load_mnist", "piecewise_regression",
           "read_idx", "write_idx"]
