"""Time to the app's first frame against `python -c "import torch"` and against a bare Textual app
(Header, Static, Footer), side by side in one run.

All are whole processes on a real pseudo-terminal (80x24). Two ways of timing a first frame:

- as a user sees it: the console script `bumptui`, typed as it is, timed from its start until its
  first frame's text reaches the terminal, beside the bare app timed until its "hello" does; then
  ctrl+q quits each (not timed). `console_ratio` (target <= 1.3). The lab's first frame is the
  pane bar, the parameters, the story ("Press space" is in it) and the keys; the step table
  follows in the next frame (DataTable measures its rows once it is idle) and the chart (plotext)
  after that, each timed by its own text: `table_ratio`, and the chart's delay.
- in process: `from bumptui.tui.app import BumptuiApp` in `python -c`, which exits on Textual's Ready event
  (skipping the command line's own imports), beside the bare app the same way: `bare_ratio`.

Prints the medians, `console_ratio`, `bare_ratio` and, last, `ratio <first frame / import torch>`
(target <= 0.35).

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import fcntl
import importlib.util
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

HERE = tempfile.mkdtemp(prefix="bumptui-startup-")
"""Every process starts in an empty folder, as from a user's home: not in the checkout, whose bumptui/
would shadow an installed package for `python -c`."""

FIRST_FRAME = """
from bumptui.tui.app import BumptuiApp
class FirstFrame(BumptuiApp):
    def on_ready(self):
        self.exit()
FirstFrame().run()
"""

BARE_TEXTUAL = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()
    def on_ready(self):
        self.exit()
Bare().run()
"""


BARE_TEXTUAL_SHOWN = BARE_TEXTUAL.replace("    def on_ready(self):\n        self.exit()\n", "")
CONSOLE_SCRIPT = Path(sys.executable).parent / "bumptui"
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "TERM": "xterm-256color"}
"""As a user's terminal has it: modules load from their bytecode, which pip writes at install time (with
PYTHONDONTWRITEBYTECODE set, as on the development machine, bumptui's own modules were compiled again at
every start while Textual's loaded from bytecode)."""


FIRST_FRAME_TEXT = b"Press space"
"""In the lab's story, which the first frame shows."""
TABLE_TEXT = "F(x)".encode()
"""The step table's last header."""
CHART_TEXT = b"Adam x=0"
"""The chart's title."""


def shown_on_pty(argv: list[str], marker: bytes, *later: bytes) -> float | tuple[float, ...]:
    """Seconds from starting argv on an 80x24 pty until `marker` is on its screen (and each of
    `later`, when given: a tuple of times); then ctrl+q."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = ENV
    seen, shown, at = bytearray(), threading.Event(), {}
    markers = (marker, *later)

    def read() -> None:
        try:
            while chunk := os.read(master, 65536):
                seen.extend(chunk)
                for m in markers:
                    if m not in at and m in seen:
                        at[m] = time.perf_counter()
                if len(at) == len(markers):
                    shown.set()
        except OSError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=HERE, env=env)
    if not shown.wait(timeout=120):
        proc.kill()
        raise SystemExit(f"{argv[0]} never showed {[m for m in markers if m not in at]!r}")
    elapsed = tuple(at[m] - start for m in markers)
    os.write(master, b"\x11")  # ctrl+q
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    os.close(slave)
    os.close(master)
    return elapsed if later else elapsed[0]


def timed_on_pty(code: str) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = ENV

    def drain() -> None:
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=slave, cwd=HERE, env=env)
    rc = proc.wait(timeout=120)
    elapsed = time.perf_counter() - start
    os.close(slave)
    os.close(master)
    if rc != 0:
        raise SystemExit(f"the measured process failed with exit status {rc}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", metavar="SCRIPT",
                        help="another bumptui console script (an install of other code) timed the same way, "
                             "interleaved: before and after in one run")
    args = parser.parse_args()
    has_torch = importlib.util.find_spec("torch") is not None  # a venv made for this bench may lack it
    typed = [str(CONSOLE_SCRIPT)], FIRST_FRAME_TEXT, TABLE_TEXT, CHART_TEXT
    other = ([args.against], FIRST_FRAME_TEXT, TABLE_TEXT, CHART_TEXT) if args.against else None
    bare_shown = [sys.executable, "-c", BARE_TEXTUAL_SHOWN], b"hello"
    for code in ("import torch" if has_torch else "pass", FIRST_FRAME, BARE_TEXTUAL):  # warm the caches, untimed
        timed_on_pty(code)
    for argv in (typed, bare_shown, other):
        if argv:
            shown_on_pty(*argv)
    frames, torches, bares, bares_shown = [], [], [], []
    seen, seen_other = [], []
    for _ in range(args.runs):  # interleaved, so all see the same machine
        seen.append(shown_on_pty(*typed))
        if other:
            seen_other.append(shown_on_pty(*other))
        bares_shown.append(shown_on_pty(*bare_shown))
        frames.append(timed_on_pty(FIRST_FRAME))
        bares.append(timed_on_pty(BARE_TEXTUAL))
        if has_torch:
            torches.append(timed_on_pty("import torch"))
    frame, bare, bare_seen = (statistics.median(v) for v in (frames, bares, bares_shown))
    for name, times in (("`bumptui` as typed", seen), (f"{args.against} as typed", seen_other)):
        if not times:
            continue
        console, table, chart = (statistics.median(t[i] for t in times) for i in range(3))
        print(f"{name}, until its first frame is on screen: median {console:.3f} s over {args.runs} runs")
        print(f"  ... until the step table is: median {table:.3f} s; until the chart is: median {chart:.3f} s "
              f"({chart - console:.3f} s after the first frame)")
        print(f"  console_ratio {console / bare_seen:.3f}  table_ratio {table / bare_seen:.3f}")
    print(f"bare Textual app, until its first frame is on screen:    median {bare_seen:.3f} s")
    print(f"first frame of bumptui in process (to Ready, then exit):  median {frame:.3f} s")
    print(f"bare Textual app the same way:                          median {bare:.3f} s")
    print("targets: console_ratio <= 1.3; bare_ratio <= 1.3; ratio <= 0.35 (first frame <= 1 s on the 2-core machine)")
    console = statistics.median(t[0] for t in seen)
    print(f"console_ratio {console / bare_seen:.3f}")
    print(f"table_ratio {statistics.median(t[1] for t in seen) / bare_seen:.3f}")
    print(f"bare_ratio {frame / bare:.3f}")
    if has_torch:
        torch = statistics.median(torches)
        print(f"python -c 'import torch':                               median {torch:.3f} s")
        print(f"ratio {frame / torch:.3f}")


if __name__ == "__main__":
    main()
