"""The installed console script's first frame, headless: `bumptui` on an 80x24 pseudo-terminal
until the optimizer lab's story ("Press space ...") is on it, then ctrl+q; exit 1 if it never
shows or the app does not quit. Standard library only: run it with any Python.

    python first_frame.py PATH/TO/bin/bumptui
"""

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time

MARKER = b"Press space"


def main(script: str) -> int:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen, shown = bytearray(), threading.Event()

    def read() -> None:
        try:
            while chunk := os.read(master, 65536):
                seen.extend(chunk)
                if MARKER in seen:
                    shown.set()
        except OSError:
            pass

    threading.Thread(target=read, daemon=True).start()
    start = time.perf_counter()
    proc = subprocess.Popen([script], stdin=slave, stdout=slave, stderr=slave,
                            env={**os.environ, "TERM": "xterm-256color"})
    if not shown.wait(timeout=60):
        proc.kill()
        print(f"{script}: no first frame within 60 s; the terminal showed:\n{bytes(seen[-2000:])!r}")
        return 1
    elapsed = time.perf_counter() - start
    os.write(master, b"\x11")  # ctrl+q
    try:
        code = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        print(f"{script}: the first frame showed in {elapsed:.2f} s, but ctrl+q did not quit it")
        return 1
    print(f"{script}: first frame in {elapsed:.2f} s; ctrl+q quit it (exit {code})")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
