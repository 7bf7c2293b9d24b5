"""Weights that ship with the package, made by the scripts in ``scripts/`` (no pickle: ``.npz`` files)."""

from pathlib import Path

import numpy as np

PRETRAINED_FOLDER = Path(__file__).resolve().parent / "data" / "pretrained"


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
