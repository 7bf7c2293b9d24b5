"""MNIST in the IDX format: read, write, load, and download.

``load_mnist()`` with no arguments returns the embedded subset shipped inside the
package (4000 training and 1000 test images of real MNIST, 400 and 100 per digit;
see ``data/mnist-5k/README.md`` for its source and license). ``path=`` loads the four
standard IDX files from a folder (full MNIST, Fashion-MNIST or any drop-in);
``download=True`` fetches full MNIST into a cache folder first.

The IDX format: two zero bytes, a type code, the number of dimensions ``d``; then
``d`` big-endian 32-bit sizes; then the values, big-endian, row-major.
"""

import gzip
import hashlib
import http.client
import math
import os
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

from scratchnet.fileio import atomic_path

EMBEDDED_FOLDER = Path(__file__).parent / "data" / "mnist-5k"

FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

# Published MD5 checksums of the gzipped full MNIST files.
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

# Their published sizes in bytes: a download that grows past its file's size is stopped.
MNIST_SIZES = {
    "train-images-idx3-ubyte.gz": 9912422,
    "train-labels-idx1-ubyte.gz": 28881,
    "t10k-images-idx3-ubyte.gz": 1648877,
    "t10k-labels-idx1-ubyte.gz": 4542,
}
MAX_BYTES = 64 << 20  # the cap for a file whose size is not known

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

IDX_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
IDX_CODES = {(dtype.kind, dtype.itemsize): code for code, dtype in IDX_TYPES.items()}


class DataNotFoundError(FileNotFoundError, ValueError):
    """The data folder or one of its files is missing (a ``ValueError`` and a ``FileNotFoundError``)."""


def _read_bytes(path):
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip's magic number, whatever the file is called
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError) as error:
            raise ValueError(f"path: {path} is a gzip file that is truncated or damaged ({error})") from None
    return raw


MNIST_MAGIC = {"images": 2051, "labels": 2049}  # 00 00 08 03: unsigned bytes, 3 sizes; 00 00 08 01: 1 size


def read_idx(path, expected_magic=None):
    """Read an IDX file (gzipped or not) into a numpy array of its stored shape and type.

    ``expected_magic`` (e.g. 2051 for MNIST images, 2049 for labels) is checked first, so a
    file of the wrong kind is named as such rather than as the wrong length.
    """
    raw = _read_bytes(path)
    if expected_magic is not None and len(raw) >= 4:
        magic = int.from_bytes(raw[:4], "big")
        if magic != expected_magic:
            kinds = {number: kind for kind, number in MNIST_MAGIC.items()}
            this = f" (that of a {kinds[magic]} file)" if magic in kinds else ""
            wanted = kinds.get(expected_magic, "this")
            raise ValueError(
                f"path: {path} has magic number {magic}{this}, but a {wanted} file needs {expected_magic}: "
                f"MNIST images files start with 2051 (00 00 08 03) and labels files with 2049 (00 00 08 01)"
            )
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise ValueError(
            f"path: {path} is not an IDX file: expected a magic number 00 00 <type> <dims> with "
            f"type one of {', '.join(f'{c:#04x}' for c in IDX_TYPES)}, got {raw[:4].hex(' ') or 'an empty file'}"
        )
    dtype, ndim = IDX_TYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"path: {path} is truncated: its header promises {ndim} sizes but the file ends first")
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = math.prod(shape) * dtype.itemsize  # Python ints: a forged header cannot wrap around
    if len(raw) - header != expected:
        raise ValueError(
            f"path: {path} is {'truncated' if len(raw) - header < expected else 'longer than its header says'}: "
            f"shape {shape} of {dtype} needs {expected} bytes of data, got {len(raw) - header}"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path, array):
    """Write ``array`` as an IDX file (gzipped when ``path`` ends in ``.gz``), atomically."""
    array = np.asarray(array)
    code = IDX_CODES.get((array.dtype.kind, array.dtype.itemsize))
    if code is None:
        raise ValueError(
            f"array: IDX stores uint8, int8, int16, int32, float32 or float64, got dtype {array.dtype}"
        )
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    data = header + array.astype(IDX_TYPES[code], copy=False).tobytes()
    if str(path).endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)


def _find(folder, stem):
    for name in (stem + ".gz", stem):
        if (folder / name).is_file():
            return folder / name
    raise DataNotFoundError(
        f"path: {folder} has no {stem}[.gz]. Pass path= a folder holding the four MNIST IDX files, "
        f"download=True to fetch full MNIST, or no path for the embedded subset"
    )


def default_cache_folder():
    """``$SCRATCHNET_DATA``, else ``$XDG_CACHE_HOME/scratchnet/mnist``, else ``~/.cache/scratchnet/mnist``."""
    if os.environ.get("SCRATCHNET_DATA"):
        return Path(os.environ["SCRATCHNET_DATA"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "scratchnet" / "mnist"


def _md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(url, temporary, timeout, deadline, cap):
    """Stream ``url`` into the file ``temporary``: at most ``cap`` bytes, ``deadline`` seconds in all (a server that
    drips a byte a second is given up on), ``timeout`` seconds for any one read."""
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as response, open(temporary, "wb") as out:
        announced = getattr(response, "headers", {}).get("Content-Length")
        if announced is not None and int(announced) > cap:
            raise ValueError(f"the server announces {announced} bytes, more than the {cap} this file has")
        read = getattr(response, "read1", response.read)  # what has arrived, without waiting for a whole block
        total = 0
        while True:
            if time.monotonic() - started > deadline:
                raise TimeoutError(f"not finished after {deadline:g} s ({total} bytes so far)")
            block = read(1 << 16)
            if not block:
                if announced is not None and total < int(announced):
                    raise http.client.IncompleteRead(b"", int(announced) - total)  # the connection closed early
                return total
            total += len(block)
            if total > cap:
                raise ValueError(f"more than the {cap} bytes this file has")
            out.write(block)


def download_files(folder=None, files=None, mirrors=MIRRORS, timeout=30, verbose=True, deadline=600):
    """Fetch each file of ``files`` (name -> MD5) into ``folder``, trying ``mirrors`` in order.

    A file already present with the right checksum is kept. Each download is streamed
    to a hidden temporary file and renamed only once its MD5 matches, so an interrupted
    download never leaves a file that looks complete. A download stops, and the next
    mirror is tried, when it fails in any way (a dropped or truncated connection, an HTTP
    error), grows past the file's known size, or takes more than ``deadline`` seconds.
    Returns the folder. Raises ``OSError`` naming every mirror tried when a file cannot be had.
    """
    folder = Path(folder) if folder is not None else default_cache_folder()
    files = MNIST_MD5 if files is None else files
    folder.mkdir(parents=True, exist_ok=True)
    for name, md5 in files.items():
        target = folder / name
        if target.is_file() and _md5(target) == md5:
            continue
        failures = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            if verbose:
                print(f"downloading {url}", file=sys.stderr)
            try:
                with atomic_path(target) as temporary:
                    _fetch(url, temporary, timeout, deadline, MNIST_SIZES.get(name, MAX_BYTES))
                    got = _md5(temporary)
                    if got != md5:
                        raise ValueError(f"MD5 {got}, expected {md5}")
                break
            except (OSError, ValueError, http.client.HTTPException) as error:  # IncompleteRead is an HTTPException
                failures.append(f"{url}: {type(error).__name__}: {error}")
        else:
            raise OSError(f"could not download {name}; tried:\n  " + "\n  ".join(failures))
    return folder


def _one_hot(labels, num_classes=10, dtype=np.float64):
    out = np.zeros((labels.size, num_classes), dtype=dtype)
    out[np.arange(labels.size), labels] = 1
    return out


def load_mnist(normalize=True, flatten=True, one_hot_label=False, path=None, download=False,
               dtype=np.float64):
    """Load MNIST as ``((x_train, t_train), (x_test, t_test))``, as in the textbook.

    - ``normalize``: pixels as ``dtype`` in [0, 1]; otherwise the raw uint8 0-255.
    - ``flatten``: images as ``(N, 784)`` rows; otherwise ``(N, 1, 28, 28)``.
    - ``one_hot_label``: labels as ``(N, 10)`` one-hot rows; otherwise integers ``(N,)``.
    - ``path``: a folder with the four standard IDX files (``.gz`` or not). ``None``
      loads the embedded 4000/1000 subset, or with ``download=True`` full MNIST from
      the cache folder (:func:`default_cache_folder`), fetching it first if needed.
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"dtype: expected a floating-point type for the pixels (float64, float32), got {dtype}")
    if download:
        folder = download_files(path)
    elif path is None:
        folder = EMBEDDED_FOLDER
    else:
        folder = Path(path)
        if not folder.is_dir():
            what = "is a file, not a folder" if folder.exists() else "does not exist"
            raise DataNotFoundError(
                f"path: expected a folder holding the four MNIST IDX files, got {folder}, which {what}. "
                f"Use download=True to fetch full MNIST, or leave path=None for the embedded subset"
            )
    arrays = {key: read_idx(_find(folder, stem), MNIST_MAGIC[key.split("_")[1]]) for key, stem in FILES.items()}
    result = []
    for part in ("train", "test"):
        images, labels = arrays[f"{part}_images"], arrays[f"{part}_labels"]
        if images.ndim != 3 or labels.ndim != 1:
            raise ValueError(
                f"path: {part} images must be (N, rows, cols) and labels (N,), got {images.shape} "
                f"and {labels.shape} in {folder}"
            )
        if len(images) != len(labels):
            raise ValueError(
                f"path: {folder} has {len(images)} {part} images but {len(labels)} {part} labels; "
                f"the counts must agree"
            )
        x = images.astype(dtype) / 255.0 if normalize else images
        x = x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, *images.shape[1:])
        t = labels.astype(np.int64)
        if t.size and (t.min() < 0 or t.max() > 9):
            raise ValueError(f"path: {folder} has {part} labels from {t.min()} to {t.max()}; MNIST's are the digits "
                             f"0 to 9")
        result.append((x, _one_hot(t, dtype=dtype) if one_hot_label else t))
    return tuple(result)
