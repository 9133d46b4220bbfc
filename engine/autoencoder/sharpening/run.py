"""A sharpening run: both strategies on each model of a training run, recorded in <run>/sharpen.

Beside the strategies asked for, a control (strategy 0) trains model (a) on with the L1 loss alone
for the same epochs, so extra training is not mistaken for sharpening.

    runs/<name>/sharpen/config.json            the SharpenConfig
    runs/<name>/sharpen/metrics.jsonl          its events (SharpenStarted, DisReady, SharpenStep, SharpenScores, ...)
    runs/<name>/sharpen/checkpoints/*.pt       dis_net (the scorer) and each strategy's G and D per latent

The training run's lock is held while sharpening, so neither a training nor a second sharpening
can touch the run meanwhile. Model (a) is the run's newest checkpoint of each latent; it is scored
once at the start, and each strategy's model after every epoch, on the same test digits by the
same dis_net (the one trained on clear vs blurred digits only) and the same judge.
"""

from __future__ import annotations

import copy
import math
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable

import torch

from engine.autoencoder.runs import events as ev
from engine.autoencoder.sharpening.dis_net import DisNet, dis_accuracy, train_dis_net
from engine.autoencoder.judge import ensure_judge
from engine.autoencoder.models import as_float, make_autoencoder
from engine.autoencoder.runs.rundir import (CONFIG, METRICS, RunError, RunLock, load_checkpoint, read_config, save_atomic,
                           sharpen_dir)
from engine.autoencoder.runs.record import LOSS_FIELDS
from engine.autoencoder.sharpening.strategies import StepLosses, evaluate, sharpen_epoch
from engine.autoencoder.config import SharpenConfig, TrainConfig, TrainingError
from engine.autoencoder.training import NonFiniteLoss, checkpoint_path, judge_path_for, recorded, shown_digits

STEP_EVENTS_PER_EPOCH = 20
CONTROL = 0
"""Strategy 0 runs beside the chosen ones: the same model trained on with L1 alone for as long."""


def model_key(strategy: int, latent: int) -> str:
    return f"s{strategy}-{latent}"


def prepare_sharpen(run_dir: Path, config: SharpenConfig | None, resume: bool) -> tuple[TrainConfig, SharpenConfig]:
    """Check a sharpening request against its run before anything is written; returns both configs."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunError(f"There is no run directory {run_dir}.")
    train = TrainConfig.from_dict(read_config(run_dir))
    out = sharpen_dir(run_dir)
    has = (out / METRICS).exists() or (out / CONFIG).exists()
    if resume:
        if not has:
            raise RunError(f"{run_dir} has no sharpening to resume.")
        stored = SharpenConfig.from_dict(read_config(out))
        config = stored if config is None else replace(stored, epochs=config.epochs)
    elif has:
        raise RunError(f"{run_dir} is already sharpened (in {out}); pass --resume to continue it, "
                       f"or move {out} away to start again.")
    config = (config or SharpenConfig()).validated(train.latent_dims)
    for d in config.latent_dims or train.latent_dims:
        if not checkpoint_path(run_dir, d).exists():
            raise RunError(f"{run_dir} has no trained latent-{d} model yet; train it first (bumptui train).")
    RunLock(run_dir).refuse_if_held()
    return train, config


class Pair:
    """One strategy's G (model (a) and its Adam state, or fresh) and D (a copy of the scorer), with
    their optimizers, generators and progress."""

    def __init__(self, strategy: int, latent: int, train: TrainConfig, config: SharpenConfig, plain: dict,
                 scorer: DisNet, device):
        self.strategy, self.latent = strategy, latent
        torch.manual_seed(train.seed * 1000 + latent)  # the plain model's initial weights, for init="scratch"
        self.model = make_autoencoder(train.arch, latent).to(device)
        self.g_opt = torch.optim.Adam(self.model.parameters(), lr=config.lr)
        if config.init == "plain":
            # (a) trained on as it was training: a fresh Adam's first steps would shake it on their own.
            self.model.load_state_dict(plain["model"])
            self.g_opt.load_state_dict(copy.deepcopy(plain["optimizer"]))  # Adam's load keeps the tensors: not shared
            for group in self.g_opt.param_groups:
                group["lr"] = config.lr
        self.dis = copy.deepcopy(scorer)
        self.d_opt = torch.optim.Adam(self.dis.parameters(), lr=config.d_lr, betas=(0.5, 0.999))
        self.order = torch.Generator().manual_seed(config.seed * 1000 + latent)
        """The same for every strategy of a model: they all see the same batches in the same order."""
        self.generator = torch.Generator().manual_seed(config.seed * 1000 + latent * 10 + strategy)
        """The blur's draws."""
        self.epoch = 0

    def checkpoint(self) -> dict:
        return {"model": self.model.state_dict(), "g_opt": self.g_opt.state_dict(), "dis": self.dis.state_dict(),
                "d_opt": self.d_opt.state_dict(), "generator": self.generator.get_state(),
                "order": self.order.get_state(), "epoch": self.epoch}

    def restore(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.g_opt.load_state_dict(state["g_opt"])
        self.dis.load_state_dict(state["dis"])
        self.d_opt.load_state_dict(state["d_opt"])
        self.generator.set_state(state["generator"])
        self.order.set_state(state["order"])
        self.epoch = int(state["epoch"])


def pair_path(run_dir: Path, strategy: int, latent: int) -> Path:
    return sharpen_dir(run_dir) / "checkpoints" / f"{model_key(strategy, latent)}.pt"


def scorer_path(run_dir: Path) -> Path:
    return sharpen_dir(run_dir) / "checkpoints" / "dis_net.pt"


def run_sharpen(run_dir: str | Path, config: SharpenConfig | None = None, *, resume: bool = False,
                callback: Callable[[object], None] | None = None, cancel: threading.Event | None = None,
                data_dir=None) -> dict | None:
    """Sharpen the models of the training run in run_dir, recording it all in run_dir/sharpen.

    Returns the summary (as in the Done event), or None if stopped or failed. User errors raise
    RunError, DataError or TrainingError before anything is written.
    """
    run_dir = Path(run_dir)
    cancel = cancel or threading.Event()
    train, config = prepare_sharpen(run_dir, config, resume)
    return recorded(run_dir, sharpen_dir(run_dir), train, None if resume else config.as_dict(), callback, data_dir,
                    lambda device, data, emit, stale_pid: _sharpen(run_dir, train, config, device, data, emit, cancel,
                                                                   stale_pid))


def _scores_event(latent: int, model: str, epoch: int, result, labels, originals) -> ev.SharpenScores:
    s = result.scores
    return ev.SharpenScores(latent, model, epoch, s.test_l1, s.clear_score, s.sharpness, s.judge_acc, labels,
                            originals, ev.encode_images(result.shown), result.judged.tolist())


def _sharpen(run_dir, train, config, device, data, emit, cancel, stale_pid) -> dict | None:
    latents = list(config.latent_dims or train.latent_dims)
    plain = {d: load_checkpoint(checkpoint_path(run_dir, d)) for d in latents}
    scorer, cached = DisNet().to(device), scorer_path(run_dir).exists()
    if cached:
        scorer.load_state_dict(load_checkpoint(scorer_path(run_dir)))
    pairs = [Pair(s, d, train, config, plain[d], scorer, device)
             for d in latents for s in (CONTROL, *config.strategies)]
    for p in pairs:
        if pair_path(run_dir, p.strategy, p.latent).exists():
            p.restore(load_checkpoint(pair_path(run_dir, p.strategy, p.latent)))
    done = max(p.epoch for p in pairs)
    if done > config.epochs:
        raise TrainingError(f"{sharpen_dir(run_dir)} has already sharpened {done} epochs; "
                            "ask for at least that many to resume it.")
    emit(ev.SharpenStarted(str(run_dir), config.as_dict(), str(device),
                           {model_key(p.strategy, p.latent): p.epoch for p in pairs},
                           {str(d): int(plain[d]["epoch"]) for d in latents}, stale_pid))
    try:
        judge, _, _ = ensure_judge(judge_path_for(run_dir, train), data, device, train.judge_epochs, train.seed, cancel)
        if judge is None:
            emit(ev.Stopped("stopped while training the judge"))
            return None
        if not cached:
            dis_epochs = config.dis_epochs_for(len(data.train_x), train.batch_size)
            trained = train_dis_net(data.train_x, dis_epochs, train.batch_size, config.d_lr, config.seed,
                                    config.blur_kernel, config.blur_sigma, cancel)
            if trained is None:
                emit(ev.Stopped("stopped while training dis_net"))
                return None
            scorer = trained
            save_atomic(scorer.state_dict(), scorer_path(run_dir))
            for p in pairs:  # each strategy's D starts as a copy of the trained scorer
                p.dis.load_state_dict(scorer.state_dict())
        emit(ev.DisReady(dis_accuracy(scorer, as_float(data.test_x), 1, config.blur_kernel, config.blur_sigma), cached))
        shown = shown_digits(data.test_y)
        labels = data.test_y[shown].tolist()
        originals = ev.encode_images(data.test_x[torch.as_tensor(shown, device=data.test_x.device)]
                                     .reshape(-1, 28, 28).cpu().numpy())

        def score(model, latent, name, epoch) -> None:
            result = evaluate(model, data.test_x, data.test_y, scorer, judge, shown)
            emit(_scores_event(latent, name, epoch, result, labels, originals))

        for d in latents:
            plain_model = make_autoencoder(train.arch, d).to(device)
            plain_model.load_state_dict(plain[d]["model"])
            score(plain_model, d, "a", 0)
        for p in pairs:  # a resumed pair's newest state, so the table is complete after a restart
            if p.epoch:
                score(p.model, p.latent, f"s{p.strategy}", p.epoch)
        for epoch in range(1, config.epochs + 1):
            for p in pairs:
                if p.epoch >= epoch:
                    continue
                outcome = _epoch(p, epoch, train, config, data, emit, cancel)
                if outcome is not None:
                    emit(outcome)
                    return None
                p.epoch = epoch
                score(p.model, p.latent, f"s{p.strategy}", epoch)
                save_atomic(p.checkpoint(), pair_path(run_dir, p.strategy, p.latent))
        summary = {"run_dir": str(run_dir), "epochs": config.epochs,
                   "lambda": {str(s): config.lam_for(s) for s in config.strategies}}
        emit(ev.Done(summary))
        return summary
    except Exception as err:
        emit(ev.Failed(f"Sharpening stopped by an internal error: {type(err).__name__}: {err}"))
        raise


def _epoch(p: Pair, epoch: int, train, config, data, emit, cancel) -> ev.Stopped | ev.Failed | None:
    """One epoch of one strategy on one model, its losses logged as means over ~20 intervals."""
    steps = math.ceil(len(data.train_x) / train.batch_size)
    every = max(1, steps // STEP_EVENTS_PER_EPOCH)
    window: list[StepLosses] = []

    def on_step(step: int, losses: StepLosses) -> None:
        window.append(losses)
        if step % every and step != steps:
            return
        kept = [k for k in LOSS_FIELDS if getattr(window[0], k) is not None]  # the control has no D losses
        values = torch.stack([torch.stack([getattr(w, k) for w in window]).mean() for k in kept]).tolist()
        window.clear()  # one device sync per interval, as in training
        if not all(math.isfinite(v) for v in values):
            raise NonFiniteLoss(f"step {step}")
        means = dict(zip(kept, values))
        emit(ev.SharpenStep(p.latent, p.strategy, epoch, step, steps, *(means.get(k) for k in LOSS_FIELDS)))

    try:
        history = sharpen_epoch(p.strategy, p.model, p.g_opt, p.dis, p.d_opt, data.train_x, train.batch_size,
                                config.lam_for(p.strategy), p.generator, cancel, on_step, config.d_steps, config.blur_kernel,
                                config.blur_sigma, p.order)
    except NonFiniteLoss as where:
        return ev.Failed(f"The losses of strategy {p.strategy} on the latent-{p.latent} model became infinite or NaN "
                         f"at {where} of epoch {epoch}; lower lambda or the learning rates and start again.")
    if history is None:
        return ev.Stopped(f"stopped during epoch {epoch} of strategy {p.strategy} on the latent-{p.latent} model; "
                          f"--resume continues from epoch {p.epoch + 1}")
    return None

