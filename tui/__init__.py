"""The Textual app: app.py, the pane table (panes.py), messages.py, forms generated from a job's
settings (forms.py), screens/ (one pane each), dialogs/ and widgets/. The command line is cli/."""
