"""What the command line says of a sharpening: `bumptui sharpen`'s progress (its Display) and
result (its printer, the comparison), and `bumptui compare`, with PNG grids of the same digits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bumptui.cli import progress
from bumptui.engine.autoencoder.jobs.sharpen import events as ev
from bumptui.engine.autoencoder.jobs.sharpen.config import lambda_text
from bumptui.engine.autoencoder.sharpening.comparison import MODEL_NAMES, PLAIN, PairKey


def add_parser(sub, name: str, help: str) -> None:
    compare = sub.add_parser(name, help=help)
    compare.add_argument("run_dir")
    compare.add_argument("--json", action="store_true")


class Display(progress.Display):
    """A bar per strategy (and the control) per model: its epochs, G's and D's losses, its scores."""

    def tasks(self, started, config) -> list[tuple]:
        keys = [(PairKey.parse(text), done) for text, done in started.resumed_epochs.items()]
        return [(key, f"latent {key.latent:>3} {key.label:<10}", config.epochs, done) for key, done in keys]

    def advance(self, event):
        match event:
            case ev.SharpenStep():
                return PairKey(event.strategy, event.latent), {"completed": progress.epoch_fraction(event)}, \
                    (f"epoch {event.epoch} G L1 {event.g_l1:.4f} adv {event.g_adv:.3f}"
                     + (f" D acc {event.d_acc:.2f}" if event.d_acc is not None else ""))
            case ev.SharpenScores() if event.model != PLAIN:
                return PairKey(int(event.model[1:]), event.latent), {"completed": event.epoch}, \
                    f"sharpness {event.sharpness:.3f} judge {event.judge_acc:.3f}"
        return None

    def line(self, event) -> str:
        match event:
            case ev.SharpenStarted():
                resumed = {k: v for k, v in event.resumed_epochs.items() if v}
                return (f"sharpening {event.run_dir} on {event.device}, "
                        f"{lambda_text(event.config['lam'], event.config['strategies'])}"
                        + (f", resuming after epochs {resumed}" if resumed else ""))
            case ev.DisReady():
                return (f"dis_net: {event.held_out_acc:.2%} on held-out clear vs blurred test digits"
                        + (" (cached)" if event.cached else ""))
            case ev.SharpenStep():
                d = "" if event.d_loss is None else f" D loss {event.d_loss:.3f} D acc {event.d_acc:.2f}"
                return (f"latent {event.latent} {PairKey(event.strategy, event.latent).label}: epoch {event.epoch} "
                        f"step {event.step}/{event.steps_per_epoch} G L1 {event.g_l1:.4f} G adv {event.g_adv:.3f}{d}")
            case ev.SharpenScores():
                who = MODEL_NAMES[event.model] + ("" if event.model == PLAIN else f" epoch {event.epoch}")
                return (f"latent {event.latent} {who}: test L1 {event.test_l1:.4f} clear {event.clear_score:.3f} "
                        f"sharpness {event.sharpness:.3f} judge {event.judge_acc:.4f}")
        return ""

    def announced(self, event) -> bool:
        return isinstance(event, (ev.DisReady, ev.SharpenScores))


def show(kind, plan, summary: dict, as_json: bool) -> int:
    """`bumptui sharpen`'s result: the comparison, as `bumptui compare` prints it."""
    return compare(plan.run_dir, as_json)


def cmd_compare(args, argv) -> int:
    return compare(Path(args.run_dir), args.json)


def write_comparison_pngs(record) -> tuple[list[str], list[str]]:
    """Per latent, a PNG of the same test digits as originals and as each model reconstructs them;
    the PNGs' paths and, for each, what its rows are."""
    from bumptui.engine.autoencoder.images import save_digit_rows
    from bumptui.engine.autoencoder.runs.events import decode_images

    pngs, rows = [], []
    for d in record.latents:
        names = [m for m in MODEL_NAMES if record.latest_pictures(d, m) is not None]  # its picture file there
        shown = [record.latest_pictures(d, m) for m in names]
        if not shown:
            continue
        labels = np.array(shown[0].labels)
        path = record.folder(record.run_dir) / f"compare-latent-{d}.png"
        save_digit_rows(path, [decode_images(shown[0].originals), *[decode_images(s.images) for s in shown]],
                        [None, *[np.array(s.judged) != labels for s in shown]])
        pngs.append(str(path))
        rows.append(", ".join(["originals", *[MODEL_NAMES[m] for m in names]]))
    return pngs, rows


def compare(run_dir: Path, as_json: bool) -> int:
    """`bumptui compare RUN_DIR`: (a) vs strategy 1 vs strategy 2 per latent, and a PNG of the same digits."""
    from bumptui.cli.tables import print_comparison
    from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord
    from bumptui.engine.autoencoder.runs.log import RunError
    from bumptui.engine.autoencoder.runs.rundir import read_config

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
