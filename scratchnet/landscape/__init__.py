"""Loss landscapes: parameter vectors, directions, and losses along lines and over planes.

- :mod:`~scratchnet.landscape.directions`: ``params_to_vector``, ``vector_to_params``,
  ``random_direction`` (filter-normalized, in either weight layout), ``pca_directions``, ``project``.
- :mod:`~scratchnet.landscape.grid`: ``loss_line``, ``loss_grid`` (fast, exact, cached,
  optionally parallel) and ``loss_grid_naive``, the readable reference.
- :mod:`~scratchnet.landscape.evaluator`: ``PlaneEvaluator``, the fast exact evaluator, one
  shortcut per method; :mod:`~scratchnet.landscape.softmax`, its softmax losses of many points.
- :mod:`~scratchnet.landscape.functional`: losses given as plain functions of a params dict
  (anyone's numpy network), accepted by everything above.
- :mod:`~scratchnet.landscape.trajectory`: ``trajectory_landscape``, from a recorded
  training path to the loss over its plane in one call.
"""

from scratchnet.landscape.directions import (
    params_to_vector,
    pca_directions,
    project,
    random_direction,
    split_vector,
    vector_to_params,
)
from scratchnet.landscape.evaluator import PlaneEvaluator
from scratchnet.landscape.functional import LossFunctionError, ParamsSpec
from scratchnet.landscape.grid import (
    LandscapeWarning,
    loss_grid,
    loss_grid_naive,
    loss_line,
    loss_points,
)
from scratchnet.landscape.slices import WeightSlice
from scratchnet.landscape.trajectory import TrajectoryLandscape, plane_ranges, trajectory_landscape

__all__ = [
    "LandscapeWarning", "LossFunctionError", "ParamsSpec", "PlaneEvaluator", "TrajectoryLandscape", "WeightSlice",
    "loss_grid", "loss_grid_naive", "loss_line", "loss_points", "params_to_vector", "pca_directions", "plane_ranges",
    "project",    "random_direction", "split_vector", "trajectory_landscape", "vector_to_params",
]
