"""Digits in real pixels, where the terminal draws them: kitty's graphics protocol, sixel or iTerm2.

textual-image can ask the terminal what it draws only before Textual starts, so the command line
asks (`bumptui --pixels`) and the answer is kept here; without it, and over tmux (which passes no
pixels on), the half-block grid is what a pane shows."""

from __future__ import annotations

import numpy as np

from bumptui.engine.autoencoder.images import digit_rows

protocol: str | None = None
"""What this terminal draws pixels with, once `detect` has asked: "tgp" or "sixel"; None: no pixels."""


def detect() -> str | None:
    """Ask the terminal whether it draws pixels, and remember the answer."""
    global protocol
    import textual_image.widget  # noqa: F401  (asks for the cell size while the terminal can still answer)
    from textual_image.renderable import Image as Best
    from textual_image.renderable.sixel import Image as Sixel
    from textual_image.renderable.tgp import Image as Graphics

    protocol = "tgp" if Best is Graphics else "sixel" if Best is Sixel else None
    return protocol


def picture(rows):
    """DigitRows as one PIL image: each row of digits under the other, misread ones framed in red."""
    from PIL import Image

    wrong = [np.array([f is not None for f in r.frames]) if r.frames else None for r in rows]
    return Image.fromarray(digit_rows([r.images for r in rows], wrong))


def pixel_widget(**kwargs):
    """textual-image's widget for the protocol `detect` found."""
    from textual_image.widget import Image

    return Image(**kwargs)
