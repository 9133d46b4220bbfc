"""Every kind of job by name, as "module:attr" strings, so that reading the registry imports no
kind (and so no torch or numpy): the command line lists the commands and the app starts with it,
and a kind's module is imported only when that kind is asked for. Beside the built-in kinds, an
installed package may add one under the entry-point group "bumptui.kinds" (name = "module:attr"),
as harlequin finds its adapters; `register` adds one in-process.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Entry:
    target: str
    """Where the JobKind instance lives: "package.module:NAME"."""
    help: str
    """The command's one line in `bumptui --help`."""
    cli: str | None = None
    """The module that presents the kind on the command line: its `show(kind, plan, summary, as_json)
    -> exit code` prints the result and its `Display` (cli/progress.py) the progress; None: the
    generic ones (the summary as JSON or plain lines, events field by field)."""


KINDS: dict[str, Entry] = {
    "train": Entry("bumptui.engine.autoencoder.jobs.train.kind:TRAIN",
                   "train the MNIST autoencoders headless, into a run directory", "bumptui.cli.train"),
    "sharpen": Entry("bumptui.engine.autoencoder.jobs.sharpen.kind:SHARPEN",
                     "retrain a run's autoencoders with L1 + dis_net's loss (into RUN_DIR/sharpen)", "bumptui.cli.sharpen"),
    "cluster": Entry("bumptui.engine.autoencoder.jobs.cluster.kind:CLUSTER",
                     "cluster a run's codes by k-means, UMAP (N2D) and IDEC (into RUN_DIR/cluster)", "bumptui.cli.cluster"),
    "study": Entry("bumptui.engine.autoencoder.jobs.study.kind:STUDY",
                   "rerun the whole study over many seeds on Ray and judge its claims with confidence intervals",
                   "bumptui.cli.study"),
}


GROUP = "bumptui.kinds"


def register(name: str, entry: Entry) -> None:
    """Add a kind (or replace one of that name)."""
    KINDS[name] = entry


def add_installed() -> None:
    """Add the kinds that installed packages declare (not done at import: scanning them takes time
    the app's first frame should not spend)."""
    from importlib.metadata import entry_points

    for point in entry_points(group=GROUP):
        if point.name not in KINDS:
            KINDS[point.name] = Entry(point.value, f"the {point.name} job ({point.dist.name if point.dist else GROUP})")


def load(target: str):
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


def presented(name: str, attr: str, generic):
    """What the kind's command-line module (its entry's `cli`) names `attr` ("show", "Display"), or
    `generic` for a kind without one."""
    module = KINDS[name].cli
    return load(f"{module}:{attr}") if module else generic


def kind(name: str):
    """The JobKind registered as `name`, its module imported now."""
    return load(KINDS[name].target)


def kind_of(run_dir):
    """The kind that made run_dir (a training run, a study, ...): the first kind with a directory of
    its own whose config reads the one stored there; when none does, the training's sentence of what
    is wrong with it (RunError)."""
    from bumptui.engine.errors import UserError

    first = None
    for k in kinds():
        if k.inside_run:
            continue
        try:
            k.read_config(run_dir)
            return k
        except UserError as err:
            first = first or err
    raise first


def kinds() -> list:
    """Every registered JobKind, each module imported."""
    return [kind(name) for name in KINDS]
