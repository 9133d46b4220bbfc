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
import zipfile
from pathlib import Path

import numpy as np

from bumptui.engine.autoencoder.runs.checkpoint import write_atomic

FOLDER = "pictures"


def relative_path(latent: int, epoch: int, what: str) -> str:
    return f"{FOLDER}/latent-{latent}/epoch-{epoch:06d}-{what}.npz"


def save(folder: Path, latent: int, epoch: int, what: str, **arrays: np.ndarray) -> str:
    """Write one picture file atomically; its path relative to the job's folder, for the log line to name."""
    relative = relative_path(latent, epoch, what)
    path = Path(folder) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = io.BytesIO()
    np.savez_compressed(data, **arrays)
    write_atomic(data.getbuffer(), path, intact="the run's log and checkpoints are intact")
    return relative


def load(folder: Path, event):
    """The event with its pictures in it: as it is when they are inline (a log from before they moved
    out), else read from the file it names (digits stay uint8 arrays, the rest become lists, as a
    log line holds them); None when that file is missing or unreadable."""
    if not getattr(event, "file", ""):
        return event
    try:
        with np.load(Path(folder) / event.file) as f:
            arrays = {name: f[name] for name in f.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):  # missing, cut short, not ours
        return None
    from dataclasses import replace

    return replace(event, **{name: a if a.ndim == 3 else a.astype(float if a.dtype.kind == "f" else int).tolist()
                             for name, a in arrays.items()})


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
