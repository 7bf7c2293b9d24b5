"""Train the 784-50-100-10 sigmoid network of the book's section 3.6 and ship its weights as .npz.

The book ships these weights as a pickle (sample_weight.pkl); scratchnet never uses pickle,
so this script trains an equivalent network on the embedded MNIST subset (seeded, so the
same file comes out every time) and writes ``scratchnet/datasets/data/pretrained/sample_weight.npz``
with the keys W1, b1, W2, b2, W3, b3 (W as (in, out), as in the book), the seed, the
epochs, and the test accuracy the weights reach on the embedded test set.

    python scripts/train_sample_weights.py
"""

from scratchnet.networks import build_network
from scratchnet.networks.pretrained import PRETRAINED_FOLDER, train_and_save

NAME = "sample_weight.npz"
SEED, EPOCHS = 0, 30


def main():
    network = build_network([784, 50, 100, 10], activation="sigmoid", weight_init_std="xavier", seed=SEED)
    accuracy = train_and_save(network, NAME, SEED, EPOCHS, flatten=True)
    print(f"wrote {PRETRAINED_FOLDER / NAME}: test accuracy {accuracy:.4f} on the embedded 1,000 test images")


if __name__ == "__main__":
    main()
