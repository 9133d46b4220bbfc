"""The Clusters and Latent panes with clustering: the methods side by side from a recorded
clustering, clustering started, stopped and resumed from the pane, and UMAP computed off the UI thread."""

import shutil
import threading
import time

from textual.widgets import DataTable, Select, Static

from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
from bumptui.engine.autoencoder.jobs.cluster.events import ClusterStarted
from bumptui.engine.autoencoder.jobs.train.events import ClusterScores
from bumptui.engine.autoencoder.runs.events import Done, Stopped
from bumptui.engine.autoencoder.runs.log import read_events
from bumptui.engine.autoencoder.jobs.cluster.kind import CLUSTER
from tests.conftest import await_file_unlocked
from tests.tui.conftest import FIXTURE, text_of, three_model_run, wait_until, watching
from bumptui.tui.app import BumptuiApp
from bumptui.tui.screens.clusters import ClustersPane
from bumptui.tui.screens.latent import LatentPane
from bumptui.tui.widgets.contingency import ContingencyHeatmap
from bumptui.tui.widgets.run_charts import LatentScatter
from bumptui.tui.widgets.wait_line import WaitLine


def rows(pane):
    table = pane.query_one("#scores", DataTable)
    return [table.get_row_at(i) for i in range(table.row_count)]


async def test_the_methods_sit_side_by_side_with_the_raw_pixel_rows_beneath():
    summary = ClusterRecord.read(FIXTURE).summary()
    app = watching()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        pane = app.screen
        assert isinstance(pane, ClustersPane)
        shown = rows(pane)
        assert [(r[0], r[1]) for r in shown] == [
            ("latent 2", "k-means"), ("latent 2", "UMAP+GMM"), ("latent 2", "IDEC"),
            ("latent 16", "k-means"), ("latent 16", "UMAP+GMM"), ("latent 16", "IDEC"),
            ("pixels", "k-means"), ("PCA-50 px", "UMAP+GMM")]
        umap16 = summary["methods"]["umap"]["16"]
        assert shown[4][2:7] == [f"{umap16[k]:.3f}" for k in ("purity", "nmi", "ari", "acc")] + \
            [f"{umap16['spread']['acc']:.3f}"]
        assert shown[5][7] == f"{summary['methods']['idec']['16']['epochs']} epochs"
        assert f"{summary['raw_pixels']['kmeans']['acc']:.3f}" == shown[6][5]
        for _ in range(4):
            await pilot.press("down")
        heatmap = pane.query_one(ContingencyHeatmap)
        assert heatmap.table.tolist() == umap16["contingency"] and heatmap.table.sum() == 1000
        assert "UMAP+GMM on latent 16" in heatmap.title
        assert "Clustering finished" in text_of(pane.query_one("#note", Static))


async def test_a_run_clustered_with_k_means_after_umap_says_umap_k_means_in_every_row(tmp_path):
    """`bumptui cluster --clusterer kmeans`: the pane names the UMAP rows as the CLI table does."""
    run = tmp_path / "runs" / "umap-kmeans"
    shutil.copytree(FIXTURE, run)
    log = CLUSTER.folder(run) / "metrics.jsonl"
    log.write_text(log.read_text().replace('"clusterer":"gmm"', '"clusterer":"kmeans"', 1))
    app = watching(run)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        methods = [r[1] for r in rows(app.screen)]
        assert methods.count("UMAP+k-means") == 3 and "UMAP+GMM" not in methods, methods
        for _ in range(4):
            await pilot.press("down")
        assert "UMAP+k-means on latent 16" in app.screen.query_one(ContingencyHeatmap).title


async def test_an_unclustered_run_shows_its_training_k_means_and_says_how_to_cluster(tmp_path):
    run = three_model_run(tmp_path)
    app = watching(run)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        pane = app.screen
        final16 = [e for e in read_events(FIXTURE) if isinstance(e, ClusterScores) and e.latent == 16][-1]
        shown = rows(pane)
        assert [(r[0], r[1], r[7]) for r in shown][:2] == [("latent 2", "k-means", "training ep 3"),
                                                           ("latent 16", "k-means", "training ep 3")]
        assert shown[1][5] == f"{final16.acc:.3f}" and shown[-1][0] == "pixels"
        assert "Not clustered yet" in text_of(pane.query_one("#note", Static))


async def test_cluster_from_the_pane_then_stop_and_resume_idec(sharpen_copy):
    app = BumptuiApp(watch=sharpen_copy, runs_root=sharpen_copy.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        pane = app.screen
        pane.query_one("#method", Select).value = "kmeans"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.clusters.outcome, Done) and app.job is None)
        await pilot.pause(0.3)
        assert ("latent 16", "k-means", "3 seeds") in [(r[0], r[1], r[7]) for r in rows(pane)]
        assert any("Clustering finished" in n for n in app.notices)

        (CLUSTER.folder(sharpen_copy)).rename(sharpen_copy / "k-means-only")  # a second clustering: IDEC alone
        pane.query_one("#method", Select).value = "idec"
        pane.query_one("#epochs").value = "1000"  # long enough to be stopped and resumed on a fast machine
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.clusters.steps.get(16))
        await pilot.press("ctrl+x")
        assert await wait_until(pilot, lambda: isinstance(app.clusters.outcome, Stopped), timeout=10)
        assert any("bumptui cluster" in n and "--resume" in n for n in app.notices)
        await pilot.press("ctrl+r")
        assert await wait_until(pilot, lambda: app.clusters.started and app.clusters.started.resumed_epochs is not None
                                and sum(isinstance(e, ClusterStarted) for e in read_events(CLUSTER.folder(sharpen_copy))) == 2)
        start = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - start < 3.0
    assert await_file_unlocked(sharpen_copy)
    assert isinstance(read_events(CLUSTER.folder(sharpen_copy))[-1], Stopped)


async def test_umap_is_computed_in_a_worker_while_the_pane_answers_keys(sharpen_copy, monkeypatch):
    from bumptui.engine.autoencoder.jobs.train import projection

    release, real = threading.Event(), projection.project

    def held_project(*args):  # the real computation, held until the keys below have been answered
        assert release.wait(60)
        return real(*args)

    monkeypatch.setattr(projection, "project", held_project)
    app = BumptuiApp(watch=sharpen_copy, runs_root=sharpen_copy.parent)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        pane = app.screen
        assert isinstance(pane, LatentPane)
        await pilot.press("p")
        assert pane.query_one(WaitLine).waiting_for is not None, "the pane says it is computing"
        await pilot.press("left", "c", "n", "n")  # keys still work while UMAP runs, and start no second one
        assert pane.by_cluster and len(pane.pending) == 1
        assert "computing" in text_of(pane.query_one("#caption", Static))
        release.set()
        assert await wait_until(pilot, lambda: not pane.pending)
        await pilot.pause(0.2)
        caption = text_of(pane.query_one("#caption", Static))
        assert "by UMAP" in caption and "coloured by cluster (a GMM on this UMAP)" in caption
        assert pane.query_one(LatentScatter).points == 400
        assert pane.query_one(WaitLine).waiting_for is None
        await pilot.press("p")  # the recorded view, coloured from its own points: no model needed
        assert await wait_until(pilot, lambda: not pane.pending)
        await pilot.pause(0.1)
        assert "coloured by cluster (k-means on these recorded points)" in text_of(pane.query_one("#caption", Static))
        await pilot.press("c")
        assert "principal components" in text_of(pane.query_one("#caption", Static)), "back to the recorded view"


async def test_a_run_recorded_without_checkpoints_says_there_is_nothing_to_project():
    app = watching()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "n", "p")
        pane = app.screen
        assert await wait_until(pilot, lambda: not pane.pending)
        await pilot.pause(0.1)
        assert "has no checkpoint of it" in text_of(pane.query_one("#caption", Static))
