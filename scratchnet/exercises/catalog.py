"""The exercises, in book order: what each asks for, where the book explains it, a hint, the reference.

An exercise is a file ``NAME.py`` in the learner's workspace that defines ``symbol`` (a
function or a class named like the library's). ``reference`` is the library object it is
checked against. ``hints`` are given one at a time: the first says which shapes and cached
values matter, the second the formula (``scratchnet exercises hint NAME --more``).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    name: str  # the file's name and the command's argument
    symbol: str  # what the file must define
    kind: str  # function, numerical, graph, layer, loss_layer, optimizer, capstone, curvature
    section: str  # where the book explains it ("3.2.4"), or "curvature": the landscapes guide, past the book
    reference: str  # "module:object" in the library
    hints: tuple  # (what matters, the formula)

    @property
    def chapter(self):
        """The book's chapter, or ``None`` for an exercise past the book (the landscapes guide's)."""
        head = self.section.split(".")[0]
        return int(head) if head.isdigit() else None

    @property
    def where(self):
        """Where it is explained: "section 3.2.4", or "the landscapes guide: curvature"."""
        return f"section {self.section}" if self.chapter else f"the landscapes guide: {self.section}"


EXERCISES = [
    # chapter 3: the network's functions
    Exercise("sigmoid", "sigmoid", "function", "3.2.4", "scratchnet.functions:sigmoid", (
        "1 / (1 + np.exp(-x)) works on whole arrays, but np.exp(-x) overflows (and warns) for x = -1000. "
        "Find a form that only ever takes exp of a number <= 0.",
        "e = np.exp(-np.abs(x)) never overflows. Where x >= 0 the sigmoid is 1 / (1 + e); where x < 0 it is "
        "e / (1 + e). np.where(x >= 0, 1 / (1 + e), e / (1 + e)) picks per entry; both branches come from e, so "
        "neither overflows (np.where(x >= 0, ..., np.exp(x) / ...) would still compute exp(-x) everywhere).")),
    Exercise("relu", "relu", "function", "3.2.7", "scratchnet.functions:relu", (
        "Compare every entry with 0 at once: no loop.", "np.maximum(x, 0).")),
    Exercise("softmax", "softmax", "function", "3.5.2", "scratchnet.functions:softmax", (
        "exp(1010) overflows. Softmax does not change when the same number is subtracted from every score of a row.",
        "shifted = x - np.max(x, axis=-1, keepdims=True); e = np.exp(shifted); return e / np.sum(e, axis=-1, "
        "keepdims=True).")),
    # chapter 4: learning
    Exercise("cross_entropy_error", "cross_entropy_error", "function", "4.2.4",
             "scratchnet.functions:cross_entropy_error", (
                 "Make one sample look like a batch of one (reshape to (1, C)), turn one-hot rows into labels, "
                 "then pick each row's probability of its label.",
                 "picked = y[np.arange(N), labels]; return -np.mean(np.log(picked + 1e-7)). The 1e-7 keeps "
                 "log(0) finite, as in the book.")),
    Exercise("numerical_diff", "numerical_diff", "numerical", "4.3.1", "scratchnet.gradient:numerical_diff", (
        "Look at f a little to the left and a little to the right of x, h = 1e-4 each way.",
        "(f(x + h) - f(x - h)) / (2 * h): a much smaller h loses everything to rounding.")),
    Exercise("numerical_gradient", "numerical_gradient", "numerical", "4.4", "scratchnet.gradient:numerical_gradient",
             ("One entry at a time: change it, call f(x), put it back exactly as it was. np.nditer or "
              "np.ndindex(x.shape) visits every entry of any shape.",
              "original = x[i]; x[i] = original + h; up = f(x); x[i] = original - h; down = f(x); x[i] = original; "
              "grad[i] = (up - down) / (2 * h).")),
    # chapter 5: backpropagation
    Exercise("mul_layer", "MulLayer", "graph", "5.4.1", "scratchnet.graph:MulLayer", (
        "forward must keep x and y: backward needs them.",
        "backward returns (dout * y, dout * x): each input's gradient is the other input.")),
    Exercise("add_layer", "AddLayer", "graph", "5.4.2", "scratchnet.graph:AddLayer", (
        "Addition has nothing to remember.", "backward returns (dout, dout): the gradient passes to both unchanged.")),
    Exercise("relu_layer", "Relu", "layer", "5.5.1", "scratchnet.layers:Relu", (
        "forward remembers where x <= 0 (a boolean array of x's shape); that is all backward needs.",
        "forward: self.mask = x <= 0; out = x.copy(); out[self.mask] = 0. backward: dx = dout.copy(); "
        "dx[self.mask] = 0.")),
    Exercise("sigmoid_layer", "Sigmoid", "layer", "5.5.2", "scratchnet.layers:Sigmoid", (
        "The derivative of the sigmoid can be written with its output y alone: keep y in forward.",
        "dx = dout * y * (1 - y).")),
    Exercise("affine", "Affine", "layer", "5.6.2", "scratchnet.layers:Affine", (
        "Shapes decide it: dx must be (N, D) like x, dW (D, M) like W, db (M,) like b. Which product of dout "
        "(N, M) with x (N, D) or W (D, M) gives each shape? Keep x in forward.",
        "dx = dout @ W.T; dW = x.T @ dout; db = dout.sum(axis=0), summed over the batch. No division by N: the "
        "loss layer already divided.")),
    Exercise("softmax_with_loss", "SoftmaxWithLoss", "loss_layer", "5.6.3", "scratchnet.layers:SoftmaxWithLoss", (
        "Keep the softmax output y and the labels t in forward. The loss is the batch mean, so the gradient "
        "carries 1/N.",
        "dx = (y - t_one_hot) / N, times dout. With labels instead of one-hot rows: dx = y.copy(); "
        "dx[np.arange(N), t] -= 1; dx /= N.")),
    Exercise("two_layer_net", "TwoLayerNet", "capstone", "5.7", "scratchnet.networks:TwoLayerNet", (
        "Affine - Relu - Affine - SoftmaxWithLoss from your own files. The layers must hold the very arrays of "
        "self.params, so that an optimizer's in-place update trains them.",
        "gradient(): self.loss(x, t); dout = last_layer.backward(1.0); then dout = layer.backward(dout) through "
        "the layers in reverse; collect dW and db of the two Affine layers.")),
    # chapter 6: training techniques
    Exercise("sgd", "SGD", "optimizer", "6.1.2", "scratchnet.optimizers:SGD", (
        "Change each array of params in place: the network's layers hold these very arrays.",
        "params[key] -= self.lr * grads[key], for every key.")),
    Exercise("momentum", "Momentum", "optimizer", "6.1.4", "scratchnet.optimizers:Momentum", (
        "A velocity per key, kept between calls (in self, created as zeros on the first call).",
        "v = momentum * v - lr * g; params[key] += v.")),
    Exercise("nesterov", "Nesterov", "optimizer", "6.1.4", "scratchnet.optimizers:Nesterov", (
        "Like Momentum, a velocity per key kept between calls; the parameters move with the old velocity first.",
        "params[key] += momentum^2 * v - (1 + momentum) * lr * g; then v = momentum * v - lr * g.")),
    Exercise("adagrad", "AdaGrad", "optimizer", "6.1.5", "scratchnet.optimizers:AdaGrad", (
        "Keep h per key, the sum of every gradient squared so far.",
        "h += g * g; params[key] -= lr * g / (np.sqrt(h) + 1e-7).")),
    Exercise("rmsprop", "RMSprop", "optimizer", "6.1.5", "scratchnet.optimizers:RMSprop", (
        "Like AdaGrad, but h forgets: a moving average of the squared gradients.",
        "h = decay_rate * h + (1 - decay_rate) * g * g; params[key] -= lr * g / (np.sqrt(h) + 1e-7).")),
    Exercise("adam", "Adam", "optimizer", "6.1.6", "scratchnet.optimizers:Adam", (
        "m and v per key, and one step count t for the whole optimizer: t counts calls of update, not keys.",
        "t += 1 once per call; lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); for each key m += (1 - beta1) * "
        "(g - m); v += (1 - beta2) * (g^2 - v); params[key] -= lr_t * m / (np.sqrt(v) + 1e-7).")),
    Exercise("tanh_layer", "Tanh", "layer", "6.2.2", "scratchnet.layers:Tanh", (
        "As for the sigmoid, tanh's derivative can be written with its output alone: keep it.",
        "dx = dout * (1 - y ** 2).")),
    Exercise("batch_normalization", "BatchNormalization", "layer", "6.3.1", "scratchnet.layers:BatchNormalization",
             ("Cache the centred x, the std and the normalized xn in forward. x influences the output directly and "
              "through the batch mean and variance: dx has a term for each path.",
              "dxn = gamma * dout; dx = (dxn - mean(dxn) - xn * mean(dxn * xn)) / std, means over axis 0; "
              "dgamma = sum(dout * xn, axis=0); dbeta = sum(dout, axis=0).")),
    Exercise("dropout", "Dropout", "layer", "6.4.3", "scratchnet.layers:Dropout", (
        "Keep the mask drawn in training; backward lets dout through exactly where forward let x through.",
        "forward: self.mask = self.rng.random(x.shape) >= ratio; x * self.mask / (1 - ratio). backward: "
        "dout * self.mask / (1 - ratio). At test time nothing changes.")),
    # chapter 7: convolution
    Exercise("im2col", "im2col", "function", "7.4.3", "scratchnet.conv:im2col", (
        "Output size: OH = (H + 2 pad - filter_h) // stride + 1. Pad with np.pad, then copy each filter "
        "position's strided slice; one loop over the filter's rows and columns is enough.",
        "col[:, :, i, j] = padded[:, :, i:i + stride * OH:stride, j:j + stride * OW:stride] for each (i, j) of "
        "the filter; then col.transpose(0, 4, 5, 1, 2, 3).reshape(N * OH * OW, -1).")),
    Exercise("convolution", "Convolution", "layer", "7.4.3", "scratchnet.conv:Convolution", (
        "With im2col the convolution is one product, like Affine: keep the im2col rows and x's shape, and "
        "backward mirrors Affine's, with col2im turning rows back into images.",
        "forward: col = im2col(x, FH, FW, stride, pad); out = (col @ W.reshape(FN, -1).T + b).reshape(N, OH, "
        "OW, FN).transpose(0, 3, 1, 2). backward: delta = dout.transpose(0, 2, 3, 1).reshape(-1, FN); "
        "dW = (delta.T @ col).reshape(W.shape); db = delta.sum(axis=0); dx = col2im(delta @ W.reshape(FN, -1), "
        "x.shape, FH, FW, stride, pad).")),
    Exercise("pooling", "Pooling", "layer", "7.4.4", "scratchnet.conv:Pooling", (
        "One window per row (im2col with pad_value=-np.inf, reshaped to (-1, pool_h * pool_w)); keep where each "
        "row's maximum was.",
        "backward: a zero row per window with dout at its argmax, then col2im adds overlapping windows back.")),
    # past the book: the curvature of the loss (the landscapes guide, "Curvature")
    Exercise("hessian_vector_product", "hessian_vector_product", "curvature", "curvature",
             "scratchnet.curvature:hessian_vector_product", (
                 "H v is how the gradient changes along v: take the gradient a small step eps forward along v and "
                 "a step back, with network.gradient (your backprop), and compare. Flatten with params_to_vector, "
                 "write a vector into the network's own arrays with vector_to_params, and put the parameters "
                 "back exactly as they were (theta + eps v - eps v is not theta in floating point: keep a copy).",
                 "theta = params_to_vector(network.params).copy(); vector_to_params(theta + eps * v, "
                 "network.params); up = params_to_vector(network.gradient(x, t)).copy(); the same at theta - eps "
                 "* v for down; vector_to_params(theta, network.params); return (up - down) / (2 * eps). Both "
                 "sides, not one: a one-sided difference is off by eps times the third derivative.")),
    Exercise("power_iteration", "power_iteration", "curvature", "curvature", "scratchnet.curvature:power_iteration", (
        "Multiply a unit vector by the matrix again and again, normalizing each time: the direction of the "
        "eigenvalue of largest magnitude wins. Its estimate is the Rayleigh quotient v . (H v), which keeps the "
        "sign (the norm of H v does not). Stop when the estimate changes by less than tol (relative).",
        "vector = np.random.default_rng(rng).standard_normal(dim); vector /= norm; value = 0.0; for products in "
        "1..iterations: image = matvec(vector); new = vector @ image; vector = image / norm(image); if |new - "
        "value| <= tol * |new|: return new, vector, products; value = new. After the loop: return value, "
        "vector, iterations.")),
]

BY_NAME = {exercise.name: exercise for exercise in EXERCISES}


def get_exercise(name):
    """The exercise called ``name``, or a clear error listing them."""
    if name not in BY_NAME:
        raise ValueError(f"name: expected one of {', '.join(BY_NAME)}, got {name!r}")
    return BY_NAME[name]
