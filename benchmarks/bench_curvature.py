"""What curvature costs: a Hessian-vector product in gradients, and the products the top eigenvalue takes.

On a 784-128-10 ReLU network over 4,000 embedded MNIST images (the size of the issue's
target), measured in one run: a backprop gradient (the reference), a Hessian-vector
product (``scratchnet.curvature.hessian_vector_product``, two gradients by its definition)
and the exact one (the R-operator, ``hessian_vector_product_exact``),
and how many products Lanczos takes to the top eigenvalue to 1e-4 relative (checked against
Lanczos run to 1e-10), beside power iteration, the readable reference (which finds the
eigenvalue of largest magnitude, and says so when it cannot settle). Each time is the best of its
rounds, the variants taking turns.

Where PyTorch is installed (optional, never a dependency), the same network and weights in
float64 give torch's double-backward product too, checked equal to the exact one before it is
timed; both on one thread.

On SimpleConvNet over 1,000 images, the exact product in gradients, and how far the central
difference is off (MNIST's blank borders put windows exactly on ReLU's kink).

Targets: a product costs at most 2.5 gradients (3 on the convnet); the top eigenvalue takes at
most 30 products.

    python benchmarks/bench_curvature.py
"""

import time

import numpy as np
from rates import in_turn, record  # benchmarks/rates.py, beside this script

from scratchnet.blas import blas_description, blas_threads
from scratchnet.curvature import (
    hessian_vector_product,
    hessian_vector_product_exact,
    top_eigenvalues,
    working_network,
)
from scratchnet.datasets import load_mnist
from scratchnet.landscape import params_to_vector
from scratchnet.networks import MultiLayerNet, SimpleConvNet

ROUNDS = 5


def best_times(variants, rounds=ROUNDS):
    best = {name: float("inf") for name in variants}
    for round_number in range(rounds):
        for name in in_turn(list(variants), round_number):
            began = time.perf_counter()
            variants[name]()
            best[name] = min(best[name], time.perf_counter() - began)
    return best


def torch_product(network, x, t, v):
    """``(product, function timing it)`` by PyTorch's double backward on the same weights, or ``None`` without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    weights = [torch.tensor(network.params[key], requires_grad=True) for key in ("W1", "b1", "W2", "b2")]
    inputs, labels = torch.tensor(x), torch.tensor(np.asarray(t).argmax(axis=1) if np.ndim(t) == 2 else t)
    sizes = [w.numel() for w in weights]
    pieces = [torch.tensor(piece).reshape(w.shape) for piece, w in zip(np.split(v, np.cumsum(sizes)[:-1]), weights,
                                                                       strict=True)]

    def product():
        W1, b1, W2, b2 = weights
        loss = torch.nn.functional.cross_entropy(torch.relu(inputs @ W1 + b1) @ W2 + b2, labels)
        grads = torch.autograd.grad(loss, weights, create_graph=True)
        along = sum((g * p).sum() for g, p in zip(grads, pieces, strict=True))
        return torch.cat([h.reshape(-1) for h in torch.autograd.grad(along, weights)]).numpy()

    return product(), product


def convnet_product():
    """SimpleConvNet over 1,000 images: the exact product in gradients, and how far the central difference is off."""
    (x, t), _ = load_mnist(flatten=False)
    x, t = x[:1000], t[:1000]
    network = SimpleConvNet(seed=0)
    v = np.random.default_rng(1).standard_normal(params_to_vector(network.params).size)
    times = best_times({"gradient": lambda: network.gradient(x, t),
                        "exact": lambda: hessian_vector_product_exact(network, x, t, v)}, rounds=3)
    exact = hessian_vector_product_exact(network, x, t, v)
    gap = np.max(np.abs(hessian_vector_product(network, x, t, v, method="central") - exact)) / np.max(np.abs(exact))
    ratio = times["exact"] / times["gradient"]
    print(f"SimpleConvNet over {len(x):,} images: gradient {times['gradient'] * 1e3:.0f} ms, exact H v "
          f"{times['exact'] * 1e3:.0f} ms: {ratio:.2f} gradients; the central difference is off by {gap:.3g} times "
          "the largest entry (windows on the ReLU's kink, pooling's ties)")
    return ratio, gap


def main():
    print(blas_description())
    (x, t), _ = load_mnist()
    network = MultiLayerNet(784, [128], 10, seed=0)
    v = np.random.default_rng(0).standard_normal(params_to_vector(network.params).size)
    times = best_times({"gradient": lambda: network.gradient(x, t),
                        "product": lambda: hessian_vector_product(network, x, t, v, method="central"),
                        "exact": lambda: hessian_vector_product_exact(network, x, t, v)})
    ratio, exact_ratio = times["product"] / times["gradient"], times["exact"] / times["gradient"]
    exact = hessian_vector_product_exact(network, x, t, v)
    central = hessian_vector_product(network, x, t, v, method="central")
    difference = np.max(np.abs(exact - central)) / np.max(np.abs(exact))
    print(f"784-128-10 ReLU over {len(x):,} images: gradient {times['gradient'] * 1e3:.1f} ms, H v "
          f"{times['product'] * 1e3:.1f} ms: {ratio:.2f} gradients; exact (R-operator) {times['exact'] * 1e3:.1f} ms: "
          f"{exact_ratio:.2f} gradients; they differ by {difference:.1e} of the largest entry")
    single, x32 = working_network(network, np.float32), x.astype(np.float32)
    precision = best_times({"float64": lambda: hessian_vector_product_exact(network, x, t, v),
                            "float32": lambda: hessian_vector_product_exact(single, x32, t, v)})
    float32_ratio = precision["float64"] / precision["float32"]
    float32_gap = np.max(np.abs(hessian_vector_product_exact(single, x32, t, v) - exact)) / np.max(np.abs(exact))
    print(f"the exact product in float32 (dtype=np.float32): {float32_ratio:.2f}x faster than float64, agreeing to "
          f"{float32_gap:.1e} of the largest entry")
    peer = torch_product(network, x, t, v)
    if peer is not None:
        agreement = np.max(np.abs(peer[0] - exact)) / np.max(np.abs(exact))
        with blas_threads(1):
            peer_times = best_times({"exact": lambda: hessian_vector_product_exact(network, x, t, v),
                                     "torch": peer[1]})
        torch_ratio = peer_times["torch"] / peer_times["exact"]
        print(f"PyTorch double backward, same weights, one thread: {peer_times['torch'] * 1e3:.1f} ms against the "
              f"exact product's {peer_times['exact'] * 1e3:.1f} ms: {torch_ratio:.2f}x (agreeing to {agreement:.1e})")
    else:
        print("PyTorch is not installed: its double-backward product is not timed (optional)")
    conv_ratio, conv_gap = convnet_product()
    (lanczos_value,), lanczos_products = top_eigenvalues(network, x, t, tol=1e-4)
    (reference,), reference_products = top_eigenvalues(network, x, t, tol=1e-10)
    (power_value,), power_products = top_eigenvalues(network, x, t, method="power", tol=1e-4)
    settled = power_products < 200 and abs(power_value - reference) <= 1e-3 * abs(reference)
    print(f"top eigenvalue {lanczos_value:.6g} by Lanczos in {lanczos_products} products (to 1e-10: "
          f"{reference:.6g}, {reference_products} products); power iteration "
          + (f"{power_value:.6g} in {power_products} products" if settled else
             f"did not settle in {power_products} products (it ended at {power_value:.3g}: an eigenvalue of about "
             f"the same size and the other sign pulls it)"))
    accurate = abs(lanczos_value - reference) <= 1e-4 * abs(reference)
    rows = [{"measure": "a Hessian-vector product by the central difference, 784-128-10 ReLU, 4,000 images",
             "value": ratio, "unit": "x",
             "against": "a backprop gradient on the same batch"},
            {"measure": "the exact product (R-operator), same network and images", "value": exact_ratio, "unit": "x",
             "against": "a backprop gradient on the same batch"},
            {"measure": "the top eigenvalue to 1e-4 by Lanczos", "value": lanczos_products, "unit": "products",
             "against": f"Lanczos to 1e-10 ({reference_products} products); power iteration "
                        + (f"{power_products} products" if settled else "does not settle here")}]
    rows.append({"measure": "the exact product in float32, same network and images", "value": float32_ratio,
                 "unit": "x", "against": f"float64 (times faster; agreeing to {float32_gap:.1e})"})
    rows.append({"measure": "the exact product on SimpleConvNet, 1,000 images", "value": conv_ratio, "unit": "x",
                 "against": f"a backprop gradient (the central difference is off by {conv_gap:.3g}x the largest "
                            "entry)"})
    if peer is not None:
        rows.append({"measure": "PyTorch's double-backward Hessian-vector product, same network, weights and images",
                     "value": torch_ratio, "unit": "x", "against": "the exact product (R-operator); one thread each"})
    met = ((peer is None or agreement < 1e-9) and float32_gap < 1e-5 and conv_ratio <= 3 and ratio <= 2.5
           and exact_ratio <= 2.5 and lanczos_products <= 30 and accurate and difference < 1e-5)
    target = "a product at most 2.5 gradients (3 on the convnet); the top eigenvalue in at most 30 products"
    record("bench_curvature", rows, target, met)
    print(("target met: " if met else "target missed: ") + target)
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
