"""What a graded submission may use, and how its worker process is started.

The judge (``course.grading.judge``) never runs learner code itself: it asks a :class:`Launcher`
to start ``python -m course.grading.worker`` and talks to it over two pipes whose descriptors it
passes with ``pass_fds``. ``course.grading.sandbox`` provides the sandboxed launcher (bubblewrap);
its ``UnsandboxedLauncher`` starts the worker as a plain child process (resource limits only).

A launcher must:

- start ``argv`` with the working directory ``workdir`` and keep the descriptors ``pass_fds``
  open in the child under the same numbers (the worker reads them from ``argv``);
- give the child stdin and stdout from ``/dev/null`` (the channel is the passed pipes, never
  stdio) and stderr to ``/dev/null`` or a capped log of its own;
- make the ``course`` package importable (read-only is enough) and the venv's Python runnable;
- let the child read (never write) the folders ``read_only`` (the judge's test inputs), at the
  same paths;
- apply ``limits`` (memory, CPU seconds, file size, processes) to everything it starts
  (the sandboxed launchers put it all in one cgroup where they can: ``course.grading.cgroups``);
- ``stop(proc)``: kill every process it started for ``proc`` (the worker's children too) and
  reap them; it is called more than once on the same process without complaint.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["Launcher", "Limits", "course_pythonpath"]


@dataclass(frozen=True)
class Limits:
    """Limits for one submission notebook."""

    cell_seconds: float = 120.0  #: wall time for one learner cell or one test cell
    total_seconds: float = 900.0  #: wall time for the whole notebook
    #: address space of the worker: 2 GiB crashed a correct module 2 answer (pyarrow and
    #: DataFusion reserve far more address space than they touch)
    memory_bytes: int = 6 << 30
    output_bytes: int = 1 << 20  #: learner output kept per cell (the rest is dropped)
    file_bytes: int = 64 << 20  #: largest file the worker may write
    #: largest message the judge reads from the learner's process (one reply, say): the judge
    #: holds and decodes it, so this bounds its memory per submission; the largest table the
    #: course's tests get back is a few MB
    reply_bytes: int = 64 << 20
    processes: int = 64  #: processes/threads the sandbox may hold
    #: CPU time of the submission: a limit on each of its processes (RLIMIT_CPU) and, counted by
    #: the judge, on all of them together (see ``learner_process.Worker``: with cgroups every
    #: process that ever ran in the sandbox, auto-reaped children included; else the sandbox's
    #: uid or PID namespace; without a sandbox or cgroups the worker's session and group only)
    cpu_seconds: float = 900.0
    #: memory of all the submission's processes together (resident memory, page cache and the
    #: files it writes to its tmpfs folders, as its cgroup counts them): where the grader can
    #: use cgroups (``course.grading.cgroups``), past it the kernel kills one of its processes;
    #: ``memory_bytes`` is each process's address space, a different and larger number
    total_memory_bytes: int = 4 << 30
    #: what the submission may write in its working folder, all files together (a root grader
    #: mounts a tmpfs of this size there: ``course.grading.sandbox.scratch_quota``)
    disk_bytes: int = 512 << 20

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Limits.{name} must be a positive number, got {value!r}")


class Launcher(Protocol):
    """Starts and stops the worker process of one submission."""

    name: str  #: "bwrap" or "none"

    def start(
        self,
        argv: list[str],
        workdir: Path,
        limits: Limits,
        pass_fds: tuple[int, ...] = (),
        read_only: tuple[Path, ...] = (),
    ) -> subprocess.Popen: ...

    def stop(self, proc: subprocess.Popen) -> None: ...


def course_pythonpath() -> str:
    """The folder holding the ``course`` package this process imported (for PYTHONPATH)."""
    return str(Path(__file__).resolve().parents[2])
