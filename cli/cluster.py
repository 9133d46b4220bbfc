"""What the command line says of a clustering: `bumptui cluster`'s result (its printer), and the
recorded clustering that `bumptui report` adds."""

from __future__ import annotations

import json
from pathlib import Path


def show(kind, plan, summary: dict, as_json: bool) -> int:
    """The clustering summary as one JSON object (without the contingency tables, which the pane
    shows), or as a table."""
    from cli.tables import print_clusters

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
    from engine.autoencoder.jobs.cluster.record import ClusterRecord

    if not ClusterRecord.metrics_path(run_dir).exists():
        return None
    return ClusterRecord.read(run_dir).summary()

