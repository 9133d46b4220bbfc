"""Numbers as a person writes them, for both labs' tables, sentences and command-line output."""

from __future__ import annotations


import math


def num(x: float) -> str:
    """A number as a person writes it: 0.9, 1.2, 1.41018 (float noise rounded away)."""
    return f"{x:.6g}"


def signed(x: float | None) -> str:
    """A difference with its sign and four decimals (+0.0032); "-" for none, "inf" for an unbounded one."""
    return "-" if x is None else ("inf" if math.isinf(x) else f"{x:+.4f}")
