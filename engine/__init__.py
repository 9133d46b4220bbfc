"""The science of bumptui: landscapes, optimizers and the escape search; no user interface."""
