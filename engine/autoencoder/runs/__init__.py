"""A run on disk: the run directory (layout, lock, log, checkpoints) in rundir, the events it logs,
and the records that fold those events back into the latest word on each model."""
