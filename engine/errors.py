"""The one base of every error a user can cause: its message is the sentence the user is shown.

Imported by the command line before anything heavy, so that one `except UserError` tells a user's
mistake (a parameter out of range, a damaged run, missing data) from a bug, which surfaces.
"""


class UserError(ValueError):
    """A request a user made cannot be carried out as asked; the message says why and what to do."""
