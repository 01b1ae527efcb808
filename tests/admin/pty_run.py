#!/usr/bin/python3
"""Run a command on a pseudo-terminal, answering each prompt that ends in
"PIN: " or "PIN again: " with the next of the given PINs; print what the terminal showed
and exit with the command's status.  Proves the no-echo prompt of pin.c.

  pty_run.py PIN[,PIN...] CMD [ARGS...]
"""
import os
import pty
import re
import sys
import time


def main():
    pins = sys.argv[1].split(",")
    cmd = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        # No PIN from the environment: the tool must prompt.
        os.environ.pop("MCXHSM_PIN", None)
        os.environ.pop("MCXHSM_SO_PIN", None)
        os.execvp(cmd[0], cmd)
    seen = b""
    pending = b""
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
        pending += data
        if re.search(rb"PIN[^\n]*: *$", pending) and pins:
            os.write(fd, pins.pop(0).encode() + b"\n")
            pending = b""
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
