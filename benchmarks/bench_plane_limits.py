"""Where a loss plane's time goes, on one thread: each step against the best numpy does for the same traffic or
the same product, and the whole against numpy's matrix-product peak, each measured in this run.

The plane: 51 x 51 points, filter-normalized random directions, a 784-128-10 ReLU network, 10,000 images
(the 4,000 embedded ones tiled), evaluated serially by ``PlaneEvaluator`` under one BLAS thread, in float64
and float32. For each point and each image the evaluator does four things (``_features_first_scores``):

1. the hidden layer ``h = base + a P1 + b P2``: a product with 3 rows (``(G, 3) @ (3, 128 rows)``),
   2 x 3 x 128 operations that write 128 numbers;
2. ReLU over ``h`` in place: 128 numbers read and written, no arithmetic to speak of;
3. the output layer ``W2^T relu(h)``: 2 x 128 x 10 operations for the 128 numbers it reads;
4. softmax cross-entropy over the 10 scores (an exp and a log per score).

The whole grid is timed; then each step is timed alone on one piece of the grid (the evaluator's own
``G`` points x ``rows`` images, the size it chose to stay in the cache) and multiplied by the number of
pieces; the steps should add up to the grid. Each step is set beside the best numpy does for the same
traffic, on the same piece, in the same run:

1. the hidden layer writes the piece's numbers: against numpy writing them (the faster of ``fill`` and a
   broadcast copy);
2. ReLU reads and writes them in place: against an in-place multiply by one;
3. the output product: against numpy's fastest product of its shape (``W @ h`` over the piece as one
   product, ``h^T @ W^T``, or one product a point, as the evaluator does). With 10 output rows it does
   20 operations for each number it reads, so it waits on memory where the peak is high: its shape's rate
   is set beside numpy's square-matrix peak, and the rate it reads ``h`` beside the in-place rate.

The ceiling: each step at its reference, the loss as measured. Numpy makes one pass over memory per
operation, so the 128 hidden numbers of every point and image are written, read and written, and read
again: no order of the loops removes a pass, only a compiled loop that keeps ``h`` in registers would.
Also measured: how fast a copy moves bytes through main memory (256 MB), the rate the plane would run at
if its pieces left the cache.

Target: the plane at 70% of one thread's matrix-product peak; or, where the ceiling itself is lower, a
plane whose time is what this account says: its steps adding up to at least 85% of it, the output
product at 80% or more of numpy's best product of its shape, and steps 1 and 2 together at 70% or more of
their references' time.

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


def stream_rates(piece, repeats):
    """Bytes a second numpy writes into ``piece`` (the faster of ``fill`` and a broadcast copy of one point's
    slice), and reads and writes in it in place (a multiply by one)."""
    one_point = np.ascontiguousarray(piece[0])
    write = min(best_of(lambda: piece.fill(1), repeats), best_of(lambda: np.copyto(piece, one_point), repeats))
    read_write = best_of(lambda: np.multiply(piece, 1, out=piece), repeats)
    return piece.nbytes / write, 2 * piece.nbytes / read_write


def best_product_of_shape(W, h, out, repeats):
    """Seconds numpy's fastest product of the output layer's shape takes over one piece: ``W`` (10, 128)
    against ``h`` (G, 128, rows) as the evaluator runs it (one product a point), as one ``W @ h`` over the
    piece's columns, or as ``h^T @ W^T``."""
    G, _, rows = h.shape
    flat = np.ascontiguousarray(h.transpose(1, 0, 2)).reshape(HIDDEN, G * rows)
    flat_t = np.ascontiguousarray(flat.T)
    W_t = np.ascontiguousarray(W.T)
    scores, scores_t = np.empty((CLASSES, G * rows), h.dtype), np.empty((G * rows, CLASSES), h.dtype)
    return min(best_of(lambda: np.matmul(W, h, out=out), repeats),
               best_of(lambda: np.matmul(W, flat, out=scores), repeats),
               best_of(lambda: np.matmul(flat_t, W_t, out=scores_t), repeats))


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
    references = {"product": best_product_of_shape(W, h, out, repeats)}
    references["write"], references["read write"] = stream_rates(h, repeats)  # last: it overwrites h
    return seconds, references, G, rows


def measure(dtype):
    evaluator, labels = plane_evaluator(dtype)
    grid = np.linspace(-1, 1, SIDE)
    A, B = (c.ravel() for c in np.meshgrid(grid, grid))
    chunks = evaluator.chunk_ranges(A.size)
    whole = best_of(lambda: evaluator.evaluate_chunks(A, B, chunks), 1)
    steps, references, G, rows = steps_of_one_piece(evaluator, labels, dtype)
    pieces = A.size / G * IMAGES / rows
    steps = {name: seconds * pieces for name, seconds in steps.items()}
    size = np.dtype(dtype).itemsize
    peak = matmul_rate(dtype)
    main_memory = copy_rate(2**25, dtype, 3)  # 256 MB in float64, 128 MB in float32
    points_rows = A.size * IMAGES
    flops = points_rows * HIDDEN * 2 * (3 + CLASSES)
    product_flops = points_rows * HIDDEN * CLASSES * 2
    hidden_bytes = points_rows * HIDDEN * size  # the hidden numbers of every point and image, once
    # Step 1 writes them (its 3 x 128 inputs a piece stay in the cache); step 2 reads and writes them.
    best_passes = hidden_bytes / references["write"] + 2 * hidden_bytes / references["read write"]
    best_product = references["product"] * pieces
    ceiling_seconds = best_passes + best_product + steps["loss"]
    return {"whole": whole, "steps": steps, "G": G, "rows": rows, "peak": peak, "references": references,
            "main memory": main_memory, "share": flops / whole / peak, "ceiling": flops / ceiling_seconds / peak,
            "shape share": product_flops / best_product / peak, "product share": best_product / steps["product"],
            "product read": hidden_bytes / steps["product"], "hidden bytes": hidden_bytes,
            "passes share": best_passes / (steps["combine"] + steps["relu"]),
            "explained": sum(steps.values()) / whole}


def report(name, m):
    s, r = m["steps"], m["references"]
    print(f"{name}: {SIDE} x {SIDE} plane in {m['whole']:.2f} s on one thread, pieces of {m['G']} points x "
          f"{m['rows']} images; numpy's matrix product here: {m['peak'] / 1e9:.1f} GFLOP/s")
    print(f"  the plane's work at {m['share']:.0%} of that rate; its steps, timed alone, add up to "
          f"{m['explained']:.0%} of its time:")
    print(f"    1. the hidden layer (3-row product) {s['combine']:5.2f} s, writing at "
          f"{m['hidden bytes'] / s['combine'] / 1e9:.0f} GB/s (numpy writes a piece at {r['write'] / 1e9:.0f})")
    print(f"    2. ReLU {s['relu']:5.2f} s, reading and writing at {2 * m['hidden bytes'] / s['relu'] / 1e9:.0f} GB/s "
          f"(numpy's in-place pass: {r['read write'] / 1e9:.0f}); steps 1 and 2 at {m['passes share']:.0%} of "
          f"their references' time")
    print(f"    3. the output product {s['product']:5.2f} s, at {m['product share']:.0%} of numpy's best product of "
          f"its shape, which runs at {m['shape share']:.0%} of the peak; it reads h at "
          f"{m['product read'] / 1e9:.0f} GB/s")
    print(f"    4. the loss {s['loss']:5.2f} s")
    print(f"  through main memory a copy moves {m['main memory'] / 1e9:.0f} GB/s: steps 1 to 3's "
          f"{4 * m['hidden bytes'] / SIDE**2 / 1e6:.0f} MB a point would take "
          f"{4 * m['hidden bytes'] / m['main memory']:.1f} s there")
    print(f"  ceiling, each step at its reference: {m['ceiling']:.0%} of the peak; the plane reaches "
          f"{m['share'] / m['ceiling']:.0%} of it")


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
                     "against": "each step at numpy's best for its traffic or its shape, measured in the run"})
        rows.append({"measure": f"the same, {name}: the hidden layer and ReLU, "
                                f"{3 * m['hidden bytes'] / SIDE**2 / 1e6:.0f} MB moved a point",
                     "unit": "%", "value": 100 * m["passes share"],
                     "against": "numpy writing, and reading and writing in place, the same numbers (time)"})
        rows.append({"measure": f"the same, {name}: the output product (10 rows of 128, "
                                f"{100 * m['shape share']:.0f}% of the peak at best)",
                     "unit": "%", "value": 100 * m["product share"],
                     "against": "numpy's fastest product of that shape (time)"})
        ok &= m["share"] >= 0.7 or (m["explained"] >= 0.85 and m["product share"] >= 0.8
                                    and m["passes share"] >= 0.7)
    record("bench_plane_limits", rows, "the plane at 70% of one thread's matrix-product peak; or its measured steps "
           "adding up to 85% of its time, the output product at 80% of numpy's best product of its shape and the "
           "hidden layer and ReLU at 70% of numpy's best passes over the same numbers", ok)
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
