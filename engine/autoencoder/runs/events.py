"""What a job reports, one frozen dataclass per fact: the events every kind shares (how a job
ended), and the one table by which a log line becomes an event again.

A job hands each event to a callback; the run directory stores each as one JSON line of its
metrics.jsonl with its type under "event", so a reader in another process rebuilds the same
objects with `from_record`. Each kind declares its own events in its package (jobs/<kind>/events.py)
with `@event`, which enters them in that table. Events are keyed by what they are about (a model,
an epoch, a step): after a resume the redone epoch's events appear again, and the last one read wins.

A line read back is checked against its event's field types as it is rebuilt: a whole number where
an int belongs, a finite number where a float does, each list's items, and the ranges that `Count`,
`Positive`, `Share`, `Amount` and `Digit` declare, then what an event's own `inconsistent()` says of
its fields together. A line from elsewhere that parses but holds an impossible value (a step count
of 0, a NaN loss, a digit 12, step 9 of 4) is damaged like any other line.
"""

from __future__ import annotations

import base64
import functools
import math
import types
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Annotated, TypedDict

import numpy as np

from bumptui.engine.autoencoder.mnist import SIDE

EVENTS: dict[str, type] = {}
"""Every event type by its name, as a log line names it."""

BIGGEST = 2**31 - 1
"""No count the program writes (epochs, steps, seeds, latent sizes, process ids) comes near this."""


@dataclass(frozen=True)
class Range:
    """The values a number of an event can take, both ends included."""

    low: float
    high: float


@dataclass(frozen=True)
class Size:
    """How many items a list of an event holds."""

    items: int


@dataclass(frozen=True)
class OneOf:
    """The words a text field of an event can hold."""

    words: tuple[str, ...]


Count = Annotated[int, Range(0, BIGGEST)]
"""Epochs, steps, seeds, sizes: a whole number from 0."""
Positive = Annotated[int, Range(1, BIGGEST)]
"""A whole number from 1: a latent size, a step of an epoch, the steps of an epoch (a divisor)."""
Digit = Annotated[int, Range(0, 9)]
Share = Annotated[float, Range(0, 1)]
"""An accuracy, a purity, a probability."""
Score = Annotated[float, Range(-1, 1)]
"""NMI or ARI (ARI dips below 0 on worse than chance; rounding takes NMI a hair past 1)."""
Amount = Annotated[float, Range(0, math.inf)]
"""A loss, seconds, a rate, megabytes: finite and not negative."""
Point = Annotated[list[float], Size(2)]
"""x and y."""
PerDigit = Annotated[list[Count], Size(10)]
"""A count for each digit 0-9: a row of a contingency table."""


class GpuSample(TypedDict):
    """One GPU in a SystemSample."""

    index: Count
    util: Amount
    mem_used: Amount
    mem_total: Annotated[float, Range(1, math.inf)]
    temp: float
    power: Amount
    power_limit: Amount


class ValueDamaged(ValueError):
    """A log line's field whose value is not one the program writes; the message says which and how."""


def _checker(hint):
    """A function that returns what is wrong with a value for a field typed `hint` ("" when nothing)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Annotated:
        inner, (bound,) = _checker(args[0]), args[1:]
        if isinstance(bound, Size):
            return lambda v: inner(v) or ("" if len(v) == bound.items else f"not {bound.items} items long")
        if isinstance(bound, OneOf):
            return lambda v: inner(v) or ("" if v in bound.words else f"not one of {', '.join(bound.words)}")
        low, high = bound.low, bound.high
        slow = lambda v: inner(v) or (f"below {low:,}" if v < low else f"above {high:,}" if v > high else "")  # noqa: E731
        if args[0] is int:  # the common case in one expression: a log holds millions of these
            return lambda v: "" if type(v) is int and low <= v <= high else slow(v)
        return lambda v: "" if (type(v) is float or type(v) is int) and low <= v <= high and v != math.inf else slow(v)
    if origin in (typing.Union, types.UnionType):  # int | None: what the first real type says is wrong
        options, first = [_checker(a) for a in args], _checker(next(a for a in args if a is not type(None)))
        return lambda v: "" if any(not check(v) for check in options) else first(v)
    if hint is type(None):
        return lambda v: "" if v is None else "not empty"
    if hint is int:
        return lambda v: "" if type(v) is int and -2**63 <= v < 2**63 else "not a whole number"
    if hint is float:
        return lambda v: ("" if type(v) in (int, float) and math.isfinite(v) else "not a finite number")
    if hint is bool:
        return lambda v: "" if type(v) is bool else "not true or false"
    if hint is str:
        return lambda v: "" if type(v) is str else "not text"
    if typing.is_typeddict(hint):
        keys = {k: _checker(h) for k, h in typing.get_type_hints(hint, include_extras=True).items()}
        return lambda v: ("not a table" if type(v) is not dict else
                          next((f"its {k} is missing" for k in keys if k not in v), "") or
                          next((f"its {k} is {why}" for k, check in keys.items() if (why := check(v[k]))), ""))
    if hint is list or origin is list:
        item = _checker(args[0]) if args else (lambda v: "")
        return lambda v: ("not a list" if type(v) is not list else
                          next((f"holds {_shown(x)}, {why}" for x in v if (why := item(x))), ""))
    if hint is dict or origin is dict:
        value = _checker(args[1]) if args else (lambda v: "")
        return lambda v: ("not a table" if type(v) is not dict else
                          next((f"holds {_shown(x)}, {why}" for x in v.values() if (why := value(x))), ""))
    raise TypeError(f"an event field cannot be typed {hint!r}")


def past_its_epoch(step) -> str:
    """What is wrong with a step event whose step lies past its epoch's steps ("" when nothing)."""
    if step.step > step.steps_per_epoch:
        return f"its step is {step.step}, past its epoch's {step.steps_per_epoch} steps"
    return ""


def digits_fit(event) -> str:
    """What is wrong with an event's shown digits ("" when nothing): `originals` and `images` (base64
    in a log line, arrays once read from a picture file) must each hold one 28x28 digit per label, and
    `judged` (when given) one reading per label."""
    n = len(event.labels)
    for name in ("originals", "images"):
        data = getattr(event, name)
        if isinstance(data, str):
            if not data and not event.file:
                return f"its {name} are missing"
            if data:
                try:
                    data = decode_images(data)
                except ValueError:  # not base64, or not a whole number of digits
                    return f"its {name} are not digits the program writes"
        if isinstance(data, np.ndarray) and len(data) != n:
            return f"it holds {len(data)} {name} for {n} labels"
    if event.judged and len(event.judged) != n:
        return f"it holds {len(event.judged)} readings for {n} labels"
    return ""


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


@functools.cache
def _checks(cls) -> tuple:
    """(name, checker) for each field of an event class, made once."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return tuple((f.name, _checker(hints[f.name])) for f in fields(cls))


def _inconsistency(event) -> str:
    """What the event's own `inconsistent()` finds wrong with its fields together ("" when nothing)."""
    inconsistent = getattr(event, "inconsistent", None)
    return inconsistent() if inconsistent else ""


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

    t: Amount
    """Seconds since the job's process started sampling."""
    proc_cpu: Amount
    """The job's process, % of one core (over 100 with several threads)."""
    proc_rss: Amount
    """The job's process's resident memory, MB."""
    cpu: Amount
    """The machine's CPU use, % of all cores."""
    ram_avail: Amount
    ram_total: Annotated[float, Range(1, math.inf)]
    """The machine's RAM available and in all, MB."""
    gpus: list[GpuSample] = field(default_factory=list)
    """Per GPU the job uses: index, util %, mem_used and mem_total MB, temp °C, power and power_limit W."""
    gpu_note: str = ""
    """Why GPUs are missing ("no GPU in use", NVML unavailable, a GPU lost); "" when all are there."""


@dataclass(frozen=True, slots=True)
class JobStarted:
    """What every job says first, each kind under its own name (RunStarted, SharpenStarted, ...)."""

    run_dir: str
    config: dict
    device: str
    resumed_epochs: dict[str, Count]
    """Per unit of work (a model, a strategy's pair), the epochs already done when this process started."""
    stale_lock_pid: Positive | None = None
    """A dead process whose lock was found and removed."""


ENDINGS = (Done, Stopped, Failed)
"""The events that end a job."""


def to_record(e) -> dict:
    return {"event": type(e).__name__, **asdict(e)}


def from_record(record: dict):
    """The event a log line holds; a field the line lacks takes its default (a log written before
    the field existed), and a line that lacks a field without one is not an event (KeyError). A
    line whose values are not ones the program writes is ValueDamaged (see `wrong`)."""
    cls = EVENTS[record["event"]]
    missing = [f.name for f in fields(cls) if f.name not in record and f.default is MISSING
               and f.default_factory is MISSING]
    if missing:
        raise KeyError(missing[0])
    given = {}
    for name, check in _checks(cls):
        if name in record:
            value = given[name] = record[name]
            if why := check(value):
                raise ValueDamaged(f"its {name} is {_shown(value)}: {why}")
    made = cls(**given)
    if why := _inconsistency(made):
        raise ValueDamaged(why)
    return made


def wrong(event) -> str:
    """What is wrong with an event's values ("" when nothing), as `from_record` checks a line's: for an
    event whose pictures were read from their file. The digits themselves (arrays) were checked there."""
    for name, check in _checks(type(event)):
        value = getattr(event, name)
        if not isinstance(value, np.ndarray) and (why := check(value)):
            return f"its {name} is {_shown(value)}: {why}"
    return _inconsistency(event)


def encode_images(images: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(images, dtype=np.uint8).tobytes()).decode("ascii")


def decode_images(data) -> np.ndarray:
    """Digits as uint8 (n, 28, 28) from a log line's base64, or as they are when already an array."""
    if isinstance(data, np.ndarray):
        return data
    return np.frombuffer(base64.b64decode(data, validate=True), dtype=np.uint8).reshape(-1, SIDE, SIDE)
