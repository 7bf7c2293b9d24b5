# %%
"""Landscape 5: two weights, one neuron: the whole error surface of a 1-1-1 tanh network, and SGD on it.
=====================================================================================================

Question: what does the landscape look like when it can be drawn completely? With one
hidden tanh unit and no biases, y = W2 tanh(W1 x) has exactly two weights, so the
mean squared error over the data is a surface over (W1, W2) with nothing left out.
The data: 10,000 points x ~ N(1, 4.5^2) (seed 42), y = 2x + 5 for x < -2,
7.3 sin x for -2 <= x < 2, -0.03 x^3 + 2 for x >= 2, plus N(0, 1) noise. The surface
(step 0.05) is symmetric: (W1, W2) and (-W1, -W2) are the same network. Its lowest
region is a narrow trough near W1 = 0, where tanh is linear and the network is the
straight line y = W1 W2 x (the trough follows W1 W2 = constant). The trough has no
bottom inside any window: it keeps falling as W1 -> 0 and W2 grows in size, towards the error
of the best straight line through the origin, so the gold star (the grid's lowest point)
sits on the window's edge, and the script prints the trough's error further out. SGD (lr 0.01,
batch 32, 25 epochs) from (-1, -1), one point per epoch, never finds it: it slides the
other way onto the broad plateau where tanh saturates (the network a scaled step,
W2 sign(x)) and jitters there with the mini-batch noise. W1 is drawn over [-4, 4) so
that the whole path shows; W2 over [-2, 2).
"""

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import piecewise_regression
from scratchnet.landscape import loss_grid, params_to_vector
from scratchnet.networks import build_network
from scratchnet.optimizers import SGD
from scratchnet.plot import animate_landscape_descent, interactive, plot_landscape

START = (-1.0, -1.0)


def one_neuron_network():
    return build_network([1, 1, 1], activation="tanh", use_bias=False, output_activation=None, loss="squared",
                         squared_factor=1.0, seed=0)


def train_per_epoch(network, x, y, epochs, batch_size=32, lr=0.01, seed=0):
    """SGD on the two weights; the (W1, W2) point after each epoch (the first row is the start)."""
    optimizer, rng = SGD(lr=lr), np.random.default_rng(seed)
    points = [params_to_vector(network.params)]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            optimizer.update(network.params, network.gradient(x[batch], y[batch]))
        points.append(params_to_vector(network.params))
    return np.array(points)


def trough_error(network, x, y, w2):
    """The lowest error over W1 in [-0.5, 0.5] (steps of 0.001) for a fixed W2: the trough's floor at that W2."""
    return min(float(network.last_layer.apply(np.tanh(x * w1) * w2, y)) for w1 in np.linspace(-0.5, 0.5, 1001))


def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv)
    x, y = piecewise_regression(10000, seed=42)
    step = 0.2 if run.quick else 0.05
    weights_1, weights_2 = np.arange(-4, 4, step), np.arange(-2, 2, step)
    network = one_neuron_network()
    origin, d1, d2 = np.zeros(2), np.array([1.0, 0.0]), np.array([0.0, 1.0])  # grid coordinates = (W1, W2)
    Z = loss_grid(network, x, y, origin, d1, d2, weights_1, weights_2, cache=run.cache_path(f"one_neuron_{step}"))
    best = np.unravel_index(np.argmin(Z), Z.shape)
    run.log(f"  error surface {Z.shape}: lowest {Z.min():.3f} at W1 = {weights_1[best[1]]:.2f}, "
            f"W2 = {weights_2[best[0]]:.2f} (the window's edge)")
    trough = {w2: trough_error(network, x, y, w2) for w2 in (-2.0, -4.0, -10.0, -50.0)}
    slope = float(np.sum(x * y) / np.sum(x * x))  # the best straight line y = c x: where the trough leads
    line = float(network.last_layer.apply(slope * x, y))
    run.log("  along the trough (the best W1 for each W2) the error keeps falling past the window: "
            + ", ".join(f"{error:.2f} at W2 = {w2:g}" for w2, error in trough.items())
            + f"; the straight line y = {slope:.3f} x, its limit, has {line:.2f}")

    network.params["W1"][...] = START[0]
    network.params["W2"][...] = START[1]
    path = train_per_epoch(network, x, y, epochs=3 if run.quick else 25)
    heights = np.array([network.last_layer.apply(np.tanh(x * a) * b, y) for a, b in path])
    run.log(f"  SGD from {START}: after {len(path) - 1} epochs at W1 = {path[-1, 0]:.3f}, W2 = {path[-1, 1]:.3f}, "
            f"error {heights[-1]:.3f}")
    labels = {"xlabel": "W1 (input to hidden)", "ylabel": "W2 (hidden to output)"}
    run.save(plot_landscape(weights_1, weights_2, Z, path=path, path_heights=heights,
                            path_label="SGD, one point per epoch",
                            note="The trough near W1 = 0 keeps falling past the window's edge as |W2| grows, so the "
                                 "grid's lowest point lies on that edge; SGD ends on the plateau, about 3% higher.",
                            title="mean squared error of y = W2 tanh(W1 x) over 10,000 points", **labels),
             "landscape_one_neuron.png")
    animation = animate_landscape_descent(weights_1, weights_2, Z, {"SGD": path}, {"SGD": heights}, step_name="epoch",
                                          title="SGD on the two weights of a 1-1-1 tanh network", **labels)
    run.save_animation(animation, "landscape_one_neuron_descent", fps=4)
    run.save_page("landscape_one_neuron_descent", interactive.descent_animation, weights_1, weights_2, Z, path,
                  heights, label="SGD", title="SGD on y = W2 tanh(W1 x): play, pause, rotate", step_name="epoch",
                  xlabel=labels["xlabel"], ylabel=labels["ylabel"], zlabel="mean squared error")
    return run.finish()


# %%
if __name__ == "__main__":
    main()
