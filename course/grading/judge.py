"""The trusted grader: the learner's cells run in a worker process, the tests run here.

:func:`grade_notebook` reads the instructor's source notebook and a submission, builds the notebook
to grade (answer cells from the submission, matched by grade_id; every locked cell and every test
cell from the source), runs the learner's code cells in a worker
(``python -m course.grading.worker``, started by a :class:`~course.grading.limits.Launcher`) and
runs every test cell *in this process*, in a namespace made of:

- the names the source's locked setup cells define (this process runs those cells too);
- the names earlier test cells defined;
- the **graded API**: the top-level names the source's answer cells define, fetched fresh from
  the worker for each test cell: plain values by value, functions and classes as proxies whose
  calls run in the worker.

A test cell may also run a public function of the ``course`` package *inside* the worker with
:func:`in_learner` (via :mod:`course.grading.inside`), for what only that process can observe (a
coroutine on the seeded loop, threads the learner's code left running); what such a helper
reports can be forged by a hostile submission, so tests prefer observations made here.

So nothing the learner's code does (rebinding ``check``, patching modules, input transformers,
hooks, tracing, lying ``__eq__``, exiting) can change how a test is judged: only the values the
learner's functions return reach the test. Each test cell scores by nbgrader's rule (an error or
stderr output: 0; a numeric last expression: partial credit; else full points) and gets outputs
written by the judge only: for hidden tests, the failing check's message (``hidden_feedback=
"case"``) or just "hidden tests failed" (``"exercise"``), never learner text or hidden source.

A learner cell or test call that runs out of time, or a worker that dies, costs that cell: the
judge starts a fresh worker, replays the learner's cells that had completed, and goes on.
"""

from __future__ import annotations

# isort: off
import course.grading.fastimport  # noqa: F401 - before nbformat: see that module
# isort: on

import ast
import contextlib
import contextvars
import copy
import io
import os
import re
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.utils import determine_grade

from course.grading import oracle
from course.grading.cells import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    SOLUTION_BEGIN,
    SOLUTION_END,
    CellKind,
    is_learner_code,
    is_test,
    kind,
    nbgrader_meta,
    region_lines,
    source_text,
)
from course.grading.codec import CodecError
from course.grading.files import FileBroker, release_into
from course.grading.limits import Launcher, Limits, NoSandbox
from course.grading.observe import stat_fields as _stat_fields
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
from course.learner import byhand
from course.learner import files as learner_files
from course.learner.checking import CheckFailed, bounded_repr

__all__ = [
    "CellResult",
    "NotebookResult",
    "Worker",
    "graded_api",
    "grade_notebook",
    "call_each",
    "in_learner",
    "merge_submission",
    "worker_cpu_seconds",
    "resident",
]

HIDDEN_FAILED = "hidden tests failed"
#: seconds past a notebook's ``total_seconds`` after which its learner processes are stopped
#: whatever the judge is doing (every wait of the judge's own is shorter than the limit)
WATCHDOG_GRACE = 5.0
_STARVED_PROBLEM = (
    "the learner's process could not serve the grader (its processes held the process limit); "
    "a fresh process was started"
)
_REDACTED = "[hidden test text removed]"
_AFTER_HIDDEN = "[this cell's output is not kept: it ran after hidden tests had called your code]\n"


@dataclass
class CellResult:
    """The score of one test cell and why."""

    grade_id: str
    points: float
    max_points: float
    status: str  # "passed", "failed", "timeout", "crashed", "not run"
    message: str = ""
    hidden: bool = False


@dataclass
class NotebookResult:
    """The autograded notebook (with outputs), per-test-cell results and what went wrong."""

    notebook: NotebookNode
    cells: list[CellResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(c.points for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.cells)

    def scores(self) -> dict[str, tuple[float, float]]:
        """``{grade_id: (points, max_points)}``, like ``scoring.score_cells``."""
        return {c.grade_id: (c.points, c.max_points) for c in self.cells}


# --------------------------------------------------------------------------- notebook model


_meta = nbgrader_meta
_source = source_text
_ANSWERS = (CellKind.ANSWER, CellKind.MANUAL, CellKind.WRITTEN)  # the learner writes these


def blank_answer(source: str) -> str:
    """An answer cell as released: the solution region becomes ``raise NotImplementedError()``."""
    out, inside = [], False
    for line in source.splitlines():
        if SOLUTION_BEGIN in line:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}raise NotImplementedError()")
        elif SOLUTION_END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def merge_submission(source: NotebookNode, submission: Any) -> tuple[NotebookNode, list[str]]:
    """The notebook to grade: the source's structure, the submission's answers and own cells.

    Answer cells are matched by grade_id (the first one wins); cells the learner added (no
    nbgrader metadata) keep their place after the source cell they followed. Copied, duplicated,
    deleted or edited locked and test cells are ignored (the source's are used) and reported.
    """
    problems: list[str] = []
    src_ids: dict[str, str] = {}
    for cell in source.cells:
        gid = _meta(cell).get("grade_id")
        if isinstance(gid, str):
            src_ids[gid] = kind(cell)
    answers: dict[str, str] = {}
    extra: dict[str | None, list[NotebookNode]] = {}
    anchor: str | None = None
    cells = submission.get("cells", []) if isinstance(submission, dict) else []
    if not isinstance(cells, list):
        cells, problems = [], ["the submission has no list of cells"]
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            problems.append(f"cell {index + 1} of the submission is not a cell; ignored")
            continue
        meta = _meta(cell)
        gid = meta.get("grade_id")
        if isinstance(gid, str) and gid in src_ids:
            if src_ids[gid] in _ANSWERS:
                if gid in answers:
                    problems.append(f"answer cell {gid!r} appears twice; the first one is graded")
                else:
                    answers[gid] = _source(cell)
            elif gid in _seen_anchor(extra):
                problems.append(f"a copy of locked cell {gid!r} was ignored")
                continue
            anchor = gid
            extra.setdefault(anchor, [])
            continue
        if meta.get("grade") or meta.get("locked") or meta.get("solution"):
            problems.append(
                f"cell {index + 1} claims to be a graded or locked cell"
                f"{f' ({gid!r})' if isinstance(gid, str) else ''} that the assignment does not "
                "have; ignored"
            )
            continue
        cell_type = cell.get("cell_type")
        if cell_type not in ("code", "markdown", "raw"):
            continue
        new = (
            nbformat.v4.new_code_cell(_source(cell))
            if cell_type == "code"
            else nbformat.v4.new_markdown_cell(_source(cell))
            if cell_type == "markdown"
            else nbformat.v4.new_raw_cell(_source(cell))
        )
        extra.setdefault(anchor, []).append(new)
    merged = copy.deepcopy(source)
    out: list[NotebookNode] = list(extra.get(None, []))
    for cell in merged.cells:
        gid = _meta(cell).get("grade_id")
        if kind(cell) in _ANSWERS:
            if gid in answers:
                cell.source = answers[gid]
            else:
                problems.append(f"answer cell {gid!r} is missing; graded as left blank")
                cell.source = blank_answer(cell.source)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        out.append(cell)
        if isinstance(gid, str):
            out.extend(extra.get(gid, []))
    merged.cells = out
    for cell in merged.cells:
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    return merged, problems


def _seen_anchor(extra: dict) -> set:
    return {k for k in extra if k is not None}


def _bound_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(_strip_magics(source))
    except SyntaxError:
        return None


def _strip_magics(source: str) -> str:
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def graded_api(source: NotebookNode) -> list[str]:
    """The top-level names the source's answer cells define (functions, classes, constants)."""
    names: list[str] = []
    for cell in source.cells:
        if is_learner_code(cell):
            tree = _parse(cell.source)
            if tree is None:
                continue
            for node in tree.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                for name in sorted(_bound_names(ast.Module(body=[node], type_ignores=[]))):
                    if name not in names:
                        names.append(name)
    return names


def _judge_setup_cells(source: NotebookNode) -> set[int]:
    """Indexes of locked cells whose names the test cells use (the judge runs those itself)."""
    used: set[str] = set()
    for cell in source.cells:
        if is_test(cell):
            tree = _parse(cell.source)
            if tree is not None:
                used |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
                used |= {
                    n.value.id
                    for n in ast.walk(tree)
                    if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                }
    chosen = set()
    for index, cell in enumerate(source.cells):
        if kind(cell) is CellKind.LOCKED:
            tree = _parse(cell.source)
            if tree is not None and _bound_names(tree) & used:
                chosen.add(index)
    return chosen


# --------------------------------------------------------------------------- the worker


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
    (see :func:`_sandbox_cpu`: the sandbox's cgroup where there is one, else ``/proc``; a worker
    forked by a zygote counts the sandbox's time since its fork), and a watchdog thread stops
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
                self._cpu_base = _sandbox_cpu(zygote.proc)
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
        now = _sandbox_cpu(self.proc) - self._cpu_base
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


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _own_and_reaped(fields: list[str]) -> int:
    """Clock ticks of a process (utime + stime) and of the children it reaped (cutime, cstime)."""
    return sum(int(fields[i]) for i in (11, 12, 13, 14))


def _sandbox_cpu(proc: Any) -> float:
    """CPU seconds of every process of the submission that ``proc`` (the launcher's) runs.

    Where the launcher put the sandbox in a cgroup of its own (``proc.course_cgroup``, see
    :mod:`course.grading.cgroups`), read the group's CPU counter: it holds the time of every
    process that ever ran in the sandbox, children reaped automatically (``SIGCHLD`` ignored)
    included, and stays readable after the sandbox is stopped. Otherwise count from ``/proc``:

    Under the bubblewrap launcher run as root, the sandbox has a uid of its own that its
    processes cannot shed (no capabilities, ``no_new_privs``): count every process of that uid
    (a ``setsid``, double-forked daemon included), plus what the sandbox's init (bubblewrap's
    pid 1, which adopts and reaps orphans) has reaped. Run by another user, bubblewrap maps the
    sandbox to that user: count the processes of the sandbox's PID namespace instead (which no
    process leaves either). Otherwise (``NoSandbox``, ``--sandbox none``) fall back to the
    worker's session and process group (:func:`_session_cpu`), which ``setsid`` leaves.
    Each process counts its own time and that of the children it reaped, so a child's time is
    not lost when it exits; what is lost is a child auto-reaped because its parent ignores
    ``SIGCHLD`` (between two readings), which the per-process ``RLIMIT_CPU`` still bounds.
    """
    group = getattr(proc, "course_cgroup", None)
    if group is not None:
        return group.cpu_seconds()
    uid = getattr(proc, "course_sandbox_uid", None)
    if isinstance(uid, int):
        return _uid_cpu(uid, proc.pid)
    if hasattr(proc, "course_sandbox_uid"):  # bubblewrap, not as root
        namespace = _sandbox_namespace(proc)
        if namespace is not None:
            return _namespace_cpu(namespace)
    return _session_cpu(proc.pid)


def _pid_namespace(pid: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _sandbox_namespace(proc: Any) -> str | None:
    """The PID namespace of the sandbox's init (the launcher's child), once it exists."""
    known = getattr(proc, "course_pid_namespace", None)
    if known is not None:
        return known
    from course.grading.sandbox import process_ids

    own = _pid_namespace("self")
    for pid, _uids, ppid in process_ids():
        if ppid == proc.pid:
            namespace = _pid_namespace(pid)
            if namespace is not None and namespace != own:
                proc.course_pid_namespace = namespace
                return namespace
    return None


def _namespace_cpu(namespace: str) -> float:
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _pid_namespace(entry) == namespace:
            fields = _stat_fields(entry)
            total += _own_and_reaped(fields) if fields else 0
    return total / _TICKS


def _uid_cpu(uid: int, launcher_pid: int) -> float:
    from course.grading.sandbox import process_ids

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
    """CPU seconds of the processes in ``pid``'s session or process group (NoSandbox)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(entry)
        # fields[0] is field 3 (state): ppid=1, pgrp=2, session=3, utime=11, stime=12
        if fields and (int(entry) == pid or fields[3] == str(pid) or fields[2] == str(pid)):
            total += _own_and_reaped(fields)
    return total / _TICKS


def worker_cpu_seconds() -> float | None:
    """CPU seconds the current submission's worker has used (None outside the judge)."""
    worker = _current.get()
    return None if worker is None else worker.cpu_seconds()


def resident(value: Any) -> Any:
    """In the judge: keep ``value`` in the learner's process once; pass the handle to calls.

    Outside the judge it returns ``value`` itself.
    """
    worker = _current.get()
    if worker is None:
        return value
    return worker.request("put", (value,), worker.limits.cell_seconds)


def in_learner(func: Any, *args: Any, **kwargs: Any) -> Any:
    """In the judge: run ``func(*args, **kwargs)`` in the learner's process; else call it here.

    ``func`` must be a public module-level function of the ``course`` package (not of
    ``course.grading``); it is sent by name and imported in the worker, and the learner's objects
    among the arguments (the graded API's proxies, handles) arrive there as themselves. Use it for
    observations that must be made next to the learner's code (a coroutine on the seeded loop,
    threads the learner started). What such a helper reports can be forged by a hostile
    submission (its code shares that process): prefer observations the judge makes itself.
    """
    module, qualname = getattr(func, "__module__", None), getattr(func, "__qualname__", "")
    if not (
        isinstance(module, str)
        and (module == "course" or module.startswith("course."))
        and not module.startswith("course.grading")
        and "<" not in qualname
        and not any(part.startswith("_") for part in qualname.split("."))
    ):
        raise TypeError(f"in_learner() takes a public function of the course package, got {func!r}")
    worker = _current.get()
    if worker is None:
        return func(*args, **kwargs)
    endpoint = worker.endpoint
    try:
        return endpoint.request(
            "course", (module, qualname, tuple(args), dict(kwargs)), endpoint.call_timeout()
        )
    except CallTimeout:
        endpoint.timed_out = True
        raise


def call_each(func: Any, calls: list[tuple]) -> list:
    """In the judge: ``[func(*args) for args in calls]`` in one round trip to the learner's process.

    ``func`` is one of the learner's functions (a proxy); the calls run there one after another,
    each in a fresh context, under the ``by_hand`` block the test is in, and the first that raises
    ends the batch with its exception, as the list comprehension would. Anything else (a test's
    own function, or no worker) is called here.
    """
    worker = _current.get()
    calls = [tuple(args) for args in calls]
    if (
        worker is None
        or not isinstance(func, RemoteObject)
        or object.__getattribute__(func, "_endpoint") is not worker.endpoint
    ):
        return [func(*args) for args in calls]
    endpoint = worker.endpoint
    try:
        got = endpoint.request(
            "calls", (func, None, calls, _blocked.get()), endpoint.call_timeout()
        )
    except CallTimeout:
        endpoint.timed_out = True
        raise
    if not isinstance(got, list) or len(got) != len(calls):
        raise RuntimeError(
            f"the learner's process answered {len(calls)} calls with "
            f"{len(got) if isinstance(got, list) else type(got).__name__} results"
        )
    return got


@contextlib.contextmanager
def _judge_by_hand(*packages: str) -> Iterator[None]:
    token = _blocked.set(tuple(sorted(set(_blocked.get()) | set(packages))))
    try:
        yield
    finally:
        _blocked.reset(token)


# --------------------------------------------------------------------------- output capture


class _ThreadStreams(io.TextIOBase):
    """A sys.stdout/sys.stderr that sends each thread's text to that thread's buffer, if any."""

    def __init__(self, fallback: Any, name: str) -> None:
        self.fallback = fallback
        self.name = name
        self.local = threading.local()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        buffer = getattr(self.local, "buffer", None)
        if buffer is None:
            return self.fallback.write(text)
        buffer.append(str(text))
        return len(text)

    def flush(self) -> None:
        if getattr(self.local, "buffer", None) is None:
            self.fallback.flush()


_streams_lock = threading.Lock()


def _install_streams() -> tuple[_ThreadStreams, _ThreadStreams]:
    with _streams_lock:
        if not isinstance(sys.stdout, _ThreadStreams):
            sys.stdout = _ThreadStreams(sys.stdout, "stdout")
        if not isinstance(sys.stderr, _ThreadStreams):
            sys.stderr = _ThreadStreams(sys.stderr, "stderr")
    return sys.stdout, sys.stderr  # type: ignore[return-value]


@dataclass
class _Run:
    stdout: str = ""
    stderr: str = ""
    error: BaseException | None = None
    value: Any = None
    has_value: bool = False
    finished: bool = False


def _run_here(
    source: str,
    namespace: dict,
    timeout: float,
    worker: Worker | None,
    scope: str | None = None,
    broker: FileBroker | None = None,
) -> _Run:
    """Run ``source`` in this process on a thread, capturing its output, for up to ``timeout``.

    ``scope`` names the source notebook, for :func:`course.grading.oracle.once`; ``broker``
    gives the cell its folders (:mod:`course.learner.files`). Both are set in the cell's thread
    only: nothing process-wide changes.
    """
    out, err = _install_streams()
    run = _Run()

    def target() -> None:
        out_buf: list[str] = []
        err_buf: list[str] = []
        out.local.buffer, err.local.buffer = out_buf, err_buf
        token = (
            byhand.judge_redirect.set(_judge_by_hand) if hasattr(byhand, "judge_redirect") else None
        )
        _current.set(worker)
        oracle.scope.set(scope)
        learner_files.broker.set(broker)
        try:
            tree = ast.parse(source)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, "<test cell>", "exec"), namespace)
            if last is not None:
                run.value = eval(compile(last, "<test cell>", "eval"), namespace)
                run.has_value = run.value is not None
        except BaseException as exc:  # noqa: BLE001 - scored, never propagated
            run.error = exc
        finally:
            if token is not None:
                byhand.judge_redirect.reset(token)
            out.local.buffer = err.local.buffer = None
            run.stdout, run.stderr = "".join(out_buf), "".join(err_buf)
            run.finished = True

    thread = threading.Thread(target=target, name="test-cell", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive() and worker is not None:
        worker.endpoint.timed_out = True
        worker.stop()  # unblocks the test's pending calls
        thread.join(5)
    if broker is not None:
        broker.open_up()
    return run


# --------------------------------------------------------------------------- grading


class _Redactor:
    def __init__(self, source: NotebookNode) -> None:
        lines = region_lines(source, HIDDEN_BEGIN, HIDDEN_END, min_length=13)
        self.lines = sorted(set(lines), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if not self.lines or not text:
            return text
        folded = re.sub(r"\s+", " ", text)
        if not any(line in folded for line in self.lines):
            return text
        out = []
        for raw in text.splitlines(keepends=True):
            line = re.sub(r"\s+", " ", raw)
            out.append(_REDACTED + "\n" if any(h in line for h in self.lines) else raw)
        text = "".join(out)
        if any(line in re.sub(r"\s+", " ", text) for line in self.lines):
            return _REDACTED + "\n"  # a hidden line split across lines: drop it all
        return text


def _stream(name: str, text: str) -> NotebookNode:
    # built directly: nbformat's new_output validates each one against the schema (1.4 ms)
    return NotebookNode(output_type="stream", name=name, text=str(text))


def _error(ename: str, evalue: str, traceback: list[str] | None = None) -> NotebookNode:
    return NotebookNode(
        output_type="error",
        ename=str(ename),
        evalue=str(evalue),
        traceback=[str(line) for line in traceback or [f"{ename}: {evalue}"]],
    )


def _describe_failure(exc: BaseException, hidden: bool, limits: Limits) -> tuple[str, str, str]:
    """(status, ename, evalue) the judge writes for a failing test cell."""
    if isinstance(exc, CallTimeout):
        return (
            "timeout",
            "TimeoutError",
            (f"your code did not finish within the time limit ({limits.cell_seconds:g} s a cell)"),
        )
    if isinstance(exc, ChannelClosed):
        return (
            "crashed",
            "WorkerCrashed",
            (
                "the process running your code ended during this test (it exited, crashed or went "
                "over a limit)"
            ),
        )
    name = type(exc).__name__
    if getattr(exc, "from_learner", False):
        if hidden:
            return "failed", name, f"your code raised {name}"
        return "failed", name, str(exc)
    if isinstance(exc, CodecError):
        return "failed", "TypeError", f"your code returned a value that cannot be graded: {exc}"
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001
        message = ""
    return "failed", name if not isinstance(exc, CheckFailed) else "CheckFailed", message


def grade_notebook(
    source_nb: Path,
    submission_nb: Path,
    workdir: Path,
    launcher: Launcher | None = None,
    limits: Limits | None = None,
    hidden_feedback: str = "case",
    tests: Collection[str] | None = None,
    sandbox: Sandbox | None = None,
) -> NotebookResult:
    """Grade one submitted notebook against its trusted source; see the module docstring.

    ``workdir`` is an empty scratch folder for the worker (created if missing). Never raises for
    anything the submission does: problems are reported in the result. ``tests`` (grade ids)
    grades only those test cells and stops after the last of them (the mutant harness uses it);
    the result then lists only those cells. ``sandbox``: the submission's sandbox, shared by its
    notebooks (its ``workdir`` must be this one); workers are then forked from its zygote
    (:mod:`course.grading.zygote`) instead of started cold.
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if sandbox is not None and Path(sandbox.workdir).resolve() != workdir.resolve():
        raise ValueError("the sandbox's folder must be the notebook's workdir")
    inputs_root = sandbox.inputs if sandbox is not None else inputs_folder(workdir)
    inputs_root.mkdir(mode=0o755, exist_ok=True)
    if inputs_root.is_symlink() or inputs_root.stat().st_uid != os.geteuid():
        raise ValueError(f"the judge's inputs folder {inputs_root} must be a folder of its own")
    inputs = Path(tempfile.mkdtemp(prefix="notebook-", dir=inputs_root))
    os.chmod(inputs, 0o755)
    broker = FileBroker(inputs, workdir, owner=_worker_uid)
    try:
        return _grade_notebook(
            source_nb,
            submission_nb,
            workdir,
            launcher,
            limits,
            hidden_feedback,
            tests,
            sandbox,
            broker,
        )
    finally:
        broker.close()


def _worker_uid() -> int | None:
    """The uid the current test's learner process runs as, if it has one of its own."""
    worker = _current.get()
    uid = getattr(worker.proc, "course_sandbox_uid", None) if worker is not None else None
    return uid if isinstance(uid, int) else None


def inputs_folder(workdir: Path) -> Path:
    """Where the judge keeps a submission's test inputs: beside ``workdir``, never inside it.

    The sandbox sees it read-only (``Worker``, ``Sandbox``); only the judge writes there.
    """
    workdir = Path(workdir)
    return workdir.parent / f"{workdir.name}.inputs"


def _grade_notebook(
    source_nb: Path,
    submission_nb: Path,
    workdir: Path,
    launcher: Launcher | None,
    limits: Limits | None,
    hidden_feedback: str,
    tests: Collection[str] | None,
    sandbox: Sandbox | None,
    broker: FileBroker,
) -> NotebookResult:
    """``grade_notebook``'s body."""
    if hidden_feedback not in ("case", "exercise"):
        raise ValueError(f"hidden_feedback must be 'case' or 'exercise', got {hidden_feedback!r}")
    launcher = launcher or NoSandbox()
    limits = limits or Limits()
    started = time.monotonic()
    deadline = started + limits.total_seconds
    # oracles cached by `once` belong to this version of this source notebook
    scope = f"{Path(source_nb).resolve()}@{Path(source_nb).stat().st_mtime_ns}"
    source, api, judge_cells, redact = _read_source(source_nb, scope)
    problems: list[str] = []
    try:
        with open(submission_nb, encoding="utf-8") as f:
            raw = f.read(256 << 20)
        with warnings.catch_warnings():  # duplicate ids and the like: reported as problems
            warnings.simplefilter("ignore")
            submission = nbformat.reads(raw, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is that student's problem
        submission = {"cells": []}
        problems.append(
            f"the submission could not be read as a notebook ({type(exc).__name__}); "
            "graded as blank"
        )
    nb, merge_problems = merge_submission(source, submission)
    problems += merge_problems
    judge_locked_sources = {source.cells[i].source for i in judge_cells}

    workdir = Path(workdir)
    problems += release_into(
        Path(source_nb).parent, workdir, sandbox.uid() if sandbox is not None else None
    )
    setup_ns: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    test_ns: dict[str, Any] = {}
    results: list[CellResult] = []
    completed: list[str] = []  # learner-side sources that ran to the end (for a replay)
    worker: Worker | None = None

    def remaining() -> float:
        return deadline - time.monotonic()

    started_workers: list[Worker] = []
    read_only = (broker.inputs.parent,)  # the test inputs, seen by the learner's code

    def new_worker() -> Worker:
        # the CPU time limit is the submission's: what earlier processes used is spent
        budget = limits.cpu_seconds - sum(w.cpu_seconds() for w in started_workers)
        if budget <= 0:
            raise RuntimeError(
                f"the submission used up its CPU time limit ({limits.cpu_seconds:g} s)"
            )
        zygote = sandbox.zygote() if sandbox is not None else None
        try:
            w = Worker(
                workdir, launcher, limits, cpu_budget=budget, zygote=zygote, read_only=read_only
            )
        except ZygoteFailed:  # the sandbox is gone: a worker of its own, started cold
            w = Worker(workdir, launcher, limits, cpu_budget=budget, read_only=read_only)
        started_workers.append(w)
        return w

    def ensure_worker() -> Worker | None:
        nonlocal worker
        if worker is not None and not worker.broken:
            return worker
        if worker is not None:
            worker.stop()
            worker = None
        for _attempt in range(3):
            if remaining() <= 0:
                return None
            try:
                w = new_worker()
            except Exception as exc:  # noqa: BLE001 - the launcher failed: no learner code runs
                problems.append(f"the learner's process could not be started: {exc}")
                return None
            ok = True
            for src in list(completed):
                try:
                    w.request("exec", (src,), max(0.1, min(limits.cell_seconds, remaining())))
                except (CallTimeout, ChannelClosed):
                    problems.append("a cell that had finished before failed when replayed; skipped")
                    completed.remove(src)
                    ok = False
                    break
            if ok:
                worker = w
                return w
            w.stop()
        return None

    def fetch_api(w: Worker | None) -> dict[str, Any]:
        """The graded API's values from ``w``; a starved worker is replaced once (see ``worker``
        after). Raises :class:`ForgedReply` if the reply holds anything but those names."""
        for _attempt in range(2):
            if w is None:
                return {}
            try:
                got = w.request("get", (api,), max(0.1, min(limits.cell_seconds, remaining())))
            except (CallTimeout, ChannelClosed, CodecError):
                if w.broken == "starved":
                    problems.append(_STARVED_PROBLEM)
                    w = ensure_worker()
                    continue
                return {}
            return _api_values(got, api)
        return {}

    wanted = set(tests) if tests is not None else None
    hidden_ran = False  # a hidden test has called the learner's code

    def expire() -> None:
        """The notebook's time is up whatever the judge is doing: stop its learner processes."""
        problems.append(f"the notebook's time limit ({limits.total_seconds:g} s) was reached")
        for w in list(started_workers):
            w.endpoint.timed_out = True
            w.endpoint.close()  # every pending request fails now
        if sandbox is not None:
            sandbox.close()  # the next notebook of this student gets a new one
        for w in list(started_workers):
            with contextlib.suppress(Exception):
                w.launcher.stop(w.proc)

    watchdog = threading.Timer(max(0.0, remaining()) + WATCHDOG_GRACE, expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        for cell in nb.cells:
            if wanted is not None and not wanted:
                break  # every requested test cell has run
            if cell.cell_type != "code":
                continue
            what = kind(cell)
            if what is CellKind.TEST and wanted is not None:
                gid = str(_meta(cell).get("grade_id"))
                if gid not in wanted:
                    continue
                wanted.discard(gid)
            if what is not CellKind.TEST:
                if cell.source in judge_locked_sources and what is CellKind.LOCKED:
                    ns = dict(setup_ns)
                    try:
                        ns.update(fetch_api(ensure_worker()))  # may replace a starved worker
                    except ForgedReply as exc:
                        problems.append(str(exc))
                    run = _run_here(
                        cell.source,
                        ns,
                        max(0.1, min(limits.cell_seconds, remaining())),
                        worker,
                        scope,
                        broker,
                    )
                    if run.error is not None:
                        problems.append(
                            f"the grader's copy of setup cell {_meta(cell).get('grade_id')!r} "
                            f"failed: {type(run.error).__name__}: {run.error}"
                        )
                    for key, value in ns.items():
                        if key not in api:
                            setup_ns[key] = value
                w = ensure_worker()
                if w is None:
                    cell.outputs = [
                        _stream("stderr", "not run: the notebook's time or CPU limit was reached\n")
                    ]
                    continue
                try:
                    try:
                        reply = w.request(
                            "exec", (cell.source,), max(0.1, min(limits.cell_seconds, remaining()))
                        )
                    except ChannelClosed:
                        if w.broken != "starved":
                            raise
                        # the cell never started: run it in a fresh process instead
                        problems.append(_STARVED_PROBLEM)
                        w = ensure_worker()
                        if w is None:
                            raise
                        reply = w.request(
                            "exec", (cell.source,), max(0.1, min(limits.cell_seconds, remaining()))
                        )
                    _ok, text, error = (
                        reply if isinstance(reply, tuple) and len(reply) == 3 else (False, "", None)
                    )
                except CallTimeout:
                    cell.outputs = [
                        _error(
                            "TimeoutError",
                            f"this cell did not finish within {limits.cell_seconds:g} s; "
                            "it was stopped",
                        )
                    ]
                    problems.append(f"a code cell ran out of time ({_label(cell)})")
                    continue
                except ChannelClosed:
                    cell.outputs = [
                        _error("WorkerCrashed", "the process running your code ended in this cell")
                    ]
                    if w is not None and w.broken == "cpu":
                        problems.append(_cpu_problem(limits, _label(cell)))
                    else:
                        problems.append(
                            f"the learner's process ended in a code cell ({_label(cell)})"
                        )
                    continue
                completed.append(cell.source)
                outputs = []
                if hidden_ran and (text or error):
                    # it ran after hidden tests had called the learner's code: what it prints
                    # could carry their inputs, so none of it reaches the feedback
                    cell.outputs = [_stream("stdout", _AFTER_HIDDEN)]
                    continue
                if isinstance(text, str) and text:
                    outputs.append(_stream("stdout", redact(text)))
                if error and isinstance(error, tuple) and len(error) == 3:
                    ename, evalue, tb = (str(e) for e in error)
                    outputs.append(_error(redact(ename)[:200], redact(evalue), [redact(tb)]))
                cell.outputs = outputs
                continue

            meta = _meta(cell)
            gid = str(meta.get("grade_id", f"cell-{len(results)}"))
            hidden = HIDDEN_BEGIN in cell.source
            max_points = float(meta.get("points", 0) or 0)
            if remaining() <= 0:
                cell.outputs = [
                    _error("TimeoutError", "not run: the notebook's time limit was reached")
                ]
                results.append(
                    CellResult(gid, 0.0, max_points, "not run", "notebook time limit", hidden)
                )
                continue
            for attempt in range(2):
                w = ensure_worker()
                # the judge's own names, then only the graded API's values from the worker
                ns = dict(setup_ns)
                ns.update(test_ns)
                try:
                    ns.update(fetch_api(w))
                except ForgedReply as exc:
                    problems.append(str(exc))
                    run = _Run(error=exc, finished=True)
                    break
                w = worker  # fetch_api replaces a starved worker
                if w is not None:
                    w.endpoint.deadline = time.monotonic() + min(limits.cell_seconds, remaining())
                run = _run_here(
                    cell.source,
                    ns,
                    max(0.1, min(limits.cell_seconds, remaining())),
                    w,
                    scope,
                    broker,
                )
                if attempt == 0 and w is not None and w.broken == "starved":
                    # a call of this test found no thread to serve it (the submission's own
                    # processes hold its process limit), so the test says nothing of the
                    # answer: run it once more in a fresh process
                    problems.append(_STARVED_PROBLEM)
                    continue
                break
            for key, value in ns.items():
                if key not in api and not key.startswith("__"):
                    test_ns[key] = value
            outputs = []
            if run.stdout:
                outputs.append(_stream("stdout", redact(run.stdout)))
            if run.stderr:
                outputs.append(
                    _stream(
                        "stderr",
                        redact(run.stderr)
                        if not hidden
                        else "(the test wrote to stderr; that scores the cell 0)\n",
                    )
                )
            status, message = "passed", ""
            if not run.finished:
                run.error = CallTimeout("test cell time limit")
            if w is not None and w.broken == "timeout" and run.error is None:
                run.error = CallTimeout("time limit")
            if run.error is not None:
                status, ename, evalue = _describe_failure(run.error, hidden, limits)
                if w is not None and w.broken == "oversized":
                    ename, evalue = "WorkerCrashed", _oversized_problem(w, limits)
                elif w is not None and w.broken == "flooded":
                    ename, evalue = "WorkerCrashed", _flood_problem(w)
                if hidden and hidden_feedback == "exercise":
                    ename, evalue = "AssertionError", HIDDEN_FAILED
                evalue = redact(evalue)
                message = f"{ename}: {evalue}"
                outputs.append(_error(ename, evalue))
            elif run.has_value:
                text = (
                    bounded_repr(run.value, 5000)
                    if isinstance(run.value, (int, float)) and not isinstance(run.value, bool)
                    else "None"
                )
                if text != "None":
                    outputs.append(
                        nbformat.v4.new_output(
                            "execute_result", data={"text/plain": text}, execution_count=None
                        )
                    )
            cell.outputs = outputs
            try:
                points, _ = determine_grade(cell)
            except ValueError as exc:  # partial credit above the cell's points
                points = 0.0
                message = str(exc)
            points = float(points or 0.0)
            if status == "passed" and points < max_points and run.stderr:
                status, message = "failed", "wrote to stderr"
            if w is not None and w.broken:
                why = {
                    "timeout": "a call ran out of time",
                    "starved": "the learner's process could not serve a call (its process limit "
                    "was held by its own processes)",
                    "cpu": _cpu_problem(limits),
                    "oversized": _oversized_problem(w, limits),
                    "flooded": _flood_problem(w),
                }.get(w.broken, "the learner process ended")
                problems.append(f"{gid}: {why}; a fresh process was started for the next test")
            results.append(CellResult(gid, points, max_points, status, message, hidden))
            hidden_ran = hidden_ran or hidden
    finally:
        watchdog.cancel()
        if worker is not None:
            worker.stop()
    problems = list(dict.fromkeys(problems))  # the same trouble once, in order
    return NotebookResult(nb, results, problems, time.monotonic() - started)


class ForgedReply(RuntimeError):
    """The learner's process answered "which are your graded names?" with something else."""


def _api_values(got: Any, api: list[str]) -> dict[str, Any]:
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


def _oversized_problem(worker: Worker, limits: Limits) -> str:
    return (
        f"your code sent the grader {worker.endpoint.oversized:,} bytes at once (a returned "
        f"value, say); the limit is {limits.reply_bytes:,} bytes, so the call was stopped"
    )


def _flood_problem(worker: Worker) -> str:
    return (
        f"your code sent the grader more than {worker.endpoint.max_requests:,} requests (calls of "
        "the grader's objects, say); that is the limit for one process, so it was stopped"
    )


_SOURCES: dict[str, tuple] = {}  # scope -> what _read_source found (one grading process)
_SOURCES_LOCK = threading.Lock()


def _read_source(source_nb: Path, scope: str) -> tuple[NotebookNode, list[str], set[int], Any]:
    """The source notebook, its graded API, the setup cells the judge runs and its redactor.

    Read and analysed once per grading process and version of the notebook (``scope``): every
    submission of an assignment has the same source. The notebook is never changed
    (``merge_submission`` works on a copy).
    """
    with _SOURCES_LOCK:
        found = _SOURCES.get(scope)
    if found is None:
        source = nbformat.read(str(source_nb), as_version=4)
        found = (source, graded_api(source), _judge_setup_cells(source), _Redactor(source))
        with _SOURCES_LOCK:
            if len(_SOURCES) >= 32:
                _SOURCES.clear()
            _SOURCES[scope] = found
    return found


def _cpu_problem(limits: Limits, where: str = "") -> str:
    return f"the submission's processes went over the CPU time limit ({limits.cpu_seconds:g} s)" + (
        f" ({where})" if where else ""
    )


def _label(cell: NotebookNode) -> str:
    gid = _meta(cell).get("grade_id")
    return str(gid) if gid else "a cell of your own"


def grade_to_dir(source_nb: Path, submission_nb: Path, **kwargs: Any) -> NotebookResult:
    """:func:`grade_notebook` in a temporary working folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="course-judge-") as scratch:
        return grade_notebook(source_nb, submission_nb, Path(scratch) / "work", **kwargs)
