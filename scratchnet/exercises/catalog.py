"""The exercises, in book order: what each asks for, where the book explains it, a hint, the reference.

An exercise is a file ``NAME.py`` in the learner's workspace that defines ``symbol`` (a
function or a class named like the library's). ``reference`` is the library object it is
checked against, and whose source ``scratchnet exercises solution NAME`` prints.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    name: str  # the file's name and the command's argument
    symbol: str  # what the file must define
    kind: str  # function, numerical, graph, layer, loss_layer, optimizer, capstone
    section: str  # where the book explains it
    reference: str  # "module:object" in the library
    hint: str


EXERCISES = [
    Exercise("sigmoid", "sigmoid", "function", "3.2.4", "scratchnet.functions:sigmoid",
             "1 / (1 + exp(-x)) works on whole arrays. For large negative x, exp(-x) overflows: "
             "for x < 0 use exp(x) / (1 + exp(x)) instead (np.where picks per entry)."),
    Exercise("relu", "relu", "function", "3.2.7", "scratchnet.functions:relu",
             "np.maximum(x, 0) compares every entry with 0."),
    Exercise("softmax", "softmax", "function", "3.5.2", "scratchnet.functions:softmax",
             "Subtract each row's maximum before exp (axis=-1, keepdims=True): the result is the same and "
             "exp no longer overflows. Then divide by the row sums."),
    Exercise("cross_entropy_error", "cross_entropy_error", "function", "4.2.4",
             "scratchnet.functions:cross_entropy_error",
             "Pick the probability of the right class in each row, take -log(p + 1e-7), and average over the "
             "batch. One-hot labels: argmax gives the class."),
    Exercise("numerical_diff", "numerical_diff", "numerical", "4.3.1", "scratchnet.gradient:numerical_diff",
             "The central difference (f(x + h) - f(x - h)) / (2h) with h = 1e-4: a much smaller h loses "
             "everything to rounding."),
    Exercise("numerical_gradient", "numerical_gradient", "numerical", "4.4", "scratchnet.gradient:numerical_gradient",
             "Change one entry of x at a time, by +h and by -h, call f(x) each time, and put the entry back "
             "exactly as it was (keep the original value in a variable)."),
    Exercise("mul_layer", "MulLayer", "graph", "5.4.1", "scratchnet.graph:MulLayer",
             "Keep x and y in forward; backward returns (dout * y, dout * x): each input's gradient is the "
             "other input."),
    Exercise("add_layer", "AddLayer", "graph", "5.4.2", "scratchnet.graph:AddLayer",
             "Addition passes the upstream gradient to both inputs unchanged."),
    Exercise("relu_layer", "Relu", "layer", "5.5.1", "scratchnet.layers:Relu",
             "forward remembers where x <= 0 (a boolean mask); backward sets dout to 0 there, in a new array."),
    Exercise("sigmoid_layer", "Sigmoid", "layer", "5.5.2", "scratchnet.layers:Sigmoid",
             "forward keeps its output y; backward is dout * y * (1 - y)."),
    Exercise("affine", "Affine", "layer", "5.6.2", "scratchnet.layers:Affine",
             "dx = dout @ W.T, dW = x.T @ dout, db = dout.sum(axis=0): db has one entry per output, summed "
             "over the batch."),
    Exercise("softmax_with_loss", "SoftmaxWithLoss", "loss_layer", "5.6.3", "scratchnet.layers:SoftmaxWithLoss",
             "backward is (softmax(x) - t) / N with t one-hot: divide by the batch size N, because the loss "
             "is the batch mean."),
    Exercise("tanh_layer", "Tanh", "layer", "6.2.2", "scratchnet.layers:Tanh",
             "tanh'(x) = 1 - tanh(x)^2: keep the output in forward."),
    Exercise("dropout", "Dropout", "layer", "6.4.3", "scratchnet.layers:Dropout",
             "In training draw a mask (rng.random(x.shape) >= ratio), keep it, and scale by 1 / (1 - ratio); "
             "backward multiplies dout by the same mask and scale. At test time nothing changes."),
    Exercise("batch_normalization", "BatchNormalization", "layer", "6.3.1", "scratchnet.layers:BatchNormalization",
             "Cache x - mean, the std and the normalized x. dx = (dxn - mean(dxn) - xn * mean(dxn * xn)) / std "
             "with dxn = gamma * dout (means over the batch axis)."),
    Exercise("sgd", "SGD", "optimizer", "6.1.2", "scratchnet.optimizers:SGD",
             "params[key] -= lr * grads[key], in place, for every key."),
    Exercise("momentum", "Momentum", "optimizer", "6.1.4", "scratchnet.optimizers:Momentum",
             "Keep one velocity per key, in a dict that survives between calls: v = momentum * v - lr * g; "
             "params += v."),
    Exercise("nesterov", "Nesterov", "optimizer", "6.1.4", "scratchnet.optimizers:Nesterov",
             "Move with the old velocity first: params += momentum^2 * v - (1 + momentum) * lr * g; then "
             "v = momentum * v - lr * g."),
    Exercise("adagrad", "AdaGrad", "optimizer", "6.1.5", "scratchnet.optimizers:AdaGrad",
             "h += g * g (kept between calls); params -= lr * g / (sqrt(h) + 1e-7)."),
    Exercise("rmsprop", "RMSprop", "optimizer", "6.1.5", "scratchnet.optimizers:RMSprop",
             "h = decay_rate * h + (1 - decay_rate) * g * g; params -= lr * g / (sqrt(h) + 1e-7)."),
    Exercise("adam", "Adam", "optimizer", "6.1.6", "scratchnet.optimizers:Adam",
             "Count the calls t; lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) corrects the bias of m and v, "
             "which start at 0. m += (1 - beta1) * (g - m); v += (1 - beta2) * (g^2 - v)."),
    Exercise("two_layer_net", "TwoLayerNet", "capstone", "5.7", "scratchnet.networks:TwoLayerNet",
             "Affine - Relu - Affine - SoftmaxWithLoss from your own files. gradient(): forward for the loss, "
             "then backward through the layers in reverse, collecting dW and db."),
    Exercise("im2col", "im2col", "function", "7.4.3", "scratchnet.conv:im2col",
             "Output size: OH = (H + 2 pad - filter_h) // stride + 1. Pad with np.pad, then for each filter "
             "position (i, j) copy the strided slice image[:, :, i:i + stride * OH:stride, j:j + stride * OW:stride] "
             "into col[:, :, i, j]; finally transpose to (N, OH, OW, C, filter_h, filter_w) and reshape to rows."),
    Exercise("convolution", "Convolution", "layer", "7.4.3", "scratchnet.conv:Convolution",
             "forward: col = im2col(x, FH, FW, stride, pad); out = col @ W.reshape(FN, -1).T + b, reshaped to "
             "(N, OH, OW, FN) and transposed to (N, FN, OH, OW). backward: delta = dout.transpose(0, 2, 3, 1)"
             ".reshape(-1, FN); dW = (delta.T @ col).reshape(W.shape); db = delta.sum(axis=0); "
             "dx = col2im(delta @ W.reshape(FN, -1), x.shape, FH, FW, stride, pad)."),
    Exercise("pooling", "Pooling", "layer", "7.4.4", "scratchnet.conv:Pooling",
             "forward: im2col(x, pool_h, pool_w, stride, pad, pad_value=-np.inf).reshape(-1, pool_h * pool_w) "
             "gives one window per row (in (N, OH, OW, C) order); keep argmax(axis=1) and take each row's max. "
             "backward: a zero row per window with dout at the argmax, then col2im adds overlapping windows back."),
]

BY_NAME = {exercise.name: exercise for exercise in EXERCISES}


def get_exercise(name):
    """The exercise called ``name``, or a clear error listing them."""
    if name not in BY_NAME:
        raise ValueError(f"name: expected one of {', '.join(BY_NAME)}, got {name!r}")
    return BY_NAME[name]
