"""The bumptui app. Its first frame imports no torch: the labs that need it load it themselves."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from tui.screens.optimizer_lab import OptimizerLab


class BumptuiApp(App):
    TITLE = "bumptui"
    MODES = {"optimizer": OptimizerLab}
    DEFAULT_MODE = "optimizer"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", show=False, id="app.quit"),
    ]

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))
