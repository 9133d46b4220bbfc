"""Faults while saving: a full disk or a refused permission mid-checkpoint and mid-log-line leave the
previous checkpoint loadable and the log ending in its last complete line, and say so in one sentence."""

import errno
import json
import os

import pytest
import torch

from bumptui.engine.autoencoder.jobs.train.events import JudgeReady, StepLoss

from bumptui.engine.autoencoder.runs.events import to_record
from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from bumptui.engine.autoencoder.runs.log import METRICS, MetricsWriter, read_events, repair_log
from bumptui.engine.autoencoder.runs.log import RunError

from tests.conftest import failing_fsync_of

REAL_FSYNC = os.fsync


def checkpoint(epoch: int, value: float) -> Checkpoint:
    return Checkpoint("autoencoder", {"autoencoder": {"w": torch.full((3,), value)}}, counters={"epoch": epoch},
                      config={"latent_dim": 16})


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full"), (errno.EDQUOT, "quota"),
                                         (errno.EACCES, "permission is denied")])
def test_a_failed_checkpoint_write_names_the_path_and_what_is_intact(tmp_path, monkeypatch, code, words):
    path = tmp_path / "latent-16.pt"
    save_checkpoint(checkpoint(3, 1.0), path)
    monkeypatch.setattr(os, "fsync", failing_fsync_of(".tmp", code))
    with pytest.raises(RunError) as refused:
        save_checkpoint(checkpoint(4, 2.0), path)
    message = str(refused.value)
    assert str(path) in message and words in message
    assert "the previous checkpoint of latent 16, epoch 3, is intact" in message
    monkeypatch.setattr(os, "fsync", REAL_FSYNC)
    kept = load_checkpoint(path, "autoencoder")
    assert kept.counters["epoch"] == 3 and kept.models["autoencoder"]["w"].tolist() == [1.0, 1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["latent-16.pt"], "no temp file is left"


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full"), (errno.EACCES, "permission is denied")])
def test_a_log_line_that_cannot_be_written_is_cut_and_the_log_ends_whole(tmp_path, monkeypatch, code, words):
    writer = MetricsWriter(tmp_path / METRICS)
    first = [JudgeReady(0.9, False, "j.pt"), StepLoss(2, 1, 1, 10, 0.3)]
    for event in first:
        writer.write(event)
    monkeypatch.setattr(os, "fsync", failing_fsync_of(METRICS, code))
    with pytest.raises(RunError, match=words) as refused:
        writer.write(StepLoss(2, 1, 2, 10, 0.25))
    assert "last complete line is intact" in str(refused.value)
    monkeypatch.setattr(os, "fsync", REAL_FSYNC)
    writer.close()
    assert (tmp_path / METRICS).read_bytes().endswith(b"\n")
    assert read_events(tmp_path) == first


def test_a_torn_last_line_of_a_dead_writer_is_cut_before_the_next_one_appends(tmp_path):
    log = tmp_path / METRICS
    whole = json.dumps(to_record(JudgeReady(0.9, False, "j.pt"))) + "\n"
    log.write_text(whole + '{"event": "StepLo')
    writer = MetricsWriter(log)
    writer.write(StepLoss(2, 1, 1, 10, 0.3))
    writer.close()
    assert read_events(tmp_path) == [JudgeReady(0.9, False, "j.pt"), StepLoss(2, 1, 1, 10, 0.3)]


def test_repair_keeps_the_events_before_the_damage_and_a_backup_of_all(tmp_path):
    log = tmp_path / METRICS
    events = [StepLoss(2, 1, step, 10, 0.1 * step) for step in range(1, 6)]
    lines = [json.dumps(to_record(e)) + "\n" for e in events]
    lines[3] = "{not json\n"
    log.write_text("".join(lines))
    kept, line, backup = repair_log(log)
    assert (kept, line) == (3, 4)
    assert read_events(tmp_path) == events[:3]
    assert backup.read_text() == "".join(lines), "the damaged log is kept whole beside it"
    assert repair_log(log) is None, "a sound log is left as it is"


def test_a_full_disk_when_the_settings_are_written_is_one_sentence_and_keeps_them(tmp_path, monkeypatch):
    from bumptui.engine.autoencoder.runs.rundir import write_config

    write_config(tmp_path, {"epochs": 3})
    monkeypatch.setattr(os, "fsync", failing_fsync_of(".tmp"))
    with pytest.raises(RunError, match="config.json could not be written: the disk is full; the previous one is intact"):
        write_config(tmp_path, {"epochs": 4})
    monkeypatch.setattr(os, "fsync", REAL_FSYNC)
    assert (tmp_path / "config.json").read_text() == '{\n  "epochs": 3\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"], "no temp file is left"
