"""The learner's process as the judge sees it: :class:`Worker` and :class:`Session`.

A :class:`Worker` is one learner process (started by a launcher, or forked by the student's
zygote) and the judge's end of the channel to it (:class:`_JudgeEndpoint`: every call carries the
test's ``by_hand`` packages and the cell's deadline), with its CPU time as the OS counts it (the
sandbox's cgroup, else ``/proc``) and a watchdog on the submission's CPU budget.

A :class:`Session` owns the workers of one notebook: it starts one when needed, replays the
learner cells that had finished into a fresh one after a break, runs learner cells, fetches the
graded names' values (refusing a reply with any other name: :class:`ForgedReply`) and stops
everything at the end or when the notebook's time is up. Its :class:`SessionState` says what it
can do next. Code is MIT licensed.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from course.grading.codec import CodecError
from course.grading.limits import Launcher, Limits
from course.grading.rpc import (
    CALLABLE_DUNDERS,
    CallTimeout,
    ChannelClosed,
    Endpoint,
    RemoteObject,
    Starved,
    exit_with,
)
from course.grading.zygote import Sandbox, Zygote, ZygoteFailed
from course.learner.checking import bounded_repr

__all__ = [
    "ForgedReply",
    "NoLearnerProcess",
    "STARVED_PROBLEM",
    "Session",
    "SessionState",
    "Worker",
    "graded_values",
]

STARVED_PROBLEM = (
    "the learner's process could not serve the grader (its processes held the process limit); "
    "a fresh process was started"
)


_current: contextvars.ContextVar[Worker | None] = contextvars.ContextVar(
    "judge_worker", default=None
)
_blocked: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "judge_blocked", default=()
)


_STARVED = f"{Starved.__module__}.{Starved.__qualname__}"


class _JudgeEndpoint(Endpoint):
    """The judge's end: calls carry the by_hand packages and the current cell's deadline.

    A request the worker could not even start serving (:class:`~course.grading.rpc.Starved`: its
    process limit is held by the learner's processes) marks the worker ``starved``: it is
    replaced before the next cell, like one that timed out.
    """

    deadline = 0.0
    timed_out = False
    starved = False

    def request(self, op: str, args: tuple, timeout: float) -> Any:
        try:
            return super().request(op, args, timeout)
        except Exception as exc:
            if getattr(exc, "remote_type", None) == _STARVED:
                self.starved = True
            raise

    def call_timeout(self) -> float:
        return max(0.05, self.deadline - time.monotonic())

    def call_remote(self, target: RemoteObject, attr: str | None, args: tuple, kwargs: dict) -> Any:
        try:
            return self.request(
                "call",
                (target, attr, tuple(args), dict(kwargs), _blocked.get()),
                self.call_timeout(),
            )
        except CallTimeout:
            self.timed_out = True
            raise

    def getattr_remote(self, target: RemoteObject, attr: str) -> Any:
        try:
            return self.request("getattr", (target, attr), self.call_timeout())
        except CallTimeout:
            self.timed_out = True
            raise


def _judge_handler(endpoint: Endpoint, op: str, args: tuple) -> Any:
    """What the learner's side may ask the judge: call objects the judge passed (public methods
    and :data:`CALLABLE_DUNDERS`) and read their public attributes; nothing else."""
    if op == "getattr" and len(args) == 2:
        target, attr = args
        if isinstance(target, RemoteObject) or not endpoint.exported(target):
            raise PermissionError("that object was not passed to your code by the grader")
        if not (isinstance(attr, str) and attr.isidentifier() and not attr.startswith("_")):
            raise PermissionError(
                f"your code may not use {bounded_repr(attr, 40)} of a grader object"
            )
        return getattr(target, attr)
    if op == "exit" and len(args) == 2:
        target, info = args
        if isinstance(target, RemoteObject) or not endpoint.exported(target):
            raise PermissionError("that object was not passed to your code by the grader")
        return exit_with(target, info)
    if op != "call" or len(args) < 4:
        raise PermissionError("the grader only answers calls on objects it passed to your code")
    target, attr, call_args, kwargs = args[:4]
    if isinstance(target, RemoteObject) or not endpoint.exported(target):
        raise PermissionError("that object was not passed to your code by the grader")
    if not isinstance(call_args, tuple) or not isinstance(kwargs, dict):
        raise TypeError("malformed call")
    if attr is None:
        func = target
    elif isinstance(attr, str) and (
        attr in CALLABLE_DUNDERS or (attr.isidentifier() and not attr.startswith("_"))
    ):
        func = getattr(target, attr)
    else:
        raise PermissionError(f"your code may not use {bounded_repr(attr, 40)} of a grader object")
    if not callable(func):
        raise TypeError(f"{attr or 'the object'} is not callable")
    return func(*call_args, **{str(k): v for k, v in kwargs.items()})


class Worker:
    """One learner process and the channel to it.

    CPU time: :meth:`cpu_seconds` counts every process of the submission, as the OS counts it
    (see :meth:`~course.grading.sandbox.LearnerProcess.cpu_seconds`: the sandbox's cgroup where
    there is one, else ``/proc``; a worker forked by a zygote counts the sandbox's time since its
    fork), and a watchdog thread stops
    the worker (``broken == "cpu"``) once they have used more than ``cpu_budget`` seconds
    (``limits.cpu_seconds`` unless the judge passes what is left of the submission's budget):
    the per-process ``RLIMIT_CPU`` alone would let each of many processes use the whole limit.

    Requests: the learner's process may send the judge at most :attr:`REQUEST_BUDGET` messages
    unasked (requests to call the judge's objects, notifications) over its life; one more closes
    the channel (``broken == "flooded"``), and the next test gets a fresh process.
    """

    #: seconds between two readings of the CPU watchdog
    WATCH_SECONDS = 0.5
    #: unasked messages one learner process may send the judge: the most any solution notebook
    #: sends is 138 (04-concurrency/interleavings; tasks: 67; the others none), so this is over
    #: 70 times that, and bounds what a flood costs the judge (214,400 answers were seen)
    REQUEST_BUDGET = 10_000

    def __init__(
        self,
        workdir: Path,
        launcher: Launcher,
        limits: Limits,
        cpu_budget: float | None = None,
        zygote: Zygote | None = None,
        read_only: tuple[Path, ...] = (),
    ) -> None:
        self.workdir = workdir
        self.zygote = zygote
        self.sandbox_pid: int | None = None  # the worker's pid in its sandbox, if forked there
        self._cpu_base = 0.0
        self.launcher = launcher
        self.limits = limits
        self.cpu_budget = limits.cpu_seconds if cpu_budget is None else cpu_budget
        self.over_cpu = False
        self._cpu_high = 0.0
        self._cpu_lock = threading.Lock()
        self._stopped = threading.Event()
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        argv = [
            sys.executable,
            "-m",
            "course.grading.worker",
            "--rfd",
            str(to_worker_r),
            "--wfd",
            str(from_worker_w),
            "--output-bytes",
            str(limits.output_bytes),
            "--timeout",
            str(limits.cell_seconds),
        ]
        try:
            if zygote is not None:
                # the sandbox's CPU so far (the zygote's, earlier notebooks') is not this worker's
                self._cpu_base = zygote.proc.cpu_seconds()
                self.proc = zygote.proc
                self.sandbox_pid = zygote.fork(to_worker_r, from_worker_w)
            else:
                self.proc = launcher.start(
                    argv,
                    workdir,
                    limits,
                    pass_fds=(to_worker_r, from_worker_w),
                    read_only=read_only,
                )
        except BaseException:
            os.close(to_worker_w)
            os.close(from_worker_r)
            raise
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        self.endpoint = _JudgeEndpoint(
            from_worker_r,
            to_worker_w,
            _judge_handler,
            name="judge",
            subclasses_as_handles=True,
            max_frame=limits.reply_bytes,
            max_requests=self.REQUEST_BUDGET,
        )
        threading.Thread(target=self._watch_cpu, name="judge-cpu-watch", daemon=True).start()

    def request(self, op: str, args: tuple, timeout: float) -> Any:
        """A request of the judge's own (exec, get, put); a starved worker raises ChannelClosed."""
        self.endpoint.deadline = time.monotonic() + timeout
        try:
            return self.endpoint.request(op, args, timeout)
        except CallTimeout:
            self.endpoint.timed_out = True
            raise
        except Exception as exc:
            if self.endpoint.starved:
                raise ChannelClosed(f"the learner's process cannot serve requests: {exc}") from None
            raise

    @property
    def broken(self) -> str:
        """Why this worker cannot be used any more ('' if it can)."""
        if self.over_cpu:
            return "cpu"
        if self.endpoint.timed_out:
            return "timeout"
        if self.endpoint.starved:
            return "starved"
        if self.endpoint.oversized:
            return "oversized"
        if self.endpoint.flooded:
            return "flooded"
        if self.endpoint.closed.is_set() or self.proc.poll() is not None:
            return "crashed"
        if self.zygote is not None and self.zygote.dead:
            return "crashed"
        return ""

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the submission's processes, as the OS counts them.

        Never decreases (the highest reading so far: a process's time moves to its parent's
        count when it is reaped, and the two may be read on either side of that moment).
        """
        if self._stopped.is_set():  # its processes are gone (and its uid may be another's now)
            with self._cpu_lock:
                return self._cpu_high
        now = self.proc.cpu_seconds() - self._cpu_base
        with self._cpu_lock:
            self._cpu_high = max(self._cpu_high, now)
            return self._cpu_high

    def _watch_cpu(self) -> None:
        while not self._stopped.wait(self.WATCH_SECONDS):
            try:
                used = self.cpu_seconds()
            except Exception:  # noqa: BLE001 - /proc unreadable: the rlimits still hold
                return
            if used > self.cpu_budget:
                self.over_cpu = True
                self._stopped.set()
                self.endpoint.close()  # pending requests fail now, as if the process had died
                if self.zygote is not None:
                    self.zygote.close()  # the whole sandbox: the next notebook gets a new one
                else:
                    self.launcher.stop(self.proc)
                return

    def stop(self) -> None:
        """Stop the worker and every process of its submission (its last CPU reading is kept)."""
        with contextlib.suppress(Exception):
            self.cpu_seconds()
        self._stopped.set()
        self.endpoint.close()
        if self.zygote is not None:
            self.zygote.reset()  # kills every process but the zygote (or stops the sandbox)
        else:
            self.launcher.stop(self.proc)


# --------------------------------------------------------------------------- the session


class SessionState(enum.Enum):
    """What a :class:`Session` can do next."""

    IDLE = "idle"  #: no learner process (none yet, or the last one broke): one starts on demand
    READY = "ready"  #: a learner process serves requests
    SPENT = "spent"  #: time or CPU used up, or no process could start: no more learner code runs
    EXPIRED = "expired"  #: the watchdog stopped everything at the notebook's time limit
    CLOSED = "closed"  #: the notebook is done


class ForgedReply(RuntimeError):
    """The learner's process answered "which are your graded names?" with something else."""


class NoLearnerProcess(RuntimeError):
    """No learner process can run a cell: the notebook's time or CPU is used up."""


def graded_values(got: Any, api: list[str]) -> dict[str, Any]:
    """The worker's reply to ``get``: only names of the graded API, or :class:`ForgedReply`.

    A reply that holds any other name (``check``, ``pc``, a setup cell's oracle) or is not a
    dict was not made by the worker's own code: the test cell fails rather than run with it.
    """
    if not isinstance(got, dict):
        raise ForgedReply("the learner's process did not answer with the graded names")
    wanted = set(api)
    extra = [k for k in got if not (isinstance(k, str) and k in wanted)]
    if extra:
        shown = ", ".join(repr(str(k)[:40]) for k in extra[:5])
        raise ForgedReply(
            f"the learner's process answered with names the grader did not ask for ({shown}"
            f"{', ...' if len(extra) > 5 else ''}); the test cell was not run"
        )
    return dict(got)


class Session:
    """The learner processes of one notebook (see the module docstring).

    ``deadline`` (``time.monotonic()``) is when the notebook's time is up; ``problems`` is the
    notebook's list of problems, which the session appends to.
    """

    #: fresh processes tried in a row before the session gives up (each replays the cells)
    STARTS = 3

    def __init__(
        self,
        workdir: Path,
        launcher: Launcher,
        limits: Limits,
        deadline: float,
        problems: list[str],
        sandbox: Sandbox | None = None,
        read_only: tuple[Path, ...] = (),
    ) -> None:
        self.workdir = workdir
        self.launcher = launcher
        self.limits = limits
        self.deadline = deadline
        self.problems = problems
        self.sandbox = sandbox
        self.read_only = read_only
        self.state = SessionState.IDLE
        self.worker: Worker | None = None
        self.started: list[Worker] = []
        self.completed: list[str] = []  # learner cells that ran to the end (for a replay)
        self._lock = threading.Lock()

    def remaining(self) -> float:
        """Seconds left of the notebook's time."""
        return self.deadline - time.monotonic()

    def seconds(self) -> float:
        """How long the next request may take: a cell's limit, within the notebook's."""
        return max(0.1, min(self.limits.cell_seconds, self.remaining()))

    # -- the worker's life ---------------------------------------------------------------------
    def current(self) -> Worker | None:
        """The worker to use now: the live one, else a fresh one with the finished cells
        replayed; None (and SPENT) when the notebook's time or CPU is used up."""
        if self.state in (SessionState.SPENT, SessionState.EXPIRED, SessionState.CLOSED):
            return None
        if self.worker is not None and not self.worker.broken:
            return self.worker
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
            self.state = SessionState.IDLE
        for _attempt in range(self.STARTS):
            if self.remaining() <= 0:
                break
            try:
                fresh = self._start()
            except Exception as exc:  # noqa: BLE001 - the launcher failed: no learner code runs
                self.problems.append(f"the learner's process could not be started: {exc}")
                break
            if self._replay(fresh):
                self.worker, self.state = fresh, SessionState.READY
                return fresh
            fresh.stop()
        self.state = SessionState.SPENT
        return None

    def _start(self) -> Worker:
        # the CPU time limit is the submission's: what earlier processes used is spent
        budget = self.limits.cpu_seconds - sum(w.cpu_seconds() for w in self.started)
        if budget <= 0:
            raise RuntimeError(
                f"the submission used up its CPU time limit ({self.limits.cpu_seconds:g} s)"
            )
        zygote = self.sandbox.zygote() if self.sandbox is not None else None
        args = (self.workdir, self.launcher, self.limits)
        try:
            worker = Worker(*args, cpu_budget=budget, zygote=zygote, read_only=self.read_only)
        except ZygoteFailed:  # the sandbox is gone: a worker of its own, started cold
            worker = Worker(*args, cpu_budget=budget, read_only=self.read_only)
        with self._lock:
            self.started.append(worker)
        return worker

    def _replay(self, worker: Worker) -> bool:
        for source in list(self.completed):
            try:
                worker.request("exec", (source,), self.seconds())
            except (CallTimeout, ChannelClosed):
                self.problems.append(
                    "a cell that had finished before failed when replayed; skipped"
                )
                self.completed.remove(source)
                return False
        return True

    # -- what the judge asks -------------------------------------------------------------------
    def run_cell(self, source: str) -> tuple[Any, Worker]:
        """Run a learner cell; (the worker's reply, the worker that ran it).

        A cell that found no thread to serve it (``starved``) never started: it runs once more
        in a fresh process. Raises CallTimeout or ChannelClosed, and RuntimeError with the reason
        (:class:`NoLearnerProcess`) when no process can run it.
        """
        worker = self.current()
        if worker is None:
            raise NoLearnerProcess("not run: the notebook's time or CPU limit was reached")
        try:
            reply = worker.request("exec", (source,), self.seconds())
        except ChannelClosed:
            if worker.broken != "starved":
                raise
            self.problems.append(STARVED_PROBLEM)
            worker = self.current()
            if worker is None:
                raise
            reply = worker.request("exec", (source,), self.seconds())
        self.completed.append(source)
        return reply, worker

    def graded(self, api: list[str]) -> dict[str, Any]:
        """The graded names' values from the current worker (see :func:`graded_values`); a
        starved worker is replaced once. Raises :class:`ForgedReply`."""
        worker = self.current()
        for _attempt in range(2):
            if worker is None:
                return {}
            try:
                got = worker.request("get", (api,), self.seconds())
            except (CallTimeout, ChannelClosed, CodecError):
                if worker.broken == "starved":
                    self.problems.append(STARVED_PROBLEM)
                    worker = self.current()
                    continue
                return {}
            return graded_values(got, api)
        return {}

    # -- the end ---------------------------------------------------------------------------------
    def expire(self) -> None:
        """The notebook's time is up whatever the judge is doing: stop its learner processes."""
        self.state = SessionState.EXPIRED
        self.problems.append(
            f"the notebook's time limit ({self.limits.total_seconds:g} s) was reached"
        )
        with self._lock:
            started = list(self.started)
        for worker in started:
            worker.endpoint.timed_out = True
            worker.endpoint.close()  # every pending request fails now
        if self.sandbox is not None:
            self.sandbox.close()  # the next notebook of this student gets a new one
        for worker in started:
            with contextlib.suppress(Exception):
                worker.launcher.stop(worker.proc)

    def close(self) -> None:
        """Stop the live worker (and what it started); the session runs nothing more."""
        if self.worker is not None:
            self.worker.stop()
        if self.state is not SessionState.EXPIRED:
            self.state = SessionState.CLOSED
