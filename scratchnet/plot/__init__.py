"""Figure builders. Each takes data and returns a matplotlib Figure (or Animation).

Nothing here writes a file; chapter scripts and the CLI do that, through
:func:`save_figure` and :func:`save_animation` (both atomic).
"""

from scratchnet.plot.animation import animate_race, animate_surface_descent
from scratchnet.plot.contours import (
    plot_descent_paths,
    plot_gradient_field,
    plot_optimizer_grid,
    plot_paths_and_losses,
)
from scratchnet.plot.curvature import plot_curvature_map, plot_eigenvalue_density, plot_sharpness
from scratchnet.plot.curves import (
    moving_average,
    plot_accuracy_panels,
    plot_history_comparison,
    plot_training_curves,
)
from scratchnet.plot.histograms import plot_activation_histograms
from scratchnet.plot.landscapes import (
    animate_landscape_descent,
    plot_difference,
    plot_interpolation,
    plot_landscape,
    plot_landscape_rows,
    plot_surfaces,
)
from scratchnet.plot.saving import save_animation, save_figure
from scratchnet.plot.summaries import plot_search_scatter, plot_summaries
from scratchnet.plot.surfaces import plot_surface_paths, plot_surface_views
from scratchnet.plot.trajectory import animate_trajectory_landscape, plot_trajectory_landscape

__all__ = [
    "animate_landscape_descent", "animate_race", "animate_surface_descent", "animate_trajectory_landscape",
    "moving_average", "plot_accuracy_panels", "plot_activation_histograms", "plot_curvature_map",
    "plot_descent_paths", "plot_difference", "plot_eigenvalue_density", "plot_gradient_field",
    "plot_history_comparison", "plot_interpolation", "plot_landscape", "plot_landscape_rows", "plot_optimizer_grid",
    "plot_paths_and_losses", "plot_search_scatter", "plot_sharpness", "plot_summaries", "plot_surface_paths",
    "plot_surface_views", "plot_surfaces", "plot_training_curves", "plot_trajectory_landscape", "save_animation",
    "save_figure",
]
