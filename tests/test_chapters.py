"""The chapter scripts and the command line, run in quick mode as a reader would run them."""

import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from scratchnet import cli

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("ch*.py"))


def test_every_chapter_has_a_summary_and_a_main_guard():
    assert CHAPTERS
    for script in CHAPTERS:
        text = script.read_text()
        assert cli.summary_line(script), script.name
        assert 'if __name__ == "__main__":' in text and "def main(argv=None)" in text, script.name
        assert "sys.path" not in text, script.name


def test_list_prints_one_line_per_chapter(capsys):
    assert cli.main(["--chapters", str(ROOT / "chapters"), "list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == [s.stem for s in CHAPTERS]


def test_gradient_check_chapter_prints_the_table(tmp_path, capsys):
    cli.run_chapter(ROOT / "chapters" / "ch05_gradient_check.py", ["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    for key in ("W1", "b1", "W2", "b2"):
        assert f"\n{key} " in out
    assert "all gradients agree" in out


def test_train_chapter_learns_and_writes_its_figure(tmp_path, capsys):
    written = cli.run_chapter(ROOT / "chapters" / "ch05_train_neuralnet.py", ["--quick", "--out", str(tmp_path)])
    assert written == [tmp_path / "ch05_train_neuralnet.png"]
    image = plt.imread(written[0])
    assert image.shape[1] > 800 and image.std() > 0.05
    final = float(capsys.readouterr().out.split("final test accuracy")[1].split()[0])
    assert final > 0.8  # four epochs of SGD already learn most digits


def test_figures_command_runs_selected_chapters_and_summarizes(tmp_path, capsys):
    code = cli.main(["--chapters", str(ROOT / "chapters"), "figures", "--quick", "--out", str(tmp_path),
                     "--only", "ch05_train_neuralnet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "[1/1] ch05_train_neuralnet" in out and "1 of 1 chapters ran" in out
    assert (tmp_path / "ch05_train_neuralnet.png").is_file()


def test_run_unknown_chapter_lists_the_real_ones(capsys):
    assert cli.main(["--chapters", str(ROOT / "chapters"), "run", "ch99_nothing"]) == 2
    err = capsys.readouterr().err
    assert "no chapter called 'ch99_nothing'" in err and "ch05_train_neuralnet" in err


def test_explicit_chapters_folder_without_scripts_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="chapters: expected a folder of chapter scripts"):
        cli.find_chapters(tmp_path)
    assert cli.main(["--chapters", str(tmp_path), "list"]) == 2
    assert str(tmp_path) in capsys.readouterr().err


def test_chapters_are_found_from_the_project_folder(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SCRATCHNET_CHAPTERS", raising=False)
    assert cli.find_chapters() == ROOT / "chapters"


def test_a_notebook_chapter_writes_beside_itself_unless_it_is_opened_in_the_chapters_folder(monkeypatch, tmp_path):
    from scratchnet.chapter import ChapterRun

    monkeypatch.setattr("scratchnet.chapter.in_notebook", lambda: False)
    downloads = tmp_path / "Downloads"  # a notebook downloaded from the docs, run where it landed
    downloads.mkdir()
    monkeypatch.chdir(downloads)
    assert ChapterRun("A chapter.", None, []).out == downloads / "figures"
    assert ChapterRun("A chapter.", None, ["--quick"]).out == downloads / "build" / "quick-figures"
    chapters = tmp_path / "project" / "chapters"  # a chapter opened as a notebook in a checkout
    chapters.mkdir(parents=True)
    monkeypatch.chdir(chapters)
    assert ChapterRun("A chapter.", None, []).out == tmp_path / "project" / "figures"
    assert ChapterRun("A chapter.", str(downloads / "ch09.py"), []).out == tmp_path / "figures"  # a script: its own


# What each chapter writes in quick mode; animations are .mp4 with ffmpeg, .gif without; 3D figures also
# get an interactive page, with plotly's script written once beside the pages.
MOVIE, PLOTLY = ".[gm][ip][f4]", "plotly.min.js"
EXPECTED = {
    "ch01_matplotlib": ["ch01_sin_cos.png", "ch01_mnist_digits.png"],
    "ch02_perceptron": ["ch02_perceptron.png"],
    "ch03_activation_and_forward": ["ch03_step_sigmoid.png", "ch03_relu.png"],
    "ch03_mnist_inference": ["ch03_mnist_inference.png"],
    "ch04_gradient_1d": ["ch04_gradient_1d.png"],
    "ch04_gradient_field": ["ch04_gradient_field.png"],
    "ch04_gradient_method": ["ch04_gradient_method.png"],
    "ch04_train_neuralnet": ["ch04_train_neuralnet.png"],
    "ch05_computational_graph": ["ch05_graph_apple.png", "ch05_graph_apple_orange.png"],
    "ch05_gradient_check": [],
    "ch05_train_neuralnet": ["ch05_train_neuralnet.png"],
    "ch06_bowl": ["ch06_bowl.png", "ch06_bowl.html", PLOTLY],
    "ch06_optimizer_paths": ["ch06_optimizer_paths.png", "ch06_optimizer_paths_six.png",
                             "ch06_optimizer_paths_overlay.png", "ch06_optimizer_paths_3d.png",
                             "ch06_optimizer_paths_3d.html", PLOTLY],
    "ch06_optimizer_race": ["ch06_optimizer_race" + MOVIE, "ch06_surface_descent" + MOVIE, "ch06_surface_descent.html",
                            PLOTLY],
    "ch06_other_landscapes": ["ch06_landscape_rosenbrock.png", "ch06_landscape_beale.png",
                              "ch06_landscape_saddle.png"],
    "ch06_optimizer_compare_mnist": ["ch06_optimizer_compare_mnist.png"],
    "ch06_weight_init": ["ch06_weight_init_sigmoid.png", "ch06_weight_init_relu.png", "ch06_weight_init_std.png",
                         "ch06_weight_init_mnist.png"],
    "ch06_batch_norm": ["ch06_batch_norm.png", "ch06_batch_norm_summary.png"],
    "ch06_hyperparameter_search": ["ch06_hyperparameter_search.png", "ch06_hyperparameter_scatter.png"],
    "ch06_overfitting": ["ch06_overfitting.png"],
    "ch07_apply_filter": ["ch07_apply_filter.png"],
    "ch07_train_convnet": ["ch07_train_convnet.png"],
    "ch07_visualize_filter": ["ch07_visualize_filter.png"],
    "ch08_half_float_network": [],
    "ch08_misclassified_mnist": ["ch08_misclassified_mnist.png"],
    "ch_landscape_1_two_weights": ["landscape_two_weights.png", "landscape_two_weights_difference.png",
                                   "landscape_two_weights_descent" + MOVIE,
                                   "landscape_two_weights.html", PLOTLY],
    "ch_landscape_2_interpolation": ["landscape_interpolation.png"],
    "ch_landscape_8_edge_of_stability": ["landscape_edge_of_stability.png"],
    "ch_landscape_9_curvature": ["landscape_curvature_density.png", "landscape_curvature_map.png",
                                 "landscape_curvature_map.html", PLOTLY],
    "ch_landscape_3_random_plane": ["landscape_random_plane.png", "landscape_random_plane.html",
                                    "landscape_random_plane_unnormalized.html", PLOTLY],
    "ch_landscape_4_trajectory": ["landscape_trajectory.png", "landscape_trajectory_curves.png",
                                  "landscape_trajectory_descent" + MOVIE, "landscape_trajectory_descent.html", PLOTLY],
    "ch_landscape_5_one_neuron": ["landscape_one_neuron.png", "landscape_one_neuron_descent" + MOVIE,
                                  "landscape_one_neuron_descent.html", PLOTLY],
    "ch_landscape_7_convnet": ["landscape_convnet_random_plane.png", "landscape_convnet_random_plane.html",
                               "landscape_convnet_trajectory.png", PLOTLY],
    "ch_landscape_6_your_own_network": ["landscape_your_own_network.png",
                                        "landscape_your_own_network_descent" + MOVIE,
                                        "landscape_your_own_network.html", PLOTLY],
}


def test_every_chapter_is_in_the_table():
    assert sorted(EXPECTED) == [s.stem for s in CHAPTERS]


@pytest.mark.parametrize("script", CHAPTERS, ids=[s.stem for s in CHAPTERS])
def test_chapter_runs_alone_and_writes_real_figures(script, tmp_path):
    result = subprocess.run([sys.executable, str(script), "--quick", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    expected = EXPECTED[script.stem]
    assert len(written) == len(expected), written
    for pattern in expected:
        (match,) = [name for name in written if Path(name).match(pattern)]
        path = tmp_path / match
        if path.suffix == ".html":
            assert 'src="plotly.min.js"' in path.read_text(), match  # offline, the shared script beside it
        elif path.suffix == ".js":
            assert path.stat().st_size > 1_000_000, match
        elif path.suffix == ".png":
            image = plt.imread(path)
            assert image.shape[0] > 300 and image.std() > 0.05, match
        else:
            assert path.suffix in (".gif", ".mp4") and path.stat().st_size > 10_000, match


def test_a_chapters_own_flag_is_parsed_and_changes_its_output(tmp_path):
    written = cli.run_chapter(ROOT / "chapters" / "ch_landscape_2_interpolation.py",
                              ["--quick", "--wide", "--out", str(tmp_path)])
    assert [p.name for p in written] == ["landscape_interpolation_wide.png"]


def test_gradient_method_chapter_prints_the_books_numbers(tmp_path, capsys):
    # Section 4.4.1 prints these two end points after 100 steps of its numerical gradient.
    cli.run_chapter(ROOT / "chapters" / "ch04_gradient_method.py", ["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "lr 10, 100 steps of the numerical gradient: [-2.58983747e+13 -1.29524862e+12]" in out
    assert "lr 1e-10, 100 steps of the numerical gradient: [-2.99999994  3.99999992]" in out
    assert "lr 0.1, 20 steps: (-0.03459, 0.04612)" in out  # 0.8**20 of the start


def test_your_own_network_chapter_gives_one_landscape_by_both_paths(tmp_path, capsys):
    script = ROOT / "chapters" / "ch_landscape_6_your_own_network.py"
    summaries = []
    for extra in ([], ["--generic"]):
        cli.run_chapter(script, ["--quick", "--out", str(tmp_path), *extra])
        out = capsys.readouterr().out
        summaries.append(out.split("PCA ")[1].splitlines()[0])
        assert "test accuracy" in out
    assert summaries[0] == summaries[1]  # from_params and the hand-written loss: the same numbers


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow the test is about
def test_batch_norm_chapter_draws_a_diverged_run_flat_at_class_zeros_share_as_the_books_code():
    import runpy

    import numpy as np

    from scratchnet.datasets import load_mnist
    from scratchnet.training import RunsProgress

    namespace = runpy.run_path(str(ROOT / "chapters" / "ch06_batch_norm.py"), run_name="chapter")
    (x, t), (x_test, t_test) = load_mnist()
    data = (x[:300], t[:300], x_test[:100], t_test[:100])
    accuracy, diverged = namespace["train_accuracy"](1.0, False, data, 4, RunsProgress(1, 4, "test"))
    assert diverged and len(accuracy) == 5  # one per epoch and the start, as a run that did not diverge
    share = np.mean(t[:300] == 0)  # NaN outputs: argmax picks class 0 for every image
    assert accuracy[-1] == share and accuracy[-2] == share and accuracy[0] != share


def test_hyperparameter_search_validates_on_held_out_images(tmp_path, capsys):
    import runpy

    import numpy as np

    namespace = runpy.run_path(str(ROOT / "chapters" / "ch06_hyperparameter_search.py"), run_name="chapter")
    x, t = np.arange(50.0)[:, None], np.arange(50)
    (x_train, t_train), (x_val, t_val) = namespace["split_validation"](x, t, 0.2, np.random.default_rng(0))
    assert len(x_val) == 10 and len(x_train) == 40
    assert not set(t_val) & set(t_train) and sorted(set(t_val) | set(t_train)) == list(range(50))
    assert list(t_val) != list(range(10))  # shuffled first
    np.testing.assert_array_equal(x_train[:, 0], t_train)  # images stay with their labels
    namespace["main"](["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert out.count("best ") >= 5 and "validation accuracy" in out and "the best five: lr from" in out


def test_figures_skips_a_chapter_whose_inputs_and_files_are_unchanged(tmp_path, capsys):
    def figures(*extra):
        code = cli.main(["--chapters", str(ROOT / "chapters"), "figures", "--quick", "--out", str(tmp_path),
                         "--only", "ch05_computational_graph", "ch02_perceptron", *extra])
        assert code == 0
        return capsys.readouterr().out

    first = figures()
    assert "2 of 2 chapters ran in" in first and "up to date" not in first
    apple = tmp_path / "ch05_graph_apple.png"
    written_at = apple.stat().st_mtime_ns
    second = figures()
    assert "0 of 2 chapters ran (2 up to date) in" in second
    assert apple.stat().st_mtime_ns == written_at  # not drawn again
    # What the chapter printed comes back with it: the book's numbers.
    assert second.count("apples: price: 220, dApple: 2.2, dApple_num: 110, dTax: 200") == 1
    apple.write_bytes(apple.read_bytes() + b"changed")  # a file no longer as written: that chapter runs again
    third = figures()
    assert "1 of 2 chapters ran (1 up to date) in" in third and apple.stat().st_mtime_ns != written_at
    assert "0 of 2 chapters ran (2 up to date)" in figures()
    assert "2 of 2 chapters ran in" in figures("--no-cache")  # runs everything
    assert "0 of 2 chapters ran (2 up to date)" in figures()  # and its record serves a plain run


def test_a_chapters_fingerprint_follows_its_script_options_and_the_library(tmp_path):
    from scratchnet.uptodate import chapter_fingerprint, library_fingerprint

    script = tmp_path / "ch99_demo.py"
    script.write_text("print(1)\n")
    library = library_fingerprint()
    assert library == library_fingerprint()  # the same files, the same fingerprint
    base = chapter_fingerprint(script, ["--quick"], library)
    assert base == chapter_fingerprint(script, ["--quick"], library)
    assert base != chapter_fingerprint(script, [], library)
    assert base != chapter_fingerprint(script, ["--quick"], library[::-1])
    script.write_text("print(2)\n")
    assert base != chapter_fingerprint(script, ["--quick"], library)


def test_the_chapter_record_merges_runs_and_refuses_what_it_did_not_write(tmp_path):
    import json
    import os
    import time

    from scratchnet.uptodate import ChapterRecord, sweep_parts

    figure = tmp_path / "a.png"
    figure.write_bytes(b"png")
    first, second = ChapterRecord(tmp_path), ChapterRecord(tmp_path)  # two runs into one folder, at once
    first.remember("ch01", "f1", [figure], "one\n")
    second.remember("ch02", "f2", [figure], "two\n")
    assert set(json.loads((tmp_path / ".cache" / "chapters.json").read_text())) == {"ch01", "ch02"}
    assert ChapterRecord(tmp_path).up_to_date("ch01", "f1")["output"] == "one\n"
    notes = []
    for damaged in ("[1, 2]", "not json", '{"ch01": "a string"}'):
        (tmp_path / ".cache" / "chapters.json").write_text(damaged)
        record = ChapterRecord(tmp_path, warn=notes.append)
        assert record.entries == {} and "is not a record this version wrote" in notes[-1]
        record.remember("ch01", "f1", [figure], "one\n")  # and a new record is started
        assert ChapterRecord(tmp_path).up_to_date("ch01", "f1")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("elsewhere")
    forged = {"ch03": {"fingerprint": "f3", "files": {str(outside): __import__("hashlib").sha256(b"elsewhere")
                                                      .hexdigest()}, "output": "\x1b[2Jhidden\x07 text\n"}}
    (tmp_path / ".cache" / "chapters.json").write_text(json.dumps(forged))
    assert ChapterRecord(tmp_path).up_to_date("ch03", "f3") is None  # a file outside the folder: runs again
    forged["ch03"]["files"] = {}
    (tmp_path / ".cache" / "chapters.json").write_text(json.dumps(forged))
    assert ChapterRecord(tmp_path).up_to_date("ch03", "f3") is None  # no file: not a run of a chapter
    forged["ch03"]["files"] = {str(figure): __import__("hashlib").sha256(b"png").hexdigest()}
    (tmp_path / ".cache" / "chapters.json").write_text(json.dumps(forged))
    assert ChapterRecord(tmp_path).up_to_date("ch03", "f3")["output"] == "hidden text\n"  # no control codes
    page, script = tmp_path / "p.html", tmp_path / "plotly.min.js"
    page.write_text("<html>")
    script.write_text("// plotly")
    ChapterRecord(tmp_path).remember("ch04", "f4", [page], "")
    assert ChapterRecord(tmp_path).up_to_date("ch04", "f4")
    script.write_text("")  # emptied: the pages would be blank, so the chapter runs again
    assert ChapterRecord(tmp_path).up_to_date("ch04", "f4") is None
    old, fresh = tmp_path / ".grid.abc123.part.npz", tmp_path / ".cache" / ".g.def.part.png"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    assert sweep_parts(tmp_path) == [old] and not old.exists() and fresh.exists()  # a run under way keeps its own


def test_written_files_are_printed_relative_to_the_current_folder_when_inside_it(tmp_path, monkeypatch):
    from scratchnet.chapter import shown_path

    monkeypatch.chdir(tmp_path)
    assert shown_path(tmp_path / "figures" / "a.png") == str(Path("figures") / "a.png")
    elsewhere = tmp_path.parent / "other" / "b.png"
    assert shown_path(elsewhere) == str(elsewhere)  # outside: in full, never a climb of ../


@pytest.mark.parametrize("script", sorted((ROOT / "chapters").glob("ch*.py")), ids=lambda path: path.stem)
def test_a_chapters_docstring_is_clean_restructuredtext_for_its_gallery_page(script):
    # The docs' gallery renders each chapter's docstring as reStructuredText, with warnings as errors: a stray
    # |W2| (a substitution) or a short title underline fails the site's build, so it fails here first.
    import ast
    import io

    from docutils.core import publish_doctree
    from docutils.utils import SystemMessage

    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")), clean=True)
    try:
        publish_doctree(docstring, settings_overrides={"halt_level": 2, "report_level": 5,
                                                       "warning_stream": io.StringIO()})
    except SystemMessage as problem:
        pytest.fail(f"{script.name}: its docstring is not clean reStructuredText: {problem}")


def test_the_edge_of_stability_summary_reads_where_the_sharpness_reaches_two_over_eta():
    import runpy

    import numpy as np

    namespace = runpy.run_path(str(ROOT / "chapters" / "ch_landscape_8_edge_of_stability.py"), run_name="chapter")
    summary = namespace["edge_summary"]
    recorded = np.array([0, 10, 20, 30, 40])
    # 2 / 0.2 = 10: 0.9 x 10 = 9 is first reached at iteration 20; then 9.5, 10.5, 10 average 1.0 x 2/eta
    assert summary(0.2, recorded, np.array([4.0, 8.0, 9.5, 10.5, 10.0])) == (20, 1.0)
    assert summary(0.1, recorded, np.array([4.0, 8.0, 9.5, 10.5, 10.0])) == (None, None)  # 2 / 0.1 = 20: never
