import json
import socket
import subprocess
import sys
import time

import pytest
import torch

from bumptui.engine.autoencoder.jobs.train.events import ClusterScores, EpochEnd, StepLoss

from bumptui.engine.autoencoder.runs.events import Stopped, to_record
from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from bumptui.engine.autoencoder.runs.log import METRICS, MetricsTail, MetricsWriter
from bumptui.engine.autoencoder.runs.log import RunError


from bumptui.engine.autoencoder.runs.lock import RunLock


def sample_events():
    return [
        StepLoss(2, 1, 10, 47, 0.125),
        EpochEnd(2, 1, 0.13, 0.11, 1.5, 2000.0),
        ClusterScores(None, 0, 0.6, 0.5, 0.4, 0.55, [[i * j % 7 for j in range(10)] for i in range(10)], "none"),
        Stopped("stopped during epoch 2 of the latent-2 model"),
    ]


def test_events_round_trip_through_the_log(tmp_path):
    writer = MetricsWriter(tmp_path / METRICS)
    for e in sample_events():
        writer.write(e)
    writer.close()
    assert MetricsTail(tmp_path / METRICS).poll() == sample_events()


def test_a_torn_last_line_is_skipped_and_read_on_the_next_poll_at_every_byte_offset(tmp_path):
    path = tmp_path / METRICS
    writer = MetricsWriter(path)
    for e in sample_events():
        writer.write(e)
    writer.close()
    full = path.read_bytes()
    newlines = [i + 1 for i, b in enumerate(full) if b == ord("\n")]
    for cut in range(len(full) + 1):
        path.write_bytes(full[:cut])
        tail = MetricsTail(path)
        first = tail.poll()
        assert len(first) == sum(1 for n in newlines if n <= cut), cut
        path.write_bytes(full)
        assert first + tail.poll() == sample_events(), cut


def test_a_bad_line_in_the_middle_names_the_file_and_line(tmp_path):
    path = tmp_path / METRICS
    lines = [json.dumps(to_record(e)) for e in sample_events()]
    lines[1] = lines[1][:20]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RunError, match=rf"{METRICS} line 2 is not a valid event"):
        MetricsTail(path).poll()


def test_a_crash_inside_torch_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    save_checkpoint(Checkpoint("dis_net", {"dis_net": {"w": torch.ones(3)}}, counters={"epoch": 1}), path)
    real_save = torch.save

    def crashing_save(obj, f, *args, **kwargs):
        f.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crashing_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(Checkpoint("dis_net", {"dis_net": {"w": torch.zeros(3)}}, counters={"epoch": 2}), path)
    monkeypatch.setattr(torch, "save", real_save)
    state = load_checkpoint(path, "dis_net")
    assert state.counters["epoch"] == 1 and state.models["dis_net"]["w"].tolist() == [1, 1, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]


def test_a_lock_held_by_a_live_process_refuses_a_second_writer(tmp_path):
    code = ("import sys, time; from pathlib import Path; from bumptui.engine.autoencoder.runs.lock import RunLock;"
            f"RunLock(Path({str(tmp_path)!r})).acquire(); print('locked', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunError, match=f"in use by process {holder.pid}"):
            RunLock(tmp_path).acquire()
    finally:
        holder.kill()
        holder.wait()
    # Its holder is dead now: the lock is stale, reported, and taken over.
    lock = RunLock(tmp_path).acquire()
    assert lock.stale_pid == holder.pid
    lock.release()
    assert not (tmp_path / "lock").exists()


def _take_stale_lock(run_dir, start, held, results) -> None:
    """In a forked process: wait for the others, try the lock, and hold it a moment if it was had. Reading
    the lock's owner takes 50 ms here (a slow disk), so that all three read the dead owner before any
    of them takes the lock over."""
    read_owner = RunLock.owner
    RunLock.owner = lambda self: (read_owner(self), time.sleep(0.05))[0]
    start.wait()
    try:
        lock = RunLock(run_dir).acquire()
    except RunError:
        results.put("refused")
        return
    with held.get_lock():
        held.value += 1
        most = held.value
    time.sleep(0.2)
    with held.get_lock():
        held.value -= 1
    results.put(f"held alongside {most - 1}")
    lock.release()


def test_processes_finding_the_same_stale_lock_at_once_let_exactly_one_take_it(tmp_path):
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    for attempt in range(3):
        run_dir = tmp_path / f"run-{attempt}"
        run_dir.mkdir()
        (run_dir / "lock").write_text(json.dumps({"pid": 2**22 + 17, "host": socket.gethostname()}))  # dead
        start, held, results = fork.Barrier(3), fork.Value("i", 0), fork.Queue()
        workers = [fork.Process(target=_take_stale_lock, args=(run_dir, start, held, results)) for _ in range(3)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(30)
        outcomes = sorted(results.get(timeout=5) for _ in workers)
        assert outcomes == ["held alongside 0", "refused", "refused"], (attempt, outcomes)


def test_checkpoints_in_the_shapes_of_older_runs_still_load(tmp_path):
    w = {"w": torch.ones(2)}
    gen = torch.Generator().manual_seed(1).get_state()
    old = {
        "autoencoder": {"model": w, "optimizer": {"state": {}, "param_groups": []}, "epoch": 4, "generator": gen,
                        "latent_dim": 16},
        "sharpening": {"model": w, "g_opt": {}, "dis": {"v": torch.zeros(1)}, "d_opt": {}, "generator": gen,
                       "order": gen, "epoch": 2},
        "judge": {"model": w, "test_acc": 0.98, "epochs": 2},
        "dis_net": {"net.0.weight": torch.ones(1)},
    }
    for kind, shape in old.items():
        torch.save(shape, tmp_path / f"{kind}.pt")
        checkpoint = load_checkpoint(tmp_path / f"{kind}.pt", kind)
        assert checkpoint.kind == kind
    assert load_checkpoint(tmp_path / "autoencoder.pt", "autoencoder").counters == {"epoch": 4}
    assert load_checkpoint(tmp_path / "sharpening.pt", "sharpening").models["D"]["v"].tolist() == [0.0]
    assert load_checkpoint(tmp_path / "judge.pt", "judge").scores == {"test_acc": 0.98}
    with pytest.raises(RunError, match="is a judge checkpoint where the autoencoder checkpoint belongs"):
        load_checkpoint(tmp_path / "judge.pt", "autoencoder")
