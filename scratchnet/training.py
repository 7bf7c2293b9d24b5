"""Training loop: :class:`Trainer` runs mini-batch training and keeps the history.

Per iteration: take the next mini-batch (shuffled without replacement each epoch),
``grads = network.gradient(x, t)``, ``optimizer.update(network.params, grads)``,
record the loss, call the callbacks. Per epoch: measure train and test accuracy.
"""

import numbers
from dataclasses import dataclass, field

import numpy as np

from scratchnet.blas import blas_threads, training_threads
from scratchnet.landscape import params_to_vector
from scratchnet.layers import NonFiniteLossError
from scratchnet.progress import ProgressBar


class TrainingDivergedError(ValueError):
    """The loss became NaN or infinite; the message says when and with which learning rate."""


@dataclass
class History:
    """What a training run measured.

    ``train_loss``: one mini-batch loss per iteration (before that iteration's update).
    ``train_acc``, ``test_acc``: one accuracy per epoch, the first measured before training.
    """

    iterations_per_epoch: int
    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)


class TrajectoryRecorder:
    """Callback recording the flat parameter vector every ``every`` iterations.

    ``iterations[i]`` is the iteration after which ``trajectory[i]`` was taken (0 = before
    training); the last iteration is always recorded. ``trajectory`` is an array
    ``(points, P)``, kept in one buffer as it grows (never a list of vectors and a stacked
    copy of them: a 784-128-10 net recorded every iteration of 20 epochs is 1 GB once).
    """

    def __init__(self, every=1):
        if int(every) != every or every < 1:
            raise ValueError(f"every: expected a whole number >= 1, got {every}")
        self.every = int(every)
        self.iterations = []
        self._rows = None  # the recorded vectors, in a buffer that doubles as it fills: no second copy of them

    def _record(self, trainer, iteration):
        if not self.iterations or self.iterations[-1] != iteration:
            vector = params_to_vector(trainer.network.params)
            count = len(self.iterations)
            if self._rows is None or count == len(self._rows):
                grown = np.empty((max(16, 2 * count), vector.size), dtype=vector.dtype)
                if self._rows is not None:
                    grown[:count] = self._rows
                self._rows = grown
            self._rows[count] = vector
            self.iterations.append(iteration)

    def on_train_begin(self, trainer):
        self._record(trainer, 0)

    def on_iteration_end(self, trainer, iteration):
        if iteration % self.every == 0:
            self._record(trainer, iteration)

    def on_train_end(self, trainer):
        self._record(trainer, trainer.iteration)

    @property
    def trajectory(self):
        """The recorded parameter vectors, ``(points, P)`` (a view of the recorder's own buffer)."""
        if self._rows is None:
            return np.empty((0, 0))
        return self._rows[:len(self.iterations)]


class RunsProgress:
    """One progress bar over ``runs`` training runs of ``epochs`` each (or a list, one count per run), moving at
    every epoch: a ``Trainer`` callback.

    ``run(name)`` names the next run and returns the callback to give its ``Trainer``; a run
    that stops early (diverged) leaves its epochs behind, and the next run starts in its place::

        progress = RunsProgress(6, 20, "six optimizers")
        for name in names:
            Trainer(..., epochs=20, verbose=False, callbacks=[progress.run(name)]).fit()
        progress.finish("six optimizers: trained")
    """

    def __init__(self, runs, epochs, label):
        self.runs = int(runs)
        # epochs: one count for every run, or a count per run (runs of different lengths)
        self.counts = [int(epochs)] * self.runs if np.ndim(epochs) == 0 else [int(count) for count in epochs]
        if len(self.counts) != self.runs:
            raise ValueError(f"epochs: expected one count, or one per run ({self.runs}), got {len(self.counts)}")
        self.offsets = np.concatenate([[0], np.cumsum(self.counts)]).astype(int).tolist()
        self.bar, self.started, self.name = ProgressBar(self.offsets[-1], label), 0, ""

    def run(self, name):
        self.started = self.started + 1
        self.name = name + (f" (run {self.started} of {self.runs})" if self.runs > 1 else "")
        self.bar.update(self.offsets[self.started - 1], self.name)
        return self

    def on_epoch_end(self, trainer, epoch):
        self.bar.update(self.offsets[self.started - 1] + epoch,
                        f"{self.name}: epoch {epoch}/{self.counts[self.started - 1]}")

    def finish(self, message=""):
        self.bar.finish(message)


def _data(x, dtype, name):
    """``x`` in ``dtype``, not empty. Whether it is finite is checked where it is used (:func:`check_finite`)."""
    x = np.asarray(x).astype(dtype, copy=False)
    if len(x) == 0:
        raise ValueError(f"{name}: expected at least one sample, got an empty array of shape {x.shape}")
    return x


def check_finite(x, name, indices=None):
    """Refuse samples that hold NaN or infinity (NaN in the data is not a learning-rate problem), naming the first.

    ``indices``: each row's index in the whole data (a shuffled batch's), else the row's own.
    """
    finite = np.isfinite(x.reshape(len(x), -1)).all(axis=1)
    if not finite.all():
        first = int(np.argmin(finite))
        raise ValueError(f"{name}: sample {first if indices is None else int(indices[first])} (and "
                         f"{int((~finite).sum()) - 1} more) holds NaN or infinity; fix the data before training (no "
                         "learning rate trains on it)")


class Trainer:
    """Mini-batch training of ``network`` with ``optimizer``.

    ``fit()`` runs ``epochs`` passes over the training data in batches of ``batch_size``
    (shuffled without replacement each epoch with a generator seeded by ``seed``; the
    last batch of an epoch may be smaller) and returns the :class:`History`.
    ``evaluate_sample_num_per_epoch`` measures accuracy on only the first that many
    samples (faster). ``callbacks`` may define ``on_train_begin(trainer)``,
    ``on_iteration_end(trainer, iteration)``, ``on_epoch_end(trainer, epoch)`` and
    ``on_train_end(trainer)``. Data is converted once to ``dtype``, by default the
    dtype of the network's parameters (build the network with ``dtype=np.float32`` for
    float32 speed). A NaN or infinite loss stops training with
    :class:`TrainingDivergedError`; ``trainer.history`` keeps what was measured until then.
    ``gradient="numerical"`` trains with the network's numerical gradient instead of
    backpropagation (the book's chapter 4, section 4.5). ``blas_threads`` is how many threads
    numpy's BLAS may use while training: ``"auto"`` chooses one thread for a small network
    (:func:`scratchnet.blas.training_threads`: faster on a busy machine, and the same numbers on
    any number of cores) and leaves BLAS as it is for a large one; a number fixes it; ``None``
    leaves it as it is. ``trainer.threads`` is the choice.
    """

    def __init__(self, network, optimizer, x_train, t_train, x_test, t_test, epochs=20, batch_size=100,
                 seed=None, evaluate_sample_num_per_epoch=None, callbacks=(), verbose=True, dtype=None,
                 gradient="backprop", blas_threads="auto"):
        if gradient not in ("backprop", "numerical"):
            raise ValueError(f"gradient: expected 'backprop' or 'numerical', got {gradient!r}")
        self.gradient = gradient
        param_dtype = next(iter(network.params.values())).dtype
        dtype = np.dtype(dtype or param_dtype)
        if dtype != param_dtype:
            raise ValueError(f"dtype: the network's parameters are {param_dtype}, got dtype={dtype}; "
                             f"build the network with dtype={dtype.name} to train in {dtype.name}")
        if len(x_train) != len(t_train) or len(x_test) != len(t_test):
            raise ValueError(f"t_train, t_test: expected one label per sample, got {len(x_train)} and "
                             f"{len(t_train)} (train), {len(x_test)} and {len(t_test)} (test)")
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size: expected a whole number >= 1, got {batch_size}")
        if int(epochs) != epochs or epochs < 0:
            raise ValueError(f"epochs: expected a whole number >= 0, got {epochs}")
        if evaluate_sample_num_per_epoch is not None and (int(evaluate_sample_num_per_epoch)
                                                          != evaluate_sample_num_per_epoch
                                                          or evaluate_sample_num_per_epoch < 1):
            raise ValueError(f"evaluate_sample_num_per_epoch: expected None or a whole number >= 1, got "
                             f"{evaluate_sample_num_per_epoch}")
        self.network, self.optimizer = network, optimizer
        self.x_train, self.t_train = _data(x_train, dtype, "x_train"), np.asarray(t_train)
        self.x_test, self.t_test = _data(x_test, dtype, "x_test"), np.asarray(t_test)
        self.epochs, self.batch_size = int(epochs), int(batch_size)
        self.rng = np.random.default_rng(seed)
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        self.callbacks = list(callbacks)
        self.verbose = verbose
        self.iterations_per_epoch = -(-len(self.x_train) // self.batch_size)
        self.history = History(self.iterations_per_epoch)
        self.iteration = 0
        self.evaluation_checked = False
        whole = isinstance(blas_threads, numbers.Integral) and not isinstance(blas_threads, bool)
        if isinstance(blas_threads, str) and blas_threads == "auto":
            blas_threads = training_threads(network, self.x_train[0], self.batch_size)
        elif blas_threads is not None and not (whole and blas_threads >= 1):
            raise ValueError(f"blas_threads: expected 'auto', None or a whole number >= 1, got {blas_threads!r}")
        self.threads = None if blas_threads is None else int(blas_threads)

    def _call(self, event, *args):
        for callback in self.callbacks:
            method = getattr(callback, event, None)
            if method is not None:
                method(self, *args)

    def evaluate(self):
        """Append train and test accuracy (on the first ``evaluate_sample_num_per_epoch`` samples).

        The samples measured are checked finite the first time; those trained on are checked
        in :meth:`train_step` when a loss is not finite (one pass over the data up front would
        cost as much as a tenth of an epoch of a small network).
        """
        n = self.evaluate_sample_num_per_epoch
        if not self.evaluation_checked:
            check_finite(self.x_train[:n], "x_train")
            check_finite(self.x_test[:n], "x_test")
            self.evaluation_checked = True
        self.history.train_acc.append(self.network.accuracy(self.x_train[:n], self.t_train[:n]))
        self.history.test_acc.append(self.network.accuracy(self.x_test[:n], self.t_test[:n]))

    def train_step(self, x_batch, t_batch, indices=None):
        """One update; returns the mini-batch loss measured before it.

        A loss that is not finite stops training: a ``ValueError`` naming the sample when the
        batch holds NaN or infinity (``indices``: the batch's rows in ``x_train``), else
        :class:`TrainingDivergedError`.
        """
        try:
            # Overflow on the way to divergence is reported below, once and clearly.
            with np.errstate(over="ignore", invalid="ignore"):
                if self.gradient == "numerical":
                    self.network.loss(x_batch, t_batch, train=True)  # the loss before the update, checked finite
                    grads = self.network.numerical_gradient(x_batch, t_batch)
                else:
                    grads = self.network.gradient(x_batch, t_batch)
        except NonFiniteLossError:
            self._diverged(x_batch, indices)
        loss = self.network.last_loss
        if not np.isfinite(loss):  # a network of the reader's own may not raise NonFiniteLossError
            self._diverged(x_batch, indices)  # before the update: its parameters stay as they were
        self.optimizer.update(self.network.params, grads)
        return loss

    def _diverged(self, x_batch, indices):
        """Raise what a loss that is not finite means: NaN in the batch, or training diverged."""
        check_finite(x_batch, "x_train", indices)
        finite = [loss for loss in self.history.train_loss if np.isfinite(loss)]
        last = f"{finite[-1]:.6g} at iteration {self.iteration}" if finite else "none (the first loss)"
        raise TrainingDivergedError(
            f"training diverged at iteration {self.iteration + 1} (epoch "
            f"{self.iteration // self.iterations_per_epoch + 1}): the loss is not finite; last finite loss "
            f"{last}; learning rate {self.optimizer.lr:g}. Try a smaller learning rate."
        ) from None

    def fit(self):
        with blas_threads(self.threads):
            return self._fit()

    def _fit(self):
        self._call("on_train_begin")
        self.evaluate()
        n = len(self.x_train)
        for epoch in range(1, self.epochs + 1):
            progress = ProgressBar(self.iterations_per_epoch, f"epoch {epoch}/{self.epochs}", self.verbose)
            order = self.rng.permutation(n)
            for start in range(0, n, self.batch_size):
                batch = order[start:start + self.batch_size]
                loss = self.train_step(self.x_train[batch], self.t_train[batch], batch)
                self.iteration += 1
                self.history.train_loss.append(float(loss))
                if progress.enabled:
                    progress.update(start // self.batch_size + 1, f"loss {loss:.4f}")
                self._call("on_iteration_end", self.iteration)
            self.evaluate()
            progress.finish(f"epoch {epoch}/{self.epochs}: train acc {self.history.train_acc[-1]:.4f}, "
                            f"test acc {self.history.test_acc[-1]:.4f}")
            self._call("on_epoch_end", epoch)
        self._call("on_train_end")
        return self.history
