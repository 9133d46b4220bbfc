"""The same study of 4 small trials run one trial at a time (`--parallel 1`, 2 torch threads each on
this 2-core machine) and two at a time (`--parallel 2`, 1 thread each), side by side in one run, and
Ray's own start-up and shut-down cost measured alone.

Prints each wall time and, last, `ratio <parallel 2 / parallel 1>` (target <= 0.7).

    python bench/study_parallel.py [--seeds 4] [--subset 2000] [--epochs 2]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def study(where: Path, parallel: int, args) -> float:
    shutil.rmtree(where, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bumptui", "study", "--seeds", str(args.seeds), "--latent", "2", "16",
                    "--epochs", str(args.epochs), "--subset", str(args.subset), "--cluster-methods", "kmeans",
                    "--sharpen-epochs", "1", "--parallel", str(parallel), "--run-dir", str(where)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def ray_start_stop() -> tuple[float, float]:
    import ray

    start = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    ray.get(ray.remote(lambda: 1).remote())
    started = time.perf_counter()
    ray.shutdown()
    return started - start, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--subset", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="study-bench-"))
    try:
        study(root / "warm", 2, args)  # numba's compile cache and the file cache, untimed
        one = study(root / "one", 1, args)
        two = study(root / "two", 2, args)
        up, down = ray_start_stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{args.seeds} trials (latent 2 16, {args.epochs} epochs on {args.subset} images, k-means, sharpening 1 epoch)")
    print(f"one at a time (2 torch threads each): {one:.1f} s")
    print(f"two at a time (1 torch thread each):  {two:.1f} s")
    print(f"Ray alone: start and first task {up:.2f} s, shut down {down:.2f} s (in each study's wall time once)")
    print("target: ratio <= 0.7")
    print(f"ratio {two / one:.3f}")


if __name__ == "__main__":
    main()
