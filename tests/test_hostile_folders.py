"""A run folder from elsewhere cannot make bumptui write outside it: a link where a job writes (its
log, its checkpoints/, a job's folder, its pictures/, a report's PNG) is refused in one sentence
before anything is written, or replaced by the file, never written through. Each case puts a file or
folder of the user's outside the run and checks it afterwards, byte for byte."""

import os
import shutil

import pytest

from bumptui.engine import guarded
from bumptui.engine.autoencoder.runs import pictures
from bumptui.engine.autoencoder.runs.log import MetricsWriter
from tests.conftest import in_process, one_sentence
from tests.tui.conftest import FIXTURE

FIXTURE_LOG = FIXTURE / "metrics.jsonl"


@pytest.fixture
def copied(recorded, tmp_path):
    """A finished run copied from elsewhere, and a folder of the user's beside it."""
    run = tmp_path / "copied"
    shutil.copytree(recorded, run)
    outside = tmp_path / "mine"
    outside.mkdir()
    return run, outside


def test_resume_never_writes_through_a_linked_log(copied, capsys):
    run, outside = copied
    secret = outside / "f"
    secret.write_bytes(b"SECRET")  # no newline: the writer would cut it back to its last line (none)
    (run / "metrics.jsonl").unlink()
    (run / "metrics.jsonl").symlink_to(secret)
    result = in_process(capsys, "train", "--resume", "--run-dir", str(run), "--epochs", "3")
    one_sentence(result, "is a link")
    assert str(run / "metrics.jsonl") in result.stderr
    assert secret.read_bytes() == b"SECRET"


@pytest.mark.parametrize("linked", ["checkpoints", "cluster"])
def test_a_linked_folder_of_the_run_gets_nothing(copied, capsys, linked):
    run, outside = copied
    if (run / linked).exists():
        shutil.rmtree(run / linked)
    (run / linked).symlink_to(outside, target_is_directory=True)
    command = ["train", "--resume", "--run-dir", str(run), "--epochs", "3"] if linked == "checkpoints" else \
        ["cluster", str(run)]
    one_sentence(in_process(capsys, *command), f"{run / linked} is a link")
    assert os.listdir(outside) == []


def test_a_dangling_link_where_a_log_is_made_is_not_followed(tmp_path):
    target = tmp_path / "elsewhere" / "made.log"
    target.parent.mkdir()
    (tmp_path / "metrics.jsonl").symlink_to(target)
    with pytest.raises(guarded.Refused, match="is a link"):
        MetricsWriter(tmp_path / "metrics.jsonl")
    assert not target.exists()


def test_pictures_never_go_through_a_linked_folder(tmp_path):
    outside = tmp_path / "mine"
    outside.mkdir()
    job = tmp_path / "job"
    job.mkdir()
    (job / "pictures").symlink_to(outside, target_is_directory=True)
    with pytest.raises(guarded.Refused, match="pictures is a link"):
        pictures.save(job, 16, 1, "codes", xy=[[0.0, 1.0]])
    assert os.listdir(outside) == []


def test_a_linked_file_in_the_run_is_replaced_never_written_through(copied, capsys):
    """The report's PNG beside the run's files: a link there is replaced by the picture."""
    run, outside = copied
    mine = outside / "holiday.png"
    mine.write_bytes(b"my picture")
    (run / "reconstructions-latent-2.png").symlink_to(mine)
    result = in_process(capsys, "report", str(run))
    assert result.returncode == 0, result.stderr
    assert mine.read_bytes() == b"my picture"
    written = run / "reconstructions-latent-2.png"
    assert not written.is_symlink() and written.read_bytes().startswith(b"\x89PNG")


def test_a_temp_file_name_put_there_as_a_link_is_not_followed(tmp_path):
    outside = tmp_path / "f"
    outside.write_bytes(b"mine")
    (tmp_path / f".config.json.{os.getpid()}.tmp").symlink_to(outside)
    guarded.replace_with(tmp_path / "config.json", b"{}\n")
    assert outside.read_bytes() == b"mine"
    assert (tmp_path / "config.json").read_bytes() == b"{}\n"


@pytest.mark.parametrize("special", ["fifo", "folder"])
def test_reads_take_regular_files_only_and_never_block(tmp_path, special):
    path = tmp_path / "config.json"
    if special == "fifo":
        os.mkfifo(path)  # opening it to read would wait for a writer for ever
    else:
        path.mkdir()
    with pytest.raises(guarded.Refused, match="not a regular file"):
        guarded.read(path, 1 << 20)


def test_reads_are_bounded_before_they_start(tmp_path):
    path = tmp_path / "lock"
    with open(path, "wb") as f:
        f.truncate(2 << 30)  # 2 GB, sparse: nothing is read of it
    with pytest.raises(guarded.Refused, match="more than bumptui ever writes there"):
        guarded.read(path, 4096)


@pytest.mark.parametrize("special", ["fifo", "zeros"])
def test_report_on_a_config_that_is_a_pipe_or_endless_ends_in_one_sentence(copied, capsys, special):
    run, _ = copied
    (run / "config.json").unlink()
    if special == "fifo":
        os.mkfifo(run / "config.json")
    else:
        (run / "config.json").symlink_to("/dev/zero")
    result = in_process(capsys, "report", str(run))
    assert "Traceback" not in result.stderr and "config.json" in result.stderr
    assert result.returncode in (0, 2)  # read from the log alone (said in a note), or refused


def test_a_log_line_of_64_mb_is_refused_in_linear_time(tmp_path):
    """The tail reader stops gathering a line at the longest the program writes (it used to copy the
    line gathered so far for every chunk, quadratic: 17 s for 64 MB), and names that line."""
    from bumptui.engine.autoencoder.runs.log import MAX_LINE, LogDamaged, MetricsTail

    log = tmp_path / "metrics.jsonl"
    first = (FIXTURE_LOG.read_text().splitlines()[0] + "\n").encode()
    log.write_bytes(first + b"x" * (64 << 20) + b"\n")
    tail = MetricsTail(log)
    with pytest.raises(LogDamaged, match=f"line 2 is not a valid event \\(longer than {MAX_LINE:,} bytes"):
        list(tail.events())
    assert tail.offset == len(first), "the events before the damage are read"


def test_a_log_that_is_a_pipe_is_named_not_waited_on(copied):
    from bumptui.engine.autoencoder.runs.log import LogDamaged, read_events

    run, _ = copied
    (run / "metrics.jsonl").unlink()
    os.mkfifo(run / "metrics.jsonl")
    with pytest.raises(LogDamaged, match="not a regular file"):
        read_events(run)


def test_a_picture_that_inflates_to_gigabytes_is_not_decompressed(tmp_path):
    """A 2 MB .npz whose array inflates to 2 GB: refused from its header, nothing decompressed."""
    import tracemalloc
    import zipfile

    relative = pictures.relative_path(2, 1, "codes")
    bomb = tmp_path / relative
    bomb.parent.mkdir(parents=True)
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xy.npy", "w", force_zip64=True) as member:
            header = b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (268435456, 2), }"
            member.write(header.ljust(127) + b"\n")
            zeros = bytes(1 << 24)
            for _ in range(128):
                member.write(zeros)
    assert bomb.stat().st_size < 4 << 20
    from bumptui.engine.autoencoder.jobs.train.events import LatentSnapshot

    event = LatentSnapshot(2, 1, projection="pca", file=relative)
    tracemalloc.start()
    assert pictures.load(tmp_path, event) is None
    assert tracemalloc.get_traced_memory()[1] < 64 << 20
    tracemalloc.stop()


@pytest.mark.parametrize("named", ["absolute", "../../outside.npz", "pictures/latent-2/../../../outside.npz"])
def test_a_picture_line_names_only_files_inside_its_job(tmp_path, named):
    import numpy as np

    from bumptui.engine.autoencoder.jobs.train.events import LatentSnapshot

    job = tmp_path / "a" / "b" / "job"
    job.mkdir(parents=True)
    np.savez(tmp_path / "a" / "outside.npz", xy=np.zeros((3, 2), np.float32), labels=np.zeros(3, np.uint8))
    np.savez(tmp_path / "outside.npz", xy=np.zeros((3, 2), np.float32), labels=np.zeros(3, np.uint8))
    named = str(tmp_path / "outside.npz") if named == "absolute" else named
    assert pictures.load(job, LatentSnapshot(2, 1, projection="pca", file=named)) is None


def test_a_picture_the_program_wrote_still_loads(tmp_path):
    import numpy as np

    from bumptui.engine.autoencoder.jobs.train.events import LatentSnapshot

    xy, labels = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32), np.arange(50, dtype=np.uint8) % 10
    file = pictures.save(tmp_path, 2, 1, "codes", xy=xy, labels=labels)
    loaded = pictures.load(tmp_path, LatentSnapshot(2, 1, projection="pca", file=file))
    assert np.allclose(loaded.xy, xy) and loaded.labels == labels.tolist()


@pytest.mark.parametrize("xy, labels", [
    ([[0.5, 1.0], [float("nan"), 0.0]], [1, 2]),  # a code that is not a number
    ([[0.5, 1.0], [2.0, 0.0]], [1, 200]),  # a digit 200
    ([[0.5, 1.0], [2.0, 0.0]], [1, 2, 3]),  # more labels than codes
])
def test_a_picture_with_values_the_program_never_writes_is_not_shown(tmp_path, xy, labels):
    import numpy as np

    from bumptui.engine.autoencoder.jobs.train.events import LatentSnapshot

    file = pictures.save(tmp_path, 2, 1, "codes", xy=np.array(xy, np.float32), labels=np.array(labels, np.uint8))
    assert pictures.load(tmp_path, LatentSnapshot(2, 1, projection="pca", file=file)) is None


def test_repair_removes_what_a_checkpoint_write_killed_half_way_left(copied, capsys):
    run, _ = copied
    partial = run / "checkpoints" / ".latent-16.pt.4242.tmp"
    partial.write_bytes(b"PK\x03\x04 cut short")
    whole = (run / "checkpoints" / "latent-16.pt").read_bytes()
    result = in_process(capsys, "repair", str(run))
    assert result.returncode == 0, result.stderr
    assert not partial.exists() and f"{partial}: removed" in result.stdout
    assert (run / "checkpoints" / "latent-16.pt").read_bytes() == whole


@pytest.mark.parametrize("special", ["fifo", "sparse", "nan weights"])
def test_a_checkpoint_that_is_a_pipe_endless_or_blown_up_is_one_sentence(copied, capsys, special):
    """A checkpoint is read as a regular file of a size the program writes, and its weights must be numbers."""
    from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint, save_checkpoint

    run, _ = copied
    path = run / "checkpoints" / "latent-2.pt"
    shutil.rmtree(run / "cluster", ignore_errors=True)
    if special == "nan weights":  # what a training that blew up would have saved
        checkpoint = load_checkpoint(path, "autoencoder")
        for weights in checkpoint.models["autoencoder"].values():
            if weights.is_floating_point():
                weights.fill_(float("nan"))
        path.unlink()
        save_checkpoint(checkpoint, path)
        words = f"{path} holds weights that are infinite or NaN"
    else:
        path.unlink()
        if special == "fifo":
            os.mkfifo(path)  # torch.load would wait for a writer for ever
            words = f"{path} is not a regular file"
        else:
            with open(path, "wb") as f:
                f.truncate(2 << 30)
            words = "more than bumptui ever writes there"
    for command in (["cluster", str(run), "--method", "kmeans", "--latent", "2"],
                    ["train", "--resume", "--run-dir", str(run), "--epochs", "4"]):
        one_sentence(in_process(capsys, *command), words)
