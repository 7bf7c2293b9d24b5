"""Where a loss plane's time goes, on one thread: its products against numpy's matrix-product rate, the rest
against the rate numpy streams through memory, each measured in this run.

The plane: 51 x 51 points, filter-normalized random directions, a 784-128-10 ReLU network, 10,000 images
(the 4,000 embedded ones tiled), evaluated serially by ``PlaneEvaluator`` under one BLAS thread, in float64
and float32. For each point and each image the evaluator does four things (``_features_first_scores``):

1. the hidden layer ``h = base + a P1 + b P2``: a product with 3 rows (``(G, 3) @ (3, 128 rows)``),
   2 x 3 x 128 operations that write 128 numbers;
2. ReLU over ``h`` in place: 128 numbers read and written, no arithmetic to speak of;
3. the output layer ``W2^T relu(h)``: 2 x 128 x 10 operations, a product BLAS runs near its peak;
4. softmax cross-entropy over the 10 scores (an exp and a log per score).

The whole grid is timed; then each step is timed alone on one piece of the grid (the evaluator's own
``G`` points x ``rows`` images, the size it chose to stay in the cache) and multiplied by the number of
pieces; the steps should add up to the grid. Measured beside them: numpy's matrix-product rate on one
thread, and how fast a copy moves bytes through arrays of one piece's size (in the cache) and of 256 MB
(main memory). The ceiling: the products at numpy's matrix-product rate, steps 1 and 2's bytes at the
in-cache copy rate, the loss as measured. Numpy makes one pass over memory per operation, so the 128
hidden numbers of every point and image must be written, read and written, and read again: no order of
the loops removes a pass, only a compiled loop that keeps ``h`` in registers would.

Target: the plane at 70% of one thread's matrix-product rate; or, where the ceiling itself is lower, a
plane whose time is what this account says: its steps adding up to at least 85% of it, the output product
at 80% of numpy's matrix-product rate or more, and steps 1 and 2 moving their bytes at 70% or more of the
in-cache copy rate.

    python benchmarks/bench_plane_limits.py
"""

import time

import numpy as np
from rates import matmul_rate, record  # benchmarks/rates.py, beside this script

from scratchnet.blas import blas_description, blas_threads
from scratchnet.datasets import load_mnist
from scratchnet.landscape import params_to_vector, random_direction
from scratchnet.landscape.evaluator import PlaneEvaluator
from scratchnet.landscape.softmax import softmax_loss_sums
from scratchnet.networks import MultiLayerNet

HIDDEN, CLASSES, SIDE, IMAGES = 128, 10, 51, 10_000


def best_of(function, repeats, rounds=3):
    """Seconds one call of ``function`` takes: the best of ``rounds`` rounds of ``repeats`` calls."""
    best = np.inf
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(repeats):
            function()
        best = min(best, (time.perf_counter() - began) / repeats)
    return best


def copy_rate(values, dtype, repeats):
    """Bytes a second numpy moves copying an array of ``values`` numbers (each read once and written once)."""
    source = np.random.default_rng(0).standard_normal(values).astype(dtype)
    target = np.empty_like(source)
    return 2 * source.nbytes / best_of(lambda: np.copyto(target, source), repeats)


def plane_evaluator(dtype):
    (x, t), _ = load_mnist()
    repeats = -(-IMAGES // len(x))
    x, labels = np.tile(x, (repeats, 1))[:IMAGES], np.tile(t, repeats)[:IMAGES]
    network = MultiLayerNet(784, [HIDDEN], CLASSES, weight_init_std="he", seed=0)
    rng = np.random.default_rng(0)
    d1, d2 = random_direction(network, rng), random_direction(network, rng)
    evaluator = PlaneEvaluator(network, x, labels, params_to_vector(network.params), d1, d2, dtype=dtype)
    if not evaluator.features_first:
        raise RuntimeError("expected the evaluator's features-first path for a 784-128-10 softmax network")
    return evaluator, labels


def steps_of_one_piece(evaluator, labels, dtype):
    """Seconds each step takes on one piece (the evaluator's ``G`` points x first block), as the evaluator runs it."""
    G, rows = evaluator.chunk, evaluator.blocks[0].stop - evaluator.blocks[0].start
    rng = np.random.default_rng(1)
    coefficients = np.stack([np.ones(G), rng.uniform(-1, 1, G), rng.uniform(-1, 1, G)], axis=1).astype(dtype)
    stacked, W = evaluator.stacked[0], evaluator.layers[-1].W.T  # (3, 128 rows), (10, 128)
    hidden = np.empty((G, HIDDEN * rows), dtype)
    zeros = np.zeros((HIDDEN, rows), dtype)
    scores = np.empty((CLASSES, G, rows), dtype)
    out = scores.transpose(1, 0, 2)
    np.matmul(coefficients, stacked, out=hidden)
    h = hidden.reshape(G, HIDDEN, rows)
    np.maximum(h, zeros, out=h)
    np.matmul(W, h, out=out)
    kept = scores.copy()
    fresh = np.empty_like(scores)
    piece_labels = labels[:rows]
    repeats = 300

    def loss():
        np.copyto(fresh, kept)  # softmax_loss_sums overwrites its scores; the copy is taken off below
        softmax_loss_sums(fresh, piece_labels)

    seconds = {"combine": best_of(lambda: np.matmul(coefficients, stacked, out=hidden), repeats),
               "relu": best_of(lambda: np.maximum(h, zeros, out=h), repeats),
               "product": best_of(lambda: np.matmul(W, h, out=out), repeats),
               "loss": best_of(loss, repeats) - best_of(lambda: np.copyto(fresh, kept), repeats)}
    return seconds, G, rows


def measure(dtype):
    evaluator, labels = plane_evaluator(dtype)
    grid = np.linspace(-1, 1, SIDE)
    A, B = (c.ravel() for c in np.meshgrid(grid, grid))
    chunks = evaluator.chunk_ranges(A.size)
    whole = best_of(lambda: evaluator.evaluate_chunks(A, B, chunks), 1)
    steps, G, rows = steps_of_one_piece(evaluator, labels, dtype)
    pieces = A.size / G * IMAGES / rows
    steps = {name: seconds * pieces for name, seconds in steps.items()}
    size = np.dtype(dtype).itemsize
    peak = matmul_rate(dtype)
    in_cache = copy_rate(G * HIDDEN * rows, dtype, 300)
    main_memory = copy_rate(2**25, dtype, 3)  # 256 MB in float64, 128 MB in float32
    points_rows = A.size * IMAGES
    flops = points_rows * HIDDEN * 2 * (3 + CLASSES)
    product_flops = points_rows * HIDDEN * CLASSES * 2
    # Steps 1 and 2 move 3 x 128 numbers a point and image: h written, then read and written by ReLU; and step 1
    # reads its 3 x 128 inputs once for the G points of a piece. (The product's reading of h is counted in its
    # own time, at its own rate.)
    pass_bytes = points_rows * HIDDEN * size * (3 + 3 / G)
    ceiling_seconds = product_flops / peak + pass_bytes / in_cache + steps["loss"]
    return {"whole": whole, "steps": steps, "G": G, "rows": rows, "peak": peak, "in cache": in_cache,
            "main memory": main_memory, "share": flops / whole / peak, "ceiling": flops / ceiling_seconds / peak,
            "product share": product_flops / steps["product"] / peak, "pass bytes": pass_bytes,
            "pass rate": pass_bytes / (steps["combine"] + steps["relu"]),
            "explained": sum(steps.values()) / whole}


def report(name, m):
    s = m["steps"]
    print(f"{name}: {SIDE} x {SIDE} plane in {m['whole']:.2f} s on one thread, pieces of {m['G']} points x "
          f"{m['rows']} images; numpy's matrix product here: {m['peak'] / 1e9:.1f} GFLOP/s")
    print(f"  the plane's work at {m['share']:.0%} of that rate; its steps, timed alone, add up to "
          f"{m['explained']:.0%} of its time:")
    print(f"    1. the hidden layer (3-row product) {s['combine']:5.2f} s;  2. ReLU {s['relu']:5.2f} s: "
          f"{m['pass bytes'] / (SIDE**2) / 1e6:.0f} MB a point at {m['pass rate'] / 1e9:.0f} GB/s")
    print(f"    3. the output product {s['product']:5.2f} s, at {m['product share']:.0%} of numpy's matrix-product "
          f"rate;  4. the loss {s['loss']:5.2f} s")
    print(f"  copying through memory here: {m['in cache'] / 1e9:.0f} GB/s in arrays of one piece's size (steps 1 and "
          f"2 at {m['pass rate'] / m['in cache']:.0%} of it), {m['main memory'] / 1e9:.0f} GB/s in main memory "
          f"(through which steps 1 and 2 alone would take {m['pass bytes'] / m['main memory']:.1f} s)")
    print(f"  ceiling, the products at numpy's rate and steps 1 and 2 at the in-cache copy rate: {m['ceiling']:.0%}; "
          f"the plane reaches {m['share'] / m['ceiling']:.0%} of it")


def main():
    print(blas_description())
    results = {}
    with blas_threads(1):
        for dtype in (np.float64, np.float32):
            results[dtype] = measure(dtype)
            report(np.dtype(dtype).name, results[dtype])
    rows, ok = [], True
    for dtype, m in results.items():
        name = np.dtype(dtype).name
        rows.append({"measure": f"51 x 51 loss plane, 784-128-10, 10,000 images, {name}, one thread "
                     f"(numpy's one pass over memory per operation caps it at {100 * m['ceiling']:.0f}%)",
                     "unit": "% of peak",
                     "value": 100 * m["share"], "against": f"numpy's {name} matrix-product rate on one thread"})
        rows.append({"measure": f"the same, {name}: its ceiling with one pass over memory per numpy operation",
                     "unit": "% of peak", "value": 100 * m["ceiling"],
                     "against": "products at numpy's rate, the hidden layer and ReLU at the in-cache copy rate"})
        moved = m["pass bytes"] / SIDE**2 / 1e6
        rows.append({"measure": f"the same, {name}: the hidden layer and ReLU, {moved:.0f} MB moved a point",
                     "unit": "%", "value": 100 * m["pass rate"] / m["in cache"],
                     "against": "numpy's copy rate through arrays of the same size, measured in the run"})
        ok &= m["share"] >= 0.7 or (m["explained"] >= 0.85 and m["product share"] >= 0.8
                                    and m["pass rate"] >= 0.7 * m["in cache"])
    record("bench_plane_limits", rows, "the plane at 70% of one thread's matrix-product rate; or its measured steps "
           "adding up to 85% of its time, the output product at 80% of that rate and the passes over the hidden "
           "layer at 70% of numpy's in-cache copy rate", ok)
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
