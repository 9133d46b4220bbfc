"""How long a pane takes to redraw when its run has news, at 120x36 (target: under 50 ms).

Builds a long run in memory (100 epochs x 3 models, 20 logged steps an epoch, as a 100-epoch
`bumptui train` records), opens each autoencoder pane on it in a headless app, and times
`show_run` plus the render of what it drew (every visible line of a scrolling view), the work
done on the UI thread after each message.
Prints the median per pane and, last, `ratio <worst median / 50 ms>`.

    python bench/pane_update.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bumptui.engine.autoencoder.jobs.train.events import ClusterScores, EpochEnd, LatentSnapshot, Reconstructions, RunStarted, StepLoss  # noqa: E402
from bumptui.engine.autoencoder.runs.log import read_events  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.record import RunRecord  # noqa: E402
from bumptui.tui.app import BumptuiApp  # noqa: E402
from textual.scroll_view import ScrollView  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "runs" / "tiny-run"
TARGET_MS = 50.0


def long_record() -> RunRecord:
    """The fixture's scores and pictures, stretched to 100 epochs of three models."""
    base = read_events(FIXTURE)
    record = RunRecord(FIXTURE)
    started = next(e for e in base if isinstance(e, RunStarted))
    record.add(RunStarted(started.run_dir, {**started.config, "latent_dims": [2, 16, 256], "epochs": 100},
                             "cpu", {}, None))
    snap = next(e for e in base if isinstance(e, LatentSnapshot))
    recon = next(e for e in base if isinstance(e, Reconstructions))
    scores = next(e for e in base if isinstance(e, ClusterScores) and e.latent is not None)
    for epoch in range(1, 101):
        for d in (2, 16, 256):
            for step in range(1, 21):
                record.add(StepLoss(d, epoch, step, 20, 0.2 / (epoch + step / 20)))
            record.add(EpochEnd(d, epoch, 0.1 / epoch, 0.1 / epoch, 4.0, 15000.0))
            record.add(LatentSnapshot(d, epoch, snap.xy * 2, snap.labels * 2, snap.projection))
            record.add(Reconstructions(d, epoch, recon.labels, recon.originals, recon.images, recon.judged, 0.9))
            record.add(ClusterScores(d, epoch, *[getattr(scores, k) for k in ("purity", "nmi", "ari", "acc")],
                                        scores.contingency, False))
    return record


async def measure() -> dict[str, float]:
    record = long_record()
    app = BumptuiApp(runs_root=FIXTURE.parent)
    results = {}
    async with app.run_test(size=(120, 36)) as pilot:
        app.record = record
        for key, name in (("2", "train"), ("3", "latent"), ("4", "clusters"), ("5", "reconstructions")):
            await pilot.press(key)
            await pilot.pause()
            screen = app.screen
            times = []
            for i in range(15):
                # A new epoch arrives: each pane must redraw (the panes skip redraws of what they show).
                record.add(StepLoss(2, 100, 20, 20, 0.001 * i))
                epoch = 101 + i
                for d in (2, 16, 256):
                    record.add(LatentSnapshot(d, epoch, record.snapshots[d][100].xy, record.snapshots[d][100].labels, "pca"))
                    r = record.reconstructions[d][100]
                    record.add(Reconstructions(d, epoch, r.labels, r.originals, r.images, r.judged, 0.9))
                start = time.perf_counter()
                screen.show_run(app.view())
                for widget in screen.query("*"):  # what the compositor would draw next
                    if isinstance(widget, ScrollView):
                        for y in range(widget.size.height):
                            widget.render_line(y)
                    elif widget.display:
                        widget.render()
                times.append((time.perf_counter() - start) * 1000)
            results[name] = statistics.median(times)
    return results


def main() -> None:
    results = asyncio.run(measure())
    for name, ms in results.items():
        print(f"{name:>16} pane: {ms:6.1f} ms per update (median of 15, 120x36, 100 epochs x 3 models)")
    print(f"target: under {TARGET_MS:.0f} ms")
    print(f"ratio {max(results.values()) / TARGET_MS:.3f}")


if __name__ == "__main__":
    main()
