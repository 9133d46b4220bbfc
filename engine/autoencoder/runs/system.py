"""The box a job runs on, sampled while it runs: the process's CPU and memory, the machine's CPU
and free RAM (psutil), and each GPU the job uses (NVIDIA's NVML through nvidia-ml-py: utilisation,
memory, temperature, power). A background thread takes a sample every SAMPLE_EVERY_S seconds and
hands it to the job's emit, so it lands in the run's log as a SystemSample event beside the losses:
`watch`, `report` and the panes read it from there, live or later.

GPUs are sampled only when the job's process has put torch on CUDA (torch is never imported here
for it); NVML is imported only then. No GPU in use, no NVML, a driver without it, or a GPU lost in
the middle of a run: the sample carries no row for it and says why in a few words (`gpu_note`),
and the job goes on.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Callable

from bumptui.engine.autoencoder.runs.events import SystemSample

SAMPLE_EVERY_S = 5.0
"""Seconds between samples; the first comes after one second."""
MB = 1024 * 1024


def gpus_in_use() -> list[tuple[int, str | None]]:
    """(CUDA index, NVML UUID or None) of each GPU this process holds memory on, or [] where torch
    is not loaded or has not touched CUDA."""
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available() or not torch.cuda.is_initialized():
        return []
    used = []
    for i in range(torch.cuda.device_count()):
        if torch.cuda.memory_reserved(i) > 0 or i == torch.cuda.current_device():
            uuid = getattr(torch.cuda.get_device_properties(i), "uuid", None)
            used.append((i, f"GPU-{uuid}" if uuid is not None else None))
    return used


class NvmlGpus:
    """Rows for the GPUs a job uses, read through an NVML module (pynvml, or a stand-in in tests)."""

    def __init__(self, nvml=None) -> None:
        self.nvml = nvml
        self.note = ""
        self.lost: dict[int, str] = {}
        self._handles: dict[int, object] = {}
        self._started = nvml is not None

    def _start(self) -> bool:
        if self._started:
            return self.nvml is not None
        self._started = True
        try:
            import pynvml

            pynvml.nvmlInit()
            self.nvml = pynvml
        except Exception as err:  # not installed, no driver, a driver without NVML
            name = type(err).__name__
            self.note = ("no NVIDIA driver here (NVML library not found)" if "LibraryNotFound" in name
                         or "DriverNotLoaded" in name else f"GPU figures unavailable: NVML {name}: {str(err)[:60]}")
        return self.nvml is not None

    def _handle(self, index: int, uuid: str | None):
        if index not in self._handles:
            nvml = self.nvml
            try:
                handle = nvml.nvmlDeviceGetHandleByUUID(uuid.encode() if isinstance(uuid, str) else uuid)
            except Exception:
                if uuid is not None and os.environ.get("CUDA_VISIBLE_DEVICES"):
                    raise  # an index would name another GPU than the one CUDA calls `index`
                handle = nvml.nvmlDeviceGetHandleByIndex(index)
            self._handles[index] = handle
        return self._handles[index]

    def every_gpu(self) -> list[tuple[int, None]]:
        """(NVML index, None) of every GPU on the machine ([] with no NVML or no GPU): what `top` shows."""
        if not self._start():
            return []
        try:
            return [(i, None) for i in range(self.nvml.nvmlDeviceGetCount())]
        except Exception as err:
            self.note = f"GPU figures unavailable: NVML {type(err).__name__}"
            return []

    def sample(self, used: list[tuple[int, str | None]]) -> tuple[list[dict], str]:
        if not used:
            return [], "no GPU in use"
        if not self._start():
            return [], self.note
        rows = []
        for index, uuid in used:
            if index in self.lost:
                continue
            try:
                h = self._handle(index, uuid)
                nvml = self.nvml
                memory = nvml.nvmlDeviceGetMemoryInfo(h)
                rows.append({
                    "index": index,
                    "util": float(nvml.nvmlDeviceGetUtilizationRates(h).gpu),
                    "mem_used": memory.used / MB,
                    "mem_total": memory.total / MB,
                    "temp": float(nvml.nvmlDeviceGetTemperature(h, 0)),  # 0: NVML_TEMPERATURE_GPU
                    "power": nvml.nvmlDeviceGetPowerUsage(h) / 1000,
                    "power_limit": nvml.nvmlDeviceGetEnforcedPowerLimit(h) / 1000,
                })
            except Exception as err:  # a GPU fallen off the bus, a reset: sampled no more, said
                self.lost[index] = f"GPU {index} lost to NVML ({type(err).__name__}); no longer sampled"
        return rows, "; ".join(self.lost.values())


class Sampler:
    """A thread that emits a SystemSample every `every` seconds until `stop()`."""

    def __init__(self, emit: Callable[[object], None], every: float | None = None,
                 gpus: NvmlGpus | None = None, used: Callable[[], list] = gpus_in_use) -> None:
        import psutil

        self.psutil = psutil
        self.emit = emit
        self.every = SAMPLE_EVERY_S if every is None else every
        self.gpus = gpus or NvmlGpus()
        self.used = used
        self.process = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bumptui-system-sampler", daemon=True)
        self._start = time.monotonic()

    def start(self) -> "Sampler":
        self.process.cpu_percent(None)  # the first reading of each is a baseline, not a figure
        self.psutil.cpu_percent(None)
        self._thread.start()
        return self

    def take(self) -> SystemSample:
        memory = self.psutil.virtual_memory()
        rows, note = self.gpus.sample(self.used())
        return SystemSample(
            t=round(time.monotonic() - self._start, 2),
            proc_cpu=self.process.cpu_percent(None),
            proc_rss=self.process.memory_info().rss / MB,
            cpu=self.psutil.cpu_percent(None),
            ram_avail=memory.available / MB,
            ram_total=memory.total / MB,
            gpus=rows,
            gpu_note=note,
        )

    def _loop(self) -> None:
        wait = min(1.0, self.every)
        while not self._stop.wait(wait):
            wait = self.every
            try:
                sample = self.take()
            except Exception:  # a figure psutil cannot read this once: the next sample tries again
                continue
            if self._stop.is_set():
                return
            try:
                self.emit(sample)
            except Exception:  # the log could not take it (a full disk): the job's own writes say so
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


class Box:
    """The whole machine, for `bumptui top`: CPU and RAM, and every GPU NVML finds."""

    def __init__(self, gpus: NvmlGpus | None = None) -> None:
        import psutil

        self.psutil = psutil
        self.gpus = gpus or NvmlGpus()
        self.cores = psutil.cpu_count() or 1
        psutil.cpu_percent(None)  # a baseline: the first figure comes with the next call

    def sample(self) -> SystemSample:
        memory = self.psutil.virtual_memory()
        every = self.gpus.every_gpu()
        rows, note = self.gpus.sample(every) if every else ([], self.gpus.note or "no NVIDIA GPU on this machine")
        return SystemSample(t=time.monotonic(), proc_cpu=0.0, proc_rss=0.0, cpu=self.psutil.cpu_percent(None),
                            ram_avail=memory.available / MB, ram_total=memory.total / MB, gpus=rows,
                            gpu_note=note)

