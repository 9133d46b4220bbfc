"""TensorBoard opens a bumptui run: `bumptui export` read back with TensorBoard's own reader, its
scalars equal to the run's log and its projector naming the codes of the 10,000 test digits, and
`train --tensorboard` writing the same as it trains; a folder that cannot be written is one sentence."""

import os
import shutil

import pytest

from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from tests.conftest import in_process, one_sentence

TINY = ["--latent", "2", "16", "--epochs", "2", "--subset", "400", "--batch-size", "64", "--eval-every", "1"]


def scalars(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(folder), size_guidance={"scalars": 0, "images": 0})
    acc.Reload()
    return acc


@pytest.fixture(scope="module")
def trained_with_board(runs_root, tmp_path_factory):
    """A tiny run trained with --tensorboard (live), sampling the box often, and its folder."""
    from bumptui.engine.autoencoder.runs import system

    board = tmp_path_factory.mktemp("board") / "live"
    run = runs_root / "tensorboard-run"
    shutil.rmtree(run, ignore_errors=True)
    from bumptui.cli.main import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(system, "SAMPLE_EVERY_S", 0.02)
        assert main(["train", *TINY, "--run-dir", str(run), "--tensorboard", str(board), "--json"]) == 0
    return run, board


def test_export_writes_the_logs_scalars_images_and_the_projector(trained_with_board, tmp_path, capsys):
    run, live = trained_with_board
    out = tmp_path / "out"
    result = in_process(capsys, "export", str(run), "--tensorboard", str(out))
    assert result.returncode == 0, result.stderr
    out, live = out / run.name, live / run.name  # each run in a folder named as it: TensorBoard lists it by name
    assert "projector: latent 16" in result.stdout and f"tensorboard --logdir {out.parent} --host 127.0.0.1" in result.stdout
    record = RunRecord.read(run)
    acc = scalars(out)
    for d in (2, 16):
        test = [(s.step, round(s.value, 5)) for s in acc.Scalars(f"L1/test/latent_{d}")]
        assert test == [(e, round(ev.test_l1, 5)) for e, ev in sorted(record.epochs[d].items())]
        judged = [(s.step, round(s.value, 4)) for s in acc.Scalars(f"judge/latent_{d}")]
        assert judged == [(e, round(r.judge_acc, 4)) for e, r in sorted(record.reconstructions[d].items())
                          if r.judge_acc is not None]
        assert len(acc.Images(f"digits/latent_{d}")) == len(record.reconstructions[d])
        steps = acc.Scalars(f"L1/train_step/latent_{d}")
        assert len(steps) == len(record.steps[d]) and steps[-1].value == pytest.approx(record.steps[d].ys[-1])
    kmeans = [(s.step, round(s.value, 4)) for s in acc.Scalars("clusters/kmeans/latent_16/acc")]
    assert kmeans == [(e, round(c.acc, 4)) for e, c in sorted(record.clusters[16].items())]
    assert record.system and len(acc.Scalars("system/cpu")) == len(record.system)
    assert [s.value for s in acc.Scalars("system/cpu")] == pytest.approx([s.cpu for s in record.system])
    # the projector: latent 16 only (latent 2 is the scatter itself), 10,000 rows, digits as metadata
    config = (out / "projector_config.pbtxt").read_text()
    assert config.count("embeddings {") == 1 and 'tensor_name: "latent_16' in config
    assert "metadata_path" in config and "sprite" in config
    tensor = next(out.rglob("latent_16*/tensors.tsv"))
    rows = tensor.read_text().splitlines()
    assert len(rows) == 10_000 and len(rows[0].split("\t")) == 16
    labels = next(out.rglob("latent_16*/metadata.tsv")).read_text().split()
    from bumptui.engine.autoencoder.mnist import load_mnist

    assert labels == [str(v) for v in load_mnist().test_labels.tolist()]
    # train --tensorboard wrote the same scalars as it trained
    live_acc = scalars(live)
    for tag in ("L1/test/latent_16", "judge/latent_2", "clusters/kmeans/latent_2/nmi"):
        assert [(s.step, s.value) for s in live_acc.Scalars(tag)] == [(s.step, s.value) for s in acc.Scalars(tag)], tag
    assert (live / "projector_config.pbtxt").is_file()
    again = in_process(capsys, "export", str(run), "--tensorboard", str(out.parent))
    one_sentence(again, "already holds TensorBoard files of this run")


def test_export_to_a_file_or_an_unwritable_folder_is_one_sentence(trained_with_board, tmp_path, capsys):
    run, _ = trained_with_board
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    one_sentence(in_process(capsys, "export", str(run), "--tensorboard", str(a_file)), "is a file, not a folder")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        one_sentence(in_process(capsys, "export", str(run), "--tensorboard", str(locked / "x")), "cannot be written")
    one_sentence(in_process(capsys, "export", str(tmp_path / "nothing"), "--tensorboard", str(tmp_path / "o")),
                 "There is no run directory")
    one_sentence(in_process(capsys, "train", *TINY, "--run-dir", str(tmp_path / "r"), "--tensorboard", str(a_file)),
                 "is a file, not a folder")
    assert not (tmp_path / "r").exists(), "refused before any work"
