"""A clustering run (in <run>/cluster) as its events tell it: each method's scores per features and
seed, IDEC's epochs, and the summary `bumptui cluster --json` prints."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from bumptui.engine.autoencoder.jobs.cluster import events as ev
from bumptui.engine.autoencoder.jobs.cluster.config import METHODS, PIXEL_FEATURES, ClusterConfig
from bumptui.engine.autoencoder.runs.record import Record, epochs_done

SCORES = ("purity", "nmi", "ari", "acc")


@dataclass
class ClusterRecord(Record):
    FOLDER = "cluster"
    STARTED = ev.ClusterStarted
    CONFIG = ClusterConfig

    scores: dict = field(default_factory=lambda: defaultdict(dict))
    """(method, features) -> (seed, epoch) -> MethodScores."""

    def take(self, event) -> None:
        """steps: latent -> (epoch, step) -> IdecStep."""
        if isinstance(event, ev.MethodScores):
            self.scores[(event.method, event.features)][(event.seed, event.epoch)] = event
        elif isinstance(event, ev.IdecStep):
            self.steps[event.latent][(event.epoch, event.step)] = event

    def has(self, method: str, features: str, seed: int, epoch: int = 0) -> bool:
        return (seed, epoch) in self.scores.get((method, features), {})

    def setting_up(self) -> str:
        return "clustering the codes (k-means, UMAP) before IDEC fine-tunes"

    @property
    def latents(self) -> list[int]:
        if self.started is not None and self.started.config.get("latent_dims"):
            return list(self.started.config["latent_dims"])
        return sorted({s.latent for by in self.scores.values() for s in by.values() if s.latent is not None})

    def done(self) -> tuple[float, int]:
        """(scorings and IDEC epochs done, with the fraction of the current epoch; how many in all)."""
        if self.started is None:
            return 0.0, 0
        fixed = sum(len(by) for (method, _), by in self.scores.items() if method != "idec")
        idec = epochs_done(self.steps)
        epochs = self.started.config["epochs"] * len(self.started.resumed_epochs)
        return fixed + idec, self.started.scorings + epochs

    def entry(self, method: str, features: str) -> dict | None:
        """The mean scores of a method on some features over its seeds (k-means, UMAP) or IDEC's
        latest epoch, with the spread over seeds, the contingency table of the first seed (or the
        latest epoch) and, for IDEC, its accuracy epoch by epoch."""
        by = self.scores.get((method, features))
        if not by:
            return None
        if method == "idec":
            history = [by[k] for k in sorted(by, key=lambda k: k[1])]
            last = history[-1]
            return {**{k: getattr(last, k) for k in SCORES}, "epochs": last.epoch, "seeds": [last.seed],
                    "contingency": last.contingency, "seconds": sum(s.seconds for s in history),
                    "history": [{"epoch": s.epoch, "acc": s.acc, "nmi": s.nmi} for s in history]}
        runs = [by[k] for k in sorted(by)]
        return {**{k: float(np.mean([getattr(s, k) for s in runs])) for k in SCORES},
                "spread": {k: float(np.ptp([getattr(s, k) for s in runs])) for k in SCORES},
                "seeds": [s.seed for s in runs], "contingency": runs[0].contingency,
                "seconds": float(np.mean([s.seconds for s in runs]))}

    def summary(self) -> dict:
        """{"run_dir", "status", "config", "methods": {method: {latent: entry}}, "raw_pixels": {method:
        entry}}, with an entry for each method and latent size that was run."""
        methods = {}
        for method in METHODS:
            row = {str(d): e for d in self.latents if (e := self.entry(method, f"latent-{d}")) is not None}
            if row:
                methods[method] = row
        raw = {m: e for m, f in PIXEL_FEATURES.items() if (e := self.entry(m, f)) is not None}
        return {"run_dir": str(self.run_dir), "status": self.status(),
                "config": self.started.config if self.started else None, "methods": methods, "raw_pixels": raw}
