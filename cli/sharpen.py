"""What the command line says of a sharpening: `bumptui sharpen`'s result (its printer, the
comparison) and `bumptui compare`, with PNG grids of the same digits from every model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def add_parser(sub, name: str, help: str) -> None:
    compare = sub.add_parser(name, help=help)
    compare.add_argument("run_dir")
    compare.add_argument("--json", action="store_true")


def show(kind, plan, summary: dict, as_json: bool) -> int:
    """`bumptui sharpen`'s result: the comparison, as `bumptui compare` prints it."""
    return compare(plan.run_dir, as_json)


def cmd_compare(args, argv) -> int:
    return compare(Path(args.run_dir), args.json)


def write_comparison_pngs(record) -> tuple[list[str], list[str]]:
    """Per latent, a PNG of the same test digits as originals and as each model reconstructs them;
    the PNGs' paths and, for each, what its rows are."""
    from engine.autoencoder.images import save_digit_rows
    from engine.autoencoder.runs.events import decode_images
    from engine.autoencoder.sharpening.comparison import MODEL_NAMES

    pngs, rows = [], []
    for d in record.latents:
        names = [m for m in MODEL_NAMES if record.latest(d, m) is not None]
        shown = [record.latest(d, m) for m in names]
        labels = np.array(shown[0].labels)
        path = record.folder(record.run_dir) / f"compare-latent-{d}.png"
        save_digit_rows(path, [decode_images(shown[0].originals), *[decode_images(s.images) for s in shown]],
                        [None, *[np.array(s.judged) != labels for s in shown]])
        pngs.append(str(path))
        rows.append(", ".join(["originals", *[MODEL_NAMES[m] for m in names]]))
    return pngs, rows


def compare(run_dir: Path, as_json: bool) -> int:
    """`bumptui compare RUN_DIR`: (a) vs strategy 1 vs strategy 2 per latent, and a PNG of the same digits."""
    from cli.tables import print_comparison
    from engine.autoencoder.jobs.sharpen.config import lambda_text
    from engine.autoencoder.jobs.sharpen.record import SharpenRecord
    from engine.autoencoder.runs.log import RunError
    from engine.autoencoder.runs.rundir import read_config

    if not run_dir.is_dir():
        raise RunError(f"There is no run directory {run_dir}.")
    read_config(run_dir)
    if not SharpenRecord.metrics_path(run_dir).exists():
        raise RunError(f"{run_dir} has not been sharpened yet; run: bumptui sharpen {run_dir}")
    record = SharpenRecord.read(run_dir)
    summary = record.summary()
    pngs, rows = write_comparison_pngs(record)
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


COMMANDS = {"compare": cmd_compare}
