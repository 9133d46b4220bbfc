"""A sharpening run end to end on a tiny run: what it records, that it is fair, seeded, resumable and safe."""

import shutil
import threading

import numpy as np
import pytest
import torch

from bumptui.engine.autoencoder.jobs.sharpen.events import DisReady, SharpenScores, SharpenStep

from bumptui.engine.autoencoder.runs.events import Done, Stopped
from bumptui.engine.autoencoder.runs import pictures
from bumptui.engine.autoencoder.runs.log import read_events
from bumptui.engine.autoencoder.runs.log import RunError
from bumptui.engine.autoencoder.runs.lock import RunLock
from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path
from bumptui.engine.autoencoder.jobs.sharpen.kind import pair_path, scorer_path
from bumptui.engine.autoencoder.jobs.sharpen.kind import SHARPEN as SHARPEN_KIND
from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord, meets_target
from bumptui.engine.autoencoder.sharpening.comparison import PairKey
from bumptui.engine.autoencoder.jobs.sharpen.run import run_sharpen
from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig
from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenError
from tests.conftest import as_saved_on_a_gpu

SHARPEN = SharpenConfig(epochs=2, dis_epochs=6, lam=0.05)


def scores(events, model=None):
    return [e for e in events if isinstance(e, SharpenScores) and (model is None or e.model == model)]


@pytest.fixture(scope="module")
def sharpened(sharpen_base):
    """SHARPEN run straight through on a copy of the tiny run: (its directory, every event it reported,
    the bytes of (a)'s checkpoint before)."""
    run_dir = sharpen_base.parent / "sharpen-straight"
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(sharpen_base, run_dir)
    plain_bytes = checkpoint_path(run_dir, 16).read_bytes()
    seen = []
    summary = run_sharpen(run_dir, SHARPEN, callback=seen.append)
    assert summary is not None
    return run_dir, seen, plain_bytes


def test_a_sharpening_scores_plain_and_both_strategies_on_the_same_digits(sharpened):
    sharpen_copy, seen, plain_bytes = sharpened
    assert isinstance(seen[-1], Done)
    assert read_events(SHARPEN_KIND.folder(sharpen_copy)) == seen, "everything it reported is in the run's sharpen log"
    assert [(e.model, e.epoch) for e in scores(seen)] == [("a", 0), ("s0", 1), ("s1", 1), ("s2", 1),
                                                  ("s0", 2), ("s1", 2), ("s2", 2)]
    folder = SHARPEN_KIND.folder(sharpen_copy)
    first = pictures.load(folder, scores(seen)[0])
    for e in scores(seen):
        assert e.file and e.images == "", "the digits are in a picture file, not in the log"
        assert e.labels == first.labels and np.array_equal(pictures.load(folder, e).originals, first.originals), \
            "the same test digits for every model"
        assert 0 <= e.clear_score <= 1 and 0 < e.sharpness and 0 <= e.judge_acc <= 1 and e.test_l1 > 0
    dis = [e for e in seen if isinstance(e, DisReady)][0]
    assert dis.held_out_acc > 0.8, "the scorer tells blurred from clear well above chance"
    steps = [e for e in seen if isinstance(e, SharpenStep)]
    assert {(e.strategy, e.epoch) for e in steps} == {(s, e) for s in (0, 1, 2) for e in (1, 2)}
    assert all(0 <= e.d_acc <= 1 and e.d_loss >= 0 and e.g_adv >= 0 for e in steps if e.strategy)
    assert all(e.d_loss is None and e.d_acc is None for e in steps if e.strategy == 0), "the control trains no D"
    assert checkpoint_path(sharpen_copy, 16).read_bytes() == plain_bytes, "model (a) is never overwritten"
    assert all(pair_path(sharpen_copy, PairKey(s, 16)).exists() for s in (1, 2)) and scorer_path(sharpen_copy).exists()
    # The adversarial loss moved the sharpened models away from (a) in sharpness.
    a = scores(seen, "a")[0]
    assert all(abs(e.sharpness - a.sharpness) > 1e-3 for e in scores(seen) if e.model != "a")
    # The control is G trained on with L1 alone: the adversarial term is what sets the strategies apart.
    last = {e.model: pictures.load(folder, e).images for e in scores(seen) if e.epoch == 2}
    assert not np.array_equal(last["s1"], last["s0"]) and not np.array_equal(last["s2"], last["s0"])

    record = SharpenRecord.read(sharpen_copy)
    table = record.summary()["models"]["16"]
    assert set(table) == {"a", "s0", "s1", "s2"} and table["a"]["epochs"] == 1 and table["s1"]["epochs"] == 2
    assert [h["epoch"] for h in table["s1"]["history"]] == [1, 2]
    for key in ("s0", "s1", "s2"):
        latest = record.latest(16, key)
        assert table[key]["meets_target"] == meets_target(a, latest)
        assert table[key]["meets_target"] == (abs(latest.sharpness - 1) < abs(a.sharpness - 1)
                                               and latest.judge_acc >= a.judge_acc - 0.01)


def test_a_stopped_sharpening_resumes_to_the_same_numbers_as_an_uninterrupted_one(sharpen_copy, sharpened):
    straight = sharpened[0]
    cancel = threading.Event()

    def stop_after_first_epoch(event):
        if isinstance(event, SharpenScores) and event.model == "s2" and event.epoch == 1:
            cancel.set()

    assert run_sharpen(sharpen_copy, SHARPEN, callback=stop_after_first_epoch, cancel=cancel) is None
    assert isinstance(read_events(SHARPEN_KIND.folder(sharpen_copy))[-1], Stopped)
    with pytest.raises(RunError, match="already sharpened"):
        run_sharpen(sharpen_copy, SHARPEN)
    resumed = []
    run_sharpen(sharpen_copy, None, resume=True, callback=resumed.append)
    assert resumed[0].resumed_epochs == {"s0-16": 1, "s1-16": 1, "s2-16": 1}
    mine = {(e.model, e.epoch): e for e in scores(read_events(SHARPEN_KIND.folder(sharpen_copy)))}
    theirs = {(e.model, e.epoch): e for e in scores(read_events(SHARPEN_KIND.folder(straight)))}
    for key in (("s0", 2), ("s1", 2), ("s2", 2)):
        assert mine[key].sharpness == theirs[key].sharpness and mine[key].test_l1 == theirs[key].test_l1, key
        assert np.array_equal(pictures.load(SHARPEN_KIND.folder(sharpen_copy), mine[key]).images,
                              pictures.load(SHARPEN_KIND.folder(straight), theirs[key]).images)


def test_a_run_trained_on_a_gpu_sharpens_on_the_cpu_to_the_same_numbers(sharpen_copy, sharpened):
    # (a)'s Adam state is G's start; a training on CUDA saved it capturable, which the CPU's Adam refuses.
    as_saved_on_a_gpu(checkpoint_path(sharpen_copy, 16))
    run_sharpen(sharpen_copy, SHARPEN)
    mine = {(e.model, e.epoch): e for e in scores(read_events(SHARPEN_KIND.folder(sharpen_copy)))}
    theirs = {(e.model, e.epoch): e for e in scores(read_events(SHARPEN_KIND.folder(sharpened[0])))}
    assert mine.keys() == theirs.keys()
    assert all(mine[k].sharpness == theirs[k].sharpness and mine[k].test_l1 == theirs[k].test_l1 for k in mine)


def test_sharpening_refuses_a_run_in_use_a_missing_model_and_bad_settings(sharpen_copy, runs_root):
    lock = RunLock(sharpen_copy).acquire()  # this process, alive: the run is in use
    try:
        with pytest.raises(RunError, match="in use by process"):
            run_sharpen(sharpen_copy, SHARPEN)
    finally:
        lock.release()
    with pytest.raises(SharpenError, match="no latent-2 model"):
        run_sharpen(sharpen_copy, SharpenConfig(latent_dims=(2,)))
    checkpoint_path(sharpen_copy, 16).unlink()
    with pytest.raises(RunError, match="no trained latent-16 model"):
        run_sharpen(sharpen_copy, SHARPEN)
    with pytest.raises(RunError, match="no sharpening to resume"):
        run_sharpen(sharpen_copy, None, resume=True)
    with pytest.raises(RunError, match="no run directory"):
        run_sharpen(runs_root / "nowhere", SHARPEN)
    assert not SHARPEN_KIND.folder(sharpen_copy).exists(), "a refused request writes nothing"


@pytest.mark.parametrize("bad, message", [
    (dict(lam=-1.0), "lambda"), (dict(blur_kernel=4), "odd"), (dict(blur_sigma=(2.0, 1.0)), "sigma"),
    (dict(d_lr=0.0), "d lr"), (dict(strategies=(3,)), "strategy"), (dict(init="warm"), "plain or scratch"),
    (dict(d_steps=0), "d steps"),
])
def test_bad_sharpen_settings_get_one_sentence(bad, message):
    with pytest.raises(SharpenError, match=message):
        SharpenConfig(**bad).validated()


def test_from_scratch_starts_each_strategy_at_the_plain_runs_initial_weights_not_its_trained_ones():
    import torch

    from bumptui.engine.autoencoder.sharpening.dis_net import DisNet
    from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint
    from bumptui.engine.autoencoder.jobs.sharpen.run import SharpenedModel
    from bumptui.engine.autoencoder.jobs.train.run import Model

    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig

    train = TrainConfig(latent_dims=(16,), seed=3)
    plain = Model(16, train, torch.device("cpu"))
    initial = {k: v.clone() for k, v in plain.net.state_dict().items()}
    trained = {k: v + 1 for k, v in initial.items()}  # stands in for (a)'s trained weights
    x = torch.rand(8, 784)
    plain.net(x).abs().mean().backward()
    plain.optimizer.step()  # Adam moments to carry on from
    checkpoint = Checkpoint("autoencoder", {"autoencoder": trained}, {"autoencoder": plain.optimizer.state_dict()})
    for init, expected in (("scratch", initial), ("plain", trained)):
        pair = SharpenedModel(1, 16, train, SharpenConfig(init=init, lr=5e-4), checkpoint, DisNet(), torch.device("cpu"))
        assert all(torch.equal(pair.model.state_dict()[k], expected[k]) for k in expected), init
        assert pair.g_opt.param_groups[0]["lr"] == 5e-4
        assert bool(pair.g_opt.state) == (init == "plain"), "plain carries on (a)'s Adam moments; scratch starts afresh"


def test_a_damaged_strategy_checkpoint_is_named_in_one_sentence_on_resume(sharpen_copy):
    cancel = threading.Event()
    run_sharpen(sharpen_copy, SHARPEN, cancel=cancel,
                callback=lambda e: cancel.set() if isinstance(e, SharpenScores) and e.model == "s2" else None)
    path = pair_path(sharpen_copy, PairKey(1, 16))
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(RunError, match=f"{path.name} is damaged"):
        run_sharpen(sharpen_copy, None, resume=True)
    assert not RunLock(sharpen_copy).path.exists(), "the refusal leaves the run unlocked"


def test_sharpening_records_the_precision_it_ran_in_and_bf16_learns_as_fp32(sharpen_base):
    from bumptui.engine.autoencoder.settings import bf16_native
    from bumptui.engine.autoencoder.runs.rundir import read_config

    recorded, final = {}, {}
    for precision in ("fp32", "bf16", "auto"):
        run_dir = sharpen_base.parent / f"sharpen-precision-{precision}"
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.copytree(sharpen_base, run_dir)
        summary = run_sharpen(run_dir, SharpenConfig(epochs=1, dis_epochs=2, strategies=(2,), lam=0.05,
                                                     precision=precision))
        assert summary is not None
        recorded[precision] = read_config(SHARPEN_KIND.folder(run_dir))["precision"]
        final[precision] = scores(read_events(SHARPEN_KIND.folder(run_dir)), "s2")[-1].test_l1
    native = "bf16" if bf16_native(torch.device("cpu")) else "fp32"
    assert recorded == {"fp32": "fp32", "bf16": "bf16", "auto": native}, "auto is recorded as what it resolved to"
    assert final["auto"] == final[native], "auto runs exactly what it resolved to"
    assert final["bf16"] == pytest.approx(final["fp32"], rel=0.05)
