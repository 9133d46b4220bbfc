"""The app's panes in key order: mode name -> (short label for the pane bar, title, where its screen
is, "module:Class"). No screens are imported here, so the pane bar and the app can both read it
without loading every pane; the app imports a pane's screen when it is first shown."""

from __future__ import annotations

PANES = {
    "optimizer": ("Lab", "Optimizer lab", "bumptui.tui.screens.optimizer_lab:OptimizerLab"),
    "train": ("Train", "Train", "bumptui.tui.screens.train:TrainPane"),
    "latent": ("Latent", "Latent", "bumptui.tui.screens.latent:LatentPane"),
    "clusters": ("Clusters", "Clusters", "bumptui.tui.screens.clusters:ClustersPane"),
    "digits": ("Digits", "Reconstructions", "bumptui.tui.screens.reconstructions:ReconstructionsPane"),
    "runs": ("Runs", "Runs", "bumptui.tui.screens.runs:RunsPane"),
    "sharpen": ("Sharpen", "Sharpen", "bumptui.tui.screens.sharpen:SharpenPane"),
    "overview": ("Overview", "Overview", "bumptui.tui.screens.overview:OverviewPane"),
    "study": ("Study", "Study", "bumptui.tui.screens.study:StudyPane"),
}


def pane_key(name: str) -> str:
    """The digit that opens a pane (F1..F9 do the same from anywhere, a form field included)."""
    return str(list(PANES).index(name) + 1)
