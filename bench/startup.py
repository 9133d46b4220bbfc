"""Time to the app's first frame against `python -c "import torch"` and against a bare Textual app
(Header, Static, Footer), side by side in one run.

All are whole processes started the same way. The apps run on a real pseudo-terminal (80x24) and
exit when Textual reports that their first frame is on screen (the App's Ready event).
Prints the medians, `bare_ratio <first frame / bare Textual app>` (target <= 1.3) and, last,
`ratio <first frame / import torch>` (target <= 0.35).

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
from tui.app import BumptuiApp
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
    for code in ("import torch", FIRST_FRAME, BARE_TEXTUAL):  # warm the file cache for all, untimed
        timed_on_pty(code)
    frames, torches, bares = [], [], []
    for _ in range(args.runs):  # interleaved, so all see the same machine
        frames.append(timed_on_pty(FIRST_FRAME))
        bares.append(timed_on_pty(BARE_TEXTUAL))
        torches.append(timed_on_pty("import torch"))
    frame, torch, bare = statistics.median(frames), statistics.median(torches), statistics.median(bares)
    print(f"first frame of bumptui (80x24 pty):   median {frame:.3f} s over {args.runs} runs")
    print(f"bare Textual app (Header, Static, Footer): median {bare:.3f} s over {args.runs} runs")
    print(f"python -c 'import torch':             median {torch:.3f} s over {args.runs} runs")
    print("targets: bare_ratio <= 1.3; ratio <= 0.35 (first frame <= 1 s on the 2-core machine)")
    print(f"bare_ratio {frame / bare:.3f}")
    print(f"ratio {frame / torch:.3f}")


if __name__ == "__main__":
    main()
