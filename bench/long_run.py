"""Long runs stay light: a 3,000-epoch run beside a 3-epoch one, on this machine, in one sitting.

    python bench/long_run.py [--epochs 3000] [--before c0d76f3]

Trains both with the same command a user types (`bumptui train --latent 2 --epochs N --subset 256
--eval-every 1000 --device cpu`), and the long one also with the code from before pictures left the
log (`--before`, a commit checked out in a temporary git worktree, run with this interpreter), for
the training loop's throughput side by side. Then, each in a fresh process: the run folder's size
without checkpoints, `bumptui report` (wall time and peak resident memory), watching the run in the
app (time from the process's start to the whole run shown, and resident memory; the app headless),
and the Runs pane listing a folder of 20 copies of the run (from the process's start, and from the
key that opens the pane).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ["--latent", "2", "--subset", "256", "--eval-every", "1000", "--device", "cpu"]

MEASURED = """
import resource, runpy, sys, time
start = time.perf_counter()
sys.argv = ["bumptui", *sys.argv[1:]]
try:
    runpy.run_module("bumptui", run_name="__main__")
except SystemExit:
    pass
print(json.dumps({"s": time.perf_counter() - start, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
      file=sys.stderr)
""".replace("import resource", "import json, resource")

WATCHED = """
import asyncio, json, resource, sys, time
start = time.perf_counter()
from pathlib import Path
from textual.widgets import DataTable
from bumptui.tui.app import BumptuiApp

run, mode = Path(sys.argv[1]), sys.argv[2]

async def main():
    app = BumptuiApp(watch=None if mode == "runs" else run, runs_root=run if mode == "runs" else run.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        if mode == "runs":
            await pilot.pause()
            pressed = time.perf_counter()
            await pilot.press("6")
            while app.screen.query_one("#runs", DataTable).row_count < 20:
                await pilot.pause(0.01)
            listing = time.perf_counter() - pressed
        else:
            while app.record is None or app.record.outcome is None:
                await pilot.pause(0.01)
        first = time.perf_counter() - start
        await pilot.pause(2.0)  # watching on, a few redraws
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first_s": first, "rss_mb": rss, "listing_s": listing if mode == "runs" else None}),
          file=sys.stderr)

asyncio.run(main())
"""


def last_json(stderr: str) -> dict:
    return json.loads(stderr.strip().splitlines()[-1])


def train(cwd: Path, run_dir: Path, epochs: int) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "bumptui", "train", *COMMAND, "--epochs", str(epochs),
                             "--run-dir", str(run_dir)], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"training failed: {result.stderr[-2000:]}")
    return time.perf_counter() - start


def folder_mb(run_dir: Path) -> float:
    return sum(p.stat().st_size for p in run_dir.rglob("*") if p.is_file() and "checkpoints" not in p.parts) / 1e6


def measured(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", MEASURED, *args], cwd=ROOT, capture_output=True, text=True)
    return last_json(result.stderr)


def watched(run: Path, mode: str) -> dict:
    result = subprocess.run([sys.executable, "-c", WATCHED, str(run), mode], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"watching failed: {result.stderr[-2000:]}")
    return last_json(result.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3000)
    parser.add_argument("--before", default="c0d76f3", help="the commit before pictures left the log")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="long-run-"))
    before = work / "before"
    try:
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=ROOT, check=True,
                       capture_output=True)
        runs = {"short": work / "runs" / "short", "long": work / "runs" / "long"}
        seconds = {"short": train(ROOT, runs["short"], 3), "long": train(ROOT, runs["long"], args.epochs),
                   "long, before": train(before, work / "old" / "long", args.epochs)}
        rows = {}
        for name, run in runs.items():
            report = measured("report", str(run), "--json")
            watch = watched(run, "watch")
            listing = work / f"list-{name}"
            for i in range(20):
                shutil.copytree(run, listing / f"run-{i:02d}", ignore=shutil.ignore_patterns("checkpoints"))
            runs_pane = watched(listing, "runs")
            rows[name] = {"train_s": seconds[name], "folder_mb": folder_mb(run),
                          "log_mb": (run / "metrics.jsonl").stat().st_size / 1e6, "report_s": report["s"],
                          "report_rss_mb": report["rss_mb"], "watch_first_s": watch["first_s"],
                          "watch_rss_mb": watch["rss_mb"], "runs_pane_20_s": runs_pane["first_s"],
                          "listing_20_s": runs_pane["listing_s"]}
        old = work / "old" / "long"
        rows["long, before"] = {"train_s": seconds["long, before"], "folder_mb": folder_mb(old),
                                "log_mb": (old / "metrics.jsonl").stat().st_size / 1e6}
        print(f"{'':14}" + "".join(f"{k:>16}" for k in rows["short"]))
        for name, row in rows.items():
            print(f"{name:14}" + "".join(f"{row.get(k, float('nan')):16.2f}" for k in rows["short"]))
        s, long = rows["short"], rows["long"]
        print(f"folder without checkpoints: {long['folder_mb']:.2f} MB (target <= 10)")
        print(f"report: {long['report_s']:.2f} s (target <= 1)")
        print(f"watch resident memory ratio long/short: {long['watch_rss_mb'] / s['watch_rss_mb']:.2f} (target <= 1.5); "
              f"first content {long['watch_first_s']:.2f} s (target <= 1)")
        print(f"Runs pane, 20 long runs: {long['runs_pane_20_s']:.2f} s from the process's start (target <= 1), "
              f"{long['listing_20_s']:.2f} s from the key (20 short runs: {s['listing_20_s']:.2f} s)")
        print(f"training throughput ratio before/after (wall time): "
              f"{rows['long, before']['train_s'] / long['train_s']:.2f} (target >= 1)")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
