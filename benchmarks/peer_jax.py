"""The JAX contender of ``bench_peers.py``: scratchnet's networks written the way a JAX user would, jitted.

``import_jax()`` sets XLA to one thread before JAX is first imported (as ``torch.set_num_threads(1)``
does for PyTorch) and returns the module, or None when JAX is not installed. Each contest builds a
pure function from the scratchnet network's own layers and weights: a whole training step (loss,
gradient by ``jax.value_and_grad`` and the textbook Adam update scratchnet uses) compiled as one
``jax.jit`` function; a loss plane as one compiled ``lax.map`` over the points.
"""

import os

import numpy as np


def import_jax():
    """JAX on one CPU thread, with float64 available (the loss plane is float64), or None."""
    flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flags}".strip()
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    return jax


def forward_function(jax, network):
    """``forward(params, x, key, train)``: ``network``'s layers in JAX, with its parameter keys."""
    from scratchnet.conv import Convolution, Pooling
    from scratchnet.layers import Affine, Dropout, Relu

    jnp, lax = jax.numpy, jax.lax
    keys = {}  # layer index -> {"W": params key, "b": params key}
    for key, (index, attr) in network.param_locations.items():
        keys.setdefault(index, {})[attr] = key
    steps = []
    for index, layer in enumerate(network.layers.values()):
        if isinstance(layer, Convolution):
            steps.append(("conv", keys[index], (layer.stride, layer.pad)))
        elif isinstance(layer, Affine):
            steps.append(("affine", keys[index], None))
        elif isinstance(layer, Relu):
            steps.append(("relu", None, None))
        elif isinstance(layer, Pooling):
            steps.append(("pool", None, (layer.pool_h, layer.pool_w, layer.stride)))
        elif isinstance(layer, Dropout):
            steps.append(("dropout", None, layer.dropout_ratio))
        else:
            raise TypeError(f"no JAX counterpart for {type(layer).__name__}")

    def forward(params, x, key, train):
        for kind, names, setting in steps:
            if kind == "conv":
                stride, pad = setting
                x = lax.conv_general_dilated(x, params[names["W"]], (stride, stride), [(pad, pad), (pad, pad)],
                                             dimension_numbers=("NCHW", "OIHW", "NCHW"))
                x = x + params[names["b"]][None, :, None, None]
            elif kind == "affine":
                x = x.reshape(len(x), -1) @ params[names["W"]] + params[names["b"]]
            elif kind == "relu":
                x = jnp.maximum(x, 0)
            elif kind == "pool":
                height, width, stride = setting
                x = lax.reduce_window(x, -jnp.inf, lax.max, (1, 1, height, width), (1, 1, stride, stride), "VALID")
            elif train:  # inverted dropout, as scratchnet's
                key, draw = jax.random.split(key)
                x = jnp.where(jax.random.bernoulli(draw, 1 - setting, x.shape), x / (1 - setting), 0)
        return x

    return forward


def cross_entropy(jax, scores, labels):
    log_probabilities = jax.nn.log_softmax(scores, axis=-1)
    return -jax.numpy.take_along_axis(log_probabilities, labels[:, None], axis=1).mean()


def training(jax, network, x, t, batches, check, agree):
    """A jitted training step over ``batches`` of 100 with the textbook Adam, after checking it agrees."""
    jnp = jax.numpy
    forward = forward_function(jax, network)
    params = {key: jnp.asarray(value) for key, value in network.params.items()}
    inputs, labels = jnp.asarray(x), jnp.asarray(t)

    def loss(params, x, t, key, train):
        return cross_entropy(jax, forward(params, x, key, train), t)

    gradient = jax.jit(jax.value_and_grad(loss), static_argnums=4)
    if check == "gradients":
        value, grads = gradient(params, inputs[:100], labels[:100], jax.random.key(0), True)
        agree("the first batch's loss", network.loss(x[:100], t[:100]), float(value), 1e-5)
        gap = agree("the first layer's weight gradient", network.gradient(x[:100], t[:100])["W1"],
                    np.asarray(grads["W1"]), 1e-4)
    else:  # dropout draws differently: the outputs without it
        gap = agree("the outputs", network.predict(x[:100]),
                    np.asarray(jax.jit(forward, static_argnums=3)(params, inputs[:100], None, False)), 1e-4)

    @jax.jit
    def step(state, x, t, key):
        params, m, v, count = state
        _, grads = jax.value_and_grad(loss)(params, x, t, key, True)
        count = count + 1
        lr = 0.001 * jnp.sqrt(1 - 0.999**count) / (1 - 0.9**count)  # Adam as scratchnet's (the textbook's)
        m = jax.tree.map(lambda m, g: m + 0.1 * (g - m), m, grads)
        v = jax.tree.map(lambda v, g: v + 0.001 * (g**2 - v), v, grads)
        params = jax.tree.map(lambda p, m, v: p - lr * m / (jnp.sqrt(v) + 1e-7), params, m, v)
        return params, m, v, count

    zeros = jax.tree.map(jnp.zeros_like, params)
    state = [(params, zeros, zeros, jnp.zeros((), dtype=jnp.float32))]
    key = [jax.random.key(1)]

    def jax_loop():
        for start in range(0, 100 * batches, 100):
            key[0], draw = jax.random.split(key[0])
            state[0] = step(state[0], inputs[start:start + 100], labels[start:start + 100], draw)
        jax.block_until_ready(state[0])

    jax_loop()  # compiled before anything is timed
    return jax_loop, gap


def plane(jax, pieces, x, t, alphas, betas):
    """The loss plane the fast way in JAX: the first layer's three products once, then one compiled map over
    the points. ``pieces``: the centre and the two directions as params dicts (W1, b1, W2, b2)."""
    jnp = jax.numpy
    X, labels = jnp.asarray(x), jnp.asarray(t)
    center, d1, d2 = ({key: jnp.asarray(value) for key, value in piece.items()} for piece in pieces)
    A, B = (jnp.asarray(c.ravel()) for c in np.meshgrid(alphas, betas))

    @jax.jit
    def grid(X, labels, center, d1, d2, A, B):  # arguments, not closed-over constants XLA would fold at compile
        first = [X @ p["W1"] + p["b1"] for p in (center, d1, d2)]

        def point(ab):
            a, b = ab
            hidden = jnp.maximum(first[0] + a * first[1] + b * first[2], 0)
            W2 = center["W2"] + a * d1["W2"] + b * d2["W2"]
            return cross_entropy(jax, hidden @ W2 + center["b2"] + a * d1["b2"] + b * d2["b2"], labels)

        return jax.lax.map(point, (A, B))

    def jax_plane():
        return np.asarray(grid(X, labels, center, d1, d2, A, B)).reshape(len(betas), len(alphas))

    return jax_plane
