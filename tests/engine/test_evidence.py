"""The statistics of a study against hand-made numbers: a known effect is supported, its mirror
contradicted, no effect inconclusive, and every interval is scipy's t-interval."""

import math

import pytest
from scipy import stats

from bumptui.engine.autoencoder.evidence import (CONTRADICTED, INCONCLUSIVE, SUPPORTED, Interval, chance_of_a_false_verdict,
                                         combined, direction_verdict, family_confidence, within_verdict)
from bumptui.engine.autoencoder.jobs.study.claims import claims, judge

EFFECT = [0.10, 0.12, 0.09, 0.11, 0.13]


def test_the_interval_is_scipys_t_interval_over_the_paired_differences():
    interval = Interval.of(EFFECT)
    lo, hi = stats.t.interval(0.95, len(EFFECT) - 1, loc=sum(EFFECT) / 5, scale=stats.sem(EFFECT))
    assert (interval.lo, interval.hi) == (pytest.approx(lo), pytest.approx(hi))
    assert interval.mean == pytest.approx(0.11) and interval.n == 5


def test_an_effect_is_supported_its_mirror_contradicted_and_no_effect_inconclusive():
    assert direction_verdict(Interval.of(EFFECT), +1) == SUPPORTED
    assert direction_verdict(Interval.of([-d for d in EFFECT]), +1) == CONTRADICTED
    assert direction_verdict(Interval.of([-d for d in EFFECT]), -1) == SUPPORTED
    assert direction_verdict(Interval.of([0.01, -0.01, 0.02, -0.02, 0.0]), +1) == INCONCLUSIVE
    single = Interval.of([0.5])
    assert math.isinf(single.lo) and direction_verdict(single, +1) == INCONCLUSIVE, "one seed gives no interval"


def test_a_claim_of_no_difference_needs_its_whole_interval_inside_the_margin():
    assert within_verdict(Interval.of([0.01, -0.01, 0.02, 0.0, 0.01]), 0.05) == SUPPORTED
    assert within_verdict(Interval.of([0.20, 0.22, 0.19, 0.21]), 0.05) == CONTRADICTED
    assert within_verdict(Interval.of([0.0, 0.1, -0.05, 0.08]), 0.05) == INCONCLUSIVE


def test_the_seeds_that_would_settle_an_effect_at_its_observed_size_and_spread():
    interval = Interval.of([0.02, -0.01, 0.03, 0.0, 0.01])  # mean 0.01, not yet told from zero
    assert direction_verdict(interval, +1) == INCONCLUSIVE
    n = interval.seeds_needed()
    half = lambda k: stats.t.ppf(0.975, k - 1) * interval.sd / math.sqrt(k)  # noqa: E731
    assert half(n) < interval.mean <= half(n - 1), "the fewest seeds whose interval would exclude zero"
    assert Interval.of([0.0, 0.0, 0.0]).seeds_needed() is None, "no effect to find"


def test_several_claims_at_once_weaken_each_reading():
    assert chance_of_a_false_verdict(7) == pytest.approx(1 - 0.95 ** 7) and 0.30 < chance_of_a_false_verdict(7) < 0.31
    assert family_confidence(7) == pytest.approx(1 - 0.05 / 7)
    assert combined([SUPPORTED, SUPPORTED]) == SUPPORTED and combined([SUPPORTED, INCONCLUSIVE]) == INCONCLUSIVE
    assert combined([SUPPORTED, CONTRADICTED]) == CONTRADICTED


def seed(l1_2, l1_16, l1_256, **more):
    return {"test_l1/2": l1_2, "test_l1/16": l1_16, "test_l1/256": l1_256, **more}


def test_a_claim_over_seeds_holds_when_every_comparison_does_and_names_what_decided_it():
    by_claim = {c.id: c for c in claims([2, 16, 256], [1, 2])}
    seeds = [seed(0.20 + e, 0.10 + e, 0.06 + e) for e in (0.0, 0.01, -0.01, 0.005)]
    c1 = judge(by_claim["C1"], seeds, 0.95)
    assert c1["verdict"] == SUPPORTED and c1["n"] == 4 and len(c1["parts"]) == 2
    assert c1["metric"] == "test_l1/16 - test_l1/256" and c1["difference"] == pytest.approx(0.04), "the weaker part"
    seeds[1]["test_l1/256"] = 0.2  # one seed whose 256 is worse: the second comparison no longer holds
    assert judge(by_claim["C1"], seeds, 0.95)["verdict"] == INCONCLUSIVE
    reversed_seeds = [seed(0.06 + e, 0.10 + e, 0.20 + e) for e in (0.0, 0.01, -0.01, 0.005)]
    c1 = judge(by_claim["C1"], reversed_seeds, 0.95)
    assert c1["verdict"] == CONTRADICTED and c1["difference"] < 0
    c7 = judge(by_claim["C7"], seeds, 0.95)
    assert c7["verdict"] == INCONCLUSIVE and c7["n"] == 0 and c7["metric"] == "not measured by this study"
    assert not [c for c in claims([2, 16], [2]) if c.id == "C7"][0].parts, "C7 needs both strategies"


def test_a_seeds_measurements_come_from_its_recorded_training_clustering_and_sharpening():
    from pathlib import Path

    from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
    from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord
    from bumptui.engine.autoencoder.jobs.study.claims import measure
    from bumptui.engine.autoencoder.jobs.train.record import RunRecord

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "runs" / "tiny-run"
    seen = measure(fixture)
    trained = RunRecord.read(fixture).summary()["models"]
    assert seen["test_l1/16"] == trained["16"]["test_l1"] and seen["judge/2"] == trained["2"]["judge_acc"]
    assert seen["kmeans_purity/16"] == ClusterRecord.read(fixture).summary()["methods"]["kmeans"]["16"]["purity"]
    sharpened = SharpenRecord.read(fixture).summary()["models"]["2"]["s1"]
    assert seen["sharp_gap/2/s1"] == pytest.approx(abs(sharpened["sharpness"] - 1))
    assert -1 <= seen["silhouette_first/2"] <= 1 and -1 <= seen["silhouette_last/2"] <= 1
    assert seen["test_l1_first/2"] > seen["test_l1_last/2"], "three epochs of training lowered the loss"


def test_the_seeds_to_settle_a_claim_of_no_difference_count_from_its_margin():
    interval = Interval.of([0.02, 0.06, 0.03, 0.055, 0.035])  # mean 0.04: inside +-0.05, the interval not yet
    assert within_verdict(interval, 0.05) == INCONCLUSIVE
    n = interval.seeds_needed(0.05)
    half = lambda k: stats.t.ppf(0.975, k - 1) * interval.sd / math.sqrt(k)  # noqa: E731
    assert half(n) < 0.05 - 0.04 <= half(n - 1)
