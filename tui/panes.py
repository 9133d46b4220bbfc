"""The app's panes in key order: mode name -> (short label for the pane bar, title). No screens are
imported here, so the pane bar and the app can both read it without loading every pane."""

from __future__ import annotations

PANES = {
    "optimizer": ("Lab", "Optimizer lab"),
    "train": ("Train", "Train"),
    "latent": ("Latent", "Latent"),
    "clusters": ("Clusters", "Clusters"),
    "digits": ("Digits", "Reconstructions"),
    "runs": ("Runs", "Runs"),
    "sharpen": ("Sharpen", "Sharpen"),
    "overview": ("Overview", "Overview"),
}


def pane_key(name: str) -> str:
    """The digit that opens a pane (F1..F8 do the same from anywhere, a form field included)."""
    return str(list(PANES).index(name) + 1)
