"""`bumptui study` end to end on a local Ray, on a tiny subset: its trials are ordinary runs, it is
interrupted after its first seed, and --resume runs only the seed that was left."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bumptui.engine.autoencoder.jobs.study.events import StudyStarted, TrialMeasured, TrialState
from bumptui.engine.autoencoder.jobs.train.events import EpochEnd
from bumptui.engine.autoencoder.runs.events import JobStarted
from bumptui.engine.autoencoder.runs.lock import LOCK, RunLock
from bumptui.engine.autoencoder.runs.log import METRICS, read_events
from tests.conftest import ROOT, as_in_a_terminal, bumptui, in_process, one_sentence, wait_for

FIXTURE_STUDY = ROOT / "tests" / "fixtures" / "runs" / "tiny-study"
TINY = ["--latent", "2", "16", "--epochs", "2", "--subset", "300", "--cluster-methods", "kmeans",
        "--sharpen-epochs", "1", "--parallel", "1"]


def trial_process(run_dir: Path) -> int | None:
    """The Ray worker running a trial: the process that holds its run directory's lock."""
    return RunLock(run_dir).live_pid() if run_dir.is_dir() else None


@pytest.mark.slow  # 45 s: the suite's six minutes on two cores no longer hold it
def test_a_study_retries_a_killed_trial_then_is_interrupted_and_resumes_only_the_unfinished_seed(tmp_path):
    study = tmp_path / "runs" / "study"
    home = tmp_path / "home"
    home.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "bumptui", "study", "--seeds", "2", *TINY, "--run-dir", str(study)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HOME": str(home)}, preexec_fn=as_in_a_terminal)
    # seed 0's worker is killed mid-trial: Ray runs that trial again, in a new worker, within this study
    seed0 = study / "seed-0"
    assert wait_for(lambda: any(isinstance(e, EpochEnd) for e in read_events(seed0)) and trial_process(seed0),
                    timeout=120)
    killed = trial_process(seed0)
    os.kill(killed, signal.SIGKILL)

    def starts():
        return [e for folder in (seed0, seed0 / "cluster", seed0 / "sharpen") for e in read_events(folder)
                if isinstance(e, JobStarted)]

    assert wait_for(lambda: any(e.stale_lock_pid == killed for e in starts()), timeout=120), \
        "the retry takes the killed worker's lock over, in the stage it was killed in"
    assert proc.poll() is None, "by the same study"
    # interrupted once one seed is measured (which one first is Ray's choice)
    assert wait_for(lambda: any(isinstance(e, TrialMeasured) for e in read_events(study)), timeout=120)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "raylet" not in out + err, "Ray's note of the killed worker stays out of the terminal"
    assert not (home / ".ray").exists(), "the local Ray's token lived in its processes' environment, in no file"
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
    assert started[0].resumed_epochs == {"seed-0": 0, "seed-1": 0}
    first, left = [s for s, done in started[1].resumed_epochs.items() if done], \
        [s for s, done in started[1].resumed_epochs.items() if not done]
    assert len(first) == 1 and len(left) == 1, "one seed finished before the interrupt"
    second = read_events(study)[read_events(study).index(started[1]):]
    assert {f"seed-{e.seed}" for e in second if isinstance(e, TrialState)} == set(left), "only the unfinished seed ran again"
    assert sorted(summary["figures"]) == ["clusters", "digits", "loss", "report", "sharpening"]
    for what, path in summary["figures"].items():
        head = open(path, "rb").read(8)
        assert head == b"\x89PNG\r\n\x1a\n" if what != "report" else b"| C1: a larger" in open(path, "rb").read()
    again = bumptui("study", "--report", "--run-dir", str(study))
    assert again.returncode == 0 and "C7" in again.stdout and f"wrote {summary['figures']['report']}" in again.stdout
    report = bumptui("report", str(seed0), "--json")
    assert report.returncode == 0 and json.loads(report.stdout)["status"] == "finished", "a trial is a normal run"
    assert sorted(json.loads(report.stdout)["models"]) == ["16", "2"]


def descendants(pid: int) -> set[int]:
    """Every process started by pid, and by those, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
        except (OSError, ValueError, IndexError):
            pass
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow  # 30 s: a local Ray started, and the study killed under it
def test_a_study_killed_with_kill_9_takes_its_local_ray_with_it_and_says_so(tmp_path):
    study = tmp_path / "runs" / "study"
    proc = subprocess.Popen([sys.executable, "-m", "bumptui", "study", "--seeds", "2", *TINY, "--run-dir", str(study)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rays: set[int] = set()
    try:
        assert wait_for(lambda: any(isinstance(e, TrialState) and e.state == "running" for e in read_events(study)),
                        timeout=120)
        rays = {p for p in descendants(proc.pid) if alive(p)}
        assert len(rays) >= 2, "Ray's servers, agents and workers run under the study"
        proc.kill()
        proc.wait()
        assert wait_for(lambda: not [p for p in rays if alive(p)], timeout=30), \
            "every process of its Ray is stopped within seconds (it stayed about two minutes)"
    finally:
        proc.kill()
        for p in rays:  # what the study left, whatever the outcome
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
    ended = read_events(study)[-1]
    assert type(ended).__name__ == "Stopped" and "its process was killed; the local Ray it started was stopped" \
        in ended.reason
    assert study_report(study)["status"] == "stopped", "said stopped, not dead"


def study_report(study: Path) -> dict:
    out = bumptui("study", "--report", "--run-dir", str(study), "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


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


def test_a_study_whose_trial_run_is_in_use_is_not_resumed(tmp_path, capsys):
    study = tmp_path / "study"
    shutil.copytree(FIXTURE_STUDY, study)
    (study / "seed-1" / LOCK).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    before = (study / METRICS).read_bytes()
    one_sentence(in_process(capsys, "study", "--resume", "--run-dir", str(study)),
                 f"Run directory {study / 'seed-1'} is in use by process {os.getpid()}")
    assert (study / METRICS).read_bytes() == before, "nothing written"


@pytest.mark.slow
def test_a_trial_killed_twice_is_reported_failed_and_the_study_judges_the_seeds_that_finished(tmp_path):
    study = tmp_path / "study"
    proc = subprocess.Popen([sys.executable, "-m", "bumptui", "study", "--seeds", "3", *TINY, "--run-dir", str(study),
                             "--json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seed0, killed = study / "seed-0", []
    for _ in range(2):  # the first try and Ray's one retry
        assert wait_for(lambda: trial_process(seed0) not in (None, *killed), timeout=180)
        killed.append(trial_process(seed0))
        os.kill(killed[-1], signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert summary["failed"] == {"0": "its process died twice (WorkerCrashedError)"}
    assert summary["seeds"] == [1, 2] and summary["claims"]["C1"]["n"] == 2, "judged over the seeds that finished"
    assert "seed 0: failed (its process died twice" in err


@pytest.mark.slow  # 30 s: a local Ray, and a trial per seed that fails
def test_a_study_whose_every_seed_fails_exits_2_naming_the_first_failure(tmp_path, capsys):
    design = tmp_path / "big.py"
    design.write_text(
        "from torch import nn\n\nclass AE(nn.Module):\n    def __init__(self, latent_dim):\n        super().__init__()\n"
        "        self.enc, self.dec = nn.Linear(784, latent_dim), nn.Linear(latent_dim, 784)\n"
        "    def encode(self, x):\n        if len(x) > 4:\n            raise RuntimeError('only small batches here')\n"
        "        return self.enc(x.reshape(len(x), 784))\n    def decode(self, z):\n        return self.dec(z)\n")
    study = tmp_path / "study"
    result = bumptui("study", "--seeds", "2", *TINY, "--arch", f"{design}:AE", "--run-dir", str(study), timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("bumptui: No seed of the study finished, so no claim can be judged; seed 0 failed: ") \
        and "only small batches here" in last, last
    assert "inconclusive" not in result.stdout + result.stderr, "no verdicts of nothing"
    assert type(read_events(study)[-1]).__name__ == "Failed", "the log says how it ended"


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


@pytest.mark.slow  # a study on Ray: two designs a seed
def test_a_study_of_a_users_design_against_the_built_in_mlp_judges_them_paired_by_seed(tmp_path):
    design = ROOT / "examples" / "designs" / "flat_mlp.py"
    study = tmp_path / "runs" / "paired"
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run([sys.executable, "-m", "bumptui", "study", "--seeds", "2", *TINY, "--run-dir", str(study),
                             "--arch", f"{design}:FlatMlp", "--against", "mlp", "--json"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600, env={**os.environ, "HOME": str(home),
                                                                              "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["failed"] == {} and {"D1", "D2", "D3"} <= set(summary["claims"])
    d1 = summary["claims"]["D1"]
    assert d1["n"] == 2 and d1["ci"][0] <= d1["difference"] <= d1["ci"][1] and "mlp" in d1["claim"]
    for seed in (0, 1):
        mine, theirs = study / f"seed-{seed}", study / f"seed-{seed}-against"
        assert read_events(mine)[0].config["arch"] == f"{design}:FlatMlp" and (mine / "design" / "flat_mlp.py").is_file()
        assert read_events(theirs)[0].config["arch"] == "mlp"

