'''What ``scratchnet exercises solution NAME`` prints: a textbook-sized file that passes the check.

Each is written the way the book writes it (short, one idea a line), so a learner can set it
beside their own attempt. The suite checks every one of them, as a learner's file.
'''

_FUNCTIONS = "import numpy as np\n\n\n"
_LAYERS = "import numpy as np\n\nfrom scratchnet.functions import sigmoid, softmax\n\n\n"
_CONV = "import numpy as np\n\nfrom scratchnet.conv import col2im, im2col\n\n\n"

SOLUTIONS = {
    "sigmoid": _FUNCTIONS + '''def sigmoid(x):
    e = np.exp(-np.abs(x))  # exp of a number <= 0 never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
''',
    "relu": _FUNCTIONS + '''def relu(x):
    return np.maximum(0, x)
''',
    "softmax": _FUNCTIONS + '''def softmax(x):
    shifted = x - np.max(x, axis=-1, keepdims=True)  # the same softmax, and exp no longer overflows
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)
''',
    "cross_entropy_error": _FUNCTIONS + '''def cross_entropy_error(y, t):
    t = np.asarray(t)
    if y.ndim == 1:  # one sample: a batch of one
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:  # one-hot rows: their labels
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t.ravel()] + 1e-7)) / batch_size
''',
    "numerical_diff": _FUNCTIONS + '''def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (2 * h)
''',
    "numerical_gradient": _FUNCTIONS + '''def numerical_gradient(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        up = f(x)
        x[index] = original - h
        down = f(x)
        x[index] = original  # put it back exactly
        grad[index] = (up - down) / (2 * h)
    return grad
''',
    "mul_layer": '''class MulLayer:
    def __init__(self):
        self.x = self.y = None

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x
''',
    "add_layer": '''class AddLayer:
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout, dout
''',
    "relu_layer": _LAYERS + '''class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x, train=False):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx
''',
    "sigmoid_layer": _LAYERS + '''class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x, train=False):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * self.out * (1.0 - self.out)
''',
    "affine": _LAYERS + '''class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.x_shape = None
        self.dW = self.db = None

    def forward(self, x, train=False):
        self.x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)  # images become rows
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return (dout @ self.W.T).reshape(self.x_shape)
''',
    "softmax_with_loss": _LAYERS + '''class SoftmaxWithLoss:
    def __init__(self):
        self.y = self.t = None
        self.loss = None

    def forward(self, x, t, train=False):
        self.y = softmax(x)
        self.t = t.argmax(axis=1) if t.ndim == 2 else t  # labels
        n = len(self.y)
        self.loss = -np.mean(np.log(self.y[np.arange(n), self.t]))
        return self.loss

    def backward(self, dout=1.0):
        n = len(self.y)
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        dx *= dout / n
        return dx
''',
    "tanh_layer": _LAYERS + '''class Tanh:
    def __init__(self):
        self.out = None

    def forward(self, x, train=False):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out**2)
''',
    "dropout": _LAYERS + '''class Dropout:
    def __init__(self, dropout_ratio=0.5, seed=None, rng=None):
        self.dropout_ratio = dropout_ratio
        self.rng = rng if rng is not None else np.random.default_rng(seed)
        self.mask = None
        self.trained = False

    def forward(self, x, train=True):
        self.trained = train
        if not train:
            return x
        self.mask = self.rng.random(x.shape) >= self.dropout_ratio
        return x * self.mask / (1.0 - self.dropout_ratio)

    def backward(self, dout):
        if not self.trained:
            return dout
        return dout * self.mask / (1.0 - self.dropout_ratio)
''',
    "batch_normalization": _LAYERS + '''class BatchNormalization:
    eps = 1e-6

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None):
        self.gamma, self.beta, self.momentum = gamma, beta, momentum
        self.running_mean = np.zeros_like(gamma) if running_mean is None else running_mean
        self.running_var = np.zeros_like(gamma) if running_var is None else running_var
        self.xn = self.std = None
        self.dgamma = self.dbeta = None

    def forward(self, x, train=True):
        if train:
            mean = x.mean(axis=0)
            centered = x - mean
            var = np.mean(centered**2, axis=0)
            self.std = np.sqrt(var + self.eps)
            self.xn = centered / self.std
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mean
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
            return self.gamma * self.xn + self.beta
        xn = (x - self.running_mean) / np.sqrt(self.running_var + self.eps)
        return self.gamma * xn + self.beta

    def backward(self, dout):
        self.dbeta = np.sum(dout, axis=0)
        self.dgamma = np.sum(dout * self.xn, axis=0)
        dxn = self.gamma * dout
        return (dxn - dxn.mean(axis=0) - self.xn * np.mean(dxn * self.xn, axis=0)) / self.std
''',
    "sgd": _FUNCTIONS + '''class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params:
            params[key] -= self.lr * grads[key]
''',
    "momentum": _FUNCTIONS + '''class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]
''',
    "nesterov": _FUNCTIONS + '''class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            params[key] += self.momentum**2 * self.v[key] - (1 + self.momentum) * self.lr * grads[key]
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
''',
    "adagrad": _FUNCTIONS + '''class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
''',
    "rmsprop": _FUNCTIONS + '''class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate = lr, decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(value) for key, value in params.items()}
        for key in params:
            self.h[key] = self.decay_rate * self.h[key] + (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
''',
    "adam": _FUNCTIONS + '''class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.t, self.m, self.v = 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(value) for key, value in params.items()}
            self.v = {key: np.zeros_like(value) for key, value in params.items()}
        self.t += 1  # once per call
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        for key in params:
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)
''',
    "two_layer_net": '''import numpy as np
from affine import Affine
from relu_layer import Relu
from softmax_with_loss import SoftmaxWithLoss


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, seed=None):
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": weight_init_std * rng.standard_normal((input_size, hidden_size)), "b1": np.zeros(hidden_size),
            "W2": weight_init_std * rng.standard_normal((hidden_size, output_size)), "b2": np.zeros(output_size),
        }
        # The layers hold the very arrays of params, so an in-place update trains them.
        self.layers = [Affine(self.params["W1"], self.params["b1"]), Relu(),
                       Affine(self.params["W2"], self.params["b2"])]
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        return float(np.mean(self.predict(x).argmax(axis=1) == labels))

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1.0)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        first, second = self.layers[0], self.layers[2]
        return {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}
''',
    "im2col": _FUNCTIONS + '''def im2col(x, filter_h, filter_w, stride=1, pad=0, pad_value=0.0):
    N, C, H, W = x.shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], constant_values=pad_value)
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w), dtype=x.dtype)
    for i in range(filter_h):
        for j in range(filter_w):
            col[:, :, i, j] = padded[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)
''',
    "convolution": _CONV + '''class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.x_shape = self.col = None
        self.dW = self.db = None

    def forward(self, x, train=False):
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        out_h = (H + 2 * self.pad - FH) // self.stride + 1
        out_w = (W + 2 * self.pad - FW) // self.stride + 1
        self.x_shape = x.shape
        self.col = im2col(x, FH, FW, self.stride, self.pad)
        out = self.col @ self.W.reshape(FN, -1).T + self.b
        return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        delta = dout.transpose(0, 2, 3, 1).reshape(-1, FN)  # rows in im2col's order
        self.db = delta.sum(axis=0)
        self.dW = (delta.T @ self.col).reshape(self.W.shape)
        return col2im(delta @ self.W.reshape(FN, -1), self.x_shape, FH, FW, self.stride, self.pad)
''',
    "pooling": _CONV + '''class Pooling:
    def __init__(self, pool_h, pool_w, stride=2, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad
        self.x_shape = self.arg_max = None

    def forward(self, x, train=False):
        N, C, H, W = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad, pad_value=-np.inf)
        windows = col.reshape(-1, self.pool_h * self.pool_w)  # one window a row, (N, OH, OW, C) order
        self.x_shape, self.arg_max = x.shape, windows.argmax(axis=1)
        return windows.max(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        delta = dout.transpose(0, 2, 3, 1).ravel()
        dwindows = np.zeros((delta.size, self.pool_h * self.pool_w))
        dwindows[np.arange(delta.size), self.arg_max] = delta
        dcol = dwindows.reshape(-1, self.x_shape[1] * self.pool_h * self.pool_w)
        return col2im(dcol, self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
''',
    "hessian_vector_product": _FUNCTIONS.rstrip("\n") + "\nfrom scratchnet.landscape import params_to_vector, "
    "vector_to_params\n\n\n" + '''def hessian_vector_product(network, x, t, v, eps=None):
    theta = params_to_vector(network.params).copy()  # a copy: the way back, exactly
    if eps is None:
        eps = 1e-4 / max(np.linalg.norm(v), 1e-12)
    vector_to_params(theta + eps * v, network.params)  # into the network's own arrays
    up = params_to_vector(network.gradient(x, t)).copy()
    vector_to_params(theta - eps * v, network.params)
    down = params_to_vector(network.gradient(x, t)).copy()
    vector_to_params(theta, network.params)
    return (up - down) / (2 * eps)
''',
    "power_iteration": _FUNCTIONS + '''def power_iteration(matvec, dim, iterations=200, tol=1e-8, rng=0):
    vector = np.random.default_rng(rng).standard_normal(dim)
    vector /= np.linalg.norm(vector)
    value = 0.0
    for products in range(1, iterations + 1):
        image = matvec(vector)
        new_value = vector @ image  # the Rayleigh quotient keeps the sign
        vector = image / np.linalg.norm(image)
        if abs(new_value - value) <= tol * abs(new_value):
            return new_value, vector, products
        value = new_value
    return value, vector, iterations
''',
}
