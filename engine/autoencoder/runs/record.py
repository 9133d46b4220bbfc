"""A run as its events tell it, folded into the latest word on each model, epoch and score.

Used by `bumptui report`, and by anything that watches a run from another process.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from engine.autoencoder.runs import events as ev
from engine.autoencoder.runs.log import METRICS, MetricsTail
from engine.autoencoder.runs.rundir import RunLock, sharpen_dir
from engine.autoencoder.sharpening.comparison import CONTROL, PLAIN, model_name

STATUS = {ev.Done: "finished", ev.Failed: "failed", ev.Stopped: "stopped"}


@dataclass(frozen=True)
class Progress:
    """How far one model of a run has come, and how fast it goes."""

    done: float
    """Epochs done, with the fraction of the current one."""
    epochs: int
    """Epochs asked for."""
    images_per_s: float
    """Over the last finished epoch's training (0 before the first)."""

    @property
    def epoch(self) -> int:
        """The epoch under way (or the last one, once every epoch is done)."""
        return min(self.epochs, int(self.done) + (self.done < self.epochs))


@dataclass
class Record:
    """What a training run's record and a sharpening's share: a log to read, and how it ended."""

    run_dir: Path
    """The training run (a sharpening records itself inside it)."""
    outcome: ev.Done | ev.Stopped | ev.Failed | None = None

    @staticmethod
    def metrics_path(run_dir: Path) -> Path:
        raise NotImplementedError

    def add(self, event) -> None:
        raise NotImplementedError

    @classmethod
    def read(cls, run_dir: Path):
        record = cls(Path(run_dir))
        for event in MetricsTail(cls.metrics_path(run_dir)).poll():
            record.add(event)
        return record

    @property
    def ending(self) -> str:
        """Why it stopped or failed, as its last event says; "" while it runs or once it finished."""
        return getattr(self.outcome, "message", None) or getattr(self.outcome, "reason", None) or ""

    def phase(self) -> str | None:
        """What a live run is busy with before its first batch losses, or None once it trains."""
        if self.outcome is not None or any(self.steps.values()):
            return None
        if self.started is None:
            return "loading MNIST onto the device"
        return self.setting_up()

    def setting_up(self) -> str:
        """What it does after it started and before its first losses."""
        raise NotImplementedError

    def status(self) -> str:
        """finished, failed, stopped, running, or dead (it stopped writing without a word)."""
        if self.outcome is not None:
            return STATUS[type(self.outcome)]
        return "running" if RunLock(self.run_dir).live_pid() is not None else "dead"


@dataclass
class RunRecord(Record):
    started: ev.RunStarted | None = None
    judge: ev.JudgeReady | None = None
    epochs: dict = field(default_factory=lambda: defaultdict(dict))
    """latent -> epoch -> EpochEnd."""
    steps: dict = field(default_factory=lambda: defaultdict(dict))
    """latent -> (epoch, step) -> (steps_per_epoch, loss)."""
    snapshots: dict = field(default_factory=lambda: defaultdict(dict))
    clusters: dict = field(default_factory=lambda: defaultdict(dict))
    """latent (None: raw pixels) -> epoch -> ClusterScores."""
    reconstructions: dict = field(default_factory=lambda: defaultdict(dict))

    @staticmethod
    def metrics_path(run_dir: Path) -> Path:
        return Path(run_dir) / METRICS

    def add(self, event) -> None:
        if isinstance(event, ev.RunStarted):
            self.started, self.outcome = event, None
        elif isinstance(event, ev.JudgeReady):
            self.judge = event
        elif isinstance(event, ev.StepLoss):
            self.steps[event.latent][(event.epoch, event.step)] = (event.steps_per_epoch, event.loss)
        elif isinstance(event, ev.EpochEnd):
            self.epochs[event.latent][event.epoch] = event
        elif isinstance(event, ev.LatentSnapshot):
            self.snapshots[event.latent][event.epoch] = event
        elif isinstance(event, ev.ClusterScores):
            self.clusters[event.latent][event.epoch] = event
        elif isinstance(event, ev.Reconstructions):
            self.reconstructions[event.latent][event.epoch] = event
        elif isinstance(event, (ev.Done, ev.Stopped, ev.Failed)):
            self.outcome = event

    @property
    def latents(self) -> list[int]:
        if self.started is not None:
            return list(self.started.config["latent_dims"])
        return sorted(self.epochs)

    @staticmethod
    def latest(by_epoch: dict):
        return by_epoch[max(by_epoch)] if by_epoch else None

    def progress(self, latent: int) -> Progress:
        epochs = self.started.config["epochs"] if self.started else 1
        done = self.latest(self.epochs[latent])
        steps = self.steps[latent]
        last = max(steps) if steps else (0, 0)
        n = steps[last][0] if steps else 1
        progress = max(done.epoch if done else 0, last[0] - 1 + last[1] / n)
        return Progress(progress, epochs, done.images_per_s if done else 0.0)

    def done(self) -> tuple[float, int]:
        """(epochs done over every model, with fractions of the current ones; epochs asked for in all)."""
        progress = [self.progress(d) for d in self.latents]
        return sum(p.done for p in progress), sum(p.epochs for p in progress)

    def setting_up(self) -> str:
        if self.judge is None:
            return "training the judge (a digit classifier, once per subset size)"
        return "scoring the raw pixels with k-means (the baseline)"

    def judge_acc(self, latent: int) -> float | None:
        """The judge's accuracy on the latest fully evaluated reconstructions of this model."""
        judged = [r for r in self.reconstructions[latent].values() if r.judge_acc is not None]
        return max(judged, key=lambda r: r.epoch).judge_acc if judged else None

    def summary(self) -> dict:
        """The scores of the latest evaluation of each model, in the shape of `bumptui train --json`."""
        models = {}
        for d in self.latents:
            epoch_end, scores = self.latest(self.epochs[d]), self.latest(self.clusters[d])
            models[str(d)] = {
                "epochs": epoch_end.epoch if epoch_end else 0,
                "test_l1": epoch_end.test_l1 if epoch_end else None,
                **{k: getattr(scores, k) if scores else None for k in ("purity", "nmi", "ari", "acc")},
                "judge_acc": self.judge_acc(d),
            }
        raw = self.latest(self.clusters[None])
        return {
            "run_dir": str(self.run_dir),
            "status": self.status(),
            "models": models,
            "raw_pixels": {k: getattr(raw, k) for k in ("purity", "nmi", "ari", "acc")} if raw else None,
            "judge": {"test_acc": self.judge.test_acc} if self.judge else None,
        }


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

    started: ev.SharpenStarted | None = None
    dis: ev.DisReady | None = None
    steps: dict = field(default_factory=lambda: defaultdict(dict))
    """(latent, strategy) -> (epoch, step) -> SharpenStep."""
    scores: dict = field(default_factory=lambda: defaultdict(dict))
    """(latent, "a" | "s0" | "s1" | "s2") -> epoch -> SharpenScores."""

    @staticmethod
    def metrics_path(run_dir: Path) -> Path:
        return sharpen_dir(run_dir) / METRICS

    def add(self, event) -> None:
        if isinstance(event, ev.SharpenStarted):
            self.started, self.outcome = event, None
        elif isinstance(event, ev.DisReady):
            self.dis = event
        elif isinstance(event, ev.SharpenStep):
            self.steps[(event.latent, event.strategy)][(event.epoch, event.step)] = event
        elif isinstance(event, ev.SharpenScores):
            self.scores[(event.latent, event.model)][event.epoch] = event
        elif isinstance(event, (ev.Done, ev.Stopped, ev.Failed)):
            self.outcome = event

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
        return RunRecord.latest(self.scores.get((latent, model), {}))

    def setting_up(self) -> str:
        if self.dis is None:
            return "training dis_net on clear vs blurred digits (the judge first, if not cached)"
        return "scoring model (a) of each latent size"

    def done(self) -> tuple[float, int]:
        """(epochs done over every strategy and model, with fractions of the current ones; epochs asked
        for in all), as RunRecord.done gives them for a training run."""
        done = sum(max((e - 1 + s.step / s.steps_per_epoch for (e, _), s in steps.items()), default=0.0)
                   for steps in self.steps.values())
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
