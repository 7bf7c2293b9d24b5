"""Train the book's DeepConvNet (chapter 8) on the embedded MNIST and ship its weights as .npz.

The book trains it for hours on 60,000 images (ch08/train_deepnet.py) and ships
deep_convnet_params.pkl. scratchnet never uses pickle: this script trains the same network
with Adam (lr 0.001, batch 100, 14 epochs, seeded) on the embedded 4,000 images, in
float32 (the precision of the weights it ships; float64 took 5 minutes here, float32 about
2), and writes ``scratchnet/datasets/data/pretrained/deep_convnet.npz`` (float32 weights
W1..b8, the seed, the epochs and the test accuracy they reach).

    python scripts/train_deep_convnet.py
"""

import numpy as np

from scratchnet.networks import DeepConvNet
from scratchnet.networks.pretrained import PRETRAINED_FOLDER, train_and_save

NAME = "deep_convnet.npz"
SEED, EPOCHS = 0, 14


def main():
    network = DeepConvNet(seed=SEED, dtype=np.float32)
    accuracy = train_and_save(network, NAME, SEED, EPOCHS, flatten=False)
    print(f"wrote {PRETRAINED_FOLDER / NAME}: test accuracy {accuracy:.4f} on the embedded 1,000 test images")


if __name__ == "__main__":
    main()
