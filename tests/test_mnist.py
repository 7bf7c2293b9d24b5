import gzip
import hashlib
import http.server
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from scratchnet.datasets import DataNotFoundError, download_files, load_mnist, read_idx, write_idx
from scratchnet.datasets import mnist as mnist_module


def write_mnist_folder(folder, n_train=6, n_test=4, gz=True, seed=0):
    rng = np.random.default_rng(seed)
    suffix = ".gz" if gz else ""
    folder = Path(folder)
    write_idx(folder / f"train-images-idx3-ubyte{suffix}", rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8))
    write_idx(folder / f"train-labels-idx1-ubyte{suffix}", rng.integers(0, 10, n_train).astype(np.uint8))
    write_idx(folder / f"t10k-images-idx3-ubyte{suffix}", rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8))
    write_idx(folder / f"t10k-labels-idx1-ubyte{suffix}", rng.integers(0, 10, n_test).astype(np.uint8))
    return folder


@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_idx_round_trip(tmp_path, dtype, name):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    back = read_idx(write_idx(tmp_path / name, array))
    assert back.dtype == np.dtype(dtype).newbyteorder("=") and back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back, array)


def test_idx_header_is_the_standard_layout(tmp_path):
    write_idx(tmp_path / "labels", np.array([7, 2, 1], dtype=np.uint8))
    assert (tmp_path / "labels").read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])


def test_write_idx_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(ValueError, match="array: IDX stores .* got dtype int64"):
        write_idx(tmp_path / "x.idx", np.arange(3, dtype=np.int64))


def test_wrong_magic_number(tmp_path):
    path = tmp_path / "bad.idx"
    path.write_bytes(b"\x12\x34\x08\x01" + b"\x00" * 8)
    expected = "path: .*bad.idx is not an IDX file: expected a magic number .* got 12 34 08 01"
    with pytest.raises(ValueError, match=expected):
        read_idx(path)


def test_truncated_data(tmp_path):
    path = write_idx(tmp_path / "x.idx", np.zeros((4, 5), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError, match=r"is truncated: shape \(4, 5\) of uint8 needs 20 bytes of data, got 17"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = tmp_path / "x.idx"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 1]))
    with pytest.raises(ValueError, match="truncated: its header promises 3 sizes"):
        read_idx(path)


def test_truncated_gzip(tmp_path):
    path = write_idx(tmp_path / "x.idx.gz", np.zeros((50, 50), dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(ValueError, match="path: .* gzip file that is truncated or damaged"):
        read_idx(path)


def test_trailing_bytes(tmp_path):
    path = write_idx(tmp_path / "x.idx", np.zeros(3, dtype=np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(ValueError, match="longer than its header says"):
        read_idx(path)


@pytest.mark.parametrize("gz", [True, False])
def test_load_from_folder(tmp_path, gz):
    folder = write_mnist_folder(tmp_path, gz=gz)
    (x, t), (x_test, t_test) = load_mnist(path=folder)
    assert x.shape == (6, 784) and x.dtype == np.float64 and 0 <= x.min() and x.max() <= 1
    assert t.shape == (6,) and x_test.shape == (4, 784) and t_test.shape == (4,)
    raw = read_idx(next(folder.glob("train-images*")))
    np.testing.assert_array_equal(load_mnist(path=folder, normalize=False, flatten=False)[0][0][:, 0], raw)


def test_count_mismatch(tmp_path):
    folder = write_mnist_folder(tmp_path)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(3, dtype=np.uint8))
    with pytest.raises(ValueError, match="has 4 test images but 3 test labels; the counts must agree"):
        load_mnist(path=folder)


def test_missing_folder_says_how_to_get_data(tmp_path):
    with pytest.raises(DataNotFoundError, match="path: expected a folder .* download=True .* path=None") as info:
        load_mnist(path=tmp_path / "nowhere")
    assert isinstance(info.value, ValueError) and isinstance(info.value, FileNotFoundError)


def test_missing_file_says_which(tmp_path):
    folder = write_mnist_folder(tmp_path)
    (folder / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DataNotFoundError, match=r"has no t10k-images-idx3-ubyte\[.gz\]"):
        load_mnist(path=folder)


def test_embedded_subset():
    (x, t), (x_test, t_test) = load_mnist()
    assert x.shape == (4000, 784) and x_test.shape == (1000, 784)
    assert np.bincount(t).tolist() == [400] * 10 and np.bincount(t_test).tolist() == [100] * 10
    (x1, t1), _ = load_mnist(normalize=False, flatten=False, one_hot_label=True)
    assert x1.shape == (4000, 1, 28, 28) and x1.dtype == np.uint8 and x1.max() == 255
    np.testing.assert_array_equal(t1.argmax(axis=1), t)
    assert t1.sum() == 4000


def test_embedded_files_match_their_checksums_and_ship_their_license():
    folder = mnist_module.EMBEDDED_FOLDER
    sums = dict(line.split()[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines() if line)
    assert len(sums) == 4
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    readme = (folder / "README.md").read_text()
    assert "Creative Commons Attribution-Share Alike 3.0" in readme and "LeCun" in readme


# ---- download, against a server on 127.0.0.1 ----------------------------------------
class FixtureServer:
    """Serves ``files`` (name -> bytes) under /good/, corrupt copies under /bad/, nothing under /gone/."""

    def __init__(self, files):
        self.files, self.requests = files, []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                prefix, _, name = self.path.strip("/").partition("/")
                if name in outer.files and prefix in ("good", "bad"):
                    body = outer.files[name] if prefix == "good" else b"not the file"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fixture_files(tmp_path):
    source = write_mnist_folder(tmp_path / "source")
    files = {p.name: p.read_bytes() for p in source.iterdir()}
    md5 = {name: hashlib.md5(data).hexdigest() for name, data in files.items()}
    return files, md5


def test_download_tries_mirrors_in_order_and_checks_md5(tmp_path, fixture_files):
    files, md5 = fixture_files
    with FixtureServer(files) as server:
        mirrors = [f"{server.url}/gone/", f"{server.url}/bad/", f"{server.url}/good/"]
        folder = download_files(tmp_path / "cache", files=md5, mirrors=mirrors, verbose=False)
        assert sorted(p.name for p in folder.iterdir()) == sorted(files)  # no temporary files left
        for name, data in files.items():
            assert (folder / name).read_bytes() == data
        requests_after_first = len(server.requests)
        download_files(folder, files=md5, mirrors=mirrors, verbose=False)  # already there: no requests
        assert len(server.requests) == requests_after_first
    (x, _), _ = load_mnist(path=folder)
    assert x.shape == (6, 784)


def test_download_failure_names_every_mirror_and_leaves_nothing(tmp_path, fixture_files):
    files, md5 = fixture_files
    with FixtureServer(files) as server:
        mirrors = [f"{server.url}/gone/", f"{server.url}/bad/"]
        expected = r"(?s)could not download .*tried:.*gone.*404.*\n.*bad.*MD5 [0-9a-f]+, expected"
        with pytest.raises(OSError, match=expected) as info:
            download_files(tmp_path / "cache", files=md5, mirrors=mirrors, verbose=False)
    assert "tried" in str(info.value)
    assert list((tmp_path / "cache").iterdir()) == []


def test_interrupted_download_leaves_no_complete_looking_file(tmp_path, fixture_files, monkeypatch):
    files, md5 = fixture_files

    class Dropped:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, size=-1):
            raise ConnectionResetError("connection dropped mid-transfer")

    monkeypatch.setattr(mnist_module.urllib.request, "urlopen", lambda url, timeout: Dropped())
    with pytest.raises(OSError, match="connection dropped"):
        download_files(tmp_path / "cache", files=md5, mirrors=["http://127.0.0.1:9/"], verbose=False)
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_corrupt_cached_file_is_fetched_again(tmp_path, fixture_files):
    files, md5 = fixture_files
    cache = tmp_path / "cache"
    cache.mkdir()
    name = next(iter(files))
    (cache / name).write_bytes(gzip.compress(b"half a file"))
    with FixtureServer(files) as server:
        download_files(cache, files=md5, mirrors=[f"{server.url}/good/"], verbose=False)
    assert (cache / name).read_bytes() == files[name]


def test_default_cache_folder_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRATCHNET_DATA", str(tmp_path / "data"))
    assert mnist_module.default_cache_folder() == tmp_path / "data"
    monkeypatch.delenv("SCRATCHNET_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist_module.default_cache_folder() == tmp_path / "xdg" / "scratchnet" / "mnist"


def test_load_mnist_download_uses_cache_folder(monkeypatch, tmp_path):
    folder = write_mnist_folder(tmp_path / "cache")
    monkeypatch.setenv("SCRATCHNET_DATA", str(folder))
    fetched = []
    monkeypatch.setattr(mnist_module, "download_files", lambda path: fetched.append(path) or folder)
    (x, _), _ = load_mnist(download=True)
    assert fetched == [None] and x.shape == (6, 784)


@pytest.mark.parametrize("which, swapped_in", [("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
                                               ("t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")])
def test_a_file_of_the_other_kind_is_named_by_its_magic_number(tmp_path, which, swapped_in):
    write_mnist_folder(tmp_path)
    (tmp_path / which).write_bytes((tmp_path / swapped_in).read_bytes())
    wanted, found = (2051, 2049) if "images" in which else (2049, 2051)
    kind = "labels" if found == 2049 else "images"
    with pytest.raises(ValueError, match=rf"{which} has magic number {found} \(that of a {kind} file\), but a "
                                         rf"\w+ file needs {wanted}: MNIST images files start with 2051"):
        load_mnist(path=tmp_path)


def test_load_mnist_normalization_dtype_and_shapes():
    (x, t), (x_test, _) = load_mnist(normalize=False)
    assert x.dtype == np.uint8 and x.max() == 255 and x.shape == (4000, 784) and t.dtype == np.int64
    (scaled, _), _ = load_mnist(normalize=True, dtype=np.float32)
    assert scaled.dtype == np.float32
    np.testing.assert_array_equal(scaled, (x / 255.0).astype(np.float32))
    (images, one_hot), _ = load_mnist(flatten=False, one_hot_label=True)
    assert images.shape == (4000, 1, 28, 28) and one_hot.shape == (4000, 10)
    np.testing.assert_array_equal(one_hot.argmax(axis=1), t)
    np.testing.assert_array_equal(images.reshape(4000, 784), x / 255.0)


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    """/short/NAME promises more than it sends; /drip/NAME sends a byte at a time, slowly; /huge/NAME never ends."""

    protocol_version = "HTTP/1.0"

    def do_GET(self):
        kind = self.path.strip("/").split("/")[0]
        self.send_response(200)
        if kind == "short":
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x" * 10)
        elif kind == "drip":
            self.send_header("Content-Length", "50")
            self.end_headers()
            for _ in range(50):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.1)
        else:
            self.end_headers()
            try:
                for _ in range(10_000):
                    self.wfile.write(b"x" * 65536)
            except OSError:
                return

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("kind, words", [("short", "IncompleteRead"), ("drip", r"TimeoutError: not finished after "
                                                                                r"0.5 s"),
                                         ("huge", r"more than the \d+ bytes this file has")])
def test_a_bad_mirror_is_given_up_on_and_the_next_one_tried(kind, words, tmp_path, fixture_files):
    files, md5 = fixture_files
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bad = f"http://127.0.0.1:{server.server_address[1]}/{kind}/"
    try:
        with FixtureServer(files) as good:
            folder = download_files(tmp_path / "cache", files=md5, mirrors=[bad, f"{good.url}/good/"],
                                    verbose=False, deadline=0.5)
        assert sorted(p.name for p in folder.iterdir()) == sorted(files)  # every file, from the second mirror
        with pytest.raises(OSError, match=rf"could not download .*tried:\n  {bad}\S+: .*{words}"):
            download_files(tmp_path / "other", files=md5, mirrors=[bad], verbose=False, deadline=0.5)
        assert list((tmp_path / "other").iterdir()) == []  # nothing half-written left behind
    finally:
        server.shutdown()
        server.server_close()


def test_load_mnist_refuses_labels_other_than_digits_an_int_dtype_and_a_file_for_a_folder(tmp_path):
    folder = write_mnist_folder(tmp_path / "data")
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.array([3, 12, 0, 1], dtype=np.uint8))
    for one_hot in (False, True):  # both: without one_hot_label a 12 loaded silently
        with pytest.raises(ValueError, match=r"test labels from 0 to 12; MNIST's are the digits 0 to 9"):
            load_mnist(path=folder, one_hot_label=one_hot)
    with pytest.raises(ValueError, match=r"dtype: expected a floating-point type .* got int64"):
        load_mnist(dtype=int)
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(DataNotFoundError, match=r"which is a file, not a folder"):
        load_mnist(path=tmp_path / "a_file")


def test_writing_a_vector_into_integer_arrays_is_refused():
    from scratchnet.landscape import vector_to_params

    params = {"W": np.zeros((2, 2), dtype=int)}
    with pytest.raises(ValueError, match=r"params\['W'\]: expected a floating-point array to write into, got int"):
        vector_to_params(np.full(4, 0.5), params)
    assert not params["W"].any()


def test_a_header_whose_sizes_overflow_is_rejected_as_too_large(tmp_path):
    import struct

    path = tmp_path / "forged-idx3-ubyte"
    path.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">III", 2**31, 2**31, 4) + b"\x00" * 16)
    with pytest.raises(ValueError, match=r"needs 18446744073709551616 bytes of data, got 16"):
        read_idx(path)
