"""`bumptui train` and `bumptui report`: the autoencoder lab without the app.

torch is imported only when one of these commands runs, so the rest of the CLI stays quick.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.autoencoder.config import ARCHITECTURES, KMEANS_SCALINGS, PRECISIONS, TrainConfig
from engine.autoencoder.runs.rundir import RunError, new_run_name, read_config

DATA_DIR_HELP = "MNIST files, or a torchvision root with MNIST/raw/"


def add_parsers(sub) -> None:
    train = sub.add_parser("train", help="train the MNIST autoencoders headless, into a run directory")
    train.add_argument("--latent", type=int, nargs="+", default=None, metavar="D", help="latent sizes (default 2 16 256)")
    train.add_argument("--epochs", type=int, default=None, help="epochs (default 10; with --resume, the new total)")
    train.add_argument("--arch", choices=ARCHITECTURES, default=None)
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--lr", type=float, default=None)
    train.add_argument("--subset", type=int, default=None, help="train on the first N images (100 to 60000)")
    train.add_argument("--device", default=None, metavar="{auto,cpu,cuda,cuda:N}",
                       help="where to train (default auto: the first GPU if there is one)")
    train.add_argument("--precision", choices=PRECISIONS, default=None,
                       help="fp32, or bf16 autocast (float32 weights); auto (default): bf16 where the hardware has it")
    train.add_argument("--seed", type=int, default=None)
    train.add_argument("--eval-every", type=int, default=None, help="epochs between k-means and judge scores")
    train.add_argument("--kmeans-scaling", choices=KMEANS_SCALINGS, default=None,
                       help="scale codes before k-means: none (default), standard (per coordinate), unit (length 1)")
    train.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    train.add_argument("--run-dir", default=None, help="default: runs/ae-<date>-<time>")
    train.add_argument("--resume", action="store_true", help="continue the run in --run-dir from its newest checkpoints")
    train.add_argument("--detach", action="store_true", help="train in a process of its own that outlives this terminal")
    train.add_argument("--json", action="store_true", help="print the final scores as one JSON object")
    repair = sub.add_parser("repair", help="keep the events of a run's damaged log before the damage (a backup first)")
    repair.add_argument("run_dir")
    report = sub.add_parser("report", help="a run's scores as a table, and PNG grids of its reconstructions")
    report.add_argument("run_dir")
    report.add_argument("--json", action="store_true")


def train_config(args) -> TrainConfig:
    given = {
        "latent_dims": tuple(args.latent) if args.latent else None, "epochs": args.epochs, "arch": args.arch,
        "batch_size": args.batch_size, "lr": args.lr, "subset": args.subset, "device": args.device,
        "seed": args.seed, "eval_every": args.eval_every, "kmeans_scaling": args.kmeans_scaling,
        "precision": args.precision,
    }
    return TrainConfig(**{k: v for k, v in given.items() if v is not None})


def cmd_train(args, argv: list[str]) -> int:
    from cli.progress import detach, run_job
    from cli.tables import print_scores
    from engine.autoencoder.runs.rundir import prepare_run_dir
    from engine.autoencoder.training import run_training

    if args.resume and not args.run_dir:
        raise RunError("--resume needs --run-dir: the run to continue.")
    run_dir = Path(args.run_dir or Path("runs") / new_run_name())
    config = None if (args.resume and args.epochs is None) else train_config(args)
    plan = prepare_run_dir(run_dir, config, args.resume)  # every user error before any work
    if args.detach:
        return detach(run_dir, argv)
    summary = run_job(run_training, plan, args, f"bumptui train --resume --run-dir {run_dir}", "training")
    if isinstance(summary, int):
        return summary
    if args.json:
        print(json.dumps(summary))
    else:
        print_scores(summary)
        print(f"run: {summary['run_dir']}")
    return 0


def cmd_report(args, argv) -> int:
    """`bumptui report RUN_DIR`: the run's latest scores as a table, and its reconstructions as PNGs."""
    from cli.cluster import recorded_summary, slim
    from cli.tables import print_clusters, print_scores
    from engine.autoencoder.images import save_reconstruction_grid
    from engine.autoencoder.runs.events import decode_images
    from engine.autoencoder.runs.record import RunRecord

    run_dir = Path(args.run_dir)
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
        wrong = np.array(latest.judged) != np.array(latest.labels)
        path = run_dir / f"reconstructions-latent-{d}.png"
        save_reconstruction_grid(path, decode_images(latest.originals), decode_images(latest.images), wrong)
        pngs.append(str(path))
    summary["pngs"] = pngs
    clusters = recorded_summary(run_dir)
    summary["clusters"] = slim(clusters) if clusters else None
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"{run_dir}: {summary['status']}")
    print_scores(summary)
    if clusters:
        print(f"\nclustering ({run_dir / 'cluster'}): {clusters['status']}")
        print_clusters(clusters)
    for p in pngs:
        print(f"wrote {p}")
    return 0


def cmd_repair(args, argv) -> int:
    """`bumptui repair RUN_DIR`: cut the run's logs (and its sharpening's and clustering's) back to
    before their first damaged line, after copying each whole log beside it."""
    from engine.autoencoder.runs.log import METRICS, repair_log
    from engine.autoencoder.runs.rundir import RunLock, cluster_dir, sharpen_dir

    run_dir = Path(args.run_dir)
    read_config(run_dir)  # a clear error when this is not a run
    RunLock(run_dir).refuse_if_held()
    for log in (run_dir / METRICS, sharpen_dir(run_dir) / METRICS, cluster_dir(run_dir) / METRICS):
        repaired = repair_log(log) if log.exists() else None
        if repaired is None:
            print(f"{log}: sound, left as it is" if log.exists() else f"{log}: none")
            continue
        kept, line, backup = repaired
        print(f"{log}: kept the {kept} events before the damaged line {line}; the whole log is saved as {backup}")
    return 0


COMMANDS = {"train": cmd_train, "report": cmd_report, "repair": cmd_repair}
