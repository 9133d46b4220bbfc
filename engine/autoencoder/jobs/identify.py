"""Which kind of job made a run directory, even where its config.json is damaged: its log's first
event still says (a training run, a study), and the log alone is then read. Apart from the registry,
which loads no numpy: reading a log does."""

from __future__ import annotations

from pathlib import Path

from bumptui.engine.autoencoder.jobs.registry import kind_of, kinds
from bumptui.engine.autoencoder.runs.log import MetricsTail, RunError
from bumptui.engine.autoencoder.runs.rundir import METRICS, ConfigDamaged


def kind_from_log(run_dir):
    """The kind whose start the log in run_dir records first, or None: what a run whose config.json
    is damaged still is (its log alone is then read)."""
    try:
        first = next(MetricsTail(Path(run_dir) / METRICS).events(), None)
    except RunError:
        return None
    for k in kinds():
        if not k.inside_run and first is not None and type(first) is k.record.STARTED:
            return k
    return None


def read_anyway(run_dir):
    """(the kind of run_dir, None), or where its config.json is damaged and its log says what it is,
    (that kind, the ConfigDamaged); RunError where neither tells."""
    try:
        return kind_of(run_dir), None
    except ConfigDamaged as damage:
        if (kind := kind_from_log(run_dir)) is None:
            raise
        return kind, damage
