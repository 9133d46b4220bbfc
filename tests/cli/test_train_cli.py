"""`bumptui train` and `bumptui report` as a user runs them, in subprocesses."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bumptui.engine.autoencoder.jobs.train.events import EpochEnd, RunStarted, StepLoss

from bumptui.engine.autoencoder.runs.events import Done, Failed
from bumptui.engine.autoencoder.runs.log import read_events
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.run import run_training
from tests.conftest import ROOT, bumptui, in_process, one_sentence, wait_for

TINY = ["--subset", "3000", "--batch-size", "32", "--eval-every", "9"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--latent", "0"], "latent dimension must be between 1 and 784"),
        (["--latent", "2", "2"], "only once"),
        (["--epochs", "0"], "epochs must be at least 1"),
        (["--lr", "-1"], "learning rate must be a number greater than 0"),
        (["--lr", "nan"], "learning rate must be a number greater than 0"),
        (["--lr", "1e30"], "learning rate must be a number greater than 0 and at most 1, not 1e+30"),
        (["--subset", "5"], "subset must be between 100 and 60000"),
        (["--device", "cuda"], "CUDA was asked for but no GPU is available"),
        (["--resume"], "--resume needs --run-dir"),
    ],
)
def test_bad_arguments_exit_2_with_one_sentence(args, words, tmp_path, capsys):
    if "--device" in args and __import__("torch").cuda.is_available():
        pytest.skip("this machine has a GPU")
    run_dir = [] if "--resume" in args else ["--run-dir", str(tmp_path / "r")]
    one_sentence(in_process(capsys, "train", *args, *run_dir), words)
    assert not (tmp_path / "r").exists(), "a refused request writes nothing"


def test_run_directory_errors(tmp_path):
    result = bumptui("train", "--resume", "--run-dir", str(tmp_path / "empty"))
    assert result.returncode == 2 and "There is no run to resume" in result.stderr
    result = bumptui("train", "--data-dir", str(tmp_path / "nowhere"), "--run-dir", str(tmp_path / "r"), *TINY)
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr
    result = bumptui("report", str(tmp_path))
    assert result.returncode == 2 and "is not a run directory" in result.stderr


def test_kill_9_then_resume_gives_the_uninterrupted_losses(runs_root):
    runs = runs_root
    config = TrainConfig(latent_dims=(2,), epochs=3, batch_size=32, subset=3000, eval_every=9)
    reference = run_training(runs / "kill-whole", config)  # also caches the judge for both
    killed = runs / "kill-resumed"
    proc = subprocess.Popen([sys.executable, "-m", "bumptui", "train", "--latent", "2", "--epochs", "3",
                             "--run-dir", str(killed), *TINY], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def in_epoch_2():
        try:
            return any(isinstance(e, StepLoss) and e.epoch == 2 for e in read_events(killed))
        except FileNotFoundError:
            return False

    assert wait_for(in_epoch_2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    result = bumptui("train", "--resume", "--run-dir", str(killed), "--json")
    assert result.returncode == 0, result.stderr
    resumed = json.loads(result.stdout)
    assert resumed["models"]["2"]["test_l1"] == reference["models"]["2"]["test_l1"]
    events = read_events(killed)
    restart = [e for e in events if isinstance(e, RunStarted)][-1]
    assert restart.stale_lock_pid == proc.pid and restart.resumed_epochs == {"2": 1}
    whole = {e.epoch: e.train_l1 for e in read_events(runs / "kill-whole") if isinstance(e, EpochEnd)}
    again = {e.epoch: e.train_l1 for e in events if isinstance(e, EpochEnd)}
    assert again == whole


def test_json_then_report_with_pngs(runs_root):
    run_dir = runs_root / "report"
    result = bumptui("train", "--latent", "2", "16", "--epochs", "1", "--run-dir", str(run_dir), "--json", *TINY)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= {"run_dir", "models", "raw_pixels", "judge"}
    assert set(out["models"]) == {"2", "16"}
    assert set(out["models"]["16"]) >= {"test_l1", "purity", "nmi", "ari", "acc", "judge_acc"}
    assert "epoch 1" in result.stderr, "plain progress lines when stderr is not a terminal"
    report = bumptui("report", str(run_dir), "--json")
    assert report.returncode == 0, report.stderr
    rep = json.loads(report.stdout)
    assert rep["status"] == "finished"
    assert rep["models"]["16"]["test_l1"] == out["models"]["16"]["test_l1"]
    for d in ("2", "16"):
        png = run_dir / f"reconstructions-latent-{d}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = bumptui("report", str(run_dir)).stdout
    assert "latent 16" in table and "pixels" in table and "finished" in table


def test_detach_returns_at_once_and_the_run_carries_on(runs_root):
    run_dir = runs_root / "detached"
    start = time.monotonic()
    result = bumptui("train", "--latent", "2", "--epochs", "1", "--run-dir", str(run_dir), "--detach", *TINY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(run_dir)
    assert time.monotonic() - start < 60
    assert wait_for(lambda: any(isinstance(e, Done) for e in read_events(run_dir)), timeout=180)
    assert wait_for(lambda: not (run_dir / "lock").exists(), timeout=30), "Done is logged just before the lock goes"


def test_watch_refuses_a_folder_that_is_not_a_run(tmp_path):
    result = bumptui("watch", str(tmp_path))
    assert result.returncode == 2
    assert "is not a run directory" in result.stderr and "Traceback" not in result.stderr


def copy_of_fixture_run(tmp_path) -> Path:
    import shutil

    from tests.tui.conftest import FIXTURE

    run = tmp_path / "runs" / "copy"
    shutil.copytree(FIXTURE, run)
    return run


def test_a_run_directory_that_is_a_file_is_refused(tmp_path, capsys):
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    one_sentence(in_process(capsys, "train", "--run-dir", str(file)), "is a file, not a folder")
    assert file.read_text() == "mine"


@pytest.mark.parametrize("field, value, words", [("epochs", "ten", "'epochs' must be a whole number"),
                                                  ("latent_dims", "x", "'latent_dims' must be a list of whole numbers"),
                                                  ("subset", 5, "subset must be between 100 and 60000"),
                                                  ("colour", "red", "unknown field 'colour'")])
def test_a_config_with_wrong_types_is_named_field_by_field_and_nothing_is_written(tmp_path, capsys, field, value, words):
    run = copy_of_fixture_run(tmp_path)
    config = json.loads((run / "config.json").read_text())
    (run / "config.json").write_text(json.dumps({**config, field: value}))
    before = (run / "metrics.jsonl").read_bytes()
    one_sentence(in_process(capsys, "train", "--resume", "--run-dir", str(run)), words)
    one_sentence(in_process(capsys, "sharpen", str(run)), words)
    assert (run / "metrics.jsonl").read_bytes() == before and not (run / "checkpoints").exists()


def test_resuming_a_log_damaged_in_the_middle_is_refused_until_it_is_repaired(tmp_path, capsys):
    run = copy_of_fixture_run(tmp_path)
    lines = (run / "metrics.jsonl").read_text().splitlines(keepends=True)
    lines[5] = "{damaged\n"
    (run / "metrics.jsonl").write_text("".join(lines))
    one_sentence(in_process(capsys, "train", "--resume", "--run-dir", str(run)), "line 6 is not a valid event")
    assert in_process(capsys, "repair", str(run)).returncode == 0
    assert len(read_events(run)) == 5
    assert [p.name for p in run.glob("metrics.jsonl.damaged-*")], "the damaged log is kept"
    from bumptui.engine.autoencoder.jobs.train.kind import TRAIN

    assert TRAIN.prepare(run, None, resume=True).resume, "the repaired run can be resumed"


def test_a_full_disk_while_training_is_one_sentence_and_exit_2(tmp_path, capsys, monkeypatch, runs_root):
    import os

    from tests.conftest import failing_fsync_of

    run = runs_root / "disk-full-cli"  # beside the cached judges: the epoch's pictures are the first file written
    run_training(runs_root / "disk-full-judge", TrainConfig(latent_dims=(2,), epochs=1, batch_size=64, subset=300,
                                                            eval_every=9, judge_epochs=1))
    monkeypatch.setattr(os, "fsync", failing_fsync_of(f".npz.{os.getpid()}.tmp"))  # the first picture of the epoch
    result = in_process(capsys, "train", "--run-dir", str(run), "--latent", "2", "--epochs", "1", "--subset", "300",
                        "--batch-size", "64")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"bumptui: {run}/pictures/latent-2/epoch-000001-codes.npz could not be written: the disk is full; the run's "
        "log and checkpoints are intact. Free space or fix permissions, then resume the run.")
    assert isinstance(read_events(run)[-1], Failed), "the log says how the run ended"


@pytest.mark.parametrize("seed", ["-1", str(10**29)])
@pytest.mark.parametrize("command", ["train", "sharpen", "cluster"])
def test_a_seed_out_of_range_is_one_sentence_before_anything_is_written(sharpen_copy, tmp_path, capsys, seed, command):
    """k-means takes seeds below 2**32 only: it used to refuse one after a whole epoch, in a traceback."""
    before = sorted(p.relative_to(sharpen_copy) for p in sharpen_copy.rglob("*"))
    run = tmp_path / "new" if command == "train" else sharpen_copy
    args = ["--run-dir", str(run), "--subset", "100", "--epochs", "1"] if command == "train" else [str(run)]
    one_sentence(in_process(capsys, command, *args, f"--seed={seed}"),
                 f"The seed must be from 0 to 2,147,483,647, not {seed}.")
    assert not (tmp_path / "new").exists()
    assert sorted(p.relative_to(sharpen_copy) for p in sharpen_copy.rglob("*")) == before
