"""The Reconstructions pane: fixed test digits above each model's reconstructions, in half-blocks."""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bumptui.engine.autoencoder.runs.events import decode_images
from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.tui.messages import RunView
from bumptui.tui.screens.run_pane import NO_RUN, EpochPane
from bumptui.tui.widgets import pixel_digits
from bumptui.tui.widgets.digits import DigitGrid, DigitRow
from bumptui.tui.widgets.pixel_digits import picture
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.key_bar import KeyBar

WRONG = "red"


class ReconstructionsPane(EpochPane):
    PANE = "digits"
    CSS_PATH = "reconstructions.tcss"
    BINDINGS = [
        # The arrows pan the digits, so epochs step with the brackets.
        Binding("left_square_bracket", "epoch(-1)", "Earlier epoch", key_display="[", id="digits.back"),
        Binding("right_square_bracket", "epoch(1)", "Later epoch", key_display="]", id="digits.forward"),
        Binding("l", "latest", "Latest", id="digits.latest"),
        Binding("n", "next_view", "Model", id="digits.model"),
        Binding("z", "digit_size", "Size", id="digits.size"),
        Binding("x", "pixels", "Pixels", show=False, id="digits.pixels"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.wrong: dict[int, list[int]] = {}
        """Per model, which shown digits the judge reads as another digit; what tests read."""
        self._drawn = None
        """What the digits show now; drawing 20 digits per model is too slow to repeat for nothing."""
        self._said: tuple | None = None
        """The caption's epoch, newest epoch and missing models, to say again when the grid's size changes."""

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(NO_RUN, id="caption")
        yield DigitGrid(id="digits")
        yield KeyBar()

    def recorded_epochs(self, record: RunRecord) -> list[int]:
        return sorted({e for d in record.latents for e in record.reconstructions[d]})

    def draw(self, view: RunView) -> None:
        record = view.record
        caption, grid = self.query_one("#caption", Static), self.query_one(DigitGrid)
        epochs = self.recorded_epochs(record) if record else []
        if not epochs:
            caption.update(NO_RUN if record is None else "No reconstructions yet: they arrive at the end of the first epoch.")
            grid.show([])
            self._drawn = None
            return
        epoch = self.epoch if self.epoch in epochs else epochs[-1]
        key = (record.run_dir, epoch, tuple(id(record.reconstructions[d].get(epoch)) for d in record.latents))
        if key == self._drawn:
            return
        self._drawn = key
        rows, self.wrong, missing = [], {}, []
        for d in record.latents:
            if record.reconstructions[d].get(epoch) is None:
                continue
            shown = record.reconstruction(d, epoch)  # its picture file read now, when it is shown
            if shown is None:
                missing.append(d)
                continue
            labels = np.array(shown.labels)
            if not rows:
                rows.append(DigitRow("originals (their true digits under them)", decode_images(shown.originals),
                                     tuple(map(str, labels.tolist()))))
            wrong = np.flatnonzero(np.array(shown.judged) != labels).tolist()
            self.wrong[d] = wrong
            judge = f" · test-set judge {shown.judge_acc:.1%}" if shown.judge_acc is not None else ""
            rows.append(DigitRow(f"latent {d}: {len(wrong)} of {len(labels)} misread (✗ = judge's reading){judge}",
                                 decode_images(shown.images), tuple(map(str, shown.judged)),
                                 tuple(WRONG if i in wrong else None for i in range(len(labels)))))
        grid.show(rows)
        self._caption(epoch, epochs[-1], missing)
        if self.query("#pixels"):
            self.query_one("#pixels").image = picture(rows)

    def _caption(self, epoch: int, newest: int, missing: list[int]) -> None:
        self._said = (epoch, newest, missing)
        grid = self.query_one(DigitGrid)
        lost = f" · latent {', '.join(map(str, missing))}: not recorded (picture file missing)" if missing else ""
        shown = grid.view_row()
        view = "all models" if shown is None else grid.rows[shown].caption.split(":")[0]
        first, most = grid.first_shown(), max((len(r.images) for r in grid.rows), default=0)
        across = min(most - first, (grid.fully_visible() or [most])[0])
        digits = f"digits {first + 1}-{first + across} of {most} (← →)" if across < most else f"all {most} digits"
        self.query_one("#caption", Static).update(f"Epoch {epoch} of {newest} · {view} · {digits} · {grid.size_name}{lost}")

    async def action_pixels(self) -> None:
        """Real pixels instead of half-blocks, where the terminal draws them (bumptui --pixels asks)."""
        grid = self.query_one(DigitGrid)
        if pixel_digits.protocol is None:
            self.notify("This terminal was not found to draw pixels (start with bumptui --pixels in kitty, "
                        "a sixel terminal or iTerm2; tmux passes none on): digits stay in half-blocks.",
                        severity="warning")
            return
        if self.query("#pixels"):
            await self.query_one("#pixels").remove()
            grid.display = True
            return
        grid.display = False
        await self.mount(pixel_digits.pixel_widget(image=picture(grid.rows), id="pixels"), after=grid)

    def action_digit_size(self) -> None:
        self.query_one(DigitGrid).next_size()

    def action_next_view(self) -> None:
        """All models, or one model against the originals at a larger size."""
        self.query_one(DigitGrid).next_view()

    def on_digit_grid_laid(self) -> None:
        if self._said is not None:
            self._caption(*self._said)

