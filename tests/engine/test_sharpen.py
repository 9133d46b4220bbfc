"""Which network each step of the sharpening strategies changes, and which it must leave alone."""

import copy

import pytest
import torch

from bumptui.engine.autoencoder.sharpening.dis_net import DisNet
from bumptui.engine.autoencoder.mnist import load_mnist
from bumptui.engine.autoencoder.models import l1_loss, make_autoencoder
from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig
from bumptui.engine.autoencoder.sharpening.strategies import STRATEGY_STEPS, Pair, d_step_blur, d_step_fake, g_step, sharpen_batch


@pytest.fixture
def nets():
    torch.manual_seed(0)
    model, dis = make_autoencoder("mlp", 16), DisNet()
    g_opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    d_opt = torch.optim.Adam(dis.parameters(), lr=2e-4, betas=(0.5, 0.999))
    clear = torch.from_numpy(load_mnist().test_images[:64].reshape(64, -1).copy()).float().div(255)
    return model, g_opt, dis, d_opt, clear


def snapshot(module):
    return [t.detach().clone() for t in module.state_dict().values()]


def changed(before, module) -> bool:
    return any(not torch.equal(a, b) for a, b in zip(before, module.state_dict().values()))


def test_d_steps_leave_the_autoencoder_untouched(nets):
    model, g_opt, dis, d_opt, clear = nets
    g_before, d_before = snapshot(model), snapshot(dis)
    d_step_blur(dis, d_opt, clear, torch.Generator().manual_seed(0))
    assert changed(d_before, dis) and not changed(g_before, model)
    d_before = snapshot(dis)
    d_step_fake(dis, d_opt, model, clear)
    assert changed(d_before, dis) and not changed(g_before, model), "no gradient, no BN update in G"
    assert all(p.grad is None for p in model.parameters())


def test_g_step_leaves_dis_net_untouched_and_without_gradients(nets):
    model, g_opt, dis, d_opt, clear = nets
    g_before, d_before = snapshot(model), snapshot(dis)
    losses = g_step(model, g_opt, dis, clear, lam=0.1)
    assert changed(g_before, model)
    assert not changed(d_before, dis), "D's weights and its batch-norm statistics stay as they were"
    assert all(p.grad is None for p in dis.parameters())
    assert all(p.requires_grad for p in dis.parameters()), "D is trainable again afterwards"
    assert losses.g_l1 > 0 and losses.g_adv > 0


def test_the_adversarial_term_reaches_the_autoencoder(nets):
    model, g_opt, dis, d_opt, clear = nets
    start = snapshot(model)
    g_step(model, g_opt, dis, clear, lam=0.0)
    plain = snapshot(model)
    model.load_state_dict(dict(zip(model.state_dict(), start)))
    g_opt2 = torch.optim.Adam(model.parameters(), lr=1e-3)
    g_step(model, g_opt2, dis, clear, lam=1.0)
    assert changed(plain, model), "with lambda > 0, G's update differs from the L1-only one"


@pytest.mark.parametrize("strategy", [0, 1, 2])
def test_a_strategy_batch_runs_its_steps(nets, strategy, monkeypatch):
    import bumptui.engine.autoencoder.sharpening.strategies as sharpen

    model, g_opt, dis, d_opt, clear = nets
    calls = []
    for name in ("d_step_blur", "d_step_fake", "g_step"):
        real = getattr(sharpen, name)
        monkeypatch.setattr(sharpen, name, lambda *a, _n=name, _r=real, **k: (calls.append(_n), _r(*a, **k))[1])
    pair = Pair(strategy, model, g_opt, dis, d_opt, torch.Generator().manual_seed(0))
    losses = sharpen_batch(pair, clear, SharpenConfig(lam=0.1, d_steps=2))
    expected = {0: ["g_step"], 1: ["d_step_blur"] * 2 + ["d_step_fake"] * 2 + ["g_step"],
                2: ["d_step_blur"] * 2 + ["g_step"]}
    assert calls == expected[strategy]
    assert STRATEGY_STEPS[2] == ("blur", "generator"), "strategy 2 never shows D a reconstruction"
    assert losses.g_l1 > 0
    assert losses.d_acc is None if strategy == 0 else 0 <= losses.d_acc <= 1


def test_the_control_strategy_is_plain_l1_training(nets):
    model, g_opt, dis, d_opt, clear = nets
    twin = copy.deepcopy(model)
    twin_opt = torch.optim.Adam(twin.parameters(), lr=1e-3)
    d_before = snapshot(dis)
    sharpen_batch(Pair(0, model, g_opt, dis, d_opt, torch.Generator().manual_seed(0)), clear, SharpenConfig(lam=0.5))
    twin.train()
    loss = l1_loss(twin(clear), clear)
    twin_opt.zero_grad()
    loss.backward()
    twin_opt.step()
    assert not changed(d_before, dis), "the control never trains D"
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), twin.state_dict().values())), \
        "lambda is ignored: the control's step is exactly a plain L1 step"


def test_compare_scores_every_model_on_the_same_digits(nets):

    from bumptui.engine.autoencoder.models import DigitJudge
    from bumptui.engine.autoencoder.sharpening.strategies import compare

    model, g_opt, dis, d_opt, clear = nets
    x = (clear * 255).round().to(torch.uint8)
    labels = load_mnist().test_labels[:64]
    identity = torch.nn.Identity()  # a perfect "autoencoder": its reconstructions are the digits
    blurry = torch.nn.Sequential(torch.nn.Unflatten(1, (1, 28, 28)), torch.nn.AvgPool2d(3, 1, 1), torch.nn.Flatten())
    judge = DigitJudge()
    scores = compare({"a": model, "perfect": identity, "blurry": blurry}, x, labels, dis, judge)
    assert scores["perfect"].test_l1 == 0.0 and scores["perfect"].sharpness == pytest.approx(1.0)
    assert scores["blurry"].sharpness < 0.8 < scores["perfect"].sharpness
    # The same digits for all: the perfect model's judge accuracy is the judge's own on those digits.
    from bumptui.engine.autoencoder.judge import judge_predictions

    own = float((judge_predictions(judge, clear) == labels).mean())
    assert scores["perfect"].judge_acc == pytest.approx(own)
    assert all(0 <= s.clear_score <= 1 for s in scores.values())


def test_a_sharpen_epoch_stops_on_cancel_and_reports_every_step(nets):
    import threading

    from bumptui.engine.autoencoder.sharpening.strategies import sharpen_epoch

    model, g_opt, dis, d_opt, clear = nets
    x = (clear * 255).round().to(torch.uint8)
    steps = []
    history = sharpen_epoch(Pair(2, model, g_opt, dis, d_opt, torch.Generator().manual_seed(0)), x, 16,
                            SharpenConfig(lam=0.05), threading.Event(), lambda step, losses: steps.append(step))
    assert steps == [1, 2, 3, 4] and len(history) == 4
    cancel = threading.Event()
    cancel.set()
    assert sharpen_epoch(Pair(1, model, g_opt, dis, d_opt, torch.Generator()), x, 16, SharpenConfig(lam=0.05), cancel,
                         print) is None
