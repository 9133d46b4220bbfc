"""What a job reports, one frozen dataclass per fact: the events every kind shares (how a job
ended), and the one table by which a log line becomes an event again.

A job hands each event to a callback; the run directory stores each as one JSON line of its
metrics.jsonl with its type under "event", so a reader in another process rebuilds the same
objects with `from_record`. Each kind declares its own events in its package (jobs/<kind>/events.py)
with `@event`, which enters them in that table. Events are keyed by what they are about (a model,
an epoch, a step): after a resume the redone epoch's events appear again, and the last one read wins.
"""

from __future__ import annotations

import base64
from dataclasses import MISSING, asdict, dataclass, field, fields

import numpy as np

from bumptui.engine.autoencoder.mnist import SIDE

EVENTS: dict[str, type] = {}
"""Every event type by its name, as a log line names it."""


def event(cls):
    """Declare a frozen dataclass as an event that logs can hold (its name must be new)."""
    cls = dataclass(frozen=True, slots=True)(cls)  # slots: a long run holds thousands of them
    if EVENTS.setdefault(cls.__name__, cls) is not cls:
        raise TypeError(f"two events are named {cls.__name__}")
    return cls


@event
class Done:
    summary: dict


@event
class Stopped:
    reason: str


@event
class Failed:
    message: str


@event
class Notice:
    """Something a user should know that does not stop the job (a design trained eagerly, ...)."""

    message: str


@event
class SystemSample:
    """The box while a job runs (runs/system.py): every few seconds, beside the job's own events."""

    t: float
    """Seconds since the job's process started sampling."""
    proc_cpu: float
    """The job's process, % of one core (over 100 with several threads)."""
    proc_rss: float
    """The job's process's resident memory, MB."""
    cpu: float
    """The machine's CPU use, % of all cores."""
    ram_avail: float
    ram_total: float
    """The machine's RAM available and in all, MB."""
    gpus: list = field(default_factory=list)
    """Per GPU the job uses: index, util %, mem_used and mem_total MB, temp °C, power and power_limit W."""
    gpu_note: str = ""
    """Why GPUs are missing ("no GPU in use", NVML unavailable, a GPU lost); "" when all are there."""


@dataclass(frozen=True, slots=True)
class JobStarted:
    """What every job says first, each kind under its own name (RunStarted, SharpenStarted, ...)."""

    run_dir: str
    config: dict
    device: str
    resumed_epochs: dict
    """Per unit of work (a model, a strategy's pair), the epochs already done when this process started."""
    stale_lock_pid: int | None = None
    """A dead process whose lock was found and removed."""


ENDINGS = (Done, Stopped, Failed)
"""The events that end a job."""


def to_record(e) -> dict:
    return {"event": type(e).__name__, **asdict(e)}


def from_record(record: dict):
    """The event a log line holds; a field the line lacks takes its default (a log written before
    the field existed), and a line that lacks a field without one is not an event (KeyError)."""
    cls = EVENTS[record["event"]]
    given = {f.name: record[f.name] for f in fields(cls) if f.name in record}
    missing = [f.name for f in fields(cls) if f.name not in record and f.default is MISSING
               and f.default_factory is MISSING]
    if missing:
        raise KeyError(missing[0])
    return cls(**given)


def encode_images(images: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(images, dtype=np.uint8).tobytes()).decode("ascii")


def decode_images(data) -> np.ndarray:
    """Digits as uint8 (n, 28, 28) from a log line's base64, or as they are when already an array."""
    if isinstance(data, np.ndarray):
        return data
    return np.frombuffer(base64.b64decode(data), dtype=np.uint8).reshape(-1, SIDE, SIDE)
