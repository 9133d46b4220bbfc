"""`bumptui sharpen` and `bumptui compare` as a user runs them, in subprocesses."""

import json
from pathlib import Path

import pytest

from tests.conftest import bumptui, in_process, one_sentence


def test_sharpen_then_compare_prints_the_same_numbers_and_writes_the_digit_rows(sharpen_copy):
    run = str(sharpen_copy)
    one_sentence(bumptui("compare", run), "has not been sharpened yet")
    sharpened = bumptui("sharpen", run, "--epochs", "1", "--dis-epochs", "6", "--lambda", "0.05", "--json")
    assert sharpened.returncode == 0, sharpened.stderr
    summary = json.loads(sharpened.stdout)
    models = summary["models"]["16"]
    assert list(models) == ["a", "s0", "s1", "s2"]
    assert summary["config"]["lam"] == 0.05 and summary["status"] == "finished"
    assert all(Path(p).stat().st_size > 1000 for p in summary["pngs"])

    again = json.loads(bumptui("compare", run, "--json").stdout)
    assert again["models"]["16"] == models, "compare reads back exactly what sharpen measured"
    table = bumptui("compare", run)
    assert table.returncode == 0
    lines = {line.split()[1] + " " + line.split()[2]: line for line in table.stdout.splitlines()
             if line.strip().startswith("16 ")}
    for key, name in (("a", "(a) plain"), ("s1", "strategy 1"), ("s2", "strategy 2")):
        assert f"{models[key]['sharpness']:.3f}" in lines[name] and f"{models[key]['judge_acc']:.4f}" in lines[name]
    assert all(len(line) <= 80 for line in table.stdout.splitlines() if run not in line), "the table fits 80 columns"

    one_sentence(bumptui("sharpen", run), "already sharpened")
    resumed = bumptui("sharpen", run, "--resume", "--epochs", "2", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["models"]["16"]["s1"]["epochs"] == 2


@pytest.mark.parametrize("args, words", [
    (["--lambda", "-1"], "lambda must be a number from 0 to 100"),
    (["--blur-kernel", "4"], "blur kernel must be an odd size"),
    (["--blur-sigma", "2", "1"], "blur sigma range"),
    (["--d-steps", "0"], "d steps must be at least 1"),
    (["--latent", "2"], "The run has no latent-2 model"),
    (["--resume"], "has no sharpening to resume"),
])
def test_bad_sharpen_requests_exit_2_with_one_sentence(sharpen_base, args, words, capsys):
    one_sentence(in_process(capsys, "sharpen", str(sharpen_base), *args), words)


def test_sharpen_and_compare_name_a_missing_run(tmp_path, capsys):
    one_sentence(in_process(capsys, "sharpen", str(tmp_path / "nowhere")), "There is no run directory")
    one_sentence(in_process(capsys, "compare", str(tmp_path)), "is not a run directory")


def test_sharpen_detach_returns_at_once_and_the_sharpening_carries_on(sharpen_copy):
    from bumptui.engine.autoencoder.runs.events import Done
    from bumptui.engine.autoencoder.runs.log import read_events
    from bumptui.engine.autoencoder.jobs.sharpen.kind import SHARPEN
    from tests.conftest import wait_for

    result = bumptui("sharpen", str(sharpen_copy), "--epochs", "1", "--dis-epochs", "6", "--detach")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(sharpen_copy) and "bumptui watch" in result.stderr
    assert wait_for(lambda: any(isinstance(e, Done) for e in read_events(SHARPEN.folder(sharpen_copy))), timeout=180)
    assert wait_for(lambda: not (sharpen_copy / "lock").exists(), timeout=10)
    assert "lambda 0.001 (1), 0.01 (2)" in (SHARPEN.folder(sharpen_copy) / "sharpen.log").read_text()
