"""The command line's tables: a run's scores and a sharpening's comparison, in fixed columns."""

from __future__ import annotations

from bumptui.engine.autoencoder.jobs.cluster.config import method_name
from bumptui.engine.autoencoder.sharpening.comparison import COMPARISON_COLUMNS, comparison_rows, fmt


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


def print_comparison(summary: dict) -> None:
    widths = (6, 10, 6, 7, 5, 5, 6, 6, 5, 5, 6)
    print(" ".join(f"{c:>{w}}" for c, w in zip(COMPARISON_COLUMNS, widths)))
    for row in comparison_rows(summary):
        print(" ".join(f"{c:>{w}}" for c, w in zip(row, widths)))


FEATURE_NAMES = {"pixels": "pixels", "pca-50": "PCA-50 px"}


def print_clusters(summary: dict) -> None:
    """Each method on each model's codes, then on raw pixels: mean scores over the seeds and the
    spread of the accuracy (max - min); IDEC with its epochs."""
    print(f"{'method':<13} {'features':<10} {'purity':>7} {'NMI':>6} {'ARI':>6} {'acc':>6} {'± acc':>6} {'seeds':>5} {'s':>6}")
    config = summary.get("config")
    rows = [(m, f"latent {d}", e) for m, row in summary["methods"].items() for d, e in row.items()]
    rows += [(m, FEATURE_NAMES["pixels" if m == "kmeans" else "pca-50"], e) for m, e in summary["raw_pixels"].items()]
    for method, features, e in rows:
        spread = e.get("spread", {}).get("acc")
        count = f"{e['epochs']} ep" if method == "idec" else str(len(e["seeds"]))
        print(f"{method_name(method, config):<13} {features:<10} {e['purity']:7.3f} {e['nmi']:6.3f} {e['ari']:6.3f} "
              f"{e['acc']:6.3f} {fmt(spread, '6.3f'):>6} {count:>5} {e['seconds']:6.1f}")
    print("acc: share right under the best one-to-one matching of clusters to digits\n"
          "± acc: max - min over the seeds; s: seconds each (IDEC: all its epochs)")
