"""The default recipe (dec at its rate) against the lab's first (mlp at 1e-3) on a subset, the
same epochs, several seeds: how far apart their latent-16 codes cluster, for the margin of
tests/engine/test_recipes.py (issue 25). Each seed trains both through the trainer (run_training),
then clusters the codes of the first --test test digits with UMAP+GMM as the cluster job does.

    .venv/bin/python bench/recipe_subset.py --subset 15000 --test 3000 --seeds 0 1 2 3 4

Prints one JSON line per seed: per recipe, the accuracy, the test L1 and the training seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bumptui.engine.autoencoder.clustering.methods import cluster_labels  # noqa: E402
from bumptui.engine.autoencoder.clustering.scores import agreement  # noqa: E402
from bumptui.engine.autoencoder.jobs.cluster.config import ClusterConfig  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.kind import trained_model  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.run import run_training  # noqa: E402
from bumptui.engine.autoencoder.mnist import load_mnist  # noqa: E402
from bumptui.engine.autoencoder.training import encode_and_score  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--subset", type=int, default=15000)
    p.add_argument("--test", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--epochs", type=int, default=TrainConfig().epochs)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument("--archs", nargs=2, default=["dec", "mlp"])
    args = p.parse_args()
    data = load_mnist()
    test_x = torch.tensor(data.test_images[:args.test].reshape(args.test, -1))
    labels = data.test_labels[:args.test]
    root = Path(tempfile.mkdtemp(prefix="recipe-subset-"))
    try:
        for seed in args.seeds:
            row = {"subset": args.subset, "test": args.test, "batch_size": args.batch_size, "epochs": args.epochs,
                   "seed": seed}
            for arch in args.archs:
                run_dir = root / f"{arch}-{seed}"
                config = TrainConfig(latent_dims=(16,), epochs=args.epochs, subset=args.subset,
                                     batch_size=args.batch_size, seed=seed, arch=arch, eval_every=99, judge_epochs=1)
                started = time.perf_counter()
                run_training(run_dir, config)
                trained = time.perf_counter() - started
                l1, codes, _ = encode_and_score(trained_model(run_dir, config, 16)[1], test_x)
                acc = agreement(labels, cluster_labels("umap", codes, seed, ClusterConfig())).acc
                row[arch] = {"acc": round(acc, 4), "test_l1": round(l1, 4), "train_s": round(trained, 1)}
            print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
