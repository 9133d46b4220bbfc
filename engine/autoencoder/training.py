"""Training the autoencoders: one loop, evaluations, and events.

The loop itself (`train_epoch`) knows nothing of logging or saving; `run_training` wraps it with
a run directory, evaluations and checkpoints, and hands every event to a callback.
"""

from __future__ import annotations

import math
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from engine.autoencoder.clustering.kmeans import kmeans_agreement
from engine.autoencoder.config import TrainConfig, TrainingError, model_seed
from engine.autoencoder.data import Cancelled, DeviceData, log_every, shown_digits, shuffled_batches, steps_per_epoch
from engine.autoencoder.judge import ensure_judge, judge_predictions
from engine.autoencoder.mnist import SIDE
from engine.autoencoder.models import EVAL_BATCH, adam, as_float, as_uint8_digits, l1_loss, load_adam, make_autoencoder
from engine.autoencoder.runs import events as ev
from engine.autoencoder.runs.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from engine.autoencoder.mnist import DataError
from engine.autoencoder.runs.rundir import RunError, TrainingPlan, checkpoint_path, judge_path, prepare_run_dir, recorded

SNAPSHOT_SIZE = 2000
"""Test images whose latent codes are plotted each epoch."""


class NonFiniteLoss(Exception):
    """A loss became infinite or NaN; the message says where."""


class TrainStep:
    """One training step of an autoencoder on a batch of uint8 images: the forward pass (under
    bfloat16 autocast for precision bf16), the L1 loss in float32, backward, the optimizer's step.
    Called with the images (uint8 pixels, or floats in [0, 1]) and a batch's indices into them;
    returns the loss as a 0-d tensor (no host sync; with graphs the next step overwrites it).

    graphs=True (the trainer's choice on CUDA): after WARMUP eager steps of a batch size, the whole
    step of that size is captured once in a CUDA graph and replayed, following PyTorch's whole-network
    capture recipe. A step of these small models is ~100 kernels whose launch from Python is most of
    its time on a GPU (BENCHMARKS: about 2.9 ms a step on an H200 eager, 0.5 ms replayed). The arithmetic is
    the same kernels on the same tensors; the optimizer must be capturable (models.adam with graphs). If a
    capture fails, the step stays eager from then on and `graph_error` says why."""

    WARMUP = 3

    @classmethod
    def for_model(cls, model, lr: float, precision: str) -> "TrainStep":
        """The trainer's step for a model on its device: CUDA graphs on CUDA, with the Adam they need."""
        graphs = next(model.parameters()).device.type == "cuda"
        return cls(model, adam(model, lr, graphs=graphs), precision, graphs)

    def __init__(self, model, optimizer, precision: str = "fp32", graphs: bool = False):
        self.model, self.optimizer, self.precision = model, optimizer, precision
        self.graphs = graphs
        self.graph_error: str | None = None
        self._eager_steps: dict[int, int] = {}
        self._captured: dict[int, tuple] = {}  # batch size -> (graph, static images, static loss, its grads)

    def _forward_backward(self, images) -> torch.Tensor:
        x = as_float(images) if images.dtype == torch.uint8 else images  # floats: already in [0, 1]
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=self.precision == "bf16",
                            cache_enabled=not self.graphs):
            out = self.model(x)
        loss = l1_loss(out.float(), x)
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def eager(self, images) -> torch.Tensor:
        self.optimizer.zero_grad(set_to_none=True)
        return self._forward_backward(images)

    def __call__(self, train_x: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        if not self.graphs:
            return self.eager(train_x[batch])
        size = len(batch)
        if size in self._captured:
            graph, static_x, static_loss, _ = self._captured[size]
            torch.index_select(train_x, 0, batch, out=static_x)
            graph.replay()
            return static_loss
        if self.graph_error or self._eager_steps.get(size, 0) < self.WARMUP:
            self._eager_steps[size] = self._eager_steps.get(size, 0) + 1
            main, side = torch.cuda.current_stream(train_x.device), torch.cuda.Stream(train_x.device)
            side.wait_stream(main)  # eager steps before a capture run on a side stream, as the recipe asks
            with torch.cuda.stream(side):
                loss = self.eager(train_x[batch])
            main.wait_stream(side)
            return loss
        static_x = train_x[batch]  # a capture records the kernels without running them: replayed below
        try:
            graph = torch.cuda.CUDAGraph()
            self.optimizer.zero_grad(set_to_none=True)  # the graph's own gradients, allocated in its pool
            with torch.cuda.graph(graph):
                static_loss = self._forward_backward(static_x)
        except Exception as err:  # an op that cannot be captured on this GPU or torch: stay eager
            self.graph_error = f"{type(err).__name__}: {err}"
            return self.eager(train_x[batch])
        grads = [p.grad for p in self.model.parameters()]  # kept alive: every replay writes into them
        self._captured[size] = (graph, static_x, static_loss, grads)
        graph.replay()
        return static_loss


def train_epoch(step: TrainStep, train_x, batch_size, generator, cancel: threading.Event,
                on_step: Callable[[int, int, float], None]) -> float | None:
    """One pass over train_x in a fresh random order. Returns the mean batch loss, or None when
    `cancel` was set (checked before every batch). precision bf16 (the step's): the forward pass
    under bfloat16 autocast, the loss on its output in float32; weights, gradients and Adam's state
    stay float32."""
    step.model.train()
    steps = steps_per_epoch(len(train_x), batch_size)
    every = log_every(steps)
    total = torch.zeros((), device=train_x.device)
    try:
        for i, batch in enumerate(shuffled_batches(len(train_x), batch_size, generator, train_x.device, cancel), 1):
            loss = step(train_x, batch)
            total += loss
            if i % every == 0 or i == steps:
                value = loss.item()  # the only host sync, every `every` steps
                if not math.isfinite(value):
                    raise NonFiniteLoss(f"step {i}")
                on_step(i, steps, value)
    except Cancelled:
        return None
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


class Model:
    """One autoencoder of the run with its optimizer, shuffling generator and progress."""

    def __init__(self, latent: int, config: TrainConfig, device: torch.device):
        torch.manual_seed(model_seed(config.seed, latent))
        self.latent = latent
        self.net = make_autoencoder(config.arch, latent).to(device)
        self.step = TrainStep.for_model(self.net, config.lr, config.precision)
        self.optimizer = self.step.optimizer
        self.generator = torch.Generator().manual_seed(model_seed(config.seed, latent))
        self.epoch = 0
        self.final: dict | None = None

    def checkpoint(self) -> Checkpoint:
        return Checkpoint("autoencoder", {"autoencoder": self.net.state_dict()},
                          {"autoencoder": self.optimizer.state_dict()}, {"order": self.generator.get_state()},
                          {"epoch": self.epoch}, {"latent_dim": self.latent})

    def restore(self, checkpoint: Checkpoint) -> None:
        self.net.load_state_dict(checkpoint.models["autoencoder"])
        load_adam(self.optimizer, checkpoint.optimizers["autoencoder"], self.step.graphs)
        self.generator.set_state(checkpoint.generators["order"])
        self.epoch = int(checkpoint.counters["epoch"])


def restore_all(units, path_of: Callable, kind: str, epochs: int, where: Path, what: str) -> None:
    """Restore each unit (a model, a strategy's pair) from its checkpoint where there is one; a
    TrainingError when one has already done more than `epochs`."""
    for unit in units:
        path = path_of(unit)
        if path.exists():
            unit.restore(load_checkpoint(path, kind))
    done = max(unit.epoch for unit in units)
    if done > epochs:
        raise TrainingError(f"{where} has already {what} {done} epochs; ask for at least that many to resume it.")


def run_epochs(units, epochs: int, one_epoch: Callable, emit) -> bool:
    """Every unit through epochs 1..epochs, side by side epoch by epoch, skipping the epochs a unit
    has done already. one_epoch(unit, epoch) trains, scores and saves one, or returns the Stopped or
    Failed event that ends the run, which is emitted. True when every unit finished."""
    for epoch in range(1, epochs + 1):
        for unit in units:
            if unit.epoch >= epoch:
                continue
            outcome = one_epoch(unit, epoch)
            if outcome is not None:
                emit(outcome)
                return False
    return True


@contextmanager
def reported(emit, what: str):
    """An internal error inside is emitted as Failed (so the log says how the run ended), then raised."""
    try:
        yield
    except (RunError, TrainingError, DataError) as err:  # a user's error (a full disk, a damaged file): its sentence
        emit(ev.Failed(str(err)))
        raise
    except Exception as err:
        emit(ev.Failed(f"{what} stopped by an internal error: {type(err).__name__}: {err}"))
        raise


def on_device(config: TrainConfig, data_dir=None) -> tuple[torch.device, DeviceData, TrainConfig]:
    """The device, the data on it, and the config with its precision resolved for that device."""
    device = config.torch_device()
    return device, DeviceData.load(device, config.subset, data_dir), config.resolved(device)


def run_training(run: str | Path | TrainingPlan, config: TrainConfig | None = None, *, resume: bool = False,
                 callback: Callable[[object], None] | None = None, cancel: threading.Event | None = None,
                 data_dir=None) -> dict | None:
    """Train every latent size of `config` in the run directory `run`, recording all of it there;
    `run` may be a TrainingPlan that prepare_run_dir has already checked.

    Returns the summary (as in the Done event), or None if the run was stopped or failed.
    User errors (a run in use, bad data, bad options) raise RunError, DataError or TrainingError
    before anything is written to an existing run.
    """
    plan = run if isinstance(run, TrainingPlan) else prepare_run_dir(Path(run), config, resume)
    cancel = cancel or threading.Event()
    return recorded(plan.run_dir, plan.run_dir, None if plan.resume else (lambda loaded: loaded[2].as_dict()),
                    callback, lambda: on_device(plan.config, data_dir),
                    lambda loaded, emit, stale_pid: _train(plan.run_dir, *loaded, emit, cancel, stale_pid))


def _train(run_dir, device, data, config, emit, cancel, stale_pid) -> dict | None:
    models = [Model(d, config, device) for d in config.latent_dims]
    restore_all(models, lambda m: checkpoint_path(run_dir, m.latent), "autoencoder", config.epochs, run_dir, "trained")
    emit(ev.RunStarted(str(run_dir), config.as_dict(), str(device), {str(m.latent): m.epoch for m in models}, stale_pid))
    with reported(emit, "Training"):
        judge_file = judge_path(run_dir, config.subset)
        judge, judge_acc, cached = ensure_judge(judge_file, data, device, config.judge_epochs, config.seed, cancel)
        if judge is None:
            emit(ev.Stopped("stopped while training the judge"))
            return None
        emit(ev.JudgeReady(judge_acc, cached, str(judge_file)))
        raw = kmeans_agreement(as_float(data.test_x).cpu().numpy(), data.test_y, config.seed, config.kmeans_scaling)
        emit(_scores_event(None, 0, raw, config.kmeans_scaling))
        scoring = Scoring(data, judge, config, emit)

        def one_epoch(m: Model, epoch: int):
            start = time.perf_counter()
            try:
                train_l1 = train_epoch(m.step, data.train_x, config.batch_size, m.generator, cancel,
                                       lambda step, steps, loss: emit(ev.StepLoss(m.latent, epoch, step, steps, loss)))
            except NonFiniteLoss as where:
                return ev.Failed(f"The loss of the latent-{m.latent} model became infinite or NaN at {where} of "
                                 f"epoch {epoch}; lower the learning rate and start a new run.")
            if train_l1 is None:
                return ev.Stopped(f"stopped during epoch {epoch} of the latent-{m.latent} model; --resume continues "
                                  f"from epoch {m.epoch + 1}")
            m.epoch = epoch
            scoring.after_epoch(m, train_l1, time.perf_counter() - start)
            save_checkpoint(m.checkpoint(), checkpoint_path(run_dir, m.latent))
            return None

        if not run_epochs(models, config.epochs, one_epoch, emit):
            return None
        for m in models:
            if m.final is None:  # finished before a resume: score its final state once more
                scoring.score(m, None, 0.0, full=True)
        summary = {"run_dir": str(run_dir), "models": {str(m.latent): m.final for m in models},
                   "raw_pixels": {k: getattr(raw, k) for k in ("purity", "nmi", "ari", "acc")},
                   "judge": {"test_acc": judge_acc}}
        emit(ev.Done(summary))
        return summary


def _scores_event(latent, epoch, agreement, scaling) -> ev.ClusterScores:
    return ev.ClusterScores(latent, epoch, agreement.purity, agreement.nmi, agreement.ari, agreement.acc,
                            agreement.contingency.tolist(), scaling)


class Scoring:
    """Scores a model on the test digits after its epochs and emits what it finds: the test L1 and
    codes every epoch, k-means and the judge on every image every eval_every epochs and the last."""

    def __init__(self, data: DeviceData, judge, config: TrainConfig, emit):
        self.data, self.judge, self.config, self.emit = data, judge, config, emit
        self.shown = shown_digits(data.test_y)

    def after_epoch(self, m: Model, train_l1: float, seconds: float) -> None:
        full = m.epoch == self.config.epochs or m.epoch % self.config.eval_every == 0
        self.score(m, train_l1, seconds, full)

    def score(self, m: Model, train_l1: float | None, seconds: float, full: bool) -> None:
        """train_l1 None: the model's final state scored again after a resume (no EpochEnd)."""
        data, epoch, shown = self.data, m.epoch, self.shown
        test_l1, codes, recons = encode_and_score(m.net, data.test_x)
        if train_l1 is not None:
            self.emit(ev.EpochEnd(m.latent, epoch, train_l1, test_l1, seconds, len(data.train_x) / max(seconds, 1e-9)))
        sample = min(SNAPSHOT_SIZE, len(codes))
        xy, projection = project_2d(codes[:sample])
        self.emit(ev.LatentSnapshot(m.latent, epoch, np.round(xy, 4).tolist(), data.test_y[:sample].tolist(), projection))
        judge_acc = None
        if full:
            predicted = judge_predictions(self.judge, recons)
            judge_acc = float((predicted == data.test_y).mean())
            scores = kmeans_agreement(codes, data.test_y, self.config.seed, self.config.kmeans_scaling)
            self.emit(_scores_event(m.latent, epoch, scores, self.config.kmeans_scaling))
            judged = predicted[shown]
        else:
            judged = judge_predictions(self.judge, recons[shown])
        index = torch.as_tensor(shown, device=data.test_x.device)
        self.emit(ev.Reconstructions(m.latent, epoch, data.test_y[shown].tolist(),
                                     ev.encode_images(data.test_x[index].reshape(-1, SIDE, SIDE).cpu().numpy()),
                                     ev.encode_images(as_uint8_digits(recons[index.to(recons.device)])),
                                     judged.tolist(), judge_acc))
        if full and epoch == self.config.epochs:
            m.final = {"test_l1": test_l1, "purity": scores.purity, "nmi": scores.nmi, "ari": scores.ari,
                       "acc": scores.acc, "judge_acc": judge_acc, "epochs": epoch}
