"""The ``scratchnet`` command and the chapter frame, as a newcomer meets them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scratchnet import cli
from scratchnet.chapter import ChapterRun, writable_folder_problem

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"


def test_quick_runs_never_write_into_the_gallery(tmp_path, capsys):
    project = tmp_path / "project"
    (project / "chapters").mkdir(parents=True)
    script = project / "chapters" / "ch99_demo.py"
    run = ChapterRun("demo", script, ["--quick"])
    assert run.out == project / "build" / "quick-figures"
    assert "quick run: writing to" in capsys.readouterr().out
    assert ChapterRun("demo", script, []).out == project / "figures"
    assert ChapterRun("demo", script, ["--quick", "--out", str(tmp_path / "x")]).out == tmp_path / "x"


def unwritable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker / "figures"


def test_an_unwritable_out_folder_stops_a_chapter_before_any_work(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        ChapterRun("demo", CHAPTERS / "ch05_train_neuralnet.py", ["--out", str(unwritable(tmp_path))])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out" in err and "cannot write there" in err
    assert writable_folder_problem(tmp_path / "new" / "deeper") is None  # created when missing


def test_a_chapter_script_with_an_unwritable_out_says_one_line(tmp_path):
    result = subprocess.run([sys.executable, str(CHAPTERS / "ch05_train_neuralnet.py"), "--out",
                             str(unwritable(tmp_path))], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "cannot write there" in result.stderr
    assert result.stdout == ""  # nothing trained


def test_figures_checks_the_out_folder_once_before_running_anything(tmp_path, capsys):
    code = cli.main(["--chapters", str(CHAPTERS), "figures", "--out", str(unwritable(tmp_path))])
    captured = capsys.readouterr()
    assert code == 2 and "[1/" not in captured.out
    assert captured.err.startswith("scratchnet figures: error: --out")


def test_figures_passes_quick_no_cache_and_out_to_every_chapter(monkeypatch, tmp_path, capsys):
    seen = []
    monkeypatch.setattr(cli, "run_chapter", lambda script, argv: seen.append((script.stem, argv)) or [])
    assert cli.main(["--chapters", str(CHAPTERS), "figures", "--quick", "--no-cache", "--out", str(tmp_path),
                     "--only", "ch02", "ch03_activation"]) == 0
    assert seen == [(name, ["--quick", "--no-cache", "--out", str(tmp_path)])
                    for name in ("ch02_perceptron", "ch03_activation_and_forward")]
    from scratchnet.blas import blas_description

    first = capsys.readouterr().out.splitlines()[0]  # before any chapter: what BLAS is and how many threads train
    assert first.startswith(f"{blas_description()}; the book's networks train, and every loss grid runs, on 1 ")


def test_version_and_help_speak_to_users(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.strip() == f"scratchnet {cli.version()}"
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "scratchnet run ch05_train_neuralnet --quick" in out
    assert "ChapterRun" not in out and ":class:" not in out


def test_list_into_a_closed_pipe_ends_quietly(monkeypatch):
    # As `scratchnet list | head` once the reader has gone: every write fails with EPIPE.
    read_end, write_end = os.pipe()
    os.close(read_end)
    closed = open(write_end, "w", buffering=1)  # line-buffered: the first line already fails
    monkeypatch.setattr(sys, "stdout", closed)
    try:
        assert cli.main(["--chapters", str(CHAPTERS), "list"]) == 0
    finally:
        monkeypatch.undo()
        closed.close()


def test_work_cut_short_by_a_closed_pipe_or_ctrl_c_says_so(monkeypatch, tmp_path, capsys):
    read_end, write_end = os.pipe()
    os.close(read_end)
    closed = open(write_end, "w", buffering=1)
    monkeypatch.setattr(sys, "stdout", closed)
    try:  # `scratchnet figures | head -1`: the chapters stop; the exit status must not say all went well
        assert cli.main(["--chapters", str(CHAPTERS), "figures", "--quick", "--out", str(tmp_path),
                         "--only", "ch01_matplotlib"]) == 141
    finally:
        monkeypatch.undo()
        closed.close()

    def interrupted(script, argv):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_chapter", interrupted)
    assert cli.main(["--chapters", str(CHAPTERS), "run", "ch01_matplotlib", "--quick"]) == 130
    err = capsys.readouterr().err
    assert "stopped (Ctrl-C)" in err and "Traceback" not in err


def test_show_without_a_display_says_where_the_files_are(tmp_path, capsys):
    run = ChapterRun("demo", CHAPTERS / "ch99.py", ["--show", "--out", str(tmp_path)])
    import matplotlib

    matplotlib.use("Agg")
    run.finish()
    out = capsys.readouterr().out
    assert "--show: no display here" in out and str(tmp_path) in out


def test_a_chapter_never_switches_the_backend_of_a_running_ipython_session(monkeypatch, tmp_path):
    import types

    import matplotlib

    terminal = type("TerminalInteractiveShell", (), {"kernel": None, "display_pub": None})
    matplotlib.use("svg")  # before the stand-in session: pyplot talks to a real IPython when it switches
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: terminal()))
    try:
        ChapterRun("demo", CHAPTERS / "ch99.py", ["--out", str(tmp_path)])
        assert matplotlib.get_backend() == "svg"  # the session's choice stands
        monkeypatch.delitem(sys.modules, "IPython")
        ChapterRun("demo", CHAPTERS / "ch99.py", ["--out", str(tmp_path)])
        assert matplotlib.get_backend().lower() == "agg"  # a plain script renders headless
    finally:
        monkeypatch.undo()
        matplotlib.use("Agg")


def test_the_package_carries_its_chapters_and_every_subpackage():
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "scratchnet").rglob("__init__.py")}
    assert found <= listed, f"subpackages left out of the wheel: {sorted(found - listed)}"
    assert "scratchnet.chapters" in listed and "scratchnet.chapters = chapters" in config["options"]["package_dir"]


def test_installed_chapters_list_run_and_write_into_the_working_folder(tmp_path):
    """The layout of `pip install scratchnet` (chapters inside the package), run from an empty folder."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(ROOT / "scratchnet", site / "scratchnet", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(CHAPTERS, site / "scratchnet" / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    work = tmp_path / "empty"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "MPLBACKEND": "Agg"}
    env.pop("SCRATCHNET_CHAPTERS", None)

    def scratchnet(*words):
        return subprocess.run([sys.executable, "-m", "scratchnet.cli", *words], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)

    found = scratchnet("list")
    assert found.returncode == 0 and "ch01_matplotlib" in found.stdout, found.stderr
    ran = scratchnet("run", "ch01_matplotlib", "--quick")
    assert ran.returncode == 0, ran.stderr
    assert (work / "build" / "quick-figures" / "ch01_sin_cos.png").is_file()
    assert not list(site.rglob("*.png"))  # nothing written into the installation
