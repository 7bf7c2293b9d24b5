# %%
"""Landscape 7: a trained convolutional network's loss on a filter-normalized random plane, and on its path's plane.
=================================================================================================================

The book's SimpleConvNet (chapter 7), with the shipped trained weights (0.961 on the
embedded test images). For a convolution a filter is one output channel, W[f] of the
(FN, C, FH, FW) weights, as in Li et al.'s paper; the Affine layers' filters are their
columns. The grid's fast path treats the convolution like an Affine layer: its output is
linear in its weights, so three convolutions serve the whole plane. Then a second network
trained from scratch for two epochs, its path recorded, and the loss over the path's PCA plane.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.landscape import loss_grid, params_to_vector, random_direction, trajectory_landscape
from scratchnet.networks import SimpleConvNet
from scratchnet.networks.pretrained import load_simple_convnet
from scratchnet.optimizers import Adam
from scratchnet.plot import interactive, plot_landscape_rows, plot_trajectory_landscape
from scratchnet.training import RunsProgress, Trainer, TrajectoryRecorder


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), _ = load_mnist(flatten=False)
    size, n = (5, 100) if run.quick else (15, 200)  # each grid point runs most of the network over n images
    x, t = x_train[:n], t_train[:n]
    network, info = load_simple_convnet()
    center = params_to_vector(network.params)
    rng = np.random.default_rng(0)
    d1, d2 = random_direction(network, rng), random_direction(network, rng)
    grid = np.linspace(-1, 1, size)
    Z = loss_grid(network, x, t, center, d1, d2, grid, grid, cache=run.cache_path(f"convnet_plane_{size}_{n}"),
                  progress=True)
    run.log(f"  random plane {size} x {size} over {n} images: loss at the trained weights "
            f"{Z[size // 2, size // 2]:.4f}, at most {np.nanmax(Z):.3g} on the grid")
    fig = plot_landscape_rows({"filter-normalized random plane through the trained weights": (grid, grid, Z)},
                              xlabel="alpha (direction 1)", ylabel="beta (direction 2)",
                              title=f"SimpleConvNet (test accuracy {info['test_accuracy']:.3f}): the loss over {n} "
                                    f"training images")
    run.save(fig, "landscape_convnet_random_plane.png")
    run.save_page("landscape_convnet_random_plane", interactive.surface_figure, grid, grid, Z,
                  title="SimpleConvNet: filter-normalized random plane", xlabel="alpha", ylabel="beta")

    fresh = SimpleConvNet(seed=1)
    recorder = TrajectoryRecorder(every=2)
    count = 300 if run.quick else 1000
    epochs = 1 if run.quick else 2
    progress = RunsProgress(1, epochs, "training")
    Trainer(fresh, Adam(lr=0.001), x_train[:count], t_train[:count], x_train[:100], t_train[:100],
            epochs=epochs, batch_size=50, seed=0, callbacks=[recorder, progress.run("SimpleConvNet, Adam")],
            verbose=False).fit()
    progress.finish()
    result = trajectory_landscape((fresh, x, t), recorder.trajectory, resolution=size, progress=True)
    run.log(f"  training path: {len(recorder.trajectory)} points, PCA {result.explained[0]:.1%} and "
            f"{result.explained[1]:.1%}; loss along it from {result.path_loss[0]:.3f} to {result.path_loss[-1]:.3f}")
    run.save(plot_trajectory_landscape(result, path_label="Adam path",
                                       title="SimpleConvNet trained from scratch: the loss on the plane of its path"),
             "landscape_convnet_trajectory.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
