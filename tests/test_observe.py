"""What the judge observes itself (ThreadWatch) and the worker's sealed in_learner helpers."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

import course.concurrency.probes as probes
from course.concurrency.probes import instance_attributes, run_counted
from course.grading import judge
from course.grading.helpers import Helpers
from course.grading.inside import in_learner
from course.grading.judge import Worker
from course.grading.limits import Limits
from course.grading.observe import ThreadWatch, worker_pid, worker_threads
from course.grading.sandbox import UnsandboxedLauncher, launcher_by_name, sandbox_problem

FAST = Limits(cell_seconds=8.0, total_seconds=180.0)


@contextlib.contextmanager
def judging(worker: Worker):
    """Run the block as a test cell of the judge does: ``worker`` is the current submission's."""
    worker.endpoint.deadline = time.monotonic() + 60
    token = judge._current.set(worker)
    try:
        yield
    finally:
        judge._current.reset(token)


def run(worker: Worker, source: str) -> None:
    ok, out, error = worker.request("exec", (source,), 30)
    assert ok, error


LEAKY = """
import threading
_never = threading.Event()

def leaky(n):
    for _ in range(n):
        threading.Thread(target=_never.wait, daemon=True).start()
    return n

def tidy(n):
    threads = [threading.Thread(target=sum, args=([1, 2],)) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return n
"""


def test_thread_watch_in_one_kernel_counts_this_process():
    assert worker_pid() is None
    stop = threading.Event()
    watch = ThreadWatch()
    threading.Thread(target=stop.wait, daemon=True).start()
    assert watch.left(settle=0.05) == 1
    stop.set()
    assert watch.left() == 0
    assert worker_threads() == threading.active_count()  # threads threading knows


@pytest.mark.parametrize("launcher", ["none", "bwrap"])
def test_thread_watch_counts_the_workers_threads_from_outside(tmp_path, launcher):
    if launcher == "bwrap" and sandbox_problem():
        pytest.skip(f"needs the bubblewrap sandbox: {sandbox_problem()}")
    chosen = UnsandboxedLauncher() if launcher == "none" else launcher_by_name("bwrap")
    worker = Worker(tmp_path, chosen, FAST)
    try:
        run(worker, LEAKY)
        api = worker.request("get", (["leaky", "tidy"],), 30)
        with judging(worker):
            pid = worker_pid()
            if launcher == "bwrap":  # another PID namespace: the judge found the host pid itself
                assert pid != worker.proc.pid and pid != worker.request("ping", (), 30)
            watch = ThreadWatch()
            assert api["tidy"](3) == 3
            assert watch.left() == 0
            assert in_learner(run_counted, api["leaky"], (2,), timeout=5)["threads_left"] == 2
            assert watch.left(settle=0.2) == 2
            # A process the submission starts under the same name is not taken for the worker.
            run(
                worker,
                "import subprocess, sys\n_p = subprocess.Popen([sys.executable, '-m', "
                "'course.grading.worker', '--rfd', '0', '--wfd', '1'])\n",
            )
            judge.sys.modules["course.grading.observe"]._pids.clear()
            assert worker_pid() == pid
    finally:
        worker.stop()


def test_helpers_are_kept_from_start_and_sealed():
    helpers = Helpers()
    assert helpers.changed() == []
    assert helpers.call("course.concurrency.probes", "instance_attributes", (helpers,), {})
    with pytest.raises(PermissionError, match="not a helper"):
        helpers.call("course.grading.judge", "grade_notebook", (), {})
    real = probes.instance_attributes
    try:
        probes.instance_attributes = lambda obj: []
        assert helpers.changed() == ["course.concurrency.probes.instance_attributes"]
        with pytest.raises(PermissionError, match="instance_attributes"):
            helpers.call("course.concurrency.probes", "instance_attributes", (helpers,), {})
    finally:
        probes.instance_attributes = real
    code = probes._fake_fetch.__code__
    try:
        probes._fake_fetch.__code__ = (lambda fail: fail).__code__
        assert helpers.changed() == ["course.concurrency.probes._fake_fetch.__code__"]
    finally:
        probes._fake_fetch.__code__ = code
    assert helpers.changed() == []


def test_worker_refuses_helpers_after_a_cell_patched_them(tmp_path):
    worker = Worker(tmp_path, UnsandboxedLauncher(), FAST)
    try:
        run(worker, "class Box:\n    def __init__(self):\n        self.secret = 1\n")
        box = worker.request("get", (["Box"],), 30)["Box"]()
        with judging(worker):
            assert in_learner(instance_attributes, box) == ["secret"]
            run(
                worker,
                "import course.concurrency.probes as p\np.instance_attributes = lambda obj: []\n",
            )
            with pytest.raises(PermissionError, match="probes.instance_attributes"):
                in_learner(instance_attributes, box)
            run(worker, "import asyncio\nasyncio.all_tasks = lambda loop=None: set()\n")
            with pytest.raises(PermissionError, match="asyncio.all_tasks"):
                in_learner(instance_attributes, box)
    finally:
        worker.stop()
