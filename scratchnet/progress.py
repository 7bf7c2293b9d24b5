"""A one-line progress bar for long work, drawn only on a terminal (quiet in pipes and CI)."""

import sys
import time


class ProgressBar:
    """``update(done, note)`` redraws ``label [####....] done/total note`` at most ten times a second.

    Drawn only when ``enabled`` and the stream is a terminal; ``finish(message)`` ends the line.
    """

    def __init__(self, total, label="", enabled=True, stream=None, width=30):
        self.total, self.label, self.width = max(int(total), 1), label, width
        self.stream = stream or sys.stdout
        self.enabled = bool(enabled) and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_draw = 0.0

    def update(self, done, note=""):
        if not self.enabled or (time.monotonic() - self.last_draw < 0.1 and done < self.total):
            return
        self.last_draw = time.monotonic()
        filled = int(self.width * min(done, self.total) / self.total)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} {note}")
        self.stream.flush()

    def finish(self, message=""):
        if self.enabled:
            self.stream.write(f"\r{message or self.label}" + " " * (self.width + 30) + "\n")
            self.stream.flush()
