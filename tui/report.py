"""`bumptui report RUN_DIR`: the run's latest scores as a table, and its reconstructions as PNGs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.events import decode_images
from engine.images import save_reconstruction_grid
from engine.rundir import RunError, read_config
from engine.run_record import RunRecord


def fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(run_dir: Path, as_json: bool) -> int:
    if not run_dir.is_dir():
        raise RunError(f"There is no run directory {run_dir}.")
    read_config(run_dir)  # a clear error when this is not a run
    record = RunRecord.read(run_dir)
    summary = record.summary()
    pngs = []
    for d in record.latents:
        latest = record.latest(record.reconstructions[d])
        if latest is None:
            continue
        labels = np.array(latest.labels)
        wrong = np.array(latest.judged) != labels
        path = run_dir / f"reconstructions-latent-{d}.png"
        save_reconstruction_grid(path, decode_images(latest.originals), decode_images(latest.images), wrong)
        pngs.append(str(path))
    summary["pngs"] = pngs
    if as_json:
        print(json.dumps(summary))
        return 0
    print(f"{run_dir}: {summary['status']}")
    print_scores(summary)
    for p in pngs:
        print(f"wrote {p}")
    return 0


def print_scores(summary: dict) -> None:
    """The scores of a run summary (from `bumptui train` or a run record) as a table."""
    print(f"{'model':>10} {'epochs':>6} {'test L1':>8} {'purity':>7} {'NMI':>6} {'ARI':>6} {'acc':>6} {'judge':>6}")
    for d, m in summary["models"].items():
        print(f"{'latent ' + d:>10} {m['epochs']:>6} {fmt(m['test_l1'], '8.4f'):>8} {fmt(m['purity'], '7.3f'):>7} "
              f"{fmt(m['nmi'], '6.3f'):>6} {fmt(m['ari'], '6.3f'):>6} {fmt(m['acc'], '6.3f'):>6} {fmt(m['judge_acc'], '6.3f'):>6}")
    raw = summary["raw_pixels"]
    if raw:
        print(f"{'pixels':>10} {'':>6} {'':>8} {raw['purity']:7.3f} {raw['nmi']:6.3f} {raw['ari']:6.3f} {raw['acc']:6.3f}")
    if summary["judge"]:
        print(f"judge accuracy on the real test digits: {summary['judge']['test_acc']:.2%}")
