"""One epoch through Trainer and the layered network, against a hand-fused numpy loop.

60,000 samples (the embedded MNIST images tiled), batch 64, a 784-128-10 ReLU/softmax
network, SGD. The fused loop does the same arithmetic with no layers, no dicts and no
callbacks: same shuffles, same updates, and the same accuracy evaluations, so the
ratio measures only what the readable structure costs. Target: at most 1.15.
Both are timed in this run, after an untimed epoch of each, in turn, ``--repeats``
rounds, which one goes first alternating from round to round. The ratio is the median
over the rounds of each round's Trainer time over its fused time: the two epochs of a
round run within a second or two of each other, so a slow or fast spell of a shared
machine falls on both, where the best epoch of each, also printed, may come from
different spells.

    python benchmarks/bench_trainer.py [--repeats 9]
"""

import argparse
import time

import numpy as np
from rates import in_turn, record  # benchmarks/rates.py, beside this script

from scratchnet.blas import blas_description, blas_threads, training_threads
from scratchnet.datasets import load_mnist
from scratchnet.networks import TwoLayerNet
from scratchnet.optimizers import SGD
from scratchnet.training import Trainer

BATCH, LR, HIDDEN, SEED, EVALUATE = 64, 0.01, 128, 0, 10000


def data(dtype):
    (x_train, t_train), (x_test, t_test) = load_mnist()
    x = np.tile(x_train, (15, 1)).astype(dtype)
    t = np.tile(t_train, 15)
    return x, t, np.tile(x_test, (10, 1)).astype(dtype), np.tile(t_test, 10)


def fused_epoch(params, x, t, x_test, t_test, seed):
    """The whole epoch written out by hand: forward, softmax loss, backward, SGD."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]

    def accuracy(xs, ts):
        scores = np.maximum(xs @ W1 + b1, 0) @ W2 + b2
        return np.mean(np.argmax(scores, axis=1) == ts)

    history = [accuracy(x[:EVALUATE], t[:EVALUATE]), accuracy(x_test[:EVALUATE], t_test[:EVALUATE])]
    order = np.random.default_rng(seed).permutation(len(x))
    losses = []
    for start in range(0, len(x), BATCH):
        batch = order[start:start + BATCH]
        xb, tb = x[batch], t[batch]
        rows = np.arange(len(batch))
        a1 = xb @ W1 + b1
        z1 = np.maximum(a1, 0)
        scores = z1 @ W2 + b2
        shifted = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        losses.append(float(np.mean(np.log(total[:, 0]) - shifted[rows, tb])))
        dscores = exp / total
        dscores[rows, tb] -= 1
        dscores /= len(batch)
        dz1 = dscores @ W2.T
        dz1[a1 <= 0] = 0
        W2 -= LR * (z1.T @ dscores)
        b2 -= LR * dscores.sum(axis=0)
        W1 -= LR * (xb.T @ dz1)
        b1 -= LR * dz1.sum(axis=0)
    history += [accuracy(x[:EVALUATE], t[:EVALUATE]), accuracy(x_test[:EVALUATE], t_test[:EVALUATE])]
    return losses, history


def trainer_epoch(network, x, t, x_test, t_test, seed):
    trainer = Trainer(network, SGD(lr=LR), x, t, x_test, t_test, epochs=1, batch_size=BATCH, seed=seed,
                      evaluate_sample_num_per_epoch=EVALUATE, verbose=False)
    history = trainer.fit()
    return history.train_loss, [history.train_acc[0], history.test_acc[0], history.train_acc[1], history.test_acc[1]]


def measure(dtype, repeats):
    """Each round's seconds, ``{"fused": [...], "trainer": [...]}``, and the accuracies after the epoch."""
    x, t, x_test, t_test = data(dtype)
    for epoch in (fused_epoch, trainer_epoch):  # untimed: the first epoch of each pays for warming up
        network = TwoLayerNet(784, HIDDEN, 10, weight_init_std=0.05, seed=SEED, dtype=dtype)
        epoch(network.params if epoch is fused_epoch else network, x, t, x_test, t_test, SEED)
    seconds = {"fused": [], "trainer": []}
    for round_number in range(repeats):
        losses = {}
        for name in in_turn(("fused", "trainer"), round_number):
            network = TwoLayerNet(784, HIDDEN, 10, weight_init_std=0.05, seed=SEED, dtype=dtype)
            began = time.perf_counter()
            if name == "fused":  # on as many BLAS threads as Trainer chooses for this network
                with blas_threads(training_threads(network, x[0], BATCH)):
                    losses[name], accuracies = fused_epoch(network.params, x, t, x_test, t_test, SEED)
            else:
                losses[name], accuracies = trainer_epoch(network, x, t, x_test, t_test, SEED)
            seconds[name].append(time.perf_counter() - began)
        if not np.allclose(losses["trainer"], losses["fused"], rtol=1e-4 if dtype == np.float32 else 1e-9):
            raise SystemExit("the Trainer and the fused loop disagree: the benchmark compares different work")
    return seconds, accuracies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="rounds, each timing one epoch of both")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats: expected at least 1 round, got {args.repeats}")
    print(blas_description())
    print(f"one epoch: 60000 samples, batch {BATCH}, 784-{HIDDEN}-10 ReLU, SGD lr {LR} ({args.repeats} rounds)")
    ok, rows = True, []
    for dtype in (np.float64, np.float32):
        seconds, accuracies = measure(dtype, args.repeats)
        ratios = np.array(seconds["trainer"]) / np.array(seconds["fused"])
        ratio = float(np.median(ratios))
        ok &= ratio <= 1.15
        rows.append({"measure": f"an epoch through Trainer, 784-{HIDDEN}-10, batch {BATCH}, {np.dtype(dtype).name}",
                     "value": ratio, "unit": "x", "against": "the same epoch as a hand-fused numpy loop"})
        print(f"  {np.dtype(dtype).name}: Trainer {min(seconds['trainer']):.2f} s, fused loop "
              f"{min(seconds['fused']):.2f} s (best epochs); per round {ratios.min():.3f}-{ratios.max():.3f}, "
              f"median ratio {ratio:.3f} (target <= 1.15); test accuracy after the epoch {accuracies[-1]:.3f}")
    print("  target met" if ok else "  TARGET MISSED")
    record("bench_trainer", rows, "Trainer at most 1.15x the fused loop (median of the rounds)", ok)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
