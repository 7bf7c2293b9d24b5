"""Progress of long work (training, loss grids): a tqdm bar on a terminal or in a notebook, quiet elsewhere.

On a terminal the bar is drawn on standard error, so that standard output holds only the
results (what ``scratchnet figures`` records and replays). In Jupyter the bar is tqdm's
notebook widget when ipywidgets is installed, and tqdm's text bar otherwise; in a pipe, a
log file or CI nothing is drawn.
"""

import sys


def ipython_shell():
    """The running IPython shell (a notebook kernel's or a terminal's), or ``None`` outside IPython."""
    module = sys.modules.get("IPython")
    return module.get_ipython() if module is not None and hasattr(module, "get_ipython") else None


def in_notebook():
    """Whether this runs in a notebook kernel (where a progress bar should render in the cell).

    Told by what the shell can do, not by its class's name: Jupyter's shell and Colab's (a subclass
    with another name) both belong to a kernel that displays rich output; a terminal IPython does not.
    """
    shell = ipython_shell()
    return shell is not None and getattr(shell, "kernel", None) is not None \
        and getattr(shell, "display_pub", None) is not None


def _notebook_bar(**options):
    try:
        import ipywidgets  # noqa: F401 - tqdm's notebook widget is built of these
    except ImportError:  # the text bar, which a notebook shows as it updates
        from tqdm import tqdm

        return tqdm(file=sys.stdout, **options)
    from tqdm.notebook import tqdm

    return tqdm(**options)


class ProgressBar:
    """``update(done, note)`` moves the bar to ``done`` of ``total``; ``finish(message)`` ends it with a line.

    Drawn only when ``enabled`` and ``stream`` (standard error by default) is a terminal, or in a notebook.
    """

    def __init__(self, total, label="", enabled=True, stream=None):
        self.stream = stream or sys.stderr
        notebook = in_notebook()
        terminal = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.enabled = bool(enabled) and (notebook or terminal)
        self.label, self.bar = label, None
        if self.enabled:
            options = {"total": max(int(total), 1), "desc": label, "leave": True,
                       "bar_format": "{desc} [{bar:30}] {n_fmt}/{total_fmt}{postfix}"}
            if notebook:
                self.bar = _notebook_bar(**options)
            else:
                from tqdm import tqdm

                self.bar = tqdm(file=self.stream, ascii=".#", mininterval=0.1, **options)

    def update(self, done, note=""):
        if self.bar is not None:
            self.bar.set_postfix_str(note, refresh=False)
            self.bar.update(done - self.bar.n)

    def finish(self, message=""):
        if self.bar is not None:
            self.bar.set_description_str(message or self.label, refresh=False)
            self.bar.set_postfix_str("", refresh=False)
            self.bar.close()
            self.bar = None
