"""Train the book's DeepConvNet (chapter 8) on the embedded MNIST and ship its weights as .npz.

The book trains it for hours on 60,000 images (ch08/train_deepnet.py) and ships
deep_convnet_params.pkl. scratchnet never uses pickle: this script trains the same network
with Adam (lr 0.001, batch 100, 14 epochs, seeded) on the embedded 4,000 images, about 9
minutes on 2 cores, and writes ``scratchnet/datasets/data/pretrained/deep_convnet.npz``
(float32 weights W1..b8, the seed, the epochs and the test accuracy they reach).

    python scripts/train_deep_convnet.py
"""

import io
from pathlib import Path

import numpy as np

from scratchnet.datasets import load_mnist
from scratchnet.fileio import write_bytes_atomic
from scratchnet.networks import DeepConvNet
from scratchnet.optimizers import Adam
from scratchnet.training import Trainer

SEED, EPOCHS = 0, 14
OUT = Path(__file__).resolve().parent.parent / "scratchnet" / "datasets" / "data" / "pretrained" / "deep_convnet.npz"


def main():
    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)
    network = DeepConvNet(seed=SEED)
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
