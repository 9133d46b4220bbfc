"""A small sweep of the adversarial weight lambda for both sharpening strategies. (A study.)

Starts from the newest checkpoint of each chosen model in RUN_DIR (plain L1 training, "(a)"),
trains dis_net once on clear vs blurred training digits, then for each lambda and strategy
sharpens a copy of the model for --epochs epochs and scores (a) and every copy on the same
10,000 test digits: test L1, dis_net's clear score, Sobel sharpness relative to the originals,
and the judge's accuracy. Findings go to RESULTS.md.

    python bench/sharpen_sweep.py runs/<name> [--latent 16 256] [--lambdas 0.01 0.03 0.1] [--epochs 1]
"""

from __future__ import annotations

import argparse
import copy
import sys
import threading
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bumptui.engine.autoencoder.sharpening.dis_net import dis_accuracy, train_dis_net  # noqa: E402
from bumptui.engine.autoencoder.jobs.judge_cache import ensure_judge, judge_path  # noqa: E402
from bumptui.engine.autoencoder.models import adam, make_autoencoder  # noqa: E402
from bumptui.engine.autoencoder.sharpening import DCGAN_BETAS  # noqa: E402
from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig  # noqa: E402
from bumptui.engine.autoencoder.data import DeviceData  # noqa: E402
from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path  # noqa: E402
from bumptui.engine.autoencoder.runs.rundir import read_config  # noqa: E402
from bumptui.engine.autoencoder.sharpening.strategies import Pair, compare, sharpen_epoch  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir")
    parser.add_argument("--latent", type=int, nargs="+", default=[16, 256])
    parser.add_argument("--lambdas", type=float, nargs="+", default=[0.01, 0.03, 0.1])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--dis-epochs", type=int, default=1)
    parser.add_argument("--strategies", type=int, nargs="+", default=[1, 2],
                        help="0 is the control: L1 alone, once per latent whatever the lambdas")
    args = parser.parse_args()
    run_dir = Path(args.run_dir)
    config = TrainConfig.from_dict(read_config(run_dir))
    device = config.torch_device()
    data = DeviceData.load(device, config.subset)
    judge, judge_acc, _ = ensure_judge(judge_path(config.subset), data, device, config.judge_epochs,
                                       config.seed, threading.Event())
    start = time.perf_counter()
    dis = train_dis_net(data.train_x, epochs=args.dis_epochs)
    print(f"dis_net: {dis_accuracy(dis, data.test_x.float().div(255)):.3f} accuracy on held-out clear vs blurred "
          f"({time.perf_counter() - start:.0f} s); judge {judge_acc:.4f} on real digits")
    print(f"{'model':>22} {'test L1':>8} {'clear':>6} {'sharp':>6} {'judge':>6}")
    for d in args.latent:
        plain = make_autoencoder(config.arch, d).to(device)
        plain.load_state_dict(load_checkpoint(checkpoint_path(run_dir, d), "autoencoder").models["autoencoder"])
        models = {f"latent {d} (a)": plain}
        for lam in args.lambdas:
            for strategy in args.strategies:
                if strategy == 0 and lam != args.lambdas[0]:
                    continue
                model = copy.deepcopy(plain)
                d_net = copy.deepcopy(dis)
                g_opt = adam(model, config.lr)
                d_opt = adam(d_net, 2e-4, DCGAN_BETAS)
                gen = torch.Generator().manual_seed(config.seed)
                for _ in range(args.epochs):
                    sharpen_epoch(Pair(strategy, model, g_opt, d_net, d_opt, gen), data.train_x, config.batch_size,
                                  SharpenConfig(lam=lam), threading.Event(), lambda *a: None)
                models[f"latent {d} s0 (L1 only)" if strategy == 0 else f"latent {d} s{strategy} l={lam:g}"] = model
        for name, c in compare(models, data.test_x, data.test_y, dis, judge).items():
            print(f"{name:>22} {c.test_l1:8.4f} {c.clear_score:6.3f} {c.sharpness:6.3f} {c.judge_acc:6.4f}", flush=True)


if __name__ == "__main__":
    main()
