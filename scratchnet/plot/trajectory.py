"""Figures of a :class:`~scratchnet.landscape.TrajectoryLandscape`: the training path on its loss surface."""

from scratchnet.plot.landscapes import animate_landscape_descent, plot_landscape
from scratchnet.plot.notebook import builder

NOTE = ("The path's heights are the loss at its projections onto this plane, so that it lies on the surface; "
        "they differ from the training loss where the recorded points lie off the plane.")


def _check_result(result):
    for name in ("alphas", "betas", "Z", "path", "path_loss", "explained"):
        if not hasattr(result, name):
            raise ValueError(f"result: expected what trajectory_landscape returns (with .{name}), "
                             f"got {type(result).__name__}")


@builder
def plot_trajectory_landscape(result, title=None, path_label="training path", cmap="viridis", note=NOTE):
    """Contour map and 3D surface of the loss over the path's plane, with the path on both.

    The axes name the principal directions and their share of the path's variance, and
    the plane is drawn to scale (equal units on both axes);
    ``note`` (under the figure) says what the path's heights are. Returns a Figure.
    """
    _check_result(result)
    return plot_landscape(result.alphas, result.betas, result.Z, path=result.path, path_heights=result.path_loss,
                          path_label=path_label, note=note, cmap=cmap,
                          title=title or "loss on the PCA plane of the training path", equal_aspect=True,
                          **result.axis_labels)


@builder
def animate_trajectory_landscape(result, frames=64, step_labels=None, step_name="step", label="training path",
                                 title=None, cmap="viridis", interval=100):
    """The point descending the surface and the contour map, frame by frame (a celluloid Animation).

    ``frames`` caps the number of frames (points are sampled evenly, the last always
    shown); ``step_labels[i]``, if given, is shown for point ``i`` (e.g. its iteration).
    """
    _check_result(result)
    return animate_landscape_descent(result.alphas, result.betas, result.Z, {label: result.path},
                                     {label: result.path_loss}, cmap=cmap, frames=frames, interval=interval,
                                     title=title or "descending the loss surface of its own path",
                                     step_name=step_name, step_labels=step_labels, equal_aspect=True,
                                     **result.axis_labels)
