"""The gradient-check exercises: skeletons not done, solutions and the book's way passing, mistakes diagnosed."""

import re

import numpy as np
import pytest

from scratchnet import cli
from scratchnet.exercises import progress_record, runner
from scratchnet.exercises.catalog import EXERCISES, get_exercise
from scratchnet.exercises.cli import init, readme, watch
from scratchnet.exercises.solutions import SOLUTIONS
from scratchnet.exercises.templates import SKELETONS


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "exercises"
    assert init(folder, out=lambda *a, **k: None) == 0
    return folder


def solve(folder, *names):
    for name in names or SOLUTIONS:
        (folder / f"{name}.py").write_text(SOLUTIONS[name])


def run(folder, name=None, **options):
    lines = []
    status = runner.check_in_order(folder, name, out=lambda text="", **_: lines.append(text), **options)
    return status, "\n".join(lines)


def command(*words, capsys):
    status = cli.main(["exercises", *map(str, words)])
    return status, capsys.readouterr().out


def test_the_exercises_follow_the_book_then_go_past_it():
    book = [exercise for exercise in EXERCISES if exercise.chapter]
    sections = [tuple(int(part) for part in exercise.section.split(".")) for exercise in book]
    assert sections == sorted(sections) and EXERCISES[:len(book)] == book  # the book's first, in its order
    assert [e.name for e in EXERCISES[len(book):]] == ["hessian_vector_product", "power_iteration"]
    assert EXERCISES[-1].where == "the landscapes guide: curvature" and EXERCISES[0].where == "section 3.2.4"
    assert [e.name for e in EXERCISES][12:14] == ["two_layer_net", "sgd"]  # the 5.7 capstone ends chapter 5
    assert set(SOLUTIONS) == set(SKELETONS) == {e.name for e in EXERCISES}


def test_skeletons_are_not_done_yet(workspace):
    for name in ("sigmoid", "affine", "adam", "pooling"):
        result = runner.check(workspace, name)
        assert result.status == "not done yet" and result.lines == ["not done yet"], name
    status, out = run(workspace)
    assert status == 1 and "sigmoid (section 3.2.4): not done yet" in out and "0 of 27 done" in out
    assert "Traceback" not in out


@pytest.mark.slow
def test_every_solution_passes_and_the_capstone_learns(workspace):
    solve(workspace)
    status, out = run(workspace)
    assert status == 0, out
    assert "27 of 27 done: every exercise passes." in out and "note:" not in out
    accuracy = float(re.search(r"test accuracy (\d\.\d+)", out).group(1))
    assert accuracy >= 0.90 and (workspace / "two_layer_net.png").is_file()
    again = run(workspace)[1]  # unchanged files are not run again
    assert again.count("unchanged since it passed") == 27 and "27 of 27 done" in again
    (workspace / "affine.py").write_text(SOLUTIONS["affine"] + "\n# edited\n")
    status, out = run(workspace, "affine")
    assert status == 0 and "unchanged" not in out and "affine (section 5.6.2): ok" in out


NESTEROV_MOVE = ("            params[key] += self.momentum**2 * self.v[key] - (1 + self.momentum) * self.lr * "
                 "grads[key]\n")
NESTEROV_VELOCITY = "            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]\n"

# (exercise, the solution's line, what the learner wrote instead, the words the check must print)
MISTAKES = [
    ("affine", "self.db = np.sum(dout, axis=0)", "self.db = np.sum(dout, axis=1)", "summed over the wrong axis"),
    ("affine", "self.db = np.sum(dout, axis=0)", "self.db = dout", r"sum it over the batch axis \(axis=0\)"),
    ("affine", "self.dW = self.x.T @ dout", "self.dW = dout.T @ self.x", "dW is transposed"),
    ("affine", "self.dW = self.x.T @ dout", "self.dW = self.x.T @ dout / len(dout)",
     "dW is exactly 1/5 .* this layer must not divide by N; the loss layer's backward already did"),
    ("affine", "return (dout @ self.W.T)", "return (2 * dout @ self.W.T)", "twice"),
    ("affine", "return (dout @ self.W.T)", "return (dout @ self.W)", r"ValueError: .*\(affine.py, line 20: return"),
    ("softmax_with_loss", "dx *= dout / n", "dx *= dout", "did you forget to divide by the batch size"),
    ("softmax_with_loss", "dx *= dout / n", "dx *= dout / n / n", "divided by the batch size twice"),
    ("sigmoid_layer", "return dout * self.out * (1.0 - self.out)", "return -dout * self.out * (1.0 - self.out)",
     "opposite sign"),
    ("sigmoid_layer", "return dout * self.out * (1.0 - self.out)", "return dout * self.out",
     r"the entries that differ most: dx\["),
    ("sigmoid_layer", "return dout * self.out * (1.0 - self.out)", "return self.out * (1.0 - self.out)",
     "it ignores dout"),
    ("sigmoid_layer", "        self.out = sigmoid(x)\n        return self.out",
     "        out = sigmoid(x)\n        if self.out is None:\n            self.out = out\n        return out",
     "stale cache"),
    ("relu_layer", "self.mask = x <= 0", "self.mask = x < 0", "wrong only where x is exactly 0"),
    ("relu_layer", "dx[self.mask] = 0", "dx[~self.mask] = 0", "the mask is inverted"),
    ("relu_layer", "        dx[self.mask] = 0\n", "", r"right only where x > 0"),
    ("relu_layer", "        out = x.copy()\n", "        out = x\n", "forward changes its input x in place"),
    ("tanh_layer", "return dout * (1.0 - self.out**2)", "return dout * 0.0", "zero everywhere"),
    ("relu", "return np.maximum(0, x)", "np.maximum(0, x, out=x)\n    return x", "relu changes its input in place"),
    ("affine", "return (dout @ self.W.T).reshape(self.x_shape)",
     "return (1.001 * dout @ self.W.T).reshape(self.x_shape).astype(np.float32)", "hint: your result is float32"),
    ("momentum", "self.v[key] = self.momentum * self.v[key]", "self.v[key] = 0.5 * self.momentum * self.v[key]",
     r"diagnosis: params\['W'\] is wrong after step 2 \(right after step 1\)"),
    ("nesterov", NESTEROV_MOVE + NESTEROV_VELOCITY, NESTEROV_VELOCITY + NESTEROV_MOVE,
     "the look-ahead uses the new velocity"),
    ("sigmoid_layer", "        self.out = sigmoid(x)\n", "        self.calls = getattr(self, 'calls', 0) + 1\n"
     "        if self.calls > 1:\n            raise RuntimeError('a second forward')\n        self.out = sigmoid(x)\n",
     r"RuntimeError: a second forward \(sigmoid_layer.py, line \d+"),
    ("dropout", "return dout * self.mask / (1.0 - self.dropout_ratio)", "return dout * self.mask",
     "constant factor of 0.6"),
    ("batch_normalization", "self.dbeta = np.sum(dout, axis=0)", "self.dbeta = np.sum(dout, axis=1)",
     "summed over the wrong axis"),
    ("batch_normalization", "(dxn - dxn.mean(axis=0) - self.xn", "(dxn - self.xn",
     r"the term -mean\(dxn\) is missing"),
    ("batch_normalization", " - self.xn * np.mean(dxn * self.xn, axis=0)", "",
     r"the term -xn \* mean\(dxn \* xn\) is missing"),
    ("batch_normalization", "dxn = self.gamma * dout", "dxn = dout", "gamma is missing"),
    ("sgd", "params[key] -= self.lr * grads[key]", "params[key] = params[key] - self.lr * grads[key]",
     r"replaces params\[key\] with a new array"),
    ("sgd", "params[key] -= self.lr * grads[key]", "params[key] += self.lr * grads[key]", "move uphill"),
    ("momentum", "self.momentum * self.v[key] - self.lr", "self.momentum * self.v[key] + self.lr",
     "params move uphill: the sign is wrong"),
    ("momentum", "        if self.v is None:\n", "        if True:\n", "starts afresh every call"),
    ("nesterov", "params[key] += self.momentum**2 * self.v[key] - (1 + self.momentum) * self.lr * grads[key]",
     "params[key] += self.momentum * self.v[key] - self.lr * grads[key]", "this is Momentum's rule"),
    ("adagrad", "        if self.h is None:\n", "        if True:\n", "h is not summed"),
    ("rmsprop", "        if self.h is None:\n", "        if True:\n", "starts afresh every call"),
    ("adagrad", "(np.sqrt(self.h[key]) + 1e-7)", "(self.h[key] + 1e-7)", "divides by h, not by its square root"),
    ("rmsprop", "self.decay_rate * self.h[key] + (1 - self.decay_rate)", "(1 - self.decay_rate) * self.h[key] + "
     "self.decay_rate", "decay_rate and 1 - decay_rate are swapped"),
    ("adam", "np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)", "1.0", "without the bias correction"),
    ("adam", "        self.t += 1  # once per call\n        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.t) / "
     "(1.0 - self.beta1**self.t)\n        for key in params:\n", "        for key in params:\n            self.t += "
     "1\n            lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)\n",
     "the step count t goes up once per key"),
    ("adam", "        self.t += 1  # once per call\n", "", r"params\['W'\] is not a number after step 1: a division by "
     r"zero\? .*count t before"),
    ("numerical_gradient", "        x[index] = original  # put it back exactly\n", "", "leaves x changed"),
    ("sigmoid", "e = np.exp(-np.abs(x))  # exp of a number <= 0 never overflows\n    return np.where(x >= 0, "
     "1.0 / (1.0 + e), e / (1.0 + e))", "return 1 / (1 + np.exp(-x))", "sigmoid overflows"),
    ("softmax", "shifted = x - np.max(x, axis=-1, keepdims=True)", "shifted = x", "softmax overflows"),
    ("cross_entropy_error", "-np.sum(np.log(y[np.arange(batch_size), t.ravel()] + 1e-7)) / batch_size",
     "-np.sum(np.log(y[np.arange(batch_size), t.ravel()] + 1e-7))", "gives 8.68707; the right value is 1.73741"),
    ("mul_layer", "return dout * self.y, dout * self.x", "return dout * self.x, dout * self.y",
     r"expected \(dx, dy\) = \(2.2, 110\)"),
    ("numerical_diff", "return (f(x + h) - f(x - h)) / (2 * h)", "return (f(x + h) - f(x)) / h",
     "should give the book's"),
    ("im2col", "col.transpose(0, 4, 5, 1, 2, 3)", "col.transpose(0, 4, 5, 1, 3, 2)",
     r"right numbers in the wrong places: rows must run over images"),
    ("im2col", "out_h = (H + 2 * pad - filter_h) // stride + 1", "out_h = (H + 2 * pad - filter_h) + 1",
     r"ValueError: could not broadcast .*\(im2col.py, line \d+: col\[:, :, i, j\]"),
    ("convolution", "self.dW = (delta.T @ self.col)", "self.dW = (self.col.T @ delta)",
     "dW has the right numbers in the wrong places"),
    ("convolution", "self.db = delta.sum(axis=0)", "self.db = delta.sum(axis=1)", "db has shape .* summed over"),
    ("convolution", "delta = dout.transpose(0, 2, 3, 1).reshape(-1, FN)", "delta = dout.reshape(-1, FN)",
     r"without moving the filter axis last: use dout.transpose\(0, 2, 3, 1\)"),
    ("convolution", "self.W, self.b, self.stride, self.pad = W, b, stride, pad",
     "self.W, self.b, self.stride, self.pad = W, b, 1, 0",
     r"forward gives wrong values; .*\(this check uses 3 x 3 filters, stride 2, pad 1: does forward pass self.stride"),
    ("pooling", "dwindows[np.arange(delta.size), self.arg_max] = delta",
     "dwindows[np.arange(delta.size), self.arg_max] = 1.0", "it ignores dout"),
    ("hessian_vector_product", "    vector_to_params(theta - eps * v, network.params)\n",
     "    vector_to_params(theta, network.params)\n    eps = eps / 2  # one-sided: g(theta) for the back side\n",
     r"on the cubic \(eps = 0.1\), Hv is off by eps v\^2 / 2, as a one-sided difference is"),
    ("hessian_vector_product", "return (up - down) / (2 * eps)", "return (up - down) / eps",
     "twice the product: divide by 2 eps"),
    ("hessian_vector_product", "    vector_to_params(theta, network.params)\n", "",
     r"on the cubic: network.params\['W'\] is changed afterwards: put the parameters back exactly"),
    ("hessian_vector_product", "    vector_to_params(theta + eps * v, network.params)",
     "    network.params = {key: array.copy() for key, array in network.params.items()}\n"
     "    vector_to_params(theta + eps * v, network.params)", r"was replaced by a new array, but the layers"),
    ("hessian_vector_product", "    return (up - down) / (2 * eps)", "    return (up - down) / (2 * eps) * 1.001",
     r"on a 4-5-3 tanh network|on the cubic .* wrong values; .*the entries that differ most"),
    ("power_iteration", "new_value = vector @ image", "new_value = np.linalg.norm(image)",
     r"expected the eigenvalue -6, got 5.99.*: the norm of H v loses the sign"),
    ("power_iteration", "if abs(new_value - value) <= tol * abs(new_value):", "if False:",
     r"took 500 products where \d+ settle the estimate to tol"),
    ("power_iteration", "return new_value, vector, products", "return new_value, vector, products - 1",
     r"products says \d+, but matvec was called \d+ times"),
    ("power_iteration", "    return value, vector, iterations", "    return value, vector, iterations + 1",
     r"iterations=5, .*products says 6, but matvec was called 5 times"),
    ("power_iteration", "vector = image / np.linalg.norm(image)",
     "vector = image / np.abs(image).max()", r"the vector's length is \d\.\d+; return it normalized"),
]


@pytest.mark.parametrize("name, line, instead, words", MISTAKES,
                         ids=[f"{name}-{number}" for number, (name, *_) in enumerate(MISTAKES)])
def test_a_planted_mistake_gets_its_diagnosis(workspace, name, line, instead, words):
    assert line in SOLUTIONS[name], f"the solution of {name} no longer has {line!r}"
    (workspace / f"{name}.py").write_text(SOLUTIONS[name].replace(line, instead, 1))
    status, out = run(workspace, name)
    assert status == 1 and f"{name} ({get_exercise(name).where})" in out and "FAILED" in out, out
    assert re.search(words, out), out


def test_the_books_ways_pass_with_a_note(workspace):
    book_loss = SOLUTIONS["softmax_with_loss"].replace(
        "self.loss = -np.mean(np.log(self.y[np.arange(n), self.t]))",
        "self.loss = -np.mean(np.log(self.y[np.arange(n), self.t] + 1e-7))")
    (workspace / "softmax_with_loss.py").write_text(book_loss)
    status, out = run(workspace, "softmax_with_loss")
    assert status == 0 and "note: yours adds the book's 1e-7 inside the log" in out, out
    exact = SOLUTIONS["cross_entropy_error"].replace(" + 1e-7", "")
    (workspace / "cross_entropy_error.py").write_text(exact)
    status, out = run(workspace, "cross_entropy_error")
    assert status == 0 and "note: yours leaves out the book's 1e-7" in out, out
    # The book's Relu: forward(self, x) without train, and a backward that zeroes dout in place.
    book_relu = SOLUTIONS["relu_layer"].replace("def forward(self, x, train=False):", "def forward(self, x):")
    book_relu = book_relu.replace("        dx = dout.copy()\n        dx[self.mask] = 0\n        return dx",
                                  "        dout[self.mask] = 0\n        return dout")
    (workspace / "relu_layer.py").write_text(book_relu)
    status, out = run(workspace, "relu_layer")
    assert status == 0 and "note: backward changes dout in place (the book's Relu does too)" in out, out
    # The book's Dropout takes train_flg=True: the train flag goes by position.
    flagged = SOLUTIONS["dropout"].replace("train=True", "train_flg=True").replace("self.trained = train\n        if "
                                                                                    "not train:", "self.trained = "
                                                                                    "train_flg\n        if not "
                                                                                    "train_flg:")
    assert "train_flg" in flagged and "if not train_flg" in flagged
    (workspace / "dropout.py").write_text(flagged)
    assert run(workspace, "dropout")[0] == 0


def test_a_wrong_scalar_shows_enough_digits_to_differ(workspace):
    off = SOLUTIONS["softmax_with_loss"].replace("self.t]))", "self.t] + 3e-7))")
    (workspace / "softmax_with_loss.py").write_text(off)
    status, out = run(workspace, "softmax_with_loss")
    found = re.search(r"forward gives (\S+); the right value is (\S+)", out)
    assert status == 1 and found and found.group(1) != found.group(2), out


def test_float32_answers_get_a_hint(workspace):
    (workspace / "numerical_gradient.py").write_text(SOLUTIONS["numerical_gradient"].replace(
        "grad = np.zeros_like(x)", "x = x.astype(np.float32)\n    grad = np.zeros_like(x)").replace(
        "        x[index] = original  # put it back exactly\n", "        x[index] = original\n"))
    status, out = run(workspace, "numerical_gradient")
    assert status == 1 and "hint: your result is float32: use float64" in out, out


# ---- a learner's code that misbehaves: every way out has its verdict and a non-zero exit -------------------
HOSTILE = [
    ("loop at module level", "while True:\n    pass\n", r"(ran over 2 s|used more than 2 s of CPU time) \(stopped "
                                                       r"at line [12] of sigmoid.py\)"),
    ("the timeout swallowed", "def sigmoid(x):\n    while True:\n        try:\n            return f(x)\n        "
                              "except Exception:\n            pass\n\n\ndef f(x):\n    raise RuntimeError\n",
     r"(ran over 2 s|used more than 2 s of CPU time) \(stopped at line \d+ of sigmoid.py\)"),
    ("sleeping", "import time\ntime.sleep(60)\n", r"ran over 2 s \(stopped at line 2 of sigmoid.py\)"),
    ("a thread left running", "import threading\nimport time\n\nimport numpy as np\n\nthreading.Thread(target=lambda: "
                              "time.sleep(60)).start()\n\n\ndef sigmoid(x):\n    e = np.exp(-np.abs(x))\n    return "
                              "np.where(x >= 0, 1 / (1 + e), e / (1 + e))\n",
     r"left a thread running \(Thread-1 \(<lambda>\) at line 6 of sigmoid.py\)"),
    ("fork", "import os\n\nos.fork()\n",
     r"tried to start a process or send a signal \(os.fork at line 3 of sigmoid.py"),
    ("fork, caught", "import os\n\ntry:\n    os.fork()\nexcept BaseException:\n    pass\n\n\ndef sigmoid(x):\n"
                     "    return x\n", r"tried to start a process .*os.fork at line 4 of sigmoid.py"),
    ("a shell", "import subprocess\n\nsubprocess.run(['true'])\n", r"tried to start a process .*subprocess.Popen"),
    ("sys.exit(0)", "import sys\n\n\ndef sigmoid(x):\n    sys.exit(0)\n",
     r"called sys.exit\(0\) at line 5 of sigmoid.py"),
    ("sys.exit at module level", "import sys\n\nsys.exit('bye')\n", r"called sys.exit\('bye'\) at line 3"),
    ("os._exit(0)", "import os\n\n\ndef sigmoid(x):\n    os._exit(0)\n",
     r"exited the process with os._exit\(0\) at line 5 of sigmoid.py"),
    ("a huge allocation", "import numpy as np\n\nhuge = np.ones((40, 1024, 1024, 1024))\n",
     r"used more than 4 GB of memory at line 3 of sigmoid.py"),
    ("a syntax error", "def sigmoid(x)\n    return x\n", r"sigmoid.py, line 1: expected ':'\n\s+def sigmoid\(x\)"),
    ("latin-1", "def sigmoid(x):\n    return 'caf\xe9'\n", r"sigmoid.py, line 2: not UTF-8 text \(byte 0xe9\)"),
    ("no sigmoid", "def sigmod(x):\n    return x\n", "sigmoid.py does not define sigmoid"),
    ("the reference patched", "import numpy as np\nimport scratchnet.functions\n\nscratchnet.functions.sigmoid = "
                              "lambda x: x\n\n\ndef sigmoid(x):\n    return x\n", "sigmoid.* gives wrong values"),
    ("a signal to the checker", "import os\n\nos.kill(os.getppid(), 0)\n",
     r"tried to start a process or send a signal \(os.kill at line 3 of sigmoid.py"),
    ("a crash", "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGSEGV)\n",
     r"crashed \(signal 11, SIGSEGV\)"),
    ("prints, then exits", "import os\n\nprint('bye')\nos._exit(0)\n",
     r"exited the process with os._exit\(0\) at line 4 of sigmoid.py.*\n.*your code printed:\n\s+\| bye"),
    ("prints, then fails", "def sigmoid(x):\n    print('debug: x is', x.shape)\n    return x\n",
     r"your code printed:\n\s+\| debug: x is \(7,\)"),
]


@pytest.mark.parametrize("what, source, verdict", HOSTILE, ids=[what for what, _, _ in HOSTILE])
def test_a_hostile_file_gets_its_verdict(workspace, capsys, what, source, verdict):
    (workspace / "sigmoid.py").write_bytes(source.encode("latin-1"))
    status, out = command("check", workspace, "sigmoid", "--time-limit", 2, capsys=capsys)
    assert status == 1 and "sigmoid (section 3.2.4): FAILED" in out, out
    assert re.search(verdict, out), out
    assert "Traceback" not in out


def test_ctrl_c_stops_the_child_too(workspace, monkeypatch, capsys):
    import os
    import signal
    import subprocess

    started = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        signal.setitimer(signal.ITIMER_REAL, 0.8)
        return started[-1]

    (workspace / "sigmoid.py").write_text("while True:\n    pass\n")
    monkeypatch.setattr(subprocess, "Popen", popen)
    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)
    try:
        status, out = command("check", workspace, "sigmoid", capsys=capsys)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert status == 130 and "stopped (Ctrl-C); your files are as you left them" in out, out
    assert started[0].returncode is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(started[0].pid, 0)


# ---- the capstone ------------------------------------------------------------------------------------------
def test_the_capstone_names_the_file_an_error_comes_from(workspace):
    solve(workspace, "relu_layer", "softmax_with_loss", "two_layer_net")
    (workspace / "affine.py").write_text(SOLUTIONS["affine"].replace("self.db = np.sum(dout, axis=0)",
                                                                     "self.db = np.sum(dout, axis=2)"))
    status, out = run(workspace, "two_layer_net")
    assert status == 1 and re.search(r"AxisError: .*\(affine.py, line 19: self.db", out), out
    (workspace / "affine.py").write_text(SKELETONS["affine"])
    status, out = run(workspace, "two_layer_net")
    assert status == 1 and "your affine.py is not done yet at line" in out and "the capstone builds on it" in out


def test_the_capstone_says_when_layers_hold_copies(workspace):
    solve(workspace, "affine", "relu_layer", "softmax_with_loss")
    for copied in ("W1", "b2"):  # a copy of any one array: its gradients still agree at the start
        (workspace / "two_layer_net.py").write_text(SOLUTIONS["two_layer_net"].replace(
            f'self.params["{copied}"]', f'self.params["{copied}"].copy()', 1))
        status, out = run(workspace, "two_layer_net")
        assert status == 1 and f"in-place change of params['{copied}'] the loss did not change: the layers compute " \
                               f"with copies" in out, out
        assert "all gradients agree" not in out  # no table that says all is well before the verdict


def test_the_capstone_takes_the_books_network_without_a_seed(workspace, monkeypatch):
    monkeypatch.setitem(runner.KINDS, "capstone", (_one_epoch, runner.KINDS["capstone"][1]))
    solve(workspace, "affine", "relu_layer", "softmax_with_loss")
    book = SOLUTIONS["two_layer_net"].replace(", seed=None):", "):").replace("rng = np.random.default_rng(seed)",
                                                                           "rng = np.random.default_rng()")
    (workspace / "two_layer_net.py").write_text(book)
    status, out = run(workspace, "two_layer_net")
    assert "trained 1 epochs" in out and "all gradients agree" in out, out
    assert status == 1 and "stays below 0.9 after 1 epochs" in out  # one epoch: not yet 0.90, measured honestly


def _one_epoch(exercise):
    from scratchnet.exercises.capstone import inputs_capstone

    return inputs_capstone(exercise, epochs=1)


# ---- never losing work --------------------------------------------------------------------------------------
def test_no_sequence_of_init_loses_an_edit(workspace):
    quiet = []
    (workspace / "sigmoid.py").write_text("# my work\n")
    (workspace / "relu.py").write_text("# done\n")
    for force in (None, [], [], None, []):
        assert init(workspace, force=force, out=quiet.append) == 0
    keeps = [path.read_text() for path in workspace.glob("sigmoid.py*")]
    assert keeps.count("# my work\n") == 1 and (workspace / "sigmoid.py").read_text() == SKELETONS["sigmoid"]
    assert (workspace / "sigmoid.py.bak").read_text() == "# my work\n"
    (workspace / "sigmoid.py").write_text("# second try\n")
    assert init(workspace, force=["sigmoid"], out=quiet.append) == 0
    assert (workspace / "sigmoid.py.bak.1").read_text() == "# second try\n"
    assert (workspace / "sigmoid.py.bak").read_text() == "# my work\n"
    assert init(workspace, force=["sigmoid"], out=quiet.append) == 0  # a skeleton again: nothing to back up
    assert not (workspace / "sigmoid.py.bak.2").exists()


def test_init_keeps_a_finished_exercise_unless_it_is_named(workspace):
    solve(workspace, "relu", "softmax")
    assert run(workspace, "relu")[0] == 0 and run(workspace, "softmax")[0] == 0
    (workspace / "softmax.py").write_text(SOLUTIONS["softmax"] + "# a comment after it passed\n")
    (workspace / "affine.py").write_text("# started\n")
    messages = []
    assert init(workspace, force=[], out=messages.append) == 0
    assert (workspace / "relu.py").read_text() == SOLUTIONS["relu"]
    assert (workspace / "affine.py").read_text() == SKELETONS["affine"] and "affine.py.bak" in messages[0]
    assert (workspace / "softmax.py").read_text().endswith("# a comment after it passed\n")  # edited, still done
    assert init(workspace, force=["relu"], out=messages.append) == 0
    assert (workspace / "relu.py").read_text() == SKELETONS["relu"]
    assert (workspace / "relu.py.bak").read_text() == SOLUTIONS["relu"]
    status = progress_record.status_text(progress_record.load(workspace), workspace, runner.modules_of)
    assert re.search(r"\[ \] relu\s+3.2.7$", status, re.M), status  # reset: to do, not "edited since it passed"


def test_init_fills_in_missing_files_and_keeps_the_rest(workspace):
    (workspace / "pooling.py").unlink()
    (workspace / "sigmoid.py").write_text("# mine\n")
    messages = []
    assert init(workspace, out=messages.append) == 0
    assert (workspace / "pooling.py").read_text() == SKELETONS["pooling"]
    assert (workspace / "sigmoid.py").read_text() == "# mine\n" and "kept 1 of yours" in messages[0]


# ---- the command line: one line for a mistake, progress by chapter --------------------------------------------
def test_command_mistakes_get_one_line(workspace, tmp_path, capsys):
    for words, expected in [(("hint", "nope"), "name: expected one of sigmoid, relu"),
                            (("check", workspace, "nope"), "got 'nope'"),
                            (("check", tmp_path / "absent"), "is not a folder of exercises"),
                            (("check", workspace, "relu", "--time-limit", "0"), "--time-limit: expected a positive")]:
        status, out = command(*words, capsys=capsys)
        assert status == 2 and expected in out and len(out.strip().splitlines()) == 1, out
    (tmp_path / "a_file").write_text("x")
    status, out = command("init", tmp_path / "a_file", capsys=capsys)
    assert status == 2 and "is a file; init needs a folder" in out


def test_check_name_alone_uses_the_exercises_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status, out = command("check", "relu", capsys=capsys)  # no ./exercises, no relu.py here
    assert status == 2 and "is not a folder of exercises" in out and not (tmp_path / "exercises").exists()
    assert init(tmp_path / "exercises", out=lambda *_: None) == 0
    solve(tmp_path / "exercises", "relu")
    status, out = command("check", "relu", capsys=capsys)
    assert status == 0 and "relu (section 3.2.7): ok" in out
    status, out = command("check", tmp_path / "exercises" / "relu.py", capsys=capsys)
    assert status == 0 and "relu (section 3.2.7): ok" in out
    monkeypatch.chdir(tmp_path / "exercises")  # inside the folder, as a learner often is
    status, out = command("check", "relu.py", capsys=capsys)
    assert status == 0 and "relu (section 3.2.7): ok" in out and not (tmp_path / "exercises" / "exercises").exists()


def test_status_shows_the_chapters_and_what_comes_next(workspace, capsys):
    solve(workspace, "sigmoid", "relu", "affine")
    (workspace / "softmax.py").write_text(SOLUTIONS["softmax"].replace("shifted = x - np.max(x, axis=-1, "
                                                                       "keepdims=True)", "shifted = x"))
    for name in ("sigmoid", "relu", "softmax", "affine"):
        run(workspace, name)
    status, out = run(workspace, "affine")
    assert "3 of 27 done. Next: softmax (section 3.5.2)" in out  # not "1 of 27" after one check
    (workspace / "relu.py").write_text(SOLUTIONS["relu"] + "\n")
    status, out = command("status", workspace, capsys=capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Chapter 3" and "Chapter 7" in lines and "Past the book: the landscapes guide" in lines
    assert re.match(r"\s+\[x\] sigmoid\s+3.2.4$", lines[1]) and "changed since it passed" in lines[2]
    assert "[!] softmax" in lines[3] and "failed its last check" in lines[3]
    assert lines[-1].startswith("2 of 27 done. Next: relu (section 3.2.7)")


def test_watch_checks_again_after_a_save(workspace):
    lines, saves = [], iter([lambda: solve(workspace, "relu")])

    def out(text="", **_):
        lines.append(text)
        if "watching" in text:
            next(saves, lambda: None)()

    watch(workspace, "relu", out=out, interval=0.01, rounds=2)
    joined = "\n".join(lines)
    assert joined.count("relu (section 3.2.7)") == 2
    assert "relu (section 3.2.7): not done yet" in joined and "relu (section 3.2.7): ok" in joined


def test_plot_saves_the_wrong_gradient(workspace):
    (workspace / "affine.py").write_text(SOLUTIONS["affine"].replace("self.dW = self.x.T @ dout",
                                                                     "self.dW = 3 * self.x.T @ dout"))
    status, out = run(workspace, "affine", plot=True)
    figure = workspace / "affine_gradient.png"
    assert status == 1 and f"figure: {figure}" in out and figure.stat().st_size > 10_000
    (workspace / "affine.py").write_text(SOLUTIONS["affine"].replace("self.dW = self.x.T @ dout",
                                                                     "self.dW = dout.T @ self.x"))
    status, out = run(workspace, "affine", plot=True)
    assert status == 1 and "no figure: your dW has another shape than the numerical gradient" in out, out


def test_hints_come_in_two_steps_and_solutions_are_textbook_sized(capsys, workspace):
    status, out = command("hint", "affine", capsys=capsys)
    assert status == 0 and "Shapes decide it" in out and "dW = x.T @ dout" not in out and "--more" in out
    status, out = command("hint", "affine", "--more", capsys=capsys)
    assert status == 0 and "dW = x.T @ dout" in out
    status, out = command("hint", "sigmoid", "--more", capsys=capsys)
    assert "np.exp(-np.abs(x))" in out
    status, out = command("solution", "affine", capsys=capsys)
    assert status == 0 and "class Affine:" in out and len(out.splitlines()) < 30
    assert "affine (section 5.6.2)" in readme() or "| 11 | `affine.py` | 5.6.2 | `Affine` |" in readme()
    assert "| 13 | `two_layer_net.py` | 5.7 | `TwoLayerNet` |" in readme() and "separate process" in readme()


def test_skeletons_leave_the_backward_formulas_to_the_learner():
    for name, formula in [("affine", "x^T dout"), ("sigmoid_layer", "y * (1 - y)"), ("tanh_layer", "1 - y^2"),
                          ("softmax_with_loss", "softmax(x) - t")]:
        assert formula not in SKELETONS[name], name
    assert "for every key, t += 1" not in SKELETONS["adam"] and "not one per key" in SKELETONS["adam"]


def test_the_gradient_figure_shows_both_arrays_and_their_difference():
    import matplotlib.pyplot as plt

    from scratchnet.plot.exercises import plot_gradient_comparison

    yours, numerical = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    fig = plot_gradient_comparison("dW", yours, numerical)
    images = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    np.testing.assert_array_equal(images[0], yours)
    np.testing.assert_array_equal(images[1], numerical)
    np.testing.assert_array_equal(images[2], yours - numerical)
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["dW: yours", "dW: numerical", "dW: yours - numerical"]
    bars = plot_gradient_comparison("db", np.array([1.0, -2.0]), np.array([1.0, 2.0]))
    assert [patch.get_height() for patch in bars.axes[2].patches] == [0.0, -4.0]
    with pytest.raises(ValueError, match=r"yours: expected the numerical gradient's shape \(3,\)"):
        plot_gradient_comparison("db", np.zeros(2), np.zeros(3))
    plt.close("all")


def test_the_exchange_keeps_arrays_and_names_what_is_not_one(tmp_path):
    from scratchnet.exercises import exchange

    value = {"a": np.arange(3, dtype=np.float32), "list": [1, "x", None, np.float64(2.5)], "objects":
             np.array([{}], dtype=object), "thing": object(), "nested": {"b": np.eye(2)}}
    exchange.save(tmp_path, "v", value)
    back = exchange.load(tmp_path, "v")
    assert back["a"].dtype == np.float32 and back["a"].tolist() == [0.0, 1.0, 2.0]
    assert back["list"] == [1, "x", None, 2.5] and back["nested"]["b"].tolist() == [[1, 0], [0, 1]]
    assert repr(back["objects"]) == "an array of object entries" and repr(back["thing"]) == "a object"


def test_a_daemon_thread_is_allowed_and_a_thread_left_running_ends_the_check_at_once(workspace):
    from scratchnet.exercises.sandbox import Limits, run_isolated

    start = "import threading\nimport time\n\nimport numpy as np\n\nthreading.Thread(target=lambda: time.sleep(60){})" \
            ".start()\n\n\n" + SOLUTIONS["relu"].split("\n\n\n", 1)[1]
    (workspace / "relu.py").write_text(start.format(", daemon=True"))
    assert run(workspace, "relu")[0] == 0
    (workspace / "relu.py").write_text(start.format(""))
    found = run_isolated(workspace, ["relu"], "relu", "function", {"cases": [[np.arange(3.0)]]}, Limits(20, 20))
    assert not found.timed_out and found.result["threads"]  # reported, and the child did not wait for it


def test_the_memory_limit_holds(workspace, monkeypatch):
    from scratchnet.exercises.sandbox import GIGABYTE, Limits

    source = "import numpy as np\n\nspare = np.empty(2**28)  # 2 GB, never touched\n\n\n" + \
             SOLUTIONS["relu"].split("\n\n\n", 1)[1]
    (workspace / "relu.py").write_text(source)
    assert run(workspace, "relu")[0] == 0  # under the 4 GB limit
    monkeypatch.setattr(runner, "limits_for", lambda *_: Limits(30, 30, GIGABYTE))
    status, out = run(workspace, "relu")
    assert status == 1 and "used more than 1 GB of memory at line 3 of relu.py" in out, out


def test_killing_the_group_kills_what_the_child_started():
    import os
    import subprocess
    import sys

    from scratchnet.exercises.sandbox import _kill_group

    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time\n"
                              "grandchild = subprocess.Popen(['sleep', '60'])\nprint(grandchild.pid, flush=True)\n"
                              "time.sleep(60)"], stdout=subprocess.PIPE, text=True, start_new_session=True)
    grandchild = int(child.stdout.readline())
    _kill_group(child)
    for _ in range(200):  # reaped by init, or left a zombie: either way no longer running
        try:
            state = open(f"/proc/{grandchild}/status").read().split("State:")[1].split()[0]
        except (FileNotFoundError, IndexError):
            break
        if state == "Z":
            break
        __import__("time").sleep(0.01)
    else:
        os.kill(grandchild, 9)
        raise AssertionError("the grandchild outlived the check")


def test_the_capstone_is_judged_on_test_accuracy(monkeypatch, workspace):
    import scratchnet.datasets
    from scratchnet.exercises.capstone import KEYS, _judge_training
    from scratchnet.gradient import GradientCheckReport

    x = np.ones((20, 784))
    monkeypatch.setattr(scratchnet.datasets, "load_mnist", lambda: ((x, np.full(20, 3)), (x, np.full(20, 5))))
    params = {"W1": np.zeros((784, 50)), "b1": np.zeros(50), "W2": np.zeros((50, 10)), "b2": np.eye(10)[3]}
    seen = runner.Seen({"epochs": [params], "losses": [1.0]})
    result = _judge_training(seen, {"training": {"lr": 0.1, "batch_size": 100}}, GradientCheckReport(), [], None)
    assert not result.passed and "test accuracy 0.0000" in "\n".join(result.lines)  # train accuracy is 1.0
    assert set(KEYS) == set(params)


def test_a_record_from_another_checker_is_checked_again(workspace, monkeypatch):
    solve(workspace, "sigmoid")
    assert run(workspace, "sigmoid")[0] == 0
    assert "unchanged since it passed" in run(workspace)[1]
    monkeypatch.setattr(progress_record, "CHECKER", "another")
    out = run(workspace)[1]
    assert "unchanged since it passed" not in out and "sigmoid (section 3.2.4): ok" in out


def test_a_folder_named_like_an_exercise_is_a_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert init(tmp_path / "relu", out=lambda *_: None) == 0
    assert init(tmp_path / "exercises", out=lambda *_: None) == 0
    status, out = command("check", "relu", capsys=capsys)
    assert status == 1 and out.startswith("sigmoid (section 3.2.4): not done yet")  # the folder relu, in order
