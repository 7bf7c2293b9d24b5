# %%
"""Landscape 8: the edge of stability: gradient descent drives the sharpness to 2/η and holds it there.
====================================================================================================

Question: why does the learning rate matter so much, and what does gradient descent do to
the curvature it runs on? On a quadratic with curvature λ, gradient descent with step η
multiplies the error by 1 - ηλ each step, so it diverges along any direction sharper than
2/η. Cohen et al. (2021, "Gradient Descent on Neural Networks Typically Occurs at the Edge
of Stability") found that full-batch gradient descent on a network does not stay clear of
that line: the sharpness, the largest eigenvalue of the loss's Hessian, rises while the
network learns (progressive sharpening) until it reaches 2/η, and then hovers there while
the loss keeps falling, unevenly.

Here: a 784-32-10 tanh network (weights N(0, 0.05²), seed 0), the mean
squared error of its 10 outputs against one-hot labels (as Cohen et al. with MSE), on the
first 1,000 embedded MNIST images, trained by full-batch gradient descent with η = 0.4,
0.2 and 0.1 for 1,500 iterations each. Every 25 iterations the sharpness is measured by
Lanczos on Hessian-vector products (scratchnet.curvature). For each η the script prints
where the sharpness first reaches 0.9 x 2/η and its mean after that, as a share of 2/η.
With η = 0.4 the start is already sharper than 2/η = 5: the first steps bring the
sharpness down to the edge. With 0.2 and 0.1 it rises to it, overshoots once (the loss
spikes then, a catapult), and settles. In every run the loss keeps falling while the
sharpness stays at the edge, with bumps that gradient descent at a safe step size
would never show.
"""

import numpy as np

from scratchnet.blas import blas_threads, training_threads
from scratchnet.chapter import ChapterRun
from scratchnet.curvature import sharpness_along
from scratchnet.datasets import load_mnist
from scratchnet.landscape import params_to_vector
from scratchnet.networks import build_network
from scratchnet.optimizers import SGD
from scratchnet.plot import plot_sharpness
from scratchnet.progress import ProgressBar

STEP_SIZES = (0.4, 0.2, 0.1)


def small_network():
    return build_network([784, 32, 10], activation="tanh", weight_init_std=0.05, loss="squared",
                         squared_factor=0.5, seed=0)


def full_batch_descent(network, x, t, lr, iterations, every):
    """Gradient descent on the whole batch: the loss at every iteration, and the parameters every ``every``."""
    optimizer, losses, recorded, points = SGD(lr=lr), [], [], []
    bar = ProgressBar(iterations, f"η = {lr:g}")
    for iteration in range(iterations + 1):
        grads = network.gradient(x, t)  # the loss at these parameters is computed on the way
        losses.append(network.last_loss)
        if iteration % every == 0:
            recorded.append(iteration)
            points.append(params_to_vector(network.params).copy())
        if iteration < iterations:
            optimizer.update(network.params, grads)
            bar.update(iteration + 1, f"loss {losses[-1]:.4f}")
    bar.finish()
    return np.array(losses), np.array(recorded), np.array(points)


def edge_summary(lr, recorded, sharpness):
    """Where the sharpness first reaches 0.9 x 2/η (``None`` if never), and its mean after that over 2/η."""
    limit = 2 / lr
    reached = np.flatnonzero(sharpness >= 0.9 * limit)
    if reached.size == 0:
        return None, None
    return int(recorded[reached[0]]), float(np.mean(sharpness[reached[0]:]) / limit)


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    (x_train, t_train), _ = load_mnist(one_hot_label=True)
    images, iterations, every = (100, 120, 20) if run.quick else (1000, 1500, 25)
    x, t = x_train[:images], t_train[:images]
    runs = {}
    for lr in STEP_SIZES:
        network = small_network()
        with blas_threads(training_threads(network, x[0], len(x))):  # one thread for small products, as Trainer
            losses, recorded, points = full_batch_descent(network, x, t, lr, iterations, every)
        sharpness = sharpness_along(network, x, t, points, tol=1e-3, progress=True)
        runs[f"η = {lr:g}"] = {"lr": lr, "iterations": np.arange(len(losses)), "loss": losses,
                               "sharpness_iterations": recorded, "sharpness": sharpness}
        first, share = edge_summary(lr, recorded, sharpness)
        where = (f"reaches 0.9 x 2/η at iteration {first}, then averages {share:.2f} x 2/η" if first is not None
                 else f"never reaches 0.9 x 2/η in {iterations} iterations (at most {sharpness.max():.2f}, "
                      f"{sharpness.max() * lr / 2:.2f} x 2/η)")
        run.log(f"  η = {lr:<4g} 2/η = {2 / lr:5.1f}: sharpness {sharpness[0]:.2f} at the start, {where}; "
                f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    run.save(plot_sharpness(runs, title=f"full-batch gradient descent on {images:,} MNIST images (784-32-10 tanh, "
                                        "squared error): the sharpness goes to 2/η and stays there"),
             "landscape_edge_of_stability.png")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
