"""Training speed with the app attached against the headless trainer, side by side in one run.

The same run (latent 2 and 16, 3 epochs of 20,000 images, batch 256) is trained once by
`run_training` alone and once from the app's Train pane, headless at 120x36, with its panes
redrawing as events arrive. Prints images per second of each and, last,
`ratio <with the app / headless>`; the target is >= 0.9 (within 10%).

    python bench/tui_training.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import events as ev  # noqa: E402
from engine.training import TrainConfig, run_training  # noqa: E402
from tui.app import BumptuiApp  # noqa: E402

CONFIG = TrainConfig(latent_dims=(2, 16), epochs=3, subset=20000, eval_every=99)


def images_per_s(events) -> float:
    ends = [e for e in events if isinstance(e, ev.EpochEnd)]
    return sum(len_ for len_ in [CONFIG.subset] * len(ends)) / sum(e.seconds for e in ends)


async def with_app(root: Path) -> list:
    app = BumptuiApp(runs_root=root)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("2")
        screen = app.screen
        for key, value in {"latent": "2 16", "epochs": str(CONFIG.epochs), "subset": str(CONFIG.subset), "name": "app"}.items():
            screen.query_one(f"#{key}").value = value
        await pilot.press("ctrl+s")
        while app.record is None or not isinstance(app.record.outcome, (ev.Done, ev.Failed, ev.Stopped)):
            await pilot.pause(0.2)
        await pilot.press("3")  # and the Latent pane for the rest of it
    from engine.rundir import read_events

    return read_events(root / "app")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run_training(root / "warm", TrainConfig(latent_dims=(2,), epochs=1, subset=20000, eval_every=99))  # judge, caches
        start = time.perf_counter()
        headless = []
        run_training(root / "headless", CONFIG, callback=headless.append)
        t_headless = time.perf_counter() - start
        start = time.perf_counter()
        attached = asyncio.run(with_app(root))
        t_app = time.perf_counter() - start
    a, b = images_per_s(headless), images_per_s(attached)
    print(f"headless run_training: {a:,.0f} images/s in training ({t_headless:.1f} s in all)")
    print(f"from the app's Train pane: {b:,.0f} images/s in training ({t_app:.1f} s in all)")
    print("target: ratio >= 0.9")
    print(f"ratio {b / a:.3f}")


if __name__ == "__main__":
    main()
