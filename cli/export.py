"""`bumptui export RUN_DIR --tensorboard OUT_DIR`: a run as TensorBoard event files (scalars,
digit images, the embedding projector), so that TensorBoard opens a bumptui run."""

from __future__ import annotations

from pathlib import Path

from bumptui.cli.jobs import DATA_DIR_HELP


def add_parser(sub, name: str, help: str) -> None:
    p = sub.add_parser(name, help=help, description=help)
    p.add_argument("run_dir")
    p.add_argument("--tensorboard", required=True, metavar="OUT_DIR", help="the folder to write event files to")
    p.add_argument("--data-dir", default=None, help=DATA_DIR_HELP + " (the test digits for the projector)")


def cmd_export(args, argv) -> int:
    from bumptui.engine.autoencoder.jobs.identify import read_anyway
    from bumptui.engine.autoencoder.runs.log import RunError
    from bumptui.engine.autoencoder.tensorboard import export

    run_dir, out = Path(args.run_dir), Path(args.tensorboard)
    if not run_dir.is_dir():
        raise RunError(f"There is no run directory {run_dir}.")
    kind, _ = read_anyway(run_dir)
    if kind.name != "train":
        raise RunError(f"{run_dir} holds a {kind.doing} record, not a training run: export one of its trials' runs.")
    counts = export(run_dir, out, args.data_dir)  # its folder checked before any log is read: one sentence
    embedded = ", ".join(f"latent {d}" for d in counts["embeddings"]) or "none (no latent-16 or -256 checkpoint)"
    print(f"wrote {counts['folder']}: {counts['events']} events of {run_dir} as TensorBoard scalars and images; "
          f"projector: {embedded}")
    print(f"view it with: tensorboard --logdir {out} --host 127.0.0.1")
    return 0


COMMANDS = {"export": cmd_export}
