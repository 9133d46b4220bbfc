"""The training job's body: every latent size's autoencoder trained side by side, scored after its
epochs (test L1 and codes every epoch; k-means and the judge every eval_every epochs and the last)
and checkpointed, each fact emitted as an event. The L1 step and epoch are training.py's science."""

from __future__ import annotations

import time

import numpy as np
import torch

from bumptui.engine.autoencoder.clustering.kmeans import kmeans_agreement
from bumptui.engine.autoencoder.data import DeviceData, NonFiniteLoss, shown_digits
from bumptui.engine.autoencoder.jobs.judge_cache import ensure_judge, judge_path
from bumptui.engine.autoencoder.jobs.kind import Plan
from bumptui.engine.autoencoder.jobs.train import events as ev
from bumptui.engine.autoencoder.jobs.train.pictures import keeps_pictures
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.kind import TRAIN, checkpoint_path
from bumptui.engine.autoencoder.judge import judge_predictions
from bumptui.engine.autoencoder.mnist import SIDE
from bumptui.engine.autoencoder.models import as_float, as_uint8_digits, load_adam, make_autoencoder, model_seed
from bumptui.engine.autoencoder.runs import pictures
from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint, save_checkpoint
from bumptui.engine.autoencoder.runs.events import Done, Failed, Notice, Stopped
from bumptui.engine.autoencoder.training import SNAPSHOT_SIZE, TrainStep, encode_and_score, project_2d, train_epoch

run_training = TRAIN.execute
"""Train a run directory (or a checked Plan) as a script would: see JobKind.execute."""


class Model:
    """One autoencoder of the run with its optimizer, shuffling generator and progress."""

    def __init__(self, latent: int, config: TrainConfig, device: torch.device):
        torch.manual_seed(model_seed(config.seed, latent))
        self.latent = latent
        self.net = make_autoencoder(config.arch, latent).to(device)
        self.step = TrainStep.for_model(self.net, config.rate, config.precision)
        self.said_eager = False
        self.optimizer = self.step.optimizer
        self.generator = torch.Generator().manual_seed(model_seed(config.seed, latent))
        self.epoch = 0
        self.final: dict | None = None

    def checkpoint(self) -> Checkpoint:
        return Checkpoint("autoencoder", {"autoencoder": self.net.state_dict()},
                          {"autoencoder": self.optimizer.state_dict()}, {"order": self.generator.get_state()},
                          {"epoch": self.epoch}, self.checkpoint_config)

    @property
    def checkpoint_config(self) -> dict:
        """What its checkpoint says it is: checked before one is loaded into it."""
        return {"latent_dim": self.latent}

    def restore(self, checkpoint: Checkpoint) -> None:
        self.net.load_state_dict(checkpoint.models["autoencoder"])
        load_adam(self.optimizer, checkpoint.optimizers["autoencoder"], self.step.graphs)
        self.generator.set_state(checkpoint.generators["order"])
        self.epoch = int(checkpoint.counters["epoch"])


def train(plan: Plan, device, data: DeviceData, job) -> dict | None:
    """Train every latent size of the plan's config side by side, epoch by epoch (the training kind's
    body, run by the Runner, which records every event emitted)."""
    run_dir, config, emit, cancel = plan.run_dir, plan.config, job.emit, job.cancel
    models = [Model(d, config, device) for d in config.latent_dims]
    job.restore(models, lambda m: checkpoint_path(run_dir, m.latent), "autoencoder", config.epochs, "trained")
    emit(ev.RunStarted(str(run_dir), config.as_dict(), str(device), {str(m.latent): m.epoch for m in models},
                       job.stale_pid))
    with job.reported("Training"):
        judge_file = judge_path(config.subset)
        judge, judge_acc, cached = ensure_judge(judge_file, data, device, config.judge_epochs, config.seed, cancel)
        if judge is None:
            emit(Stopped("stopped while training the judge"))
            return None
        emit(ev.JudgeReady(judge_acc, cached, str(judge_file)))
        raw = kmeans_agreement(as_float(data.test_x).cpu().numpy(), data.test_y, config.seed, config.kmeans_scaling)
        emit(_scores_event(None, 0, raw, config.kmeans_scaling))
        scoring = Scoring(data, judge, config, emit, run_dir)

        def one_epoch(m: Model, epoch: int):
            start = time.perf_counter()
            try:
                train_l1 = train_epoch(m.step, data.train_x, config.batch_size, m.generator, cancel,
                                       lambda step, steps, loss: emit(ev.StepLoss(m.latent, epoch, step, steps, loss)))
            except NonFiniteLoss as where:
                return blown_up(m, where, epoch)
            if train_l1 is None:
                return Stopped(f"stopped during epoch {epoch} of the latent-{m.latent} model; --resume continues "
                                  f"from epoch {m.epoch + 1}")
            if m.step.graph_error and not m.said_eager:  # a design whose step CUDA cannot capture: said once
                m.said_eager = True
                emit(Notice(f"latent {m.latent}: its step could not be captured as a CUDA graph "
                            f"({m.step.graph_error}); it trains eagerly, a little slower, with the same numbers"))
            m.epoch = epoch
            try:
                scoring.after_epoch(m, train_l1, time.perf_counter() - start)
            except NonFiniteLoss as where:  # before any score or picture of the epoch is written
                return blown_up(m, where, epoch)
            save_checkpoint(m.checkpoint(), checkpoint_path(run_dir, m.latent))
            return None

        if not job.epochs(models, config.epochs, one_epoch):
            return None
        for m in models:
            if m.final is None:  # finished before a resume: score its final state once more
                scoring.score(m, None, 0.0, full=True)
        summary = {"run_dir": str(run_dir), "models": {str(m.latent): m.final for m in models},
                   "raw_pixels": {k: getattr(raw, k) for k in ("purity", "nmi", "ari", "acc")},
                   "judge": {"test_acc": judge_acc}}
        emit(Done(summary))
        return summary


def blown_up(m, where, epoch: int) -> Failed:
    """How a training ends whose model's numbers became infinite or NaN: at a step, at the end of an
    epoch, or in its codes of the test digits (caught there before anything is scored on them)."""
    return Failed(f"The latent-{m.latent} model's numbers became infinite or NaN ({where}, epoch {epoch}); lower "
                  "the learning rate and start a new run.")


def _scores_event(latent, epoch, agreement, scaling) -> ev.ClusterScores:
    return ev.ClusterScores(latent, epoch, agreement.purity, agreement.nmi, agreement.ari, agreement.acc,
                            agreement.contingency.tolist(), scaling)


class Scoring:
    """Scores a model on the test digits after its epochs and emits what it finds: the test L1 every
    epoch; k-means and the judge on every image every eval_every epochs and the last; the codes and the
    shown digits' reconstructions as picture files on the schedule of keeps_pictures."""

    def __init__(self, data: DeviceData, judge, config: TrainConfig, emit, run_dir):
        self.data, self.judge, self.config, self.emit, self.run_dir = data, judge, config, emit, run_dir
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
        keep = full or keeps_pictures(epoch, self.config.epochs, self.config.eval_every)
        if keep:
            sample = min(SNAPSHOT_SIZE, len(codes))
            xy, projection = project_2d(codes[:sample])
            file = pictures.save(self.run_dir, m.latent, epoch, "codes", xy=np.asarray(xy, dtype=np.float32),
                                 labels=np.asarray(data.test_y[:sample], dtype=np.uint8))
            self.emit(ev.LatentSnapshot(m.latent, epoch, projection=projection, file=file))
        judge_acc = None
        if full:
            predicted = judge_predictions(self.judge, recons)
            judge_acc = float((predicted == data.test_y).mean())
            scores = kmeans_agreement(codes, data.test_y, self.config.seed, self.config.kmeans_scaling)
            self.emit(_scores_event(m.latent, epoch, scores, self.config.kmeans_scaling))
            judged = predicted[shown]
        elif keep:
            judged = judge_predictions(self.judge, recons[shown])
        if keep:
            index = torch.as_tensor(shown, device=data.test_x.device)
            file = pictures.save(self.run_dir, m.latent, epoch, "digits",
                                 originals=data.test_x[index].reshape(-1, SIDE, SIDE).cpu().numpy().astype(np.uint8),
                                 images=as_uint8_digits(recons[index.to(recons.device)]))
            self.emit(ev.Reconstructions(m.latent, epoch, data.test_y[shown].tolist(), judged=judged.tolist(),
                                         judge_acc=judge_acc, file=file))
        if full and epoch == self.config.epochs:
            m.final = {"test_l1": test_l1, "purity": scores.purity, "nmi": scores.nmi, "ari": scores.ari,
                       "acc": scores.acc, "judge_acc": judge_acc, "epochs": epoch}
