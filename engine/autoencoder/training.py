"""Training the autoencoders: the data on the device, one loop, evaluations, and events.

The loop itself (`train_epoch`) knows nothing of logging or saving; `run_training` wraps it with
a run directory, evaluations and checkpoints, and hands every event to a callback.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from engine.autoencoder.runs import events as ev
from engine.autoencoder.clustering.kmeans import kmeans_agreement
from engine.autoencoder.judge import ensure_judge, judge_predictions
from engine.autoencoder.config import TrainConfig, TrainingError
from engine.autoencoder.mnist import load_mnist
from engine.autoencoder.models import EVAL_BATCH, as_float, l1_loss, make_autoencoder
from engine.autoencoder.runs.rundir import METRICS, MetricsWriter, RunLock, load_checkpoint, prepare_run_dir, save_atomic, write_config

SNAPSHOT_SIZE = 2000
"""Test images whose latent codes are plotted each epoch."""
DIGITS_SHOWN_PER_CLASS = 2
STEP_EVENTS_PER_EPOCH = 20


@dataclass
class DeviceData:
    """All images as one uint8 tensor per split on the training device, (n, 784)."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: np.ndarray

    @classmethod
    def load(cls, device: torch.device, subset: int | None, data_dir=None) -> "DeviceData":
        data = load_mnist(data_dir)
        n_train = subset or len(data.train_images)
        n_test = min(n_train, len(data.test_images))
        return cls(
            torch.from_numpy(data.train_images[:n_train].reshape(n_train, -1).copy()).to(device),
            torch.from_numpy(data.train_labels[:n_train].astype(np.int64)).to(device),
            torch.from_numpy(data.test_images[:n_test].reshape(n_test, -1).copy()).to(device),
            data.test_labels[:n_test].astype(np.int64),
        )


class NonFiniteLoss(Exception):
    pass


def train_epoch(model, optimizer, train_x, batch_size, generator, cancel: threading.Event,
                on_step: Callable[[int, int, float], None]) -> float | None:
    """One pass over train_x in a fresh random order. Returns the mean batch loss, or None when
    `cancel` was set (checked before every batch)."""
    model.train()
    n = len(train_x)
    perm = torch.randperm(n, generator=generator).to(train_x.device)
    steps = math.ceil(n / batch_size)
    log_every = max(1, steps // STEP_EVENTS_PER_EPOCH)
    total = torch.zeros((), device=train_x.device)
    for step in range(steps):
        if cancel.is_set():
            return None
        x = as_float(train_x[perm[step * batch_size:(step + 1) * batch_size]])
        loss = l1_loss(model(x), x)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.detach()
        if (step + 1) % log_every == 0 or step + 1 == steps:
            value = loss.item()  # the only host sync, every log_every steps
            if not math.isfinite(value):
                raise NonFiniteLoss(f"step {step + 1}")
            on_step(step + 1, steps, value)
    mean = total.item() / steps
    if not math.isfinite(mean):
        raise NonFiniteLoss("the end of the epoch")
    return mean


@torch.no_grad()
def encode_and_score(model, test_x: torch.Tensor) -> tuple[float, np.ndarray, torch.Tensor]:
    """Test L1 of the clamped reconstructions, every latent code, and the reconstructions."""
    model.eval()
    total, codes, recons = 0.0, [], []
    for i in range(0, len(test_x), EVAL_BATCH):
        x = as_float(test_x[i:i + EVAL_BATCH])
        z = model.encode(x)
        r = model.decode(z).clamp(0, 1)
        total += l1_loss(r, x).item() * len(x)
        codes.append(z.float().cpu())
        recons.append(r)
    return total / len(test_x), torch.cat(codes).numpy(), torch.cat(recons)


def project_2d(codes: np.ndarray) -> tuple[np.ndarray, str]:
    if codes.shape[1] == 2:
        return codes, "latent"
    centred = codes - codes.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2] * np.sign(vt[:2, [0]] + 1e-12)  # fix each axis' sign so epochs do not flip
    return centred @ axes.T, "pca"


def shown_digits(labels: np.ndarray) -> np.ndarray:
    """The first DIGITS_SHOWN_PER_CLASS test images of each digit, in digit order."""
    return np.concatenate([np.flatnonzero(labels == d)[:DIGITS_SHOWN_PER_CLASS] for d in range(10)])


class Model:
    """One autoencoder of the run with its optimizer, shuffling generator and progress."""

    def __init__(self, latent: int, config: TrainConfig, device: torch.device):
        torch.manual_seed(config.seed * 1000 + latent)
        self.latent = latent
        self.net = make_autoencoder(config.arch, latent).to(device)
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=config.lr)
        self.generator = torch.Generator().manual_seed(config.seed * 1000 + latent)
        self.epoch = 0
        self.final: dict | None = None

    def checkpoint(self) -> dict:
        return {"model": self.net.state_dict(), "optimizer": self.optimizer.state_dict(),
                "epoch": self.epoch, "generator": self.generator.get_state(), "latent_dim": self.latent}

    def restore(self, state: dict) -> None:
        self.net.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.generator.set_state(state["generator"])
        self.epoch = int(state["epoch"])


def checkpoint_path(run_dir: Path, latent: int) -> Path:
    return run_dir / "checkpoints" / f"latent-{latent}.pt"


def judge_path_for(run_dir: Path, config: TrainConfig) -> Path:
    """The judge is cached next to the runs: one for full MNIST, one per subset size."""
    name = "judge.pt" if config.subset is None else f"judge-subset{config.subset}.pt"
    return run_dir.parent / name


def run_training(run_dir: str | Path, config: TrainConfig | None = None, *, resume: bool = False,
                 callback: Callable[[object], None] | None = None, cancel: threading.Event | None = None,
                 data_dir=None) -> dict | None:
    """Train every latent size of `config` in `run_dir`, recording all of it there.

    Returns the summary (as in the Done event), or None if the run was stopped or failed.
    User errors (a run in use, bad data, bad options) raise RunError, DataError or TrainingError
    before anything is written to an existing run.
    """
    run_dir = Path(run_dir)
    cancel = cancel or threading.Event()
    config = prepare_run_dir(run_dir, config, resume)
    return recorded(run_dir, run_dir, config, None if resume else config.as_dict(), callback, data_dir,
                    lambda device, data, emit, stale_pid: _train(run_dir, config, device, data, emit, cancel, stale_pid))


def recorded(run_dir: Path, folder: Path, config: TrainConfig, new_config: dict | None, callback, data_dir, body):
    """Run body(device, data, emit, stale_lock_pid) under run_dir's lock, with the data of `config`
    on its device, every event emitted written to folder/metrics.jsonl and passed to `callback`.
    new_config (None when resuming) is written to folder/config.json once the data is there, so a
    run that could not start leaves no run behind. The lock is released however body ends."""
    (folder / "checkpoints").mkdir(parents=True, exist_ok=True)
    lock = RunLock(run_dir).acquire()
    writer = None
    try:
        device = config.torch_device()
        data = DeviceData.load(device, config.subset, data_dir)
        if new_config is not None:
            write_config(folder, new_config)
        writer = MetricsWriter(folder / METRICS)

        def emit(event) -> None:
            writer.write(event)
            if callback is not None:
                callback(event)

        return body(device, data, emit, lock.stale_pid)
    finally:
        if writer is not None:
            writer.close()
        lock.release()


def _train(run_dir, config, device, data, emit, cancel, stale_pid) -> dict | None:
    models = [Model(d, config, device) for d in config.latent_dims]
    for m in models:
        path = checkpoint_path(run_dir, m.latent)
        if path.exists():
            m.restore(load_checkpoint(path))
    done = max(m.epoch for m in models)
    if done > config.epochs:
        raise TrainingError(f"{run_dir} has already trained {done} epochs; ask for at least that many to resume it.")
    emit(ev.RunStarted(str(run_dir), config.as_dict(), str(device), {str(m.latent): m.epoch for m in models}, stale_pid))
    try:
        judge, judge_acc, cached = ensure_judge(judge_path_for(run_dir, config), data, device,
                                                config.judge_epochs, config.seed, cancel)
        if judge is None:
            emit(ev.Stopped("stopped while training the judge"))
            return None
        emit(ev.JudgeReady(judge_acc, cached, str(judge_path_for(run_dir, config))))
        raw = kmeans_agreement(as_float(data.test_x).cpu().numpy(), data.test_y, config.seed, config.kmeans_scaling)
        raw_scores = _scores_event(None, 0, raw, config.kmeans_scaling)
        emit(raw_scores)
        shown = shown_digits(data.test_y)
        for epoch in range(1, config.epochs + 1):
            for m in models:
                if m.epoch >= epoch:
                    continue
                start = time.perf_counter()

                def on_step(step, steps, loss, m=m, epoch=epoch):
                    emit(ev.StepLoss(m.latent, epoch, step, steps, loss))

                try:
                    train_l1 = train_epoch(m.net, m.optimizer, data.train_x, config.batch_size, m.generator, cancel, on_step)
                except NonFiniteLoss as where:
                    emit(ev.Failed(f"The loss of the latent-{m.latent} model became infinite or NaN at {where} of "
                                   f"epoch {epoch}; lower the learning rate and start a new run."))
                    return None
                if train_l1 is None:
                    emit(ev.Stopped(f"stopped during epoch {epoch} of the latent-{m.latent} model; --resume continues "
                                    f"from epoch {m.epoch + 1}"))
                    return None
                seconds = time.perf_counter() - start
                m.epoch = epoch
                final = epoch == config.epochs
                _evaluate(m, epoch, train_l1, seconds, data, judge, shown, final or epoch % config.eval_every == 0,
                          final, config, emit)
                save_atomic(m.checkpoint(), checkpoint_path(run_dir, m.latent))
        for m in models:
            if m.final is None:  # finished before a resume: score its final state once more
                _evaluate(m, m.epoch, None, 0.0, data, judge, shown, True, True, config, emit)
        summary = {
            "run_dir": str(run_dir),
            "models": {str(m.latent): m.final for m in models},
            "raw_pixels": {k: getattr(raw, k) for k in ("purity", "nmi", "ari", "acc")},
            "judge": {"test_acc": judge_acc},
        }
        emit(ev.Done(summary))
        return summary
    except Exception as err:
        emit(ev.Failed(f"Training stopped by an internal error: {type(err).__name__}: {err}"))
        raise


def _scores_event(latent, epoch, agreement, scaling) -> ev.ClusterScores:
    return ev.ClusterScores(latent, epoch, agreement.purity, agreement.nmi, agreement.ari, agreement.acc,
                            agreement.contingency.tolist(), scaling)


def _evaluate(m: Model, epoch, train_l1, seconds, data: DeviceData, judge, shown, full: bool, final: bool,
              config: TrainConfig, emit) -> None:
    test_l1, codes, recons = encode_and_score(m.net, data.test_x)
    if train_l1 is not None:
        emit(ev.EpochEnd(m.latent, epoch, train_l1, test_l1, seconds, len(data.train_x) / max(seconds, 1e-9)))
    sample = min(SNAPSHOT_SIZE, len(codes))
    xy, projection = project_2d(codes[:sample])
    emit(ev.LatentSnapshot(m.latent, epoch, np.round(xy, 4).tolist(), data.test_y[:sample].tolist(), projection))
    judge_acc = None
    if full:
        predicted = judge_predictions(judge, recons)
        judge_acc = float((predicted == data.test_y).mean())
        scores = kmeans_agreement(codes, data.test_y, config.seed, config.kmeans_scaling)
        emit(_scores_event(m.latent, epoch, scores, config.kmeans_scaling))
    else:
        predicted = judge_predictions(judge, recons[shown])
    judged = predicted[shown] if full else predicted
    originals = data.test_x[torch.as_tensor(shown, device=data.test_x.device)].reshape(-1, 28, 28).cpu().numpy()
    images = (recons[torch.as_tensor(shown, device=recons.device)] * 255).round().to(torch.uint8).reshape(-1, 28, 28).cpu().numpy()
    emit(ev.Reconstructions(m.latent, epoch, data.test_y[shown].tolist(), ev.encode_images(originals),
                            ev.encode_images(images), judged.tolist(), judge_acc))
    if final:
        m.final = {"test_l1": test_l1, "purity": scores.purity, "nmi": scores.nmi, "ari": scores.ari,
                   "acc": scores.acc, "judge_acc": judge_acc, "epochs": epoch}
