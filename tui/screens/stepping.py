"""The keys both optimizer labs step with: forward, back, reset, play. A lab keeps its walks (each
an engine Stepped, forward and back) in `stepped`, redraws in `refresh_view`, and declares the
reactive `playing` and its PLAY_INTERVAL_S."""

from __future__ import annotations


class Stepping:
    PLAY_INTERVAL_S = 0.3
    _timer = None

    @property
    def stepped(self) -> list:
        raise NotImplementedError

    def action_step_forward(self) -> None:
        for walk in self.stepped:
            walk.forward()
        self.refresh_view()

    def action_step_back(self) -> None:
        if not all([walk.back() for walk in self.stepped]):
            self.notify("Already at the start.", timeout=2)
        self.refresh_view()

    def action_reset(self) -> None:
        self.playing = False
        for walk in self.stepped:
            walk.reset()
        self.refresh_view()

    def action_play(self) -> None:
        self.playing = not self.playing

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if playing:
            self._timer = self.set_interval(self.PLAY_INTERVAL_S, self.action_step_forward)
        self.refresh_view()
