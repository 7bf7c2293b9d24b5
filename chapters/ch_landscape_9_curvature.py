# %%
"""Landscape 9: how curved is a network's loss: its Hessian's spectrum, and where the surface is convex.
=====================================================================================================

Question: a random plane through a trained network's weights looks like a bowl; is the
loss really convex there, and how does training change its curvature? The Hessian of a
784-32-10 tanh network (25,450 parameters) is far too large to form, but its products
with vectors are two backprop gradients each (scratchnet.curvature), and from products
alone come its largest eigenvalues (Lanczos), the density of all of them (stochastic
Lanczos quadrature, as PyHessian), and both ends of its spectrum at every point of a
plane. The network learns 1,000 embedded MNIST images (SGD, lr 0.1, batch 100, 20
epochs). Printed: the top five eigenvalues before and after training. Drawn: the
eigenvalue density at initialization and after training, and, over a filter-normalized
random plane around the trained weights (Li et al. 2018), the ratio
:math:`|\\lambda_{min} / \\lambda_{max}|` (near 0: every direction curves up, convex) and the
sharpness :math:`\\lambda_{max}`.
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.curvature import curvature_map, eigenvalue_density, top_eigenvalues
from scratchnet.datasets import load_mnist
from scratchnet.landscape import params_to_vector, random_direction
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import SGD
from scratchnet.plot import interactive, plot_curvature_map, plot_eigenvalue_density
from scratchnet.training import RunsProgress, Trainer


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), (x_test, t_test) = load_mnist()
    images, epochs, steps, probes, size = (200, 2, 15, 1, 5) if run.quick else (1000, 20, 40, 3, 15)
    x, t = x_train[:images], t_train[:images]
    network = MultiLayerNet(784, [32], 10, activation="tanh", weight_init_std="xavier", seed=0)

    densities = {"at initialization": eigenvalue_density(network, x, t, steps=steps, probes=probes, rng=0)}
    before, _ = top_eigenvalues(network, x, t, k=5, tol=1e-4)
    progress = RunsProgress(1, epochs, "training")
    history = Trainer(network, SGD(lr=0.1), x, t, x_test, t_test, epochs=epochs, batch_size=100, seed=0,
                      verbose=False, callbacks=[progress.run("784-32-10 tanh")]).fit()
    progress.finish()
    densities["after training"] = eigenvalue_density(network, x, t, steps=steps, probes=probes, rng=0)
    after, products = top_eigenvalues(network, x, t, k=5, tol=1e-4)
    run.log(f"  trained {epochs} epochs: train accuracy {history.train_acc[-1]:.3f}, test {history.test_acc[-1]:.3f}")
    run.log("  top five eigenvalues at initialization: " + ", ".join(f"{value:.3f}" for value in before))
    run.log("  top five eigenvalues after training:    " + ", ".join(f"{value:.3f}" for value in after)
            + f" ({products} Hessian-vector products)")
    run.save(plot_eigenvalue_density(densities, title=f"the Hessian's eigenvalues, 784-32-10 tanh on {images:,} "
                                                      "MNIST images (stochastic Lanczos quadrature)"),
             "landscape_curvature_density.png")

    center = params_to_vector(network.params).copy()
    d1, d2 = random_direction(network, rng=0), random_direction(network, rng=1)  # filter-normalized
    alphas = betas = np.linspace(-1, 1, size)
    largest, smallest = curvature_map(network, x, t, center, d1, d2, alphas, betas, tol=1e-3, progress=True)
    ratio = np.abs(smallest / largest)
    middle = size // 2
    run.log(f"  over the plane: |λmin/λmax| {ratio[middle, middle]:.3f} at the trained weights, from "
            f"{ratio.min():.3f} to {ratio.max():.3f}; λmax from {largest.min():.3f} to {largest.max():.3f}")
    labels = {"xlabel": "alpha (direction 1)", "ylabel": "beta (direction 2)"}
    run.save(plot_curvature_map(alphas, betas, largest, smallest, **labels,
                                title="curvature around the trained weights, over a filter-normalized random plane"),
             "landscape_curvature_map.png")
    run.save_page("landscape_curvature_map", interactive.surface_figure, alphas, betas, ratio,
                  title="|λmin / λmax| over the plane: low where the loss is convex", zlabel="|λmin / λmax|",
                  **labels)
    return run.finish()


# %%
if __name__ == "__main__":
    main()
