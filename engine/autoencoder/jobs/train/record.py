"""A training run as its events tell it: the latest word on each model, epoch and score."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from bumptui.engine.autoencoder.jobs.train import events as ev
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.runs.record import Progress, Record, Series, rewound


class EpochTable(Mapping):
    """One model's EpochEnd events, epoch -> EpochEnd, kept in compact arrays (40 bytes an epoch,
    not an object each) and made into EpochEnds when read. An epoch at or before the last one (a
    resumed run redoing it) first cuts the table back to before it: the last word wins."""

    FIELDS = ("train_l1", "test_l1", "seconds", "images_per_s")

    def __init__(self, latent: int) -> None:
        self.latent = latent
        self.numbers = array("l")
        self.columns = {name: array("d") for name in self.FIELDS}

    def add(self, event: ev.EpochEnd) -> None:
        rewound(self.numbers, event.epoch, *self.columns.values())
        self.numbers.append(event.epoch)
        for name, column in self.columns.items():
            column.append(getattr(event, name))

    def __getitem__(self, epoch: int) -> ev.EpochEnd:
        i = bisect_left(self.numbers, epoch)
        if i == len(self.numbers) or self.numbers[i] != epoch:
            raise KeyError(epoch)
        return ev.EpochEnd(self.latent, epoch, *(self.columns[name][i] for name in self.FIELDS))

    def __iter__(self):
        return iter(self.numbers)

    def __len__(self) -> int:
        return len(self.numbers)


class ByLatent(dict):
    """latent -> its EpochTable, made when first asked for."""

    def __missing__(self, latent):
        table = self[latent] = EpochTable(latent)
        return table


@dataclass
class RunRecord(Record):
    """A training run as its events tell it."""

    STARTED = ev.RunStarted
    CONFIG = TrainConfig

    judge: ev.JudgeReady | None = None
    steps: dict = field(default_factory=lambda: defaultdict(Series))
    """latent -> its batch losses (a Series)."""
    epochs: dict = field(default_factory=ByLatent)
    """latent -> epoch -> EpochEnd (an EpochTable)."""
    snapshots: dict = field(default_factory=lambda: defaultdict(dict))
    """latent -> epoch -> LatentSnapshot, as logged: its codes in a picture file (see `snapshot`)."""
    clusters: dict = field(default_factory=lambda: defaultdict(dict))
    """latent (None: raw pixels) -> epoch -> ClusterScores."""
    reconstructions: dict = field(default_factory=lambda: defaultdict(dict))
    """latent -> epoch -> Reconstructions, as logged: its digits in a picture file (see `reconstruction`)."""
    _loaded: dict = field(default_factory=dict, repr=False, compare=False)
    """The pictures last read, by the event that names them: a pane redrawn reads no file again."""

    def take(self, event) -> None:
        if isinstance(event, ev.JudgeReady):
            self.judge = event
        elif isinstance(event, ev.StepLoss):
            self.steps[event.latent].add(event.epoch, event.step, event.steps_per_epoch, event.loss)
        elif isinstance(event, ev.EpochEnd):
            self.epochs[event.latent].add(event)
        elif isinstance(event, ev.LatentSnapshot):
            self.snapshots[event.latent][event.epoch] = event
        elif isinstance(event, ev.ClusterScores):
            self.clusters[event.latent][event.epoch] = event
        elif isinstance(event, ev.Reconstructions):
            self.reconstructions[event.latent][event.epoch] = event

    def snapshot(self, latent: int, epoch: int) -> ev.LatentSnapshot | None:
        """The codes of the test sample at an epoch, read from its picture file when it is shown; None
        when the epoch kept none, or its file is missing ("not recorded")."""
        return self._pictures(self.snapshots[latent].get(epoch))

    def reconstruction(self, latent: int, epoch: int) -> ev.Reconstructions | None:
        """The shown digits and their reconstructions at an epoch; None as for `snapshot`."""
        return self._pictures(self.reconstructions[latent].get(epoch))

    def _pictures(self, event):
        from bumptui.engine.autoencoder.runs import pictures

        if event is None or not event.file:
            return event
        key = (type(event), event.latent, event.epoch)
        if key not in self._loaded or self._loaded[key][0] is not event:
            if len(self._loaded) >= 16:  # a few epochs' pictures at most, whatever the run's length
                self._loaded.pop(next(iter(self._loaded)))
            self._loaded[key] = (event, pictures.load(self.run_dir, event))
        return self._loaded[key][1]

    def glanced(self, end: list) -> bool:
        """Every model's latest epoch is in the log's end (a full-data epoch is hundreds of batch lines a
        model; an older log holds its pictures inline, 50 KB a line)."""
        return set(self.latents) <= {e.latent for e in end if isinstance(e, ev.EpochEnd)}

    @property
    def latents(self) -> list[int]:
        if self.started is not None:
            return list(self.started.config["latent_dims"])
        return sorted(self.epochs)

    def progress(self, latent: int) -> Progress:
        epochs = self.started.config["epochs"] if self.started else 1
        done = self.latest(self.epochs[latent])
        last = self.steps[latent].last
        progress = max(done.epoch if done else 0, last[0] - 1 + last[1] / last[2] if last else 0)
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
