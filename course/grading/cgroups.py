"""One control group per sandbox: CPU time, memory and process count of all its processes.

A cgroup counts the CPU time of every process that ever ran in it, including children that
were reaped automatically (their parent ignores ``SIGCHLD``), whose time is in no process's
``/proc`` counters. So the judge reads a submission's CPU time here when it can
(:meth:`course.grading.sandbox.LearnerProcess.cpu_seconds`), and the launchers cap the total
memory and the number of processes of a submission with it.

Two kernels' interfaces behind one: **cgroup v2** (``cpu.stat``, ``memory.max``, ``pids.max``,
``cgroup.kill``), used where the grader may create child groups (as root: under the v2 root;
otherwise under a delegated folder named by ``COURSE_CGROUP``), and **cgroup v1** (the
``cpuacct``, ``memory`` and ``pids`` hierarchies, as root). Groups are created beside the
grader, each in the grader's own cgroup of its hierarchy (so an outer limit still holds), named
``course-<grader pid>-<n>``.

The sandboxed process joins its group *before* it starts anything (:meth:`Group.command`
wraps the command in a shell that writes its own pid to ``cgroup.procs`` and then ``exec``\\ s
it), so no process of the sandbox is ever outside it. Linux only; :func:`cgroup_problem` says
why cgroups cannot be used here, and :data:`CGROUP_WARNING` what is then lost.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import os
import re
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CGROUP_WARNING",
    "CgroupError",
    "CgroupUnavailable",
    "Cgroups",
    "Group",
    "cgroup_problem",
    "cgroups",
]

CGROUP_WARNING = (
    "WARNING: grading without cgroups ({reason}). A submission's CPU time is counted from "
    "/proc instead: what its children use when they are reaped automatically (SIGCHLD ignored) "
    "escapes the CPU limit and the speed tests, and its total memory and process count are not "
    "capped. Run the grader as root on Linux with cgroup v2, or v1 with the cpuacct, memory and "
    "pids controllers (or set COURSE_CGROUP to a delegated cgroup v2 folder)."
)

#: environment variable naming a cgroup v2 folder the grader may create groups in (delegated)
ENV_VAR = "COURSE_CGROUP"
_NAME = re.compile(r"course-(\d+)-(\d+)\Z")
_counter = itertools.count()
_sweep_lock = threading.Lock()
_swept: set[int] = set()  # pids of the processes that swept stale groups already


class CgroupUnavailable(RuntimeError):
    """Cgroups cannot be used here; the message says why."""


class CgroupError(RuntimeError):
    """A group was misused (a limit its controllers do not offer, a removed group, ...)."""


@dataclass(frozen=True)
class _Hierarchy:
    version: int  #: 1 or 2
    parent: Path  #: the folder groups are created in
    controllers: frozenset[str]  #: what groups made here can use ("cpu", "memory", "pids")


def _mounts() -> list[tuple[str, Path, set[str]]]:
    """(filesystem type, mount point, super options) of the cgroup mounts of this process."""
    found = []
    with contextlib.suppress(OSError), open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, rest = left.split(), right.split()
            if len(fields) >= 5 and len(rest) >= 3 and rest[0] in ("cgroup", "cgroup2"):
                point = fields[4].encode().decode("unicode_escape")
                found.append((rest[0], Path(point), set(rest[2].split(","))))
    return found


def _own_paths() -> dict[str, str]:
    """This process's cgroup path per v1 controller (and "" for v2), from /proc/self/cgroup."""
    paths: dict[str, str] = {}
    with contextlib.suppress(OSError), open("/proc/self/cgroup") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                paths[name] = path
    return paths


def _inside(mount: Path, path: str) -> Path:
    folder = mount / path.lstrip("/")
    return folder if folder.is_dir() else mount


def _v1_hierarchies() -> list[_Hierarchy]:
    own = _own_paths()
    wanted = {"cpuacct": "cpu", "memory": "memory", "pids": "pids"}
    found: dict[Path, set[str]] = {}
    for fstype, point, options in _mounts():
        if fstype != "cgroup":
            continue
        for controller, role in wanted.items():
            if controller in options and controller in own:
                found.setdefault(_inside(point, own[controller]), set()).add(role)
    return [_Hierarchy(1, parent, frozenset(roles)) for parent, roles in found.items()]


def _v2_hierarchy(parent: Path | None = None) -> _Hierarchy:
    """The v2 folder to create groups in, with the controllers it can give them."""
    if parent is None:
        mounts = [point for fstype, point, _ in _mounts() if fstype == "cgroup2"]
        if not mounts:
            raise CgroupUnavailable("no cgroup v2 hierarchy is mounted")
        configured = os.environ.get(ENV_VAR)
        if configured:
            parent = Path(configured)
        elif os.geteuid() == 0:
            parent = mounts[0]
        else:
            raise CgroupUnavailable(
                f"not root, and {ENV_VAR} names no delegated cgroup v2 folder to create groups in"
            )
    if not (parent / "cgroup.procs").is_file():
        raise CgroupUnavailable(f"{parent} is not a cgroup v2 folder")
    if not os.access(parent, os.W_OK):
        raise CgroupUnavailable(f"cannot create groups in {parent} (not writable)")
    offered = set(_read(parent / "cgroup.controllers").split())
    enabled = set(_read(parent / "cgroup.subtree_control").split())
    for controller in ("memory", "pids") if offered else ():
        if controller in offered and controller not in enabled:
            with contextlib.suppress(OSError):  # EBUSY if the folder holds processes itself
                _write(parent / "cgroup.subtree_control", f"+{controller}")
    enabled = set(_read(parent / "cgroup.subtree_control").split())
    return _Hierarchy(2, parent, frozenset({"cpu"} | (enabled & {"memory", "pids"})))


def _read(path: Path) -> str:
    with open(path) as f:
        return f.read().strip()


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


class Cgroups:
    """Where groups are made: one cgroup v2 folder, or one folder per v1 hierarchy used."""

    def __init__(self, hierarchies: list[_Hierarchy]) -> None:
        if not hierarchies or not any("cpu" in h.controllers for h in hierarchies):
            raise CgroupUnavailable("no cgroup hierarchy counts CPU time (cpuacct or v2)")
        self.hierarchies = hierarchies
        self.version = hierarchies[0].version

    @classmethod
    def detect(cls, version: int | None = None, parent: Path | None = None) -> Cgroups:
        """The cgroups this process may use: v1 if ``cpuacct`` is a v1 hierarchy here, else v2.

        ``version`` forces one; ``parent`` (v2) is the folder to create groups in.
        Raises :class:`CgroupUnavailable` with the reason.
        """
        if not os.path.isdir("/sys/fs/cgroup"):
            raise CgroupUnavailable("no /sys/fs/cgroup (cgroups need Linux)")
        if version not in (None, 1, 2):
            raise ValueError(f"cgroup version must be 1 or 2, got {version!r}")
        if version in (None, 1) and parent is None:
            v1 = [h for h in _v1_hierarchies() if os.access(h.parent, os.W_OK)]
            if any("cpu" in h.controllers for h in v1):
                return cls(v1)
            if version == 1:
                raise CgroupUnavailable("no writable cgroup v1 cpuacct hierarchy (not root?)")
        return cls([_v2_hierarchy(parent)])

    @property
    def controllers(self) -> frozenset[str]:
        """What groups made here can do: "cpu" always, "memory" and "pids" where offered."""
        return frozenset().union(*(h.controllers for h in self.hierarchies))

    def describe(self) -> str:
        """E.g. ``cgroup v1 (cpu, memory, pids)``."""
        return f"cgroup v{self.version} ({', '.join(sorted(self.controllers))})"

    def create(self) -> Group:
        """A new empty group (named ``course-<pid>-<n>``); stale ones of dead graders go first."""
        self._sweep()
        name = f"course-{os.getpid()}-{next(_counter)}"
        made: list[Path] = []
        try:
            for h in self.hierarchies:
                folder = h.parent / name
                folder.mkdir(mode=0o755)
                made.append(folder)
        except OSError as exc:
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise CgroupUnavailable(f"cannot create a cgroup in {h.parent}: {exc}") from None
        return Group(name, self.version, {h: h.parent / name for h in self.hierarchies})

    def _sweep(self) -> None:
        """Kill and remove groups left by graders that are gone (once per process)."""
        with _sweep_lock:
            if os.getpid() in _swept:
                return
            _swept.add(os.getpid())
        for h in self.hierarchies:
            with contextlib.suppress(OSError):
                for entry in os.scandir(h.parent):
                    match = _NAME.match(entry.name)
                    if match and entry.is_dir() and not _alive(int(match.group(1))):
                        stale = Group(entry.name, self.version, {h: Path(entry.path)})
                        with contextlib.suppress(OSError, CgroupError):
                            stale.kill()
                            stale.remove()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_JOIN = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1/cgroup.procs" || '
    '{ echo "course: cannot join the cgroup $1" >&2; exit 125; }; shift; n=$((n - 1)); done; '
    'exec "$@"'
)


class Group:
    """One cgroup (one folder per hierarchy): add processes, read and limit them, kill, remove."""

    def __init__(self, name: str, version: int, folders: dict[_Hierarchy, Path]) -> None:
        self.name = name
        self.version = version
        self._folders = folders
        self._removed = False
        self._final_cpu: float | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<cgroup v{self.version} {self.name}{' (removed)' if self._removed else ''}>"

    @property
    def controllers(self) -> frozenset[str]:
        """What the group can do: "cpu" always, "memory" and "pids" where offered."""
        return frozenset().union(*(h.controllers for h in self._folders))

    @property
    def folders(self) -> list[Path]:
        """The group's folder in each hierarchy."""
        return list(self._folders.values())

    def _folder(self, controller: str) -> Path:
        if self._removed:
            raise CgroupError(f"the cgroup {self.name} was removed")
        for h, folder in self._folders.items():
            if controller in h.controllers:
                return folder
        raise CgroupError(
            f"the cgroup {self.name} has no {controller} controller here "
            f"(cgroup v{self.version} offers {', '.join(sorted(self.controllers))})"
        )

    # -- processes ------------------------------------------------------------------------------
    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run by a shell that first moves itself into the group, then execs it."""
        if self._removed:
            raise CgroupError(f"the cgroup {self.name} was removed")
        if not argv:
            raise ValueError("argv must not be empty")
        folders = [str(f) for f in self.folders]
        return ["/bin/sh", "-c", _JOIN, "sh", str(len(folders)), *folders, *argv]

    def add(self, pid: int) -> None:
        """Move process ``pid`` (and, in v2, all its threads) into the group."""
        if self._removed:
            raise CgroupError(f"the cgroup {self.name} was removed")
        for folder in self.folders:
            _write(folder / "cgroup.procs", str(int(pid)))

    def pids(self) -> list[int]:
        """The processes in the group now."""
        if self._removed:
            return []
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(FileNotFoundError):
                found.update(int(p) for p in _read(folder / "cgroup.procs").split())
        return sorted(found)

    # -- counters -------------------------------------------------------------------------------
    def cpu_seconds(self) -> float:
        """User + system CPU seconds of every process that ran in the group (its final count
        once removed)."""
        with self._lock:
            if self._removed:
                return self._final_cpu or 0.0
            return self._read_cpu()

    def _read_cpu(self) -> float:
        folder = self._folder("cpu")
        if self.version == 2:
            for line in _read(folder / "cpu.stat").splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) / 1e6
            raise CgroupError(f"no usage_usec in {folder / 'cpu.stat'}")
        return int(_read(folder / "cpuacct.usage")) / 1e9

    def memory_current(self) -> int:
        """Bytes of memory charged to the group now."""
        name = "memory.current" if self.version == 2 else "memory.usage_in_bytes"
        return int(_read(self._folder("memory") / name))

    def memory_peak(self) -> int | None:
        """Most bytes of memory the group held (None where the kernel does not say: v2 < 5.19)."""
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        try:
            return int(_read(self._folder("memory") / name))
        except FileNotFoundError:
            return None

    def pids_current(self) -> int:
        """Tasks (processes and threads) in the group now."""
        return int(_read(self._folder("pids") / "pids.current"))

    # -- limits ---------------------------------------------------------------------------------
    def limit_memory(self, nbytes: int) -> None:
        """Cap the group's memory (and swap: none in v2, memory + swap in v1) at ``nbytes``:
        past it the kernel reclaims, then kills a process of the group."""
        if not isinstance(nbytes, int) or isinstance(nbytes, bool) or nbytes <= 0:
            raise ValueError(f"a memory limit must be a positive number of bytes, got {nbytes!r}")
        folder = self._folder("memory")
        if self.version == 2:
            _write(folder / "memory.max", str(nbytes))
            if (folder / "memory.swap.max").exists():
                _write(folder / "memory.swap.max", "0")
        else:
            _write(folder / "memory.limit_in_bytes", str(nbytes))
            if (folder / "memory.memsw.limit_in_bytes").exists():
                _write(folder / "memory.memsw.limit_in_bytes", str(nbytes))

    def limit_pids(self, count: int) -> None:
        """Cap the tasks (processes and threads) the group may hold at ``count``."""
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            raise ValueError(f"a process limit must be a positive integer, got {count!r}")
        _write(self._folder("pids") / "pids.max", str(count))

    # -- the end --------------------------------------------------------------------------------
    def kill(self) -> None:
        """SIGKILL every process in the group (v2: ``cgroup.kill``; v1: repeated sweeps)."""
        if self._removed:
            return
        if self.version == 2:
            for folder in self.folders:
                with contextlib.suppress(FileNotFoundError):
                    if (folder / "cgroup.kill").exists():
                        _write(folder / "cgroup.kill", "1")
        deadline = time.monotonic() + 5
        while (pids := self.pids()) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)

    def remove(self) -> None:
        """Remove the group (kill its processes first); its CPU count stays readable. Idempotent."""
        with self._lock:
            if self._removed:
                return
            with contextlib.suppress(OSError, CgroupError, ValueError):
                self._final_cpu = self._read_cpu()
        self.kill()
        with self._lock:
            with contextlib.suppress(OSError, CgroupError, ValueError):
                self._final_cpu = max(self._final_cpu or 0.0, self._read_cpu())
            for folder in self.folders:
                _remove_children(folder)  # groups made inside a delegated one
                _rmdir(folder)
            self._removed = True

    def delegate(self, uid: int, gid: int) -> None:
        """Hand the group to ``uid``: its folders and their files become that user's, so a
        process of that user inside it may make groups of its own there (and nowhere else)."""
        for folder in self.folders:
            os.chown(folder, uid, gid)
            for entry in os.scandir(folder):
                if entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):  # a few v1 files belong to root only
                        os.chown(entry.path, uid, gid)

    def __enter__(self) -> Group:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _remove_children(folder: Path) -> None:
    """Kill the processes of every group below ``folder`` and remove those groups, deepest first."""
    children = sorted(
        (Path(base) / name for base, dirs, _ in os.walk(folder) for name in dirs),
        key=lambda p: len(p.parts),
        reverse=True,
    )
    for child in children:
        with contextlib.suppress(OSError):
            for line in _read(child / "cgroup.procs").split():
                with contextlib.suppress(ProcessLookupError, PermissionError, ValueError):
                    os.kill(int(line), signal.SIGKILL)
        with contextlib.suppress(CgroupError):
            _rmdir(child)


def _rmdir(folder: Path) -> None:
    """Remove a group's folder, waiting a little for exiting processes to leave it."""
    for _ in range(200):
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                raise CgroupError(f"cannot remove the cgroup {folder}: {exc}") from None
        time.sleep(0.01)
    raise CgroupError(f"cannot remove the cgroup {folder}: processes are still in it")


@functools.cache
def _detected() -> Cgroups | str:
    try:
        return Cgroups.detect()
    except CgroupUnavailable as exc:
        return str(exc)
    except OSError as exc:
        return f"cgroups unreadable: {exc}"


def cgroups() -> Cgroups | None:
    """The cgroups this grader can use (checked once), or None (see :func:`cgroup_problem`)."""
    found = _detected()
    return found if isinstance(found, Cgroups) else None


def cgroup_problem() -> str | None:
    """Why cgroups cannot count this grader's submissions (None if they can)."""
    found = _detected()
    return found if isinstance(found, str) else None
