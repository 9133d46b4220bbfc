"""What a long command shows while it works: a progress bar per model on a terminal, plain lines
elsewhere; and the detached start of a command that outlives its terminal."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from dataclasses import asdict
from types import SimpleNamespace

from engine.autoencoder.jobs.cluster import events as cluster_ev
from engine.autoencoder.jobs.sharpen import events as sharpen_ev
from engine.autoencoder.jobs.sharpen.config import lambda_text
from engine.autoencoder.jobs.train import events as train_ev
from engine.autoencoder.runs import events as common_ev
from engine.autoencoder.runs.log import METRICS
from engine.autoencoder.sharpening.comparison import MODEL_NAMES, PLAIN, PairKey

ev = SimpleNamespace(**{name: getattr(module, name) for module in (common_ev, train_ev, sharpen_ev, cluster_ev)
                        for name in dir(module) if name[0].isupper()})
"""The built-in kinds' events by name, as the displays below match on them; another kind's events
are told plainly, field by field (`fields_line`)."""
BUILT_IN = {m.__name__ for m in (common_ev, train_ev, sharpen_ev, cluster_ev)}

PLAIN_LINE_EVERY_S = 5.0
"""Plain progress lines (stderr not a terminal) are at most this often, so a log stays readable."""
DETACH_WAIT_S = 60.0
"""How long `--detach` waits for the child to start recording before it gives up waiting."""


def run_job(kind, plan, args) -> dict | int:
    """A kind's checked plan run with a progress display: its summary, or the exit code when it did
    not finish (130 after ctrl+c, 1 when it stopped or failed, with the reason on stderr)."""
    progress = Progress(plan.config, json_out=args.json)
    try:
        summary = kind.start(plan, callback=progress, data_dir=args.data_dir)
    except KeyboardInterrupt:
        progress.close()
        print(f"Stopped. Continue with: {kind.resume_command(plan.run_dir)}", file=sys.stderr)
        return 130
    progress.close()
    if summary is None:
        print(f"bumptui: {progress.failure or f'{kind.doing} did not finish.'}", file=sys.stderr)
        return 1
    return summary


def detach(kind, run_dir: Path, argv: list[str]) -> int:
    """Start the same command without --detach in a new session, logging to <folder>/<command>.log
    (where the kind records itself), and return once it has started."""
    folder = kind.folder(run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    child_args = [a for a in argv if a != "--detach"]
    if not kind.inside_run and "--run-dir" not in child_args:
        child_args += ["--run-dir", str(run_dir)]
    log_path = folder / f"{kind.name}.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "cli", *child_args], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + DETACH_WAIT_S
    while time.monotonic() < deadline:  # until the child has started recording, or has failed
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-1:]
            print(f"bumptui: the detached run exited at once: {' '.join(tail) or 'no message'}", file=sys.stderr)
            return 2
        if (folder / METRICS).exists():
            break
        time.sleep(0.1)
    print(run_dir)
    print(f"{kind.doing.capitalize()} in process {proc.pid}; follow it with: bumptui watch {run_dir}{kind.watch_hint}"
          f"  (log: {log_path})",
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
        if isinstance(event, ev.Failed):
            self.failure = event.message
        if self.bar is not None:
            self._bar(event)
        else:
            self._plain(event)

    def _bar(self, event) -> None:
        match event:
            case ev.SharpenStarted():
                for text, done in event.resumed_epochs.items():
                    key = PairKey.parse(text)
                    self.tasks[key] = self.bar.add_task(f"latent {key.latent:>3} {key.label:<10}",
                                                        total=self.config.epochs, completed=done, status="")
            case ev.SharpenStep():
                self.bar.update(self.tasks[PairKey(event.strategy, event.latent)],
                                completed=event.epoch - 1 + event.step / event.steps_per_epoch,
                                status=f"epoch {event.epoch} G L1 {event.g_l1:.4f} adv {event.g_adv:.3f}"
                                       + (f" D acc {event.d_acc:.2f}" if event.d_acc is not None else ""))
            case ev.SharpenScores() if event.model != PLAIN:
                self.bar.update(self.tasks[PairKey(int(event.model[1:]), event.latent)], completed=event.epoch,
                                status=f"sharpness {event.sharpness:.3f} judge {event.judge_acc:.3f}")
            case ev.RunStarted():
                for d in self.config.latent_dims:
                    done = event.resumed_epochs.get(str(d), 0)
                    self.tasks[d] = self.bar.add_task(f"latent {d:>3}", total=self.config.epochs, completed=done,
                                                      status="")
            case ev.StepLoss():
                self.bar.update(self.tasks[event.latent], completed=event.epoch - 1 + event.step / event.steps_per_epoch,
                                status=f"epoch {event.epoch} loss {event.loss:.4f}")
            case ev.EpochEnd():
                self.bar.update(self.tasks[event.latent], completed=event.epoch,
                                status=f"test L1 {event.test_l1:.4f}, {event.images_per_s:,.0f} img/s")
            case ev.ClusterStarted():
                self.tasks["fixed"] = self.bar.add_task("k-means, UMAP", total=event.scorings, status="")
                for text, epochs in event.resumed_epochs.items():
                    self.tasks[int(text)] = self.bar.add_task(f"IDEC latent {text:>3}", total=self.config.epochs,
                                                              completed=epochs, status="")
            case ev.MethodScores() if event.method != "idec":
                self.bar.update(self.tasks["fixed"], advance=1, status=f"{event.method} {event.features} "
                                                                      f"seed {event.seed}: acc {event.acc:.3f}")
            case ev.IdecStep():
                self.bar.update(self.tasks[event.latent], completed=event.epoch - 1 + event.step / event.steps_per_epoch,
                                status=f"epoch {event.epoch} L1 {event.l1:.4f} KL {event.kl:.4f}")
            case ev.MethodScores():
                self.bar.update(self.tasks[event.latent], completed=event.epoch,
                                status=f"acc {event.acc:.3f} NMI {event.nmi:.3f}")
            case ev.JudgeReady() | ev.DisReady() | ev.Stopped() | ev.Failed() | ev.SharpenScores():
                self.bar.console.print(self._line(event))
            case _ if type(event).__module__ not in BUILT_IN and not hasattr(event, "step"):
                self.bar.console.print(fields_line(event))  # a kind this display does not know

    def _plain(self, event) -> None:
        now = time.monotonic()
        if hasattr(event, "step") and now - self._last_line < PLAIN_LINE_EVERY_S:  # a batch's losses
            return
        line = self._line(event)
        if line:
            self._last_line = now
            print(line, file=sys.stderr, flush=True)

    @staticmethod
    def _line(event) -> str:
        match event:
            case ev.RunStarted():
                resumed = {k: v for k, v in event.resumed_epochs.items() if v}
                return f"run {event.run_dir} on {event.device}" + (f", resuming after epochs {resumed}" if resumed else "")
            case ev.JudgeReady():
                return f"judge: {event.test_acc:.2%} on the real test digits" + (" (cached)" if event.cached else "")
            case ev.StepLoss():
                return (f"latent {event.latent}: epoch {event.epoch} step {event.step}/{event.steps_per_epoch} "
                        f"loss {event.loss:.4f}")
            case ev.EpochEnd():
                return (f"latent {event.latent}: epoch {event.epoch} train L1 {event.train_l1:.4f} test L1 "
                        f"{event.test_l1:.4f} ({event.seconds:.1f} s, {event.images_per_s:,.0f} img/s)")
            case ev.ClusterScores() if event.latent is not None:
                return f"latent {event.latent}: k-means purity {event.purity:.3f} acc {event.acc:.3f} NMI {event.nmi:.3f}"
            case ev.SharpenStarted():
                resumed = {k: v for k, v in event.resumed_epochs.items() if v}
                return (f"sharpening {event.run_dir} on {event.device}, "
                        f"{lambda_text(event.config['lam'], event.config['strategies'])}"
                        + (f", resuming after epochs {resumed}" if resumed else ""))
            case ev.DisReady():
                return (f"dis_net: {event.held_out_acc:.2%} on held-out clear vs blurred test digits"
                        + (" (cached)" if event.cached else ""))
            case ev.SharpenStep():
                d = "" if event.d_loss is None else f" D loss {event.d_loss:.3f} D acc {event.d_acc:.2f}"
                return (f"latent {event.latent} {PairKey(event.strategy, event.latent).label}: epoch {event.epoch} "
                        f"step {event.step}/{event.steps_per_epoch} G L1 {event.g_l1:.4f} G adv {event.g_adv:.3f}{d}")
            case ev.SharpenScores():
                who = MODEL_NAMES[event.model] + ("" if event.model == PLAIN else f" epoch {event.epoch}")
                return (f"latent {event.latent} {who}: test L1 {event.test_l1:.4f} clear {event.clear_score:.3f} "
                        f"sharpness {event.sharpness:.3f} judge {event.judge_acc:.4f}")
            case ev.ClusterStarted():
                resumed = {k: v for k, v in event.resumed_epochs.items() if v}
                return (f"clustering {event.run_dir} on {event.device}: {', '.join(event.config['methods'])}"
                        + (f", IDEC resuming after epochs {resumed}" if resumed else ""))
            case ev.MethodScores():
                when = f" epoch {event.epoch}" if event.method == "idec" else f" seed {event.seed}"
                return (f"{event.method} on {event.features}{when}: acc {event.acc:.3f} NMI {event.nmi:.3f} "
                        f"ARI {event.ari:.3f} ({event.seconds:.1f} s)")
            case ev.IdecStep():
                changed = "" if event.changed is None else f", {event.changed:.2%} of labels moved at the last refresh"
                return (f"IDEC latent {event.latent}: epoch {event.epoch} step {event.step}/{event.steps_per_epoch} "
                        f"L1 {event.l1:.4f} KL {event.kl:.4f}{changed}")
            case ev.Stopped():
                return event.reason
            case ev.Failed():
                return event.message
        return "" if type(event).__module__ in BUILT_IN else fields_line(event)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def fields_line(event) -> str:
    """An event of a kind this display does not know, as "Counted: n 3" (long fields left out)."""
    shown = [f"{k} {v}" for k, v in asdict(event).items() if len(repr(v)) <= 40]
    return f"{type(event).__name__}: {', '.join(shown)}"
