"""Messages from the training thread to the app."""

from __future__ import annotations

from textual.message import Message


class RunEvent(Message):
    """One engine event of the job the app is running, posted from its thread."""

    def __init__(self, job: tuple, event) -> None:
        super().__init__()
        self.job = job
        """("training" or "sharpening", the run directory)."""
        self.event = event
