# %%
"""Landscape 6: your own network: a plain-numpy MLP written by hand, its loss landscape and its path, in five lines.
=================================================================================================================

Question: "I've implemented a neural network from scratch on MNIST (784-128-10, ReLU,
softmax). I store W1, W2, b1, b2 during training and want a 3D visualization of the loss
landscape that shows the gradient-descent trajectory converging to a minimum."

The first half of this script is such a network, written the way people write it, with
no scratchnet at all: weights as (out, in), biases as (1, n) rows, He initialization,
one-hot labels, SGD with lr 0.01 and batch 64, and a copy of the params dict kept every
10 mini-batches (every mini-batch works too; it only takes more memory). The second half
hands the recorded dicts to scratchnet: `from_params` rebuilds the same network, so the
grid takes the fast exact path; `--generic` uses the hand-written loss function instead
(one forward pass per grid point, slower, the same picture).
"""

import time

import numpy as np

from scratchnet.chapter import ChapterRun
from scratchnet.datasets import load_mnist
from scratchnet.landscape import trajectory_landscape
from scratchnet.networks import from_params
from scratchnet.plot import animate_trajectory_landscape, interactive, plot_trajectory_landscape


# ---- a network written by hand: nothing below uses scratchnet --------------------------
def init_params(rng, sizes=(784, 128, 10)):
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
        params[f"W{i}"] = rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)  # He
        params[f"b{i}"] = np.zeros((1, fan_out))
    return params


def forward(params, X):
    a1 = X @ params["W1"].T + params["b1"]
    h1 = np.maximum(a1, 0)
    logits = h1 @ params["W2"].T + params["b2"]
    return a1, h1, logits


def softmax(logits):
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def cross_entropy(params, X, Y):
    logits = forward(params, X)[2]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probabilities, axis=1))


def backward(params, X, Y):
    a1, h1, logits = forward(params, X)
    dlogits = (softmax(logits) - Y) / len(X)
    dh1 = dlogits @ params["W2"]
    da1 = dh1 * (a1 > 0)
    return {"W2": dlogits.T @ h1, "b2": dlogits.sum(axis=0, keepdims=True),
            "W1": da1.T @ X, "b1": da1.sum(axis=0, keepdims=True)}


def train(X, Y, epochs, lr=0.01, batch_size=64, record_every=10, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(rng)
    history = [{key: value.copy() for key, value in params.items()}]
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            grads = backward(params, X[rows], Y[rows])
            for key in params:
                params[key] -= lr * grads[key]
            step += 1
            if step % record_every == 0:
                history.append({key: value.copy() for key, value in params.items()})
    if step % record_every:
        history.append({key: value.copy() for key, value in params.items()})
    return params, history


# ---- handing it to scratchnet ----------------------------------------------------------
def main(argv=None):
    run = ChapterRun(__doc__, globals().get("__file__"), argv, flags={
        "--generic": "evaluate the hand-written loss function at every grid point instead of from_params"})
    (x_train, t_train), (x_test, t_test) = load_mnist(one_hot_label=True)
    epochs, resolution, frames = (2, 9, 8) if run.quick else (20, 41, 64)
    began = time.perf_counter()
    params, history = train(x_train, t_train, epochs)
    accuracy = np.mean(forward(params, x_test)[2].argmax(axis=1) == t_test.argmax(axis=1))
    run.log(f"  trained the hand-written network for {epochs} epochs in {time.perf_counter() - began:.1f} s: "
            f"test accuracy {accuracy:.4f}; {len(history)} recorded params dicts")

    began = time.perf_counter()
    if run.args.generic:
        result = trajectory_landscape(lambda p: cross_entropy(p, x_train, t_train), history, resolution=resolution)
    else:
        network = from_params(history[-1], layout="out_in", activation="relu", output="softmax")
        result = trajectory_landscape((network, x_train, t_train), history, resolution=resolution)
    run.log(f"  {'generic' if run.args.generic else 'from_params'} landscape, {resolution} x {resolution} over "
            f"{len(x_train)} images: {time.perf_counter() - began:.1f} s; PCA {result.explained[0]:.1%} and "
            f"{result.explained[1]:.1%}; loss along the path from {result.path_loss[0]:.4f} to "
            f"{result.path_loss[-1]:.4f}")
    title = "a hand-written 784-128-10 network: training loss on the PCA plane of its own SGD path"
    run.save(plot_trajectory_landscape(result, title=title, path_label="SGD path"), "landscape_your_own_network.png")
    steps = [10 * i for i in range(len(history))]
    steps[-1] = epochs * -(-len(x_train) // 64)  # the last dict is the end of training
    animation = animate_trajectory_landscape(result, frames=frames, step_labels=steps, step_name="iteration",
                                             title="your own network descending its loss surface")
    run.save_animation(animation, "landscape_your_own_network_descent", fps=8)
    run.save_page("landscape_your_own_network", interactive.trajectory_figure, result, title=title)
    return run.finish()


# %%
if __name__ == "__main__":
    main()
