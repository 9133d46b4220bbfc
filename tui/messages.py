"""Messages from the training thread to the app."""

from __future__ import annotations

from textual.message import Message


class RunEvent(Message):
    """One engine event of the run the app is training, posted from the training thread."""

    def __init__(self, run_dir, event) -> None:
        super().__init__()
        self.run_dir = run_dir
        self.event = event
