"""The autoencoders on a few thousand images: the loss, learning, no collapse, order, seeds, stop."""

import threading
from dataclasses import replace

import numpy as np
import pytest
import torch

from bumptui.engine.autoencoder.jobs.train.events import EpochEnd, LatentSnapshot, Reconstructions, RunStarted, StepLoss

from bumptui.engine.autoencoder.runs import pictures
from bumptui.engine.autoencoder.runs.events import Done, Failed, Stopped, decode_images
from bumptui.engine.autoencoder.mnist import load_mnist
from bumptui.engine.autoencoder.models import adam, adam_options, l1_loss, make_autoencoder
from bumptui.engine.autoencoder.runs.log import read_events
from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint
from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
from bumptui.engine.autoencoder.jobs.train.run import run_training
from tests.conftest import as_saved_on_a_gpu

# The trainer's mechanisms and the seed's trap, on the lab's first recipe (the MLP at 1e-3): on a few
# thousand images it learns faster in its first epochs than the default dec, which overtakes it on
# more data (RESULTS.md, "Codes worth clustering early"; tests/engine/test_recipes.py).
SMALL = TrainConfig(latent_dims=(2, 16, 256), epochs=2, batch_size=32, subset=4000, eval_every=99, judge_epochs=1,
                    arch="mlp")
TINY = replace(SMALL, latent_dims=(2,), epochs=1, batch_size=64, subset=1000, eval_every=9)


@pytest.fixture(scope="module")
def small_run(runs_root):
    run_dir = runs_root / "small"
    seen = []
    summary = run_training(run_dir, SMALL, callback=seen.append)
    return run_dir, summary, seen


def epoch_ends(events, latent):
    return [e for e in events if isinstance(e, EpochEnd) and e.latent == latent]


def test_the_loss_is_the_users_l1():
    x = torch.rand(5, 1, 28, 28)
    r = torch.rand(5, 784)
    assert l1_loss(r, x).item() == pytest.approx((r - x.reshape(5, 784)).abs().mean().item())
    assert l1_loss(r, x).item() == pytest.approx(torch.nn.functional.l1_loss(r, x.flatten(1)).item())


def test_loss_falls_for_every_latent_size(small_run):
    _, _, events = small_run
    for d in SMALL.latent_dims:
        first, second = epoch_ends(events, d)
        assert second.train_l1 < first.train_l1 and second.test_l1 < first.test_l1


def test_no_latent_size_sits_at_the_median_image_after_one_epoch(small_run):
    # The collapse is the per-pixel median image: the constant that L1 likes best.
    run_dir, _, events = small_run
    data = load_mnist()
    test = data.test_images[:4000].reshape(4000, -1) / 255.0
    median = np.median(data.train_images[:4000].reshape(4000, -1) / 255.0, axis=0)
    collapse_l1 = np.abs(test - median).mean()
    for d in SMALL.latent_dims:
        assert epoch_ends(events, d)[0].test_l1 < 0.95 * collapse_l1, d
        shown = [e for e in events if isinstance(e, Reconstructions) and e.latent == d and e.epoch == 1][0]
        images = decode_images(pictures.load(run_dir, shown).images).reshape(20, -1) / 255.0
        assert images.std(axis=0).mean() > 0.08, "reconstructions differ from digit to digit"


def test_larger_latents_reach_lower_l1_on_the_same_budget(small_run):
    _, summary, _ = small_run
    l1 = {d: summary["models"][str(d)]["test_l1"] for d in SMALL.latent_dims}
    assert l1[256] < l1[16] < l1[2]


def test_summary_and_events_carry_every_score(small_run):
    run_dir, summary, events = small_run
    for d in SMALL.latent_dims:
        m = summary["models"][str(d)]
        assert set(m) >= {"test_l1", "purity", "nmi", "ari", "acc", "judge_acc"}
        assert 0.1 < m["acc"] <= m["purity"] <= 1
        assert checkpoint_path(run_dir, d).exists()
    assert summary["raw_pixels"]["acc"] > 0.4
    assert isinstance(events[-1], Done)
    assert read_events(run_dir) == events, "the log holds exactly what the callback saw"
    logged = [e for e in events if isinstance(e, LatentSnapshot) and e.latent == 2][0]
    assert logged.xy == [] and logged.file == "pictures/latent-2/epoch-000001-codes.npz", "the codes are not in the log"
    snap = pictures.load(run_dir, logged)
    assert snap.projection == "latent" and len(snap.xy) == len(snap.labels) == 2000
    assert [e for e in events if isinstance(e, LatentSnapshot) and e.latent == 16][0].projection == "pca"


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_two_cpu_runs_with_the_same_seed_give_identical_losses(runs_root, precision):
    a, b = [], []
    config = replace(TINY, precision=precision)
    run_training(runs_root / f"seed-a-{precision}", config, callback=a.append)
    run_training(runs_root / f"seed-b-{precision}", config, callback=b.append)
    losses = [[e.loss for e in run if isinstance(e, StepLoss)] for run in (a, b)]
    assert losses[0] == losses[1] and len(losses[0]) == 16
    other = []
    run_training(runs_root / f"seed-c-{precision}", replace(config, seed=1), callback=other.append)
    assert [e.loss for e in other if isinstance(e, StepLoss)] != losses[0]


def test_cancel_stops_within_a_batch_and_keeps_the_run_resumable(runs_root):
    cancel = threading.Event()
    seen = []

    def on_event(e):
        seen.append(e)
        if isinstance(e, StepLoss) and e.epoch == 2:
            cancel.set()

    config = replace(TINY, epochs=3)
    assert run_training(runs_root / "cancel", config, callback=on_event, cancel=cancel) is None
    stops = [e for e in seen if isinstance(e, Stopped)]
    assert len(stops) == 1 and "epoch 2" in stops[0].reason
    steps_in_2 = [e for e in seen if isinstance(e, StepLoss) and e.epoch == 2]
    assert len(steps_in_2) == 1, "no batch ran after the cancel"
    assert load_checkpoint(checkpoint_path(runs_root / "cancel", 2), "autoencoder").counters["epoch"] == 1
    assert not (runs_root / "cancel" / "lock").exists()
    summary = run_training(runs_root / "cancel", config, resume=True)
    assert summary["models"]["2"]["epochs"] == 3


def test_a_non_finite_loss_stops_the_run_with_a_message(runs_root, monkeypatch):
    import bumptui.engine.autoencoder.training as training

    real = training.l1_loss
    calls = []

    def poisoned(r, x):
        calls.append(1)
        loss = real(r, x)
        return loss * float("nan") if len(calls) >= 3 else loss

    monkeypatch.setattr(training, "l1_loss", poisoned)
    seen = []
    assert run_training(runs_root / "nan", replace(TINY, epochs=2), callback=seen.append) is None
    failed = [e for e in seen if isinstance(e, Failed)]
    assert len(failed) == 1 and "NaN" in failed[0].message and "latent-2" in failed[0].message


def test_codes_that_blow_up_while_the_loss_stays_finite_end_the_run_before_any_score(runs_root, monkeypatch):
    # Weights blown up can leave the clamped reconstructions' loss finite while the codes are inf: the
    # run must fail there, not in k-means (a NaN traceback) or with a picture of infinities.
    import bumptui.engine.autoencoder.jobs.train.run as train_run

    make = train_run.make_autoencoder

    def blowing_up(arch, latent):
        model = make(arch, latent)
        encode = model.encode
        model.encode = lambda x: encode(x) * (float("inf") if not model.training else 1.0)
        return model

    monkeypatch.setattr(train_run, "make_autoencoder", blowing_up)
    seen = []
    assert run_training(runs_root / "inf", replace(TINY, epochs=2), callback=seen.append) is None
    failed = [e for e in seen if isinstance(e, Failed)]
    assert [f.message for f in failed] == [
        "The latent-2 model's numbers became infinite or NaN (its codes of the test digits, epoch 1); lower the "
        "learning rate and start a new run."]
    assert not [e for e in seen if isinstance(e, (EpochEnd, LatentSnapshot)) and e.latent == 2], "nothing scored"
    assert not checkpoint_path(runs_root / "inf", 2).exists(), "no checkpoint of blown-up weights"


def test_every_architecture_a_config_accepts_can_be_built():
    from bumptui.engine.autoencoder.models import AUTOENCODERS
    from bumptui.engine.autoencoder.jobs.train.config import ARCHITECTURES

    assert set(AUTOENCODERS) == set(ARCHITECTURES)


def test_the_conv_variant_encodes_and_decodes_to_the_image_shape():
    model = make_autoencoder("conv", 16)
    x = torch.rand(3, 784)
    assert model.encode(x).shape == (3, 16)
    assert model(x).shape == (3, 784)


def test_a_gpu_is_named_by_its_index_and_a_missing_one_is_one_sentence(monkeypatch):
    import bumptui.engine.autoencoder.jobs.train.config as config
    from bumptui.engine.autoencoder.jobs.train.config import TrainingError

    monkeypatch.setattr(config, "cuda_count", lambda: 2)
    assert TrainConfig(device="cuda:1").validated().device == "cuda:1"
    with pytest.raises(TrainingError, match=r"There is no GPU 2 here: this machine has 2 \(cuda:0 to cuda:1\)"):
        TrainConfig(device="cuda:2").validated()
    with pytest.raises(TrainingError, match="must be auto, cpu, cuda or cuda:N"):
        TrainConfig(device="cuda:x").validated()
    monkeypatch.setattr(config, "cuda_count", lambda: 0)
    with pytest.raises(TrainingError, match="no GPU is available here"):
        TrainConfig(device="cuda:0").validated()


def test_bf16_autocast_learns_as_fp32_does_and_records_what_it_used(runs_root):
    base = replace(TINY, latent_dims=(16,), epochs=2, subset=2000)
    fp32 = run_training(runs_root / "precision-fp32", replace(base, precision="fp32"))
    bf16 = run_training(runs_root / "precision-bf16", replace(base, precision="bf16"))
    a, b = fp32["models"]["16"]["test_l1"], bf16["models"]["16"]["test_l1"]
    assert abs(a - b) / a < 0.03, (a, b)
    started = [e for e in read_events(runs_root / "precision-bf16") if isinstance(e, RunStarted)][0]
    assert started.config["precision"] == "bf16"


def test_auto_precision_is_resolved_before_it_is_recorded(runs_root):
    import json

    from bumptui.engine.autoencoder.settings import bf16_native

    run_training(runs_root / "precision-auto", replace(TINY, precision="auto"))
    stored = json.loads((runs_root / "precision-auto" / "config.json").read_text())["precision"]
    assert stored == ("bf16" if bf16_native(torch.device("cpu")) else "fp32")


def stop_in_epoch_2(run_dir, config) -> None:
    """Train run_dir with config and stop it during its second epoch (its first checkpoint kept)."""
    cancel = threading.Event()

    def stop(event):
        if isinstance(event, StepLoss) and event.epoch == 2:
            cancel.set()

    assert run_training(run_dir, config, callback=stop, cancel=cancel) is None


def test_a_stopped_bf16_run_resumes_to_the_losses_of_an_uninterrupted_one(runs_root):
    config = replace(TINY, latent_dims=(2,), epochs=2, precision="bf16")
    whole = run_training(runs_root / "bf16-whole", config)
    stop_in_epoch_2(runs_root / "bf16-stopped", config)
    resumed = run_training(runs_root / "bf16-stopped", config, resume=True)
    assert resumed["models"]["2"]["test_l1"] == whole["models"]["2"]["test_l1"]


def test_a_run_stopped_on_a_gpu_resumes_on_the_cpu_to_the_losses_of_an_uninterrupted_one(runs_root):
    # On CUDA the trainer's Adam is capturable (its steps are replayed as CUDA graphs) and the
    # checkpoint says so; a run copied to a machine without a GPU must go on from it all the same.
    config = replace(TINY, latent_dims=(2,), epochs=2)
    whole = run_training(runs_root / "gpu-whole", config)
    stop_in_epoch_2(runs_root / "gpu-stopped", config)
    as_saved_on_a_gpu(checkpoint_path(runs_root / "gpu-stopped", 2))
    resumed = run_training(runs_root / "gpu-stopped", config, resume=True)
    assert resumed["models"]["2"]["test_l1"] == whole["models"]["2"]["test_l1"]


def test_the_lab_s_adam_is_fused_on_the_cpu_and_leaves_pytorch_s_foreach_default_on_a_gpu():
    # An explicit fused=False would make PyTorch loop over each tensor: half the speed on an H200
    # (BENCHMARKS). Options are checked without a GPU: they depend on the device's kind only.
    on_cpu = adam(torch.nn.Linear(3, 2), 1e-3)
    assert on_cpu.param_groups[0]["fused"] is True and on_cpu.param_groups[0]["capturable"] is False
    for graphs in (False, True):
        options = adam_options("cuda", graphs)
        assert options["fused"] is None and options["capturable"] is graphs
        group = torch.optim.Adam(torch.nn.Linear(3, 2).parameters(), **options).param_groups[0]
        assert group["foreach"] is None and group["fused"] is None  # PyTorch then picks foreach on CUDA
