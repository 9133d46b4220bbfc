"""A training run's pictures (the 2-D codes of the test sample, the shown digits' reconstructions)
kept in files of their own, out of the line log, on a schedule that thins them as a run grows long.

metrics.jsonl keeps one small line per picture that names its file (pictures/latent-<d>/epoch-<e>-
<what>.npz), written after the file itself, atomically, so a line never names a file that is not
whole. A run killed between the two leaves a file that no line names; the redone epoch writes it
again, and `bumptui repair` lists and removes what is left. Logs written before this keep their
pictures inline, and read as they did.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from engine.autoencoder.jobs.train import events as ev
from engine.autoencoder.runs.checkpoint import write_atomic

FOLDER = "pictures"
KINDS = {"codes": ev.LatentSnapshot, "digits": ev.Reconstructions}
"""What a picture file holds -> the event that names it."""


def keeps_pictures(epoch: int, epochs: int, eval_every: int) -> bool:
    """Whether an epoch keeps its pictures: every epoch to 10, every 10th to 100, every 100th after,
    the last epoch, and every epoch that is evaluated (k-means and the judge)."""
    step = 1 if epoch <= 10 else 10 if epoch <= 100 else 100
    return epoch % step == 0 or epoch == epochs or epoch % eval_every == 0


def relative_path(latent: int, epoch: int, what: str) -> str:
    return f"{FOLDER}/latent-{latent}/epoch-{epoch:06d}-{what}.npz"


def save(run_dir: Path, latent: int, epoch: int, what: str, **arrays: np.ndarray) -> str:
    """Write one picture file atomically; its path relative to the run, for the log line to name."""
    relative = relative_path(latent, epoch, what)
    path = Path(run_dir) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = io.BytesIO()
    np.savez_compressed(data, **arrays)
    write_atomic(data.getbuffer(), path, intact="the run's log and checkpoints are intact")
    return relative


def load(run_dir: Path, event):
    """The event with its pictures in it: as it is when they are inline (a log from before they moved
    out), else read from the file it names; None when that file is missing or unreadable."""
    if not getattr(event, "file", ""):
        return event
    try:
        with np.load(Path(run_dir) / event.file) as f:
            arrays = {name: f[name] for name in f.files}
    except (OSError, ValueError, EOFError):
        return None
    from dataclasses import replace

    if isinstance(event, ev.LatentSnapshot):
        return replace(event, xy=arrays["xy"].astype(float).tolist(), labels=arrays["labels"].tolist())
    return replace(event, originals=arrays["originals"], images=arrays["images"])


def named(events) -> set[str]:
    """The picture files that the given events name."""
    return {e.file for e in events if isinstance(e, tuple(KINDS.values())) and e.file}


def on_disk(run_dir: Path) -> set[str]:
    """The picture files in a run's folder, relative to it, with any temp file a killed write left."""
    root = Path(run_dir) / FOLDER
    if not root.is_dir():
        return set()
    return {str(p.relative_to(run_dir)) for pattern in ("latent-*/epoch-*.npz", "latent-*/.epoch-*.tmp")
            for p in root.glob(pattern)}


def check(run_dir: Path, events) -> tuple[list[str], list[str]]:
    """(the files the log names that are missing, the files no line names: left by a run killed between
    writing a picture and its line, or by a write cut short), each sorted."""
    wanted, there = named(events), on_disk(run_dir)
    return sorted(wanted - there), sorted(there - wanted)
