"""Train the book's SimpleConvNet (chapter 7) on the embedded MNIST and ship its weights as .npz.

The book trains it with ch07/train_convnet.py and saves params.pkl, which its
visualize_filter.py and apply_filter.py load. scratchnet never uses pickle: this script
trains the same network the same way (Adam, lr 0.001, batch 100, 20 epochs, seeded) on the
embedded 4,000 images and writes ``scratchnet/datasets/data/pretrained/simple_convnet.npz``
(float32 weights W1..b3, the seed, the epochs and the test accuracy they reach).

    python scripts/train_simple_convnet.py
"""

from scratchnet.networks import SimpleConvNet
from scratchnet.networks.pretrained import PRETRAINED_FOLDER, train_and_save

NAME = "simple_convnet.npz"
SEED, EPOCHS = 0, 20


def main():
    network = SimpleConvNet(seed=SEED)
    accuracy = train_and_save(network, NAME, SEED, EPOCHS, flatten=False)
    print(f"wrote {PRETRAINED_FOLDER / NAME}: test accuracy {accuracy:.4f} on the embedded 1,000 test images")


if __name__ == "__main__":
    main()
