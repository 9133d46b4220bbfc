"""What the command line says of a clustering: `bumptui cluster`'s progress (its Display) and
result (its printer), and the recorded clustering that `bumptui report` adds."""

from __future__ import annotations

import json
from pathlib import Path

from bumptui.cli import progress
from bumptui.engine.autoencoder.jobs.cluster import events as ev


class Display(progress.Display):
    """One bar over every k-means and UMAP scoring, then a bar per model's IDEC epochs."""

    def tasks(self, started, config) -> list[tuple]:
        return [("fixed", "k-means, UMAP", started.scorings, 0),
                *((int(text), f"IDEC latent {text:>3}", config.epochs, done)
                  for text, done in started.resumed_epochs.items())]

    def advance(self, event):
        match event:
            case ev.MethodScores() if event.method != "idec":
                return "fixed", {"advance": 1}, f"{event.method} {event.features} seed {event.seed}: acc {event.acc:.3f}"
            case ev.IdecStep():
                return event.latent, {"completed": progress.epoch_fraction(event)}, \
                    f"epoch {event.epoch} L1 {event.l1:.4f} KL {event.kl:.4f}"
            case ev.MethodScores():
                return event.latent, {"completed": event.epoch}, f"acc {event.acc:.3f} NMI {event.nmi:.3f}"
        return None

    def line(self, event) -> str:
        match event:
            case ev.ClusterStarted():
                resumed = {k: v for k, v in event.resumed_epochs.items() if v}
                return (f"clustering {event.run_dir} on {event.device}: {', '.join(event.config['methods'])}"
                        + (f", IDEC resuming after epochs {resumed}" if resumed else ""))
            case ev.MethodScores():
                when = f" epoch {event.epoch}" if event.method == "idec" else f" seed {event.seed}"
                return (f"{event.method} on {event.features}{when}: acc {event.acc:.3f} NMI {event.nmi:.3f} "
                        f"ARI {event.ari:.3f} ({event.seconds:.1f} s)")
            case ev.IdecStep():
                changed = "" if event.changed is None else f", {event.changed:.2%} of labels moved at the last refresh"
                return (f"IDEC latent {event.latent}: epoch {event.epoch} step {event.step}/{event.steps_per_epoch} "
                        f"L1 {event.l1:.4f} KL {event.kl:.4f}{changed}")
        return ""

    def announced(self, event) -> bool:
        return False


def show(kind, plan, summary: dict, as_json: bool) -> int:
    """The clustering summary as one JSON object (without the contingency tables, which the pane
    shows), or as a table."""
    from bumptui.cli.tables import print_clusters

    if as_json:
        print(json.dumps(slim(summary)))
        return 0
    print(f"{summary['run_dir']}: clustering {summary['status']}")
    print_clusters(summary)
    return 0


def slim(summary: dict) -> dict:
    """The summary without the contingency tables (the Clusters pane shows them)."""
    def entry(e: dict) -> dict:
        return {k: v for k, v in e.items() if k != "contingency"}

    return {"run_dir": summary["run_dir"], "status": summary["status"], "config": summary["config"],
            "methods": {m: {d: entry(e) for d, e in row.items()} for m, row in summary["methods"].items()},
            "raw_pixels": {m: entry(e) for m, e in summary["raw_pixels"].items()}}


def recorded_summary(run_dir: Path) -> dict | None:
    """The run's recorded clustering summary, or None when it has not been clustered."""
    from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord

    if not ClusterRecord.metrics_path(run_dir).exists():
        return None
    return ClusterRecord.read(run_dir).summary()

