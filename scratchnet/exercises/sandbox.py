"""Running a learner's file in a child process that cannot hang, fool or touch the checker.

The child (:mod:`scratchnet.exercises.child`) is a fresh interpreter in a session of its own, in
an empty temporary folder, with one BLAS thread. It limits its own CPU time and memory; the
parent holds a wall-clock deadline that covers loading the file and the check, and then stops
the child's whole process group. What the child printed goes to a file, never into the
checker's output, and is shown when it helps. :func:`run_isolated` returns a :class:`Run`:
what the probe saw, or how the child ended without saying.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import scratchnet
from scratchnet.exercises import exchange

GIGABYTE = 1 << 30
STARTUP_SECONDS = 60  # the most an interpreter may take to start and import numpy before the limit starts anyway


@dataclass(frozen=True)
class Limits:
    cpu_seconds: float = 30.0  # CPU time of the child, load included (the machine's load does not count)
    wall_seconds: float = 30.0  # the parent's deadline, load included
    memory_bytes: int = 4 * GIGABYTE  # address space of the child


@dataclass
class Run:
    result: dict = None  # what the child wrote: observations, ending, refused actions, threads
    returncode: int = 0
    timed_out: bool = False
    cpu_exceeded: bool = False
    seconds: float = 0.0
    exit_call: dict = None  # where os._exit was called, if it was
    stopped_at: dict = None  # the learner's line the child was running when stopped
    printed: str = ""  # what the learner's code printed
    limits: Limits = field(default_factory=Limits)


def _environment():
    """The parent's environment without Python's own variables, with scratchnet importable and one BLAS thread."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(PYTHONPATH=str(Path(scratchnet.__file__).resolve().parent.parent), PYTHONIOENCODING="utf-8",
               PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1",  # what was printed before an os._exit is kept
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def _kill_group(process):
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows: no process groups, the child alone
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def run_isolated(folder, modules, symbol, kind, inputs, limits=Limits()):
    """Load ``modules`` (file stems in ``folder``, the last defining ``symbol``) in a child, run the probe of
    ``kind`` with ``inputs``, and return a :class:`Run`."""
    folder = Path(folder).resolve()
    with tempfile.TemporaryDirectory(prefix="scratchnet-check-") as workdir:
        request = {"folder": str(folder), "modules": list(modules), "symbol": symbol, "kind": kind,
                   "cpu_seconds": max(1, round(limits.cpu_seconds)), "memory_bytes": int(limits.memory_bytes)}
        Path(workdir, "request.json").write_text(json.dumps(request), encoding="utf-8")
        exchange.save(workdir, "inputs", inputs)
        run = Run(limits=limits)
        started = time.monotonic()
        with open(Path(workdir, "output.txt"), "wb") as output:
            process = subprocess.Popen([sys.executable, "-s", "-m", "scratchnet.exercises.child", workdir],
                                       cwd=workdir, env=_environment(), stdin=subprocess.DEVNULL, stdout=output,
                                       stderr=subprocess.STDOUT, start_new_session=True)
            try:
                run.timed_out = _wait(process, Path(workdir, "started"), started, limits.wall_seconds)
                if run.timed_out:
                    _ask_where(process, Path(workdir, "traceback.txt"))
            finally:  # also on Ctrl-C: nothing the learner started outlives the check
                _kill_group(process)
        run.seconds = time.monotonic() - started
        run.returncode = process.returncode
        run.cpu_exceeded = process.returncode == -getattr(signal, "SIGXCPU", -1000)
        run.printed = Path(workdir, "output.txt").read_text(encoding="utf-8", errors="replace")
        run.stopped_at = _learner_line(Path(workdir, "traceback.txt"), folder)
        if Path(workdir, "exit.json").exists():
            run.exit_call = _read_json(Path(workdir, "exit.json"))
        try:
            run.result = exchange.load(workdir, "result")
        except (OSError, ValueError, KeyError):
            run.result = None  # never written (an exit, a crash) or not whole
        if run.result is not None and not isinstance(run.result, dict):
            run.result = None
        return run


def _wait(process, marker, launched, seconds, poll=0.01):
    """Wait for the child; ``True`` if it ran over ``seconds`` counted from when it starts on the learner's files
    (``marker`` appears), so a slow interpreter start on a busy machine does not eat the learner's time."""
    deadline = None
    while process.poll() is None:
        now = time.monotonic()
        if deadline is None and (marker.exists() or now > launched + STARTUP_SECONDS):
            deadline = now + seconds
        if deadline is not None and now > deadline:
            return True
        time.sleep(poll)
    return False


def _ask_where(process, trace_path, patience=2.0):
    """SIGUSR1 makes the child dump its stacks (faulthandler); wait for a frame line (or its end), then kill."""
    try:
        os.killpg(process.pid, signal.SIGUSR1)
    except (ProcessLookupError, PermissionError, AttributeError):  # AttributeError: no SIGUSR1 (Windows)
        return
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if 'File "' in trace_path.read_text(encoding="utf-8", errors="replace"):
                time.sleep(0.05)  # the rest of the dump
                return
        except OSError:
            pass
        time.sleep(0.02)


def _learner_line(trace_path, folder):
    """The innermost line of a learner's file in a faulthandler dump, as ``{"file", "line"}``."""
    try:
        text = trace_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for match in re.finditer(r'File "([^"]+)", line (\d+)', text):  # most recent call first
        path = Path(match.group(1))
        if path.parent == folder:
            return {"file": path.name, "line": int(match.group(2))}
    return None


def _read_json(path):
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}
