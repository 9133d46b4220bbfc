"""The study's body: one trial per seed on Ray, each the whole study of that seed (train, cluster,
sharpen with its control) as an ordinary run directory, then the claims judged over the seeds.

Ray core tasks, not Tune: a trial is a fixed pipeline, with nothing to search or stop early, and
what a task gives is what a study needs: a share of the machine (`num_cpus`, `num_gpus`), one retry
when its process dies (`max_retries=1`: killed, out of memory), and the same code on one machine or
a cluster (`--address`). A trial's own errors are not retried: they are the run's, and say why.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from bumptui.engine.autoencoder.evidence import CONFIDENCE, chance_of_a_false_verdict
from bumptui.engine.autoencoder.jobs.kind import Plan
from bumptui.engine.autoencoder.jobs.study import events as ev
from bumptui.engine.autoencoder.jobs.study.claims import AGAINST, claims, judge, measure
from bumptui.engine.autoencoder.jobs.study.config import StudyConfig, StudyError
from bumptui.engine.autoencoder.jobs.study.kind import reachable, seed_dir
from bumptui.engine.autoencoder.jobs.study.record import StudyRecord
from bumptui.engine.autoencoder.jobs.study.report import write_report
from bumptui.engine.autoencoder.runs.events import Done, Stopped
from bumptui.engine.autoencoder.runs.log import METRICS

class TrialFailed(Exception):
    """A stage of a trial stopped or failed; the message is its run's own word."""


def run_trial(study_dir: str, seed: int, config: dict, threads: int, data_dir=None) -> dict:
    """One seed's whole study in seed-<k>/ (each stage resumed where it is recorded, skipped where it
    finished), then what it measured. Runs in a Ray worker."""
    import torch

    from bumptui.engine.autoencoder.jobs.cluster.config import ClusterConfig
    from bumptui.engine.autoencoder.jobs import registry
    from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig
    from bumptui.engine.autoencoder.runs.rundir import has_record

    torch.set_num_threads(threads)
    study = StudyConfig.from_dict(config)
    for against in ([False, True] if study.against else [False]):  # the design, then the one it is compared with
        run_dir = seed_dir(Path(study_dir), seed, against)
        configs = {"train": study.train_config(seed, study.against if against else study.arch),
                   "cluster": ClusterConfig(methods=study.cluster_methods, seeds=1, seed=seed,
                                            precision=study.precision),
                   "sharpen": SharpenConfig(strategies=study.strategies, epochs=study.sharpen_epochs, seed=seed,
                                            precision=study.precision)}
        stages = [(registry.kind(name), configs[name]) for name in study.stages()]
        for kind, stage in stages:
            if isinstance(kind.record.read(run_dir).outcome, Done):
                continue
            if kind.execute(run_dir, stage, resume=has_record(kind.folder(run_dir)), data_dir=data_dir) is None:
                raise TrialFailed(f"its {kind.doing}{' of ' + study.against if against else ''} did not finish: "
                                  f"{kind.record.read(run_dir).ending or 'no reason logged'}")
    return measured_seed(Path(study_dir), seed, study)


def measured_seed(study_dir: Path, seed: int, study: StudyConfig) -> dict:
    """What a seed's trial measured, from its run directories: the design's, and with --against the
    other design's under the AGAINST prefix."""
    measured = measure(seed_dir(study_dir, seed))
    if study.against:
        measured.update({f"{AGAINST}{k}": v for k, v in measure(seed_dir(study_dir, seed, True)).items()})
    return measured


def start_ray(config: StudyConfig):
    """Ray, quiet: a local instance with this machine's cores and no dashboard, or the cluster at
    --address. Its own log lines stay in its session folder, out of the user's terminal.

    A local instance listens on this machine's network address, not only on 127.0.0.1: Ray 2.60 has
    no setting for where its servers listen, and turns 127.0.0.1 into that address. What keeps others
    out is Ray's token authentication, with a token made for this study alone and handed to Ray's
    processes in their environment (readable only by this user), never written to a file; Ray's own
    default would write one to ~/.ray/auth_token, readable by every user of the machine. A RAY_AUTH_MODE
    the user set is theirs to keep."""
    if config.address is not None:
        reachable(config.address)
        if "RAY_AUTH_MODE" not in os.environ and (Path.home() / ".ray" / "auth_token").exists():
            # `ray start --head` (Ray 2.59 and later) turns token authentication on and leaves its token
            # there; a driver joining that cluster must ask for token mode, before Ray is imported, to send it
            os.environ["RAY_AUTH_MODE"] = "token"
    elif "RAY_AUTH_MODE" not in os.environ:
        os.environ["RAY_AUTH_MODE"] = "token"
        os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
    import ray

    quiet_driver()
    options = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                   configure_logging=True)
    if config.address is not None:
        ray.init(address=config.address, **options)
    else:
        ray.init(num_cpus=os.cpu_count() or 1, **options)
    return ray


GUARD = """
import os, select, signal, sys
log, roots = sys.argv[1], [int(p) for p in sys.argv[2:]]
known = {}  # every process of the study's Ray seen so far -> its start time (a pid used again is not it)

def table():
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                procs[int(entry)] = (int(fields[1]), fields[19])  # parent, start time
            except (OSError, ValueError, IndexError):
                pass
    return procs

def scan():
    procs = table()
    for pid in roots:
        if pid in procs:
            known.setdefault(pid, procs[pid][1])
    grew = True
    while grew:  # what Ray's processes started (workers, agents), while their parents are alive to say so
        grew = False
        for pid, (parent, start) in procs.items():
            if parent in known and pid not in known:
                known[pid], grew = start, True
    return procs

scan()
while True:
    if select.select([sys.stdin], [], [], 2.0)[0]:
        if sys.stdin.buffer.readline() == b"done\\n":
            sys.exit(0)  # the study shut its Ray down itself
        break  # the pipe closed without a word: the study's process is gone (kill -9)
    scan()
procs = scan()
doomed = [pid for pid, start in known.items() if pid in procs and procs[pid][1] == start]
for pid in doomed:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
from bumptui.engine.autoencoder.runs.events import Stopped
from bumptui.engine.autoencoder.runs.log import MetricsWriter
writer = MetricsWriter(log)
writer.write(Stopped("its process was killed; the local Ray it started was stopped with it "
                     f"({len(doomed)} processes); --resume runs the unfinished trials"))
writer.close()
"""
"""A watcher of the study's process (python -c GUARD LOG PID...): it waits on a pipe from the study,
which the kernel closes however the study ends; "done" on it means Ray was shut down as it should be."""


def guard_ray(ray, log: Path):
    """A process that stops this study's local Ray if the study dies without shutting it down (kill -9
    leaves Ray's servers and agents running for minutes otherwise), and records that in the log; None
    where Ray does not say which processes it started."""
    node = getattr(getattr(ray, "_private", None), "worker", None)
    node = getattr(node, "_global_node", None)
    processes = getattr(node, "all_processes", None) or {}
    pids = [str(info.process.pid) for infos in processes.values() for info in infos if getattr(info, "process", None)]
    if not pids:
        return None
    return subprocess.Popen([sys.executable, "-c", GUARD, str(log), *pids], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@contextmanager
def ray_session(config: StudyConfig, log: Path | None = None):
    """Ray started (start_ray) for the trials, then shut down, and this process's environment as it
    was before (start_ray may set the token it made for this study in it). A local Ray is guarded
    (guard_ray): were this process killed, its Ray is stopped and `log` says so."""
    before = {name: os.environ.get(name) for name in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN")}
    ray = guard = None
    try:
        ray = start_ray(config)
        if config.address is None and log is not None:
            guard = guard_ray(ray, log)
        yield ray
    finally:
        if ray is not None:
            ray.shutdown()
        if guard is not None:
            try:
                guard.communicate(b"done\n", timeout=10)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                guard.kill()
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def quiet_driver() -> None:
    """Keep the raylet's error notes ("A worker died or was killed ...") out of the user's terminal and
    out of --json: Ray's driver prints them from a thread of its own whatever log_to_driver says. The
    study says what became of each trial itself; Ray's session logs keep the notes."""
    import ray._private.worker as driver

    if hasattr(driver, "print_to_stdstream"):
        driver.print_to_stdstream = lambda data, ignore_prefix=False: None


def study(plan: Plan, job) -> dict | None:
    config: StudyConfig = plan.config
    record = StudyRecord.read(plan.run_dir) if plan.resume else StudyRecord(plan.run_dir)

    def emit(event) -> None:
        record.add(event)
        job.emit(event)

    seeds = config.trial_seeds()
    left = [s for s in seeds if s not in record.measured]
    threads = f"{config.threads()} torch thread{'s' if config.threads() != 1 else ''}"
    where = config.address or f"this machine, {config.parallel} at once, {threads} each"
    emit(ev.StudyStarted(str(plan.run_dir), config.as_dict(), where,
                         {f"seed-{s}": int(s not in left) for s in seeds}, job.stale_pid))
    with job.reported("The study"):
        if left and not _trials(plan, config, left, emit, job):
            return None
        finished = sorted(s for s in seeds if s in record.measured)
        if not finished:  # nothing to judge: one sentence, exit 2, and the log ends Failed (job.reported)
            first = min((s for s, t in record.trials.items() if t.state == "failed"), default=None)
            why = f"; seed {first} failed: {record.trials[first].reason}" if first is not None else ""
            raise StudyError(f"No seed of the study finished, so no claim can be judged{why}.")
        # measured again from each run directory: a study resumed after the measurements grew reads them all
        measured = [measured_seed(plan.run_dir, s, config) for s in finished]
        kinds = claims(list(config.latent_dims), list(config.strategies), config.against)
        verdicts = {c.id: judge(c, measured, CONFIDENCE) for c in kinds}
        figures = write_report(plan.run_dir, finished, measured, verdicts, list(config.latent_dims),
                               list(config.strategies), chance_of_a_false_verdict(len(kinds))) if finished else {}
        emit(ev.Verdicts(finished, verdicts, figures))
        summary = record.summary()
        emit(Done({k: v for k, v in summary.items() if k != "status"}))
        return {**summary, "status": "finished"}


def _trials(plan: Plan, config: StudyConfig, seeds: list[int], emit, job) -> bool:
    """Every seed's trial on Ray; False when the study was stopped (the Stopped event emitted)."""
    for s in seeds:
        emit(ev.TrialState(s, "pending"))
    with ray_session(config, plan.run_dir / METRICS) as ray:
        trial = ray.remote(max_retries=1, num_cpus=config.threads(), num_gpus=config.gpus_per_trial)(run_trial)
        refs = {trial.remote(str(plan.run_dir), s, config.as_dict(), config.threads(), job.data_dir): s for s in seeds}
        for s in seeds:
            emit(ev.TrialState(s, "running"))
        waiting = list(refs)
        while waiting:
            if job.cancel.is_set():
                for ref in waiting:
                    ray.cancel(ref, force=True)
                emit(Stopped(f"stopped with {len(waiting)} trials unfinished; --resume runs only those"))
                return False
            ready, waiting = ray.wait(waiting, num_returns=1, timeout=0.5)
            for ref in ready:
                seed = refs[ref]
                try:
                    measured = ray.get(ref)
                except ray.exceptions.RayTaskError as err:
                    emit(ev.TrialState(seed, "failed", _cause(err)))
                except (ray.exceptions.WorkerCrashedError, ray.exceptions.OutOfMemoryError,
                        ray.exceptions.TaskCancelledError) as err:
                    emit(ev.TrialState(seed, "failed", f"its process died twice ({type(err).__name__})"))
                else:
                    emit(ev.TrialMeasured(seed, measured))
                    emit(ev.TrialState(seed, "done"))
        return True


def _cause(err) -> str:
    cause = getattr(err, "cause", None)
    return str(cause) if cause is not None else str(err).strip().splitlines()[-1]
