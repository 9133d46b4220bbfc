"""`bumptui sharpen` and `bumptui compare`: dis_net's sharpening of a run's models, and the comparison."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from cli.train import DATA_DIR_HELP
from engine.autoencoder.config import DEFAULT_LAMBDA, INITS, PRECISIONS, STRATEGIES, SharpenConfig, lambda_text
from engine.autoencoder.runs.rundir import RunError, read_config, sharpen_dir


def add_parsers(sub) -> None:
    sharpen = sub.add_parser("sharpen", help="retrain a run's autoencoders with L1 + dis_net's loss (into RUN_DIR/sharpen)")
    sharpen.add_argument("run_dir")
    sharpen.add_argument("--strategy", choices=("1", "2", "both"), default=None,
                         help="1: D also learns reconstructions as fake; 2: D learns blur only (default both)")
    sharpen.add_argument("--lambda", dest="lam", type=float, default=None,
                         help="weight of the adversarial loss, for every strategy (default: "
                              + ", ".join(f"{v:g} for strategy {s}" for s, v in DEFAULT_LAMBDA.items()) + ")")
    sharpen.add_argument("--epochs", type=int, default=None, help="epochs (default 3; with --resume, the new total)")
    sharpen.add_argument("--from", dest="init", choices=INITS, default=None,
                         help="start from the run's trained model (plain, default) or from fresh weights")
    sharpen.add_argument("--latent", type=int, nargs="+", default=None, metavar="D", help="default: every model of the run")
    sharpen.add_argument("--lr", type=float, default=None, help="the autoencoder's learning rate (default 1e-3)")
    sharpen.add_argument("--d-lr", type=float, default=None, help="dis_net's learning rate (default 2e-4)")
    sharpen.add_argument("--d-steps", type=int, default=None, help="D updates per G update (default 1)")
    sharpen.add_argument("--blur-kernel", type=int, default=None, help="odd Gaussian kernel size (default 5)")
    sharpen.add_argument("--blur-sigma", type=float, nargs=2, default=None, metavar=("LOW", "HIGH"),
                         help="each blurred copy's sigma is drawn from this range (default 1 2)")
    sharpen.add_argument("--dis-epochs", type=int, default=None, help="dis_net's epochs on clear vs blurred (default: at least 200 updates)")
    sharpen.add_argument("--seed", type=int, default=None)
    sharpen.add_argument("--precision", choices=PRECISIONS, default=None,
                         help="G's and D's forward passes: auto (bf16 where the hardware has it), fp32 or bf16")
    sharpen.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    sharpen.add_argument("--resume", action="store_true", help="continue the run's sharpening from its newest checkpoints")
    sharpen.add_argument("--detach", action="store_true", help="sharpen in a process of its own that outlives this terminal")
    sharpen.add_argument("--json", action="store_true", help="print the comparison as one JSON object")
    compare = sub.add_parser("compare", help="plain (a) vs strategy 1 vs strategy 2 of a sharpened run, and PNG grids")
    compare.add_argument("run_dir")
    compare.add_argument("--json", action="store_true")


def sharpen_config(args) -> SharpenConfig:
    given = {
        "strategies": None if args.strategy is None else (STRATEGIES if args.strategy == "both" else (int(args.strategy),)),
        "lam": args.lam, "epochs": args.epochs, "init": args.init,
        "latent_dims": tuple(args.latent) if args.latent else None, "lr": args.lr, "d_lr": args.d_lr,
        "d_steps": args.d_steps, "blur_kernel": args.blur_kernel,
        "blur_sigma": tuple(args.blur_sigma) if args.blur_sigma else None, "dis_epochs": args.dis_epochs,
        "seed": args.seed, "precision": args.precision,
    }
    return SharpenConfig(**{k: v for k, v in given.items() if v is not None})


def cmd_sharpen(args, argv: list[str]) -> int:
    from cli.progress import detach, run_job
    from engine.autoencoder.sharpening.run import prepare_sharpen, run_sharpen

    run_dir = Path(args.run_dir)
    config = None if (args.resume and args.epochs is None) else sharpen_config(args)
    plan = prepare_sharpen(run_dir, config, args.resume)  # every user error before any work
    if args.detach:
        return detach(run_dir, argv, sharpen_dir(run_dir), "Sharpening", ", then key 7")
    summary = run_job(run_sharpen, plan, args, f"bumptui sharpen {run_dir} --resume", "sharpening")
    if isinstance(summary, int):
        return summary
    return compare(run_dir, args.json)


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
        path = sharpen_dir(record.run_dir) / f"compare-latent-{d}.png"
        save_digit_rows(path, [decode_images(shown[0].originals), *[decode_images(s.images) for s in shown]],
                        [None, *[np.array(s.judged) != labels for s in shown]])
        pngs.append(str(path))
        rows.append(", ".join(["originals", *[MODEL_NAMES[m] for m in names]]))
    return pngs, rows


def compare(run_dir: Path, as_json: bool) -> int:
    """`bumptui compare RUN_DIR`: (a) vs strategy 1 vs strategy 2 per latent, and a PNG of the same digits."""
    from cli.tables import print_comparison
    from engine.autoencoder.runs.record import SharpenRecord

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


COMMANDS = {"sharpen": cmd_sharpen, "compare": cmd_compare}
