"""One script for a lent GPU machine: does the CUDA path work, and how fast is it? A few minutes.

    python bench/gpu_check.py [--device cuda]        on a CUDA machine: full data
    python bench/gpu_check.py --dry-run              on the CPU, a tiny subset: every step, quickly
    python bench/gpu_check.py --quick                the end-to-end step clusters by IDEC alone

Steps: the trainer's images/s on the device and a full-data epoch of each of the three default
models (target under 1 s for the three together on an H100/H200); the trainer's CUDA graphs against
the same steps run eagerly (same weights); what bounds a step (fused Adam, a larger batch, a CUDA
graph); `bumptui train` then
`bumptui sharpen` and `bumptui cluster`, one epoch each, end to end; a training killed with SIGKILL
mid-run and resumed; the app's Train pane driving a run on the device, headless. Each step prints one line, `ok` or
`FAILED` with why; the exit status is 0 only when every step is ok.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cli(*args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bumptui", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


def trainer_step(latent: int, dev, precision: str, graphs: bool, capturable: bool | None = None):
    import torch

    from bumptui.engine.autoencoder.models import adam, make_autoencoder
    from bumptui.engine.autoencoder.training import TrainStep

    torch.manual_seed(0)
    model = make_autoencoder("mlp", latent).to(dev)
    capturable = graphs if capturable is None else capturable
    return TrainStep(model, adam(model, 1e-3, graphs=capturable), precision, graphs)


def throughput(device: str, subset: int | None, steps: int) -> str:
    import torch

    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
    from bumptui.engine.autoencoder.data import DeviceData
    from bumptui.engine.autoencoder.training import train_epoch

    dev = TrainConfig(device=device).torch_device()
    graphs = dev.type == "cuda"  # as the trainer does
    data = DeviceData.load(dev, subset)
    x = data.train_x[: steps * 256]

    def timed(step, images, seed) -> float:
        if dev.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        train_epoch(step, images, 256, torch.Generator().manual_seed(seed), threading.Event(), lambda *a: None)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    lines = []
    for precision in ("fp32", "bf16"):
        step = trainer_step(16, dev, precision, graphs)
        timed(step, x[:1280], 0)  # warm-up: kernels, allocator, autocast caches, the graph's capture
        rate = len(x) / timed(step, x, 1)
        total = 0.0
        for d in (2, 16, 256):
            total += timed(trainer_step(d, dev, precision, graphs), data.train_x, 0)
        lines.append(f"{precision}: {rate:,.0f} images/s (MLP latent 16, batch 256, {dev}); one epoch of "
                     f"{len(data.train_x):,} images for latent 2, 16 and 256 together {total:.2f} s"
                     + (f"; graphs failed: {step.graph_error}" if step.graph_error else ""))
    return "; ".join(lines) + " (target under 1 s for the three on an H100/H200 with full data)"


def graphs_match_eager(device: str, subset: int | None, steps: int) -> str:
    """The trainer's CUDA graphs change the speed, not the arithmetic: the same seeded model trained
    the same steps eagerly and through its graphs, with the same (capturable) Adam, ends with the same
    weights. (A non-capturable Adam computes its bias correction in Python doubles instead of float32
    on the device; L1's sign gradients and Adam's normalisation grow that difference over steps.)"""
    import torch

    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
    from bumptui.engine.autoencoder.data import DeviceData
    from bumptui.engine.autoencoder.training import train_epoch

    dev = TrainConfig(device=device).torch_device()
    if dev.type != "cuda":
        return "skipped: graphs are CUDA only"
    data = DeviceData.load(dev, subset)
    x = data.train_x[: steps * 256 + 100]  # a short last batch: a second graph
    lines = []
    for precision in ("fp32", "bf16"):
        eager, graphed = trainer_step(16, dev, precision, False, capturable=True), trainer_step(16, dev, precision, True)
        plain = trainer_step(16, dev, precision, False)  # for scale: the eager step with the default Adam
        for step in (eager, graphed, plain):
            for epoch in range(2):
                train_epoch(step, x, 256, torch.Generator().manual_seed(epoch), threading.Event(), lambda *a: None)
        if graphed.graph_error:
            raise RuntimeError(f"the capture failed: {graphed.graph_error}")
        def apart(one, other) -> float:
            return max((a - b).abs().max().item() for a, b in zip(one.model.parameters(), other.model.parameters()))

        diff = apart(eager, graphed)
        scale = max(p.abs().max().item() for p in eager.model.parameters())
        if diff > 1e-3 * scale:
            raise RuntimeError(f"{precision}: weights differ by {diff:.3g} (largest weight {scale:.3g})")
        lines.append(f"{precision} largest weight difference {diff:.2g} (of {scale:.2g}), "
                     f"{len(graphed._captured)} graphs; eager with a non-capturable Adam {apart(eager, plain):.2g} apart")
    return f"{2 * (steps + 1)} steps eager and through graphs: " + "; ".join(lines)


def step_bound(device: str, subset: int | None, steps: int) -> str:
    """What bounds a training step: the same MLP step at batch 256 with Adam as the trainer makes it
    (foreach), with fused Adam, at batch 1024, and (CUDA only) the whole step captured once in a CUDA
    graph and replayed, which removes the Python launch cost; steps/s and images/s of each."""
    import torch

    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
    from bumptui.engine.autoencoder.models import as_float, make_autoencoder

    dev = TrainConfig(device=device).torch_device()
    torch.manual_seed(0)
    x = (torch.rand(1024, 784, device=dev) * 255).to(torch.uint8)
    variants = [("batch 256, Adam", 256, "foreach"), ("batch 256, fused Adam", 256, "fused"),
                ("batch 1024, Adam", 1024, "foreach")]
    if dev.type == "cuda":
        variants.append(("batch 256, CUDA graph of the step", 256, "graph"))
    lines = []
    for name, batch, kind in variants:
        try:
            model = make_autoencoder("mlp", 16).to(dev)
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3,
                                         # None, not False: an explicit False turns the default foreach off too
                                         fused=True if kind == "fused" and dev.type == "cuda" else None,
                                         capturable=kind == "graph")
            images = x[:batch].clone()

            def one_step():
                out = model(as_float(images))
                loss = torch.nn.functional.l1_loss(out, as_float(images))
                loss.backward()
                optimizer.step()

            def plain_step():
                optimizer.zero_grad(set_to_none=True)
                one_step()

            run = plain_step
            if kind == "graph":  # warm up on a side stream, then capture (the documented whole-step recipe)
                side = torch.cuda.Stream()
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):
                    for _ in range(3):
                        plain_step()
                torch.cuda.current_stream().wait_stream(side)
                graph = torch.cuda.CUDAGraph()
                optimizer.zero_grad(set_to_none=True)
                with torch.cuda.graph(graph):
                    one_step()
                run = graph.replay
            for _ in range(5):
                run()
            if dev.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            for _ in range(steps):
                run()
            if dev.type == "cuda":
                torch.cuda.synchronize()
            rate = steps / (time.perf_counter() - start)
            lines.append(f"{name}: {rate:,.0f} steps/s = {rate * batch:,.0f} images/s")
        except Exception as err:  # a probe that fails says so and leaves the others standing
            lines.append(f"{name}: failed ({type(err).__name__}: {str(err)[:120]})")
    return "; ".join(lines)


def end_to_end(device: str, tiny: list[str], runs: Path, quick: bool) -> str:
    run = runs / "end-to-end"
    latents = ["--latent", "16"] if tiny else []  # a dry run: one model is enough to take every step
    trained = cli("train", "--device", device, "--epochs", "1", "--run-dir", str(run), "--json", *latents, *tiny)
    if trained.returncode:
        raise RuntimeError(f"train: {trained.stderr.strip().splitlines()[-1:]}")
    start = time.perf_counter()
    sharpened = cli("sharpen", str(run), "--epochs", "1", "--json", *(["--dis-epochs", "1"] if tiny else []))
    if sharpened.returncode:
        raise RuntimeError(f"sharpen: {sharpened.stderr.strip().splitlines()[-1:]}")
    sharpen_s = time.perf_counter() - start
    start = time.perf_counter()
    # A dry or quick run clusters by IDEC alone (its device path); UMAP runs on the CPU and its numba
    # compile costs minutes of a lent GPU.
    clustered = cli("cluster", str(run), "--epochs", "1", "--seeds", "1", "--json",
                    *(["--method", "idec"] if tiny or quick else []))
    if clustered.returncode:
        raise RuntimeError(f"cluster: {clustered.stderr.strip().splitlines()[-1:]}")
    methods = json.loads(clustered.stdout)["methods"]
    models = json.loads(trained.stdout)["models"]
    l1 = ", ".join(f"latent {d} test L1 {m['test_l1']:.4f}" for d, m in models.items())
    acc = ", ".join(f"{method} {row[d]['acc']:.3f}" for method, row in methods.items() for d in list(row)[-1:])
    return (f"train, sharpen and cluster finished ({l1}; sharpening {sharpen_s:.0f} s; clustering "
            f"{time.perf_counter() - start:.0f} s, accuracy of the last model: {acc})")


def box_sampled(device: str, subset: str | None, runs: Path) -> str:
    """A training in this process with the box sampled every 0.2 s: on CUDA the samples hold the GPU's
    row, busy at some point, and its memory in use is at least what torch reserved, and not much more
    (the CUDA context and other processes); on the CPU they say no GPU is in use."""
    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig
    from bumptui.engine.autoencoder.jobs.train.run import run_training
    from bumptui.engine.autoencoder.runs import events as ev
    from bumptui.engine.autoencoder.runs import system
    from bumptui.engine.autoencoder.runs.log import read_events

    system.SAMPLE_EVERY_S = 0.2
    run = runs / "box-sampled"
    run_training(run, TrainConfig(latent_dims=(16, 256), epochs=2 if subset else 5, subset=int(subset) if subset else None,
                                  device=device, eval_every=1000))
    samples = [e for e in read_events(run) if isinstance(e, ev.SystemSample)]
    if not samples:
        raise RuntimeError("no system samples in the log")
    if not device.startswith("cuda"):
        notes = {s.gpu_note for s in samples}
        if notes != {"no GPU in use"} or any(s.gpus for s in samples):
            raise RuntimeError(f"GPU rows or notes on the CPU: {notes}")
        return f"{len(samples)} samples, no GPU rows (CPU), peak process RSS {max(s.proc_rss for s in samples):.0f} MB"
    import torch

    rows = [r for s in samples for r in s.gpus]
    if not rows:
        raise RuntimeError(f"no GPU rows: {samples[-1].gpu_note}")
    busiest = max(r["util"] for r in rows)
    used = max(r["mem_used"] for r in rows)
    reserved = torch.cuda.max_memory_reserved() / 2**20
    if busiest <= 0:
        raise RuntimeError("the GPU was never seen busy")
    if not reserved <= used <= reserved + 4096:
        raise RuntimeError(f"memory in use {used:.0f} MB against {reserved:.0f} MB reserved by torch")
    return (f"{len(samples)} samples; GPU util up to {busiest:.0f}%, memory in use up to {used:.0f} MB "
            f"(torch reserved {reserved:.0f} MB), {max(r['temp'] for r in rows):.0f}°C, "
            f"{max(r['power'] for r in rows):.0f} W")


def kill_and_resume(device: str, tiny: list[str], runs: Path) -> str:
    from bumptui.engine.autoencoder.jobs.train.events import RunStarted, StepLoss
    from bumptui.engine.autoencoder.runs.log import read_events

    run = runs / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "bumptui", "train", "--device", device, "--latent", "16", "--epochs",
                             "3", "--run-dir", str(run), *tiny], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if any(isinstance(e, StepLoss) and e.epoch == 2 for e in read_events(run)):
                break
        except Exception:
            pass
        time.sleep(0.05)
    if proc.poll() is not None:
        raise RuntimeError("the run ended before it could be killed in epoch 2")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    resumed = cli("train", "--resume", "--run-dir", str(run), "--json")
    if resumed.returncode:
        raise RuntimeError(f"resume: {resumed.stderr.strip().splitlines()[-1:]}")
    restart = [e for e in read_events(run) if isinstance(e, RunStarted)][-1]
    return (f"killed in epoch 2, resumed after epoch {restart.resumed_epochs['16']} "
            f"(stale lock of {restart.stale_lock_pid} taken over), finished 3 epochs")


def app_drives_a_run(device: str, subset: str | None, runs: Path) -> str:
    from textual.widgets import Input, Select

    from bumptui.engine.autoencoder.runs.events import Done
    from bumptui.tui.app import BumptuiApp

    async def drive() -> str:
        app = BumptuiApp(runs_root=runs)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("2")
            form = app.screen
            for key, value in dict(latent="16", epochs="1", subset=subset or "", name="from-the-app").items():
                form.query_one(f"#{key}", Input).value = value
            form.query_one("#device", Select).value = "cuda" if device.startswith("cuda") else device
            await pilot.press("ctrl+s")
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and not (app.record and app.record.outcome):
                await pilot.pause(0.2)
            outcome = app.record.outcome if app.record else None
            if not isinstance(outcome, Done):
                raise RuntimeError(f"the app's run ended with {outcome!r}; notices: {app.notices[-1:]}")
            return f"the Train pane trained on {app.record.started.device} to the end"

    return asyncio.run(drive())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dry-run", action="store_true", help="on the CPU with a tiny subset: every step, quickly")
    parser.add_argument("--quick", action="store_true", help="cluster by IDEC alone (UMAP's CPU minutes left out)")
    args = parser.parse_args()
    device = "cpu" if args.dry_run else args.device
    subset = "300" if args.dry_run else None
    tiny = ["--subset", subset, "--batch-size", "64"] if subset else []
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        runs = Path(tmp) / "runs"
        runs.mkdir()
        steps = [("throughput", lambda: throughput(device, int(subset) if subset else None, 4 if subset else 200)),
                 ("graphs match eager", lambda: graphs_match_eager(device, int(subset) if subset else None, 4 if subset else 50)),
                 ("step bound", lambda: step_bound(device, None, 3 if subset else 300)),
                 ("end to end", lambda: end_to_end(device, tiny, runs, args.quick)),
                 ("kill and resume", lambda: kill_and_resume(device, tiny, runs)),
                 ("box sampled", lambda: box_sampled(device, subset, runs)),
                 ("app", lambda: app_drives_a_run(device, subset, runs))]
        for name, step in steps:
            start = time.perf_counter()
            try:
                print(f"{name}: ok, {step()} [{time.perf_counter() - start:.1f} s]", flush=True)
            except Exception as err:  # one line per step, whatever went wrong
                failed += 1
                print(f"{name}: FAILED, {type(err).__name__}: {err} [{time.perf_counter() - start:.1f} s]", flush=True)
    print(f"{len(steps) - failed} of {len(steps)} steps ok on {device}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
