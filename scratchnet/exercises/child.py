"""The child process that runs a learner's file: ``python -m scratchnet.exercises.child WORKDIR``.

It reads ``request.json`` (which exercise, which files, the limits) and ``inputs`` from WORKDIR,
limits itself (CPU time, memory, file size, no core files), refuses to start processes or send
signals, loads the learner's file, runs the probe of the exercise's kind on the learner's object,
and writes what it saw to ``result``. It judges nothing: the checker, in the parent process,
compares what it saw with references the child never touches.

Everything that can end the run early is written down with the line of the learner's file it
came from: an exception, ``sys.exit``, ``os._exit``, running out of memory, a refused process,
a thread left running. The parent reads a missing result as an exit or a crash.
"""

import faulthandler
import json
import os
import signal
import sys
import threading
import traceback
import types
from pathlib import Path

REFUSED_EVENTS = ("os.fork", "os.forkpty", "os.system", "os.posix_spawn", "os.exec", "os.spawn",
                  "subprocess.Popen", "os.kill", "os.killpg", "pty.spawn")


class Refused(BaseException):
    """Raised into the learner's code for an action an exercise may not take (a BaseException, so that
    ``except Exception`` does not swallow it)."""


class Child:
    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.request = json.loads((self.workdir / "request.json").read_text(encoding="utf-8"))
        self.folder = Path(self.request["folder"]).resolve()
        self.refused = []  # (what, where) of every refused action, even where the learner caught it

    # ---- limits -------------------------------------------------------------------------------
    def limit(self):
        try:
            import resource
        except ImportError:  # pragma: no cover - Windows: the parent's deadline still holds
            resource = None
        cpu, memory = int(self.request["cpu_seconds"]), int(self.request["memory_bytes"])
        wanted = {"RLIMIT_CPU": (cpu, cpu + 5), "RLIMIT_AS": (memory, memory), "RLIMIT_FSIZE": (64 << 20, 64 << 20),
                  "RLIMIT_CORE": (0, 0)}
        for name, (soft, hard) in wanted.items():
            kind = getattr(resource, name, None) if resource else None
            if kind is None:
                continue
            current = resource.getrlimit(kind)[1]
            if current != resource.RLIM_INFINITY:
                soft, hard = min(soft, current), min(hard, current)
            resource.setrlimit(kind, (soft, hard))
        # The parent sends SIGUSR1 at its deadline, the kernel SIGXCPU at the CPU limit: either way the
        # stacks go to traceback.txt first, so the verdict can name the line that was running.
        self.trace_file = open(self.workdir / "traceback.txt", "w")  # noqa: SIM115 - open until the end
        for name, chain in (("SIGUSR1", False), ("SIGXCPU", True)):
            if hasattr(signal, name):  # not on Windows
                faulthandler.register(getattr(signal, name), file=self.trace_file, all_threads=True, chain=chain)

    def guard(self):
        """Refuse new processes and signals; note where ``os._exit`` was called before it exits."""
        def hook(event, args):
            if event.startswith(REFUSED_EVENTS) and not (event == "os.kill" and args[0] == os.getpid()):
                where = self.learner_frame(sys._getframe(1))
                self.refused.append({"what": event, **where})
                raise Refused(f"{event} is not allowed in an exercise")

        sys.addaudithook(hook)
        real_exit = os._exit

        def noted_exit(status):
            where = self.learner_frame(sys._getframe(1))
            (self.workdir / "exit.json").write_text(json.dumps({"status": status, **where}))
            real_exit(status)

        os._exit = noted_exit
        self.real_exit = real_exit

    # ---- where in the learner's files -----------------------------------------------------------
    def is_learners(self, filename):
        return Path(filename).parent.resolve() == self.folder if filename and not filename.startswith("<") else False

    def learner_frame(self, frame):
        while frame is not None:
            if self.is_learners(frame.f_code.co_filename):
                return {"file": Path(frame.f_code.co_filename).name, "line": frame.f_lineno}
            frame = frame.f_back
        return {}

    def learner_location(self, error):
        frames = [f for f in traceback.extract_tb(error.__traceback__) if self.is_learners(f.filename)]
        if not frames:
            return {}
        last = frames[-1]
        return {"file": Path(last.filename).name, "line": last.lineno, "text": (last.line or "").strip()}

    # ---- loading ------------------------------------------------------------------------------------
    def load(self, name):
        """Run the learner's ``name.py`` as module ``name`` (in ``sys.modules``, so files can import each other)."""
        path = self.folder / f"{name}.py"
        source = path.read_bytes()
        try:
            code = compile(source, str(path), "exec")
        except SyntaxError as error:
            if "can't decode" in str(error):
                raise NotUtf8(path.name, source) from None
            raise
        module = types.ModuleType(name)
        module.__file__ = str(path)
        sys.modules[name] = module
        exec(code, module.__dict__)
        return module

    # ---- running ----------------------------------------------------------------------------------
    def run(self):
        from scratchnet.exercises import exchange
        from scratchnet.exercises.probes import PROBES

        inputs = exchange.load(self.workdir, "inputs")
        self.limit()
        self.guard()
        (self.workdir / "started").touch()  # the parent's wall-clock limit counts from here
        observations, ending = {}, None
        try:
            for name in self.request["modules"]:
                module = self.load(name)
            symbol = getattr(module, self.request["symbol"], None)
            if symbol is None:
                missing = f"{module.__name__}.py does not define {self.request['symbol']}"
                ending = {"kind": "missing", "message": missing}
            else:
                PROBES[self.request["kind"]](symbol, inputs, observations)
        except BaseException as error:  # noqa: BLE001 - every way out is reported, none is let through
            ending = self.describe(error)
        result = {"observations": observations, "ending": ending, "refused": self.refused,
                  "threads": self.running_threads()}
        exchange.save(self.workdir, "result", result)
        sys.stdout.flush()
        self.real_exit(0)  # not sys.exit: a thread the learner left running must not keep this process alive

    def describe(self, error):
        where = self.learner_location(error)
        if isinstance(error, NotUtf8):
            return {"kind": "encoding", "file": error.name, "line": error.line, "byte": error.byte}
        if isinstance(error, SystemExit):
            return {"kind": "exit", "code": repr(error.code), **where}
        if isinstance(error, NotImplementedError):
            return {"kind": "not done", **where}
        if isinstance(error, MemoryError):
            return {"kind": "memory", **where}
        if isinstance(error, Refused):
            return {"kind": "refused", "message": str(error), **where}
        if isinstance(error, SyntaxError) and self.is_learners(error.filename):
            return {"kind": "syntax", "file": Path(error.filename).name, "line": error.lineno,
                    "message": error.msg, "text": (error.text or "").rstrip()}
        return {"kind": "error", "type": type(error).__name__, "message": str(error), **where}

    def running_threads(self):
        found = []
        for thread in threading.enumerate():
            if thread is threading.main_thread() or thread.daemon or not thread.is_alive():
                continue
            target = getattr(thread, "_target", None)
            code = getattr(target, "__code__", None)
            where = ({"file": Path(code.co_filename).name, "line": code.co_firstlineno}
                     if code and self.is_learners(code.co_filename) else {})
            found.append({"name": thread.name, **where})
        return found


class NotUtf8(Exception):
    def __init__(self, name, source):
        try:
            source.decode("utf-8")
            start = 0
        except UnicodeDecodeError as error:
            start = error.start
        self.name, self.line, self.byte = name, source[:start].count(b"\n") + 1, f"0x{source[start]:02x}"


if __name__ == "__main__":
    Child(sys.argv[1]).run()
