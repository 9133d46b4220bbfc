import gzip
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from bumptui.engine.autoencoder.mnist import FILES, shipped_mnist, DataError, load_mnist


def readme_counts(split: str) -> list[int]:
    text = (shipped_mnist() / "README.md").read_text()
    return [int(n) for n in re.search(rf"{split}: ([\d ]+)", text).group(1).split()]


def test_shipped_mnist_loads_with_the_published_label_counts():
    data = load_mnist()
    assert data.train_images.shape == (60000, 28, 28) and data.train_images.dtype == np.uint8
    assert data.test_images.shape == (10000, 28, 28)
    assert np.bincount(data.train_labels).tolist() == readme_counts("train")
    assert np.bincount(data.test_labels).tolist() == readme_counts("test")


def copy_assets(dest: Path, skip: str = "") -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if name != skip:
            shutil.copy(shipped_mnist() / f"{name}.gz", dest / f"{name}.gz")
    return dest


def test_a_missing_file_is_named(tmp_path):
    copy_assets(tmp_path, skip="t10k-labels-idx1-ubyte")
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte \(or t10k-labels-idx1-ubyte.gz\) is missing"):
        load_mnist(tmp_path)


def test_a_truncated_file_is_named(tmp_path):
    copy_assets(tmp_path)
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz"):
        load_mnist(tmp_path)


def test_an_altered_file_fails_its_checksum(tmp_path):
    copy_assets(tmp_path)
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] = (raw[100] + 1) % 10  # one label changed
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz is truncated or altered"):
        load_mnist(tmp_path)


def test_uncompressed_files_in_a_torchvision_root(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in FILES:
        (raw / name).write_bytes(gzip.decompress((shipped_mnist() / f"{name}.gz").read_bytes()))
    data = load_mnist(tmp_path)
    assert np.array_equal(data.test_images, load_mnist().test_images)


def test_a_missing_directory_is_one_sentence(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_mnist(tmp_path / "nowhere")
