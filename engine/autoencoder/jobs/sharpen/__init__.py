"""The sharpen kind of job: config, events, record, kind (the JobKind) and run (its body)."""
