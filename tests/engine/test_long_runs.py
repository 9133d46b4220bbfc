"""Long runs stay light: which epochs keep pictures, a 3,000-epoch log read back in bounded memory,
a missing picture file, and a run killed between a picture file and its log line."""

import os
import signal
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

from bumptui.engine.autoencoder.jobs.train import events as ev
from bumptui.engine.autoencoder.jobs.train.pictures import keeps_pictures
from bumptui.engine.autoencoder.runs import pictures
from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.runs.events import Done
from bumptui.engine.autoencoder.runs.log import METRICS, MetricsWriter, read_events
from bumptui.engine.autoencoder.runs.rundir import write_config
from tests.conftest import ROOT, in_process

LATENTS = (2, 16, 256)


@pytest.mark.parametrize("epochs, eval_every", [(3, 1), (30, 1), (250, 1000), (3000, 1000), (40, 7)])
def test_pictures_are_kept_every_epoch_to_10_every_10th_to_100_every_100th_after_the_last_and_when_evaluated(
        epochs, eval_every):
    kept = {e for e in range(1, epochs + 1) if keeps_pictures(e, epochs, eval_every)}
    expected = (set(range(1, min(epochs, 10) + 1)) | set(range(10, min(epochs, 100) + 1, 10))
                | set(range(100, epochs + 1, 100)) | {epochs} | set(range(eval_every, epochs + 1, eval_every)))
    assert kept == expected
    if (epochs, eval_every) == (3000, 1000):
        assert len(kept) == 10 + 9 + 29, "48 of 3,000 epochs: 1-10, 20-100 by 10, 200-3000 by 100"
    if eval_every == 1:
        assert kept == set(range(1, epochs + 1)), "an evaluated epoch keeps its pictures"


def synthetic_run(run_dir, epochs: int, eval_every: int = 1000):
    """A run's log and picture files as the trainer writes them (the same events, files and schedule),
    three models, one batch an epoch, without training anything."""
    run_dir.mkdir(parents=True)
    config = {"latent_dims": list(LATENTS), "epochs": epochs, "arch": "mlp", "batch_size": 256, "lr": 0.001,
              "subset": 256, "device": "cpu", "seed": 0, "eval_every": eval_every, "kmeans_scaling": "none",
              "judge_epochs": 2, "precision": "fp32"}
    write_config(run_dir, config)
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(2000, 2)).astype(np.float32)
    labels = rng.integers(0, 10, 2000).astype(np.uint8)
    digits = rng.integers(0, 256, (20, 28, 28)).astype(np.uint8)
    log = MetricsWriter(run_dir / METRICS)
    log.write(ev.RunStarted(str(run_dir), config, "cpu", {str(d): 0 for d in LATENTS}))
    log.write(ev.JudgeReady(0.95, True, "judge.pt"))
    for epoch in range(1, epochs + 1):
        for d in LATENTS:
            loss = 0.3 / epoch ** 0.1
            log.write(ev.StepLoss(d, epoch, 1, 1, loss))
            log.write(ev.EpochEnd(d, epoch, loss, loss * 1.01, 0.01, 25600.0))
            full = epoch % eval_every == 0 or epoch == epochs
            if full:
                log.write(ev.ClusterScores(d, epoch, 0.5, 0.4, 0.3, 0.5, np.eye(10, dtype=int).tolist(), "none"))
            if keeps_pictures(epoch, epochs, eval_every):
                log.write(ev.LatentSnapshot(d, epoch, projection="pca",
                                            file=pictures.save(run_dir, d, epoch, "codes", xy=xy, labels=labels)))
                log.write(ev.Reconstructions(d, epoch, labels[:20].tolist(), judged=labels[:20].tolist(),
                                             judge_acc=0.9 if full else None,
                                             file=pictures.save(run_dir, d, epoch, "digits", originals=digits,
                                                                images=digits)))
    log.write(Done({}))
    log.close()
    return run_dir


def peak_reading(run_dir) -> tuple[int, RunRecord]:
    tracemalloc.start()
    try:
        record = RunRecord.read(run_dir)
        return tracemalloc.get_traced_memory()[1], record
    finally:
        tracemalloc.stop()


def test_a_3000_epoch_log_is_small_and_reads_back_in_about_the_memory_of_a_30_epoch_one(tmp_path):
    short, long = synthetic_run(tmp_path / "short", 30), synthetic_run(tmp_path / "long", 3000)
    log_bytes = (long / METRICS).stat().st_size
    folder = sum(p.stat().st_size for p in long.rglob("*") if p.is_file())
    assert folder < 10e6 and log_bytes < 5e6, (folder, log_bytes)
    short_peak, _ = peak_reading(short)
    long_peak, record = peak_reading(long)
    assert long_peak < 6 * short_peak, "a hundred times the epochs, a few times the memory"
    assert long_peak < 0.75 * log_bytes, "the reader never holds the log, only its scalars in arrays"
    assert len(record.steps[16]) == 3000 and record.progress(16).done == 3000
    assert sorted(record.snapshots[2])[-3:] == [2800, 2900, 3000] and len(record.snapshots[2]) == 48
    snap = record.snapshot(2, 2000)
    assert len(snap.xy) == len(snap.labels) == 2000, "a picture is read when it is shown"
    glance = RunRecord.glance(long)
    assert glance.summary() == record.summary() and glance.status() == "finished", \
        "a listing reads the first 16 KB and the last epochs, and says what the whole log says"


def test_a_glance_at_a_log_with_inline_pictures_reads_far_enough_back_for_every_models_last_epoch():
    old = ROOT / "tests" / "fixtures" / "runs" / "tiny-run"  # recorded before pictures left the log: 50 KB lines
    assert RunRecord.glance(old).summary() == RunRecord.read(old).summary()


def test_a_missing_picture_file_shows_as_not_recorded_and_repair_names_it(tmp_path, capsys):
    run = synthetic_run(tmp_path / "run", 12, eval_every=5)
    (run / pictures.relative_path(16, 5, "codes")).unlink()
    (run / pictures.relative_path(16, 12, "digits")).unlink()
    record = RunRecord.read(run)
    assert record.snapshot(16, 5) is None and record.snapshot(16, 4) is not None
    assert record.reconstruction(16, 12) is None and record.summary()["models"]["16"]["judge_acc"] == 0.9
    report = in_process(capsys, "report", str(run), "--json")
    assert report.returncode == 0, report.stderr
    repaired = in_process(capsys, "repair", str(run))
    assert repaired.returncode == 0, repaired.stderr
    assert ("2 picture files the log names are missing; those epochs show as not recorded: "
            "pictures/latent-16/epoch-000005-codes.npz, pictures/latent-16/epoch-000012-digits.npz") in repaired.stdout


KILLED_BETWEEN = """
import os, signal, sys
from bumptui.engine.autoencoder.jobs.train import events as ev
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.run import run_training
from bumptui.engine.autoencoder.runs import log

write = log.MetricsWriter.write
def dies_before_the_line(self, event):
    if isinstance(event, ev.LatentSnapshot) and event.epoch == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # its file is written, its line is not
    write(self, event)
log.MetricsWriter.write = dies_before_the_line
run_training(sys.argv[1], TrainConfig(latent_dims=(2,), epochs=3, batch_size=64, subset=300, judge_epochs=1))
"""


def test_a_run_killed_between_a_picture_file_and_its_line_resumes_with_every_file_named(runs_root, capsys):
    run = runs_root / "killed-between"
    killed = subprocess.run([sys.executable, "-c", KILLED_BETWEEN, str(run)], cwd=ROOT, capture_output=True,
                            timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    orphan = pictures.relative_path(2, 2, "codes")
    assert pictures.check(run, read_events(run)) == ([], [orphan]), "a file no line names, no line without its file"
    resumed = in_process(capsys, "train", "--resume", "--run-dir", str(run), "--json")
    assert resumed.returncode == 0, resumed.stderr
    events = read_events(run)
    assert isinstance(events[-1], Done)
    assert pictures.check(run, events) == ([], []), "the redone epoch wrote the file again and named it"
    assert RunRecord.read(run).snapshot(2, 2) is not None
    # a file left for an epoch that is not redone: repair says which and removes it
    stray = run / pictures.relative_path(2, 7, "digits")
    stray.write_bytes((run / pictures.relative_path(2, 2, "digits")).read_bytes())
    repaired = in_process(capsys, "repair", str(run))
    assert f"removed 1 picture files that no log line names (a run killed between a picture and its line): " \
           f"{pictures.relative_path(2, 7, 'digits')}" in repaired.stdout
    assert not stray.exists() and pictures.check(run, read_events(run)) == ([], [])
    assert os.listdir(run / "pictures" / "latent-2")
