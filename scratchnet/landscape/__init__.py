"""Loss landscapes: parameter vectors, directions, and losses along lines and over planes.

- :mod:`~scratchnet.landscape.directions`: ``params_to_vector``, ``vector_to_params``,
  ``random_direction`` (filter-normalized), ``pca_directions``, ``project``.
- :mod:`~scratchnet.landscape.grid`: ``loss_line``, ``loss_grid`` (fast, exact, cached,
  optionally parallel) and ``loss_grid_naive``, the readable reference.
"""

from scratchnet.landscape.directions import (
    params_to_vector,
    pca_directions,
    project,
    random_direction,
    split_vector,
    vector_to_params,
)
from scratchnet.landscape.grid import (
    LandscapeWarning,
    PlaneEvaluator,
    loss_grid,
    loss_grid_naive,
    loss_line,
    loss_points,
)
from scratchnet.landscape.slices import WeightSlice

__all__ = [
    "LandscapeWarning", "PlaneEvaluator", "loss_grid", "loss_grid_naive", "loss_line", "loss_points",
    "params_to_vector",
    "pca_directions", "project", "random_direction", "split_vector", "vector_to_params", "WeightSlice",
]
