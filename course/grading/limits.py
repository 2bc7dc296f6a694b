"""What a grading run may use, and the interface of the thing that starts learner processes.

``Limits`` is per submission notebook. A ``Launcher`` starts the worker process that runs one
submission's code: ``course.grading.sandbox.BwrapLauncher`` (bubblewrap: no network, a private
file system view, an unprivileged user, resource limits) or ``UnsandboxedLauncher`` (the fallback).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["Limits", "Launcher"]


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission notebook."""

    cell_seconds: float = 120.0  # wall time for one learner cell or one test cell
    total_seconds: float = 900.0  # wall time for the whole notebook
    memory_bytes: int = 2 << 30
    output_bytes: int = 1 << 20
    file_bytes: int = 64 << 20
    processes: int = 64
    cpu_seconds: float = 900.0


class Launcher(Protocol):
    """Starts (and stops) the process that runs a submission's code."""

    name: str  # "bwrap" or "none"

    def start(
        self, argv: list[str], workdir: Path, limits: Limits, pass_fds: tuple[int, ...] = ()
    ) -> subprocess.Popen: ...

    def stop(self, proc: subprocess.Popen) -> None: ...  # kills everything it started
