"""Launchers: start the process that runs one submission, sandboxed with bubblewrap when possible.

``BwrapLauncher`` (name ``"bwrap"``) runs the command under bubblewrap (Debian package
``bubblewrap``):

- **no network**: a new network namespace holding only a loopback device;
- **a private file system view**: read-only binds of ``/usr`` (and the ``/lib*``, ``/bin``
  links), the Python installation (the venv and its base interpreter), the ``course`` package and
  a few ``/etc`` files the C library reads; the submission's own scratch folder (its working
  directory, writable) and a private ``/tmp`` (a size-limited tmpfs). Nothing else exists in the
  sandbox: not ``solutions/``, ``source/``, ``gradebook.db``, ``nbgrader_config.py``, other
  students' folders, the rest of the repository or anyone's home folder;
- **an unprivileged user**: as root, bubblewrap sets up the namespaces and the command then drops
  to a dedicated uid of its own (one per running sandbox, from a pool locked across processes) with
  no capabilities and ``no_new_privs``; as an ordinary user, a user namespace maps it to
  uid 65534 with every capability dropped;
- **every process dies with it**: a new PID namespace with ``--die-with-parent``; ``stop`` kills
  bubblewrap's process group (which takes the namespace down) and, as root, every process left
  with the sandbox's uid;
- **resource limits** (``setrlimit`` through ``prlimit`` just before the command starts): address
  space, CPU seconds, file size, number of processes, core 0. Wall time is the caller's job; what
  the process writes to stderr is drained and capped at ``Limits.output_bytes``. The CPU limit is
  per process; the judge also counts the CPU of all the sandbox's processes together and stops
  the sandbox past the limit;
- **a cgroup of its own** where the grader can make one (``course.grading.cgroups``: root, v1 or
  v2): bubblewrap starts inside it, so every process of the sandbox is in it from the start. The
  judge reads the sandbox's CPU time there (children reaped automatically under ``SIGCHLD =
  SIG_IGN`` included; without cgroups it counts the processes of the sandbox's uid from
  ``/proc``, which misses those), and it caps the memory (``Limits.total_memory_bytes``) and the
  tasks (``Limits.processes`` and bubblewrap's own) of all of them together. ``stop`` kills what
  is left in it and removes it. ``warning`` says what is lost without it.

``UnsandboxedLauncher`` (name ``"none"``) is the fallback where bubblewrap cannot run (not Linux,
bubblewrap missing, user namespaces forbidden): it sets the same resource limits where it can, but
the submission runs as the grader's user with the grader's view of the files and the network.
``default_launcher()`` picks one and ``FALLBACK_WARNING`` says what the fallback risks. Both put
the command in a cgroup where they can. ``scratch_quota`` bounds what a submission may write in
its working folder (a size-limited tmpfs mounted there, as root).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import course
from course.grading.cgroups import CGROUP_WARNING, CgroupError, CgroupUnavailable, Group, cgroups
from course.grading.cgroups import cgroup_problem as _cgroup_problem
from course.grading.limits import Launcher, Limits, course_pythonpath
from course.grading.observe import stat_fields as _stat_fields

__all__ = [
    "BwrapLauncher",
    "LearnerProcess",
    "UnsandboxedLauncher",
    "SandboxUnavailable",
    "default_launcher",
    "launcher_by_name",
    "sandbox_problem",
    "describe_exit",
    "process_ids",
    "stderr_text",
    "FALLBACK_WARNING",
    "SANDBOX_UID_BASE",
    "scratch_quota",
]

FALLBACK_WARNING = (
    "WARNING: grading WITHOUT a sandbox ({reason}). Submissions run as your user, can read "
    "every file you can (solutions/, hidden tests, gradebook.db, other students' work), can "
    "write wherever you can, can use the network, and a fork bomb is not contained. Scores are "
    "still decided outside the learner's process, but grade only submissions you trust, or "
    "install bubblewrap (apt-get install bubblewrap) on Linux with user namespaces enabled."
)

#: First uid of the pool a root grader hands out to sandboxes (one uid per running sandbox, so
#: the process limit counts only that sandbox's processes). Far above ordinary and subuid ranges.
SANDBOX_UID_BASE = 3_210_000
SANDBOX_UID_COUNT = 512
_LOCK_DIR = Path(tempfile.gettempdir()) / "course-sandbox-uids"
#: Size of the sandbox's private /tmp (a tmpfs: it counts against memory, so keep it small).
TMP_BYTES = 256 << 20
#: The uid/gid a non-root grader's sandbox runs as, inside its user namespace.
NOBODY = 65534
#: Tasks of a sandbox's cgroup beyond ``Limits.processes``: bubblewrap's own two processes (and a
#: margin), so the per-uid process limit, which counts only the submission's, is reached first.
CGROUP_HELPER_TASKS = 4


class SandboxUnavailable(RuntimeError):
    """bubblewrap cannot run here; the message says why and what to install or enable."""


def describe_exit(returncode: int | None) -> str:
    """A short reason for a sandboxed process's exit status, for the per-student record."""
    if returncode is None:
        return "still running"
    signum = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    reasons = {
        signal.SIGXCPU: "stopped: CPU time limit reached",
        signal.SIGXFSZ: "stopped: file size limit reached",
        signal.SIGKILL: "killed (wall time limit, memory, or stopped by the grader)",
        signal.SIGSEGV: "crashed (segmentation fault)",
        signal.SIGABRT: "aborted",
        signal.SIGTERM: "terminated",
    }
    if signum in reasons:
        return reasons[signum]
    if signum:
        return f"killed by signal {signum}"
    return f"exited with status {returncode}"


def stderr_text(proc: subprocess.Popen) -> str:
    """What the process wrote to stderr so far (capped at ``Limits.output_bytes``)."""
    buffer = proc.stderr_buffer if isinstance(proc, LearnerProcess) else None
    if buffer is None:
        return ""
    with buffer.lock:
        text = bytes(buffer.data).decode("utf-8", "replace")
        return text + ("\n[stderr truncated]" if buffer.dropped else "")


class _CappedBuffer:
    def __init__(self, cap: int) -> None:
        self.cap, self.data, self.dropped, self.lock = cap, bytearray(), 0, threading.Lock()

    def drain(self, stream) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536):
                with self.lock:
                    room = self.cap - len(self.data)
                    self.data += chunk[: max(room, 0)]
                    self.dropped += max(len(chunk) - max(room, 0), 0)


class LearnerProcess(subprocess.Popen):
    """A process a launcher started for a submission, with what the launcher knows of it.

    :meth:`cpu_seconds` answers for every process of the submission, as the OS counts them: the
    sandbox's cgroup where the launcher made one (``cgroup``: it holds the time of every process
    that ever ran in it, children reaped automatically because their parent ignores
    ``SIGCHLD`` included, and stays readable after the sandbox is stopped). Else from ``/proc``:
    under bubblewrap run as root the sandbox has a uid of its own (``sandbox_uid``) that its
    processes cannot shed: every process of that uid (a ``setsid``, double-forked daemon
    included) plus what the sandbox's init has reaped; under bubblewrap run by another user
    (``namespaced``), every process of the sandbox's PID namespace (which no process leaves
    either); without a sandbox, the process's session and process group, which ``setsid``
    leaves. Each process counts its own time and that of the children it reaped, so a child's
    time is not lost when it exits; what ``/proc`` loses is a child auto-reaped because its
    parent ignores ``SIGCHLD``, which the per-process ``RLIMIT_CPU`` still bounds.
    """

    cgroup: Group | None = None
    sandbox_uid: int | None = None  #: a root bubblewrap launcher's pool uid
    namespaced: bool = False  #: in a PID namespace of its own (bubblewrap, not as root)
    stderr_buffer: _CappedBuffer | None = None
    _namespace: str | None = None

    def cpu_seconds(self) -> float:
        """CPU seconds of every process of the submission (see the class docstring)."""
        if self.cgroup is not None:
            return self.cgroup.cpu_seconds()
        if self.sandbox_uid is not None:
            return _uid_cpu(self.sandbox_uid, self.pid)
        if self.namespaced:
            namespace = self.pid_namespace()
            if namespace is not None:
                return _namespace_cpu(namespace)
        return _session_cpu(self.pid)

    def pid_namespace(self) -> str | None:
        """The PID namespace of the sandbox's init (this process's child), once it exists."""
        if self._namespace is None:
            self._namespace = _child_namespace(self.pid)
        return self._namespace


def _popen(
    cmd: list[str],
    limits: Limits,
    pass_fds: tuple[int, ...],
    capture_stdout: bool,
    **kwargs,
) -> subprocess.Popen:
    """Start ``cmd``: stdin from /dev/null, stdout to /dev/null (or a pipe for tests), stderr
    drained into a buffer capped at ``limits.output_bytes`` (read it with ``stderr_text``)."""
    proc = LearnerProcess(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture_stdout else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=pass_fds,
        start_new_session=True,  # its own process group: stop() kills the whole group
        **kwargs,
    )
    buffer = _CappedBuffer(limits.output_bytes)
    proc.stderr_buffer = buffer
    threading.Thread(target=buffer.drain, args=(proc.stderr,), daemon=True).start()
    return proc


def _new_group(limits: Limits) -> Group | None:
    """A cgroup for one sandbox, with the limits' total memory and tasks (None without cgroups)."""
    found = cgroups()
    if found is None:
        return None
    try:
        group = found.create()
    except (CgroupUnavailable, OSError):
        return None
    try:
        if "memory" in group.controllers:
            group.limit_memory(int(limits.total_memory_bytes))
        if "pids" in group.controllers:
            group.limit_pids(int(limits.processes) + CGROUP_HELPER_TASKS)
    except BaseException:
        _remove_group(group)
        raise
    return group


def _remove_group(group: Group | None) -> None:
    """Kill what is left in ``group`` and remove it (its CPU count stays readable)."""
    if group is not None:
        with contextlib.suppress(CgroupError, OSError):
            group.remove()


def _start_in_group(
    cmd: list[str],
    limits: Limits,
    pass_fds: tuple[int, ...],
    capture_stdout: bool,
    use_cgroups: bool = True,
    **kwargs,
) -> LearnerProcess:
    """``_popen`` of ``cmd`` inside a new cgroup where there are cgroups (``proc.cgroup``: the
    group, or None)."""
    group = _new_group(limits) if use_cgroups else None
    try:
        run = group.command(cmd) if group else cmd
        proc = _popen(run, limits, pass_fds, capture_stdout, **kwargs)
    except BaseException:
        _remove_group(group)
        raise
    proc.cgroup = group
    return proc


def _cgroup_warning() -> str:
    problem = _cgroup_problem()
    return CGROUP_WARNING.format(reason=problem) if problem else ""


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _prlimit_args(limits: Limits, processes: bool) -> list[str]:
    """``prlimit`` options for ``limits`` (the CPU hard limit kills 5 s after SIGXCPU)."""
    cpu = max(1, int(limits.cpu_seconds))
    args = [
        f"--as={int(limits.memory_bytes)}",
        f"--cpu={cpu}:{cpu + 5}",
        f"--fsize={int(limits.file_bytes)}",
        "--core=0",
    ]
    if processes:
        args.append(f"--nproc={int(limits.processes)}")
    return args


def _validate(argv: Sequence[str], workdir: Path, limits: Limits) -> Path:
    if not argv or not all(isinstance(a, str) for a in argv):
        raise TypeError(f"argv must be a non-empty list of str, got {argv!r}")
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a course.grading.limits.Limits, got {limits!r}")
    workdir = Path(workdir).resolve()
    if not workdir.is_dir():
        raise FileNotFoundError(f"the submission's working folder {workdir} does not exist")
    return workdir


class UnsandboxedLauncher:
    """Runs the command as the grader's user, with resource limits only (see FALLBACK_WARNING)."""

    name = "none"

    def __init__(
        self, reason: str = "chosen with --sandbox none", use_cgroups: bool = True
    ) -> None:
        self.reason = reason
        self.use_cgroups = use_cgroups  #: False: count CPU from /proc as without cgroups

    @property
    def warning(self) -> str:
        """What grading with this launcher risks (and what is lost without cgroups)."""
        warnings = [FALLBACK_WARNING.format(reason=self.reason), _cgroup_warning()]
        return "\n".join(w for w in warnings if w)

    def start(
        self,
        argv: list[str],
        workdir: Path,
        limits: Limits,
        pass_fds: tuple[int, ...] = (),
        read_only: Sequence[Path] = (),
        *,
        capture_stdout: bool = False,
    ) -> subprocess.Popen:
        workdir = _validate(argv, workdir, limits)
        cmd = list(argv)
        prlimit = shutil.which("prlimit")
        # RLIMIT_NPROC would count all of the grader's processes: not set (the cgroup's pids.max
        # caps the submission's, where there are cgroups)
        if prlimit:
            cmd = [prlimit, *_prlimit_args(limits, processes=False), "--", *cmd]
        env = dict(os.environ)
        path = [course_pythonpath(), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(path))
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.setdefault("MPLBACKEND", "Agg")
        return _start_in_group(
            cmd, limits, pass_fds, capture_stdout, self.use_cgroups, cwd=workdir, env=env
        )

    def stop(self, proc: subprocess.Popen) -> None:
        """Kill the process group, then whatever is left in the cgroup (detached ones too)."""
        _kill_group(proc)
        _remove_group(proc.cgroup if isinstance(proc, LearnerProcess) else None)


class _UidLease:
    """A sandbox uid held (by an exclusive file lock) for as long as the sandbox runs."""

    def __init__(self) -> None:
        _LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        start = (os.getpid() * 7) % SANDBOX_UID_COUNT
        for step in range(SANDBOX_UID_COUNT):
            uid = SANDBOX_UID_BASE + (start + step) % SANDBOX_UID_COUNT
            fd = os.open(_LOCK_DIR / str(uid), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    continue
                raise
            self.uid, self._fd = uid, fd
            _kill_uid(uid)  # anything a crashed grader left behind under this uid
            return
        raise SandboxUnavailable(f"all {SANDBOX_UID_COUNT} sandbox uids are in use")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def process_ids() -> Iterator[tuple[str, tuple[int, ...], int]]:
    """(pid, (real uid, effective uid), parent pid) of every process, from ``/proc/PID/status``.

    The uids come from ``status``, not from the owner of ``/proc/PID``, which is root for a
    process that made itself non-dumpable (``prctl(PR_SET_DUMPABLE, 0)``).
    """
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as f:
                status = f.read().decode("ascii", "replace")
        except OSError:
            continue
        uids: tuple[int, ...] = ()
        ppid = -1
        for line in status.splitlines():
            if line.startswith("PPid:"):
                ppid = int(line.split()[1])
            elif line.startswith("Uid:"):
                uids = tuple(int(u) for u in line.split()[1:3])
                break  # Uid: comes after PPid:
        yield entry.name, uids, ppid


def _uid_pids(uid: int) -> list[int]:
    """Every process whose real or effective uid is ``uid``."""
    return [int(pid) for pid, uids, _ in process_ids() if uid in uids]


def _kill_uid(uid: int) -> None:
    """SIGKILL every process running as ``uid`` (repeat: a fork bomb races the sweep)."""
    for _ in range(50):
        pids = _uid_pids(uid)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def _ancestors(paths: Sequence[Path]) -> list[Path]:
    found = set()
    for path in paths:
        found.update(p for p in path.parents if p != Path("/"))
    return sorted(found, key=lambda p: len(p.parts))


def _course_package() -> Path:
    return Path(course.__file__).resolve().parent


class BwrapLauncher:
    """Runs the command in a bubblewrap sandbox (see the module docstring for what it gets)."""

    name = "bwrap"

    def __init__(
        self,
        bwrap: str | None = None,
        extra_ro_binds: Sequence[Path] = (),
        tmp_bytes: int = TMP_BYTES,
        use_cgroups: bool = True,
    ) -> None:
        self.bwrap = bwrap or shutil.which("bwrap") or "bwrap"
        self.use_cgroups = use_cgroups  #: False: count CPU from /proc as without cgroups
        self.extra_ro_binds = [Path(p).resolve() for p in extra_ro_binds]
        self.tmp_bytes = tmp_bytes
        self.as_root = os.geteuid() == 0
        self._leases: dict[int, _UidLease] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        """Picklable (a process pool sends launchers to its workers): leases stay behind."""
        state = dict(self.__dict__)
        state["_leases"], state["_lock"] = {}, None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def warning(self) -> str:
        """What is lost here (no cgroups: see ``CGROUP_WARNING``), or ""."""
        return _cgroup_warning()

    # -- what the sandbox sees -------------------------------------------------------------------
    def read_only_paths(self) -> list[Path]:
        """Host paths bound read-only (at the same place) into every sandbox."""
        package = _course_package()
        paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), package}
        paths.add(Path(sys.executable).resolve().parent.parent)
        paths.update(self.extra_ro_binds)
        paths = {p for p in paths if not p.is_relative_to("/usr")}
        # no path inside another (binding the outer one is enough)
        return sorted(p for p in paths if not any(p != q and p.is_relative_to(q) for q in paths))

    def command(
        self,
        argv: list[str],
        workdir: Path,
        limits: Limits,
        uid: int | None = None,
        read_only: Sequence[Path] = (),
    ) -> list[str]:
        """The full bwrap command line for ``argv`` (``uid``: the pool uid when root;
        ``read_only``: more folders the sandbox may read, at the same paths)."""
        package = _course_package()
        binds = self.read_only_paths()
        # No --new-session: Popen's start_new_session already leaves the sandbox without a
        # controlling terminal (so no TIOCSTI), and keeping bwrap's session lets the judge read
        # the worker's CPU time by session id.
        cmd = [self.bwrap, "--die-with-parent"]
        if self.as_root:
            cmd += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
            cmd += ["--unshare-cgroup-try"]
        else:
            cmd += ["--unshare-all", "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
            cmd += ["--disable-userns", "--cap-drop", "ALL"]
        cmd += ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            host = Path("/") / name
            if host.is_symlink():
                cmd += ["--symlink", os.readlink(host), str(host)]
            elif host.is_dir():
                cmd += ["--ro-bind", str(host), str(host)]
        for name in ("ld.so.cache", "localtime", "nsswitch.conf", "host.conf", "mime.types"):
            cmd += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        cmd += ["--proc", "/proc", "--dev", "/dev"]
        cmd += ["--perms", "1777", "--size", str(self.tmp_bytes), "--tmpfs", "/tmp"]
        # bwrap copies the host's modes for the folders it creates (/root is 0700): open them up
        # (folders under /tmp too: the course may live there, and the private /tmp hides it)
        extra = [Path(p).resolve() for p in read_only]
        for folder in _ancestors([*binds, workdir, *extra]):
            if folder != Path("/tmp"):
                cmd += ["--perms", "0755", "--dir", str(folder)]
        for path in binds:
            cmd += ["--ro-bind", str(path), str(path)]
        cmd += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir)]
        for path in extra:
            cmd += ["--ro-bind", str(path), str(path)]
        env = {
            "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp",
            "TMPDIR": "/tmp",
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(package.parent),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            "MPLCONFIGDIR": "/tmp/matplotlib",
            "MPLBACKEND": "Agg",
            "IPYTHONDIR": "/tmp/ipython",
        }
        # nothing of the grader's environment but what makes Python behave the same: its
        # COURSE_* settings (the run's oracle folder, say) are the judge's, not the learner's
        for key in ("PYTHONHASHSEED", "PYTHONUNBUFFERED"):
            if key in os.environ:
                env[key] = os.environ[key]
        cmd.append("--clearenv")
        for key, value in sorted(env.items()):
            cmd += ["--setenv", key, value]
        cmd.append("--")
        if self.as_root:
            if uid is None:
                raise ValueError("a root launcher needs a pool uid")
            cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
            cmd += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        cmd += ["prlimit", *_prlimit_args(limits, processes=True), "--", *argv]
        return cmd

    # -- Launcher protocol -----------------------------------------------------------------------
    def start(
        self,
        argv: list[str],
        workdir: Path,
        limits: Limits,
        pass_fds: tuple[int, ...] = (),
        read_only: Sequence[Path] = (),
        *,
        capture_stdout: bool = False,
    ) -> subprocess.Popen:
        """Start ``argv`` in a new sandbox (the Launcher protocol; stdio as ``_popen`` says)."""
        workdir = _validate(argv, workdir, limits)
        lease = _UidLease() if self.as_root else None
        try:
            if lease is not None:
                _chown_tree(workdir, lease.uid)
            cmd = self.command(
                argv, workdir, limits, uid=lease.uid if lease else None, read_only=read_only
            )
            proc = _start_in_group(cmd, limits, pass_fds, capture_stdout, self.use_cgroups)
        except BaseException:
            if lease is not None:
                lease.release()
            raise
        proc.sandbox_uid = lease.uid if lease else None
        proc.namespaced = lease is None  # bubblewrap not as root: a user and PID namespace
        if lease is not None:
            with self._lock:
                self._leases[proc.pid] = lease
        return proc

    def stop(self, proc: subprocess.Popen) -> None:
        """Kill the sandbox: bwrap's process group, its PID namespace, its cgroup (removed), every
        process of its uid.

        Returns once none of its processes is left (its PID namespace is empty), so a caller
        that counts what is left after a run sees nothing of a sandbox being torn down.
        """
        namespace = _child_namespace(proc.pid)
        _kill_group(proc)
        _remove_group(proc.cgroup if isinstance(proc, LearnerProcess) else None)
        with self._lock:
            lease = self._leases.pop(proc.pid, None)
        if lease is not None:
            _kill_uid(lease.uid)
            lease.release()
        if namespace is not None:
            _wait_namespace_empty(namespace)


def _pid_namespace(pid: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _child_namespace(pid: int) -> str | None:
    """The PID namespace of ``pid``'s child in a namespace of its own (bwrap's init), if any."""
    own = _pid_namespace("self")
    for child, _uids, ppid in process_ids():
        if ppid == pid:
            namespace = _pid_namespace(child)
            if namespace is not None and namespace != own:
                return namespace
    return None


def _wait_namespace_empty(namespace: str, seconds: float = 10.0) -> None:
    """Wait (up to ``seconds``) until no process is left in the PID namespace ``namespace``.

    Its init was killed: the kernel kills the rest, which takes a moment; what is still there
    is killed again on the way.
    """
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        left = [
            int(e) for e in os.listdir("/proc") if e.isdigit() and _pid_namespace(e) == namespace
        ]
        if not left:
            return
        for pid in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


_MS_NOSUID, _MS_NODEV, _MNT_DETACH = 2, 4, 2


@contextlib.contextmanager
def scratch_quota(folder: Path, nbytes: int) -> Iterator[bool]:
    """Bound what may be written in the empty ``folder`` to ``nbytes`` while the context lasts.

    As root on Linux it mounts a tmpfs of that size on ``folder`` (unmounted at the end; the
    grader reads what the submission wrote there meanwhile) and yields True; elsewhere it
    changes nothing and yields False (``Limits.file_bytes`` still bounds each file).
    """
    folder = Path(folder)
    if not isinstance(nbytes, int) or isinstance(nbytes, bool) or nbytes <= 0:
        raise ValueError(f"a disk quota must be a positive number of bytes, got {nbytes!r}")
    if not folder.is_dir():
        raise FileNotFoundError(f"the scratch folder {folder} does not exist")
    if any(folder.iterdir()):
        raise ValueError(f"the scratch folder {folder} must be empty (a tmpfs would hide it)")
    libc = _libc()
    mounted = False
    if libc is not None and os.geteuid() == 0:
        options = f"size={nbytes},mode=0755".encode()
        target = os.fsencode(folder)
        mounted = (
            libc.mount(b"course-scratch", target, b"tmpfs", _MS_NOSUID | _MS_NODEV, options) == 0
        )
    try:
        yield mounted
    finally:
        if mounted:
            libc.umount2(os.fsencode(folder), _MNT_DETACH)


@functools.cache
def _libc():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _own_and_reaped(fields: list[str]) -> int:
    """Clock ticks of a process (utime + stime) and of the children it reaped (cutime, cstime)."""
    return sum(int(fields[i]) for i in (11, 12, 13, 14))


def _namespace_cpu(namespace: str) -> float:
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _pid_namespace(entry) == namespace:
            fields = _stat_fields(entry)
            total += _own_and_reaped(fields) if fields else 0
    return total / _TICKS


def _uid_cpu(uid: int, launcher_pid: int) -> float:
    total = 0
    for pid, uids, ppid in process_ids():
        if uid in uids:
            fields = _stat_fields(pid)
            total += _own_and_reaped(fields) if fields else 0
        elif ppid == launcher_pid:  # the sandbox's init: only what it reaped
            fields = _stat_fields(pid)
            total += int(fields[13]) + int(fields[14]) if fields else 0
    return total / _TICKS


def _session_cpu(pid: int) -> float:
    """CPU seconds of the processes in ``pid``'s session or process group (no sandbox)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(entry)
        # fields[0] is field 3 (state): ppid=1, pgrp=2, session=3, utime=11, stime=12
        if fields and (int(entry) == pid or fields[3] == str(pid) or fields[2] == str(pid)):
            total += _own_and_reaped(fields)
    return total / _TICKS


def _chown_tree(folder: Path, uid: int) -> None:
    """Give the sandbox's uid the scratch folder (only the folder the submission owns)."""
    os.chown(folder, uid, uid, follow_symlinks=False)
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.chown(os.path.join(base, name), uid, uid, follow_symlinks=False)


@functools.cache
def sandbox_problem() -> str | None:
    """Why bubblewrap cannot be used here (None if it works): checked once by running it."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux; this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    for tool in ("prlimit", "setpriv") if os.geteuid() == 0 else ("prlimit",):
        if shutil.which(tool) is None:
            return f"{tool} (util-linux) is not installed"
    launcher = BwrapLauncher()
    with tempfile.TemporaryDirectory(prefix="course-sandbox-probe-") as scratch:
        limits = Limits(cell_seconds=30, total_seconds=30, memory_bytes=1 << 30)
        try:
            proc = launcher.start(
                [sys.executable, "-c", "print('ok')"], Path(scratch), limits, capture_stdout=True
            )
        except (OSError, SandboxUnavailable) as exc:
            return f"bubblewrap did not start: {exc}"
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            out = b""
        finally:
            launcher.stop(proc)
        if out.strip() != b"ok":
            detail = stderr_text(proc).strip().splitlines()
            why = detail[-1] if detail else describe_exit(proc.returncode)
            return f"bubblewrap cannot create a sandbox here (user namespaces forbidden?): {why}"
    return None


def default_launcher() -> Launcher:
    """``BwrapLauncher`` if it works here, else ``UnsandboxedLauncher`` (with its reason)."""
    problem = sandbox_problem()
    return UnsandboxedLauncher(problem) if problem else BwrapLauncher()


def launcher_by_name(name: str) -> Launcher:
    """``"bwrap"``, ``"none"`` or ``"auto"`` (the default): a clear error if bwrap cannot run."""
    if name == "auto":
        return default_launcher()
    if name == "none":
        return UnsandboxedLauncher()
    if name == "bwrap":
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailable(f"--sandbox bwrap: {problem}")
        return BwrapLauncher()
    raise ValueError(f"unknown sandbox {name!r}; use bwrap, none or auto")
