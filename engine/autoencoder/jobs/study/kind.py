"""The study as a kind of job: a directory of its own (runs/<study>/) holding its config, its log of
trials and verdicts, and one ordinary run directory per seed (seed-<k>/), each run on Ray."""

from __future__ import annotations

import socket
from pathlib import Path

from bumptui.engine.autoencoder.jobs.kind import JobKind, Plan
from bumptui.engine.autoencoder.jobs.study.config import StudyConfig
from bumptui.engine.autoencoder.jobs.study.record import StudyRecord
from bumptui.engine.autoencoder.runs.lock import RunLock
from bumptui.engine.autoencoder.runs.log import RunError
from bumptui.engine.autoencoder.runs.rundir import read_config


CONNECT_TIMEOUT_S = 3.0
"""How long an --address may take to answer before the study says it cannot be reached."""


def reachable(address: str) -> None:
    """RunError in one sentence when nothing answers at host:port within CONNECT_TIMEOUT_S."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=CONNECT_TIMEOUT_S):
            return
    except (OSError, ValueError):
        raise RunError(f"No Ray cluster answers at {address} (tried for {CONNECT_TIMEOUT_S:.0f} s); start one with "
                       "`ray start --head` there, or leave out --address to run on this machine.") from None


def seed_dir(study_dir: Path, seed: int, against: bool = False) -> Path:
    """The ordinary run directory of one seed's trial (of the design compared with, `against`)."""
    return Path(study_dir) / (f"seed-{seed}-against" if against else f"seed-{seed}")


class StudyKind(JobKind):
    name = "study"
    doing = "studying"
    config = StudyConfig
    record = StudyRecord
    inside_run = False
    name_prefix = "study"

    def prepare(self, run_dir: Path, config: StudyConfig | None, resume: bool) -> Plan:
        """A new study directory, or a recorded one to resume (its stored settings, with the epochs
        asked for); nothing is written. Refused: a directory that holds something else, a study
        asked for without --resume where one is recorded."""
        run_dir = Path(run_dir)
        if run_dir.exists() and not run_dir.is_dir():
            raise RunError(f"{run_dir} is a file, not a folder; choose another study directory.")
        holds = "a study" if "seeds" in _stored(run_dir) else "a run that is not a study"
        config = self.requested(run_dir, config, resume, f"There is no study to resume in {run_dir}.",
                                f"{run_dir} already holds {holds}; pass --resume to continue a study or choose "
                                "another directory.")
        # a new study's folder may hold only --detach's log of it
        if not resume and run_dir.is_dir() and any(p.name != f"{self.name}.log" for p in run_dir.iterdir()):
            raise RunError(f"{run_dir} is not empty and holds no study; choose another directory.")
        config = (config or StudyConfig()).validated()
        if not resume:  # a user's design: probed now, named by its absolute path (a trial runs in a Ray worker)
            config = admitted(config)
        for seed in config.trial_seeds():  # a trial's run in use elsewhere: one sentence now, not a failed trial later
            for against in (False, True):
                if seed_dir(run_dir, seed, against).is_dir():
                    RunLock(seed_dir(run_dir, seed, against)).refuse_if_held()
        if config.address is not None:
            reachable(config.address)
        if config.gpus_per_trial and config.address is None:
            from bumptui.engine.autoencoder.settings import cuda_count

            if not cuda_count():
                raise RunError("--gpus-per-trial asks for a GPU but this machine has none; leave it at 0.")
        return Plan(run_dir, config, resume)

    def run(self, plan: Plan, loaded, job) -> dict | None:
        from bumptui.engine.autoencoder.jobs.study.run import study

        return study(plan, job)

    def resume_command(self, run_dir: Path) -> str:
        return f"bumptui study --resume --run-dir {run_dir}"


def admitted(config: StudyConfig) -> StudyConfig:
    """The config with each user design it names checked (imported, built, probed: one sentence when it
    breaks the contract) and its file named by an absolute path."""
    from dataclasses import replace

    from bumptui.engine.autoencoder.jobs.train.config import ARCHITECTURES

    changes = {}
    for name in ("arch", "against"):
        value = getattr(config, name)
        if value is None or value in ARCHITECTURES:
            continue
        from bumptui.engine.autoencoder import designs

        spec = designs.parse(value)
        designs.admit(value, config.latent_dims)
        if spec.is_file:
            changes[name] = f"{Path(spec.where).resolve()}:{spec.name}"
    return replace(config, **changes) if changes else config


def _stored(run_dir: Path) -> dict:
    try:
        stored = read_config(run_dir)
    except RunError:
        return {}
    return stored if isinstance(stored, dict) else {}


STUDY = StudyKind()
