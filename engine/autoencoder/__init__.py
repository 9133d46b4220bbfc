"""The MNIST autoencoder lab. The science: data, models, the L1 training step (training.py), the
judge, PNG grids; clustering/ scores codes against digits; sharpening/ retrains with dis_net. Below
it all, settings.py (each setting declared once); runs/ records any job (layout, lock, log,
checkpoints, the Record base); jobs/ runs them: one kind interface, one runner, a package per kind."""

SIDE = 28
"""An MNIST digit is SIDE x SIDE pixels."""
PIXELS = SIDE * SIDE

DESIGN_SPEC = r"^(?P<where>.+\.py|[A-Za-z_][\w.]*):(?P<name>[A-Za-z_]\w*)$"
"""--arch PATH.py:ClassName or package.module:ClassName: an autoencoder of the user's (designs.py)."""


def names_a_design(text: str) -> bool:
    """Whether text has the form of a user's design (PATH.py:ClassName or package.module:ClassName)."""
    import re

    return re.match(DESIGN_SPEC, text) is not None

