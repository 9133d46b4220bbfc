"""Time to the app's first frame against `python -c "import torch"` and against a bare Textual app
(Header, Static, Footer), side by side in one run.

All are whole processes on a real pseudo-terminal (80x24). Two ways of timing a first frame:

- as a user sees it: the console script `bumptui`, typed as it is, timed from its start until its
  first frame's text (the footer's "Critical h") reaches the terminal, beside the bare app
  timed until its "hello" does; then ctrl+q quits each (not timed). `console_ratio` (target <= 1.3).
- in process: `from bumptui.tui.app import BumptuiApp` in `python -c`, which exits on Textual's Ready event
  (skipping the command line's own imports), beside the bare app the same way: `bare_ratio`.

Prints the medians, `console_ratio`, `bare_ratio` and, last, `ratio <first frame / import torch>`
(target <= 0.35).

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def shown_on_pty(argv: list[str], marker: bytes) -> float:
    """Seconds from starting argv on an 80x24 pty until `marker` is on its screen; then ctrl+q."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    seen, shown = bytearray(), threading.Event()

    def read() -> None:
        try:
            while chunk := os.read(master, 65536):
                seen.extend(chunk)
                if marker in seen:
                    shown.set()
        except OSError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env)
    if not shown.wait(timeout=120):
        proc.kill()
        raise SystemExit(f"{argv[0]} never showed {marker!r}")
    elapsed = time.perf_counter() - start
    os.write(master, b"\x11")  # ctrl+q
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    os.close(slave)
    os.close(master)
    return elapsed


def timed_on_pty(code: str) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}

    def drain() -> None:
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env)
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
    args = parser.parse_args()
    typed = [str(CONSOLE_SCRIPT)], b"Critical h"
    bare_shown = [sys.executable, "-c", BARE_TEXTUAL_SHOWN], b"hello"
    for code in ("import torch", FIRST_FRAME, BARE_TEXTUAL):  # warm the file cache for all, untimed
        timed_on_pty(code)
    shown_on_pty(*typed)
    shown_on_pty(*bare_shown)
    frames, torches, bares, consoles, bares_shown = [], [], [], [], []
    for _ in range(args.runs):  # interleaved, so all see the same machine
        consoles.append(shown_on_pty(*typed))
        bares_shown.append(shown_on_pty(*bare_shown))
        frames.append(timed_on_pty(FIRST_FRAME))
        bares.append(timed_on_pty(BARE_TEXTUAL))
        torches.append(timed_on_pty("import torch"))
    frame, torch, bare = statistics.median(frames), statistics.median(torches), statistics.median(bares)
    console, bare_seen = statistics.median(consoles), statistics.median(bares_shown)
    print(f"`bumptui` as typed, until its first frame is on screen: median {console:.3f} s over {args.runs} runs")
    print(f"bare Textual app, until its first frame is on screen:    median {bare_seen:.3f} s")
    print(f"first frame of bumptui in process (to Ready, then exit):  median {frame:.3f} s")
    print(f"bare Textual app the same way:                          median {bare:.3f} s")
    print(f"python -c 'import torch':                               median {torch:.3f} s")
    print("targets: console_ratio <= 1.3; bare_ratio <= 1.3; ratio <= 0.35 (first frame <= 1 s on the 2-core machine)")
    print(f"console_ratio {console / bare_seen:.3f}")
    print(f"bare_ratio {frame / bare:.3f}")
    print(f"ratio {frame / torch:.3f}")


if __name__ == "__main__":
    main()
