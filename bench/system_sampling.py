"""What sampling the box costs a training run: the batch loop's throughput with the sampler off, at
its default rate (every 5 s) and at 50 times that rate (every 0.1 s), side by side in one sitting.

    python bench/system_sampling.py [--repeats 3] [--subset 60000] [--epochs 2]

Each mode trains the same run (latent 16, the whole training set by default) through the same
runner a user's `bumptui train` uses, the modes interleaved, and reads the trainer's own images/s
of every epoch from its EpochEnd events. It also times one sample (`Sampler.take`) on its own:
its cost over the interval is the share of one core the thread takes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bumptui.engine.autoencoder.jobs import runner  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.run import run_training  # noqa: E402
from bumptui.engine.autoencoder.runs import system  # noqa: E402


class Off:
    """The sampler, not sampling."""

    def __init__(self, emit) -> None:
        pass

    def start(self):
        return self

    def stop(self) -> None:
        pass


def train(mode: str, run_dir: Path, args) -> list[float]:
    real = runner.Sampler
    runner.Sampler = Off if mode == "off" else real
    system.SAMPLE_EVERY_S = {"off": 5.0, "every 5 s": 5.0, "every 0.1 s": 0.1}[mode]
    paces = []
    try:
        run_training(run_dir, TrainConfig(latent_dims=(16,), epochs=args.epochs, subset=args.subset, eval_every=1000,
                                          device="cpu", precision="fp32"),
                     callback=lambda e: paces.append(e.images_per_s) if type(e).__name__ == "EpochEnd" else None)
    finally:
        runner.Sampler = real
    return paces


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--subset", type=int, default=60000)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    sampler = system.Sampler(lambda e: None)
    sampler.start()
    sampler.stop()
    costs = []
    for _ in range(200):
        t = time.perf_counter()
        sampler.take()
        costs.append(time.perf_counter() - t)
    take = statistics.median(costs)
    print(f"one sample: {take * 1e3:.2f} ms (median of 200) = {take / 5.0:.4%} of one core at every 5 s, "
          f"{take / 0.1:.3%} at every 0.1 s")

    modes = ["off", "every 5 s", "every 0.1 s"]
    paces: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            for m in modes:  # interleaved, so that a slower minute of the machine falls on every mode
                paces[m] += train(m, Path(tmp) / f"{m.replace(' ', '-')}-{r}", args)
    base = statistics.median(paces["off"])
    print(f"training throughput, latent 16, {args.subset} images, {args.epochs} epochs x {args.repeats} runs per mode")
    for m in modes:
        med = statistics.median(paces[m])
        spread = (min(paces[m]), max(paces[m]))
        print(f"  {m:12} median {med:8.0f} img/s (range {spread[0]:.0f}-{spread[1]:.0f}) ratio to off {med / base:.4f}")


if __name__ == "__main__":
    main()
