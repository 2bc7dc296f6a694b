"""One sandbox per submission, one fresh worker per notebook: :class:`Zygote`, :class:`Sandbox`.

Starting a worker costs about half a CPU second: Python, IPython, NumPy, pyarrow and the pandas
that pyarrow imports. A submission of several notebooks paid it once per notebook. Now the judge
starts, in the submission's sandbox, a *zygote*: ``python -m course.grading.worker --zygote FD``,
which imports those once and then, asked over a control socket, forks one worker per notebook.
Each worker starts from the zygote's state, which no learner code has touched, so it is as fresh
as a new process (same modules, nothing defined); between two notebooks the zygote kills every
other process of the sandbox (``reset``), so nothing a notebook started outlives it.

Isolation is unchanged where it matters: the sandbox is the submission's own (one student), so
whatever a notebook's code does to the zygote (kill it, say) can only harm that student's later
notebooks, and then the judge notices (no answer within the time limit, or the sandbox gone) and
starts a new sandbox. Only the bubblewrap sandbox has a zygote: it needs the sandbox's own PID
namespace to find every process to kill. Code is MIT licensed.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from course.grading.limits import Launcher, Limits

__all__ = ["Sandbox", "Zygote", "ZygoteFailed"]


def _inputs_beside(workdir: Path) -> Path:
    return workdir.parent / f"{workdir.name}.inputs"


class ZygoteFailed(RuntimeError):
    """The zygote did not do what it was asked (it is then stopped with its sandbox)."""


class Zygote:
    """A submission's sandbox running a zygote; :meth:`fork` makes a worker in it."""

    #: seconds the first fork may wait (the zygote imports the libraries first) and later ones
    START_SECONDS = 60.0
    ANSWER_SECONDS = 10.0

    def __init__(
        self,
        workdir: Path,
        launcher: Launcher,
        limits: Limits,
        read_only: tuple[Path, ...] = (),
    ) -> None:
        self.launcher = launcher
        self.dead = False
        self._started = False
        self._lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        argv = [
            sys.executable,
            "-m",
            "course.grading.worker",
            "--zygote",
            str(theirs.fileno()),
            "--output-bytes",
            str(limits.output_bytes),
            "--timeout",
            str(limits.cell_seconds),
        ]
        try:
            self.proc = launcher.start(
                argv, workdir, limits, pass_fds=(theirs.fileno(),), read_only=read_only
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._ctl = ours

    @property
    def alive(self) -> bool:
        return not self.dead and self.proc.poll() is None

    def _ask(self, message: bytes, fds: tuple[int, ...] = ()) -> str:
        with self._lock:
            if self.dead:
                raise ZygoteFailed("the zygote was stopped")
            try:
                self._ctl.settimeout(self.ANSWER_SECONDS if self._started else self.START_SECONDS)
                socket.send_fds(self._ctl, [message], list(fds))
                answer = b""
                while not answer.endswith(b"\n"):
                    chunk = self._ctl.recv(64)
                    if not chunk or len(answer) > 64:
                        raise ZygoteFailed("the zygote ended")
                    answer += chunk
            except (OSError, ZygoteFailed) as exc:
                self._close()
                raise ZygoteFailed(f"the zygote did not answer: {exc}") from None
            self._started = True
            return answer.decode("ascii", "replace").strip()

    def fork(self, rfd: int, wfd: int) -> int:
        """A new worker reading ``rfd`` and writing ``wfd``; its pid inside the sandbox."""
        answer = self._ask(b"fork", (rfd, wfd))
        kind, _, pid = answer.partition(" ")
        if kind != "pid" or not pid.isdigit():
            self.close()
            raise ZygoteFailed(f"the zygote answered {answer[:40]!r} to fork")
        return int(pid)

    def reset(self) -> bool:
        """Kill every process of the sandbox but the zygote; False (and stopped) if it cannot."""
        try:
            answer = self._ask(b"reset")
        except ZygoteFailed:
            return False
        if answer != "ok":
            self.close()
            return False
        return True

    def _close(self) -> None:
        self.dead = True
        with contextlib.suppress(OSError):
            self._ctl.close()
        self.launcher.stop(self.proc)

    def close(self) -> None:
        """Stop the zygote and everything in its sandbox."""
        with self._lock:
            self._close()


class Sandbox:
    """The sandbox of one submission: its live :class:`Zygote`, started (again) when needed.

    ``inputs``: the judge's folder of test inputs, which the sandbox reads and never writes
    (default: beside ``workdir``, see :func:`course.grading.judge.inputs_folder`).
    """

    def __init__(
        self, workdir: Path, launcher: Launcher, limits: Limits, inputs: Path | None = None
    ) -> None:
        self.workdir = Path(workdir)
        self.inputs = Path(inputs) if inputs is not None else _inputs_beside(self.workdir)
        self.launcher = launcher
        self.limits = limits
        self._zygote: Zygote | None = None
        self.started = 0  # zygotes started (more than one: an earlier one died or was killed)

    def zygote(self) -> Zygote | None:
        """The live zygote, a new one if the last died; None if none can be started."""
        if self._zygote is not None and self._zygote.alive:
            return self._zygote
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
        self.inputs.mkdir(mode=0o755, exist_ok=True)
        try:
            self._zygote = Zygote(
                self.workdir, self.launcher, self.limits, read_only=(self.inputs,)
            )
        except Exception:  # noqa: BLE001 - the judge then starts a plain worker
            return None
        self.started += 1
        return self._zygote

    def uid(self) -> int | None:
        """The uid the sandbox runs as, if it has one of its own (a root launcher's)."""
        zygote = self.zygote()
        return zygote.proc.sandbox_uid if zygote is not None else None

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
