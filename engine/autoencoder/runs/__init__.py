"""A run on disk: its directory's layout, lock and config (rundir), its log of events (log, events),
its checkpoints, and the records that fold the events back into the latest word on each model."""
