"""Task handlers for tests/test_pool.py, run inside judge processes."""

from __future__ import annotations

import os
import sys
import time


def handle(task: dict) -> object:
    what = task["do"]
    if what == "echo":
        return {"echo": task["value"], "pid": os.getpid()}
    if what == "sleep":
        time.sleep(3600)
    if what == "exit":
        os._exit(3)
    if what == "garbage":
        os.write(int(sys.argv[1]), b"\x80\x03cos\nsystem\n(S'touch /tmp/pwned'\ntR.\n")
        time.sleep(3600)
    if what == "raise":
        raise ValueError("a grader bug")
    if what == "print":
        print("noise on stdout")  # never mixed with the answers
        return {"ok": True}
    raise AssertionError(what)
