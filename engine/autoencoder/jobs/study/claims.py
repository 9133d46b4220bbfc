"""The study's claims (the study this lab reproduces, in its own words, made measurable), each
measured in one seed's run directory and judged over seeds with paired differences (evidence.py).

A claim is a set of comparisons ("parts") of two measurements of the same seed: `greater` (the
first is claimed larger), or `within` (the first within a relative margin of the second). A part
that a seed cannot measure (a latent size or a strategy the study did not run) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bumptui.engine.autoencoder.evidence import (CONTRADICTED, INCONCLUSIVE, Interval, combined, direction_verdict,
                                         within_verdict)

SIMILAR_L1 = 0.05
"""C5's margin: a strategy's test L1 within 5 % of the L1-only control's is "similar"."""


@dataclass(frozen=True)
class Part:
    a: str
    b: str
    how: str = "greater"
    """greater: a > b is claimed; within: a / b - 1 is claimed within +-SIMILAR_L1."""

    @property
    def metric(self) -> str:
        return f"{self.a} - {self.b}" if self.how == "greater" else f"{self.a} / {self.b} - 1"

    def difference(self, seed: dict) -> float | None:
        if seed.get(self.a) is None or seed.get(self.b) is None:
            return None
        return seed[self.a] - seed[self.b] if self.how == "greater" else seed[self.a] / seed[self.b] - 1


@dataclass(frozen=True)
class Claim:
    id: str
    words: str
    parts: tuple[Part, ...]


AGAINST = "against:"
"""The measurements of the design a study compares with (--against) carry this prefix."""


def claims(latents: list[int], strategies: list[int], against: str | None = None) -> list[Claim]:
    """C1-C7 for the latent sizes and sharpening strategies a study ran, and with --against D1-D3:
    the design studied against the other, paired by seed."""
    latents = sorted(latents)
    paired = [] if against is None else [
        Claim("D1", f"the design reconstructs better than {against} (a lower test L1)",
              tuple(Part(f"{AGAINST}test_l1/{d}", f"test_l1/{d}") for d in latents)),
        Claim("D2", f"the judge reads its reconstructions better than {against}'s",
              tuple(Part(f"judge/{d}", f"{AGAINST}judge/{d}") for d in latents)),
        Claim("D3", f"its codes find the digits better than {against}'s (k-means purity, UMAP+GMM accuracy)",
              tuple(Part(f"{m}/{d}", f"{AGAINST}{m}/{d}") for d in latents for m in ("kmeans_purity", "umap_acc"))),
    ]
    return [*_own(latents, strategies), *paired]


def _own(latents: list[int], strategies: list[int]) -> list[Claim]:
    steps = list(zip(latents, latents[1:]))
    larger = [(a, b) for a, b in steps if a >= 16]
    return [
        Claim("C1", "a larger latent gives a lower reconstruction loss",
              tuple(Part(f"test_l1/{a}", f"test_l1/{b}") for a, b in steps)),
        Claim("C2", "a small latent sometimes reconstructs the wrong digit (the judge reads larger latents better)",
              tuple(Part(f"judge/{b}", f"judge/{a}") for a, b in steps)),
        Claim("C3", "the clusters match the digits better as the latent grows (16 -> 256)",
              tuple(Part(f"{m}/{b}", f"{m}/{a}") for a, b in larger for m in ("kmeans_purity", "umap_acc"))),
        Claim("C4", "over the epochs the latent-2 digit groups move apart while reconstructions sharpen",
              (Part("silhouette_last/2", "silhouette_first/2"), Part("test_l1_first/2", "test_l1_last/2"))),
        Claim("C5", f"with the discriminator the test L1 stays within {SIMILAR_L1:.0%} of the L1-only control's",
              tuple(Part(f"sharpened_l1/{d}/s{s}", f"sharpened_l1/{d}/s0", "within") for d in latents
                    for s in strategies)),
        Claim("C6", "both discriminator strategies come out worse than the plain (L1-only) model",
              tuple(p for d in latents for s in strategies
                    for p in (Part(f"judge/{d}/s0", f"judge/{d}/s{s}"), Part(f"sharp_gap/{d}/s{s}", f"sharp_gap/{d}/s0")))),
        Claim("C7", "strategy 2 comes out better than strategy 1 (the judge reads it better, its sharpness nearer 1)",
              tuple(p for d in latents for p in (Part(f"judge/{d}/s2", f"judge/{d}/s1"),
                                                 Part(f"sharp_gap/{d}/s1", f"sharp_gap/{d}/s2")))
              if {1, 2} <= set(strategies) else ()),
    ]


def measure(run_dir: Path) -> dict[str, float]:
    """One seed's measurements, read from its run directory's records (training, clustering,
    sharpening), as the claims name them."""
    from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
    from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord
    from bumptui.engine.autoencoder.jobs.train.record import RunRecord

    run, seen = RunRecord.read(run_dir), {}
    for d, model in run.summary()["models"].items():
        seen[f"test_l1/{d}"], seen[f"judge/{d}"] = model["test_l1"], model["judge_acc"]
        seen[f"kmeans_purity/{d}"] = model["purity"]
        epochs = run.epochs[int(d)]
        if epochs:
            seen[f"test_l1_first/{d}"], seen[f"test_l1_last/{d}"] = epochs[min(epochs)].test_l1, epochs[max(epochs)].test_l1
        snapshots = run.snapshots[int(d)]
        first, last = (run.snapshot(int(d), min(snapshots)), run.snapshot(int(d), max(snapshots))) \
            if len(snapshots) >= 2 else (None, None)
        if first is not None and last is not None:
            seen[f"silhouette_first/{d}"], seen[f"silhouette_last/{d}"] = separation(first), separation(last)
    if ClusterRecord.metrics_path(run_dir).exists():
        methods = ClusterRecord.read(run_dir).summary()["methods"]
        for d, entry in methods.get("kmeans", {}).items():
            seen[f"kmeans_purity/{d}"] = entry["purity"]
        for d, entry in methods.get("umap", {}).items():
            seen[f"umap_acc/{d}"] = entry["acc"]
    if SharpenRecord.metrics_path(run_dir).exists():
        for d, models in SharpenRecord.read(run_dir).summary()["models"].items():
            for name, m in models.items():
                if name.startswith("s"):
                    seen[f"sharpened_l1/{d}/{name}"] = m["test_l1"]
                    seen[f"judge/{d}/{name}"] = m["judge_acc"]
                    seen[f"sharpness/{d}/{name}"] = m["sharpness"]
                    seen[f"sharp_gap/{d}/{name}"] = abs(m["sharpness"] - 1)
    return seen


def separation(snapshot) -> float:
    """How far apart the digits' groups of 2-D codes are: the silhouette of the codes labelled by
    digit (scale-free, from -1 to 1)."""
    import numpy as np
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(np.asarray(snapshot.xy), np.asarray(snapshot.labels)))


def judge(claim: Claim, seeds: list[dict], confidence: float) -> dict:
    """The claim's verdict over the seeds: each part's paired interval and verdict, and the claim's
    own (every part supported, or any contradicted), with the deciding part's figures on top."""
    parts = []
    for part in claim.parts:
        differences = [d for d in (part.difference(s) for s in seeds) if d is not None]
        if len(differences) == 0:
            continue
        interval = Interval.of(differences, confidence)
        verdict = (within_verdict(interval, SIMILAR_L1) if part.how == "within" else direction_verdict(interval, +1))
        support = (SIMILAR_L1 - max(abs(interval.lo), abs(interval.hi)) if part.how == "within" else interval.lo)
        parts.append({"metric": part.metric, "verdict": verdict, "difference": interval.mean,
                      "ci": [interval.lo, interval.hi], "n": interval.n,
                      "seeds_needed": interval.seeds_needed(SIMILAR_L1 if part.how == "within" else 0.0),
                      "support": support})
    if not parts:
        return {"claim": claim.words, "verdict": INCONCLUSIVE, "difference": None, "ci": None, "n": 0,
                "metric": "not measured by this study", "parts": []}
    verdict = combined([p["verdict"] for p in parts])
    # what decides it: a contradicting comparison, or else the one the data support least
    deciding = (next(p for p in parts if p["verdict"] == CONTRADICTED) if verdict == CONTRADICTED
                else min(parts, key=lambda p: p["support"]))
    return {"claim": claim.words, "verdict": verdict, **{k: deciding[k] for k in ("difference", "ci", "n", "metric")},
            "seeds_needed": deciding["seeds_needed"], "parts": parts}
