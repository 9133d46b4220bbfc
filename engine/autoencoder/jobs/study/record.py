"""A study (its own directory, one run directory per seed inside it) as its events tell it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bumptui.engine.autoencoder.jobs.study import events as ev
from bumptui.engine.autoencoder.jobs.study.config import StudyConfig
from bumptui.engine.autoencoder.runs.record import Record


@dataclass
class StudyRecord(Record):
    STARTED = ev.StudyStarted
    CONFIG = StudyConfig

    trials: dict = field(default_factory=dict)
    """seed -> its latest TrialState."""
    measured: dict = field(default_factory=dict)
    """seed -> its measurements."""
    verdicts: ev.Verdicts | None = None

    def take(self, event) -> None:
        if isinstance(event, ev.TrialState):
            self.trials[event.seed] = event
        elif isinstance(event, ev.TrialMeasured):
            self.measured[event.seed] = event.measurements
        elif isinstance(event, ev.Verdicts):
            self.verdicts = event

    def setting_up(self) -> str:
        return "starting Ray and the trials"

    def phase(self) -> str | None:
        if self.outcome is None and self.started is not None and not self.trials:
            return self.setting_up()
        return None if self.started else "starting"

    def done(self) -> tuple[float, int]:
        finished = sum(t.state in ("done", "failed") for t in self.trials.values())
        return float(finished), len(self.trials) or (self.started.config["seeds"] if self.started else 0)

    def judged(self) -> tuple[list[int], dict, bool]:
        """(the seeds judged, each claim's verdict over them, whether the study judged them itself): its
        Verdicts once written, before that the claims judged over the seeds measured so far
        (none before two have been: one seed gives no interval)."""
        if self.verdicts is not None:
            return list(self.verdicts.seeds), self.verdicts.claims, True
        if self.started is None or len(self.measured) < 2:  # one seed gives no interval
            return [], {}, False
        from bumptui.engine.autoencoder.evidence import CONFIDENCE
        from bumptui.engine.autoencoder.jobs.study.claims import claims, judge

        config, seeds = self.started.config, sorted(self.measured)
        measured = [self.measured[s] for s in seeds]
        return seeds, {c.id: judge(c, measured, CONFIDENCE)
                       for c in claims(list(config["latent_dims"]), list(config["strategies"]),
                                       config.get("against"))}, False

    def summary(self) -> dict:
        """What `bumptui study --json` prints: the seeds judged, those that failed and why, each claim's
        verdict and the report's files."""
        from bumptui.engine.autoencoder.evidence import CONFIDENCE, chance_of_a_false_verdict

        claims = self.verdicts.claims if self.verdicts else {}
        return {"study_dir": str(self.run_dir), "status": self.status(),
                "seeds": self.verdicts.seeds if self.verdicts else sorted(self.measured),
                "failed": {str(s): t.reason for s, t in sorted(self.trials.items()) if t.state == "failed"},
                "trials": {str(s): t.state for s, t in sorted(self.trials.items())},
                "claims": claims, "figures": self.verdicts.figures if self.verdicts else {},
                "confidence": CONFIDENCE, "chance_of_a_false_verdict": chance_of_a_false_verdict(len(claims))}
