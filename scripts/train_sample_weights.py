"""Train the 784-50-100-10 sigmoid network of the book's section 3.6 and ship its weights as .npz.

The book ships these weights as a pickle (sample_weight.pkl); scratchnet never uses pickle,
so this script trains an equivalent network on the embedded MNIST subset (seeded, so the
same file comes out every time) and writes ``scratchnet/datasets/data/pretrained/sample_weight.npz``
with the keys W1, b1, W2, b2, W3, b3 (W as (in, out), as in the book), the seed, the
epochs, and the test accuracy the weights reach on the embedded test set.

    python scripts/train_sample_weights.py
"""

import io
from pathlib import Path

import numpy as np

from scratchnet.datasets import load_mnist
from scratchnet.fileio import write_bytes_atomic
from scratchnet.networks import build_network
from scratchnet.optimizers import Adam
from scratchnet.training import Trainer

SEED, EPOCHS = 0, 30
OUT = Path(__file__).resolve().parent.parent / "scratchnet" / "datasets" / "data" / "pretrained" / "sample_weight.npz"


def main():
    (x_train, t_train), (x_test, t_test) = load_mnist()
    network = build_network([784, 50, 100, 10], activation="sigmoid", weight_init_std="xavier", seed=SEED)
    Trainer(network, Adam(lr=0.001), x_train, t_train, x_test, t_test, epochs=EPOCHS, batch_size=100, seed=SEED,
            verbose=False).fit()
    weights = {key: value.astype(np.float32) for key, value in network.params.items()}
    for key, value in weights.items():  # measure what is shipped: the float32 weights
        network.params[key][...] = value
    accuracy = network.accuracy(x_test, t_test)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **weights, seed=SEED, epochs=EPOCHS, test_accuracy=accuracy)
    write_bytes_atomic(OUT, buffer.getvalue())
    print(f"wrote {OUT}: test accuracy {accuracy:.4f} on the embedded 1,000 test images")


if __name__ == "__main__":
    main()
