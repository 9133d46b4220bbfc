"""`bumptui train` and `bumptui report`: the autoencoder lab without the app.

torch is imported only when one of these commands runs, so the rest of the CLI stays quick.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from engine.autoencoder.config import ARCHITECTURES, DEFAULT_LAMBDA, DEVICES, INITS, KMEANS_SCALINGS, lambda_text

PLAIN_LINE_EVERY_S = 5.0
DETACH_WAIT_S = 60.0


def add_parsers(sub) -> None:
    train = sub.add_parser("train", help="train the MNIST autoencoders headless, into a run directory")
    train.add_argument("--latent", type=int, nargs="+", default=None, metavar="D", help="latent sizes (default 2 16 256)")
    train.add_argument("--epochs", type=int, default=None, help="epochs (default 10; with --resume, the new total)")
    train.add_argument("--arch", choices=ARCHITECTURES, default=None)
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--lr", type=float, default=None)
    train.add_argument("--subset", type=int, default=None, help="train on the first N images (100 to 60000)")
    train.add_argument("--device", choices=DEVICES, default=None)
    train.add_argument("--seed", type=int, default=None)
    train.add_argument("--eval-every", type=int, default=None, help="epochs between k-means and judge scores")
    train.add_argument("--kmeans-scaling", choices=KMEANS_SCALINGS, default=None,
                       help="scale codes before k-means: none (default), standard (per coordinate), unit (length 1)")
    train.add_argument("--data-dir", default=None, help="MNIST files, or a torchvision root with MNIST/raw/")
    train.add_argument("--run-dir", default=None, help="default: runs/ae-<date>-<time>")
    train.add_argument("--resume", action="store_true", help="continue the run in --run-dir from its newest checkpoints")
    train.add_argument("--detach", action="store_true", help="train in a process of its own that outlives this terminal")
    train.add_argument("--json", action="store_true", help="print the final scores as one JSON object")
    report = sub.add_parser("report", help="a run's scores as a table, and PNG grids of its reconstructions")
    report.add_argument("run_dir")
    report.add_argument("--json", action="store_true")
    watch = sub.add_parser("watch", help="open the app on a run started elsewhere, following it live")
    watch.add_argument("run_dir")
    sharpen = sub.add_parser("sharpen", help="retrain a run's autoencoders with L1 + dis_net's loss (into RUN_DIR/sharpen)")
    sharpen.add_argument("run_dir")
    sharpen.add_argument("--strategy", choices=("1", "2", "both"), default=None,
                         help="1: D also learns reconstructions as fake; 2: D learns blur only (default both)")
    sharpen.add_argument("--lambda", dest="lam", type=float, default=None,
                         help="weight of the adversarial loss, for every strategy (default: "
                              + ", ".join(f"{v:g} for strategy {s}" for s, v in DEFAULT_LAMBDA.items()) + ")")
    sharpen.add_argument("--epochs", type=int, default=None, help="epochs (default 3; with --resume, the new total)")
    sharpen.add_argument("--from", dest="init", choices=INITS, default=None,
                         help="start from the run's trained model (plain, default) or from fresh weights")
    sharpen.add_argument("--latent", type=int, nargs="+", default=None, metavar="D", help="default: every model of the run")
    sharpen.add_argument("--lr", type=float, default=None, help="the autoencoder's learning rate (default 1e-3)")
    sharpen.add_argument("--d-lr", type=float, default=None, help="dis_net's learning rate (default 2e-4)")
    sharpen.add_argument("--d-steps", type=int, default=None, help="D updates per G update (default 1)")
    sharpen.add_argument("--blur-kernel", type=int, default=None, help="odd Gaussian kernel size (default 5)")
    sharpen.add_argument("--blur-sigma", type=float, nargs=2, default=None, metavar=("LOW", "HIGH"),
                         help="each blurred copy's sigma is drawn from this range (default 1 2)")
    sharpen.add_argument("--dis-epochs", type=int, default=None, help="dis_net's epochs on clear vs blurred (default: at least 200 updates)")
    sharpen.add_argument("--seed", type=int, default=None)
    sharpen.add_argument("--data-dir", default=None, help="MNIST files, or a torchvision root with MNIST/raw/")
    sharpen.add_argument("--resume", action="store_true", help="continue the run's sharpening from its newest checkpoints")
    sharpen.add_argument("--detach", action="store_true", help="sharpen in a process of its own that outlives this terminal")
    sharpen.add_argument("--json", action="store_true", help="print the comparison as one JSON object")
    compare = sub.add_parser("compare", help="plain (a) vs strategy 1 vs strategy 2 of a sharpened run, and PNG grids")
    compare.add_argument("run_dir")
    compare.add_argument("--json", action="store_true")


def train_config(args):
    from engine.autoencoder.training import TrainConfig

    given = {
        "latent_dims": tuple(args.latent) if args.latent else None, "epochs": args.epochs, "arch": args.arch,
        "batch_size": args.batch_size, "lr": args.lr, "subset": args.subset, "device": args.device,
        "seed": args.seed, "eval_every": args.eval_every, "kmeans_scaling": args.kmeans_scaling,
    }
    return TrainConfig(**{k: v for k, v in given.items() if v is not None})


def cmd_train(args, argv: list[str]) -> int:
    from engine.autoencoder.training import prepare_run_dir, run_training

    if args.resume and not args.run_dir:
        from engine.autoencoder.runs.rundir import RunError

        raise RunError("--resume needs --run-dir: the run to continue.")
    run_dir = Path(args.run_dir or Path("runs") / datetime.now().strftime("ae-%Y%m%d-%H%M%S"))
    config = None if (args.resume and args.epochs is None) else train_config(args)
    config = prepare_run_dir(run_dir, config, args.resume)  # every user error before any work
    if args.detach:
        return detach(run_dir, argv)
    summary = run_job(run_training, run_dir, config, args, f"bumptui train --resume --run-dir {run_dir}", "training")
    if isinstance(summary, int):
        return summary
    if args.json:
        print(json.dumps(summary))
    else:
        from tui.report import print_scores

        print_scores(summary)
        print(f"run: {summary['run_dir']}")
    return 0


def run_job(job, run_dir: Path, config, args, resume_command: str, what: str) -> dict | int:
    """run_training or run_sharpen with a progress display: its summary, or the exit code when it
    did not finish (130 after ctrl+c, 1 when it stopped or failed, with the reason on stderr)."""
    progress = Progress(config, json_out=args.json)
    try:
        summary = job(run_dir, config, resume=args.resume, callback=progress, data_dir=args.data_dir)
    except KeyboardInterrupt:
        progress.close()
        print(f"Stopped. Continue with: {resume_command}", file=sys.stderr)
        return 130
    progress.close()
    if summary is None:
        print(f"bumptui: {progress.failure or f'{what} did not finish.'}", file=sys.stderr)
        return 1
    return summary


def detach(run_dir: Path, argv: list[str], folder: Path | None = None, what: str = "Training", hint: str = "") -> int:
    """Start the same command without --detach in a new session, logging to <folder>/<command>.log
    (folder: run_dir, or where the command records itself), and return once it has started."""
    folder = folder or run_dir
    folder.mkdir(parents=True, exist_ok=True)
    child_args = [a for a in argv if a != "--detach"]
    if argv[0] == "train" and "--run-dir" not in child_args:
        child_args += ["--run-dir", str(run_dir)]
    log_path = folder / f"{argv[0]}.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "tui.cli", *child_args], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + DETACH_WAIT_S
    while time.monotonic() < deadline:  # until the child has started recording, or has failed
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-1:]
            print(f"bumptui: the detached run exited at once: {' '.join(tail) or 'no message'}", file=sys.stderr)
            return 2
        if (folder / "metrics.jsonl").exists():
            break
        time.sleep(0.1)
    print(run_dir)
    print(f"{what} in process {proc.pid}; follow it with: bumptui watch {run_dir}{hint}  (log: {log_path})",
          file=sys.stderr)
    return 0


class Progress:
    """A rich progress bar per model on a terminal; plain lines, at most every few seconds, elsewhere."""

    def __init__(self, config, json_out: bool):
        self.config = config
        self.failure: str | None = None
        self.tty = sys.stderr.isatty()
        self._last_line = 0.0
        self.bar = None
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

            self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                           TextColumn("{task.fields[status]}"), TimeRemainingColumn(),
                           console=Console(stderr=True), transient=False)
            self.bar.start()
            self.tasks = {}

    def __call__(self, event) -> None:
        kind = type(event).__name__
        if kind == "Failed":
            self.failure = event.message
        if self.bar is not None:
            self._bar(event, kind)
        else:
            self._plain(event, kind)

    def _bar(self, event, kind) -> None:
        if kind == "SharpenStarted":
            for key, done in event.resumed_epochs.items():
                strategy, latent = key[1:].split("-")
                name = "L1 only" if strategy == "0" else f"strategy {strategy}"
                self.tasks[key] = self.bar.add_task(f"latent {latent:>3} {name:<10}", total=self.config.epochs,
                                                    completed=done, status="")
        elif kind == "SharpenStep":
            self.bar.update(self.tasks[f"s{event.strategy}-{event.latent}"],
                            completed=event.epoch - 1 + event.step / event.steps_per_epoch,
                            status=f"epoch {event.epoch} G L1 {event.g_l1:.4f} adv {event.g_adv:.3f}"
                                   + (f" D acc {event.d_acc:.2f}" if event.d_acc is not None else ""))
        elif kind == "SharpenScores" and event.model != "a":
            self.bar.update(self.tasks[f"{event.model}-{event.latent}"], completed=event.epoch,
                            status=f"sharpness {event.sharpness:.3f} judge {event.judge_acc:.3f}")
        elif kind == "RunStarted":
            for d in self.config.latent_dims:
                done = event.resumed_epochs.get(str(d), 0)
                self.tasks[d] = self.bar.add_task(f"latent {d:>3}", total=self.config.epochs, completed=done, status="")
        elif kind == "StepLoss":
            self.bar.update(self.tasks[event.latent], completed=event.epoch - 1 + event.step / event.steps_per_epoch,
                            status=f"epoch {event.epoch} loss {event.loss:.4f}")
        elif kind == "EpochEnd":
            self.bar.update(self.tasks[event.latent], completed=event.epoch,
                            status=f"test L1 {event.test_l1:.4f}, {event.images_per_s:,.0f} img/s")
        elif kind in ("JudgeReady", "DisReady", "Stopped", "Failed") or (kind == "SharpenScores" and event.model == "a"):
            self.bar.console.print(self._line(event, kind))

    def _plain(self, event, kind) -> None:
        now = time.monotonic()
        if kind in ("StepLoss", "SharpenStep") and now - self._last_line < PLAIN_LINE_EVERY_S:
            return
        line = self._line(event, kind)
        if line:
            self._last_line = now
            print(line, file=sys.stderr, flush=True)

    @staticmethod
    def _line(event, kind) -> str:
        if kind == "RunStarted":
            resumed = {k: v for k, v in event.resumed_epochs.items() if v}
            return f"run {event.run_dir} on {event.device}" + (f", resuming after epochs {resumed}" if resumed else "")
        if kind == "JudgeReady":
            return f"judge: {event.test_acc:.2%} on the real test digits" + (" (cached)" if event.cached else "")
        if kind == "StepLoss":
            return f"latent {event.latent}: epoch {event.epoch} step {event.step}/{event.steps_per_epoch} loss {event.loss:.4f}"
        if kind == "EpochEnd":
            return (f"latent {event.latent}: epoch {event.epoch} train L1 {event.train_l1:.4f} test L1 {event.test_l1:.4f} "
                    f"({event.seconds:.1f} s, {event.images_per_s:,.0f} img/s)")
        if kind == "ClusterScores" and event.latent is not None:
            return f"latent {event.latent}: k-means purity {event.purity:.3f} acc {event.acc:.3f} NMI {event.nmi:.3f}"
        if kind == "SharpenStarted":
            resumed = {k: v for k, v in event.resumed_epochs.items() if v}
            return (f"sharpening {event.run_dir} on {event.device}, "
                    f"{lambda_text(event.config['lam'], event.config['strategies'])}"
                    + (f", resuming after epochs {resumed}" if resumed else ""))
        if kind == "DisReady":
            return (f"dis_net: {event.held_out_acc:.2%} on held-out clear vs blurred test digits"
                    + (" (cached)" if event.cached else ""))
        if kind == "SharpenStep":
            d = "" if event.d_loss is None else f" D loss {event.d_loss:.3f} D acc {event.d_acc:.2f}"
            who = f"strategy {event.strategy}" if event.strategy else "L1 only"
            return (f"latent {event.latent} {who}: epoch {event.epoch} step {event.step}/"
                    f"{event.steps_per_epoch} G L1 {event.g_l1:.4f} G adv {event.g_adv:.3f}{d}")
        if kind == "SharpenScores":
            who = {"a": "(a) plain", "s0": f"L1 only epoch {event.epoch}"}.get(
                event.model, f"strategy {event.model[1:]} epoch {event.epoch}")
            return (f"latent {event.latent} {who}: test L1 {event.test_l1:.4f} clear {event.clear_score:.3f} "
                    f"sharpness {event.sharpness:.3f} judge {event.judge_acc:.4f}")
        if kind in ("Stopped", "Failed"):
            return getattr(event, "reason", None) or event.message
        return ""

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def sharpen_config(args):
    from engine.autoencoder.config import STRATEGIES, SharpenConfig

    given = {
        "strategies": None if args.strategy is None else (STRATEGIES if args.strategy == "both" else (int(args.strategy),)),
        "lam": args.lam, "epochs": args.epochs, "init": args.init,
        "latent_dims": tuple(args.latent) if args.latent else None, "lr": args.lr, "d_lr": args.d_lr,
        "d_steps": args.d_steps, "blur_kernel": args.blur_kernel,
        "blur_sigma": tuple(args.blur_sigma) if args.blur_sigma else None, "dis_epochs": args.dis_epochs,
        "seed": args.seed,
    }
    return SharpenConfig(**{k: v for k, v in given.items() if v is not None})


def cmd_sharpen(args, argv: list[str]) -> int:
    from engine.autoencoder.sharpening.run import prepare_sharpen, run_sharpen

    run_dir = Path(args.run_dir)
    config = None if (args.resume and args.epochs is None) else sharpen_config(args)
    _, config = prepare_sharpen(run_dir, config, args.resume)  # every user error before any work
    if args.detach:
        from engine.autoencoder.runs.rundir import sharpen_dir

        return detach(run_dir, argv, sharpen_dir(run_dir), "Sharpening", ", then key 7")
    summary = run_job(run_sharpen, run_dir, config, args, f"bumptui sharpen {run_dir} --resume", "sharpening")
    if isinstance(summary, int):
        return summary
    from tui.report import compare

    return compare(run_dir, args.json)


def cmd_compare(args) -> int:
    from tui.report import compare

    return compare(Path(args.run_dir), args.json)


def cmd_report(args) -> int:
    from tui.report import report

    return report(Path(args.run_dir), args.json)
