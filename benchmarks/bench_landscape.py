"""Loss grids: the fast exact evaluator against the naive per-point loop, in one run.

"10,000 images" below are the 4,000 embedded training images repeated 2.5 times (the
size of data set the figures use; a repeated image costs what a new one would).

1. Two weights into one sigmoid output with squared error (landscape figure 1): 40 x 40
   over W3[250, 5], W3[251, 5] of a 784-50-500-10 sigmoid network, 10,000 images.
   Target: under 1 s and at least 100 times the naive loop.
2. The same two weights of the same network with a softmax output and cross-entropy:
   only one logit moves. Target: under 0.5 s and at least 100 times the naive loop.
3. A 51 x 51 filter-normalized random plane of a 784-128-10 ReLU network over 10,000
   images. Target: at least 20 times the naive loop (threads, one per core, as the naive
   loop's BLAS uses every core). Also: serially, in float32 (within 1e-5 relative), and on
   a Dask cluster of 2 local worker processes (target: at least 1.7 times the serial
   grid, or 90% of what the same grid gains on 2 threads of this process if that is
   lower, as a shared virtual machine's two cores sometimes make it; never below 1.4
   times), each with its floating-point rate as a share of numpy's matrix-product rate
   measured in this run. These four are timed in turn, three rounds, each keeping its
   best. For comparison it prints what two Dask workers gain on pure matrix products,
   work that hardly touches memory.
4. A hand-written 784-128-10 network (W as (out, in), (1, n) biases) as a loss function
   of its params dict, over 2,000 images, 31 x 31: the generic path (one call per
   point; its milliseconds per point), against ``from_params`` on the same arrays.
   Target: ``from_params`` at least 10 times the generic path, equal to 1e-10.

The naive and generic loops take minutes, so by default they are timed on a sample of
grid points spread over the grid, and their time per point is multiplied by the grid
size; --full runs them on every point. Fast values are checked against them where both
exist. The fast grid and the reference points are timed in alternation, three rounds, and
each keeps its best round, so that a slow spell of a shared machine hits both alike.

    python benchmarks/bench_landscape.py [--full] [--sample 24]
"""

import argparse
import time
import warnings

import dask
import numpy as np
from distributed import Client, LocalCluster
from rates import matmul_rate, record, timed  # benchmarks/rates.py, beside this script

from scratchnet.blas import blas_description, blas_threads
from scratchnet.datasets import load_mnist
from scratchnet.landscape import ParamsSpec, loss_grid, loss_grid_naive, params_to_vector, random_direction
from scratchnet.networks import MultiLayerNet, build_network, from_params


def tiled_mnist(n):
    (x, t), _ = load_mnist(one_hot_label=True)
    repeats = -(-n // len(x))
    return np.tile(x, (repeats, 1))[:n], np.tile(t, (repeats, 1))[:n]


def sampled_points(alphas, betas, full, sample):
    points = [(j, i) for j in range(len(betas)) for i in range(len(alphas))]
    if full:
        return points
    return [points[k] for k in np.linspace(0, len(points) - 1, sample).round().astype(int)]


def compare(label, fast_grid, reference_point, alphas, betas, full, sample, reference_name="naive", rounds=3):
    """Time ``fast_grid()`` against ``reference_point(a, b)`` on sampled points; print and return the numbers.

    The two are timed in alternation, ``rounds`` times, and each keeps its best round: on a
    shared machine a slow spell then hits both alike instead of whichever ran during it.
    """
    points = sampled_points(alphas, betas, full, sample)
    fast_times, per_point_times = [], []
    for _ in range(1 if full else rounds):
        began = time.perf_counter()
        fast = fast_grid()
        fast_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        reference = [reference_point(alphas[i], betas[j]) for j, i in points]
        per_point_times.append((time.perf_counter() - began) / len(points))
    fast_time, per_point = min(fast_times), min(per_point_times)
    reference_time = per_point * alphas.size * betas.size
    worst = max(abs(fast[j, i] - value) / abs(value) for (j, i), value in zip(points, reference, strict=True))
    how = "every point" if full else f"{per_point * 1e3:.1f} ms per point on {len(points)} points x grid"
    print(label)
    print(f"  fast      {fast_time:8.3f} s")
    print(f"  {reference_name:<9} {reference_time:8.1f} s ({how})")
    print(f"  speed-up {reference_time / fast_time:8.0f}x, largest relative difference {worst:.1e}")
    return fast_time, reference_time / fast_time, worst, per_point


def two_weights(output, x, t, args):
    squared = output == "sigmoid"
    network = build_network([784, 50, 500, 10], activation="sigmoid", weight_init_std=1.0, use_bias=not squared,
                            output_activation="sigmoid" if squared else None, loss="squared" if squared else "softmax",
                            squared_factor=1.0, seed=0)
    center = params_to_vector(network.params)
    offset = center.size - network.params["W3"].size - (0 if squared else network.params["b3"].size)
    d1, d2 = np.zeros_like(center), np.zeros_like(center)
    d1[offset + 250 * 10 + 5] = d2[offset + 251 * 10 + 5] = 1.0
    center[offset + 250 * 10 + 5] = center[offset + 251 * 10 + 5] = 0.0
    alphas, betas = np.linspace(-15, 17, 40), np.linspace(-15, 18, 40)
    loss = "sigmoid output, squared error" if squared else "softmax, cross-entropy"
    return compare(f"two weights into one output, {loss}: 40 x 40, 784-50-500-10, 10,000 images",
                   lambda: loss_grid(network, x, t, center, d1, d2, alphas, betas),
                   lambda a, b: loss_grid_naive(network, x, t, center, d1, d2, [a], [b])[0, 0],
                   alphas, betas, args.full, args.sample)


def random_plane(x, labels, args):
    network = MultiLayerNet(784, [128], 10, weight_init_std="he", seed=0)
    center = params_to_vector(network.params)
    rng = np.random.default_rng(0)
    d1, d2 = random_direction(network, rng), random_direction(network, rng)
    grid = np.linspace(-1, 1, 51)
    result = compare("filter-normalized random plane: 51 x 51, 784-128-10 ReLU, 10,000 images",
                     lambda: loss_grid(network, x, labels, center, d1, d2, grid, grid),
                     lambda a, b: loss_grid_naive(network, x, labels, center, d1, d2, [a], [b])[0, 0],
                     grid, grid, args.full, args.sample)
    return result, (network, center, d1, d2, grid)


def products(repeats):
    """Compute-bound work that hardly touches memory: ``repeats`` products of a 400 x 400 matrix."""
    a = np.random.default_rng(0).standard_normal((400, 400))
    for _ in range(repeats):
        a @ a


def two_worker_ceiling(client, repeats=200, rounds=3):
    """How much faster two of the cluster's workers do twice the work of one, on pure matrix products.

    What work that hardly touches memory gains on this machine's two cores at this moment: a
    shared virtual machine's cores do not always run at full speed together. One worker and
    two take turns, ``rounds`` times, and each keeps its best time.
    """
    workers = sorted(client.scheduler_info()["workers"])[:2]
    one = two = np.inf
    for _ in range(rounds):
        one = min(one, timed(lambda: client.submit(products, repeats, workers=workers[:1], pure=False).result()))
        two = min(two, timed(lambda: client.gather([client.submit(products, repeats, workers=[w], pure=False)
                                                    for w in workers])))
    return 2 * one / two


def plane_rates(x, labels, plane, naive_seconds, rounds=3):
    """The random plane serially, on two threads, in float32, and on a Dask cluster of two processes.

    The four are timed in turn, ``rounds`` times, and each keeps its best round (as ``compare`` does).
    """
    network, center, d1, d2, grid = plane
    points, rows, hidden, classes = grid.size**2, len(x), 128, 10
    flops = points * rows * hidden * 2 * (3 + classes)  # base + a P1 + b P2, then the 128 x 10 product
    run, seconds = {}, {}

    def time_grid(label, **options):
        began = time.perf_counter()
        run[label] = loss_grid(network, x, labels, center, d1, d2, grid, grid, **options)
        seconds[label] = min(seconds.get(label, np.inf), time.perf_counter() - began)

    # Dask's workers hand freed memory back at once (MALLOC_TRIM_THRESHOLD_), which makes numpy's large temporary
    # arrays about three times slower; the README shows the same setting.
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Sending large graph")  # the evaluator goes to each worker once
        executor = client.get_executor()
        loss_grid(network, x[:100], labels[:100], center, d1, d2, grid[:3], grid[:3], executor=executor)  # warm up
        for _ in range(rounds):
            time_grid("1 thread", threads=1)
            time_grid("2 threads", threads=2)
            time_grid("float32, 2 threads", threads=2, dtype=np.float32)
            time_grid("dask", executor=executor)
        ceiling = two_worker_ceiling(client)
    rate64, rate32 = matmul_rate(np.float64), matmul_rate(np.float32)
    with blas_threads(1):
        rate64_one = matmul_rate(np.float64)
    print(f"  numpy's matrix product in this run: {rate64 / 1e9:.1f} GFLOP/s float64 ({rate64_one / 1e9:.1f} on one "
          f"thread), {rate32 / 1e9:.1f} float32 (where the time goes on one thread: bench_plane_limits.py)")
    for label, rate in (("1 thread", rate64_one), ("2 threads", rate64), ("float32, 2 threads", rate32)):
        achieved = flops / seconds[label]
        print(f"  {label:<22} {seconds[label]:6.2f} s  {naive_seconds / seconds[label]:5.1f}x the naive loop, "
              f"{achieved / 1e9:5.1f} GFLOP/s = {achieved / rate:.0%} of numpy's matrix-product rate")
    single = np.max(np.abs(run["float32, 2 threads"] - run["1 thread"]) / np.abs(run["1 thread"]))
    identical = np.array_equal(run["2 threads"], run["1 thread"]) and np.array_equal(run["dask"],
                                                                                                run["1 thread"])
    dask_ratio = seconds["1 thread"] / seconds["dask"]
    print(f"  Dask, 2 local worker processes {seconds['dask']:6.2f} s: {dask_ratio:.2f}x the serial grid; "
          f"threads and Dask equal to the serial grid bit for bit: {identical}; float32 within {single:.1e}")
    thread_gain = seconds["1 thread"] / seconds["2 threads"]
    print(f"  two cores in this run: this grid on two threads {thread_gain:.2f}x the serial grid, so Dask reached "
          f"{dask_ratio / thread_gain:.0%} of the machine's own gain on it; pure matrix products on two Dask "
          f"workers {ceiling:.2f}x one")
    return {"threads": naive_seconds / seconds["2 threads"], "float32 speed-up":
            seconds["2 threads"] / seconds["float32, 2 threads"], "float32 error": single,
            "identical": identical, "dask": dask_ratio, "thread gain": thread_gain}


def own_network(x, t, args):
    rng = np.random.default_rng(0)
    params = {"W1": rng.standard_normal((128, 784)) * np.sqrt(2 / 784), "b1": 0.1 * rng.standard_normal((1, 128)),
              "W2": rng.standard_normal((10, 128)) * np.sqrt(2 / 128), "b2": 0.1 * rng.standard_normal((1, 10))}

    def loss_fn(p):  # written as a learner writes it
        z = np.maximum(x @ p["W1"].T + p["b1"], 0) @ p["W2"].T + p["b2"]
        z = z - z.max(axis=1, keepdims=True)
        return -np.mean(np.sum(t * (z - np.log(np.exp(z).sum(axis=1, keepdims=True))), axis=1))

    spec = ParamsSpec(params)
    d1 = spec.params(random_direction(params, 1, layout="out_in"))
    d2 = spec.params(random_direction(params, 2, layout="out_in"))
    network = from_params(params, layout="out_in")
    vectors = [params_to_vector(network.import_params(d)) for d in (params, d1, d2)]
    grid = np.linspace(-1, 1, 31)
    center, u, v = (spec.vector(d) for d in (params, d1, d2))
    return compare("your own network: 31 x 31, 784-128-10 as a loss function of a params dict, 2,000 images",
                   lambda: loss_grid(network, x, t, *vectors, grid, grid),
                   lambda a, b: loss_fn(spec.params(center + a * u + b * v)),
                   grid, grid, args.full, args.sample, reference_name="generic")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run the naive loops on every grid point (minutes)")
    parser.add_argument("--sample", type=int, default=24, help="grid points timed for the naive loops")
    args = parser.parse_args()
    print(blas_description())
    x, t = tiled_mnist(10000)
    rows = []

    def row(measure, value, against):
        rows.append({"measure": measure, "value": value, "unit": "x", "against": against})

    print("1.", end=" ")
    seconds, ratio, worst, _ = two_weights("sigmoid", x, t, args)
    ok = seconds < 1 and ratio >= 100 and worst <= 1e-10
    row("40 x 40, two weights into a sigmoid output, squared error, 784-50-500-10, 10,000 images", ratio,
        "the naive loop (a forward pass a point)")
    print("2.", end=" ")
    seconds, ratio, worst, _ = two_weights("softmax", x, t, args)
    ok &= seconds < 0.5 and ratio >= 100 and worst <= 1e-10
    row("the same two weights, softmax and cross-entropy", ratio, "the naive loop")
    print("3.", end=" ")
    (seconds, ratio, worst, per_point), plane = random_plane(x, t.argmax(axis=1), args)
    plane_result = plane_rates(x, t.argmax(axis=1), plane, seconds * ratio)
    ok &= ratio >= 20 and worst <= 1e-10 and plane_result["float32 error"] <= 1e-5 and plane_result["identical"]
    # 1.7x, or, in a run where two threads on the same grid gain less than that, 90% of what they gain: what is
    # left to measure then is the cost of distributing the grid, not how well the machine's cores share memory.
    # Never below 1.4x, so that a run in which the threads themselves barely gain proves nothing and fails.
    ok &= plane_result["dask"] >= max(1.4, min(1.7, 0.9 * plane_result["thread gain"]))
    row("51 x 51 filter-normalized random plane, 784-128-10 ReLU, 10,000 images", ratio, "the naive loop")
    row("the same plane, float32", ratio * plane_result["float32 speed-up"], "the naive loop (float64)")
    row("the same plane, on two threads", plane_result["thread gain"], "the serial grid (threads=1)")
    row("the same plane, on a Dask cluster of 2 local worker processes", plane_result["dask"],
        "the serial grid (threads=1)")
    print("4.", end=" ")
    _, ratio, worst, per_point = own_network(x[:2000], t[:2000], args)
    print(f"  the generic path: {per_point * 1e3:.1f} ms per grid point")
    ok &= ratio >= 10 and worst <= 1e-10
    row("31 x 31, your own 784-128-10 rebuilt by from_params, 2,000 images", ratio, "your loss function a point")
    record("bench_landscape", rows, "two weights >= 100x; the plane >= 20x, Dask >= 1.7x the serial grid (or 90% of "
           "two threads' gain, at least 1.4x); your own network >= 10x; all equal to 1e-10", ok)
    print("targets met (1: < 1 s, >= 100x; 2: < 0.5 s, >= 100x; 3: >= 20x, Dask on 2 processes >= 1.7x the serial "
          "grid (or 90% of the grid's own two-thread gain, where that is lower, and at least 1.4x), "
          "float32 within 1e-5; 4: >= 10x; all equal to 1e-10)"
          if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
