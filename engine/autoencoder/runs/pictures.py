"""A job's pictures (a training's 2-D codes of the test sample and the shown digits' reconstructions,
a sharpening's reconstructions per model) kept in files of their own, out of the line log.

metrics.jsonl keeps one small line per picture whose `file` field names its file (pictures/latent-
<d>/epoch-<e>-<what>.npz under the job's folder), written after the file itself, atomically, so a
line never names a file that is not whole. A job killed between the two leaves a file that no line
names; the redone epoch writes it again, and `bumptui repair` lists and removes what is left. Logs
written before this keep their pictures inline, and read as they did.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np

from bumptui.engine import guarded
from bumptui.engine.autoencoder import SIDE
from bumptui.engine.autoencoder.runs import events
from bumptui.engine.autoencoder.runs.checkpoint import write_atomic

FOLDER = "pictures"


def relative_path(latent: int, epoch: int, what: str) -> str:
    return f"{FOLDER}/latent-{latent}/epoch-{epoch:06d}-{what}.npz"


def save(folder: Path, latent: int, epoch: int, what: str, **arrays: np.ndarray) -> str:
    """Write one picture file atomically; its path relative to the job's folder, for the log line to name."""
    relative = relative_path(latent, epoch, what)
    path = guarded.folder(folder, Path(relative).parent) / Path(relative).name
    data = io.BytesIO()
    np.savez_compressed(data, **arrays)
    write_atomic(data.getbuffer(), path, intact="the run's log and checkpoints are intact")
    return relative


NAME = re.compile(rf"{FOLDER}/latent-[0-9]{{1,6}}/epoch-[0-9]{{6}}-[A-Za-z0-9_-]{{1,40}}\.npz")
"""The only picture paths a log line may name: relative_path's, inside the job's folder."""
MAX_FILE = 16 << 20
"""A picture file the program writes is well under this (2,000 codes, or a few dozen digits)."""
ARRAYS = {"xy": (np.float32, 2), "labels": (np.uint8, 1), "originals": (np.uint8, 3), "images": (np.uint8, 3)}
"""The arrays a picture file may hold: (dtype, number of dimensions)."""
MAX_ARRAY = 8 << 20
"""Bytes of one array decompressed: 10,000 digits of 28x28."""


def _arrays(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a picture file, each checked for a name, size, type and shape the program writes
    before it is decompressed or used (a small file can inflate to gigabytes); ValueError otherwise."""
    data = guarded.read(path, MAX_FILE)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = info.filename.removesuffix(".npy")
            if name not in ARRAYS or info.file_size > MAX_ARRAY:
                raise ValueError(f"{info.filename} is not an array the program writes")
    with np.load(io.BytesIO(data), allow_pickle=False) as f:
        arrays = {name: f[name] for name in f.files}
    for name, a in arrays.items():
        dtype, ndim = ARRAYS[name]
        if a.dtype != dtype or a.ndim != ndim or (ndim == 3 and a.shape[1:] != (SIDE, SIDE)) or \
                (name == "xy" and a.shape[1:] != (2,)):
            raise ValueError(f"{name} is not shaped as the program writes it")
    return arrays


def load(folder: Path, event):
    """The event with its pictures in it: as it is when they are inline (a log from before they moved
    out), else read from the file it names (digits stay uint8 arrays, the rest become lists, as a
    log line holds them); None when that file is missing, unreadable or not one the program writes,
    or when the line names a path the program never writes (absolute, or outside the job's folder)."""
    if not getattr(event, "file", ""):
        return event
    if not isinstance(event.file, str) or not NAME.fullmatch(event.file):
        return None
    try:
        arrays = _arrays(Path(folder) / event.file)
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, guarded.Refused):  # missing, cut short,
        return None  # not ours
    from dataclasses import replace

    pictured = replace(event, **{name: a if a.ndim == 3 else a.astype(float if a.dtype.kind == "f" else int).tolist()
                                 for name, a in arrays.items()})
    return None if events.wrong(pictured) else pictured  # a label 200, a NaN code: not what the program writes


def named(events) -> set[str]:
    """The picture files that the given events name."""
    return {e.file for e in events if getattr(e, "file", "")}


def on_disk(folder: Path) -> set[str]:
    """The picture files in a job's folder, relative to it, with any temp file a killed write left."""
    root = Path(folder) / FOLDER
    if not root.is_dir():
        return set()
    return {str(p.relative_to(folder)) for pattern in ("latent-*/epoch-*.npz", "latent-*/.epoch-*.tmp")
            for p in root.glob(pattern)}


def check(folder: Path, events) -> tuple[list[str], list[str]]:
    """(the files the job's log names that are missing, the files no line names: left by a job killed
    between writing a picture and its line, or by a write cut short), each sorted."""
    wanted, there = named(events), on_disk(folder)
    return sorted(wanted - there), sorted(there - wanted)
