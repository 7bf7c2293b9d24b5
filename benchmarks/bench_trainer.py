"""One epoch through Trainer and the layered network, against a hand-fused numpy loop.

60,000 samples (the embedded MNIST images tiled), batch 100, SGD, two ReLU/softmax networks:
784-50-10 and 784-100-100-10, each in float64 and float32. The fused loop does the same
arithmetic with no layers, no dicts and no callbacks: same shuffles, same updates, and the
same accuracy evaluations, so the ratio measures only what the readable structure costs.
Target: at most 1.10 for every network and dtype.
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
from scratchnet.networks import MultiLayerNet
from scratchnet.optimizers import SGD
from scratchnet.training import Trainer

BATCH, LR, SEED, EVALUATE, TARGET = 100, 0.01, 0, 10000, 1.10
NETWORKS = ([50], [100, 100])  # hidden layers between 784 inputs and 10 classes


def data(dtype):
    (x_train, t_train), (x_test, t_test) = load_mnist()
    x = np.tile(x_train, (15, 1)).astype(dtype)
    t = np.tile(t_train, 15)
    return x, t, np.tile(x_test, (10, 1)).astype(dtype), np.tile(t_test, 10)


def fused_epoch(params, x, t, x_test, t_test, seed):
    """The whole epoch written out by hand: forward, softmax loss, backward, SGD."""
    depth = len(params) // 2
    weights = [(params[f"W{i}"], params[f"b{i}"]) for i in range(1, depth + 1)]

    def scores_of(xs):
        for W, b in weights[:-1]:
            xs = np.maximum(xs @ W + b, 0)
        return xs @ weights[-1][0] + weights[-1][1]

    def accuracy(xs, ts):
        return np.mean(np.argmax(scores_of(xs), axis=1) == ts)

    history = [accuracy(x[:EVALUATE], t[:EVALUATE]), accuracy(x_test[:EVALUATE], t_test[:EVALUATE])]
    order = np.random.default_rng(seed).permutation(len(x))
    losses = []
    for start in range(0, len(x), BATCH):
        batch = order[start:start + BATCH]
        xb, tb = x[batch], t[batch]
        rows = np.arange(len(batch))
        inputs, pre = [xb], []
        for W, b in weights[:-1]:
            pre.append(inputs[-1] @ W + b)
            inputs.append(np.maximum(pre[-1], 0))
        scores = inputs[-1] @ weights[-1][0] + weights[-1][1]
        shifted = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        losses.append(float(np.mean(np.log(total[:, 0]) - shifted[rows, tb])))
        delta = exp / total
        delta[rows, tb] -= 1
        delta /= len(batch)
        for layer in range(depth - 1, -1, -1):
            W, b = weights[layer]
            dW, db = inputs[layer].T @ delta, delta.sum(axis=0)
            if layer:
                delta = delta @ W.T
                delta[pre[layer - 1] <= 0] = 0
            W -= LR * dW
            b -= LR * db
    history += [accuracy(x[:EVALUATE], t[:EVALUATE]), accuracy(x_test[:EVALUATE], t_test[:EVALUATE])]
    return losses, history


def trainer_epoch(network, x, t, x_test, t_test, seed):
    trainer = Trainer(network, SGD(lr=LR), x, t, x_test, t_test, epochs=1, batch_size=BATCH, seed=seed,
                      evaluate_sample_num_per_epoch=EVALUATE, verbose=False)
    history = trainer.fit()
    return history.train_loss, [history.train_acc[0], history.test_acc[0], history.train_acc[1], history.test_acc[1]]


def measure(hidden, dtype, repeats):
    """Each round's seconds, ``{"fused": [...], "trainer": [...]}``, and the accuracies after the epoch."""
    x, t, x_test, t_test = data(dtype)

    def network():
        return MultiLayerNet(784, hidden, 10, seed=SEED, dtype=dtype)

    for epoch in (fused_epoch, trainer_epoch):  # untimed: the first epoch of each pays for warming up
        model = network()
        epoch(model.params if epoch is fused_epoch else model, x, t, x_test, t_test, SEED)
    seconds = {"fused": [], "trainer": []}
    for round_number in range(repeats):
        losses = {}
        for name in in_turn(("fused", "trainer"), round_number):
            model = network()
            began = time.perf_counter()
            if name == "fused":  # on as many BLAS threads as Trainer chooses for this network
                with blas_threads(training_threads(model, x[0], BATCH)):
                    losses[name], accuracies = fused_epoch(model.params, x, t, x_test, t_test, SEED)
            else:
                losses[name], accuracies = trainer_epoch(model, x, t, x_test, t_test, SEED)
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
    print(f"one epoch: 60000 samples, batch {BATCH}, ReLU, SGD lr {LR} ({args.repeats} rounds)")
    ok, rows = True, []
    for hidden in NETWORKS:
        sizes = "-".join(map(str, [784, *hidden, 10]))
        for dtype in (np.float64, np.float32):
            seconds, accuracies = measure(hidden, dtype, args.repeats)
            ratios = np.array(seconds["trainer"]) / np.array(seconds["fused"])
            ratio = float(np.median(ratios))
            ok &= ratio <= TARGET
            rows.append({"measure": f"an epoch through Trainer, {sizes}, batch {BATCH}, {np.dtype(dtype).name}",
                         "value": ratio, "unit": "x", "against": "the same epoch as a hand-fused numpy loop"})
            print(f"  {sizes} {np.dtype(dtype).name}: Trainer {min(seconds['trainer']):.3f} s, fused loop "
                  f"{min(seconds['fused']):.3f} s (best epochs); per round {ratios.min():.3f}-{ratios.max():.3f}, "
                  f"median ratio {ratio:.3f} (target <= {TARGET}); test accuracy after the epoch {accuracies[-1]:.3f}")
    print("  target met" if ok else "  TARGET MISSED")
    record("bench_trainer", rows, f"Trainer at most {TARGET}x the fused loop (median of the rounds), every network "
           "and dtype", ok)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
