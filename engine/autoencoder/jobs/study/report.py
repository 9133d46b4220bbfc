"""A study's report, runs/<study>/report/: REPORT.md with its figures as PNG (matplotlib, drawn off
screen): the test L1 per epoch with a band over seeds, clustering accuracy with 95 % intervals,
sharpness against the judge per strategy with interval crosses, the verdict table, and one seed's
digits as each latent size reconstructs them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from bumptui.engine import guarded
from bumptui.engine.autoencoder.evidence import Interval

REPORT = "report"


def save_figure(fig, path: Path) -> None:
    """A matplotlib figure as a PNG, written as every file in a run is (guarded)."""
    import io

    data = io.BytesIO()
    fig.savefig(data, dpi=110, format="png")
    guarded.replace_with(path, data.getbuffer())


def folder(study_dir: Path) -> Path:
    return Path(study_dir) / REPORT


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: a headless box has no display
    import matplotlib.pyplot as plt

    return plt


def _interval(values: list[float]) -> tuple[float, float]:
    """(mean, half-width of its 95 % t-interval; 0 with one value)."""
    interval = Interval.of(values)
    return interval.mean, (0.0 if math.isinf(interval.hi) else interval.hi - interval.mean)


def loss_curves(runs: list, path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4))
    latents = sorted({d for r in runs for d in r.latents})
    for d in latents:
        epochs = sorted(set.intersection(*[set(r.epochs[d]) for r in runs if r.epochs[d]] or [set()]))
        if not epochs:
            continue
        l1 = np.array([[r.epochs[d][e].test_l1 for e in epochs] for r in runs if r.epochs[d]])
        mean = l1.mean(axis=0)
        ax.plot(epochs, mean, marker="o", label=f"latent {d}")
        ax.fill_between(epochs, l1.min(axis=0), l1.max(axis=0), alpha=0.25)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs
    ax.set(xlabel="epoch", ylabel="test L1", title=f"Test L1 per epoch: mean and range over {len(runs)} seeds")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def clustering(measured: list[dict], latents: list[int], path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4))
    width = 0.38
    for i, (metric, label) in enumerate((("kmeans_purity", "k-means purity"), ("umap_acc", "UMAP+GMM accuracy"))):
        xs, means, halves = [], [], []
        for j, d in enumerate(latents):
            values = [m[f"{metric}/{d}"] for m in measured if m.get(f"{metric}/{d}") is not None]
            if values:
                mean, half = _interval(values)
                xs.append(j + (i - 0.5) * width)
                means.append(mean)
                halves.append(half)
        if xs:
            ax.bar(xs, means, width, yerr=halves, capsize=4, label=label)
    ax.set_xticks(range(len(latents)), [f"latent {d}" for d in latents])
    ax.set(ylabel="agreement with the digits", ylim=(0, 1), title="Clusters against digits: mean and 95 % interval")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def sharpening(measured: list[dict], latents: list[int], strategies: list[int], path: Path) -> None:
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(latents), figsize=(3.4 * len(latents), 3.6), squeeze=False)
    names = {0: "L1 only", 1: "strategy 1", 2: "strategy 2"}
    for ax, d in zip(axes[0], latents):
        for s in (0, *strategies):
            sharp = [m[f"sharpness/{d}/s{s}"] for m in measured if f"sharpness/{d}/s{s}" in m]
            judge = [m[f"judge/{d}/s{s}"] for m in measured if f"judge/{d}/s{s}" in m]
            if not sharp:
                continue
            (x, dx), (y, dy) = _interval(sharp), _interval(judge)
            ax.errorbar(x, y, xerr=dx, yerr=dy, fmt="o", capsize=3, label=names[s])
        ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)  # as sharp as the data
        ax.set(title=f"latent {d}", xlabel="sharpness (1.0: as sharp as the data)", ylabel="judge accuracy")
    if axes[0][0].get_legend_handles_labels()[0]:
        axes[0][0].legend(fontsize="small")
    fig.suptitle("Sharpness against the judge: mean and 95 % interval over seeds")
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def digits(run, path: Path) -> bool:
    """The first seed's test digits above each latent size's latest reconstructions of them."""
    from bumptui.engine.autoencoder.images import save_digit_rows
    from bumptui.engine.autoencoder.runs.events import decode_images

    latest = [run.reconstruction(d, max(run.reconstructions[d])) for d in run.latents if run.reconstructions[d]]
    latest = [r for r in latest if r is not None]
    if not latest:
        return False
    labels = np.array(latest[0].labels)
    save_digit_rows(path, [decode_images(latest[0].originals), *[decode_images(r.images) for r in latest]],
                    [None, *[np.array(r.judged) != labels for r in latest]])
    return True


def verdict_table(claims: dict) -> list[str]:
    rows = ["| claim | verdict | mean difference | 95 % interval | n | measured as |", "| --- | --- | --- | --- | --- | --- |"]
    for cid, c in claims.items():
        ci = "-" if c["ci"] is None else f"[{c['ci'][0]:+.4f}, {c['ci'][1]:+.4f}]"
        diff = "-" if c["difference"] is None else f"{c['difference']:+.4f}"
        rows.append(f"| {cid}: {c['claim']} | **{c['verdict']}** | {diff} | {ci} | {c['n']} | {c['metric']} |")
    return rows


def write_report(study_dir: Path, seeds: list[int], measured: list[dict], claims: dict, latents: list[int],
                 strategies: list[int], chance: float) -> dict[str, str]:
    """Write REPORT.md and its figures; {what: path} of each file written."""
    from bumptui.engine.autoencoder.jobs.study.kind import seed_dir
    from bumptui.engine.autoencoder.jobs.train.record import RunRecord

    out = guarded.folder(study_dir, REPORT)
    runs = [RunRecord.read(seed_dir(study_dir, s)) for s in seeds]
    figures = {"loss": out / "test-l1.png", "clusters": out / "clusters.png", "sharpening": out / "sharpening.png",
               "digits": out / "digits.png"}
    loss_curves(runs, figures["loss"])
    clustering(measured, latents, figures["clusters"])
    sharpening(measured, latents, strategies, figures["sharpening"])
    if not digits(runs[0], figures["digits"]):
        del figures["digits"]
    lines = [f"# The study over {len(seeds)} seeds", "",
             f"Seeds {', '.join(map(str, seeds))}, each an ordinary run directory (`seed-<k>/`). Every comparison is "
             "paired by seed; intervals are 95 % t-intervals over the seeds.", "", *verdict_table(claims), "",
             f"{len(claims)} claims read at once: where none had an effect, the chance that at least one would still "
             f"come out supported or contradicted is {chance:.0%}.", "",
             "![test L1](test-l1.png)", "", "![clusters](clusters.png)", "", "![sharpening](sharpening.png)", ""]
    if "digits" in figures:
        lines += [f"Seed {seeds[0]}'s test digits (top) and each latent size's reconstructions of them, "
                  f"latent {', '.join(map(str, runs[0].latents))} (misread ones framed red):", "", "![digits](digits.png)", ""]
    guarded.replace_with(out / "REPORT.md", "\n".join(lines).encode())
    return {"report": str(out / "REPORT.md"), **{k: str(v) for k, v in figures.items()}}
