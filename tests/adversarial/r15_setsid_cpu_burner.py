"""Resource: a double-forked, setsid'd, non-dumpable grandchild burns CPU after its cell ended.

It leaves the worker's session and process group (so a count by session misses it), is adopted
by the sandbox's init, and makes itself non-dumpable (so ``/proc/PID`` belongs to root). The
judge counts the CPU of every process of the sandbox's uid (read from ``/proc/PID/status``)
against the submission's CPU limit and kills them all when the submission ends; the answers
themselves are honest, so they keep their points.
"""

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """{solution}

import ctypes
import os

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
        while True:
            pass
    os._exit(0)
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
