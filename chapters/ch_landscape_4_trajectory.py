# %%
"""Landscape 4: the loss surface in the plane of a training trajectory, and the path descending it.
==================================================================================================

Question: "I trained a network from scratch on MNIST; how do I see its loss landscape in
3D, with the gradient-descent trajectory converging to a minimum?" Train a 784-128-10
ReLU/softmax network (He initialization, SGD lr 0.01, batch 64, 20 epochs on the
embedded MNIST) and record its parameters every 10 iterations. The two principal
directions of (theta_i - theta_final) span the plane that shows the most of the
path; their share of its variance labels the axes. Over that plane: the training loss
(41 x 41 grid, all 4,000 images), as a surface and as contours, with the projected path
on it; the loss and accuracy curves of the same run; and an animation of the descent.
The plane is drawn to scale (PC2's range is widened, never stretched). The path does
not end at a minimum: the loss on the plane still falls past its end (the gold star is
the plane's lowest point), as the training curves, still falling at epoch 20, say too.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.landscape import loss_grid, loss_points, pca_directions, plane_ranges, project
from scratchnet.landscape.directions import off_plane_distances
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import SGD
from scratchnet.plot import animate_landscape_descent, interactive, plot_landscape, plot_training_curves
from scratchnet.training import RunsProgress, Trainer, TrajectoryRecorder

NOTE = ("The path's heights are the loss at its projections onto this plane, so that it lies on the surface; "
        "they differ from the training loss, because the recorded points lie a little off the plane.")


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), (x_test, t_test) = load_mnist()
    epochs, size = (2, 9) if run.quick else (20, 41)
    network = MultiLayerNet(784, [128], 10, weight_init_std="he", seed=0)
    recorder = TrajectoryRecorder(every=10)
    progress = RunsProgress(1, epochs, "training")
    trainer = Trainer(network, SGD(lr=0.01), x_train, t_train, x_test, t_test, epochs=epochs, batch_size=64, seed=0,
                      callbacks=[recorder, progress.run("784-128-10, SGD")], verbose=False)
    history = trainer.fit()
    progress.finish()
    trajectory = recorder.trajectory
    run.log(f"  trained {trainer.iteration} iterations: test accuracy {history.test_acc[-1]:.4f}; "
            f"{len(trajectory)} recorded points of {trajectory.shape[1]} parameters")

    d1, d2, explained = pca_directions(trajectory)
    center = trajectory[-1]
    coordinates = project(trajectory, center, d1, d2)
    off_plane = off_plane_distances(trajectory, center, d1, d2, coordinates)  # without copying the trajectory
    path_length = sum(np.linalg.norm(trajectory[i + 1] - trajectory[i]) for i in range(len(trajectory) - 1))
    run.log(f"  PCA: {explained[0]:.1%} and {explained[1]:.1%} of the variance; points lie at most "
            f"{off_plane.max():.3f} off the plane (path length {path_length:.2f})")
    alphas, betas = plane_ranges(coordinates, size, margin=0.25)  # PC2 widened so the plane is drawn to scale
    Z = loss_grid(network, x_train, t_train, center, d1, d2, alphas, betas,
                  cache=run.cache_path(f"trajectory_{size}"), progress=True)
    heights = loss_points(network, x_train, t_train, center, d1, d2, coordinates)
    run.log(f"  loss on the plane from {Z.min():.4f} to {Z.max():.4f}; along the path from {heights[0]:.4f} "
            f"to {heights[-1]:.4f}")
    lowest = np.unravel_index(np.argmin(Z), Z.shape)
    run.log(f"  the plane's lowest point: {Z.min():.4f} at PC1 = {alphas[lowest[1]]:.2f}, "
            f"PC2 = {betas[lowest[0]]:.2f}; the path ends at PC1 = {coordinates[-1, 0]:.2f}, "
            f"PC2 = {coordinates[-1, 1]:.2f}")

    labels = {"xlabel": f"PC1 ({explained[0]:.1%} of the variance)",
              "ylabel": f"PC2 ({explained[1]:.1%} of the variance)"}
    run.save(plot_landscape(alphas, betas, Z, path=coordinates, path_heights=heights, path_label="SGD path",
                            note=NOTE, title="training loss on the PCA plane of the trajectory "
                                             "(784-128-10 ReLU, SGD lr 0.01, batch 64)", equal_aspect=True, **labels),
             "landscape_trajectory.png")
    run.save(plot_training_curves(history.train_loss, history.train_acc, history.test_acc,
                                  history.iterations_per_epoch, title="the same run: loss and accuracy"),
             "landscape_trajectory_curves.png")
    animation = animate_landscape_descent(alphas, betas, Z, {"SGD": coordinates}, {"SGD": heights},
                                          frames=None if run.quick else 64, step_name="iteration",
                                          step_labels=recorder.iterations,
                                          title="SGD descending the loss surface (PCA plane of its own path)",
                                          equal_aspect=True, **labels)
    run.save_animation(animation, "landscape_trajectory_descent", fps=8)
    run.save_page("landscape_trajectory_descent", interactive.descent_animation, alphas, betas, Z, coordinates,
                  heights, label="SGD", frames=None if run.quick else 64, step_name="iteration",
                  step_labels=recorder.iterations, equal_aspect=True,
                  title="SGD on the PCA plane of its own path: play, pause, rotate", **labels)
    return run.finish()


# %%
if __name__ == "__main__":
    main()
