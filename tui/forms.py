"""A pane's form rows, generated from a job's settings (engine/autoencoder/settings.py): each field's
label, its widget (an Input, or a Select of its choices) and its text come from the one declaration
the command line's flag comes from too. The pane only lays the rows out."""

from __future__ import annotations

from textual.widgets import Input, Label, Select

from bumptui.engine.autoencoder.settings import form_text


def widget_id(config_type, name: str) -> str:
    """A setting's widget is named as its flag is (latent, method, lambda), so both surfaces say it alike."""
    flag = config_type.settings()[name].flag
    return flag.lstrip("-") if flag else name


def options(s) -> list[tuple[str, str]]:
    """A Select's (label, value) options for a setting with choices."""
    labels = s.labels or {}
    return [(labels.get(c, c), c) for c in s.choices or s.offered]


def form_row(config_type, name: str, label_classes: str = ""):
    """The label and the widget of one setting, showing its default."""
    s = config_type.settings()[name]
    default = config_type().text(name)
    yield Label(s.label or name, classes=label_classes)
    if s.choices or s.offered:
        yield Select(options(s), value=default, allow_blank=False,
                     id=widget_id(config_type, name), compact=True)
    else:
        yield Input(default, id=widget_id(config_type, name), compact=True, placeholder=s.placeholder)


def form_texts(screen, config_type, names) -> dict[str, str]:
    """Each named setting's text as its widget holds it."""
    texts = {}
    for name in names:
        widget = screen.query_one(f"#{widget_id(config_type, name)}")
        texts[name] = widget.value if isinstance(widget, Input) else str(widget.value)
    return texts


def fill_form(screen, config_type, stored: dict, names) -> None:
    """Show a stored config's values (as config.json holds them) in the named fields."""
    settings = config_type.settings()
    for name in names:
        if name not in stored:
            continue
        value = stored[name]
        text = form_text(settings[name], tuple(value) if isinstance(value, list) else value)
        widget = screen.query_one(f"#{widget_id(config_type, name)}")
        choices = settings[name].choices or settings[name].offered
        if isinstance(widget, Select) and choices and text not in choices:  # a run's own value, e.g. a user's design
            widget.set_options(options(settings[name]) + [(text, text)])
        widget.value = text
