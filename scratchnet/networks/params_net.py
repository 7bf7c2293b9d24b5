r"""Someone else's MLP, given as a dict of arrays, rebuilt as a scratchnet network: :func:`from_params`."""

import re

import numpy as np

from scratchnet.layers import Affine, IdentityWithLoss, SoftmaxWithLoss
from scratchnet.networks.base import LayerNet
from scratchnet.networks.mlp import ACTIVATIONS


class ParamsNet(LayerNet):
    """A :class:`LayerNet` rebuilt from someone else's arrays by :func:`from_params`.

    Its ``params`` keep the source's keys, in scratchnet's layout (``W`` as ``(in, out)``,
    biases ``(out,)``); :meth:`import_params` converts any dict in the source's layout
    (a recorded trajectory step, say) into that form, so both describe the same point.
    """

    def __init__(self, layers, last_layer, param_keys, source_shapes, transposed):
        super().__init__(layers, last_layer, param_keys)
        self.source_shapes = dict(source_shapes)
        self.transposed = frozenset(transposed)

    def import_params(self, source_params, argument="params"):
        """A dict keyed like ``params`` from ``source_params``, a dict in the source's keys, shapes and layout."""
        missing = [key for key in self.source_shapes if key not in source_params]
        if missing:
            raise ValueError(f"{argument}: expected the keys {list(self.source_shapes)}; missing {missing}")
        converted = {}
        for key, shape in self.source_shapes.items():
            array = np.asarray(source_params[key], dtype=float)
            if array.shape != shape:
                raise ValueError(f"{argument}[{key!r}]: expected shape {shape}, got {array.shape}")
            converted[key] = array.T if key in self.transposed else array.reshape(self.params[key].shape)
        return converted


def _weight_and_bias_keys(params):
    """``[(weight key, bias key or None), ...]`` in layer order: ``W1, W2, ...`` (or ``w1, ...``) ordered by their
    numbers, never by the dict's order (``sorted`` puts ``W10`` before ``W2``), each with its ``b*`` twin."""
    numbered = {}
    for key in params:
        found = re.fullmatch(r"([Ww])(\d*)", str(key))
        if found:
            numbered[key] = (found.group(1), int(found.group(2)) if found.group(2) else None)
    letters = {letter for letter, _ in numbered.values()}
    numbers = [number for _, number in numbered.values()]
    if len(letters) > 1:
        raise ValueError(f"params: expected the weights named alike (W1, W2, ... or w1, w2, ...), got {list(numbered)}")
    if None in numbers and len(numbers) > 1:
        raise ValueError(f"params: expected numbered weights W1, W2, ... for more than one layer, got {list(numbered)}")
    if None not in numbers and sorted(numbers) != list(range(min(numbers, default=1), min(numbers, default=1)
                                                             + len(numbers))):
        raise ValueError(f"params: expected weights numbered in a row (W1, W2, W3, ...), got {sorted(numbers)}: a "
                         f"layer is missing or numbered twice")
    weights = sorted(numbered, key=lambda key: numbered[key][1] or 0)
    pairs, used = [], set(weights)
    for key in weights:
        twin = next((b for b in ("b" + key[1:], "B" + key[1:]) if b in params), None)
        pairs.append((key, twin))
        used.add(twin)
    unknown = [key for key in params if key not in used]
    if not weights or unknown:
        raise ValueError(f"params: expected weights named W1, W2, ... (or w1, ...) and biases b1, b2, ...; "
                         f"could not place {unknown or list(params)}")
    return pairs


def from_params(params, layout="out_in", activation="relu", output="softmax", squared_factor=0.5):
    r"""A scratchnet network that computes what a hand-written MLP with these arrays computes.

    ``params`` is the MLP's dict, e.g. ``{"W1": (128, 784), "b1": (1, 128), "W2": (10, 128),
    "b2": (1, 10)}``: weights named ``W1, W2, ...`` in layer order, each with an optional
    bias ``b1, b2, ...`` of shape ``(out,)`` or ``(1, out)``. ``layout`` says how a weight is
    stored: ``"out_in"`` (``z = x @ W.T + b``, as in PyTorch and most hand-written nets) or
    ``"in_out"`` (``z = x @ W + b``, the book's). Hidden layers use ``activation``
    (``"relu"``, ``"sigmoid"``, ``"tanh"``); ``output`` is ``"softmax"`` (softmax with
    cross-entropy, the batch mean), ``"sigmoid"`` or ``"identity"`` (with the squared
    error :math:`\frac{c}{N}\sum_n \lVert y_n - t_n\rVert^2`, ``c = squared_factor``).

    The arrays are copied; the network's ``params`` keep the dict's keys, in scratchnet's
    layout, and ``network.import_params(d)`` converts any dict in the source layout. Its
    loss equals the MLP's (tested to 1e-10) when that is computed exactly, and its loss
    grids take the fast exact path.
    """
    if layout not in ("out_in", "in_out"):
        raise ValueError(f"layout: expected 'out_in' (W is (out, in)) or 'in_out' (W is (in, out)), got {layout!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation: expected one of {sorted(ACTIVATIONS)}, got {activation!r}")
    if output not in ("softmax", "sigmoid", "identity"):
        raise ValueError(f"output: expected 'softmax', 'sigmoid' or 'identity', got {output!r}")
    pairs = _weight_and_bias_keys(params)
    layers, keys, shapes, width = [], {}, {}, None
    for i, (w_key, b_key) in enumerate(pairs, 1):
        W = np.array(params[w_key], dtype=float)
        if W.ndim != 2:
            raise ValueError(f"params[{w_key!r}]: expected a 2-D weight matrix, got shape {W.shape}")
        shapes[w_key] = W.shape
        W = W.T.copy() if layout == "out_in" else W
        if width is not None and W.shape[0] != width:
            raise ValueError(f"params[{w_key!r}]: expected {width} inputs (the outputs of {pairs[i - 2][0]}), "
                             f"got shape {shapes[w_key]} in layout {layout!r}")
        width = W.shape[1]
        b = None
        if b_key is not None:
            b = np.array(params[b_key], dtype=float)
            shapes[b_key] = b.shape
            if b.shape not in ((width,), (1, width)):
                raise ValueError(f"params[{b_key!r}]: expected shape ({width},) or (1, {width}), got {b.shape}")
            b = b.reshape(width)
            keys[b_key] = (f"Affine{i}", "b")
        layers.append((f"Affine{i}", Affine(W, b)))
        keys[w_key] = (f"Affine{i}", "W")
        kind = activation if i < len(pairs) else (output if output == "sigmoid" else None)
        if kind is not None:
            layers.append((f"{kind.capitalize()}{i}", ACTIVATIONS[kind]()))
    ordered = {key: keys[key] for key in params}  # the source's key order
    last = SoftmaxWithLoss() if output == "softmax" else IdentityWithLoss(squared_factor)
    transposed = [w for w, _ in pairs] if layout == "out_in" else []
    return ParamsNet(layers, last, ordered, shapes, transposed)
