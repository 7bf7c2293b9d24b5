import os
import stat

import pytest

from scratchnet.fileio import atomic_path, write_bytes_atomic


def test_atomic_write_creates_whole_file(tmp_path):
    path = write_bytes_atomic(tmp_path / "sub" / "a.bin", b"complete")
    assert path.read_bytes() == b"complete"
    assert [p.name for p in path.parent.iterdir()] == ["a.bin"]


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temporary:
            assert temporary.suffix == ".png" and temporary.name.startswith(".figure.")
            temporary.write_bytes(b"half")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_the_usual_permissions(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = write_bytes_atomic(tmp_path / "figure.png", b"png")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "grid.npz"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_bytes_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_bytes() == b"new"


def test_the_temporary_file_is_in_the_targets_own_folder(tmp_path):
    # A rename is atomic only within one file system: the temporary must sit beside the target.
    with atomic_path(tmp_path / "deep" / "a.txt") as temporary:
        assert temporary.parent == tmp_path / "deep"
        temporary.write_text("x")
    assert (tmp_path / "deep" / "a.txt").read_text() == "x"
