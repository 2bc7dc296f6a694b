"""The judge never runs as root: a root class driver starts its judge processes as a user of
their own, :data:`JUDGE_UID`, with no groups and no capabilities, in a file system view of
their own.

Only the driver keeps root: it reads the course (sources, submissions), writes what the class
gets (autograded notebooks, records, the gradebook) and speaks to the judges in JSON lines
(:mod:`course.grading.pool`). A judge process reads learner data all day; if a parser ever let
learner data take it over, it would hold nothing but that user's rights, and see nothing of the
course but the run folder the driver made for it (:func:`judge_command`: bubblewrap binds the
system and the Python environment read-only, the run folder writable; ``setpriv`` then drops to
the judge's user with ``no_new_privs`` and an empty bounding set). Its own sandboxes are then
bubblewrap's unprivileged kind (a user namespace each), which that user can start. Code is MIT
licensed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from course.grading.sandbox import SANDBOX_UID_BASE, BwrapLauncher

__all__ = ["JUDGE_UID", "UID_SETTING", "judge_command", "judge_ids", "run_cgroup"]

#: The judge processes' uid and gid when the driver is root: just below the sandbox pool, far
#: above ordinary and subordinate ranges, owned by no account.
JUDGE_UID = SANDBOX_UID_BASE - 1


#: Names another uid for the judges of a root driver (an account of their own, say).
UID_SETTING = "COURSE_JUDGE_UID"


def judge_ids() -> tuple[int, int] | None:
    """(uid, gid) the judge processes run as, or None when they run as the caller (not root).

    :data:`JUDGE_UID` unless ``COURSE_JUDGE_UID`` names another uid (1000 or above, not a
    sandbox pool uid); a bad value is an error that says so.
    """
    if os.geteuid() != 0:
        return None
    raw = os.environ.get(UID_SETTING, "").strip()
    if not raw:
        return JUDGE_UID, JUDGE_UID
    if not raw.isdigit() or int(raw) < 1000 or SANDBOX_UID_BASE <= int(raw):
        raise ValueError(
            f"{UID_SETTING} must be a uid of 1000 or above and below {SANDBOX_UID_BASE} "
            f"(the sandboxes' pool), got {raw!r}"
        )
    return int(raw), int(raw)


def judge_command(
    run: Path, cgroup_folders: Sequence[Path] = (), scratch_bytes: int | None = None
) -> list[str]:
    """The command prefix that starts a judge process as :data:`JUDGE_UID`, seeing only the
    system, the Python environment and the course package (read-only) and ``run`` (writable).

    The host's ``/proc`` is bound as it is (the judge counts its sandboxes' processes there,
    and a nested sandbox may mount a ``/proc`` of its own only under a fully visible one).
    ``/sys/fs/cgroup`` is read-only but for ``cgroup_folders``: the run's group, handed to the
    judges' user (:func:`run_cgroup`), in which they make one group per sandbox.
    ``scratch_bytes``: the judge's ``run/tmp`` (its ``TMPDIR``, where its students' working
    folders are made) is then a tmpfs of that size of its own: a judge grades one student at a
    time, so this bounds what one submission can write.
    """
    run = Path(run).resolve()
    bwrap = shutil.which("bwrap") or "bwrap"
    cmd = [bwrap, "--die-with-parent", "--unshare-ipc", "--unshare-uts", "--unshare-net"]
    cmd += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            cmd += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            cmd += ["--ro-bind", str(host), str(host)]
    cmd += ["--bind", "/proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    if Path("/sys/fs/cgroup").is_dir():
        cmd += ["--perms", "0755", "--dir", "/sys", "--perms", "0755", "--dir", "/sys/fs"]
        cmd += ["--ro-bind", "/sys/fs/cgroup", "/sys/fs/cgroup"]
        for folder in cgroup_folders:
            cmd += ["--bind", str(folder), str(folder)]
    binds = BwrapLauncher().read_only_paths()
    for folder in sorted({p for b in [*binds, run] for p in b.parents if p != Path("/")},
                         key=lambda p: len(p.parts)):  # fmt: skip
        if folder != Path("/tmp"):
            cmd += ["--perms", "0755", "--dir", str(folder)]
    for path in binds:
        cmd += ["--ro-bind", str(path), str(path)]
    cmd += ["--bind", str(run), str(run)]
    if scratch_bytes is not None:
        cmd += ["--perms", "1777", "--size", str(int(scratch_bytes)), "--tmpfs", str(run / "tmp")]
    cmd += ["--chdir", str(run), "--"]
    uid, gid = judge_ids() or (JUDGE_UID, JUDGE_UID)
    cmd += ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
    cmd += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return cmd


def describe(task: dict) -> dict:
    """A judge process's view of itself (a :class:`~course.grading.pool.JudgePool` handler, for
    tests and for an instructor checking a set-up): its ids, capabilities and what it can see.
    """
    from course.grading.cgroups import cgroup_problem

    status = Path("/proc/self/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    paths = [str(p) for p in task.get("paths", [])]
    return {
        "uid": os.getuid(),
        "euid": os.geteuid(),
        "gid": os.getgid(),
        "groups": os.getgroups(),
        "cap_eff": int(fields["CapEff"].strip(), 16),
        "cap_bnd": int(fields["CapBnd"].strip(), 16),
        "no_new_privs": fields.get("NoNewPrivs", "").strip() == "1",
        "visible": {p: os.path.exists(p) for p in paths},
        "cgroups": cgroup_problem() or "usable",
        "tmp_bytes": _size(os.environ.get("TMPDIR", "/tmp")),
    }


def _size(folder: str) -> int:
    info = os.statvfs(folder)
    return info.f_blocks * info.f_frsize


def run_cgroup() -> Any:
    """As root with cgroups: a group for this run's judges, handed to their user (None else).

    The judges start inside it (``Group.command``) and make their sandboxes' groups in it, so
    a judge that is not root still counts and caps its sandboxes with cgroups.
    """
    from course.grading.cgroups import CgroupError, CgroupUnavailable, cgroups

    ids = judge_ids()
    found = cgroups() if ids is not None else None
    if found is None:
        return None
    try:
        group = found.create()
        group.delegate(*ids)
    except (CgroupError, CgroupUnavailable, OSError):
        return None
    return group
