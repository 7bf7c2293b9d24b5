"""Chapters opened as notebooks (jupytext reads the scripts' # %% cells) and run by a real Jupyter kernel."""

import os
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext", reason="the notebook extra is part of the test extras")
from nbclient import NotebookClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


# Colab's shell is google.colab._shell.Shell, a subclass of Jupyter's with another name: give the kernel that layout.
COLAB_LAYOUT = "shell = get_ipython()\nshell.__class__ = type('Shell', (type(shell),), {})\nprint(type(shell).__name__)"


def run_as_notebook(script, tmp_path, monkeypatch, colab=False):
    notebook = jupytext.read(ROOT / "chapters" / script)
    if colab:
        notebook.cells.insert(0, jupytext.reads(f"# %%\n{COLAB_LAYOUT}\n", fmt="py:percent").cells[0])
    monkeypatch.setenv("SCRATCHNET_CHAPTER_ARGS", f"--quick --out {tmp_path}")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    NotebookClient(notebook, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
                   allow_errors=True).execute()
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]


@pytest.mark.slow
@pytest.mark.parametrize("colab", [False, True], ids=["jupyter", "colab layout"])
def test_a_chapter_with_figures_shows_each_once_in_its_notebook(tmp_path, monkeypatch, colab):
    outputs = run_as_notebook("ch04_gradient_method.py", tmp_path, monkeypatch, colab)
    assert not [o for o in outputs if o.output_type == "error"], [o.get("evalue") for o in outputs]
    if colab:
        assert outputs[0].get("text", "").strip() == "Shell"  # the renamed class is the one that ran
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1  # shown once, not again by the inline backend
    assert (tmp_path / "ch04_gradient_method.png").is_file()
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "lr 10, 100 steps of the numerical gradient: [-2.58983747e+13 -1.29524862e+12]" in text


@pytest.mark.slow
def test_a_chapter_with_animations_plays_them_in_its_notebook(tmp_path, monkeypatch):
    outputs = run_as_notebook("ch06_optimizer_race.py", tmp_path, monkeypatch)
    assert not [o for o in outputs if o.output_type == "error"], [o.get("evalue") for o in outputs]
    players = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(players) == 2 and all("<script" in html and "anim" in html.lower() for html in players)
    assert not [o for o in outputs if "image/png" in o.get("data", {})]  # no static picture beside the player
    movies = sorted(p.suffix for p in tmp_path.iterdir() if p.suffix in (".gif", ".mp4"))
    assert movies in ([".gif", ".gif"], [".mp4", ".mp4"])


def test_progress_renders_in_a_notebook_and_not_in_a_pipe(monkeypatch):
    import io
    import sys
    import types

    from scratchnet.progress import ProgressBar, in_notebook

    assert not in_notebook()
    assert not ProgressBar(3, "quiet", stream=io.StringIO()).enabled  # a pipe: nothing drawn
    terminal = type("TerminalInteractiveShell", (), {"kernel": None, "display_pub": object()})
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: terminal()))
    assert not in_notebook()  # IPython in a terminal: no kernel, no notebook
    jupyter = type("ZMQInteractiveShell", (), {"kernel": object(), "display_pub": object()})
    colab = type("Shell", (jupyter,), {})  # Colab's google.colab._shell.Shell: a subclass with another name
    for shell_class in (jupyter, colab):
        monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda c=shell_class: c()))
        assert in_notebook()
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stdout", captured)
    bar = ProgressBar(3, "in a notebook", stream=io.StringIO())
    assert bar.enabled
    for done in (1, 2, 3):
        bar.update(done, "working")
    bar.finish("in a notebook: done")
    assert "in a notebook: done" in captured.getvalue() and "3/3" in captured.getvalue()
    assert os.environ.get("SCRATCHNET_CHAPTER_ARGS") is None
