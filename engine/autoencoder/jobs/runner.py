"""The one runner of every kind of job, in the spirit of minGPT's Trainer: it knows nothing of
what it runs. It takes the run's lock, loads what the kind needs, writes a new job's config once
that load has succeeded (so a job that could not start leaves nothing behind), writes every event
the kind emits to its log and hands it to the caller's callback, and releases the lock however the
job ends. The kind's body gets the runner as `job`: emit, cancel, restore, epochs and reported.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bumptui.engine.autoencoder.jobs.kind import JobKind, Plan
from bumptui.engine.autoencoder.runs import events as ev
from bumptui.engine.autoencoder.runs.checkpoint import remove_partial
from bumptui.engine.autoencoder.runs.lock import RunLock
from bumptui.engine.autoencoder.runs.log import METRICS, MetricsWriter
from bumptui.engine.autoencoder.runs.rundir import CHECKPOINTS, CONFIG, write_config
from bumptui.engine.autoencoder.runs.system import Sampler
from bumptui.engine import guarded
from bumptui.engine.errors import UserError


@dataclass
class Runner:
    kind: JobKind
    plan: Plan
    callback: Callable[[object], None] | None
    cancel: threading.Event
    """Set by whoever wants the job stopped (ctrl+c, the app's Stop); the kind checks it between batches."""
    data_dir: Path | None = None
    stale_pid: int | None = None
    """A dead process whose lock this job found and took over (known once the lock is held)."""
    _writer: MetricsWriter | None = None
    _sampler: Sampler | None = None
    _started: bool = False
    _ended: bool = False
    _emitting: threading.Lock = field(default_factory=threading.Lock)
    """The job's thread and the system sampler's both emit: one line at a time, samples only between
    the job's start and its ending."""

    def run(self) -> dict | None:
        run_dir = Path(self.plan.run_dir)
        folder = self.kind.folder(run_dir)
        # the folder the user named may be a link (runs/ on a scratch disk); inside it, the job's folder
        # and its checkpoints/ are real folders, and its log and config are no link, before anything is loaded
        guarded.folder(run_dir, folder.relative_to(run_dir), CHECKPOINTS)
        guarded.writable(folder / METRICS)
        guarded.writable(folder / CONFIG)
        lock = RunLock(run_dir).acquire()
        self.stale_pid = lock.stale_pid
        try:
            remove_partial(folder / CHECKPOINTS)  # a write killed half-way (kill -9) left its temp file
            config, loaded = self.kind.load(self.plan, self.data_dir)
            if not self.plan.resume:
                write_config(folder, config.as_dict())
            self._writer = MetricsWriter(folder / METRICS)
            self._sampler = Sampler(self.emit).start()  # the box while the job runs, in its log
            return self.kind.run(self.plan.with_config(config), loaded, self)
        finally:
            if self._sampler is not None:
                self._sampler.stop()  # ended, stopped by ctrl+c, or failed: the thread ends with the job
            if self._writer is not None:
                self._writer.close()
            lock.release()

    def emit(self, event) -> None:
        """Record an event in the job's log, then hand it to the callback."""
        with self._emitting:
            if isinstance(event, ev.SystemSample) and (self._ended or not self._started):
                return  # the job's start is its log's first line and its ending its last
            self._started = self._started or isinstance(event, ev.JobStarted)
            self._ended = self._ended or isinstance(event, ev.ENDINGS)
            self._writer.write(event)
            if self.callback is not None:
                self.callback(event)

    @contextmanager
    def reported(self, what: str):
        """An error inside is emitted as Failed (so the log says how the job ended), then raised."""
        try:
            yield
        except UserError as err:  # a user's error (a full disk, a damaged file): its sentence
            self.emit(ev.Failed(str(err)))
            raise
        except Exception as err:
            self.emit(ev.Failed(f"{what} stopped by an internal error: {type(err).__name__}: {err}"))
            raise

    def restore(self, units, path_of: Callable, checkpoint_kind: str, epochs: int, done_words: str) -> None:
        """Restore each unit (a model, a strategy's pair) from its checkpoint where there is one;
        the kind's error when one has already done more than `epochs`."""
        from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint, misfit

        for unit in units:
            path = path_of(unit)
            if path.exists():  # checked against what a fresh unit of this run saves: the same model, or a sentence
                checkpoint = load_checkpoint(path, checkpoint_kind, getattr(unit, "checkpoint_config", None))
                try:
                    unit.restore(checkpoint)
                except RuntimeError as err:  # load_state_dict: the tensors' names or shapes differ
                    raise misfit(path, err) from None
        done = max(unit.epoch for unit in units)
        if done > epochs:
            raise self.kind.config.ERROR(f"{self.kind.folder(self.plan.run_dir)} has already {done_words} {done} "
                                         "epochs; ask for at least that many to resume it.")

    def epochs(self, units, epochs: int, one_epoch: Callable) -> bool:
        """Every unit through epochs 1..epochs, side by side epoch by epoch, skipping the epochs a
        unit has done already. one_epoch(unit, epoch) trains, scores and saves one, or returns the
        Stopped or Failed event that ends the job, which is emitted. True when every unit finished."""
        for epoch in range(1, epochs + 1):
            for unit in units:
                if unit.epoch >= epoch:
                    continue
                outcome = one_epoch(unit, epoch)
                if outcome is not None:
                    self.emit(outcome)
                    return False
        return True


def mnist_on_device(run_config, data_dir=None):
    """(the torch device a training run's config asks for, MNIST on it, at the run's subset)."""
    from bumptui.engine.autoencoder.data import DeviceData

    device = run_config.torch_device()
    return device, DeviceData.load(device, run_config.subset, data_dir)
