"""The judge, trained once and kept in the user's cache folder ($XDG_CACHE_HOME/bumptui/judge.pt,
~/.cache when that is not set): what training and sharpening score reconstructions with, the same
for every run on the machine. A judge trained on a subset is kept apart (judge-subset<N>.pt)."""

from __future__ import annotations

import threading
from pathlib import Path

from bumptui.engine.autoencoder.judge import judge_predictions, train_judge
from bumptui.engine.autoencoder.models import DigitJudge, as_float
from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from bumptui.engine.folders import cache_dir


def judge_path(subset: int | None) -> Path:
    """One judge for full MNIST, one per subset size."""
    return cache_dir() / ("judge.pt" if subset is None else f"judge-subset{subset}.pt")


def ensure_judge(path: Path, data, device, epochs: int, seed: int, cancel: threading.Event):
    """(judge, its accuracy on the real test digits, whether it came from the cache).
    The judge is None when `cancel` was set while training it."""
    judge = DigitJudge().to(device)
    if path.exists():
        try:
            cached = load_checkpoint(path, "judge")
            judge.load_state_dict(cached.models["judge"])
            return judge, float(cached.scores["test_acc"]), True
        except Exception:  # a damaged cache is only a cache: train a new one over it
            pass
    judge = train_judge(data, device, epochs, seed, cancel)
    if judge is None:
        return None, 0.0, False
    test_x = as_float(data.test_x)
    acc = float((judge_predictions(judge, test_x) == data.test_y).mean())
    path.parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint(Checkpoint("judge", {"judge": judge.state_dict()}, counters={"epoch": epochs},
                               scores={"test_acc": acc}), path)
    return judge, acc, False
