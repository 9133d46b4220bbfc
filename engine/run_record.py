"""A run as its events tell it, folded into the latest word on each model, epoch and score.

Used by `bumptui report`, and by anything that watches a run from another process.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from engine import events as ev
from engine.rundir import METRICS, MetricsTail, RunLock, pid_alive


@dataclass
class RunRecord:
    run_dir: Path
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
    outcome: ev.Done | ev.Stopped | ev.Failed | None = None

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

    @classmethod
    def read(cls, run_dir: Path) -> "RunRecord":
        record = cls(Path(run_dir))
        for event in MetricsTail(Path(run_dir) / METRICS).poll():
            record.add(event)
        return record

    @property
    def latents(self) -> list[int]:
        if self.started is not None:
            return list(self.started.config["latent_dims"])
        return sorted(self.epochs)

    def status(self) -> str:
        """finished, failed, stopped, running, or dead (it stopped writing without a word)."""
        if isinstance(self.outcome, ev.Done):
            return "finished"
        if isinstance(self.outcome, ev.Failed):
            return "failed"
        if isinstance(self.outcome, ev.Stopped):
            return "stopped"
        owner = RunLock(self.run_dir).owner()
        return "running" if isinstance(owner.get("pid"), int) and pid_alive(owner["pid"]) else "dead"

    @staticmethod
    def latest(by_epoch: dict):
        return by_epoch[max(by_epoch)] if by_epoch else None

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
