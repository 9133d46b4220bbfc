import pytest


@pytest.fixture(scope="session")
def runs_root(tmp_path_factory):
    """One folder for every training run of the session, so that each subset's judge is trained
    once and then read from its cache beside the runs, as it is for a user."""
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def sharpen_base(runs_root):
    """A tiny trained run (latent 16, 400 images, one epoch) for sharpening tests to copy."""
    from engine.autoencoder.training import TrainConfig, run_training

    run_dir = runs_root / "sharpen-base"
    run_training(run_dir, TrainConfig(latent_dims=(16,), epochs=1, batch_size=64, subset=400, eval_every=9,
                                      judge_epochs=1))
    return run_dir


@pytest.fixture
def sharpen_copy(sharpen_base, request):
    """A fresh copy of the tiny trained run beside it (so the judge's cache is shared)."""
    import shutil

    target = sharpen_base.parent / f"sharpen-{request.node.name.replace('[', '-').rstrip(']')}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(sharpen_base, target)
    return target
