"""Fixtures and helpers that tests across folders share: runs, the CLI in a subprocess or in-process, waiting."""

import errno
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """The suite keeps its settings and caches (the judge) in folders of its own, never the user's:
    every test, and every process a test starts, sees them as $XDG_CONFIG_HOME and $XDG_CACHE_HOME.
    numba's compiled code is the exception: it depends on nothing a test does, and compiling it
    again would cost every run of the suite about 30 s."""
    import tempfile

    from bumptui.engine.autoencoder.clustering.manifold import numba_cache_dir

    os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache_dir()))
    home = Path(tempfile.mkdtemp(prefix="bumptui-tests-"))
    os.environ["XDG_CACHE_HOME"], os.environ["XDG_CONFIG_HOME"] = str(home / "cache"), str(home / "config")


async def caught_up(pilot) -> None:
    """Until the app's reader thread has read every log it follows to its end (and listed the runs
    folder, when a pane asked): what a user sees a moment later."""
    import asyncio

    reader = getattr(pilot.app, "reader", None)
    if reader is None or not reader._thread.is_alive():
        return
    reader.wake()
    deadline = time.monotonic() + 30
    while not reader.caught_up() and time.monotonic() < deadline:
        await asyncio.sleep(0.005)


@pytest.fixture(autouse=True)
def reads_caught_up_after_each_key(monkeypatch):
    """The app reads logs in a thread of its own (tui/reader.py); a test looks after each key and each
    pause, as a user does a moment later: once that thread has caught up."""
    from textual.pilot import Pilot

    press, pause = Pilot.press, Pilot.pause

    def reading(app) -> bool:  # only an app whose reader follows a log or lists a folder has news to wait for
        reader = getattr(app, "reader", None)
        return reader is not None and bool(reader.tails or reader._root is not None)

    async def pressed(self, *keys):
        await press(self, *keys)
        if reading(self.app):
            await caught_up(self)
            await pause(self)

    async def paused(self, delay=None):
        await pause(self, delay)
        if reading(self.app):
            await caught_up(self)
            await pause(self)

    monkeypatch.setattr(Pilot, "press", pressed)
    monkeypatch.setattr(Pilot, "pause", paused)


def bumptui(*args, timeout=180):
    """`bumptui ARGS` in a new interpreter, from the checkout, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "bumptui", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def in_process(capsys, *args):
    """The CLI's own main(), for refusals: the same exit code and stderr, without a new interpreter."""
    from bumptui.cli.main import main

    try:
        code = main(list(args))
    except SystemExit as refused:  # argparse's own refusals exit
        code = refused.code
    captured = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err)


def as_in_a_terminal() -> None:
    """For a child the tests will interrupt: ctrl+c's signal acted on, as in a user's terminal, whatever
    the test process itself inherited or set (an ignored or blocked SIGINT is passed on to children)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def one_sentence(result, words):
    """The command refused with exit 2 and one line on stderr that says `words`, no traceback."""
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def failing_fsync_of(suffix: str, code: int = errno.ENOSPC):
    """os.fsync that fails with `code` (a full disk by default) for files whose name ends in `suffix`:
    a write that the disk refuses, without filling a disk."""
    real = os.fsync

    def fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(suffix):
            raise OSError(code, os.strerror(code))
        return real(fd)

    return fsync


def as_saved_on_a_gpu(checkpoint_file: Path) -> None:
    """Rewrite an autoencoder checkpoint the way a training on CUDA saves it: its Adam capturable
    (for the trainer's CUDA graphs), which an Adam on the CPU refuses to step with."""
    from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint, save_checkpoint

    checkpoint = load_checkpoint(checkpoint_file, "autoencoder")
    for group in checkpoint.optimizers["autoencoder"]["param_groups"]:
        group["capturable"] = True
    save_checkpoint(checkpoint, checkpoint_file)


def await_file_unlocked(run_dir: Path, timeout: float = 10.0) -> bool:
    """The run's lock file is gone within `timeout` seconds."""
    return wait_for(lambda: not (run_dir / "lock").exists(), timeout)


@pytest.fixture(scope="session")
def runs_root(tmp_path_factory):
    """One folder for every training run of the session."""
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def sharpen_base(runs_root):
    """A tiny trained run (latent 16, 400 images, one epoch) for sharpening tests to copy: the lab's first
    recipe (mlp), smaller than the default dec and quicker to sharpen and cluster; the code that
    sharpens and clusters is the same for every architecture."""
    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig

    from bumptui.engine.autoencoder.jobs.train.run import run_training

    run_dir = runs_root / "sharpen-base"
    run_training(run_dir, TrainConfig(latent_dims=(16,), epochs=1, batch_size=64, subset=400, eval_every=9,
                                      judge_epochs=1, arch="mlp"))
    return run_dir


@pytest.fixture(scope="session")
def recorded(runs_root):
    """The recorded fixture run (tests/fixtures/runs/tiny-run: its training, sharpening and clustering
    logs) with checkpoints of its two models, trained here."""
    import shutil

    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
    from bumptui.engine.autoencoder.jobs.train.run import run_training

    trained = runs_root / "damage-checkpoints"
    run_training(trained, TrainConfig(latent_dims=(2, 16), epochs=1, batch_size=64, subset=300, judge_epochs=1,
                                      arch="mlp"))  # the fixture's recorded config is an mlp's
    base = runs_root / "damage-base"
    shutil.copytree(ROOT / "tests" / "fixtures" / "runs" / "tiny-run", base)
    shutil.copytree(trained / "checkpoints", base / "checkpoints")
    return base


@pytest.fixture
def sharpen_copy(sharpen_base, request):
    """A fresh copy of the tiny trained run beside it."""
    import shutil

    target = sharpen_base.parent / f"sharpen-{request.node.name.replace('[', '-').rstrip(']')}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(sharpen_base, target)
    return target
