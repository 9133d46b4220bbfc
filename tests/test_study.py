"""`bumptui study` end to end on a local Ray, on a tiny subset: its trials are ordinary runs, it is
interrupted after its first seed, and --resume runs only the seed that was left."""

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from engine.autoencoder.jobs.study.events import StudyStarted, TrialMeasured, TrialState
from engine.autoencoder.runs.log import read_events
from tests.conftest import ROOT, bumptui, in_process, one_sentence, wait_for

TINY = ["--latent", "2", "16", "--epochs", "2", "--subset", "300", "--cluster-methods", "kmeans",
        "--sharpen-epochs", "1", "--parallel", "1"]


def test_a_study_interrupted_after_one_seed_resumes_only_the_other_and_judges_every_claim(tmp_path):
    study = tmp_path / "runs" / "study"
    proc = subprocess.Popen([sys.executable, "-m", "cli", "study", "--seeds", "2", *TINY, "--run-dir", str(study)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert wait_for(lambda: any(isinstance(e, TrialMeasured) for e in read_events(study)), timeout=120)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"Continue with: bumptui study --resume --run-dir {study}" in err
    assert "ray" not in err.lower().replace(f"{study}", ""), "Ray's own output stays out of the terminal"

    resumed = bumptui("study", "--resume", "--run-dir", str(study), "--json", timeout=240)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["seeds"] == [0, 1] and summary["failed"] == {}
    assert sorted(summary["claims"]) == [f"C{i}" for i in range(1, 8)]
    c1 = summary["claims"]["C1"]
    assert c1["n"] == 2 and c1["verdict"] in ("supported", "contradicted", "inconclusive")
    assert c1["ci"][0] <= c1["difference"] <= c1["ci"][1] and c1["metric"] == "test_l1/2 - test_l1/16"
    started = [e for e in read_events(study) if isinstance(e, StudyStarted)]
    assert [s.resumed_epochs for s in started] == [{"seed-0": 0, "seed-1": 0}, {"seed-0": 1, "seed-1": 0}]
    second = read_events(study)[read_events(study).index(started[1]):]
    assert {e.seed for e in second if isinstance(e, TrialState)} == {1}, "only the unfinished seed ran again"
    assert sorted(summary["figures"]) == ["clusters", "digits", "loss", "report", "sharpening"]
    for what, path in summary["figures"].items():
        head = open(path, "rb").read(8)
        assert head == b"\x89PNG\r\n\x1a\n" if what != "report" else b"| C1: a larger" in open(path, "rb").read()
    again = bumptui("study", "--report", "--run-dir", str(study))
    assert again.returncode == 0 and "C7" in again.stdout and f"wrote {summary['figures']['report']}" in again.stdout
    watched = bumptui("watch", str(study))
    assert watched.returncode == 2 and "holds a study, which the app does not show yet" in watched.stderr
    report = bumptui("report", str(study / "seed-1"), "--json")
    assert report.returncode == 0 and json.loads(report.stdout)["status"] == "finished", "a trial is a normal run"
    assert sorted(json.loads(report.stdout)["models"]) == ["16", "2"]


def test_a_study_that_cannot_judge_or_cannot_start_says_so_in_one_sentence(tmp_path, capsys):
    one_sentence(in_process(capsys, "study", "--seeds", "1", "--run-dir", str(tmp_path / "s")),
                 "seeds must be from 2 to 1,000, not 1: one seed gives no interval")
    one_sentence(in_process(capsys, "study", "--gpus-per-trial", "0.5", "--run-dir", str(tmp_path / "s")),
                 "asks for a GPU but this machine has none")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    one_sentence(in_process(capsys, "study", "--run-dir", str(tmp_path / "full")), "is not empty and holds no study")
    refused = bumptui("study", "--seeds", "2", *TINY, "--address", "127.0.0.1:9", "--run-dir", str(tmp_path / "far"))
    one_sentence(refused, "No Ray cluster answers at 127.0.0.1:9")


@pytest.mark.slow
def test_a_study_joins_a_ray_cluster_started_with_ray_start(tmp_path):
    """A real Ray head (`ray start --head` on 127.0.0.1), the study sent to it with --address, the
    head stopped at the end whatever happened."""
    ray = [str(Path(sys.executable).parent / "ray")]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    started = subprocess.run([*ray, "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port),
                              "--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats"],
                             capture_output=True, text=True, timeout=120, env=env)
    try:
        assert started.returncode == 0, started.stderr
        study = tmp_path / "study"
        result = bumptui("study", "--seeds", "2", *TINY, "--address", f"127.0.0.1:{port}", "--run-dir", str(study),
                         "--json", timeout=300)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["seeds"] == [0, 1]
        assert [e for e in read_events(study) if isinstance(e, StudyStarted)][0].device == f"127.0.0.1:{port}"
    finally:
        subprocess.run([*ray, "stop", "--force"], capture_output=True, timeout=120, env=env)
