"""Resource: CPU burners reaped automatically (SIGCHLD ignored), so no process's count holds them.

A thread of the learner's process ignores ``SIGCHLD`` through libc (``signal.signal`` would refuse
outside the main thread, and Python's own handler table never learns of it), then forks short
CPU burners, one after another, for as long as the process lives. The kernel reaps each burner
the moment it exits and adds its time to no one's ``cutime``: counted from ``/proc``, the
submission used almost nothing (the judge counted 0.29 s of 2.0 s such burners used). The
sandbox's cgroup counts them (``course.grading.cgroups``); the grader must still grade the
honest answers at full points while the churn goes on, and leave no burner behind. (Whether the
count reaches the CPU limit is tested with a 2 s limit in ``tests/test_cgroups.py``: this
class's limit, 120 s, is more than its notebook's grading lasts.)
"""

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """{solution}

import ctypes
import os
import threading
import time


def _churn():
    ctypes.CDLL(None).signal(17, ctypes.c_void_p(1))  # SIGCHLD = SIG_IGN, from a thread
    while True:
        try:
            pid = os.fork()
        except OSError:
            time.sleep(0.05)
            continue
        if pid == 0:
            start = time.process_time()
            while time.process_time() - start < 0.02:
                pass
            os._exit(0)
        try:
            os.waitpid(pid, 0)  # ignored SIGCHLD: waits for the exit, then ECHILD (reaped)
        except ChildProcessError:
            pass


threading.Thread(target=_churn, daemon=True).start()
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
