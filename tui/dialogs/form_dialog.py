"""A dialog that applies a form only when all of it is valid: `read()` returns the result or raises
a UserError, whose one sentence shows under the form (#error) while the dialog stays open."""

from __future__ import annotations

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from bumptui.engine.errors import UserError


class FormDialog(ModalScreen):
    def read(self):
        raise NotImplementedError

    @on(Input.Submitted)
    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        try:
            self.dismiss(self.read())
        except UserError as err:
            self.query_one("#error", Static).update(str(err))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
