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

import numpy as np
import torch

from bumptui.engine.autoencoder.data import NonFiniteLoss, log_every, shown_digits, steps_per_epoch
from bumptui.engine.autoencoder.jobs.judge_cache import ensure_judge, judge_path
from bumptui.engine.autoencoder.jobs.kind import Plan
from bumptui.engine.autoencoder.jobs.sharpen import events as ev
from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig
from bumptui.engine.autoencoder.jobs.sharpen.kind import SHARPEN, pair_path, scorer_path
from bumptui.engine.autoencoder.jobs.sharpen.record import LOSS_FIELDS
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.kind import trained_model
from bumptui.engine.autoencoder.mnist import SIDE
from bumptui.engine.autoencoder.models import adam, as_float, load_adam, make_autoencoder, model_seed
from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from bumptui.engine.autoencoder.runs import pictures
from bumptui.engine.autoencoder.runs.events import Done, Failed, Stopped
from bumptui.engine.autoencoder.sharpening import DCGAN_BETAS
from bumptui.engine.autoencoder.sharpening.comparison import CONTROL, PLAIN, PairKey, model_name
from bumptui.engine.autoencoder.designs import make_dis
from bumptui.engine.autoencoder.sharpening.dis_net import DisNet, dis_accuracy, train_dis_net
from bumptui.engine.autoencoder.sharpening.strategies import Pair, StepLosses, evaluate, sharpen_epoch

run_sharpen = SHARPEN.execute
"""Sharpen a run's models (or a checked Plan) as a script would: see JobKind.execute."""


class SharpenedModel(Pair):
    """One strategy's pair on one model of the run, with its progress: G starts as model (a) with its
    Adam state (or as (a)'s fresh initial weights), D as a copy of the scorer."""

    def __init__(self, strategy: int, latent: int, train: TrainConfig, config: SharpenConfig, plain: Checkpoint,
                 scorer: DisNet, device):
        torch.manual_seed(model_seed(train.seed, latent))  # the plain model's initial weights, for init="scratch"
        model = make_autoencoder(train.arch, latent).to(device)
        g_opt = adam(model, config.lr)
        if config.init == "plain":
            # (a) trained on as it was training: a fresh Adam's first steps would shake it on their own.
            model.load_state_dict(plain.models["autoencoder"])
            # Adam's load keeps the tensors (hence the copy); saved with the training device's options, run eagerly here
            load_adam(g_opt, copy.deepcopy(plain.optimizers["autoencoder"]))
            for group in g_opt.param_groups:
                group["lr"] = config.lr
        dis = copy.deepcopy(scorer)
        super().__init__(strategy, model, g_opt, dis, adam(dis, config.d_lr, DCGAN_BETAS),
                         generator=torch.Generator().manual_seed(model_seed(config.seed, latent * 10) + strategy),
                         # the same for every strategy of a model: they all see the same batches in the same order
                         order=torch.Generator().manual_seed(model_seed(config.seed, latent)))
        self.key = PairKey(strategy, latent)
        self.latent = latent
        self.epoch = 0

    def checkpoint(self) -> Checkpoint:
        return Checkpoint("sharpening", {"G": self.model.state_dict(), "D": self.dis.state_dict()},
                          {"G": self.g_opt.state_dict(), "D": self.d_opt.state_dict()},
                          {"blur": self.generator.get_state(), "order": self.order.get_state()},
                          {"epoch": self.epoch}, self.checkpoint_config)

    @property
    def checkpoint_config(self) -> dict:
        """What its checkpoint says it is: checked before one is loaded into it."""
        return {"latent_dim": self.latent, "strategy": self.strategy}

    def restore(self, checkpoint: Checkpoint) -> None:
        self.model.load_state_dict(checkpoint.models["G"])
        load_adam(self.g_opt, checkpoint.optimizers["G"])
        self.dis.load_state_dict(checkpoint.models["D"])
        load_adam(self.d_opt, checkpoint.optimizers["D"])
        self.generator.set_state(checkpoint.generators["blur"])
        self.order.set_state(checkpoint.generators["order"])
        self.epoch = int(checkpoint.counters["epoch"])


class SharpenScoring:
    """Scores any model on the same test digits with the same dis_net and judge, and emits it."""

    def __init__(self, data, scorer: DisNet, judge, emit, folder):
        self.data, self.scorer, self.judge, self.emit, self.folder = data, scorer, judge, emit, folder
        self.shown = shown_digits(data.test_y)
        self.labels = data.test_y[self.shown].tolist()
        index = torch.as_tensor(self.shown, device=data.test_x.device)
        self.originals = data.test_x[index].reshape(-1, SIDE, SIDE).cpu().numpy().astype(np.uint8)

    def score(self, model, latent: int, name: str, epoch: int) -> None:
        result = evaluate(model, self.data.test_x, self.data.test_y, self.scorer, self.judge, self.shown)
        s = result.scores
        file = pictures.save(self.folder, latent, epoch, name, originals=self.originals,
                             images=np.ascontiguousarray(result.shown, dtype=np.uint8))
        self.emit(ev.SharpenScores(latent, name, epoch, s.test_l1, s.clear_score, s.sharpness, s.judge_acc,
                                   self.labels, judged=result.judged.tolist(), file=file))


def _trained_scorer(plan: Plan, data, pairs: list[SharpenedModel], cancel) -> DisNet | None:
    """dis_net trained on clear vs blurred training digits, saved, and copied into each strategy's D;
    None when stopped."""
    train, config = plan.run_config, plan.config
    scorer = train_dis_net(data.train_x, config.dis_epochs_for(len(data.train_x), train.batch_size),
                           train.batch_size, config.d_lr, config.seed, config.blur_kernel, config.blur_sigma, cancel,
                           make=lambda: make_dis(config.dis_net))
    if scorer is not None:
        save_checkpoint(Checkpoint("dis_net", {"dis_net": scorer.state_dict()}), scorer_path(plan.run_dir))
        for p in pairs:  # each strategy's D starts as a copy of the trained scorer
            p.dis.load_state_dict(scorer.state_dict())
    return scorer


def _score_starting_points(scoring: SharpenScoring, models: dict, pairs: list[SharpenedModel], device):
    """Model (a) of each latent, and each resumed pair's newest state so the table is complete after a restart."""
    for d, plain_model in models.items():  # latent -> the run's trained model
        scoring.score(plain_model.to(device), d, PLAIN, 0)
    for p in pairs:
        if p.epoch:
            scoring.score(p.model, p.latent, model_name(p.strategy), p.epoch)


def sharpen(plan: Plan, device, data, job) -> dict | None:
    """Every strategy and the control on every model asked for, side by side epoch by epoch (the
    sharpening kind's body, run by the Runner)."""
    run_dir, train, config, emit, cancel = plan.run_dir, plan.run_config, plan.config, job.emit, job.cancel
    latents = list(config.latent_dims or train.latent_dims)
    trained = {d: trained_model(run_dir, train, d) for d in latents}  # (checkpoint, model) of each
    plain = {d: checkpoint for d, (checkpoint, _) in trained.items()}
    scorer, cached = make_dis(config.dis_net).to(device), scorer_path(run_dir).exists()
    if cached:
        scorer.load_state_dict(load_checkpoint(scorer_path(run_dir), "dis_net").models["dis_net"])
    pairs = [SharpenedModel(s, d, train, config, plain[d], scorer, device)
             for d in latents for s in (CONTROL, *config.strategies)]
    job.restore(pairs, lambda p: pair_path(run_dir, p.key), "sharpening", config.epochs, "sharpened")
    emit(ev.SharpenStarted(str(run_dir), config.as_dict(), str(device), {str(p.key): p.epoch for p in pairs},
                           job.stale_pid, {str(d): int(plain[d].counters["epoch"]) for d in latents}))
    with job.reported("Sharpening"):
        judge, _, _ = ensure_judge(judge_path(train.subset), data, device, train.judge_epochs, train.seed,
                                   cancel)
        scorer = scorer if cached or judge is None else _trained_scorer(plan, data, pairs, cancel)
        if judge is None or scorer is None:
            emit(Stopped(f"stopped while training {'the judge' if judge is None else 'dis_net'}"))
            return None
        emit(ev.DisReady(dis_accuracy(scorer, as_float(data.test_x), 1, config.blur_kernel, config.blur_sigma), cached))
        scoring = SharpenScoring(data, scorer, judge, emit, SHARPEN.folder(run_dir))
        _score_starting_points(scoring, {d: m for d, (_, m) in trained.items()}, pairs, device)

        def one_epoch(p: SharpenedModel, epoch: int):
            outcome = _epoch(p, epoch, train, config, data, emit, cancel)
            if outcome is None:
                p.epoch = epoch
                scoring.score(p.model, p.latent, model_name(p.strategy), epoch)
                save_checkpoint(p.checkpoint(), pair_path(run_dir, p.key))
            return outcome

        if not job.epochs(pairs, config.epochs, one_epoch):
            return None
        summary = {"run_dir": str(run_dir), "epochs": config.epochs,
                   "lambda": {str(s): config.lam_for(s) for s in config.strategies}}
        emit(Done(summary))
        return summary


def _epoch(p: SharpenedModel, epoch: int, train, config, data, emit, cancel) -> Stopped | Failed | None:
    """One epoch of one strategy on one model, its losses logged as means over ~20 intervals."""
    steps = steps_per_epoch(len(data.train_x), train.batch_size)
    every = log_every(steps)
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
        history = sharpen_epoch(p, data.train_x, train.batch_size, config, cancel, on_step)
    except NonFiniteLoss as where:
        return Failed(f"The losses of strategy {p.strategy} on the latent-{p.latent} model became infinite or NaN "
                         f"at {where} of epoch {epoch}; lower lambda or the learning rates and start again.")
    if history is None:
        return Stopped(f"stopped during epoch {epoch} of strategy {p.strategy} on the latent-{p.latent} model; "
                          f"--resume continues from epoch {p.epoch + 1}")
    return None
