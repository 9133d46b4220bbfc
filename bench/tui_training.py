"""Training speed with the app attached against the headless CLI, side by side in one run.

The same run (latent 2 and 16, 3 epochs of 20,000 images, batch 256) is trained once by
`bumptui train` and once from the app's Train pane (headless, 120x36, its panes redrawing as
events arrive), each in a fresh process of its own, after a first process has cached the judge;
the pair is repeated --rounds times, alternating, and the medians are compared (one sample of
each varied by 10% on the shared 2-core machine). Prints images per second inside the training
loop of each and, last, `ratio <with the app / headless>`; the target is >= 0.9 (within 10%).

    python bench/tui_training.py [--rounds 3]

(A fresh process matters: torch computes fastest in the first thread that used it. The app trains
in its worker thread and touches torch nowhere else, as the headless CLI trains in its main thread.)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LATENTS, EPOCHS, SUBSET = "2 16", 3, 20000


def images_per_s(run_dir: Path) -> float:
    from bumptui.engine.autoencoder.jobs.train.events import EpochEnd
    from bumptui.engine.autoencoder.runs.log import read_events

    ends = [e for e in read_events(run_dir) if isinstance(e, EpochEnd)]
    return len(ends) * SUBSET / sum(e.seconds for e in ends)


def cli(root: Path, name: str, latents: str, epochs: int) -> None:
    subprocess.run([sys.executable, "-m", "bumptui", "train", "--latent", *latents.split(), "--epochs", str(epochs),
                    "--subset", str(SUBSET), "--eval-every", "99", "--run-dir", str(root / name)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def with_app(root: Path, name: str) -> None:
    from bumptui.engine.autoencoder.runs.events import Done, Failed, Stopped
    from bumptui.tui.app import BumptuiApp

    app = BumptuiApp(runs_root=root)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("2")
        for key, value in {"latent": LATENTS, "epochs": str(EPOCHS), "subset": str(SUBSET), "name": name}.items():
            app.screen.query_one(f"#{key}").value = value
        await pilot.press("ctrl+s")
        while app.record is None or not isinstance(app.record.outcome, (Done, Failed, Stopped)):
            await pilot.pause(0.2)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--app-side":
        asyncio.run(with_app(Path(sys.argv[2]), sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    headless, attached = [], []
    with tempfile.TemporaryDirectory() as tmp:
        cli(Path(tmp), "warm", "2", 1)  # trains and caches the judge for this subset
        for i in range(args.rounds):
            cli(Path(tmp), f"headless-{i}", LATENTS, EPOCHS)
            subprocess.run([sys.executable, __file__, "--app-side", tmp, f"app-{i}"], cwd=ROOT, check=True)
            headless.append(images_per_s(Path(tmp) / f"headless-{i}"))
            attached.append(images_per_s(Path(tmp) / f"app-{i}"))
    print(f"latent {LATENTS}, {EPOCHS} epochs of {SUBSET:,} images, batch 256, each in a fresh process, "
          f"median of {args.rounds} rounds (the rounds in brackets)")
    print(f"bumptui train (headless):   {statistics.median(headless):,.0f} images/s in the training loop "
          f"[{' / '.join(f'{v:,.0f}' for v in headless)}]")
    print(f"the app's Train pane:       {statistics.median(attached):,.0f} images/s in the training loop "
          f"[{' / '.join(f'{v:,.0f}' for v in attached)}]")
    print("target: ratio >= 0.9")
    print(f"ratio {statistics.median(attached) / statistics.median(headless):.3f}")


if __name__ == "__main__":
    main()
