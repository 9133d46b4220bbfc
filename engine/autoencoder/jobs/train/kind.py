"""Training as a kind of job: a run directory of its own, one autoencoder per latent size. Also what
the jobs recorded inside a trained run read of it: its config, its models' checkpoints, and the
base of those kinds (`InsideTrainedRun`: the checks before one is recorded there, its loading)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bumptui.engine.autoencoder.jobs.kind import JobKind, Plan
from bumptui.engine.autoencoder.jobs.train.config import ARCHITECTURES, TrainConfig
from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.runs.lock import RunLock
from bumptui.engine.autoencoder.runs.log import RunError, damage_in
from bumptui.engine.autoencoder.runs.rundir import CHECKPOINTS, read_settings


def checkpoint_path(run_dir: Path, latent: int) -> Path:
    """The newest complete checkpoint of the run's latent-`latent` autoencoder."""
    return Path(run_dir) / CHECKPOINTS / f"latent-{latent}.pt"


def trained_model(run_dir: Path, train: TrainConfig, latent: int):
    """(the newest checkpoint of the run's latent-`latent` autoencoder, the model built from it on the
    CPU); RunError naming the file when it cannot be read, holds another latent size, or holds another
    architecture's weights (one copied from a run of dec into a run of mlp)."""
    from bumptui.engine.autoencoder.models import make_autoencoder
    from bumptui.engine.autoencoder.runs.checkpoint import load_checkpoint, load_weights

    path = checkpoint_path(run_dir, latent)
    checkpoint = load_checkpoint(path, "autoencoder", {"latent_dim": latent})
    model = make_autoencoder(train.arch, latent)
    load_weights(model, checkpoint.models["autoencoder"], path)
    return checkpoint, model


def read_train_config(run_dir: Path) -> TrainConfig:
    """The run's config.json, every field checked (types and ranges; a GPU it names need not be
    here); RunError naming the first bad one."""
    return read_settings(run_dir, TrainConfig, check_device=False)


class TrainKind(JobKind):
    name = "train"
    doing = "training"
    config = TrainConfig
    record = RunRecord
    inside_run = False

    def read_config(self, run_dir: Path) -> TrainConfig:
        return read_train_config(run_dir)

    def prepare(self, run_dir: Path, config: TrainConfig | None, resume: bool) -> Plan:
        """Check a request to create a new run directory, or to reopen one to resume up to
        config.epochs, before anything is written."""
        run_dir = Path(run_dir)
        if run_dir.exists() and not run_dir.is_dir():
            raise RunError(f"{run_dir} is a file, not a folder; choose another run directory.")
        config = self.requested(run_dir, config, resume, f"There is no run to resume in {run_dir}.",
                                f"{run_dir} already holds a run; pass --resume to continue it or choose another run "
                                "directory.")
        config = (config or TrainConfig()).validated()
        config = replace(config, lr=config.rate)  # the run records the step size it trains with
        notes = ()
        if config.arch not in ARCHITECTURES:  # a user's design: checked now, from its file or the run's copy
            from bumptui.engine.autoencoder import designs

            if resume:
                note = designs.use(run_dir, config.arch, config.design_sha256)
                notes = (note,) if note else ()
            else:
                config = replace(config, design_sha256=designs.admit(config.arch, config.latent_dims))
        return Plan(run_dir, config, resume, notes=notes)

    def load(self, plan: Plan, data_dir=None):
        from bumptui.engine.autoencoder.jobs.runner import mnist_on_device

        if plan.config.arch not in ARCHITECTURES and not plan.resume:  # the run keeps the design's source
            from bumptui.engine.autoencoder import designs

            designs.keep(plan.run_dir, plan.config.arch)
            designs.use(plan.run_dir, plan.config.arch, plan.config.design_sha256)  # and trains that copy
        device, data = mnist_on_device(plan.config, data_dir)
        return plan.config.resolved(device), (device, data)

    def run(self, plan: Plan, loaded, job) -> dict | None:
        from bumptui.engine.autoencoder.jobs.train.run import train

        return train(plan, *loaded, job)

    def resume_command(self, run_dir: Path) -> str:
        return f"bumptui train --resume --run-dir {run_dir}"


TRAIN = TrainKind()


class InsideTrainedRun(JobKind):
    """A kind recorded inside a trained run, on its models (sharpening, clustering): its request is
    checked against the run (`prepare`), and it loads the run's MNIST on the run's device."""

    noun: str
    """What the job is called in a sentence: "sharpening"."""
    done: str
    """What a run it has been recorded in is: "sharpened"."""

    def prepare(self, run_dir: Path, config, resume: bool) -> Plan:
        """Resuming takes the stored config, with the epochs asked for; a job already recorded is
        refused without --resume; every model it needs must have a checkpoint, and the run must be
        free. Nothing is written."""
        run_dir = Path(run_dir)
        folder = self.folder(run_dir)
        if not run_dir.is_dir():
            raise RunError(f"There is no run directory {run_dir}.")
        train = read_train_config(run_dir)
        config = self.requested(run_dir, config, resume, f"{run_dir} has no {self.noun} to resume.",
                                f"{run_dir} is already {self.done} (in {folder}); pass --resume to continue it, "
                                f"or move {folder} away to start again.")
        config = (config or self.config()).validated(train.latent_dims)
        for d in config.latent_dims or train.latent_dims:
            if not checkpoint_path(run_dir, d).exists():
                raise RunError(f"{run_dir} has no trained latent-{d} model yet; train it first (bumptui train).")
        RunLock(run_dir).refuse_if_held()
        damage = damage_in(run_dir)  # the job works from the checkpoints: a damaged training log is said, not a stop
        notes = () if damage is None else (f"{damage} The {self.noun} needs only the checkpoints and goes on; "
                                           f"bumptui repair {run_dir} mends the log.",)
        if train.arch not in ARCHITECTURES:  # a user's design, from the run's recorded copy
            from bumptui.engine.autoencoder import designs

            note = designs.use(run_dir, train.arch, train.design_sha256)
            notes += (note,) if note else ()
        return Plan(run_dir, config, resume, train, notes)

    def load(self, plan: Plan, data_dir=None):
        from bumptui.engine.autoencoder.jobs.runner import mnist_on_device

        device, data = mnist_on_device(plan.run_config, data_dir)
        return plan.config.resolved(device), (device, data)

    def resume_command(self, run_dir: Path) -> str:
        return f"bumptui {self.name} {run_dir} --resume"
