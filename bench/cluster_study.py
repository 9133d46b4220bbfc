"""What moves k-means accuracy on a trained run's latent codes? (A study, not a speed benchmark.)

Loads the newest checkpoint of each model in RUN_DIR, encodes the 10,000 test digits, and scores
k-means (k = 10) on the codes as they are, standardised per coordinate (`--standardize` in
`bumptui train`), scaled to unit length, and on the first 10 principal components; raw pixels as
the baseline. Findings and commands are recorded in RESULTS.md.

    python bench/cluster_study.py runs/<name>
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bumptui.engine.autoencoder.clustering.kmeans import kmeans_agreement  # noqa: E402
from bumptui.engine.autoencoder.models import make_autoencoder  # noqa: E402
from bumptui.engine.autoencoder.data import DeviceData  # noqa: E402
from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path  # noqa: E402
from bumptui.engine.autoencoder.runs.rundir import read_config  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig  # noqa: E402
from bumptui.engine.autoencoder.training import encode_and_score  # noqa: E402


def variants(codes: np.ndarray) -> dict[str, np.ndarray]:
    centred = codes - codes.mean(axis=0)
    out = {"as is": codes, "standardised": centred / (codes.std(axis=0) + 1e-8),
           "unit length": codes / (np.linalg.norm(codes, axis=1, keepdims=True) + 1e-8)}
    if codes.shape[1] > 10:
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        out["PCA 10"] = centred @ vt[:10].T
    return out


def main() -> None:
    run_dir = Path(sys.argv[1])
    config = TrainConfig.from_dict(read_config(run_dir))
    data = DeviceData.load(torch.device("cpu"), None)
    pixels = data.test_x.float().div(255).numpy()
    print(f"{'features':>22} {'epochs':>6} {'purity':>7} {'NMI':>6} {'ARI':>6} {'acc':>6}")
    for name, feats in {"raw pixels": pixels, "raw pixels, PCA 10": variants(pixels)["PCA 10"]}.items():
        a = kmeans_agreement(feats, data.test_y)
        print(f"{name:>22} {'':>6} {a.purity:7.3f} {a.nmi:6.3f} {a.ari:6.3f} {a.acc:6.3f}")
    for d in config.latent_dims:
        state = load_checkpoint(checkpoint_path(run_dir, d), "autoencoder")
        model = make_autoencoder(config.arch, d)
        model.load_state_dict(state.models["autoencoder"])
        _, codes, _ = encode_and_score(model, data.test_x)
        for name, feats in variants(codes).items():
            a = kmeans_agreement(feats, data.test_y)
            print(f"{f'latent {d}, {name}':>22} {state.counters['epoch']:>6} {a.purity:7.3f} {a.nmi:6.3f} {a.ari:6.3f} {a.acc:6.3f}")


if __name__ == "__main__":
    main()
