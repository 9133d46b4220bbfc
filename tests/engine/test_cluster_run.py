"""A clustering run end to end on a tiny trained run: what it records, N2D against k-means on the
same codes, IDEC's resume bit for bit, and the refusals."""

import shutil
import threading

import pytest
import torch

from bumptui.engine.autoencoder.jobs.cluster.config import ClusterConfig
from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
from bumptui.engine.autoencoder.jobs.cluster.run import run_cluster
from bumptui.engine.autoencoder.jobs.cluster.config import ClusterError
from bumptui.engine.autoencoder.jobs.cluster.events import ClusterStarted, IdecStep, MethodScores
from bumptui.engine.autoencoder.runs.events import Done, Stopped
from bumptui.engine.autoencoder.runs.log import read_events
from bumptui.engine.autoencoder.runs.log import RunError


from bumptui.engine.autoencoder.runs.lock import RunLock


from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path


from bumptui.engine.autoencoder.jobs.cluster.kind import CLUSTER


from bumptui.engine.autoencoder.jobs.cluster.kind import idec_path


def copy_of(base, name):
    target = base.parent / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target)
    return target


@pytest.fixture(scope="module")
def clustered(sharpen_base):
    """Every method, two seeds, two IDEC epochs, on a copy of the tiny run: (its folder, the events)."""
    run_dir = copy_of(sharpen_base, "cluster-all")
    plain = checkpoint_path(run_dir, 16).read_bytes()
    seen = []
    summary = run_cluster(run_dir, ClusterConfig(epochs=2, seeds=2), callback=seen.append)
    assert summary is not None
    assert checkpoint_path(run_dir, 16).read_bytes() == plain, "IDEC fine-tunes a copy; the run's model is untouched"
    return run_dir, seen


def test_every_method_is_scored_on_the_codes_and_on_raw_pixels_and_recorded(clustered):
    run_dir, seen = clustered
    assert isinstance(seen[0], ClusterStarted) and isinstance(seen[-1], Done)
    assert read_events(CLUSTER.folder(run_dir)) == seen
    scored = {(e.method, e.features, e.seed, e.epoch) for e in seen if isinstance(e, MethodScores)}
    assert scored == {*((m, f, s, 0) for m in ("kmeans", "umap") for s in (0, 1)
                        for f in ("latent-16", "pixels" if m == "kmeans" else "pca-50")),
                      *(("idec", "latent-16", 0, e) for e in (0, 1, 2))}
    for e in seen:
        if isinstance(e, MethodScores):
            assert sum(map(sum, e.contingency)) == 400, "every test digit is in one cluster"
            assert 0 < e.acc <= e.purity <= 1
    steps = [e for e in seen if isinstance(e, IdecStep)]
    assert {e.epoch for e in steps} == {1, 2} and steps[-1].step == steps[-1].steps_per_epoch
    summary = ClusterRecord.read(run_dir).summary()
    assert set(summary["methods"]) == {"kmeans", "umap", "idec"} and set(summary["raw_pixels"]) == {"kmeans", "umap"}
    idec = summary["methods"]["idec"]["16"]
    assert idec["epochs"] == 2 and [h["epoch"] for h in idec["history"]] == [0, 1, 2]
    km = [e.acc for e in seen if isinstance(e, MethodScores) and e.method == "kmeans" and e.features == "latent-16"]
    assert summary["methods"]["kmeans"]["16"]["acc"] == pytest.approx(sum(km) / 2)
    assert summary["methods"]["kmeans"]["16"]["spread"]["acc"] == pytest.approx(max(km) - min(km))


def test_umap_then_a_mixture_clusters_the_codes_better_than_k_means_on_them(clustered):
    summary = ClusterRecord.read(clustered[0]).summary()["methods"]
    assert summary["umap"]["16"]["acc"] > summary["kmeans"]["16"]["acc"]
    assert summary["umap"]["16"]["nmi"] > summary["kmeans"]["16"]["nmi"]


def idec_state(run_dir):
    return torch.load(idec_path(run_dir, 16), weights_only=True)


def test_idec_stopped_and_resumed_repeats_the_uninterrupted_run_bit_for_bit(sharpen_base):
    config = ClusterConfig(methods=("idec",), epochs=2, update_interval=4)
    straight = copy_of(sharpen_base, "idec-straight")
    run_cluster(straight, config)
    resumed = copy_of(sharpen_base, "idec-resumed")
    cancel = threading.Event()

    def stop_in_epoch_2(event):
        if isinstance(event, IdecStep) and event.epoch == 2:
            cancel.set()

    assert run_cluster(resumed, config, callback=stop_in_epoch_2, cancel=cancel) is None
    assert isinstance(read_events(CLUSTER.folder(resumed))[-1], Stopped)
    assert not (resumed / "lock").exists()
    assert run_cluster(resumed, resume=True) is not None
    a, b = idec_state(straight), idec_state(resumed)
    for name in ("idec", "target"):
        assert a["models"][name].keys() == b["models"][name].keys()
        assert all(torch.equal(a["models"][name][k], b["models"][name][k]) for k in a["models"][name])
    assert a["counters"] == b["counters"]

    def final(run_dir):
        return [e for e in read_events(CLUSTER.folder(run_dir)) if isinstance(e, MethodScores) and e.epoch == 2]

    assert [e.contingency for e in final(straight)] == [e.contingency for e in final(resumed)]


def test_refusals_come_before_anything_is_written(sharpen_base, tmp_path):
    run_dir = copy_of(sharpen_base, "cluster-refusals")
    with pytest.raises(RunError, match="no clustering to resume"):
        run_cluster(run_dir, resume=True)
    with pytest.raises(ClusterError, match="no latent-2 model"):
        run_cluster(run_dir, ClusterConfig(latent_dims=(2,)))
    with pytest.raises(ClusterError, match="seeds must be from 1 to 10"):
        run_cluster(run_dir, ClusterConfig(seeds=0))
    lock = RunLock(run_dir).acquire()
    try:
        with pytest.raises(RunError, match="in use by process"):
            run_cluster(run_dir, ClusterConfig(methods=("kmeans",)))
    finally:
        lock.release()
    assert not CLUSTER.folder(run_dir).exists()
    run_cluster(run_dir, ClusterConfig(methods=("kmeans",), seeds=1))
    with pytest.raises(RunError, match="already clustered"):
        run_cluster(run_dir, ClusterConfig(methods=("kmeans",)))


def test_umap_can_embed_the_training_codes_too_and_still_scores_the_test_digits(sharpen_base):
    run_dir = copy_of(sharpen_base, "cluster-fit-all")
    seen = []
    run_cluster(run_dir, ClusterConfig(methods=("umap",), seeds=1, fit_on="all"), callback=seen.append)
    scored = {e.features: e for e in seen if isinstance(e, MethodScores)}
    assert set(scored) == {"latent-16", "pca-50"}
    assert all(sum(map(sum, e.contingency)) == 400 for e in scored.values()), "400 test digits, not 800 codes"
    assert ClusterRecord.read(run_dir).started.config["fit_on"] == "all"
