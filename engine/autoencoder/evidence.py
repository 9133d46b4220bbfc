"""What many seeds say about one claim: paired differences, their confidence interval, a verdict.

Each comparison is paired by seed (the same seed's two models saw the same batches), so the unit
of evidence is one difference per seed. The interval is Student's t over those differences (the
seeds are few, so a bootstrap's own spread would be larger than the effect; Bouthillier et al.
2021, "Accounting for variance in machine learning benchmarks", discuss both). A claim that several
comparisons make (latent 2 > 16 > 256) holds when all of them do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CONFIDENCE = 0.95
MAX_SEEDS_ESTIMATE = 10_000


def t_quantile(p: float, dof: int) -> float:
    from scipy.stats import t

    return float(t.ppf(p, dof))


@dataclass(frozen=True)
class Interval:
    """The mean of paired differences over n seeds and its two-sided confidence interval."""

    mean: float
    lo: float
    hi: float
    n: int
    sd: float
    confidence: float = CONFIDENCE

    @classmethod
    def of(cls, differences: list[float], confidence: float = CONFIDENCE) -> "Interval":
        n = len(differences)
        if n == 0:
            raise ValueError("no differences to summarise")
        mean = sum(differences) / n
        if n < 2:
            return cls(mean, -math.inf, math.inf, n, math.nan, confidence)
        sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / (n - 1))
        half = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
        return cls(mean, mean - half, mean + half, n, sd, confidence)

    def seeds_needed(self, margin: float = 0.0) -> int | None:
        """How many seeds would settle it if the mean and the spread stayed as observed: make the
        interval exclude zero, or (with a margin) lie wholly inside or outside +-margin. None when
        the mean sits on the boundary or there are too few seeds to say."""
        gap = abs(abs(self.mean) - margin) if margin else abs(self.mean)
        if self.n < 2 or gap == 0 or not math.isfinite(self.sd):
            return None
        if self.sd == 0:
            return 2
        for n in range(2, MAX_SEEDS_ESTIMATE):
            if t_quantile(0.5 + self.confidence / 2, n - 1) * self.sd / math.sqrt(n) < gap:
                return n
        return None


SUPPORTED, CONTRADICTED, INCONCLUSIVE = "supported", "contradicted", "inconclusive"
VERDICT_WORDS = {SUPPORTED: "SUPPORTED", CONTRADICTED: "CONTRADICTED", INCONCLUSIVE: "inconclusive"}
"""A verdict as tables print it: a settled one in capitals, so that it reads without colour."""


def direction_verdict(interval: Interval, direction: int) -> str:
    """supported when the interval excludes zero on the claimed side (direction +1: the difference
    is claimed positive, -1: negative), contradicted when it excludes zero on the other side."""
    if interval.lo > 0:
        return SUPPORTED if direction > 0 else CONTRADICTED
    if interval.hi < 0:
        return SUPPORTED if direction < 0 else CONTRADICTED
    return INCONCLUSIVE


def within_verdict(interval: Interval, margin: float) -> str:
    """For a claim of no difference: supported when the whole interval lies within +-margin (an
    equivalence test read off the interval), contradicted when it lies wholly outside."""
    if -margin < interval.lo and interval.hi < margin:
        return SUPPORTED
    if interval.lo >= margin or interval.hi <= -margin:
        return CONTRADICTED
    return INCONCLUSIVE


def combined(verdicts: list[str]) -> str:
    """A claim made of several comparisons: supported when every one is, contradicted when any is."""
    if CONTRADICTED in verdicts:
        return CONTRADICTED
    return SUPPORTED if verdicts and all(v == SUPPORTED for v in verdicts) else INCONCLUSIVE


def family_confidence(claims: int, confidence: float = CONFIDENCE) -> float:
    """The confidence each of `claims` intervals needs so that all of them hold together at
    `confidence` (Bonferroni): with seven claims, 0.993 each for 0.95 jointly."""
    return 1 - (1 - confidence) / claims


def chance_of_a_false_verdict(claims: int, confidence: float = CONFIDENCE) -> float:
    """How likely at least one of `claims` independent 95 % readings of claims with no effect would
    come out supported or contradicted: 1 - 0.95^k (30 % for seven)."""
    return 1 - confidence ** claims
