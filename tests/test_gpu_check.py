"""bench/gpu_check.py, the script for a lent GPU, takes every one of its steps on the CPU (its dry run),
so that a GPU's few minutes are not spent finding a broken script."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # half a minute on 2 cores: run with the slow set, and before a session's GPU time
def test_the_gpu_check_takes_every_step_in_its_dry_run_on_the_cpu():
    result = subprocess.run([sys.executable, "bench/gpu_check.py", "--dry-run"], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["throughput", "graphs match eager", "step bound", "end to end",
                                                          "kill and resume", "box sampled", "app"]
    assert all(": ok, " in line for line in lines[:-1]) and lines[-1] == "7 of 7 steps ok on cpu"
