"""Checking the learner's files: each in a child process, judged here, in book order.

:func:`check` runs one exercise: the learner's file is loaded and probed in an isolated child
(:mod:`~scratchnet.exercises.sandbox`), and what it did is judged against the library's
reference in this process. Every way the child can end early has its own one-line verdict.
:func:`check_in_order` checks every exercise up to the first that does not pass.
"""

import signal
from pathlib import Path

from scratchnet.exercises import progress_record
from scratchnet.exercises.capstone import inputs_capstone, judge_capstone
from scratchnet.exercises.catalog import EXERCISES, get_exercise
from scratchnet.exercises.checks import (
    Missing,
    Result,
    Seen,
    inputs_function,
    inputs_graph,
    inputs_numerical,
    judge_function,
    judge_graph,
    judge_numerical,
    reference_record,
)
from scratchnet.exercises.curvature_checks import inputs_curvature, judge_curvature
from scratchnet.exercises.layer_checks import inputs_layer, judge_layer
from scratchnet.exercises.optimizer_checks import inputs_optimizer, judge_optimizer
from scratchnet.exercises.sandbox import GIGABYTE, Limits, run_isolated

TIME_LIMIT = 30  # CPU seconds a check may take, loading the file included; the capstone gets CAPSTONE_FACTOR x
CAPSTONE_FACTOR = 4  # the capstone trains a network: 12 epochs at most take ~15 s of CPU here
WALL_FACTOR = 3  # the capstone's deadline in wall-clock time, as a multiple of its CPU limit (a busy machine)
CAPSTONE_FILES = ("affine", "relu_layer", "softmax_with_loss")  # the learner's files the capstone builds on

KINDS = {"function": (inputs_function, judge_function), "numerical": (inputs_numerical, judge_numerical),
         "graph": (inputs_graph, judge_graph), "layer": (inputs_layer, judge_layer),
         "loss_layer": (inputs_layer, judge_layer), "optimizer": (inputs_optimizer, judge_optimizer),
         "capstone": (inputs_capstone, judge_capstone), "curvature": (inputs_curvature, judge_curvature)}


def limits_for(exercise, time_limit=TIME_LIMIT):
    if exercise.kind == "capstone":
        cpu = CAPSTONE_FACTOR * time_limit
        return Limits(cpu_seconds=cpu, wall_seconds=WALL_FACTOR * cpu)
    return Limits(cpu_seconds=time_limit, wall_seconds=time_limit)


def modules_of(exercise):
    return (*CAPSTONE_FILES, exercise.name) if exercise.kind == "capstone" else (exercise.name,)


def check(folder, name, time_limit=TIME_LIMIT):
    """Check one exercise in ``folder``; returns a :class:`~scratchnet.exercises.checks.Result`."""
    exercise, folder = get_exercise(name), Path(folder)
    for module in modules_of(exercise):
        if not (folder / f"{module}.py").is_file():
            return Result(False, [f"{folder / (module + '.py')} does not exist: run `scratchnet exercises init "
                                  f"{folder}`"])
    make_inputs, judge = KINDS[exercise.kind]
    inputs = make_inputs(exercise)
    limits = limits_for(exercise, time_limit)
    run = run_isolated(folder, modules_of(exercise), exercise.symbol, exercise.kind, inputs, limits)
    early = _ending(run, exercise)
    if early:
        return _with_printed(early, run)
    seen, ending = Seen(run.result["observations"]), run.result["ending"]
    options = {"folder": folder} if exercise.kind == "capstone" else {}
    # The capstone is judged from the learner's parameters with the library's maths: no reference run (it would
    # train a second network for nothing).
    expected = None if exercise.kind == "capstone" else reference_record(exercise, inputs)
    try:
        result = judge(exercise, seen, inputs, expected, **options)
    except Missing:
        result = None
    if ending and (result is None or result.passed):
        result = _error(ending, exercise, limits)
    return _with_printed(result, run)


def _where(found):
    return f" at line {found['line']} of {found['file']}" if found and found.get("file") else ""


def _ending(run, exercise):
    """The verdict for a child that ended early, refused, or left a thread; ``None`` for a normal end."""
    limits = run.limits
    if run.result is None:
        where = _where(run.stopped_at)
        if run.timed_out:
            return Result(False, [f"ran over {limits.wall_seconds:g} s (stopped{where}): an endless loop? "
                                  f"`--time-limit SECONDS` gives a slow machine more"])
        if run.cpu_exceeded:
            return Result(False, [f"used more than {limits.cpu_seconds:g} s of CPU time (stopped{where}): an endless "
                                  f"loop? `--time-limit SECONDS` gives a slow machine more"])
        if run.exit_call is not None:
            return Result(False, [f"exited the process with os._exit({run.exit_call.get('status')})"
                                  f"{_where(run.exit_call)}: a check needs your code to return, not to exit"])
        if run.returncode == -signal.SIGKILL:
            return Result(False, [f"was killed (signal 9), most likely for using more than "
                                  f"{limits.memory_bytes / GIGABYTE:g} GB of memory"])
        if run.returncode < 0:
            name = signal.Signals(-run.returncode).name if -run.returncode in signal.valid_signals() else "?"
            return Result(False, [f"crashed (signal {-run.returncode}, {name})"])
        return Result(False, [f"exited the process (status {run.returncode}) before the check finished"])
    refused = run.result.get("refused") or []
    if refused:
        return Result(False, [f"tried to start a process or send a signal ({refused[0]['what']}{_where(refused[0])}): "
                              f"an exercise runs alone, in one process"])
    ending = run.result.get("ending")
    if ending and ending["kind"] != "error":
        return _error(ending, exercise, limits)
    threads = run.result.get("threads") or []
    if threads:
        return Result(False, [f"left a thread running ({threads[0]['name']}{_where(threads[0])}): the check ends when "
                              f"your code returns; join the thread before returning, or leave it out"])
    return None


def _error(ending, exercise, limits):
    kind, where = ending["kind"], _where(ending)
    if kind == "not done":
        if ending.get("file") in (None, f"{exercise.name}.py"):
            return Result(False, ["not done yet"], status="not done yet")
        return Result(False, [f"your {ending['file']} is not done yet{where}: the capstone builds on it"])
    if kind == "exit":
        return Result(False, [f"called sys.exit({ending['code']}){where}: a check needs your code to return, not to "
                              f"exit"])
    if kind == "memory":
        return Result(False, [f"used more than {limits.memory_bytes / GIGABYTE:g} GB of memory{where}"])
    if kind == "refused":
        return Result(False, [f"tried to start a process or send a signal{where}: an exercise runs alone"])
    if kind == "syntax":
        return Result(False, [f"{ending['file']}, line {ending['line']}: {ending['message']}", f"    {ending['text']}"])
    if kind == "encoding":
        return Result(False, [f"{ending['file']}, line {ending['line']}: not UTF-8 text (byte {ending['byte']}): save "
                              f"the file as UTF-8"])
    if kind == "missing":
        return Result(False, [ending["message"]])
    line = f"{ending['type']}: {ending['message']}"
    if ending.get("file"):
        line += f" ({ending['file']}, line {ending['line']}: {ending.get('text', '')})"
    lines = [line]
    if ending["type"] == "TypeError" and "forward()" in ending["message"]:
        lines.append("hint: a layer's forward is forward(self, x, train=False): every layer takes train, which "
                     "Dropout and BatchNormalization use (the book calls it train_flg)")
    return Result(False, lines)


def _with_printed(result, run, most=10):
    """Add what the learner's code printed, when it did not pass (the learner's own debugging prints)."""
    printed = run.printed.strip().splitlines()
    if printed and not result.passed and result.status != "not done yet":
        shown = printed[:most] + ([f"... ({len(printed) - most} more lines)"] if len(printed) > most else [])
        result.lines += ["your code printed:", *["| " + line for line in shown]]
    return result


def check_in_order(folder, name=None, out=print, plot=False, time_limit=TIME_LIMIT):
    """Check ``name``, or every exercise in book order up to the first not passing. Returns the exit status."""
    folder = Path(folder)
    chosen = [get_exercise(name)] if name else EXERCISES
    record = progress_record.load(folder, out)
    status = 0
    for exercise in chosen:
        unchanged = not name and progress_record.passed(record, folder, exercise, modules_of(exercise))
        result = Result(True, ["unchanged since it passed"]) if unchanged else check(folder, exercise.name, time_limit)
        out(f"{exercise.name} ({exercise.where}): {result.status}")
        for line in result.lines if result.status != "not done yet" else []:
            out("  " + line.replace("\n", "\n  "))
        if not unchanged:
            progress_record.update(record, folder, exercise, modules_of(exercise), result.status)
        if not result.passed:
            if plot and result.wrong and result.wrong[1] is not None:
                out(f"  figure: {save_plot(folder, exercise.name, result.wrong)}")
            elif plot and result.wrong:
                out(f"  no figure: your {result.wrong[0]} has another shape than the numerical gradient")
            elif plot:
                out("  no figure: this check found no gradient to draw")
            status = 1
            break
    progress_record.save(record, folder)
    out(progress_record.summary(record, folder, modules_of))
    return status


def save_plot(folder, name, wrong):
    """Write the figure of a wrong gradient as ``folder/NAME_gradient.png``; returns its path."""
    from scratchnet.plot.exercises import plot_gradient_comparison
    from scratchnet.plot.saving import save_figure

    figure = plot_gradient_comparison(*wrong, title=f"{name}: your gradient against the numerical one")
    return save_figure(figure, Path(folder) / f"{name}_gradient.png")
