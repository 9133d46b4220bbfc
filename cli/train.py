"""What the command line says of a training run: `bumptui train`'s progress (its Display) and
result (its printer), `bumptui report` and `bumptui repair`. torch is imported only when one of
these commands runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from bumptui.cli import progress
from bumptui.engine.autoencoder.jobs.train import events as ev


def add_parser(sub, name: str, help: str) -> None:
    p = sub.add_parser(name, help=help)
    p.add_argument("run_dir")
    if name == "report":
        p.add_argument("--json", action="store_true")


class Display(progress.Display):
    """A bar per model: its epochs, the batch loss, then its test L1 and speed."""

    def tasks(self, started, config) -> list[tuple]:
        return [(d, f"latent {d:>3}", config.epochs, started.resumed_epochs.get(str(d), 0)) for d in config.latent_dims]

    def advance(self, event):
        match event:
            case ev.StepLoss():
                return event.latent, {"completed": progress.epoch_fraction(event)}, \
                    f"epoch {event.epoch} loss {event.loss:.4f}"
            case ev.EpochEnd():
                return event.latent, {"completed": event.epoch}, \
                    f"test L1 {event.test_l1:.4f}, {event.images_per_s:,.0f} img/s"
        return None

    def line(self, event) -> str:
        match event:
            case ev.RunStarted():
                resumed = {k: v for k, v in event.resumed_epochs.items() if v}
                return f"run {event.run_dir} on {event.device}" + (f", resuming after epochs {resumed}" if resumed else "")
            case ev.JudgeReady():
                return f"judge: {event.test_acc:.2%} on the real test digits" + (" (cached)" if event.cached else "")
            case ev.StepLoss():
                return (f"latent {event.latent}: epoch {event.epoch} step {event.step}/{event.steps_per_epoch} "
                        f"loss {event.loss:.4f}")
            case ev.EpochEnd():
                return (f"latent {event.latent}: epoch {event.epoch} train L1 {event.train_l1:.4f} test L1 "
                        f"{event.test_l1:.4f} ({event.seconds:.1f} s, {event.images_per_s:,.0f} img/s)")
            case ev.ClusterScores() if event.latent is not None:
                return f"latent {event.latent}: k-means purity {event.purity:.3f} acc {event.acc:.3f} NMI {event.nmi:.3f}"
        return ""

    def announced(self, event) -> bool:
        return isinstance(event, ev.JudgeReady)


def show(kind, plan, summary: dict, as_json: bool) -> int:
    """`bumptui train`'s result: the final scores as one JSON object, or as a table."""
    from bumptui.cli.tables import print_scores

    if as_json:
        print(json.dumps(summary))
    else:
        print_scores(summary)
        print(f"run: {summary['run_dir']}")
    return 0


def cmd_report(args, argv) -> int:
    """`bumptui report RUN_DIR`: the run's latest scores as a table, and its reconstructions as PNGs."""
    from bumptui.cli.cluster import recorded_summary, slim
    from bumptui.cli.tables import print_clusters, print_scores
    from bumptui.engine.autoencoder.images import save_reconstruction_grid
    from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path
    from bumptui.engine.autoencoder.jobs.train.record import RunRecord
    from bumptui.engine.autoencoder.runs.checkpoint import damage_of
    from bumptui.engine.autoencoder.runs.events import decode_images
    from bumptui.engine.autoencoder.runs.log import RunError
    from bumptui.engine.autoencoder.jobs.identify import read_anyway

    run_dir = Path(args.run_dir)
    if not run_dir.is_dir():
        raise RunError(f"There is no run directory {run_dir}.")
    _, damage = read_anyway(run_dir)  # a clear error when this is not a run
    if damage:  # the scores come from the log: said, and shown
        print(f"bumptui: note: {damage.read_from_log('the report is read')}", file=sys.stderr)
    record = RunRecord.read(run_dir)
    summary = record.summary()
    pngs = []
    for d in record.latents:
        latest = record.reconstruction(d, max(record.reconstructions[d])) if record.reconstructions[d] else None
        if latest is None:  # none yet, or its picture file is missing
            continue
        wrong = np.array(latest.judged) != np.array(latest.labels)
        path = run_dir / f"reconstructions-latent-{d}.png"
        save_reconstruction_grid(path, decode_images(latest.originals), decode_images(latest.images), wrong)
        pngs.append(str(path))
    summary["pngs"] = pngs
    for d in record.latents:  # the scores come from the log; a damaged checkpoint is said, not passed over
        path = checkpoint_path(run_dir, d)
        why = damage_of(path) if path.is_file() else None
        if why:
            print(f"bumptui: note: {path} is damaged ({why}); the scores are the log's, and resuming needs it "
                  "moved away first (that model then trains again).", file=sys.stderr)
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
    """`bumptui repair RUN_DIR`: cut the logs of the run and of every job recorded inside it back to
    before their first damaged line, after copying each whole log beside it; then remove the picture
    files no line names and list those the log names that are missing."""
    from bumptui.engine.autoencoder.jobs import registry
    import os

    from bumptui.engine.autoencoder.runs import pictures
    from bumptui.engine.autoencoder.runs.checkpoint import damage_of, remove_partial
    from bumptui.engine.autoencoder.runs.lock import RunLock
    from bumptui.engine.autoencoder.runs.log import METRICS, damaged_name, read_events, repair_log
    from bumptui.engine.autoencoder.runs.rundir import CHECKPOINTS, RunError, read_config, rebuild_config

    run_dir = Path(args.run_dir)
    try:
        read_config(run_dir)  # a clear error when this is not a run
        damaged_config = None
    except RunError as err:
        if not (run_dir / METRICS).is_file():
            raise
        damaged_config = err  # written again from the log's own record of it, below
    RunLock(run_dir).refuse_if_held()
    folders = list(dict.fromkeys(kind.folder(run_dir) for kind in registry.kinds()))  # the run's own, then each job's
    for log in [folder / METRICS for folder in folders]:
        repaired = repair_log(log) if log.exists() else None
        if repaired is None:
            print(f"{log}: sound, left as it is" if log.exists() else f"{log}: none")
            continue
        kept, line, backup = repaired
        print(f"{log}: kept the {kept} events before the damaged line {line}; the whole log is saved as {backup}")
    if damaged_config is not None:
        print(rebuild_config(run_dir, damaged_config))
    for folder in folders:
        for path in remove_partial(folder / CHECKPOINTS):
            print(f"{path}: removed, a checkpoint write cut short (the checkpoint beside it is whole)")
    for folder in folders:  # a damaged checkpoint set aside: resuming then trains that model (or pair) again
        for path in sorted((folder / CHECKPOINTS).glob("*.pt")) if (folder / CHECKPOINTS).is_dir() else []:
            why = damage_of(path)
            if why:
                aside = damaged_name(path)
                os.replace(path, aside)
                print(f"{path}: damaged ({why}); set aside as {aside}, so that resuming trains it again from the "
                      "start")
    for folder in folders:
        missing, unnamed = pictures.check(folder, read_events(folder)) if folder.is_dir() else ([], [])
        for relative in unnamed:  # no line names it: nothing reads it, and the epoch's redo writes it again
            (folder / relative).unlink(missing_ok=True)
        if unnamed:
            print(f"{folder / pictures.FOLDER}: removed {len(unnamed)} picture files that no log line names "
                  f"(a run killed between a picture and its line): {', '.join(unnamed)}")
        if missing:
            print(f"{folder / pictures.FOLDER}: {len(missing)} picture files the log names are missing; those "
                  f"epochs show as not recorded: {', '.join(missing)}")
    return 0


COMMANDS = {"report": cmd_report, "repair": cmd_repair}
