"""A run on disk, whatever kind of job writes it: its layout and config files (rundir), its lock,
its log of events (log, events: the common ones), its checkpoints, and the Record base that folds
a job's events back into the latest word on each of its units."""
