"""The terminal side of bumptui: the Textual app and the command line."""
