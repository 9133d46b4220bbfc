"""The lab's jobs: one kind of job (kind.py), one runner (runner.py) and a registry of kinds
(registry.py), with a package per kind (train, sharpen, cluster), each bringing only its config,
events, record and the body that runs its science."""
