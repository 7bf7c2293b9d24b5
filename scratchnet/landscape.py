r"""Loss landscapes: parameters as one vector, directions, and losses along lines and planes.

A network's parameters are many arrays; a landscape treats them as one point
:math:`\theta \in \mathbb R^P` (the arrays flattened and joined in ``params`` order).
"""

import numpy as np


def params_to_vector(params):
    """A 1-D copy of every array of ``params``, flattened and joined in dict order."""
    if not params:
        raise ValueError("params: expected at least one array, got an empty dict")
    return np.concatenate([np.asarray(array).ravel() for array in params.values()])


def vector_to_params(vector, params):
    """Write ``vector`` back into the arrays of ``params``, in place; returns ``params``."""
    vector = np.asarray(vector)
    sizes = [np.asarray(array).size for array in params.values()]
    if vector.shape != (sum(sizes),):
        raise ValueError(
            f"vector: expected shape ({sum(sizes)},) to match the {len(sizes)} parameter arrays, got {vector.shape}"
        )
    offset = 0
    for array, size in zip(params.values(), sizes, strict=True):
        array[...] = vector[offset:offset + size].reshape(array.shape)
        offset += size
    return params
