"""A submission's CPU time as the operating system counts it: detached, reaped, namespaced."""

from __future__ import annotations

import os
import textwrap
import time

import pytest

from course.grading import sandbox
from course.grading.cgroups import cgroup_problem
from course.grading.judge import Worker, grade_notebook
from course.grading.limits import Limits
from course.grading.rpc import ChannelClosed
from course.grading.sandbox import BwrapLauncher, _uid_pids, sandbox_problem
from tests.judging import _mini, fn, run

_BURNERS = """
import os, time
if os.fork() == 0:
    os.setsid()  # out of the worker's session and process group
    os.fork()  # two burners
    if os.fork() == 0:  # double-forked: adopted by the sandbox's init
        while True:
            pass
    os._exit(0)
"""
as_root_in_bwrap = pytest.mark.skipif(
    sandbox_problem() is not None or os.geteuid() != 0,
    reason="the sandbox's own uid needs bubblewrap run as root",
)


@as_root_in_bwrap
@pytest.mark.parametrize("use_cgroups", [True, False], ids=["cgroup", "uid"])
def test_a_setsid_grandchild_is_counted_stopped_at_the_cpu_limit_and_killed(tmp_path, use_cgroups):
    # each burner alone stays under the per-process RLIMIT_CPU (2 s): only their sum breaks it;
    # counted by the sandbox's cgroup, or without one by its uid (/proc)
    launcher = BwrapLauncher(use_cgroups=use_cgroups)
    w = Worker(tmp_path, launcher, Limits(memory_bytes=1 << 30, cpu_seconds=2))
    assert (w.proc.cgroup is not None) == (use_cgroups and cgroup_problem() is None)
    uid = w.proc.sandbox_uid
    try:
        run(w, _BURNERS)
        deadline = time.monotonic() + 120  # 2 CPU seconds, on a loaded machine
        readings = []
        while not w.broken and time.monotonic() < deadline:
            readings.append(w.cpu_seconds())
            time.sleep(0.2)
        assert w.broken == "cpu", readings[-5:]
        assert readings == sorted(readings)  # never decreases
        assert w.cpu_seconds() > 2
        with pytest.raises(ChannelClosed):
            w.request("ping", (), 10)
    finally:
        w.stop()
    assert _uid_pids(uid) == []  # nothing of the sandbox is left


@pytest.mark.skipif(sandbox_problem() is not None, reason="needs the bubblewrap sandbox")
def test_in_a_user_namespace_the_sandbox_is_counted_by_its_pid_namespace(tmp_path):
    # the mode a grader who is not root gets: no uid of its own, and no cgroup (v1 needs root)
    launcher = BwrapLauncher(use_cgroups=False)
    launcher.as_root = False
    w = Worker(tmp_path, launcher, Limits(memory_bytes=1 << 30, cpu_seconds=2))
    try:
        run(w, _BURNERS)
        namespace = w.proc.pid_namespace()
        assert namespace is not None
        deadline = time.monotonic() + 120
        members: list[str] = []
        while len(members) < 4 and time.monotonic() < deadline:  # init, worker, two burners
            members = [p for p in os.listdir("/proc") if sandbox._pid_namespace(p) == namespace]
        assert len(members) >= 4, members
        while not w.broken and time.monotonic() < deadline:
            time.sleep(0.2)
        assert w.broken == "cpu"
    finally:
        w.stop()
    left = [p for p in members if sandbox._pid_namespace(p) == namespace]
    deadline = time.monotonic() + 5  # the namespace goes down with its init
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [p for p in left if sandbox._pid_namespace(p) == namespace]
    assert left == []


def test_the_session_count_keeps_the_time_of_reaped_children(worker):
    run(
        worker,
        "import os\n"
        "def burn_in_child():\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        sum(i * i for i in range(3_000_000))\n"
        "        os._exit(0)\n"
        "    os.waitpid(pid, 0)\n",
    )
    before = worker.cpu_seconds()
    worker.endpoint.deadline = time.monotonic() + 60
    fn(worker, "burn_in_child")()  # the child is gone: its time is in the worker's cutime
    assert worker.cpu_seconds() - before > 0.05


@pytest.mark.slow
@as_root_in_bwrap
def test_the_cpu_limit_is_the_submissions_and_its_breach_is_recorded(tmp_path):
    answer = (
        "def total(xs):\n"
        "    import time\n"
        f"{textwrap.indent(_BURNERS, '    ')}\n"
        "    time.sleep(100)\n"
        "    return sum(xs)\n"
    )
    src, sub = _mini(tmp_path, answer)
    limits = Limits(cell_seconds=100, total_seconds=200, memory_bytes=1 << 30, cpu_seconds=3)
    result = grade_notebook(src, sub, tmp_path / "work", launcher=BwrapLauncher(), limits=limits)
    assert result.scores() == {"total-by-hand": (0.0, 2.0), "total-partial": (0.0, 4.0)}
    assert result.cells[0].status == "crashed"
    assert any("went over the CPU time limit (3 s)" in p for p in result.problems), result.problems
    # the first process used the whole budget: no second one is started
    assert any("used up its CPU time limit (3 s)" in p for p in result.problems), result.problems
