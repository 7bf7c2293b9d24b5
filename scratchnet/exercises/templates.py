'''The skeleton each exercise starts from: the book section, the formula, the shapes, and TODO bodies.

A skeleton has the library object's name and methods, so a solution (``scratchnet exercises
solution NAME``, or the library's own code) pasted in its place passes. The docstring gives the
section, the forward formula and the shapes; the backward formulas are left to derive, with
two hints a step each (``scratchnet exercises hint NAME``, then ``--more``).
'''

FUNCTION_HEADER = "import numpy as np\n"
LAYER_HEADER = ("import numpy as np\n\n"
                "from scratchnet.functions import sigmoid, softmax, softmax_cross_entropy  # noqa: F401 - to use\n"
                "from scratchnet.layers import Layer, LossLayer, WeightedLayer  # noqa: F401 - bases, if wanted\n")
OPTIMIZER_HEADER = ("import numpy as np\n\n"
                    "# EPSILON = 1e-7 as in the book; Optimizer, a base that checks hyperparameters, if you want it.\n"
                    "from scratchnet.optimizers import EPSILON, Optimizer, _check_fraction  # noqa: F401\n")

SKELETONS = {
    "sigmoid": FUNCTION_HEADER + '''

def sigmoid(x):
    """The sigmoid, section 3.2.4: y = 1 / (1 + exp(-x)), entry by entry.

    x: any shape. Returns an array of the same shape, every entry in (0, 1).
    It must not overflow (and warn) for large negative x, such as -1000.
    """
    raise NotImplementedError  # TODO
''',
    "relu": FUNCTION_HEADER + '''

def relu(x):
    """ReLU, section 3.2.7: y = max(0, x), entry by entry.

    x: any shape. Returns an array of the same shape.
    """
    raise NotImplementedError  # TODO
''',
    "softmax": FUNCTION_HEADER + '''

def softmax(x):
    """Softmax over the last axis, section 3.5.2: y_k = exp(x_k) / sum_j exp(x_j).

    x: (C,) or (N, C). Returns the same shape; every row sums to 1.
    It must not overflow for large scores, such as [1010, 1000, 990].
    """
    raise NotImplementedError  # TODO
''',
    "cross_entropy_error": FUNCTION_HEADER + '''# Turns one-hot rows (or labels) into labels:
from scratchnet.functions import _labels_as_indices  # noqa: F401


def cross_entropy_error(y, t):
    """Cross-entropy, batch mean, section 4.2.4: E = -(1/N) sum_n log(y[n, t_n] + 1e-7).

    y: probabilities, (C,) for one sample or (N, C). t: labels (N,) or one-hot rows (N, C)
    (for one sample: a label, or a one-hot row of C). Returns a float.
    """
    raise NotImplementedError  # TODO
''',
    "numerical_diff": FUNCTION_HEADER + '''

def numerical_diff(f, x, h=1e-4):
    """The derivative of f at the number x by the central difference, section 4.3.1.

    (f(x + h) - f(x - h)) / (2h). Returns a float.
    """
    raise NotImplementedError  # TODO
''',
    "numerical_gradient": FUNCTION_HEADER + '''

def numerical_gradient(f, x, h=1e-4):
    """The gradient of the scalar function f at the array x, section 4.4, one entry at a time.

    x: a float array of any shape, changed in place while f is evaluated (f is called as f(x))
    and left exactly as it was. For each entry: (f(x with the entry + h) - f(x with it - h)) / (2h).
    Returns an array shaped like x.
    """
    raise NotImplementedError  # TODO
''',
    "mul_layer": '''

class MulLayer:
    """The multiplication node, section 5.4.1: z = x * y.

    forward(x, y) returns x * y and remembers both. backward(dout) returns (dx, dy) =
    (dout * y, dout * x). x, y: numbers or arrays of one shape.
    """

    def __init__(self):
        self.x = self.y = None

    def forward(self, x, y):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
''',
    "add_layer": '''

class AddLayer:
    """The addition node, section 5.4.2: z = x + y; backward returns (dout, dout)."""

    def forward(self, x, y):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
''',
    "relu_layer": LAYER_HEADER + '''

class Relu:
    """The ReLU layer, section 5.5.1: y = max(0, x), entry by entry.

    forward(x, train=False): x (N, D) -> y (N, D). backward(dout): dout (N, D), the gradient of the
    loss with respect to y -> dx (N, D), with respect to x. Do not change x in place.
    """

    def __init__(self):
        self.mask = None

    def forward(self, x, train=False):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
''',
    "sigmoid_layer": LAYER_HEADER + '''

class Sigmoid:
    """The sigmoid layer, section 5.5.2: y = 1 / (1 + exp(-x)), entry by entry.

    forward(x, train=False): x (N, D) -> y (N, D). backward(dout): dout (N, D), the gradient of
    the loss with respect to y -> dx (N, D), with respect to x.
    """

    def __init__(self):
        self.out = None

    def forward(self, x, train=False):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
''',
    "affine": LAYER_HEADER + '''

class Affine:
    """The fully connected layer, section 5.6.2: y = x W + b.

    W: (D, M), b: (M,). forward(x, train=False): x (N, D) -> y (N, M).
    backward(dout): dout (N, M) -> dx (N, D); also sets self.dW (D, M) and self.db (M,), the
    gradients of the loss with respect to W and b. Derive them from the shapes (hint: `scratchnet
    exercises hint affine`).
    """

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = None
        self.dW = self.db = None

    def forward(self, x, train=False):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
''',
    "softmax_with_loss": LAYER_HEADER + '''

class SoftmaxWithLoss:
    """Softmax with cross-entropy, section 5.6.3: the batch-mean loss, and its gradient.

    forward(x, t, train=False): scores x (N, C), labels t (N,) or one-hot (N, C) -> the loss
    L = -(1/N) sum_n log softmax(x)[n, t_n] (a float).
    backward(dout=1.0): -> dx (N, C), the gradient of dout * L with respect to the scores x.
    """

    def __init__(self):
        self.y = self.t = None
        self.loss = None

    def forward(self, x, t, train=False):
        raise NotImplementedError  # TODO

    def backward(self, dout=1.0):
        raise NotImplementedError  # TODO
''',
    "tanh_layer": LAYER_HEADER + '''

class Tanh:
    """The tanh layer, section 6.2.2: y = tanh x, entry by entry.

    forward(x, train=False): x (N, D) -> y (N, D). backward(dout): dout (N, D) -> dx (N, D).
    """

    def __init__(self):
        self.out = None

    def forward(self, x, train=False):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
''',
    "dropout": LAYER_HEADER + '''

class Dropout:
    """Inverted dropout, section 6.4.3 (scaled while training, as scratchnet does).

    forward(x, train=True): in training draw mask = rng.random(x.shape) >= dropout_ratio and
    return x * mask / (1 - dropout_ratio); at test time return x. backward(dout): dout (N, D)
    -> dx (N, D).
    """

    def __init__(self, dropout_ratio=0.5, seed=None, rng=None):
        self.dropout_ratio = dropout_ratio
        self.rng = rng if rng is not None else np.random.default_rng(seed)
        self.mask = None
        self.trained = False

    def forward(self, x, train=True):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
''',
    "batch_normalization": LAYER_HEADER + '''

class BatchNormalization:
    """Batch normalization, section 6.3.1: y = gamma * (x - mean) / sqrt(var + 1e-6) + beta.

    gamma, beta: (D,). forward(x, train=True): x (N, D); in training the batch's mean and
    variance (over axis 0), and running averages running = momentum * running + (1 - momentum)
    * batch, both starting at 0; at test time the running averages. backward(dout): (N, D) -> dx
    (N, D), and sets dgamma, dbeta (D,).
    """

    eps = 1e-6

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None):
        self.gamma, self.beta, self.momentum = gamma, beta, momentum
        self.running_mean = np.zeros_like(gamma) if running_mean is None else running_mean
        self.running_var = np.zeros_like(gamma) if running_var is None else running_var
        self.dgamma = self.dbeta = None

    def forward(self, x, train=True):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
''',
}

_OPTIMIZER_DOCS = {
    "sgd": ("SGD", "lr=0.01", "6.1.2", "params[key] -= lr * grads[key]"),
    "momentum": ("Momentum", "lr=0.01, momentum=0.9", "6.1.4", "v = momentum * v - lr * g; params += v"),
    "nesterov": ("Nesterov", "lr=0.01, momentum=0.9", "6.1.4",
                 "params += momentum^2 * v - (1 + momentum) * lr * g; then v = momentum * v - lr * g"),
    "adagrad": ("AdaGrad", "lr=0.01", "6.1.5", "h += g * g; params -= lr * g / (sqrt(h) + 1e-7)"),
    "rmsprop": ("RMSprop", "lr=0.01, decay_rate=0.99", "6.1.5",
                "h = decay_rate * h + (1 - decay_rate) * g * g; params -= lr * g / (sqrt(h) + 1e-7)"),
    "adam": ("Adam", "lr=0.001, beta1=0.9, beta2=0.999", "6.1.6",
             "m += (1 - beta1) * (g - m); v += (1 - beta2) * (g^2 - v); params -= lr_t * m / (sqrt(v) + 1e-7), "
             "with lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) and t the number of calls of update so far "
             "(one count for the whole optimizer, not one per key)"),
}

for _name, (_cls, _args, _section, _rule) in _OPTIMIZER_DOCS.items():
    _assignments = "\n".join(f"        self.{arg.split('=')[0]} = {arg.split('=')[0]}" for arg in _args.split(", "))
    _header = OPTIMIZER_HEADER + ("from scratchnet.optimizers import Momentum  # noqa: F401 - to build on\n"
                                  if _name == "nesterov" else "")
    SKELETONS[_name] = _header + f'''

class {_cls}:
    """{_cls}, section {_section}: for every key, {_rule}.

    update(params, grads) changes each array of params in place (params[key] -= ..., not
    params[key] = ...). Anything kept between calls (velocities, sums) is kept per key.
    """

    def __init__(self, {_args}):
{_assignments}

    def update(self, params, grads):
        raise NotImplementedError  # TODO
'''

SKELETONS["two_layer_net"] = '''import numpy as np

# Your own layers, from the files beside this one.
from affine import Affine
from relu_layer import Relu
from softmax_with_loss import SoftmaxWithLoss


class TwoLayerNet:
    """The book's chapter-5 network, section 5.7: Affine - Relu - Affine - SoftmaxWithLoss, from your layers.

    params: W1 (input_size, hidden_size), b1 (hidden_size,), W2 (hidden_size, output_size),
    b2 (output_size,); weights drawn as weight_init_std * N(0, 1) with
    np.random.default_rng(seed), biases 0. The layers must use these very arrays, so that
    an optimizer's in-place update of params trains the network.
    predict(x): scores (N, output_size). loss(x, t): the batch-mean loss.
    accuracy(x, t): the share of rows whose highest score is the label (t: labels or one-hot).
    gradient(x, t): {"W1": ..., "b1": ..., "W2": ..., "b2": ...} by backpropagation.
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, seed=None):
        raise NotImplementedError  # TODO

    def predict(self, x):
        raise NotImplementedError  # TODO

    def loss(self, x, t):
        raise NotImplementedError  # TODO

    def accuracy(self, x, t):
        raise NotImplementedError  # TODO

    def gradient(self, x, t):
        raise NotImplementedError  # TODO
'''

# ---- chapter 7: convolution ----------------------------------------------------------------
CONV_HEADER = ("import numpy as np\n\n"
               "# conv_output_size(H, filter_size, stride, pad) gives OH = (H + 2 pad - filter_size) // stride + 1;\n"
               "# _check_images checks x is (N, C, H, W). The layers may use the library's im2col and col2im.\n"
               "from scratchnet.conv import _check_images, col2im, conv_output_size, im2col  # noqa: F401\n"
               "from scratchnet.layers import Layer, WeightedLayer  # noqa: F401 - bases, if wanted\n")

SKELETONS["im2col"] = CONV_HEADER.replace(", im2col  # noqa", "  # noqa") + '''

def im2col(x, filter_h, filter_w, stride=1, pad=0, pad_value=0.0):
    """Every filter-sized patch of the images as a row, section 7.4.3: a convolution becomes one product.

    x: images (N, C, H, W). With OH = (H + 2 pad - filter_h) // stride + 1 (and OW likewise),
    returns (N * OH * OW, C * filter_h * filter_w). Rows run over images, then output rows, then
    output columns; a row's entries over channels, then filter rows, then filter columns (the
    order of W.reshape(FN, -1)). The border of width pad is filled with pad_value.
    """
    raise NotImplementedError  # TODO
'''

SKELETONS["convolution"] = CONV_HEADER + '''

class Convolution:
    """The convolution layer, section 7.4.3: y[n, f] = sum_c W[f, c] * x[n, c] + b[f] (a correlation).

    W: filters (FN, C, FH, FW); b: (FN,). forward(x, train=False): x (N, C, H, W) -> (N, FN, OH, OW),
    OH = (H + 2 pad - FH) // stride + 1. backward(dout): dout (N, FN, OH, OW) -> dx (N, C, H, W); also
    sets dW (FN, C, FH, FW) and db (FN,). Keep what backward needs (the im2col rows, x's shape).
    """

    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.x_shape = self.col = None
        self.dW = self.db = None

    def forward(self, x, train=False):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
'''

SKELETONS["pooling"] = CONV_HEADER + '''

class Pooling:
    """Max pooling, section 7.4.4: each pool_h x pool_w window (moved by stride) gives its maximum.

    forward(x, train=False): x (N, C, H, W) -> (N, C, OH, OW), OH = (H + 2 pad - pool_h) // stride + 1;
    padding is filled with -inf, so it never wins. backward(dout): (N, C, OH, OW) -> dx (N, C, H, W):
    each dout goes to the input that was its window's maximum (the first, on ties); where windows
    overlap, an input collects the sum of the douts it won.
    """

    def __init__(self, pool_h, pool_w, stride=2, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad
        self.x_shape = self.arg_max = None

    def forward(self, x, train=False):
        raise NotImplementedError  # TODO

    def backward(self, dout):
        raise NotImplementedError  # TODO
'''

SKELETONS["hessian_vector_product"] = FUNCTION_HEADER + '''
# A network's parameters as one vector (in params' order), and a vector written back into its arrays:
from scratchnet.landscape import params_to_vector, vector_to_params  # noqa: F401 - to use


def hessian_vector_product(network, x, t, v, eps=None):
    """H v, the Hessian of the network's loss on (x, t) times the vector v, without forming H.

    The landscapes guide, "Curvature": H v is how the gradient changes along v. With your own
    backprop, network.gradient(x, t) (a dict like network.params), take it at theta + eps v and
    at theta - eps v, where theta is the parameters as one vector:

        H v ~ (g(theta + eps v) - g(theta - eps v)) / (2 eps)

    v: (P,), P the number of parameters. eps: the step (None: choose one, e.g. 1e-4 / |v|).
    Returns (P,). The network is left exactly as it was.
    """
    raise NotImplementedError  # TODO
'''

SKELETONS["power_iteration"] = FUNCTION_HEADER + '''

def power_iteration(matvec, dim, iterations=200, tol=1e-8, rng=0):
    """The eigenvalue of largest magnitude of a symmetric matrix known only by its products.

    The landscapes guide, "Curvature": matvec(v) returns H v for a vector v of length dim (a
    network's Hessian-vector product, or matrix @ v). Start from a random unit vector,
    np.random.default_rng(rng).standard_normal(dim) normalized; multiply and normalize again and
    again. The estimate after each product is v . (H v) with v the unit vector multiplied.
    Stop when it changes by less than tol (relative), or after `iterations` products.

    Returns (eigenvalue, vector, products): the estimate, the last unit vector, and how many
    times matvec was called.
    """
    raise NotImplementedError  # TODO
'''
