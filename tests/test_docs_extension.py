"""The docs' gallery extension: chapters grouped by the book's chapters, run into short paths, players offline."""

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name, path):
    # docs/_ext is the site's own code, not a package: load the module from its file.
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gallery = _load("chapter_gallery", ROOT / "docs" / "_ext" / "chapter_gallery.py")


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_an_animation_player_needs_nothing_from_the_network():
    import matplotlib

    matplotlib.use("Agg")
    from scratchnet.plot import animate_race

    html = animate_race("bowl", {"SGD": np.array([[-7.0, 2.0], [-6.0, 1.0]])}, hold=0).to_jshtml()
    assert "font-awesome" in html  # matplotlib's player loads its icons from a CDN
    offline = gallery.offline_player(html)
    assert not re.findall(r"https?://", offline) and 'class="fa' not in offline
    assert offline.count("\u25b6") == 1 and offline.count("\u23f8") == 1  # play and pause kept, as characters


def test_chapters_are_staged_by_the_books_chapters_and_run_into_short_paths(tmp_path):
    staged = gallery.stage(ROOT / "chapters", tmp_path / "staged")
    assert (staged / "6_ch06" / "ch06_batch_norm.py").is_symlink()  # a link to the script, never a copy
    assert (staged / "9_ch_landscape" / "ch_landscape_4_trajectory.py").resolve() == \
        (ROOT / "chapters" / "ch_landscape_4_trajectory.py").resolve()
    assert gallery.group_of(Path("ch07_apply_filter.py")) == "7_ch07"
    with pytest.raises(ValueError, match="belongs to no group"):
        gallery.group_of(Path("ch99_new.py"))
    script = staged / "6_ch06" / "ch06_batch_norm.py"
    argv = gallery.ChapterArguments(quick=True)({}, {"src_file": str(script)})
    assert argv == ["--quick", "--out", str(staged / "6_ch06" / "_outputs" / "ch06_batch_norm")]
    assert gallery.ChapterArguments(quick=False)({}, {"src_file": str(script)})[0] == "--out"
