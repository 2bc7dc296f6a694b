"""Cgroups: one group per sandbox counts the CPU of all its processes and caps them together.

The unit tests create real groups (v1 and, where this machine has a cgroup v2 hierarchy the
grader may write, v2) and skip, saying why, where none can be created (not root, not Linux).
Then the launchers and the judge: a submission whose children burn CPU and are reaped
automatically (``SIGCHLD`` ignored, so their time is in no process's ``/proc`` counters) is
counted against its CPU limit and by ``timing.cpu_seconds``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course.grading import judge
from course.grading.cgroups import (
    CGROUP_WARNING,
    CgroupError,
    Cgroups,
    CgroupUnavailable,
    Group,
    cgroup_problem,
)
from course.grading.judge import Worker
from course.grading.limits import Limits
from course.grading.sandbox import (
    BwrapLauncher,
    UnsandboxedLauncher,
    sandbox_problem,
    scratch_quota,
)
from course.grading.timing import cpu_seconds

PROBLEM = cgroup_problem()
needs_cgroups = pytest.mark.skipif(PROBLEM is not None, reason=f"no cgroups here: {PROBLEM}")
needs_bwrap_cgroups = pytest.mark.skipif(
    PROBLEM is not None or sandbox_problem() is not None,
    reason=f"needs bubblewrap and cgroups: {PROBLEM or sandbox_problem()}",
)


def _backend(version: int) -> Cgroups:
    try:
        return Cgroups.detect(version)
    except (CgroupUnavailable, OSError) as exc:
        pytest.skip(f"cgroup v{version} groups cannot be created here: {exc}")


@pytest.fixture(params=[1, 2], ids=["v1", "v2"])
def group(request) -> Group:
    made = _backend(request.param).create()
    yield made
    made.remove()


#: A parent that ignores SIGCHLD (through libc, as learner code may) and runs short CPU burners
#: one after another: each is reaped by the kernel the moment it exits, so its time is added to
#: no process's counters (not even the parent's cutime).
IGNORED_BURNERS = """
import ctypes, os, sys, time
ctypes.CDLL(None).signal(17, ctypes.c_void_p(1))  # SIGCHLD = SIG_IGN behind Python's back
def burners(count, seconds):
    for _ in range(count):
        if os.fork() == 0:
            start = time.process_time()
            while time.process_time() - start < seconds:
                pass
            os._exit(0)
        try:
            os.waitpid(-1, 0)  # under SIG_IGN: blocks until the child is gone, then ECHILD
        except ChildProcessError:
            pass
"""


def _gone(pid: int) -> bool:
    """Dead: no such process, or a zombie its new parent has not reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True


# ------------------------------------------------------------------------------ the module


@needs_cgroups
def test_detected_backend_counts_cpu():
    from course.grading.cgroups import cgroups

    found = cgroups()
    assert found is not None and "cpu" in found.controllers
    assert found.describe().startswith(f"cgroup v{found.version} (")


def test_group_counts_children_reaped_automatically(group: Group):
    script = IGNORED_BURNERS + (
        "burners(10, 0.05)\n"
        "sys.stdout.write(open('/proc/self/stat').read())\n"  # its own and reaped time, at the end
    )
    done = subprocess.run(group.command([sys.executable, "-c", script]), capture_output=True)
    assert done.returncode == 0, done.stderr
    fields = done.stdout.decode().rsplit(")", 1)[1].split()
    seen_by_proc = sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")
    assert seen_by_proc < 0.3  # the children's 0.5 s is in no process's count...
    assert group.cpu_seconds() >= 0.45  # ...but in the group's
    assert group.pids() == []


def test_processes_join_before_they_start_and_die_with_the_group(group: Group):
    # a detached (setsid, double-forked) sleeper: it is still in the group, and killed with it
    script = (
        "import os, sys, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        null = os.open(os.devnull, os.O_RDWR)\n"
        "        for fd in (0, 1, 2):\n"
        "            os.dup2(null, fd)\n"  # so that the caller sees its output end
        "        time.sleep(120)\n"
        "    os._exit(0)\n"
        "print(open('/proc/self/cgroup').read())\n"
    )
    done = subprocess.run(group.command([sys.executable, "-c", script]), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert group.name in done.stdout.decode()
    deadline = time.monotonic() + 10
    while not group.pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = group.pids()
    assert len(left) == 1  # the sleeper
    group.kill()
    assert group.pids() == []
    used = group.cpu_seconds()
    group.remove()
    group.remove()  # again: no complaint
    assert all(not folder.exists() for folder in group.folders)
    assert group.cpu_seconds() == pytest.approx(used, abs=0.05)  # still readable
    assert all(_gone(pid) for pid in left)


def test_add_moves_a_running_process(group: Group):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        group.add(proc.pid)
        assert group.pids() == [proc.pid]
    finally:
        group.kill()
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL


def test_memory_limit_kills_past_it_and_peak_is_read():
    group = _backend(1).create() if _v1_memory() else None
    if group is None:
        pytest.skip("no cgroup memory controller here")
    try:
        group.limit_memory(64 << 20)
        script = (
            "b = bytearray(256 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nprint('survived')"
        )
        done = subprocess.run(group.command([sys.executable, "-c", script]), capture_output=True)
        assert done.returncode == -signal.SIGKILL, (done.returncode, done.stdout, done.stderr)
        peak = group.memory_peak()
        assert peak is not None and (16 << 20) < peak <= (64 << 20) + (1 << 20)
        assert group.memory_current() <= 64 << 20
    finally:
        group.remove()


def _v1_memory() -> bool:
    try:
        return "memory" in Cgroups.detect(1).controllers
    except (CgroupUnavailable, OSError):
        return False


def test_pids_limit_refuses_forks_past_it():
    try:
        backend = Cgroups.detect()
    except (CgroupUnavailable, OSError) as exc:
        pytest.skip(f"no cgroups here: {exc}")
    if "pids" not in backend.controllers:
        pytest.skip("no cgroup pids controller here")
    group = backend.create()
    try:
        group.limit_pids(5)
        script = (
            "import os, time\n"
            "made = 0\n"
            "for _ in range(20):\n"
            "    try:\n"
            "        pid = os.fork()\n"
            "    except OSError:\n"
            "        break\n"
            "    if pid == 0:\n"
            "        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n"  # the caller reads to EOF
            "        time.sleep(30)\n"
            "        os._exit(0)\n"
            "    made += 1\n"
            "print(made)\n"
        )
        proc = subprocess.Popen(
            group.command([sys.executable, "-c", script]), stdout=subprocess.PIPE
        )
        out, _ = proc.communicate(timeout=60)
        assert int(out) == 4  # itself and 4 children: 5 tasks
        assert group.pids_current() == 4  # the children, still sleeping
    finally:
        group.remove()


def test_misuse_is_refused_clearly(group: Group):
    with pytest.raises(ValueError, match="positive"):
        group.limit_memory(0)
    with pytest.raises(ValueError, match="positive"):
        group.limit_pids(-1)
    with pytest.raises(ValueError, match="empty"):
        group.command([])
    missing = {"memory", "pids"} - group.controllers
    for controller in missing:  # e.g. v2 here: its hierarchy offers no memory or pids controller
        with pytest.raises(CgroupError, match=f"no {controller} controller"):
            (group.limit_memory if controller == "memory" else group.limit_pids)(1 << 20)
    group.remove()
    with pytest.raises(CgroupError, match="removed"):
        group.command(["true"])
    with pytest.raises(CgroupError, match="removed"):
        group.add(os.getpid())
    with pytest.raises(CgroupError, match="removed"):
        group.limit_pids(10)


def test_a_bad_version_or_parent_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="1 or 2"):
        Cgroups.detect(3)
    with pytest.raises(CgroupUnavailable, match="not a cgroup v2 folder"):
        Cgroups.detect(2, parent=tmp_path)


def test_the_warning_says_what_is_lost(monkeypatch):
    text = CGROUP_WARNING.format(reason="not root")
    for words in ("not root", "SIGCHLD", "CPU limit", "speed tests", "memory", "process count"):
        assert words in text
    from course.grading import sandbox

    monkeypatch.setattr(sandbox, "_cgroup_problem", lambda: "no /sys/fs/cgroup")
    assert "grading without cgroups (no /sys/fs/cgroup)" in BwrapLauncher().warning
    assert "grading without cgroups" in UnsandboxedLauncher("bwrap missing").warning
    monkeypatch.setattr(sandbox, "_cgroup_problem", lambda: None)
    assert BwrapLauncher().warning == ""


# ------------------------------------------------------------------------------ the launchers


@needs_cgroups
def test_unsandboxed_launcher_kills_a_detached_process_by_its_cgroup(tmp_path: Path):
    launcher = UnsandboxedLauncher()
    script = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(120)\n"
        "    os._exit(0)\n"
        "print(os.getpid(), flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = launcher.start([sys.executable, "-c", script], tmp_path, Limits(), capture_stdout=True)
    group = proc.cgroup
    try:
        assert group is not None
        deadline = time.monotonic() + 30
        while len(group.pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        members = group.pids()
        assert len(members) == 2  # the process and its detached grandchild
    finally:
        launcher.stop(proc)
    assert all(_gone(pid) for pid in members)
    assert all(not folder.exists() for folder in group.folders)


@needs_bwrap_cgroups
def test_a_sandbox_is_in_its_cgroup_with_its_limits(tmp_path: Path):
    launcher = BwrapLauncher()
    limits = Limits(memory_bytes=1 << 30, total_memory_bytes=300 << 20, processes=20)
    proc = launcher.start([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path, limits)
    group = proc.cgroup
    try:
        assert group is not None
        deadline = time.monotonic() + 10  # the wrapper joins, then execs bubblewrap
        while len(group.pids()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        # bubblewrap itself, its init in the sandbox and the command: the whole sandbox
        assert proc.pid in group.pids() and len(group.pids()) == 3, group.pids()
        for folder in group.folders:
            if (folder / "memory.limit_in_bytes").exists():
                assert int((folder / "memory.limit_in_bytes").read_text()) == 300 << 20
            if (folder / "memory.max").exists():
                assert int((folder / "memory.max").read_text()) == 300 << 20
            if (folder / "pids.max").exists():
                assert int((folder / "pids.max").read_text()) == 24  # 20 and bubblewrap's
    finally:
        launcher.stop(proc)
    assert all(not folder.exists() for folder in group.folders)
    launcher.stop(proc)  # twice: no complaint


# ------------------------------------------------------------------------------ the judge


def _exec(worker: Worker, source: str, timeout: float = 60) -> None:
    ok, _, error = worker.request("exec", (source,), timeout)
    assert ok, error


@needs_bwrap_cgroups
def test_auto_reaped_burners_are_counted_and_stopped_at_the_cpu_limit(tmp_path: Path):
    """The zygote's worker (the classroom's path) ignores SIGCHLD and runs short burners."""
    from course.grading.zygote import Sandbox

    limits = Limits(memory_bytes=1 << 30, cpu_seconds=2)
    launcher = BwrapLauncher()
    with Sandbox(tmp_path, launcher, limits) as sandbox:
        zygote = sandbox.zygote()
        group = zygote.proc.cgroup
        w = Worker(tmp_path, launcher, limits, zygote=zygote)
        try:
            assert group is not None and w.cpu_seconds() < 0.5  # the zygote's imports are not its
            _exec(w, IGNORED_BURNERS)
            try:  # 6 s of CPU, 0.05 s a burner: far past the limit, which stops it first
                w.request("exec", ("burners(120, 0.05)",), 120)
            except Exception:  # noqa: BLE001 - the watchdog closes the channel
                pass
            assert w.broken == "cpu", w.cpu_seconds()
            assert 2 < w.cpu_seconds() < 4
            deadline = time.monotonic() + 30  # the watchdog's thread stops the sandbox
            while any(f.exists() for f in group.folders) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert zygote.dead and not any(f.exists() for f in group.folders), group.pids()
        finally:
            w.stop()


@needs_bwrap_cgroups
def test_timing_counts_the_cpu_of_auto_reaped_children(tmp_path: Path):
    w = Worker(tmp_path, BwrapLauncher(), Limits(memory_bytes=1 << 30, cpu_seconds=60))
    try:
        _exec(w, IGNORED_BURNERS + "def work():\n    burners(4, 0.05)\n")
        work = w.request("get", (["work"],), 30)["work"]
        w.endpoint.deadline = time.monotonic() + 60
        token = judge._current.set(w)
        try:
            per_call = cpu_seconds(work, min_total=0.3, max_calls=5)
        finally:
            judge._current.reset(token)
        assert 0.18 < per_call < 0.6  # 4 children x 0.05 s each (and the forks)
    finally:
        w.stop()


# ------------------------------------------------------------------------------ disk quota


@pytest.mark.skipif(os.geteuid() != 0 or sys.platform != "linux", reason="mounting needs root")
def test_scratch_quota_bounds_what_the_folder_holds(tmp_path: Path):
    folder = tmp_path / "work"
    folder.mkdir()
    with scratch_quota(folder, 1 << 20) as bounded:
        assert bounded and os.path.ismount(folder)
        (folder / "small").write_bytes(b"x" * 1000)
        with pytest.raises(OSError, match="No space left"):
            (folder / "big").write_bytes(b"x" * (2 << 20))
        assert (folder / "small").read_bytes() == b"x" * 1000  # the grader reads it meanwhile
    assert not os.path.ismount(folder)
    assert list(folder.iterdir()) == []
    (folder / "kept").write_text("x")
    with pytest.raises(ValueError, match="must be empty"), scratch_quota(folder, 1 << 20):
        pass
    with pytest.raises(ValueError, match="positive"), scratch_quota(tmp_path, 0):
        pass
