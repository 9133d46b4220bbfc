"""A run directory from elsewhere never crashes a reader. A fuzz over run directories: a recorded run
(training, sharpening and clustering logs, the training's checkpoints) with one or two damages drawn
from a library of what copying, syncing half-way, a full disk or a hostile sender leave, then every
reader in-process (report, compare, the cluster report, each kind's resume check, the log reader the
app's watch uses, the Runs pane's listing, repair): each ends in its result or one sentence, never
another exception. Then the damages a user met, each by name, and the app staying up on them."""

import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bumptui.engine.autoencoder.jobs import registry
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.jobs.train.run import run_training
from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint, save_checkpoint
from bumptui.engine.errors import UserError
from tests.conftest import in_process, one_sentence
from tests.tui.conftest import FIXTURE

FILES = ["config.json", "metrics.jsonl", "sharpen/metrics.jsonl", "sharpen/config.json", "cluster/metrics.jsonl",
         "checkpoints/latent-2.pt", "checkpoints/latent-16.pt", "lock"]


def own(path) -> None:
    """Break a hard link before changing a file, so that the base stays whole."""
    if path.is_file() and not path.is_symlink():
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)


VALUES = [0, -1, 2**31, 10**30, -1e308, float("nan"), float("inf"), "x", None, [], {}, [[1]], [[0.5] * 3], True,
          [12], [[1] * 10] * 3 + [[1] * 9]]
"""Values a hostile or buggy writer puts in a well-formed log line's field."""


def damage(run, how: str, name: str, where: float, other: str, pick: int = 0) -> None:
    path = run / name
    if path.is_symlink():
        path.unlink()
    elif path.is_dir():  # an earlier damage put a folder there
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    own(path)
    data = path.read_bytes() if path.is_file() else b""
    at = int(len(data) * where)
    if how == "truncate":
        path.write_bytes(data[:at])
    elif how == "flip":
        path.write_bytes(data[:at] + bytes(b ^ 0xFF for b in data[at:at + 8]) + data[at + 8:])
    elif how == "deep":
        path.write_bytes(data[:at] + b"\n" + b"[" * 200_000 + b"\n" + data[at:])
    elif how == "giant":
        path.write_bytes(data + b'{"event": "StepLoss", "pad": "' + b"x" * 9_000_000 + b'"}\n')
    elif how == "nul":
        path.write_bytes(data[:at] + b"\0" * 64 + data[at:])
    elif how == "utf8":
        path.write_bytes(data[:at] + b"\xff\xfe\xc3\x28" + data[at:])
    elif how == "wrong type":
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, dict) and value:
            key = sorted(value)[int(where * (len(value) - 1))]
            value[key] = [[{"x": None}]]
            path.write_text(json.dumps(value))
        else:
            path.write_text('["not", "a", "config"]')
    elif how == "value":  # a line that parses, with one field's value changed
        lines = data.splitlines(keepends=True)
        if name.endswith(".jsonl") and lines:
            at = int(where * (len(lines) - 1))
            try:
                record = json.loads(lines[at])
            except (ValueError, RecursionError):  # an earlier damage
                record = None
            if isinstance(record, dict) and len(record) > 1:
                key = sorted(k for k in record if k != "event")[pick % (len(record) - 1)]
                record[key] = VALUES[pick // 7 % len(VALUES)]
                lines[at] = json.dumps(record).encode() + b"\n"
                path.write_bytes(b"".join(lines))
    elif how == "swap":
        other_path = run / other
        own(other_path)
        if path.exists() and other_path.exists():
            a, b = path.read_bytes(), other_path.read_bytes()
            path.write_bytes(b)
            other_path.write_bytes(a)
    elif how == "other kind":
        save_checkpoint(Checkpoint("dis_net", {"dis_net": {}}), path)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "directory":
        path.unlink(missing_ok=True)
        path.mkdir()
    elif how == "symlink loop":
        path.unlink(missing_ok=True)
        os.symlink(path.name, path)


DAMAGES = ["truncate", "flip", "deep", "giant", "nul", "utf8", "wrong type", "swap", "other kind", "empty",
           "directory", "symlink loop", "value", "value", "value"]


def refused(result) -> None:
    """A refusal in one sentence, after at most a note on each other damage the command met first."""
    *notes, last = result.stderr.strip().splitlines() or [""]
    assert result.returncode == 2 and last.startswith("bumptui: ") and "Traceback" not in result.stderr, result.stderr
    assert all(n.startswith("bumptui: note: ") for n in notes) and len(notes) <= 2, result.stderr


def readers(run, capsys) -> None:
    """Every reader of a run directory, each ending in its result or one sentence."""
    for args in (["report", str(run), "--json"], ["compare", str(run)], ["cluster", str(run), "--report"]):
        result = in_process(capsys, *args)
        assert result.returncode in (0, 2), (args, result.stderr)
        if result.returncode == 2:
            refused(result)
    for kind in (registry.kind(name) for name in ("train", "sharpen", "cluster")):
        try:
            kind.prepare(run, None, resume=True)
        except UserError:
            pass
    for record in (RunRecord.read, RunRecord.glance):
        try:
            record(run)
        except UserError:
            pass
    result = in_process(capsys, "repair", str(run))
    assert result.returncode in (0, 2), result.stderr
    if result.returncode == 2:
        refused(result)


FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
"""20 fixed examples in the suite (about 10 s); FUZZ_EXAMPLES=500 for a longer, randomized run."""


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=FUZZ_EXAMPLES == 20,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(DAMAGES), st.sampled_from(FILES), st.floats(0, 1),
                          st.sampled_from(FILES), st.integers(0, 10_000)), min_size=1, max_size=2))
def test_no_damage_to_a_run_directory_ends_in_anything_but_a_result_or_one_sentence(recorded, tmp_path_factory,
                                                                                   capsys, damages):
    run = tmp_path_factory.mktemp("damaged") / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    for how, name, where, other, pick in damages:
        damage(run, how, name, where, other, pick)
    readers(run, capsys)


@pytest.mark.parametrize("name, words", [
    ("metrics.jsonl", "line 9 is not a valid event (nested deeper than the program ever writes)"),
    ("config.json", "config.json is damaged: it is nested deeper than the program ever writes"),
])
def test_deep_nesting_in_a_log_or_a_config_is_one_sentence(recorded, tmp_path, capsys, name, words):
    run = tmp_path / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    lines = (run / name).read_bytes().splitlines(keepends=True)
    own(run / name)
    if name == "metrics.jsonl":
        (run / name).write_bytes(b"".join(lines[:8]) + b"[" * 200_000 + b"\n" + b"".join(lines[8:]))
    else:
        (run / name).write_bytes(b"[" * 100_000)
    if name == "config.json":  # report goes on from the sound log, and says so; resuming cannot
        report = in_process(capsys, "report", str(run))
        assert report.returncode == 0 and "latent 16" in report.stdout
        assert report.stderr.strip().splitlines() == [
            f"bumptui: note: {run}/config.json is damaged (it is nested deeper than the program ever writes): the "
            f"report is read from the log alone; `bumptui repair {run}` writes it again from the log."]
        one_sentence(in_process(capsys, "train", "--resume", "--run-dir", str(run)), words)
        return
    for args in (["report", str(run)], ["train", "--resume", "--run-dir", str(run)]):
        one_sentence(in_process(capsys, *args), words)


@pytest.mark.parametrize("content, why", [
    ({"epochs": "ten"}, "'epochs' must be a whole number, not 'ten'"),
    (b"{\"epochs\": ", "it is not valid JSON"),
])
def test_report_and_watch_on_a_damaged_config_read_the_log_alone_and_say_so(recorded, tmp_path, capsys, content, why):
    run = tmp_path / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    sound = in_process(capsys, "report", str(run), "--json")
    own(run / "config.json")
    if isinstance(content, dict):
        (run / "config.json").write_text(json.dumps({**json.loads((run / "config.json").read_text()), **content}))
    else:
        (run / "config.json").write_bytes(content)
    report = in_process(capsys, "report", str(run), "--json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["models"] == json.loads(sound.stdout)["models"], "the log's scores, all of them"
    assert report.stderr.strip().splitlines() == [
        f"bumptui: note: {run}/config.json is damaged ({why}): the report is read from the log alone; "
        f"`bumptui repair {run}` writes it again from the log."]
    (run / "metrics.jsonl").unlink()  # nothing left to read: the config's own sentence, exit 2
    assert in_process(capsys, "report", str(run)).returncode == 2


async def test_the_app_opens_a_run_with_a_damaged_config_from_its_log_and_says_so(recorded, tmp_path):
    from bumptui.tui.app import BumptuiApp
    from bumptui.tui.screens.overview import OverviewPane

    run = tmp_path / "runs" / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    own(run / "config.json")
    (run / "config.json").write_text(json.dumps({**json.loads((run / "config.json").read_text()), "epochs": "ten"}))
    app = BumptuiApp(watch=run, runs_root=run.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)
        assert any(n.startswith(f"{run}/config.json is damaged ('epochs' must be a whole number, not 'ten'): the run is "
                                "shown from the log alone") for n in app.notices), app.notices
        assert isinstance(app.screen, OverviewPane) and app.record is not None
        assert app.record.latents == [2, 16] and app.record.outcome is not None


def test_swapped_checkpoints_are_named_before_they_are_loaded(recorded, tmp_path, capsys):
    run = tmp_path / "runs" / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    shutil.rmtree(run / "cluster")
    damage(run, "swap", "checkpoints/latent-2.pt", 0, "checkpoints/latent-16.pt")
    words = (f"{run}/checkpoints/latent-2.pt holds a latent-16 model where this run's latent-2 model belongs "
             "(swapped, or copied from another run)")
    one_sentence(in_process(capsys, "cluster", str(run), "--method", "kmeans"), words)
    one_sentence(in_process(capsys, "train", "--resume", "--run-dir", str(run), "--epochs", "4"), words)


def test_repair_writes_a_damaged_config_again_from_the_log(recorded, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    before = json.loads((run / "config.json").read_text())
    own(run / "config.json")
    (run / "config.json").write_bytes(b"\xff\xfe not json")
    repaired = in_process(capsys, "repair", str(run))
    assert repaired.returncode == 0, repaired.stderr
    assert f"{run}/config.json: written again from the settings the log recorded last" in repaired.stdout
    assert json.loads((run / "config.json").read_text()) == before
    assert [p.read_bytes() for p in run.glob("config.json.damaged-*")] == [b"\xff\xfe not json"], "kept beside it"
    assert in_process(capsys, "report", str(run), "--json").returncode == 0


async def test_the_app_stays_up_on_a_damaged_run_and_the_runs_pane_says_damaged_and_why(recorded, tmp_path):
    from textual.widgets import DataTable

    from bumptui.tui.app import BumptuiApp

    root = tmp_path / "runs"
    run = root / "deep"
    shutil.copytree(recorded, run, copy_function=os.link)
    own(run / "metrics.jsonl")
    with open(run / "metrics.jsonl", "ab") as f:
        f.write(b"[" * 200_000 + b"\n")
    (root / "sound").mkdir()
    shutil.copytree(FIXTURE, root / "sound", dirs_exist_ok=True)
    app = BumptuiApp(watch=run, runs_root=root)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)
        assert any("nested deeper than the program ever writes" in n for n in app.notices)
        await pilot.press("6")
        rows = {str(r[0]): [str(c) for c in r] for r in (app.screen.query_one("#runs", DataTable).get_row_at(i)
                                                         for i in range(2))}
        assert rows["deep"][1] == "damaged: nested deeper than the program ever writes"
        assert rows["sound"][1] == "finished"
        await pilot.press("1", "space")
        assert app.screen.trajectories[0].t == 1, "every other pane keeps working"


def test_damage_a_command_can_work_around_is_said_in_one_line_and_the_work_is_done(recorded, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    damage(run, "truncate", "checkpoints/latent-16.pt", 0.5, "")
    report = in_process(capsys, "report", str(run), "--json")
    assert report.returncode == 0 and json.loads(report.stdout)["status"] == "finished"
    assert report.stderr.strip().splitlines() == [
        f"bumptui: note: {run}/checkpoints/latent-16.pt is damaged (it is cut short, or not a checkpoint); the "
        "scores are the log's, and resuming needs it moved away first (that model then trains again)."]
    (run / "checkpoints/latent-16.pt").unlink()
    shutil.copy(recorded / "checkpoints/latent-16.pt", run / "checkpoints/latent-16.pt")
    shutil.rmtree(run / "cluster")
    damage(run, "flip", "metrics.jsonl", 0.5, "")
    clustered = in_process(capsys, "cluster", str(run), "--method", "kmeans", "--json")
    assert clustered.returncode == 0, clustered.stderr
    assert json.loads(clustered.stdout)["methods"]["kmeans"], "clustered from the sound checkpoints"
    assert clustered.stderr.startswith(f"bumptui: note: {run}/metrics.jsonl line ")
    assert "The clustering needs only the checkpoints and goes on" in clustered.stderr


def test_repair_sets_a_damaged_checkpoint_aside_so_that_resuming_trains_that_model_again(recorded, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    damage(run, "flip", "checkpoints/latent-2.pt", 0.5, "")
    repaired = in_process(capsys, "repair", str(run))
    assert repaired.returncode == 0, repaired.stderr
    assert f"{run}/checkpoints/latent-2.pt: damaged (" in repaired.stdout and "set aside as" in repaired.stdout
    assert not (run / "checkpoints/latent-2.pt").exists() and (run / "checkpoints/latent-16.pt").exists()
    assert len(list((run / "checkpoints").glob("latent-2.pt.damaged-*"))) == 1, "kept, not deleted"
    assert registry.kind("train").prepare(run, None, resume=True).resume


def test_a_checkpoint_of_another_architecture_is_refused_in_one_sentence_by_every_command(recorded, tmp_path,
                                                                                          capsys):
    # latent-16.pt copied from a run of the default dec into this run of the mlp: the same latent
    # size, other layers. Clustering, sharpening and the export each say so before any work.
    dec = tmp_path / "dec"
    run_training(dec, TrainConfig(latent_dims=(16,), epochs=1, batch_size=64, subset=300, judge_epochs=1))
    run = tmp_path / "run"
    shutil.copytree(recorded, run, copy_function=os.link)
    shutil.rmtree(run / "cluster", ignore_errors=True)
    shutil.rmtree(run / "sharpen", ignore_errors=True)
    (run / "checkpoints/latent-16.pt").unlink()
    shutil.copy(dec / "checkpoints/latent-16.pt", run / "checkpoints/latent-16.pt")
    words = f"{run}/checkpoints/latent-16.pt does not fit this run's model"
    for command in (["cluster", str(run), "--method", "kmeans"], ["sharpen", str(run), "--epochs", "1"],
                    ["export", str(run), "--tensorboard", str(tmp_path / "tb")]):
        result = in_process(capsys, *command)
        assert result.returncode != 0 and words in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert (run / "checkpoints/latent-16.pt").read_bytes() == (dec / "checkpoints/latent-16.pt").read_bytes()


@pytest.mark.parametrize("field, value, words", [
    ("steps_per_epoch", 0, "its steps_per_epoch is 0: below 1"),
    ("loss", float("nan"), "its loss is nan: not a finite number"),
    ("step", 99, "its step is 99, past its epoch's"),
    ("latent", "2", "its latent is '2': not a whole number"),
])
def test_a_line_that_parses_but_holds_impossible_values_is_damage_named_and_mended(recorded, tmp_path, capsys, field,
                                                                                     value, words):
    run = tmp_path / "run"
    shutil.copytree(recorded, run)
    lines = (run / "metrics.jsonl").read_bytes().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if b'"StepLoss"' in line)
    record = {**json.loads(lines[at]), field: value}
    (run / "metrics.jsonl").write_bytes(b"".join(lines[:at]) + json.dumps(record).encode() + b"\n"
                                        + b"".join(lines[at + 1:]))
    named = f"{run}/metrics.jsonl line {at + 1} is not a valid event ({words}"
    export = [["export", str(run), "--tensorboard", str(tmp_path / "tb")]] if field == "steps_per_epoch" else []
    for args in (["report", str(run)], *export, ["train", "--resume", "--run-dir", str(run), "--epochs", "3"]):
        one_sentence(in_process(capsys, *args), named)  # (export, whose division by it crashed, once)
    repaired = in_process(capsys, "repair", str(run))
    assert f"kept the {at} events before the damaged line {at + 1}" in repaired.stdout, repaired.stdout
    assert in_process(capsys, "report", str(run), "--json").returncode == 0


async def test_the_app_watching_a_run_with_an_impossible_value_stays_up_and_names_it(recorded, tmp_path):
    from bumptui.tui.app import BumptuiApp

    run = tmp_path / "runs" / "run"
    shutil.copytree(recorded, run)
    with open(run / "metrics.jsonl", "a") as f:
        f.write(json.dumps({"event": "StepLoss", "latent": 2, "epoch": 1, "step": 1, "steps_per_epoch": 0,
                            "loss": 0.2}) + "\n")
    app = BumptuiApp(watch=run, runs_root=run.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)
        assert any("its steps_per_epoch is 0: below 1" in n for n in app.notices), app.notices
        for key in "2345":
            await pilot.press(key)
            await pilot.pause(0.1)
        assert app.is_running
