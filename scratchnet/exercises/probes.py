"""What a check does with an exercise's object: call it on fixed inputs and write down what comes back.

A probe takes the object (the learner's function or class, or the library's reference), the
inputs the checker chose, and a dict it fills step by step, so that what was seen before an
exception is kept. The same probe runs on the learner's object in the child process and on the
reference in the checker, and the checker compares the two records: a probe judges nothing.
"""

import numpy as np

GRAD_NAMES = ("dW", "db", "dgamma", "dbeta")


def _copies(values):
    return [np.copy(v) if isinstance(v, np.ndarray) else v for v in values]


def _changed(before, after):
    pairs = zip(after, before, strict=True)
    return any(isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=True) for a, b in pairs)


# ---- functions: sigmoid, relu, softmax, cross_entropy_error, im2col -----------------------------
def probe_function(function, inputs, seen):
    for number, arguments in enumerate(inputs["cases"]):
        given = _copies(arguments)
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            try:
                out = function(*given)
            except FloatingPointError as error:
                seen[f"case{number}"] = {"overflow": str(error)}
                continue
        seen[f"case{number}"] = {"out": out, "input_changed": _changed(arguments, given)}


# ---- numerical differentiation -------------------------------------------------------------------
def book_quadratic(x):
    """The book's function of section 4.3.2: 0.01 x^2 + 0.1 x."""
    return 0.01 * x**2 + 0.1 * x


def cubic_with_a_product(array):
    """A function of a 2 x 3 array whose gradient every entry shares in a different way."""
    return float(np.sum(array**3) + array[0, 1] * array[1, 2])


def probe_numerical(function, inputs, seen):
    if inputs["name"] == "numerical_diff":
        seen["values"] = [function(book_quadratic, 5), function(book_quadratic, 10)]
        return
    x = np.copy(inputs["x"])
    seen["out"] = function(cubic_with_a_product, x)
    seen["x_after"] = x


# ---- the chapter-5 graph ---------------------------------------------------------------------------
def probe_graph(layer_class, inputs, seen):
    layer = layer_class()
    seen["forward"] = layer.forward(*inputs["forward"])
    backward = layer.backward(inputs["dout"])
    seen["backward"] = list(backward) if isinstance(backward, tuple) else backward
    seen["backward_is_pair"] = isinstance(backward, tuple) and len(backward) == 2


# ---- layers ------------------------------------------------------------------------------------------
def forward(layer, x, t=None, train=None):
    """Call ``forward`` the way both the book's layers and scratchnet's accept: ``train`` only where it
    matters (Dropout, BatchNormalization), and then by position (the book names it ``train_flg``)."""
    if t is not None:
        return layer.forward(x, t)
    return layer.forward(x) if train is None else layer.forward(x, train)


def probe_layer(layer_class, inputs, seen):
    arguments, x, t, train, upstream = (inputs[key] for key in ("arguments", "x", "t", "train", "upstream"))
    layer = layer_class(*_copies(arguments))
    given = np.copy(x)
    seen["forward"] = forward(layer, given, t, train)
    seen["x_changed"] = not np.array_equal(given, x)
    dout = float(upstream) if t is not None else np.copy(upstream)
    seen["dx"] = layer.backward(dout)
    seen["dout_changed"] = t is None and not np.array_equal(dout, upstream)
    seen["grads"] = {name: getattr(layer, name) for name in GRAD_NAMES if getattr(layer, name, None) is not None}
    if inputs["fresh_mask"]:  # each forward draws a new mask: two calls cannot be compared
        return
    if t is None:  # the same dx for dout and 2 dout means dout is ignored
        twice = layer_class(*_copies(arguments))
        forward(twice, np.copy(x), t, train)
        seen["dx_of_2_dout"] = twice.backward(2 * np.copy(upstream))
    other = inputs["other"]
    stale, fresh = layer_class(*_copies(arguments)), layer_class(*_copies(arguments))
    forward(stale, np.copy(x), t, train)
    forward(stale, np.copy(other), t, train)
    forward(fresh, np.copy(other), t, train)
    dout = 1.0 if t is not None else upstream
    seen["dx_after_two_forwards"] = stale.backward(np.copy(dout))
    seen["dx_after_one_forward"] = fresh.backward(np.copy(dout))


# ---- optimizers --------------------------------------------------------------------------------------
def probe_optimizer(optimizer_class, inputs, seen):
    optimizer = optimizer_class(**inputs["settings"])
    params = {key: np.copy(value) for key, value in inputs["params"].items()}
    arrays = dict(params)
    for step, grads in enumerate(inputs["grads"], 1):
        optimizer.update(params, {key: np.copy(value) for key, value in grads.items()})
        seen[f"step{step}"] = {key: np.copy(value) for key, value in params.items()}
        seen[f"replaced{step}"] = [key for key in params if params[key] is not arrays[key]]


# ---- the capstone: TwoLayerNet from the learner's own layers ------------------------------------------
def build(network_class, *sizes, **options):
    """The book's TwoLayerNet takes no ``seed`` (it draws from numpy's global generator): accept that too."""
    try:
        return network_class(*sizes, **options)
    except TypeError as error:
        if "seed" not in str(error):
            raise
        options.pop("seed")
        return network_class(*sizes, **options)


def probe_capstone(network_class, inputs, seen):
    x, t = inputs["x"], inputs["t"]
    small = build(network_class, *inputs["sizes"], weight_init_std=0.5, seed=1)
    seen["params"] = {key: np.copy(small.params[key]) for key in ("W1", "b1", "W2", "b2")}
    seen["loss"] = small.loss(x, t)
    seen["grads"] = {key: np.copy(value) for key, value in small.gradient(x, t).items()}
    seen["predict"] = small.predict(x)
    seen["accuracy"] = small.accuracy(x, t)
    # Do the layers compute with the arrays in params? Change each in place, in the network's own dict.
    seen["loss_after_changing"] = {}
    for key in ("W1", "b1", "W2", "b2"):
        array = small.params[key]
        kept = np.copy(array)
        array += CHANGES[key]
        seen["loss_after_changing"][key] = small.loss(x, t)
        array[...] = kept
    _train(network_class, inputs["training"], seen)


CHANGES = {"W1": 0.5, "b1": 0.5, "W2": 0.5, "b2": np.array([1.0, -1.0, 0.0])}  # in-place moves the loss must feel


def _train(network_class, settings, seen):
    """SGD on the embedded MNIST, an epoch at a time; the parameters after every epoch are kept, so the
    checker measures the accuracy itself, with the library's network, not with the learner's ``accuracy``."""
    from scratchnet.datasets import load_mnist

    (x_train, t_train), (x_test, t_test) = load_mnist(one_hot_label=True)
    network = build(network_class, 784, 50, 10, seed=0)
    order_rng, batch = np.random.default_rng(0), settings["batch_size"]
    seen["losses"], seen["epochs"] = [], [{key: np.copy(v) for key, v in network.params.items()}]
    for _ in range(settings["epochs"]):
        order = order_rng.permutation(len(x_train))
        for start in range(0, len(x_train), batch):
            rows = order[start:start + batch]
            grads = network.gradient(x_train[rows], t_train[rows])
            for key in ("W1", "b1", "W2", "b2"):
                network.params[key] -= settings["lr"] * grads[key]
            seen["losses"].append(float(network.loss(x_train[rows], t_train[rows])))
        seen["epochs"].append({key: np.copy(v) for key, v in network.params.items()})
        scores = network.predict(x_test)
        if np.mean(np.argmax(scores, axis=1) == np.argmax(t_test, axis=1)) >= settings["target"]:
            break  # the checker measures again from the parameters; this only saves time


# ---- curvature: a Hessian-vector product, power iteration -----------------------------------------
class CubicModel:
    r"""A "network" whose loss is a cubic, :math:`f(\theta) = \sum_i \theta_i^3 / 6 + (a \cdot \theta)^2 / 2`.

    Its gradient :math:`\theta^2 / 2 + a (a \cdot \theta)` is quadratic, so the central difference
    of two gradients is its Hessian :math:`\mathrm{diag}(\theta) + a a^\top` times ``v`` exactly for
    any step, while a one-sided difference is off by :math:`\varepsilon\, v^2 / 2`.
    """

    def __init__(self, W, b, a):
        self.params, self.a = {"W": W, "b": b}, a
        self.gradient_calls = 0

    def gradient(self, x, t):
        self.gradient_calls += 1
        theta = np.concatenate([self.params["W"].ravel(), self.params["b"]])
        flat = theta**2 / 2 + self.a * (self.a @ theta)
        return {"W": flat[:self.params["W"].size].reshape(self.params["W"].shape), "b": flat[self.params["W"].size:]}


def small_network(inputs):
    """A 4-5-3 tanh network with non-zero biases (no kinks: the central difference is accurate everywhere)."""
    from scratchnet.networks import MultiLayerNet

    network = MultiLayerNet(4, [5], 3, activation="tanh", weight_init_std=0.8, seed=inputs["seed"])
    for key, value in inputs["biases"].items():
        network.params[key][...] = value
    return network


def _product_case(function, model, inputs, v, seen, **options):
    before = {key: np.copy(value) for key, value in model.params.items()}
    arrays = dict(model.params)
    given = np.copy(v)
    seen["out"] = function(model, inputs["x"], inputs["t"], given, **options)
    seen["v_changed"] = not np.array_equal(given, v)
    seen["params_changed"] = [key for key in before if not np.array_equal(np.asarray(model.params[key]), before[key])]
    seen["replaced"] = [key for key in arrays if model.params[key] is not arrays[key]]


def probe_curvature(function, inputs, seen):
    if inputs["name"] == "hessian_vector_product":
        cubic = CubicModel(*(np.copy(inputs["cubic"][key]) for key in ("W", "b", "a")))
        seen["cubic"] = {}
        _product_case(function, cubic, inputs, inputs["cubic"]["v"], seen["cubic"], eps=inputs["cubic"]["eps"])
        seen["cubic"]["gradient_calls"] = cubic.gradient_calls
        seen["network"] = {}
        _product_case(function, small_network(inputs), inputs, inputs["v"], seen["network"])
        return
    for number, case in enumerate(inputs["cases"]):
        matrix, calls = case["matrix"], []

        def matvec(vector, matrix=matrix, calls=calls):
            calls.append(1)
            return matrix @ vector

        returned = function(matvec, len(matrix), iterations=case["iterations"], tol=case["tol"], rng=case["rng"])
        seen[f"case{number}"] = {"returned": list(returned) if isinstance(returned, tuple) else returned,
                                 "calls": len(calls)}


PROBES = {"function": probe_function, "numerical": probe_numerical, "graph": probe_graph, "layer": probe_layer,
          "loss_layer": probe_layer, "optimizer": probe_optimizer, "capstone": probe_capstone,
          "curvature": probe_curvature}
