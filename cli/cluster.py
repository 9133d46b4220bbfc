"""`bumptui cluster`: k-means, UMAP (N2D) and IDEC on a run's codes, beside the same methods on raw pixels."""

from __future__ import annotations

import json
from pathlib import Path

from cli.train import DATA_DIR_HELP
from engine.autoencoder.clustering.config import CLUSTERERS, FIT_ON, METHODS, ClusterConfig
from engine.autoencoder.config import PRECISIONS
from engine.autoencoder.runs.rundir import cluster_dir


def add_parsers(sub) -> None:
    cluster = sub.add_parser("cluster", help="cluster a run's codes by k-means, UMAP (N2D) and IDEC (into RUN_DIR/cluster)")
    cluster.add_argument("run_dir")
    cluster.add_argument("--method", choices=(*METHODS, "all"), default=None,
                         help="kmeans: on the codes; umap: UMAP of the codes, then a Gaussian mixture (N2D); "
                              "idec: fine-tune the encoder with a clustering layer (default all)")
    cluster.add_argument("--latent", type=int, nargs="+", default=None, metavar="D", help="default: every model of the run")
    cluster.add_argument("--epochs", type=int, default=None, help="IDEC's epochs (default 10; with --resume, the new total)")
    cluster.add_argument("--seed", type=int, default=None, help="the first seed (k-means and UMAP run 3 seeds from it)")
    cluster.add_argument("--seeds", type=int, default=None, help="seeds of k-means and UMAP, for their spread (default 3)")
    cluster.add_argument("--n-neighbors", type=int, default=None, help="UMAP's neighbourhood size (default 20)")
    cluster.add_argument("--components", dest="n_components", type=int, default=None,
                         help="UMAP's output dimensions (default 10)")
    cluster.add_argument("--min-dist", type=float, default=None, help="UMAP's min_dist (default 0)")
    cluster.add_argument("--clusterer", choices=CLUSTERERS, default=None,
                         help="what clusters the UMAP embedding (default gmm)")
    cluster.add_argument("--fit-on", choices=FIT_ON, default=None,
                         help="UMAP on the test codes alone (default) or on the training codes too (all: "
                              "N2D on 70,000, better clusters, about five times the time)")
    cluster.add_argument("--gamma", type=float, default=None, help="IDEC's weight of the clustering loss (default 0.1)")
    cluster.add_argument("--precision", choices=PRECISIONS, default=None,
                         help="IDEC's forward pass: auto (bf16 where the hardware has it), fp32 or bf16")
    cluster.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    cluster.add_argument("--resume", action="store_true", help="continue the run's clustering where it stopped")
    cluster.add_argument("--detach", action="store_true", help="cluster in a process of its own that outlives this terminal")
    cluster.add_argument("--json", action="store_true", help="print the scores as one JSON object")


def cluster_config(args) -> ClusterConfig:
    given = {
        "methods": None if args.method is None else (METHODS if args.method == "all" else (args.method,)),
        "latent_dims": tuple(args.latent) if args.latent else None, "epochs": args.epochs, "seed": args.seed,
        "seeds": args.seeds, "n_neighbors": args.n_neighbors, "n_components": args.n_components,
        "min_dist": args.min_dist, "clusterer": args.clusterer, "fit_on": args.fit_on, "gamma": args.gamma,
        "precision": args.precision,
    }
    return ClusterConfig(**{k: v for k, v in given.items() if v is not None})


def cmd_cluster(args, argv: list[str]) -> int:
    from cli.progress import detach, run_job
    from engine.autoencoder.clustering.run import prepare_cluster, run_cluster

    run_dir = Path(args.run_dir)
    config = None if (args.resume and args.epochs is None) else cluster_config(args)
    plan = prepare_cluster(run_dir, config, args.resume)  # every user error before any work
    if args.detach:
        return detach(run_dir, argv, cluster_dir(run_dir), "Clustering", ", then key 4")
    summary = run_job(run_cluster, plan, args, f"bumptui cluster {run_dir} --resume", "clustering")
    if isinstance(summary, int):
        return summary
    return show(summary, args.json)


def show(summary: dict, as_json: bool) -> int:
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
    from engine.autoencoder.clustering.record import ClusterRecord

    if not ClusterRecord.metrics_path(run_dir).exists():
        return None
    return ClusterRecord.read(run_dir).summary()


COMMANDS = {"cluster": cmd_cluster}
