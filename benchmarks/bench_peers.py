"""scratchnet beside PyTorch and JAX, where a reader trains and draws: the same networks, weights and numbers,
one thread each.

Each contest builds each peer's model from scratchnet's own initial weights, checks that it
agrees with scratchnet (losses and gradients, or outputs) before anything is timed, then times
all of them in turn, round after round (the order alternating), and reports for each peer the
median over the rounds of its time over scratchnet's: above 1, scratchnet is faster. JAX runs
each training step as one compiled function, compiled before the timing (peer_jax.py).

1. SimpleConvNet (the book's, section 7.5): an epoch over the 4,000 embedded images, batch
   100, Adam, float32: the loop a reader runs (gradient, then the optimizer's update).
2. DeepConvNet (section 8.1): ten batches of 100 (dropout on), Adam, float32.
3. An MLP 784-100-100-10 (ReLU), an epoch over the 4,000 images, batch 100, Adam, float32.
4. A loss plane: 41 x 41 points around a 784-128-10 network over the 4,000 images, float64:
   ``loss_grid`` against PyTorch written the fast way by hand (the "linear trick": the
   first layer's products for the centre and the two directions once, combined per point).

PyTorch and JAX are optional (``pip install -e ".[peers]"``); a peer not installed is left out.
Without either, scratchnet's side runs alone and prints its times, and nothing is recorded.
Targets: each ratio at least 1 (scratchnet at least as fast); the ones missed are named with
their ratio.

    python benchmarks/bench_peers.py [--rounds 5]
"""

import argparse
import statistics
import time

import numpy as np
import peer_jax  # benchmarks/peer_jax.py, beside this script
from rates import in_turn, record  # benchmarks/rates.py, beside this script

from scratchnet.blas import blas_description, blas_threads
from scratchnet.datasets import load_mnist
from scratchnet.landscape import loss_grid, params_to_vector, random_direction
from scratchnet.networks import DeepConvNet, MultiLayerNet, SimpleConvNet
from scratchnet.optimizers import Adam

PEER_NAMES = {"torch": "PyTorch", "jax": "JAX"}


def race(contenders, rounds):
    """For each peer, the median over ``rounds`` of (its seconds / scratchnet's), every round timing all, in turn;
    and the last round's seconds."""
    ratios = {name: [] for name in contenders if name != "scratchnet"}
    for round_number in range(rounds):
        seconds = {}
        for name in in_turn(list(contenders), round_number):
            began = time.perf_counter()
            contenders[name]()
            seconds[name] = time.perf_counter() - began
        for name in ratios:
            ratios[name].append(seconds[name] / seconds["scratchnet"])
    return {name: statistics.median(values) for name, values in ratios.items()}, seconds


def agree(name, ours, theirs, rtol):
    """Refuse to time two computations that do not give the same numbers."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    gap = np.max(np.abs(ours - theirs)) / max(np.max(np.abs(ours)), 1e-30)
    if not gap <= rtol:
        raise SystemExit(f"{name}: scratchnet and a peer disagree by {gap:.2e} (relative), more than {rtol:g}; "
                         "nothing is timed")
    return gap


def torch_layers(torch, network):
    """PyTorch modules with ``network``'s own weights, layer for layer (Linear's weight is W transposed)."""
    from scratchnet.conv import Convolution, Pooling
    from scratchnet.layers import Affine, Dropout, Relu

    modules = []
    for layer in network.layers.values():
        if isinstance(layer, Convolution):
            module = torch.nn.Conv2d(layer.W.shape[1], layer.W.shape[0], layer.W.shape[2:], layer.stride, layer.pad)
            module.weight.data, module.bias.data = torch.tensor(layer.W), torch.tensor(layer.b)
        elif isinstance(layer, Affine):
            module = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(*layer.W.shape))
            module[1].weight.data, module[1].bias.data = torch.tensor(layer.W.T.copy()), torch.tensor(layer.b)
        elif isinstance(layer, Relu):
            module = torch.nn.ReLU()
        elif isinstance(layer, Pooling):
            module = torch.nn.MaxPool2d(layer.pool_h, layer.stride)
        elif isinstance(layer, Dropout):
            module = torch.nn.Dropout(layer.dropout_ratio)
        else:
            raise TypeError(f"no PyTorch counterpart for {type(layer).__name__}")
        modules.append(module)
    return torch.nn.Sequential(*modules)


def training(peers, network, x, t, batches, check):
    """scratchnet's training loop over ``batches`` of 100 and each peer's, each checked first on the first batch's
    loss and gradients (or, with dropout, the outputs without it); returns the contenders and their gaps."""
    contenders, gaps = {}, {}
    if "torch" in peers:
        contenders["torch"], gaps["torch"] = torch_training(peers["torch"], network, x, t, batches, check)
    if "jax" in peers:
        contenders["jax"], gaps["jax"] = peer_jax.training(peers["jax"], network, x, t, batches, check, agree)
    optimizer = Adam(lr=0.001)

    def ours():
        for start in range(0, 100 * batches, 100):
            optimizer.update(network.params, network.gradient(x[start:start + 100], t[start:start + 100]))

    return {"scratchnet": ours, **contenders}, gaps


def torch_training(torch, network, x, t, batches, check):
    model = torch_layers(torch, network)
    inputs, labels = torch.tensor(x), torch.tensor(t)
    if check == "gradients":
        grads = network.gradient(x[:100], t[:100])
        loss = torch.nn.functional.cross_entropy(model(inputs[:100]), labels[:100])
        loss.backward()
        agree("the first batch's loss", network.loss(x[:100], t[:100]), loss.item(), 1e-5)
        first = next(module for module in model.modules() if isinstance(module, torch.nn.Conv2d | torch.nn.Linear))
        gap = agree("the first layer's weight gradient", grads["W1"], first.weight.grad.numpy().reshape(
            grads["W1"].shape) if first.weight.grad.ndim == 4 else first.weight.grad.numpy().T, 1e-4)
    else:  # dropout draws differently: the outputs without it
        model.eval()
        with torch.no_grad():
            gap = agree("the outputs", network.predict(x[:100]), model(inputs[:100]).numpy(), 1e-4)
        model.train()
    theirs = torch.optim.Adam(model.parameters(), lr=0.001)

    def torch_loop():
        for start in range(0, 100 * batches, 100):
            theirs.zero_grad()
            torch.nn.functional.cross_entropy(model(inputs[start:start + 100]), labels[start:start + 100]).backward()
            theirs.step()

    return torch_loop, gap


def plane(peers, network, x, t, size=41):
    """``loss_grid`` and each peer's plane written the fast way by hand, after checking they give the same grid."""
    center = params_to_vector(network.params)
    d1, d2 = (random_direction(network, rng=seed) for seed in (1, 2))
    alphas = betas = np.linspace(-1, 1, size)
    pieces = [dict(zip(network.params, np.split(vector, np.cumsum([p.size for p in network.params.values()])[:-1]),
                       strict=True)) for vector in (center, d1, d2)]
    pieces = [{key: piece[key].reshape(network.params[key].shape) for key in piece} for piece in pieces]

    def ours():
        return loss_grid(network, x, t, center, d1, d2, alphas, betas, threads=1)

    contenders, gaps, grid = {"scratchnet": ours}, {}, ours()
    if "torch" in peers:
        contenders["torch"] = torch_plane(peers["torch"], pieces, x, t, alphas, betas)
    if "jax" in peers:
        contenders["jax"] = peer_jax.plane(peers["jax"], pieces, x, t, alphas, betas)
    for name in contenders.keys() - {"scratchnet"}:
        gaps[name] = agree("the loss plane", grid, contenders[name](), 1e-9)
    return contenders, gaps


def torch_plane(torch, pieces, x, t, alphas, betas):
    X, labels = torch.tensor(x), torch.tensor(t)
    shaped = [{key: torch.tensor(value) for key, value in piece.items()} for piece in pieces]

    def torch_plane():
        first = [X @ s["W1"] + s["b1"] for s in shaped]  # the linear trick: three products, once
        grid = np.empty((len(betas), len(alphas)))
        with torch.no_grad():
            for j, b in enumerate(betas):
                for i, a in enumerate(alphas):
                    hidden = torch.relu(first[0] + a * first[1] + b * first[2])
                    W2 = shaped[0]["W2"] + a * shaped[1]["W2"] + b * shaped[2]["W2"]
                    b2 = shaped[0]["b2"] + a * shaped[1]["b2"] + b * shaped[2]["b2"]
                    grid[j, i] = torch.nn.functional.cross_entropy(hidden @ W2 + b2, labels).item()
        return grid

    return torch_plane


def import_peers():
    """The installed peers, each set to one thread: ``{"torch": module, "jax": module}``."""
    peers = {}
    try:
        import torch
    except ImportError:
        pass
    else:
        torch.set_num_threads(1)
        peers["torch"] = torch
    jax = peer_jax.import_jax()
    if jax is not None:
        peers["jax"] = jax
    return peers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    peers = import_peers()
    versions = "; ".join(f"{PEER_NAMES[name]} {module.__version__}" for name, module in peers.items())
    versions = versions or 'no peer installed (pip install -e ".[peers]")'
    print(blas_description(), f"| {versions}; one thread each")
    (images, labels), _ = load_mnist(flatten=False)
    images32, flat32 = images.astype(np.float32), images.reshape(len(images), -1).astype(np.float32)
    contests = [
        ("SimpleConvNet epoch, 4,000 images, batch 100, Adam, float32",
         lambda: training(peers, SimpleConvNet(seed=0, dtype=np.float32), images32, labels, 40, "gradients")),
        ("DeepConvNet, 10 batches of 100, Adam, float32",
         lambda: training(peers, DeepConvNet(seed=0, dtype=np.float32), images32, labels, 10, "outputs")),
        ("MLP 784-100-100-10 epoch, 4,000 images, batch 100, Adam, float32",
         lambda: training(peers, MultiLayerNet(784, [100, 100], 10, seed=0, dtype=np.float32), flat32, labels, 40,
                          "gradients")),
        ("41 x 41 loss plane, 784-128-10, 4,000 images, float64",
         lambda: plane(peers, MultiLayerNet(784, [128], 10, seed=0), images.reshape(len(images), -1), labels)),
    ]
    rows, missed = [], []
    with blas_threads(1):
        for measure, make in contests:
            contenders, gaps = make()
            ratios, seconds = race(contenders, args.rounds)
            times = ", ".join(f"{PEER_NAMES.get(name, name)} {seconds[name]:.2f} s" for name in contenders)
            print(f"{measure}: {times} (last round)")
            for name, ratio in ratios.items():
                peer = PEER_NAMES[name]
                print(f"    {peer} / scratchnet {ratio:.2f} (median of {args.rounds}); agreeing to {gaps[name]:.1e}")
                rows.append({"measure": measure, "peer": peer, "value": ratio, "unit": "x",
                             "against": f"{peer}'s time on the same network and weights (above 1: scratchnet faster)"})
                if ratio < 1:
                    missed.append(f"{measure}, {peer} ({ratio:.2f})")
    if not peers:
        print("no peer to compare with: nothing recorded")
        return 0
    target = f"scratchnet at least as fast as {' and '.join(PEER_NAMES[name] for name in peers)} (one thread each) " \
             "in every contest"
    record("bench_peers", rows, target, not missed)
    print(("target met: " + target) if not missed else "target missed by: " + "; ".join(missed))
    return 0 if not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
