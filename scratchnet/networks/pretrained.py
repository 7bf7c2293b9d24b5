"""Trained weights that ship with the package (``scratchnet/datasets/data/pretrained/``, ``.npz``, no pickle).

Each file is made by a script in ``scripts/``, seeded, and records the test accuracy its
weights reach on the embedded test images; the tests check that they still do.
"""

import io
from pathlib import Path

import numpy as np

from scratchnet.fileio import write_bytes_atomic
from scratchnet.networks.convnet import DeepConvNet, SimpleConvNet

PRETRAINED_FOLDER = Path(__file__).resolve().parent.parent / "datasets" / "data" / "pretrained"


def load_sample_weights():
    """The book's section 3.6 network, 784-50-100-10 with sigmoid units, trained by ``scripts/train_sample_weights.py``.

    Returns ``(params, info)``: ``params`` maps W1, b1, W2, b2, W3, b3 to float64 arrays (W as
    ``(in, out)``); ``info`` holds the seed, the epochs and the test accuracy they reached.
    """
    path = PRETRAINED_FOLDER / "sample_weight.npz"
    with np.load(path, allow_pickle=False) as stored:
        params = {key: stored[key].astype(np.float64) for key in ("W1", "b1", "W2", "b2", "W3", "b3")}
        info = {key: stored[key].item() for key in ("seed", "epochs", "test_accuracy")}
    return params, info


def load_simple_convnet():
    """The book's SimpleConvNet trained as in its chapter 7 (``scripts/train_simple_convnet.py``).

    Returns ``(network, info)``: a :class:`~scratchnet.networks.SimpleConvNet` (float64) with
    the shipped weights, and the seed, epochs and test accuracy they reached.
    """
    network = SimpleConvNet()
    with np.load(PRETRAINED_FOLDER / "simple_convnet.npz", allow_pickle=False) as stored:
        for key, array in network.params.items():
            array[...] = stored[key]
        info = {key: stored[key].item() for key in ("seed", "epochs", "test_accuracy")}
    return network, info


def load_deep_convnet():
    """The book's DeepConvNet (chapter 8), trained by ``scripts/train_deep_convnet.py``: ``(network, info)``."""
    network = DeepConvNet()
    with np.load(PRETRAINED_FOLDER / "deep_convnet.npz", allow_pickle=False) as stored:
        for key, array in network.params.items():
            array[...] = stored[key]
        info = {key: stored[key].item() for key in ("seed", "epochs", "test_accuracy")}
    return network, info


def train_and_save(network, name, seed, epochs, flatten=True, folder=PRETRAINED_FOLDER):
    """How each script in ``scripts/`` makes its weights: train, round to float32, measure, write ``folder/name``.

    Adam (lr 0.001), batch 100, ``epochs`` epochs over the embedded training images, the
    batches drawn with ``seed``. The test accuracy recorded is that of the float32 weights
    shipped, on the embedded test images. Returns it.
    """
    from scratchnet.datasets import load_mnist
    from scratchnet.optimizers import Adam
    from scratchnet.training import Trainer

    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=flatten)
    Trainer(network, Adam(lr=0.001), x_train, t_train, x_test, t_test, epochs=epochs, batch_size=100, seed=seed,
            verbose=False).fit()
    weights = {key: value.astype(np.float32) for key, value in network.params.items()}
    for key, value in weights.items():  # measure what is shipped: the float32 weights
        network.params[key][...] = value
    accuracy = network.accuracy(x_test, t_test)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **weights, seed=seed, epochs=epochs, test_accuracy=accuracy)
    write_bytes_atomic(Path(folder) / name, buffer.getvalue())
    return accuracy
