"""Sharpening an autoencoder with dis_net: the three update steps of the DCGAN-style strategies.

G is the autoencoder, D is dis_net (clear = 1, blurred or reconstructed = 0).

- Strategy 1, per batch: (1) D on clear images vs their blurred copies; (2) D on G's
  reconstructions labelled fake (no gradient into G); (3) G on L1 + lambda * BCE(D(G(x)), clear),
  D frozen and not stepped (the L1 of step 4 is folded into step 3).
- Strategy 2: steps 1 and 3 only; D never sees a reconstruction.

Each step is its own function so that tests can check which network each one changes.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from bumptui.engine.autoencoder.sharpening import BLUR_KERNEL, BLUR_SIGMA
from bumptui.engine.autoencoder.data import Cancelled, shuffled_batches
from bumptui.engine.autoencoder.models import as_float, as_uint8_digits, in_chunks, l1_loss
from bumptui.engine.autoencoder.sharpening.dis_net import real_vs_blurred_batch

STRATEGY_STEPS = {0: ("generator",), 1: ("blur", "fake", "generator"), 2: ("blur", "generator")}
"""The steps of each strategy, in order, for every batch. Strategy 0 is the control: G goes on with
the L1 loss alone (lambda 0), so a sharpened model can be told from one that merely trained longer."""

_bce = nn.BCEWithLogitsLoss()


@dataclass
class Pair:
    """What one strategy trains: G (the autoencoder) and D (a dis_net), their optimizers, and the
    generators of its blur's draws and of its batch order."""

    strategy: int
    model: nn.Module
    g_opt: torch.optim.Optimizer
    dis: nn.Module
    d_opt: torch.optim.Optimizer
    generator: torch.Generator
    """The blur's draws."""
    order: torch.Generator | None = None
    """The order of the batches; None: `generator` draws it too."""


@dataclass(frozen=True)
class StepLosses:
    """One batch's losses as 0-d tensors on the training device (None where the strategy has no
    such step): reading them costs a device sync, so the caller reads them once per log interval."""

    d_loss: torch.Tensor | None = None
    d_acc: torch.Tensor | None = None
    g_l1: torch.Tensor | None = None
    g_adv: torch.Tensor | None = None


@contextmanager
def frozen(module: nn.Module):
    """Parameters that pass gradients through but collect none (D during G's step)."""
    flags = [p.requires_grad for p in module.parameters()]
    for p in module.parameters():
        p.requires_grad_(False)
    try:
        yield module
    finally:
        for p, flag in zip(module.parameters(), flags):
            p.requires_grad_(flag)


def autocast(device: torch.device, precision: str):
    """bf16 autocast for a forward pass when the precision asks for it (weights stay float32)."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")


def _d_update(dis, d_opt, x, y, precision: str = "fp32") -> StepLosses:
    dis.train()
    with autocast(x.device, precision):
        logits = dis(x)
    logits = logits.float()
    loss = _bce(logits, y)
    d_opt.zero_grad(set_to_none=True)
    loss.backward()
    d_opt.step()
    return StepLosses(d_loss=loss.detach(), d_acc=((logits.detach() > 0).float() == y).float().mean())


def d_step_blur(dis, d_opt, clear: torch.Tensor, generator: torch.Generator, kernel_size: int = BLUR_KERNEL,
                sigma: tuple[float, float] = BLUR_SIGMA, precision: str = "fp32") -> StepLosses:
    """Step 1: D learns clear (1) against blurred copies (0). G is not involved."""
    x, y = real_vs_blurred_batch(clear, generator, kernel_size, sigma)
    return _d_update(dis, d_opt, x, y, precision)


def d_step_fake(dis, d_opt, model, clear: torch.Tensor, precision: str = "fp32") -> StepLosses:
    """Step 2 (strategy 1 only): D learns that G's reconstructions are fake; no gradient reaches G."""
    with torch.no_grad(), autocast(clear.device, precision):
        model.eval()
        fake = model(clear).float().clamp(0, 1)
    y = torch.zeros(len(fake), device=fake.device)
    return _d_update(dis, d_opt, fake, y, precision)


def g_step(model, g_opt, dis, clear: torch.Tensor, lam: float, precision: str = "fp32") -> StepLosses:
    """Step 3 (+4): G on L1 + lam * BCE(D(G(x)), clear); D is frozen, in eval mode and not stepped.
    With lam 0 the adversarial loss is only measured, outside the graph. The losses are float32
    whatever the forward passes ran in."""
    model.train()
    dis.eval()
    with frozen(dis):
        with autocast(clear.device, precision):
            reconstruction = model(clear)
        reconstruction = reconstruction.float()
        rec_l1 = l1_loss(reconstruction, clear)
        with torch.set_grad_enabled(lam > 0):
            with autocast(clear.device, precision):
                logits = dis(reconstruction.clamp(0, 1))
            adversarial = _bce(logits.float(), torch.ones(len(clear), device=clear.device))
        loss = rec_l1 + lam * adversarial if lam > 0 else rec_l1
        g_opt.zero_grad(set_to_none=True)
        loss.backward()
        g_opt.step()
    return StepLosses(g_l1=rec_l1.detach(), g_adv=adversarial.detach())


def sharpen_batch(pair: Pair, clear: torch.Tensor, config) -> StepLosses:
    """One batch of the pair's strategy: its D steps (config.d_steps times each), then G's step.
    config: a SharpenConfig (jobs/sharpen/config.py), read for d_steps, the blur, lambda and precision."""
    d = StepLosses()
    for step in STRATEGY_STEPS[pair.strategy]:
        if step == "blur":
            for _ in range(config.d_steps):
                d = d_step_blur(pair.dis, pair.d_opt, clear, pair.generator, config.blur_kernel, config.blur_sigma,
                                config.precision)
        elif step == "fake":
            for _ in range(config.d_steps):
                fake = d_step_fake(pair.dis, pair.d_opt, pair.model, clear, config.precision)
                d = StepLosses(d_loss=(d.d_loss + fake.d_loss) / 2, d_acc=(d.d_acc + fake.d_acc) / 2)
        else:
            g = g_step(pair.model, pair.g_opt, pair.dis, clear, config.lam_for(pair.strategy), config.precision)
    return StepLosses(d.d_loss, d.d_acc, g.g_l1, g.g_adv)


def sharpen_epoch(pair: Pair, train_x: torch.Tensor, batch_size: int, config, cancel,
                  on_step: Callable[[int, StepLosses], None]) -> list[StepLosses] | None:
    """One pass over uint8 train_x (n, 784) in a fresh order, calling on_step(step, losses) after
    every batch; None when `cancel` was set (checked before every batch). Pairs with equal `order`
    generators see the same batches whatever their blur draws."""
    history = []
    try:
        for step, batch in enumerate(shuffled_batches(len(train_x), batch_size, pair.order or pair.generator,
                                                      train_x.device, cancel), start=1):
            losses = sharpen_batch(pair, as_float(train_x[batch]), config)
            history.append(losses)
            on_step(step, losses)
    except Cancelled:
        return None
    return history


@dataclass(frozen=True)
class Comparison:
    """One model's reconstructions of the same test digits, scored four ways."""

    test_l1: float
    clear_score: float
    """dis_net's mean probability that the reconstructions are clear."""
    sharpness: float
    """Mean Sobel magnitude of the reconstructions over the originals' (1.0 = as sharp as the data)."""
    judge_acc: float


@dataclass(frozen=True)
class Evaluation:
    scores: Comparison
    shown: np.ndarray
    """The reconstructions of the shown test digits, uint8 (k, 28, 28)."""
    judged: np.ndarray
    """What the judge reads in each of them."""


@torch.no_grad()
def evaluate(model: nn.Module, test_x: torch.Tensor, labels, dis, judge, shown=None) -> Evaluation:
    """One model's reconstructions of uint8 test_x (n, 784), scored by dis_net and the judge, with the
    reconstructions of the test digits at indices `shown` (default: none)."""
    from bumptui.engine.autoencoder.sharpening.dis_net import clear_scores
    from bumptui.engine.autoencoder.judge import judge_predictions
    from bumptui.engine.autoencoder.sharpening.blur import sobel_magnitude

    originals = as_float(test_x)
    labels = np.asarray(labels)
    model.eval()
    recon = in_chunks(lambda x: model(x).clamp(0, 1), originals)
    predicted = judge_predictions(judge, recon)
    scores = Comparison(
        test_l1=float(l1_loss(recon, originals)),
        clear_score=float(clear_scores(dis, recon).mean()),
        sharpness=float(sobel_magnitude(recon).mean() / sobel_magnitude(originals).mean()),
        judge_acc=float((predicted == labels).mean()),
    )
    index = np.asarray([] if shown is None else shown, dtype=np.int64)
    return Evaluation(scores, as_uint8_digits(recon[torch.as_tensor(index, device=recon.device)]), predicted[index])


def compare(models: dict[str, nn.Module], test_x: torch.Tensor, labels, dis, judge) -> dict[str, Comparison]:
    """Every model scored on exactly the same test digits (uint8 (n, 784)) by the same dis_net and judge."""
    return {name: evaluate(model, test_x, labels, dis, judge).scores for name, model in models.items()}
