# %%
"""Landscape 1: the loss over two weights of a 784-50-500-10 network, for 100 images and for all, with descent on it.
==================================================================================================================

Question: what does a loss landscape look like, and why does the number of images
matter? A sigmoid network without biases, untrained: fixed random weights (standard
normal, seed 0). Its loss is the mean over images of the summed squared error of the
10 sigmoid outputs against one-hot labels (not cross-entropy: values of 3.6 to 4.3
are an untrained network's, summed over ten outputs). Only W3[250, 5] and W3[251, 5] vary, over
[-15, 17] x [-15, 18] (40 x 40). With 100 images the surface is the landscape of
those 100; with all of them it is smoother, and it is the one training descends. The
two surfaces look alike; a map of their difference shows where 100 images mislead.
Then gradient descent on those two weights alone (lr 10, 300 steps) from (-9, 15),
(-10.1, 15) and (-11, 15), animated over the surface and the contour map: the three
nearby starts run side by side down the steepest direction, then turn along the valley
floor, where they close in on one another and on one loss (3.607 over all images).
The grid costs well under a second, because only the last layer's input is needed and
only output 5 changes.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.landscape import WeightSlice, loss_grid, params_to_vector
from scratchnet.networks import build_network
from scratchnet.objectives import descend
from scratchnet.optimizers import SGD
from scratchnet.plot import animate_landscape_descent, interactive, plot_difference, plot_surfaces

FIRST, SECOND = ("W3", (250, 5)), ("W3", (251, 5))
STARTS = [(-9.0, 15.0), (-10.1, 15.0), (-11.0, 15.0)]


def two_weight_network():
    return build_network([784, 50, 500, 10], activation="sigmoid", weight_init_std=1.0, use_bias=False,
                         output_activation="sigmoid", loss="squared", squared_factor=1.0, seed=0)


def slice_vectors(network):
    """``center`` with both weights at 0, and unit directions along each: grid coordinates = weight values."""
    offsets = np.cumsum([0] + [array.size for array in network.params.values()])
    position = {key: int(offsets[i]) for i, key in enumerate(network.params)}
    center = params_to_vector(network.params)
    directions = []
    for key, index in (FIRST, SECOND):
        flat = position[key] + int(np.ravel_multi_index(index, network.params[key].shape))
        center[flat] = 0.0
        direction = np.zeros_like(center)
        direction[flat] = 1.0
        directions.append(direction)
    return center, directions[0], directions[1]


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), _ = load_mnist(one_hot_label=True)
    if run.quick:
        x_train, t_train = x_train[:400], t_train[:400]
    size = 12 if run.quick else 40
    network = two_weight_network()
    center, d1, d2 = slice_vectors(network)

    # Descent on the two weights alone; the slice sets and restores them in the network.
    slice_objective = WeightSlice(network, x_train, t_train, FIRST, SECOND)
    steps = 40 if run.quick else 300  # each step is one pass over the (quick: 400) images
    paths, heights = {}, {}
    for start in STARTS:
        path = descend(SGD(lr=10.0), slice_objective, start, steps)
        label = f"from ({start[0]:g}, {start[1]:g})"
        paths[label], heights[label] = path, slice_objective(path[:, 0], path[:, 1])
        run.log(f"  {label}: after {len(path) - 1} steps at ({path[-1, 0]:.2f}, {path[-1, 1]:.2f}), "
                f"loss {heights[label][-1]:.4f}")

    # The window: the region around the starts, widened so that every step of every path lies inside it.
    points = np.concatenate(list(paths.values()))
    low = np.minimum([-15.0, -15.0], np.floor(points.min(axis=0)) - 1)
    high = np.maximum([17.0, 18.0], np.ceil(points.max(axis=0)) + 1)
    alphas, betas = np.linspace(low[0], high[0], size), np.linspace(low[1], high[1], size)
    grids = {}
    for n in (100, len(x_train)):
        Z = loss_grid(network, x_train[:n], t_train[:n], center, d1, d2, alphas, betas,
                      cache=run.cache_path(f"two_weights_{n}_{size}"))
        grids[f"N = {n} images"] = (alphas, betas, Z)
        run.log(f"  N = {n:5d}: loss from {Z.min():.4f} to {Z.max():.4f}")
    run.save(plot_surfaces(grids, xlabel="W3[250, 5]", ylabel="W3[251, 5]", zlabel="squared error",
                           title="an untrained network, two of its weights: the squared error over 100 images "
                                 "and over all of them", elev=35, azim=-125),
             "landscape_two_weights.png")
    few, every = (grids[f"N = {n} images"][2] for n in (100, len(x_train)))
    difference = few - every
    run.log(f"  100 images minus all: from {difference.min():+.4f} to {difference.max():+.4f} "
            f"(the surfaces span {every.max() - every.min():.4f})")
    run.save(plot_difference(alphas, betas, few, every, labels=("100 images", f"all {len(x_train)}"),
                             xlabel="W3[250, 5]", ylabel="W3[251, 5]", quantity="squared error",
                             title="where 100 images mislead: their loss minus the loss over all images"),
             "landscape_two_weights_difference.png")
    animation = animate_landscape_descent(
        alphas, betas, grids[f"N = {len(x_train)} images"][2], paths, heights,
        xlabel="W3[250, 5]", ylabel="W3[251, 5]", elev=35, azim=-125, frames=8 if run.quick else 60,
        title=f"gradient descent on two weights (lr 10), loss over {len(x_train)} images")
    run.save_animation(animation, "landscape_two_weights_descent", fps=8)
    run.save_page("landscape_two_weights", interactive.surface_figure, alphas, betas,
                  grids[f"N = {len(x_train)} images"][2], paths, heights, zlabel="squared error",
                  title=f"the loss over two weights, {len(x_train)} images, and descent on them (lr 10)",
                  xlabel="W3[250, 5]", ylabel="W3[251, 5]")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
