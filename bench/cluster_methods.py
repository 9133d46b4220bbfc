"""How long each clustering method takes on 10,000 codes, first (numba compiling UMAP into an empty
cache) and warm, side by side in one run.

Codes: the newest latent-16 checkpoint of RUN_DIR encoding the 10,000 test digits, or, without a
run, the first 16 principal components of the test pixels (the same shape). Each UMAP measure is a
whole new process, so "first" includes numba's compile into an empty cache, "cached" a new process
whose compiled functions come from the cache (what a user pays each session after the first), and
"warm" a second UMAP in that same process. IDEC: one epoch on the 60,000 training images.
Prints each time and, last, `ratio <cached UMAP seconds / 15 s target>` (target <= 1): warm means
what a user pays in every session after the first.

    python bench/cluster_methods.py [RUN_DIR]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 15.0

CHILD = """
import json, sys, time
t = time.perf_counter()
sys.path.insert(0, {root!r})
import numpy as np
from bumptui.engine.autoencoder.clustering.manifold import umap_embedding
codes = np.load({codes!r})
first = time.perf_counter()
umap_embedding(codes, 0)
second = time.perf_counter()
umap_embedding(codes, 1)
print(json.dumps({{"process_s": second - t, "fit_s": second - first, "warm_s": time.perf_counter() - second}}))
"""


def codes_of(run_dir: Path | None):
    import numpy as np
    import torch

    from bumptui.engine.autoencoder.clustering.manifold import pca
    from bumptui.engine.autoencoder.data import DeviceData
    from bumptui.engine.autoencoder.models import as_float, make_autoencoder
    from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint
    from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path, read_train_config
    from bumptui.engine.autoencoder.training import encode_and_score

    data = DeviceData.load(torch.device("cpu"), None)
    if run_dir is None:
        return pca(as_float(data.test_x).numpy(), 16), data, None
    train = read_train_config(run_dir)
    model = make_autoencoder(train.arch, 16)
    model.load_state_dict(load_checkpoint(checkpoint_path(run_dir, 16), "autoencoder").models["autoencoder"])
    return np.asarray(encode_and_score(model, data.test_x)[1]), data, model


def umap_process(codes_file: str, cache: str) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), codes=codes_file)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import numpy as np
    import torch

    from bumptui.engine.autoencoder.jobs.cluster.config import ClusterConfig
    from bumptui.engine.autoencoder.clustering.idec import Idec, idec_epoch
    from bumptui.engine.autoencoder.clustering.kmeans import kmeans
    from bumptui.engine.autoencoder.clustering.manifold import cluster_embedding
    from bumptui.engine.autoencoder.models import adam, make_autoencoder

    run_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    codes, data, model = codes_of(run_dir)
    print(f"codes: {codes.shape[0]:,} x {codes.shape[1]} ({'latent-16 of ' + str(run_dir) if run_dir else 'PCA-16 of the test pixels'}), "
          f"{torch.get_num_threads()} torch threads, {os.cpu_count()} cores")
    start = time.perf_counter()
    kmeans(codes, 0)
    print(f"kmeans_s {time.perf_counter() - start:.2f}   (k = 10, 4 restarts)")
    with tempfile.TemporaryDirectory() as tmp:
        codes_file = str(Path(tmp) / "codes.npy")
        np.save(codes_file, codes)
        cache = str(Path(tmp) / "numba")
        first = umap_process(codes_file, cache)
        cached = umap_process(codes_file, cache)
    print(f"umap_first_s {first['fit_s']:.1f}   (a new process, numba compiling into an empty cache; "
          f"whole process {first['process_s']:.1f} s)")
    print(f"umap_cached_s {cached['fit_s']:.1f}   (a new process, compiled functions from the cache; "
          f"whole process {cached['process_s']:.1f} s)")
    print(f"umap_warm_s {cached['warm_s']:.1f}   (a second UMAP in that process)")
    from bumptui.engine.autoencoder.clustering.manifold import umap_embedding

    embedding = umap_embedding(codes, 0)
    for clusterer in ("gmm", "kmeans"):
        start = time.perf_counter()
        cluster_embedding(embedding, clusterer, 0)
        print(f"{clusterer}_on_umap_s {time.perf_counter() - start:.2f}")
    config = ClusterConfig()
    net = Idec(model if model is not None else make_autoencoder("mlp", 16), torch.as_tensor(
        kmeans(codes, 0).cluster_centers_, dtype=torch.float32))
    optimizer = adam(net, config.lr)
    state = {"step": 0, "changed": None}
    start = time.perf_counter()
    idec_epoch(net, optimizer, data.train_x, state, 256, config.gamma, config.update_interval,
               torch.Generator().manual_seed(0), None, lambda *a: None)
    print(f"idec_epoch_s {time.perf_counter() - start:.1f}   (60,000 training images, batch 256, fp32, target "
          f"refreshed every {config.update_interval} batches)")
    print(f"ratio {cached['fit_s'] / TARGET_S:.2f}   (UMAP in a new process with numba's cache filled, "
          f"/ {TARGET_S:g} s target; <= 1 meets it)")


if __name__ == "__main__":
    main()
