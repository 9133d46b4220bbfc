"""Data that ships with bumptui (bumptui.assets once installed), found through importlib.resources
so that it is read where the package was installed: see README.md beside this file."""
