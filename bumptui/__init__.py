"""bumptui: optimizer and autoencoder labs in the terminal.

The one import name of the installed program. Its parts keep the repository's top-level folders
(engine/ the science, tui/ the app, cli/ the command line, assets/ the data that ships with it),
and pyproject's package-dir maps each into this package: bumptui.engine, bumptui.tui, bumptui.cli,
bumptui.assets. Importing this package imports nothing else.
"""
