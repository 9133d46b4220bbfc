"""What a job's command shows while it runs: each kind's own Display (bars and lines), found
through its registry entry; a kind without one is told field by field."""

import sys

from bumptui.cli.progress import Display, Progress, display_of
from bumptui.engine.autoencoder.jobs.cluster.events import ClusterStarted, MethodScores
from bumptui.engine.autoencoder.jobs.cluster.kind import CLUSTER
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.events import EpochEnd, RunStarted, StepLoss
from bumptui.engine.autoencoder.jobs.train.kind import TRAIN
from bumptui.engine.autoencoder.jobs.cluster.config import ClusterConfig
from tests.count_kind import Counted


def bars(progress) -> dict:
    return {t.description: (t.completed, t.total, t.fields["status"]) for t in progress.bar.tasks}


def test_a_training_shows_a_bar_per_model_that_follows_its_batches_and_epochs(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    config = TrainConfig(latent_dims=(2, 16), epochs=3)
    progress = Progress(display_of(TRAIN), config)
    progress(RunStarted("runs/x", config.as_dict(), "cpu", {"2": 1, "16": 0}))
    progress(StepLoss(2, 2, 5, 10, 0.25))
    progress(EpochEnd(16, 1, 0.3, 0.28, 2.0, 30000.0))
    progress.close()
    shown = bars(progress)
    assert shown["latent   2"] == (1.5, 3, "epoch 2 loss 0.2500"), "half of epoch 2, resumed after epoch 1"
    assert shown["latent  16"] == (1, 3, "test L1 0.2800, 30,000 img/s")


def test_a_clustering_counts_its_scorings_on_one_bar_and_plain_lines_elsewhere(monkeypatch, capsys):
    config = ClusterConfig(epochs=2)
    started = ClusterStarted("runs/x", config.as_dict(), "cpu", {"16": 0}, None, 4)
    scored = MethodScores("kmeans", "latent-16", 16, 0, 0, 0.5, 0.4, 0.3, 0.45, [], 0.2)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    progress = Progress(display_of(CLUSTER), config)
    progress(started)
    progress(scored)
    progress.close()
    assert bars(progress)["k-means, UMAP"] == (1, 4, "kmeans latent-16 seed 0: acc 0.450")
    assert bars(progress)["IDEC latent  16"][:2] == (0, 2)
    capsys.readouterr()  # what the bars drew
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    plain = Progress(display_of(CLUSTER), config)
    plain(started)
    plain(scored)
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["clustering runs/x on cpu: kmeans, umap, idec",
                          "kmeans on latent-16 seed 0: acc 0.450 NMI 0.400 ARI 0.300 (0.2 s)"]


def test_a_kind_without_a_display_is_told_field_by_field():
    assert Display().line(Counted(3)) == "Counted: n 3"
    assert Display().announced(Counted(3)) and not Display().tasks(None, None)
