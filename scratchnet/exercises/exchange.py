"""What the checker and its child process hand each other: JSON for the structure, ``.npz`` for the arrays.

A value is a number, a string, ``None``, a bool, an array, or a list or dict of values. Arrays
travel in an ``.npz`` file (loaded with ``allow_pickle=False``) and stand in the JSON as
``{"$array": key}``; anything else the learner's code returns (an object array, a class of its
own) stands as ``{"$unreadable": "what it was"}``, so the checker can say what came instead of
an array. Nothing is pickled: the learner's process can send data, never code.
"""

import json
import os

import numpy as np


def encode(value, arrays, path="v"):
    """``value`` as JSON-ready data; its arrays are put into ``arrays`` under their path."""
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.kind not in "biufc":
            return {"$unreadable": f"an array of {value.dtype} entries"}
        arrays[path] = value
        return {"$array": path}
    if isinstance(value, np.generic):
        return encode(np.asarray(value), arrays, path) if value.dtype.kind == "c" else value.item()
    if isinstance(value, dict):
        return {str(key): encode(item, arrays, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item, arrays, f"{path}.{index}") for index, item in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"$unreadable": f"a {type(value).__name__}"}


def decode(value, arrays):
    """The inverse of :func:`encode`."""
    if isinstance(value, dict):
        if "$array" in value:
            return arrays[value["$array"]]
        if "$unreadable" in value:
            return Unreadable(value["$unreadable"])
        return {key: decode(item, arrays) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item, arrays) for item in value]
    return value


class Unreadable:
    """Something the learner's code gave that is not a number or an array (its description only)."""

    def __init__(self, what):
        self.what = what

    def __repr__(self):
        return self.what


def save(folder, stem, value):
    """Write ``value`` as ``stem.json`` and ``stem.npz`` in ``folder``; the JSON appears last, whole."""
    arrays = {}
    data = encode(value, arrays)
    with open(os.path.join(folder, f"{stem}.npz"), "wb") as file:
        np.savez(file, **arrays)
    temporary = os.path.join(folder, f".{stem}.json.part")
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(data, file)
    os.replace(temporary, os.path.join(folder, f"{stem}.json"))


def load(folder, stem):
    """Read what :func:`save` wrote; ``FileNotFoundError`` when it is not there (yet)."""
    with open(os.path.join(folder, f"{stem}.json"), encoding="utf-8") as file:
        data = json.load(file)
    with np.load(os.path.join(folder, f"{stem}.npz"), allow_pickle=False) as arrays:
        return decode(data, {key: arrays[key] for key in arrays.files})
