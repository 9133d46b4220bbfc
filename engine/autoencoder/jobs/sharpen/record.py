"""A sharpening (in <run>/sharpen) as its events tell it: each model's scores per strategy and epoch,
D's and G's losses, and the comparison `bumptui compare` prints."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bumptui.engine.autoencoder.jobs.sharpen import events as ev
from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig
from bumptui.engine.autoencoder.runs.record import Record, epochs_done
from bumptui.engine.autoencoder.sharpening.comparison import CONTROL, PLAIN, model_name

SHARPEN = "sharpen"
SCORE_FIELDS = ("test_l1", "clear_score", "sharpness", "judge_acc")
LOSS_FIELDS = ("d_loss", "d_acc", "g_l1", "g_adv")
JUDGE_DROP_ALLOWED = 0.01
"""A sharpened model meets the target when it is nearer the data's sharpness (1.0) than model (a)
while the judge reads at most this much less of its reconstructions correctly."""


def mean_or_none(values: list) -> float | None:
    """The mean, or None for a loss a strategy does not have (D's, for the L1-only control)."""
    return None if values[0] is None else sum(values) / len(values)


def meets_target(plain: ev.SharpenScores, sharpened: ev.SharpenScores) -> bool:
    return (abs(sharpened.sharpness - 1) < abs(plain.sharpness - 1)
            and sharpened.judge_acc >= plain.judge_acc - JUDGE_DROP_ALLOWED)


@dataclass
class SharpenRecord(Record):
    """A sharpening run (in <run>/sharpen) as its events tell it."""

    FOLDER = SHARPEN
    STARTED = ev.SharpenStarted
    CONFIG = SharpenConfig

    dis: ev.DisReady | None = None
    scores: dict = field(default_factory=lambda: defaultdict(dict))
    """(latent, "a" | "s0" | "s1" | "s2") -> epoch -> SharpenScores."""

    def take(self, event) -> None:
        """steps: (latent, strategy) -> (epoch, step) -> SharpenStep."""
        if isinstance(event, ev.DisReady):
            self.dis = event
        elif isinstance(event, ev.SharpenStep):
            self.steps[(event.latent, event.strategy)][(event.epoch, event.step)] = event
        elif isinstance(event, ev.SharpenScores):
            self.scores[(event.latent, event.model)][event.epoch] = event

    @property
    def latents(self) -> list[int]:
        return sorted({latent for latent, _ in self.scores})

    @property
    def strategies(self) -> list[int]:
        """0 (the L1-only control) and the strategies asked for."""
        if self.started is not None:
            return [CONTROL, *self.started.config["strategies"]]
        return sorted({s for _, s in self.steps})

    def latest(self, latent: int, model: str) -> ev.SharpenScores | None:
        return Record.latest(self.scores.get((latent, model), {}))

    def latest_pictures(self, latent: int, model: str) -> ev.SharpenScores | None:
        """The latest scores with the shown digits in them, read from their picture file now; None when
        there are none yet, or the file is missing."""
        from bumptui.engine.autoencoder.runs import pictures

        latest = self.latest(latent, model)
        return pictures.load(self.folder(self.run_dir), latest) if latest is not None else None

    def setting_up(self) -> str:
        if self.dis is None:
            return "training dis_net on clear vs blurred digits (the judge first, if not cached)"
        return "scoring model (a) of each latent size"

    def done(self) -> tuple[float, int]:
        """(epochs done over every strategy and model, with fractions of the current ones; epochs asked
        for in all), as RunRecord.done gives them for a training run."""
        done = epochs_done(self.steps)
        total = self.started.config["epochs"] * len(self.started.resumed_epochs) if self.started else 0
        return done, total

    def history(self, latent: int, strategy: int) -> list[dict]:
        """Per epoch, the mean of D's and G's logged losses and D's accuracy."""
        by_epoch = defaultdict(list)
        for (epoch, _), step in sorted(self.steps.get((latent, strategy), {}).items()):
            by_epoch[epoch].append(step)
        return [{"epoch": e, **{k: mean_or_none([getattr(s, k) for s in steps]) for k in LOSS_FIELDS}}
                for e, steps in by_epoch.items()]

    def summary(self) -> dict:
        """Every model's latest scores per latent: (a) and each strategy, in the shape of `bumptui compare --json`."""
        models = {}
        for d in self.latents:
            plain = self.latest(d, PLAIN)
            row = {}
            if plain is not None:
                row[PLAIN] = {"epochs": self.started.plain_epochs.get(str(d)) if self.started else None,
                            **{k: getattr(plain, k) for k in SCORE_FIELDS}}
            for s in self.strategies:
                latest = self.latest(d, model_name(s))
                if latest is None:
                    continue
                row[model_name(s)] = {"epochs": latest.epoch, **{k: getattr(latest, k) for k in SCORE_FIELDS},
                                "meets_target": plain is not None and meets_target(plain, latest),
                                "history": self.history(d, s)}
            models[str(d)] = row
        return {
            "run_dir": str(self.run_dir),
            "status": self.status(),
            "config": self.started.config if self.started else None,
            "dis_net": {"held_out_acc": self.dis.held_out_acc} if self.dis else None,
            "models": models,
        }
