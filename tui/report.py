"""`bumptui report RUN_DIR`: the run's latest scores as a table, and its reconstructions as PNGs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.autoencoder.runs.events import decode_images
from engine.autoencoder.images import save_digit_rows, save_reconstruction_grid
from engine.autoencoder.runs.rundir import RunError, read_config, sharpen_dir
from engine.autoencoder.runs.record import RunRecord, SharpenRecord
from engine.autoencoder.config import lambda_text


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


MODEL_NAMES = {"a": "(a) plain", "s0": "L1 only", "s1": "strategy 1", "s2": "strategy 2"}
"""(a), the control (a trained on with L1 alone as long as the strategies), and the two strategies."""


def compare(run_dir: Path, as_json: bool) -> int:
    """`bumptui compare RUN_DIR`: (a) vs strategy 1 vs strategy 2 per latent, and a PNG of the same digits."""
    if not run_dir.is_dir():
        raise RunError(f"There is no run directory {run_dir}.")
    read_config(run_dir)
    if not SharpenRecord.metrics_path(run_dir).exists():
        raise RunError(f"{run_dir} has not been sharpened yet; run: bumptui sharpen {run_dir}")
    record = SharpenRecord.read(run_dir)
    summary = record.summary()
    pngs, rows = [], []
    for d in record.latents:
        names = [m for m in MODEL_NAMES if record.latest(d, m) is not None]
        shown = [record.latest(d, m) for m in names]
        labels = np.array(shown[0].labels)
        path = sharpen_dir(run_dir) / f"compare-latent-{d}.png"
        save_digit_rows(path, [decode_images(shown[0].originals), *[decode_images(s.images) for s in shown]],
                        [None, *[np.array(s.judged) != labels for s in shown]])
        pngs.append(str(path))
        rows.append(", ".join(["originals", *[MODEL_NAMES[m] for m in names]]))
    summary["pngs"] = pngs
    if as_json:
        print(json.dumps(summary))
        return 0
    config = summary["config"] or {}
    print(f"{run_dir}: sharpening {summary['status']}, {lambda_text(config.get('lam'), config.get('strategies', []))}, "
          f"from {config.get('init', '-')}")
    if summary["dis_net"]:
        print(f"dis_net: {summary['dis_net']['held_out_acc']:.2%} on held-out clear vs blurred test digits")
    print_comparison(summary)
    print("sharp: mean Sobel magnitude over the originals' (1.0 = as sharp as the data)\n"
          "clear: dis_net's mean score; D loss, D acc, G adv: means over the last epoch\n"
          "L1 only: (a) trained on with L1 alone as long as the strategies (the control)\n"
          "goal: sharpness nearer 1.0 than (a)'s, the judge at most 1 point lower")
    for path, names in zip(pngs, rows):
        print(f"wrote {path}\n  rows: {names} (red: misread)")
    return 0


def comparison_rows(summary: dict) -> list[tuple]:
    """One row per latent and model: the cells of the comparison table, as text."""
    rows = []
    for d, models in summary["models"].items():
        for key, m in models.items():
            last = m.get("history", [])[-1:] or [{}]
            rows.append((d, MODEL_NAMES[key], fmt(m["epochs"], "d"), fmt(m["test_l1"], ".4f"),
                         fmt(m["clear_score"], ".3f"), fmt(m["sharpness"], ".3f"), fmt(m["judge_acc"], ".4f"),
                         fmt(last[0].get("d_loss"), ".3f"), fmt(last[0].get("d_acc"), ".3f"),
                         fmt(last[0].get("g_adv"), ".3f"), "" if key == "a" else ("yes" if m["meets_target"] else "no")))
    return rows


COMPARISON_COLUMNS = ("latent", "model", "epochs", "test L1", "clear", "sharp", "judge", "D loss", "D acc", "G adv",
                      "goal")


def print_comparison(summary: dict) -> None:
    widths = (6, 10, 6, 7, 5, 5, 6, 6, 5, 5, 6)
    print(" ".join(f"{c:>{w}}" for c, w in zip(COMPARISON_COLUMNS, widths)))
    for row in comparison_rows(summary):
        print(" ".join(f"{c:>{w}}" for c, w in zip(row, widths)))
