"""Numbers as a person writes them, for both labs' tables, sentences and command-line output."""

from __future__ import annotations


def num(x: float) -> str:
    """A number as a person writes it: 0.9, 1.2, 1.41018 (float noise rounded away)."""
    return f"{x:.6g}"
