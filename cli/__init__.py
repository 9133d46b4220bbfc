"""`bumptui` on the command line: one module per command family, dispatched from `main`.

No Textual here (a contract in pyproject says so), so that `bumptui critical-h` answers in a
blink; `main` opens the app only for `bumptui` with no command and `bumptui watch`."""
