"""The box recorded with every job: system samples in the run's log while it trains, a thread that
ends with the job however it ends, and GPU rows read through NVML (a stand-in library here: this
machine has no GPU), a lost GPU and a missing driver said in a few words."""

import threading
import time
from types import SimpleNamespace

import pytest

from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.jobs.train.run import run_training
from bumptui.engine.autoencoder.runs import events as ev
from bumptui.engine.autoencoder.runs import system
from bumptui.engine.autoencoder.runs.log import read_events
from bumptui.engine.autoencoder.runs.system import NvmlGpus, Sampler

TINY = dict(latent_dims=(2,), epochs=2, batch_size=64, subset=400, eval_every=9, judge_epochs=1)


def sampler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "bumptui-system-sampler"]


def test_a_training_run_records_the_box_in_its_log_and_the_sampler_ends_with_it(runs_root, monkeypatch):
    monkeypatch.setattr(system, "SAMPLE_EVERY_S", 0.05)
    run_dir = runs_root / "sampled"
    run_training(run_dir, TrainConfig(**TINY))
    events = read_events(run_dir)
    samples = [e for e in events if isinstance(e, ev.SystemSample)]
    assert len(samples) >= 2, "sampled while it trained"
    assert isinstance(events[-1], ev.Done), "the job's ending stays its log's last line"
    for s in samples:
        assert s.proc_rss > 50 and 0 <= s.cpu <= 100 and 0 < s.ram_avail <= s.ram_total
        assert s.gpus == [] and s.gpu_note == "no GPU in use"
    assert [s.t for s in samples] == sorted(s.t for s in samples)
    assert max(s.proc_cpu for s in samples) > 10, "the process was seen training"
    assert not sampler_threads()
    assert RunRecord.read(run_dir).system == samples


def test_the_sampler_stops_with_a_stopped_or_failed_job(runs_root, monkeypatch):
    monkeypatch.setattr(system, "SAMPLE_EVERY_S", 0.05)
    cancel = threading.Event()
    seen = []

    def callback(event):
        seen.append(event)
        if isinstance(event, ev.SystemSample) and len(seen) > 3:
            cancel.set()  # ctrl+c, as the CLI's handler sets it

    run_training(runs_root / "stopped", TrainConfig(**{**TINY, "epochs": 50}), callback=callback, cancel=cancel)
    events = read_events(runs_root / "stopped")
    assert isinstance(events[-1], ev.Stopped) and not sampler_threads()

    def failing(event):
        if type(event).__name__ == "StepLoss" and event.step == 3:
            raise RuntimeError("boom")  # an internal error in the middle of the job's batch loop

    with pytest.raises(RuntimeError):
        run_training(runs_root / "failed", TrainConfig(**TINY), callback=failing)
    assert not sampler_threads()
    assert isinstance(read_events(runs_root / "failed")[-1], ev.Failed)


class FakeNvml:
    """The few NVML calls the sampler makes, with figures of a busy H200 and a GPU that can be lost."""

    def __init__(self, lose_after: int | None = None) -> None:
        self.calls = 0
        self.lose_after = lose_after

    def nvmlDeviceGetHandleByUUID(self, uuid):
        return {b"GPU-aaa": 0, b"GPU-bbb": 1}[uuid]

    def nvmlDeviceGetHandleByIndex(self, index):
        return index

    def nvmlDeviceGetMemoryInfo(self, h):
        self.calls += 1
        if self.lose_after is not None and h == 0 and self.calls > self.lose_after:
            raise OSError("GPU is lost")
        return SimpleNamespace(used=(11 + h) * 1024**3, total=141 * 1024**3)

    def nvmlDeviceGetUtilizationRates(self, h):
        return SimpleNamespace(gpu=97 - h)

    def nvmlDeviceGetTemperature(self, h, sensor):
        return 63

    def nvmlDeviceGetPowerUsage(self, h):
        return 410_000

    def nvmlDeviceGetEnforcedPowerLimit(self, h):
        return 700_000


def test_gpu_rows_through_nvml_and_a_gpu_lost_mid_run_is_said_and_left_out():
    gpus = NvmlGpus(FakeNvml(lose_after=2))
    used = [(0, "GPU-aaa"), (1, "GPU-bbb")]
    rows, note = gpus.sample(used)
    assert note == "" and [r["index"] for r in rows] == [0, 1]
    assert rows[0] == {"index": 0, "util": 97.0, "mem_used": 11 * 1024.0, "mem_total": 141 * 1024.0, "temp": 63.0,
                       "power": 410.0, "power_limit": 700.0}
    rows, note = gpus.sample(used)  # GPU 0 falls off the bus
    assert [r["index"] for r in rows] == [1] and note == "GPU 0 lost to NVML (OSError); no longer sampled"
    rows, note = gpus.sample(used)
    assert [r["index"] for r in rows] == [1] and "GPU 0 lost" in note
    assert NvmlGpus(FakeNvml()).sample([]) == ([], "no GPU in use")


def test_no_nvml_driver_is_a_few_words_and_the_sampler_goes_on(monkeypatch):
    import sys

    broken = SimpleNamespace(nvmlInit=lambda: (_ for _ in ()).throw(OSError("NVML Shared Library Not Found")))
    monkeypatch.setitem(sys.modules, "pynvml", broken)
    got = []
    sampler = Sampler(got.append, every=0.05, used=lambda: [(0, "GPU-aaa")]).start()
    time.sleep(1.3)
    sampler.stop()
    assert got and not sampler.running
    assert got[-1].gpus == [] and got[-1].gpu_note.startswith("GPU figures unavailable: NVML OSError: NVML Shared")
