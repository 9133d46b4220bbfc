"""What UMAP's settings do to N2D's clusters of a trained run's codes (a study, not a speed
benchmark): from the default (10 components, 20 neighbours, min_dist 0, then a Gaussian mixture),
one setting changed at a time, on the 10,000 test digits of the newest latent-D checkpoint; then
the same recipe on the codes of IDEC's fine-tuned encoder, where `bumptui cluster` has recorded one.
Findings and commands are in RESULTS.md.

    python bench/umap_study.py RUN_DIR [--latent 16] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bumptui.engine.autoencoder.clustering.idec import Idec  # noqa: E402
from bumptui.engine.autoencoder.clustering.manifold import cluster_embedding, umap_embedding  # noqa: E402
from bumptui.engine.autoencoder.clustering.scores import agreement  # noqa: E402
from bumptui.engine.autoencoder.data import DeviceData  # noqa: E402
from bumptui.engine.autoencoder.models import make_autoencoder  # noqa: E402
from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path, read_train_config  # noqa: E402
from bumptui.engine.autoencoder.jobs.cluster.kind import idec_path  # noqa: E402
from bumptui.engine.autoencoder.training import encode_and_score  # noqa: E402

DEFAULT = {"n_components": 10, "n_neighbors": 20, "min_dist": 0.0}
CHANGES = [{}, {"n_neighbors": 5}, {"n_neighbors": 10}, {"n_neighbors": 50}, {"n_components": 2},
           {"n_components": 5}, {"min_dist": 0.1}, {"min_dist": 0.5}]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir")
    parser.add_argument("--latent", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    run_dir = Path(args.run_dir)
    train = read_train_config(run_dir)
    data = DeviceData.load(torch.device("cpu"), train.subset)
    model = make_autoencoder(train.arch, args.latent)
    model.load_state_dict(load_checkpoint(checkpoint_path(run_dir, args.latent), "autoencoder").models["autoencoder"])
    codes = encode_and_score(model, data.test_x)[1]
    print(f"{run_dir}, latent {args.latent}, {len(codes):,} test codes, seed {args.seed}")
    print(f"{'setting':<28} {'clusterer':<9} {'acc':>6} {'NMI':>6} {'ARI':>6} {'s':>6}")
    for change in CHANGES:
        settings = {**DEFAULT, **change}
        start = time.perf_counter()
        embedding = umap_embedding(codes, args.seed, **settings)
        seconds = time.perf_counter() - start
        name = ", ".join(f"{k} {v:g}" for k, v in change.items()) or "default (10, 20, 0)"
        for clusterer in ("gmm", "kmeans"):
            found = agreement(data.test_y, cluster_embedding(embedding, clusterer, args.seed))
            print(f"{name:<28} {clusterer:<9} {found.acc:6.3f} {found.nmi:6.3f} {found.ari:6.3f} {seconds:6.1f}",
                  flush=True)
    path = idec_path(run_dir, args.latent)
    if path.exists():
        checkpoint = load_checkpoint(path, "idec")
        refined = Idec(make_autoencoder(train.arch, args.latent), torch.zeros(10, args.latent))
        refined.load_state_dict(checkpoint.models["idec"])
        idec_codes = encode_and_score(refined.autoencoder, data.test_x)[1]
        own = agreement(data.test_y, refined.assign(data.test_x).argmax(1).numpy())
        embedding = umap_embedding(idec_codes, args.seed, **DEFAULT)
        found = agreement(data.test_y, cluster_embedding(embedding, "gmm", args.seed))
        print(f"IDEC after {checkpoint.counters['epoch']} epochs: its own clusters acc {own.acc:.3f}; "
              f"UMAP+GMM of its codes acc {found.acc:.3f} NMI {found.nmi:.3f} ARI {found.ari:.3f}")


if __name__ == "__main__":
    main()
