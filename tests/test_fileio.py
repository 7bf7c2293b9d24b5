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
