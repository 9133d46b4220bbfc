"""What a study reports (its record is the study directory; each seed's run records itself as any
run does, in seed-<k>/): see runs/events.py."""

from __future__ import annotations

from dataclasses import field

from bumptui.engine.autoencoder.runs.events import JobStarted, event


@event
class StudyStarted(JobStarted):
    """A study started or resumed; resumed_epochs {"seed-<k>": 1 when that trial had finished, else 0}."""


@event
class TrialState:
    seed: int
    state: str
    """pending, running, done or failed."""
    reason: str = ""
    """Why it failed (or was retried)."""


@event
class TrialMeasured:
    """What one finished seed measured (jobs/study/claims.py), as the claims name it."""

    seed: int
    measurements: dict


@event
class Verdicts:
    """The claims judged over the seeds that finished, and the report written of them."""

    seeds: list
    claims: dict
    figures: dict = field(default_factory=dict)
    """What the report holds -> its path: "report" (REPORT.md), "loss", "clusters", "sharpening", "digits"."""
