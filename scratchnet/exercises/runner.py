"""Running the learner's files: load each safely, check in book order, stop at the first not passing.

A file that does not parse is reported with its line; a body that still raises
``NotImplementedError`` is "not done yet"; any other exception is named with the line of
the learner's file it came from; a check that runs over the time limit is stopped.
"""

import contextlib
import importlib.util
import signal
import sys
import threading
import traceback
import types
from pathlib import Path

import numpy as np

from scratchnet.exercises import checks, layer_checks
from scratchnet.exercises.catalog import EXERCISES, get_exercise

TIME_LIMIT = 30  # seconds a check may run
CAPSTONE_IMPORTS = ("affine", "relu_layer", "softmax_with_loss")  # the learner's files the capstone builds on

CHECKS = {"function": checks.check_function, "numerical": checks.check_numerical, "graph": checks.check_graph,
          "layer": layer_checks.check_layer, "loss_layer": layer_checks.check_layer,
          "optimizer": layer_checks.check_optimizer}


class CheckTimeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds):
    """Stop the block after ``seconds`` (on the main thread; elsewhere there is no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise CheckTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def load(folder, exercise):
    """The learner's module for ``exercise``, or a ``checks.Result`` saying why it cannot be used."""
    path = Path(folder) / f"{exercise.name}.py"
    if not path.is_file():
        return checks.Result(False, [f"{path} does not exist: run `scratchnet exercises init {folder}`"])
    source = path.read_text(encoding="utf-8")
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as error:
        text = (error.text or "").rstrip()
        return checks.Result(False, [f"{path.name}, line {error.lineno}: {error.msg}", f"    {text}"])
    module = types.ModuleType(exercise.name)
    module.__file__ = str(path)
    try:
        if exercise.kind == "capstone":
            _load_layers(path.parent)
        exec(code, module.__dict__)
    except NotImplementedError:
        return checks.Result(False, ["not done yet"])
    except Exception as error:
        return checks.Result(False, [_where(error, path)])
    if not hasattr(module, exercise.symbol):
        return checks.Result(False, [f"{path.name} does not define {exercise.symbol}"])
    return module


def _load_layers(folder):
    """Load the learner's layer files, as they are now, under the names the capstone imports them by."""
    for name in CAPSTONE_IMPORTS:
        spec = importlib.util.spec_from_file_location(name, Path(folder) / f"{name}.py")
        layer_module = importlib.util.module_from_spec(spec)
        sys.modules[name] = layer_module  # so that `from affine import Affine` finds this file, not another
        spec.loader.exec_module(layer_module)


def _where(error, path):
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(path)]
    line = f", line {frames[-1].lineno}: {frames[-1].line}" if frames else ""
    return f"{type(error).__name__}: {error} ({path.name}{line})"


def check(folder, name):
    """Check one exercise; returns a ``checks.Result``."""
    exercise = get_exercise(name)
    module = load(folder, exercise)
    if isinstance(module, checks.Result):
        return module
    learner = getattr(module, exercise.symbol)
    path = Path(folder) / f"{exercise.name}.py"
    try:
        with time_limit(TIME_LIMIT), np.errstate(all="ignore"):
            if exercise.kind == "capstone":
                from scratchnet.exercises.capstone import check_capstone

                return check_capstone(exercise, learner, Path(folder))
            return CHECKS[exercise.kind](exercise, learner)
    except NotImplementedError:
        return checks.Result(False, ["not done yet"])
    except CheckTimeout:
        return checks.Result(False, [f"stopped: the check ran over {TIME_LIMIT} s (an endless loop?)"])
    except Exception as error:
        return checks.Result(False, [_where(error, path)])


def check_in_order(folder, name=None, out=print, plot=False):
    """Check ``name``, or every exercise in order up to the first not passing. Returns the exit status."""
    chosen = [get_exercise(name)] if name else EXERCISES
    done = 0
    for exercise in chosen:
        result = check(folder, exercise.name)
        status = "ok" if result.passed else ("not done yet" if result.lines == ["not done yet"] else "FAILED")
        out(f"{exercise.name} (section {exercise.section}): {status}")
        for line in result.lines if status != "not done yet" else []:
            out("  " + line.replace("\n", "\n  "))
        if not result.passed:
            if plot and result.wrong and result.wrong[1] is not None:
                out(f"  figure: {save_plot(folder, exercise.name, result.wrong)}")
            out(f"{done} of {len(EXERCISES)} done. Next: `scratchnet exercises hint {exercise.name}`, edit "
                f"{Path(folder) / (exercise.name + '.py')}, check again." if not name else "")
            return 1
        done += 1
    out(f"{done} of {len(EXERCISES)} done" + (": every exercise passes." if done == len(EXERCISES) else "."))
    return 0


def save_plot(folder, name, wrong):
    """Write the figure of a wrong gradient as ``folder/NAME_gradient.png``; returns its path."""
    from scratchnet.plot.exercises import plot_gradient_comparison
    from scratchnet.plot.saving import save_figure

    figure = plot_gradient_comparison(*wrong, title=f"{name}: your gradient against the numerical one")
    return save_figure(figure, Path(folder) / f"{name}_gradient.png")
