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


@pytest.mark.slow
def test_the_readmes_colab_cell_works_in_one_kernel_started_beside_the_clone(tmp_path, monkeypatch):
    """Colab's layout: scratchnet not installed, a kernel in the parent folder of the clone. The README's first
    cell clones and installs; the next cells import scratchnet and run a chapter in the same kernel, no restart."""
    import json
    import re
    import subprocess
    import sys
    import sysconfig

    cell = re.search(r"`(!git clone <this repository's address> scratchnet-src && pip install [^`]*)`",
                     (ROOT / "README.md").read_text(encoding="utf-8")).group(1)
    cell = cell.replace("<this repository's address>", str(ROOT))  # a clone of this checkout: offline
    runtime = tmp_path / "runtime"  # a fresh environment: numpy, Jupyter and the rest, but no scratchnet
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(runtime)], check=True)
    python = runtime / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # The test environment's packages as a plain folder on the path: its .pth files (this checkout's editable
    # install among them) are not read, so scratchnet is importable only once the cell installs it.
    (Path(site) / "test_environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (runtime / "bin" / "pip").write_text(f'#!/bin/sh\nexec "{python}" -m pip "$@"\n')  # Colab's `pip`: the kernel's
    (runtime / "bin" / "pip").chmod(0o755)
    kernels = tmp_path / "jupyter" / "kernels" / "colab"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "colab",
        "language": "python", "env": {"PATH": f"{runtime / 'bin'}:{os.environ['PATH']}"}}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    parent, out = tmp_path / "content", tmp_path / "out"
    parent.mkdir()
    notebook = jupytext.reads("\n".join([
        f"# %%\n{COLAB_LAYOUT}",
        "# %%\nimport importlib.util\nprint('before:', importlib.util.find_spec('scratchnet'))",
        f"# %%\n{cell}",
        "# %%\nimport scratchnet\nfrom scratchnet.datasets import load_mnist\n(x, t), _ = load_mnist()\n"
        "print('after:', scratchnet.__file__, scratchnet.__version__, x.shape)",
        f"# %%\n%env SCRATCHNET_CHAPTER_ARGS=--quick --out {out}\n%run scratchnet-src/chapters/ch04_gradient_method.py",
    ]), fmt="py:percent")
    NotebookClient(notebook, timeout=300, kernel_name="colab", resources={"metadata": {"path": str(parent)}},
                   allow_errors=True).execute()
    outputs = [cell.get("outputs", []) for cell in notebook.cells]
    errors = [o.get("evalue") for cell in outputs for o in cell if o.output_type == "error"]
    assert not errors, errors

    def text(number):
        return "".join(o.get("text", "") for o in outputs[number] if o.output_type == "stream")

    assert text(0).strip() == "Shell" and text(1).strip() == "before: None"
    after = text(3)
    assert f"{site}/scratchnet/__init__.py" in after and "(4000, 784)" in after, text(2) + after
    assert not re.search(r"after: \S*scratchnet-src", after)  # the clone beside the notebook hides nothing
    assert [o for o in outputs[4] if "image/png" in o.get("data", {})], "the chapter's figure is shown in the cell"
    assert (out / "ch04_gradient_method.png").is_file()
