"""Observations the judge makes itself, from outside the learner's process: :class:`ThreadWatch`.

Under ``course grade`` a test cell runs in the judge and the learner's code in a sandboxed worker
process. What the operating system shows about that process (its threads, in
``/proc/<pid>/task``) cannot be forged by code inside it, unlike a report that a helper run there
with :func:`course.grading.inside.in_learner` hands back. Outside the judge (one kernel, plain
nbgrader) the same calls observe the current process, so a test cell runs unchanged both ways::

    from course.grading.observe import ThreadWatch

    watch = ThreadWatch()                   # the worker's threads now, counted by the OS
    report = in_learner(run_counted, run_pipeline, (jobs, work, 2), timeout=10)
    check(watch.left(), 0, "threads still running after run_pipeline ended")

Code is MIT licensed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from typing import Any

__all__ = ["ThreadWatch", "worker_pid", "worker_threads"]

_WORKER_MODULE = b"course.grading.worker"
_pids: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _current_worker() -> Any:
    judge = sys.modules.get("course.grading.judge")
    return None if judge is None else judge._current.get()


def stat_fields(pid: str) -> list[str] | None:
    """Fields 3.. of ``/proc/PID/stat`` (fields[0] is the state), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
    except OSError:
        return None
    return stat[stat.rfind(")") + 2 :].split()  # after the command name, which may hold ")"


def _stat(pid: str) -> tuple[int, int, int] | None:
    """(ppid, session, start time in clock ticks) of a process, or None if it is gone."""
    fields = stat_fields(pid)
    if fields is None:
        return None
    # fields[0] is field 3 (state): ppid=4, session=6, starttime=22
    return int(fields[1]), int(fields[3]), int(fields[19])


def _find_worker_pid(root: int) -> int | None:
    """The host pid of the worker started as (or under) process ``root``.

    The launcher starts the worker in a new session led by ``root`` (the worker itself, or
    bubblewrap, whose PID namespace hides host pids from the worker). Among the processes of that
    session descended from ``root`` and running ``course.grading.worker``, the worker is the one
    closest to ``root`` and, at equal depth (an orphan re-parented to the sandbox's init), the one
    started first: a process the submission starts can be neither.
    """
    procs: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(entry)
        if stat is not None and (stat[1] == root or int(entry) == root):
            procs[int(entry)] = (stat[0], stat[2])
    best: tuple[int, int, int] | None = None
    for pid, (_, started) in procs.items():
        depth, node = 0, pid
        while node != root and node in procs and depth < 16:
            node, depth = procs[node][0], depth + 1
        if node != root:
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        # python -m course.grading.worker (bubblewrap's and prlimit's command lines name it too)
        is_worker = argv[1:3] == [b"-m", _WORKER_MODULE]
        if is_worker and (best is None or (depth, started, pid) < best):
            best = (depth, started, pid)
    return None if best is None else best[2]


def _find_forked_pid(root: int, sandbox_pid: int) -> int | None:
    """The host pid of the worker a zygote forked in the sandbox led by ``root``: the process of
    that session whose pid inside the sandbox's PID namespace (``NSpid``) is ``sandbox_pid``."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(entry)
        if stat is None or stat[1] != root:
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as f:
                line = next((x for x in f if x.startswith(b"NSpid:")), b"")
        except OSError:
            continue
        ids = line.split()[1:]
        if len(ids) > 1 and ids[-1] == str(sandbox_pid).encode():
            return int(entry)
    return None


def worker_pid() -> int | None:
    """The host pid of the current submission's worker process (None outside the judge)."""
    worker = _current_worker()
    if worker is None:
        return None
    pid = _pids.get(worker)
    if pid is None:
        forked = getattr(worker, "sandbox_pid", None)
        if forked is not None:
            pid = _find_forked_pid(worker.proc.pid, forked)
        else:
            pid = _find_worker_pid(worker.proc.pid)
        if pid is None:
            raise RuntimeError("the learner's worker process is gone (did it crash?)")
        _pids[worker] = pid
    return pid


def _thread_ids() -> set[int]:
    """The OS thread ids of the learner's process: the judge reads the worker's /proc entry."""
    pid = worker_pid()
    if pid is None:
        # One kernel: Python's own threads (the kernel's and libraries' native threads, which come
        # and go on their own, stay out of it).
        return {t.native_id for t in threading.enumerate() if t.native_id is not None}
    try:
        return {int(tid) for tid in os.listdir(f"/proc/{pid}/task")}
    except FileNotFoundError:
        raise RuntimeError("the learner's worker process is gone (did it crash?)") from None


def worker_threads() -> int:
    """How many threads the learner's process runs now, as the operating system counts them.

    In the judge: the entries of the worker's ``/proc/<pid>/task``, read by the judge; in one
    kernel: the threads of this process that ``threading`` knows.
    """
    return len(_thread_ids())


class ThreadWatch:
    """The threads of the learner's process when made; :meth:`left` counts the new ones."""

    def __init__(self) -> None:
        self.before = _thread_ids()

    def left(self, settle: float = 1.0) -> int:
        """Threads started since this watch was made and still running.

        Threads are told apart by their OS thread id (not reused so soon), so a thread that ends
        after the watch was made does not hide a new one. A thread that has returned can stay
        listed by the OS for a moment (``join`` returns before the OS thread is gone; the
        channel's own request threads end just after their reply): this waits up to ``settle``
        seconds for the new ones to disappear. A thread left waiting for ever stays counted.
        """
        end = time.monotonic() + settle
        while True:
            new = len(_thread_ids() - self.before)
            if new == 0 or time.monotonic() >= end:
                return new
            time.sleep(0.01)
