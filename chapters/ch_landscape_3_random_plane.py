# %%
"""Landscape 3: the loss on a random plane through a trained minimum, unnormalized vs filter-normalized.
=====================================================================================================

Question: why do landscape pictures normalize their directions? Around the trained
784-100-100-10 network, take two random Gaussian directions. Raw, their entries (std 1)
dwarf weights of size about 0.1, so one unit along them wrecks the network, and the
picture is a narrow spike. Filter-normalized (Li et al. 2018: each neuron's incoming
random weights rescaled to the norm of its trained weights), a unit step is a change
on the scale of the network itself, and the basin around the minimum appears. The
loss is over 2,000 training images, on a 51 x 51 grid in [-1, 1]^2.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.landscape import loss_grid, params_to_vector, random_direction
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import Adam
from scratchnet.plot import interactive, plot_landscape_rows
from scratchnet.training import RunsProgress, Trainer


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), (x_test, t_test) = load_mnist()
    network = MultiLayerNet(784, [100, 100], 10, weight_init_std="he", seed=0)
    epochs = 2 if run.quick else 20
    progress = RunsProgress(1, epochs, "training")
    Trainer(network, Adam(lr=0.001), x_train, t_train, x_test, t_test, epochs=epochs, batch_size=100, seed=0,
            verbose=False, callbacks=[progress.run("784-100-100-10, Adam")]).fit()
    progress.finish()
    center = params_to_vector(network.params)
    size, n = (11, 300) if run.quick else (51, 2000)
    coordinates = np.linspace(-1, 1, size)
    panels = {}
    for label, normalization in (("unnormalized", None), ("filter-normalized", "filter")):
        rng = np.random.default_rng(1)
        d1 = random_direction(network, rng, normalization=normalization)
        d2 = random_direction(network, rng, normalization=normalization)
        Z = loss_grid(network, x_train[:n], t_train[:n], center, d1, d2, coordinates, coordinates,
                      cache=run.cache_path(f"random_plane_{label}_{size}_{n}"), progress=True)
        panels[f"{label} directions"] = (coordinates, coordinates, Z)
        run.log(f"  {label:>17}: |d1| = {np.linalg.norm(d1):9.2f}, loss at the center {Z[size // 2, size // 2]:.4f},"
                f" max on the grid {np.nanmax(Z):.3g}")
    fig = plot_landscape_rows(panels, xlabel="alpha (direction 1)", ylabel="beta (direction 2)",
                              title=f"the loss around a trained 784-100-100-10 network, over {n} training images "
                                    f"(the norm of all its parameters: {np.linalg.norm(center):.1f})")
    run.save(fig, "landscape_random_plane.png")
    alphas, betas, Z = panels["filter-normalized directions"]
    run.save_page("landscape_random_plane", interactive.surface_figure, alphas, betas, Z,
                  title="filter-normalized random plane through the trained weights",
                  xlabel="alpha (direction 1)", ylabel="beta (direction 2)")
    # The other half of the comparison, to explore as well: log10 heights, as the figure's surfaces draw them.
    alphas, betas, Z = panels["unnormalized directions"]
    run.save_page("landscape_random_plane_unnormalized", interactive.surface_figure, alphas, betas, np.log10(Z),
                  title="unnormalized random plane through the same weights: the pinprick (log10 of the loss)",
                  xlabel="alpha (direction 1)", ylabel="beta (direction 2)", zlabel="log10 loss")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
