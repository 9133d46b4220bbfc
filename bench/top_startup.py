"""`bumptui top` as typed, in a terminal: from the command to its first frame and to the box's first
figures, beside `bumptui` (the app's first frame), side by side, the median of N runs each.

    python bench/top_startup.py [--runs 5] [--runs-root runs]

Each command runs in a pseudo-terminal of 80x24, as a person starts it; the clock stops when the
screen first holds the text that marks the frame (top: its jobs line, then "cores"; the app: its
pane bar)."""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import time


def until(argv: list[str], marks: list[bytes], limit: float = 20.0) -> list[float]:
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
        os.execvp(argv[0], argv)
    seen, buf = [], b""
    try:
        while len(seen) < len(marks) and time.perf_counter() - start < limit:
            ready, _, _ = select.select([fd], [], [], 0.02)
            if ready:
                try:
                    buf += os.read(fd, 65536)
                except OSError:
                    break
                while len(seen) < len(marks) and marks[len(seen)] in buf:
                    seen.append(time.perf_counter() - start)
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runs-root", default="runs")
    args = parser.parse_args()
    top, figures, app = [], [], []
    for _ in range(args.runs):  # interleaved
        first, box = until(["bumptui", "top", "--runs-root", args.runs_root], [b"bumptui jobs", b"cores"])
        top.append(first)
        figures.append(box)
        app.append(until(["bumptui"], [b"Overview"])[0])
    t, f, a = statistics.median(top), statistics.median(figures), statistics.median(app)
    print(f"bumptui top: first frame {t:.2f} s, the box's figures {f:.2f} s (median of {args.runs})")
    print(f"bumptui (the app): first frame {a:.2f} s; top / app = {t / a:.2f}")


if __name__ == "__main__":
    main()
