"""A job's settings, each declared once. A config is a frozen dataclass whose fields are made with
`setting(...)`: the field's type hint says what config.json may hold there (checked field by field
when a stored config is read), and its Setting says what the command line's flag, its help and a
pane's form row need, so both surfaces are generated from the one declaration (in the spirit of
harlequin's AbstractOption, "used as both command-line options and GUI options").

Also the settings every kind shares: the device and the precision. Importable without torch or
numpy, so the command line and the forms can check a request cheaply.
"""

from __future__ import annotations

import types
import typing
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Any, Callable

from bumptui.engine.errors import UserError

PRECISIONS = ("auto", "fp32", "bf16")
"""The forward pass and loss in float32, or under bfloat16 autocast (weights and Adam's state stay
float32); auto: bf16 where the hardware computes it natively (a CUDA GPU that supports it, a CPU
with avx512_bf16 or AMX), fp32 elsewhere. A job records the precision it resolved to."""
DEVICES = ("auto", "cpu", "cuda")
"""The devices a form offers; `cuda:N` (a GPU by its index) is accepted as well."""


class SettingError(UserError):
    """A job's settings cannot run as asked; each kind raises its own subclass."""


@dataclass(frozen=True)
class Setting:
    """What the command line and a pane's form need of one config field."""

    help: str = ""
    """The flag's help text."""
    flag: str | None = None
    """The command-line flag ("--epochs"); None: the setting has no flag."""
    choices: tuple[str, ...] | None = None
    """The texts allowed on the command line and offered by the form (a Select)."""
    offered: tuple[str, ...] | None = None
    """A form's Select choices where the command line takes free text (the device: cuda:N too)."""
    labels: dict | None = None
    """How the form's Select shows each choice, where not as itself."""
    metavar: str | tuple | None = None
    parse: Callable[[Any], Any] | None = None
    """The flag's or the form's text (a list of them for several values) -> the field's value."""
    text: Callable[[Any], str] | None = None
    """The field's value -> the form's text; the inverse of parse."""
    label: str | None = None
    """The form row's label (default: the field's name)."""
    noun: str | None = None
    """How a form's sentence names the setting (default: its name, capitalised)."""
    placeholder: str = ""
    """What an empty form field shows greyed out."""
    empty: str | None = None
    """What an empty form field means, for a setting that may be None ("each strategy's default")."""
    stored_before: Any = None
    """The value a config recorded before the setting existed reads as (precision: fp32); None: its default."""


def setting(default, help: str = "", **more):
    """A config field with its Setting (see the module's docstring)."""
    return field(default=default, metadata={"setting": Setting(help=help, **more)})


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def unwrapped(hint) -> tuple[Any, bool]:
    """(the type a hint names, whether it also allows None): `int | None` -> (int, True)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        return next(a for a in args if a is not type(None)), True
    return hint, False


def _words_and_check(hint) -> tuple[str, Callable[[Any], bool], bool]:
    """(how a sentence names what the hint allows, the check of a JSON value, whether null is allowed)."""
    hint, nullable = unwrapped(hint)
    args = typing.get_args(hint)
    if hint is int:
        return "a whole number", _is_int, nullable
    if hint is float:
        return "a number", _is_number, nullable
    if hint is str:
        return "a string", lambda v: isinstance(v, str), nullable
    if typing.get_origin(hint) is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            if args[0] is int:
                return "a list of whole numbers", lambda v: _list(v) and all(map(_is_int, v)), nullable
            return "strings", lambda v: _list(v) and all(isinstance(x, str) for x in v), nullable
        return (f"{len(args)} numbers" if len(args) != 2 else "two numbers",
                lambda v: _list(v) and len(v) == len(args) and all(map(_is_number, v)), nullable)
    raise TypeError(f"no stored form for the type {hint!r}")


def _list(v) -> bool:
    return isinstance(v, (list, tuple)) and bool(v)


class Settings:
    """The base of every job's config: reading it from JSON with each field checked, and writing it.
    A subclass names its own error (ERROR) and checks its ranges in `validated`."""

    ERROR: type[SettingError] = SettingError

    @classmethod
    @cache
    def hints(cls) -> dict[str, Any]:
        """Each field's type, evaluated."""
        return typing.get_type_hints(cls)

    @classmethod
    def settings(cls) -> dict[str, Setting]:
        """Each field's Setting, in declaration order."""
        return {f.name: f.metadata.get("setting", Setting()) for f in fields(cls)}

    def as_dict(self) -> dict:
        """As config.json stores it: tuples as lists."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d) -> "Settings":
        """A config read from JSON, its fields' types checked against their hints (not yet their
        ranges: see validated); the kind's error naming the first field unknown or of a wrong type.
        Missing fields take their defaults (or the value a config recorded before them reads as)."""
        if not isinstance(d, dict):
            raise cls.ERROR("it must hold one JSON object of settings.")
        hints, known = cls.hints(), cls.settings()
        values = {}
        for name, value in d.items():
            if name not in known:
                raise cls.ERROR(f"it has an unknown field {name!r}; known fields: {', '.join(known)}.")
            words, check, nullable = _words_and_check(hints[name])
            if not (value is None and nullable) and not check(value):
                raise cls.ERROR(f"{name!r} must be {words}{' or null' if nullable else ''}, not {value!r}.")
            values[name] = tuple(value) if isinstance(value, list) else value
        for name, s in known.items():
            if name not in values and s.stored_before is not None:
                values[name] = s.stored_before
        return cls(**values)

    @classmethod
    def from_text(cls, texts: dict[str, str]) -> "Settings":
        """A config from a form's texts, one per field, each read as its type says, then validated;
        the kind's error with one sentence naming the first field that does not read. Fields without
        a text take their defaults."""
        hints, known = cls.hints(), cls.settings()
        values = {}
        for name, text in texts.items():
            s = known[name]
            values[name] = _read(text, hints[name], s, s.noun or name.replace("_", " ").capitalize(), cls.ERROR)
        return cls(**values).validated()

    def text(self, name: str) -> str:
        """A field's value as its form field shows it."""
        value = getattr(self, name)
        return form_text(type(self).settings()[name], value)

    def validated(self, *args, **kwargs) -> "Settings":
        raise NotImplementedError

    def resolved(self, device) -> "Settings":
        """This config with an `auto` precision (where it has one) made concrete for the torch device."""
        if "precision" not in type(self).settings():
            return self
        return replace(self, precision=resolved_precision(self.precision, device))


def form_text(s: Setting, value) -> str:
    """A value as a form field shows it: its Setting's own text, or numbers with spaces between."""
    if s.text is not None:
        return s.text(value)
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return " ".join(map(str, value))
    return str(value)


def _read(text: str, hint, s: Setting, noun: str, error: type[SettingError]):
    if s.parse is not None:
        return s.parse(text)
    hint, nullable = unwrapped(hint)
    if nullable and not text.strip():
        return None
    empty = f", or empty for {s.empty}" if nullable and s.empty else ""
    if typing.get_origin(hint) is tuple:
        parts, items = text.replace(",", " ").split(), typing.get_args(hint)
        if items[0] is str:
            return tuple(parts)
        kind, words = (int, "whole numbers") if items[0] is int else (float, "numbers")
        count = "" if items[-1] is Ellipsis else f"{len(items)} "
        try:
            value = tuple(kind(p) for p in parts)
        except ValueError:
            value = None
        if value is None or (count and len(value) != len(items)):
            raise error(f"{noun} must be {count}{words} separated by spaces, not {text!r}.") from None
        return value
    if hint is str:
        return text
    kind, words = (int, "a whole number") if hint is int else (float, "a number")
    try:
        return kind(text.strip())
    except ValueError:
        raise error(f"{noun} must be {words}{empty}, not {text!r}.") from None


MAX_SEED = 2**31 - 1
"""The largest seed a job takes: NumPy and scikit-learn take seeds below 2**32, and a job derives
more from its own (k-means' seed+1, ..., a model's seed*1000 + latent for torch)."""


def check_seed(seed: int, error: type[SettingError]) -> None:
    """The kind's error when the seed is out of range (before anything is written: k-means would
    refuse it only after a whole epoch of training)."""
    if not 0 <= seed <= MAX_SEED:
        raise error(f"The seed must be from 0 to {MAX_SEED:,}, not {seed}.")


def check_models(asked: tuple[int, ...] | None, run_latents: tuple[int, ...], error: type[SettingError]) -> None:
    """The kind's error naming the first latent size asked for (a sharpening's, a clustering's) that
    the run has no model of; None asked, or no run to check against, asks for nothing."""
    missing = [d for d in asked or () if run_latents and d not in run_latents]
    if missing:
        raise error(f"The run has no latent-{missing[0]} model; it has latent {', '.join(map(str, run_latents))}.")


def bf16_native(device) -> bool:
    """Whether the torch device computes bfloat16 natively: a CUDA GPU that says so, or a CPU whose
    flags include avx512_bf16 or amx_bf16."""
    if device.type == "cuda":
        import torch

        return torch.cuda.is_bf16_supported()
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolved_precision(precision: str, device) -> str:
    """fp32 or bf16: `auto` made concrete for the torch device (see PRECISIONS)."""
    if precision != "auto":
        return precision
    return "bf16" if bf16_native(device) else "fp32"


def cuda_count() -> int:
    """How many GPUs torch sees (0 without CUDA)."""
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0
