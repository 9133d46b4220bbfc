"""MNIST from the original IDX files, checked against their published SHA-256 sums.

The files ship inside the package (assets/mnist/ in the repository, bumptui/assets/mnist/ once
installed), found through importlib.resources wherever the package lies. A data directory may hold
the four files (gzip-compressed or not) or be a torchvision-style root with them in MNIST/raw/.
Nothing here touches the network.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from bumptui.engine.autoencoder import PIXELS, SIDE  # noqa: F401 (this module's names for them, as before)
from bumptui.engine.errors import UserError


def shipped_mnist() -> Path:
    """The copy of MNIST that ships with the program, where the package was installed."""
    return Path(str(resources.files("bumptui.assets") / "mnist"))


# SHA-256 of the decompressed files of the original release; see assets/mnist/README.md.
FILES = {
    "train-images-idx3-ubyte": ("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 2051, 60000),
    "train-labels-idx1-ubyte": ("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 2049, 60000),
    "t10k-images-idx3-ubyte": ("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 2051, 10000),
    "t10k-labels-idx1-ubyte": ("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 2049, 10000),
}


"""MNIST digits are SIDE x SIDE pixels."""


class DataError(UserError):
    """The data a user pointed at is missing or damaged; the message says which file and how."""


@dataclass(frozen=True)
class Mnist:
    train_images: np.ndarray
    """uint8, (60000, 28, 28)."""
    train_labels: np.ndarray
    """uint8, (60000,)."""
    test_images: np.ndarray
    test_labels: np.ndarray


def find_file(data_dir: Path, name: str) -> Path:
    for folder in (data_dir, data_dir / "MNIST" / "raw", data_dir / "raw"):
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    raise DataError(f"MNIST file {name} (or {name}.gz) is missing from {data_dir}.")


def read_idx(path: Path, expected_sha: str, magic: int, count: int) -> np.ndarray:
    """The array in one IDX file, after checking its checksum and header."""
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise DataError(f"MNIST file {path} cannot be read ({err}); replace it with the original.") from None
    if hashlib.sha256(raw).hexdigest() != expected_sha:
        raise DataError(
            f"MNIST file {path} is truncated or altered (its SHA-256 does not match the original); "
            "replace it with the original file."
        )
    header = np.frombuffer(raw, dtype=">i4", count=2)
    if header[0] != magic or header[1] != count:  # cannot happen with a matching checksum
        raise DataError(f"MNIST file {path} has an unexpected header.")
    if magic == 2051:
        rows, cols = np.frombuffer(raw, dtype=">i4", count=2, offset=8)
        return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows, cols)
    return np.frombuffer(raw, dtype=np.uint8, offset=8)


def load_mnist(data_dir: str | Path | None = None) -> Mnist:
    """All of MNIST from `data_dir` (default: the copy that ships with the program)."""
    root = Path(data_dir) if data_dir is not None else shipped_mnist()
    if not root.is_dir():
        raise DataError(f"The MNIST data directory {root} does not exist.")
    arrays = {name: read_idx(find_file(root, name), *spec) for name, spec in FILES.items()}
    return Mnist(
        arrays["train-images-idx3-ubyte"],
        arrays["train-labels-idx1-ubyte"],
        arrays["t10k-images-idx3-ubyte"],
        arrays["t10k-labels-idx1-ubyte"],
    )
