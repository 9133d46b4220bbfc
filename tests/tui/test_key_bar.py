"""The key bar at the bottom of every pane: the open screen's keys in the order it declares them,
one per action, following the screen that is open; a click on a key presses it."""

from textual.binding import Binding

from bumptui.tui.app import BumptuiApp
from bumptui.tui.widgets.key_bar import KeyBar


def declared(app, screen) -> list[str]:
    """The keys the bar should show: the screen's shown bindings in its declared order (the first of
    each action), then the app's, each as `key description`."""
    seen, items = set(), []
    for binding in Binding.make_bindings([*screen.BINDINGS, *app.BINDINGS]):  # "space,right": one per key
        if binding.show and binding.action not in seen:
            seen.add(binding.action)
            items.append(f"{app.get_key_display(binding)} {binding.description}")
    return items


def bar_text(app) -> str:
    return app.screen.query_one(KeyBar).render().plain


async def test_the_bar_shows_the_open_screens_keys_and_follows_it():
    app = BumptuiApp()
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.pause()
        lab = app.screen
        assert bar_text(app).rstrip() == " ".join(declared(app, lab))
        assert "space Step" in bar_text(app) and "c Critical h" in bar_text(app) and "? Help" in bar_text(app)
        await pilot.press("d")  # the 2-D lab: its own keys
        await pilot.pause()
        assert app.screen is not lab
        shown = bar_text(app).rstrip()
        # Textual lists a binding the focused map holds (tab) before the screen's
        assert sorted(shown.split(" ")) == sorted(" ".join(declared(app, app.screen)).split(" "))
        assert all(item in shown for item in declared(app, app.screen))
        assert "L Landscape" in bar_text(app) and "c Critical h" not in bar_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is lab and "c Critical h" in bar_text(app)


async def test_clicking_a_key_presses_it():
    app = BumptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lab = app.screen
        bar = lab.query_one(KeyBar)
        line = bar_text(app)
        await pilot.click(KeyBar, offset=(line.index("Step"), 0))
        await pilot.click(KeyBar, offset=(line.index("space"), 0))
        await pilot.pause()
        assert lab.trajectories[0].t == 2
        await pilot.click(KeyBar, offset=(line.index("Optimizer"), 0))
        await pilot.pause()
        assert lab.config.name != "adam"
        assert not [span for span in bar.spans if span[0] <= line.index("Optimizer") - 3 < span[1]], \
            "the gap between two keys presses nothing"


async def test_the_palette_key_sits_at_the_right_edge_where_there_is_room():
    app = BumptuiApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")  # the Train pane offers the command palette
        await pilot.pause()
        line = bar_text(app)
        assert line.endswith("▏^p palette") and len(line) == 120 - 1  # one column short, as Footer left it
        assert line.startswith(" ".join(declared(app, app.screen)))
    app = BumptuiApp()
    async with app.run_test(size=(40, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        line = bar_text(app)
        assert "palette" not in line and line.startswith(" ".join(declared(app, app.screen))[:40])
