"""What a study reports (its record is the study directory; each seed's run records itself as any
run does, in seed-<k>/): see runs/events.py."""

from __future__ import annotations

from dataclasses import field

from typing import Annotated

from bumptui.engine.autoencoder.runs.events import Count, JobStarted, OneOf, event


@event
class StudyStarted(JobStarted):
    """A study started or resumed; resumed_epochs {"seed-<k>": 1 when that trial had finished, else 0}."""


@event
class TrialState:
    seed: Count
    state: Annotated[str, OneOf(("pending", "running", "done", "failed"))]
    """pending, running, done or failed."""
    reason: str = ""
    """Why it failed (or was retried)."""


@event
class TrialMeasured:
    """What one finished seed measured (jobs/study/claims.py), as the claims name it."""

    seed: Count
    measurements: dict


@event
class Verdicts:
    """The claims judged over the seeds that finished, and the report written of them."""

    seeds: list[Count]
    claims: dict
    figures: dict[str, str] = field(default_factory=dict)
    """What the report holds -> its path: "report" (REPORT.md), "loss", "clusters", "sharpening", "digits"."""
