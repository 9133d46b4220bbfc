"""Typed landscapes saved by name in the user's config folder, and every landscape by name.

The presets live in `landscapes.json` in $XDG_CONFIG_HOME/bumptui (~/.config/bumptui when that is
not set), as {name: {"expression": text, "start": [x, y]}}. A file that cannot be read is reported
in one sentence and never overwritten: saving refuses until it is moved aside or repaired.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bumptui.engine.errors import UserError
from bumptui.engine.folders import config_dir
from bumptui.engine.surfaces.builtin import SURFACES, Surface

FILE = "landscapes.json"
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")


class PresetError(UserError):
    """The presets file or a preset's name is unusable; one sentence."""


def presets_path() -> Path:
    return config_dir() / FILE


def load() -> dict[str, dict]:
    """Every saved preset by name ({} when none was ever saved)."""
    path = presets_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PresetError(f"{path} cannot be read as saved landscapes ({type(err).__name__}); "
                          f"move it aside to save new ones.") from None
    if not isinstance(data, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("expression"), str) for v in data.values()):
        raise PresetError(f"{path} is not a file of saved landscapes (name -> expression); move it aside to save new ones.")
    return data


def save(name: str, expression: str, start: tuple[float, ...]) -> Path:
    """Keep a typed landscape under `name` (checked first: a refused expression is never saved)."""
    from bumptui.engine.surfaces.typed import typed_surface

    if not NAME.fullmatch(name or ""):
        raise PresetError(f"A landscape's name is a letter then up to 31 letters, digits, - or _, not {name!r}.")
    if name in SURFACES:
        raise PresetError(f"{name!r} is a built-in landscape; choose another name.")
    surface = typed_surface(expression, start)
    presets = load()
    presets[name] = {"expression": surface.expression, "start": list(surface.start)}
    path = presets_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(presets, indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)  # the old file stays whole until the new one is
    except OSError as err:
        raise PresetError(f"Cannot save landscapes in {path.parent}: {err.strerror or err}.") from None
    return path


def names() -> list[str]:
    """The built-in landscapes, then the saved ones (none when the file cannot be read)."""
    try:
        saved = list(load())
    except PresetError:
        saved = []
    return [*SURFACES, *(n for n in saved if n not in SURFACES)]


def resolve(name_or_expression: str, start: tuple[float, ...] | None = None) -> Surface:
    """A landscape by its name (built in, or saved), or typed: the text read as an expression."""
    from dataclasses import replace

    from bumptui.engine.surfaces.typed import check_start, typed_surface

    text = name_or_expression.strip()
    if text in SURFACES:
        surface = SURFACES[text]()
        if start is None:
            return surface
        surface = replace(surface, start=tuple(float(v) for v in start))
        if len(surface.start) == len(surface.variables):  # (a start of another length: said where it is walked)
            check_start(surface.loss, surface.grad, surface.start)  # as a typed one's: 1e308 overflows, nan is none
        return surface
    if NAME.fullmatch(text) and text not in ("x", "y"):
        saved = load()
        if text in saved:
            preset = saved[text]
            return typed_surface(preset["expression"], start or tuple(preset.get("start") or ()) or None, name=text)
        if text not in ("pi", "e"):
            raise PresetError(f"There is no landscape named {text!r}: the lab has {', '.join(names())}, "
                              f"or type an expression in x and y such as x**2 + 10*y**2.")
    return typed_surface(text, start)
