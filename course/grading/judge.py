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
from course.grading.learner_process import (  # noqa: F401 - _current etc.: used as judge._x
    STARVED_PROBLEM,
    ForgedReply,
    NoLearnerProcess,
    Session,
    SessionState,
    Worker,
    _blocked,
    _current,
    _JudgeEndpoint,
)
from course.grading.limits import Launcher, Limits
from course.grading.rpc import (
    CallTimeout,
    ChannelClosed,
    RemoteObject,
)
from course.grading.sandbox import UnsandboxedLauncher
from course.grading.zygote import Sandbox
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
    return worker.proc.sandbox_uid if worker is not None else None


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
    """``grade_notebook``'s body: read and merge, then :class:`_Grading` runs the cells."""
    if hidden_feedback not in ("case", "exercise"):
        raise ValueError(f"hidden_feedback must be 'case' or 'exercise', got {hidden_feedback!r}")
    limits = limits or Limits()
    started = time.monotonic()
    # oracles cached by `once` belong to this version of this source notebook
    scope = f"{Path(source_nb).resolve()}@{Path(source_nb).stat().st_mtime_ns}"
    source, api, judge_cells, redact = _read_source(source_nb, scope)
    submission, problems = _read_submission(submission_nb)
    nb, merge_problems = merge_submission(source, submission)
    problems += merge_problems
    problems += release_into(
        Path(source_nb).parent, Path(workdir), sandbox.uid() if sandbox is not None else None
    )
    session = Session(
        Path(workdir),
        launcher or UnsandboxedLauncher("no launcher given to grade_notebook"),
        limits,
        started + limits.total_seconds,
        problems,
        sandbox,
        read_only=(broker.inputs.parent,),  # the test inputs, seen by the learner's code
    )
    grading = _Grading(
        session, api, {source.cells[i].source for i in judge_cells}, redact, scope, broker,
        hidden_feedback,
    )  # fmt: skip
    # whatever the judge is waiting for, the notebook's processes stop at its time limit
    watchdog = threading.Timer(max(0.0, session.remaining()) + WATCHDOG_GRACE, session.expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        grading.run(nb, set(tests) if tests is not None else None)
    finally:
        watchdog.cancel()
        session.close()
    problems[:] = list(dict.fromkeys(problems))  # the same trouble once, in order
    return NotebookResult(nb, grading.results, problems, time.monotonic() - started)


def _read_submission(path: Path) -> tuple[Any, list[str]]:
    """The submitted notebook, or a blank one and why (any unreadable file is graded blank)."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = f.read(256 << 20)
        with warnings.catch_warnings():  # duplicate ids and the like: reported as problems
            warnings.simplefilter("ignore")
            return nbformat.reads(raw, as_version=4), []
    except Exception as exc:  # noqa: BLE001 - any unreadable file is that student's problem
        return {"cells": []}, [
            f"the submission could not be read as a notebook ({type(exc).__name__}); "
            "graded as blank"
        ]


class _Grading:
    """The cells of one merged notebook, in order: learner cells go to the :class:`Session`,
    set-up cells the tests use also run here, test cells run here (:meth:`test_cell`)."""

    def __init__(
        self,
        session: Session,
        api: list[str],
        judge_sources: set[str],
        redact: Any,
        scope: str,
        broker: FileBroker,
        hidden_feedback: str,
    ) -> None:
        self.session = session
        self.limits = session.limits
        self.problems = session.problems
        self.api = api
        self.judge_sources = judge_sources
        self.redact = redact
        self.scope = scope
        self.broker = broker
        self.hidden_feedback = hidden_feedback
        self.setup_ns: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
        self.test_ns: dict[str, Any] = {}
        self.results: list[CellResult] = []
        self.hidden_ran = False  # a hidden test has called the learner's code

    def run(self, nb: NotebookNode, wanted: set[str] | None) -> None:
        """Every code cell in order; with ``wanted`` (grade ids), only those test cells, and
        stop after the last of them."""
        for cell in nb.cells:
            if wanted is not None and not wanted:
                break  # every requested test cell has run
            if cell.cell_type != "code":
                continue
            what = kind(cell)
            if what is CellKind.TEST:
                gid = str(_meta(cell).get("grade_id"))
                if wanted is not None:
                    if gid not in wanted:
                        continue
                    wanted.discard(gid)
                self.test_cell(cell)
                continue
            if what is CellKind.LOCKED and cell.source in self.judge_sources:
                self.setup_copy(cell)
            self.learner_cell(cell)

    # -- learner cells -------------------------------------------------------------------------
    def setup_copy(self, cell: NotebookNode) -> None:
        """Run the judge's own copy of a set-up cell (its names are the tests': ``check``...)."""
        ns = dict(self.setup_ns)
        try:
            ns.update(self.session.graded(self.api))
        except ForgedReply as exc:
            self.problems.append(str(exc))
        run = _run_here(
            cell.source, ns, self.session.seconds(), self.session.current(), self.scope,
            self.broker,
        )  # fmt: skip
        if run.error is not None:
            self.problems.append(
                f"the grader's copy of setup cell {_meta(cell).get('grade_id')!r} "
                f"failed: {type(run.error).__name__}: {run.error}"
            )
        self.setup_ns.update((k, v) for k, v in ns.items() if k not in self.api)

    def learner_cell(self, cell: NotebookNode) -> None:
        """Run a learner (or locked) cell in the learner's process; its outputs, redacted."""
        try:
            reply, _worker = self.session.run_cell(cell.source)
        except NoLearnerProcess as exc:
            cell.outputs = [_stream("stderr", f"{exc}\n")]
            return
        except CallTimeout:
            cell.outputs = [
                _error(
                    "TimeoutError",
                    f"this cell did not finish within {self.limits.cell_seconds:g} s; "
                    "it was stopped",
                )
            ]
            self.problems.append(f"a code cell ran out of time ({_label(cell)})")
            return
        except ChannelClosed:
            cell.outputs = [
                _error("WorkerCrashed", "the process running your code ended in this cell")
            ]
            worker = self.session.worker
            if worker is not None and worker.broken == "cpu":
                self.problems.append(_cpu_problem(self.limits, _label(cell)))
            else:
                self.problems.append(f"the learner's process ended in a code cell ({_label(cell)})")
            return
        _ok, text, error = reply if isinstance(reply, tuple) and len(reply) == 3 else (0, "", None)
        if self.hidden_ran and (text or error):
            # it ran after hidden tests had called the learner's code: what it prints could
            # carry their inputs, so none of it reaches the feedback
            cell.outputs = [_stream("stdout", _AFTER_HIDDEN)]
            return
        outputs = []
        if isinstance(text, str) and text:
            outputs.append(_stream("stdout", self.redact(text)))
        if error and isinstance(error, tuple) and len(error) == 3:
            ename, evalue, tb = (str(e) for e in error)
            redact = self.redact
            outputs.append(_error(redact(ename)[:200], redact(evalue), [redact(tb)]))
        cell.outputs = outputs

    # -- test cells ----------------------------------------------------------------------------
    def test_cell(self, cell: NotebookNode) -> None:
        """Run a test cell here, score it by nbgrader's rule, write its outputs."""
        meta = _meta(cell)
        gid = str(meta.get("grade_id", f"cell-{len(self.results)}"))
        hidden = HIDDEN_BEGIN in cell.source
        max_points = float(meta.get("points", 0) or 0)
        if self.session.remaining() <= 0:
            cell.outputs = [
                _error("TimeoutError", "not run: the notebook's time limit was reached")
            ]
            self.results.append(
                CellResult(gid, 0.0, max_points, "not run", "notebook time limit", hidden)
            )
            return
        run, worker = self._attempt(cell)
        cell.outputs = self._outputs(run, worker, hidden)
        status, message = "passed", ""
        if run.error is not None:
            status = _describe_failure(run.error, hidden, self.limits)[0]
            message = f"{cell.outputs[-1].ename}: {cell.outputs[-1].evalue}"
        try:
            points, _ = determine_grade(cell)
        except ValueError as exc:  # partial credit above the cell's points
            points = 0.0
            message = str(exc)
        points = float(points or 0.0)
        if status == "passed" and points < max_points and run.stderr:
            status, message = "failed", "wrote to stderr"
        if worker is not None and worker.broken:
            self.problems.append(
                f"{gid}: {_broken_problem(worker, self.limits)}; a fresh process was started "
                "for the next test"
            )
        self.results.append(CellResult(gid, points, max_points, status, message, hidden))
        self.hidden_ran = self.hidden_ran or hidden

    def _attempt(self, cell: NotebookNode) -> tuple[_Run, Worker | None]:
        """Run the test cell; once more in a fresh process if a call of it found no thread to
        serve it (``starved``: the test then says nothing of the answer)."""
        for attempt in range(2):
            # the judge's own names, then only the graded API's values from the worker
            ns = dict(self.setup_ns)
            ns.update(self.test_ns)
            try:
                ns.update(self.session.graded(self.api))
            except ForgedReply as exc:
                self.problems.append(str(exc))
                return _Run(error=exc, finished=True), self.session.worker
            worker = self.session.current()
            if worker is not None:
                worker.endpoint.deadline = time.monotonic() + min(
                    self.limits.cell_seconds, self.session.remaining()
                )
            run = _run_here(
                cell.source, ns, self.session.seconds(), worker, self.scope, self.broker
            )
            if attempt == 0 and worker is not None and worker.broken == "starved":
                self.problems.append(STARVED_PROBLEM)
                continue
            break
        self.test_ns.update(
            (k, v) for k, v in ns.items() if k not in self.api and not k.startswith("__")
        )
        if not run.finished:
            run.error = CallTimeout("test cell time limit")
        if worker is not None and worker.broken == "timeout" and run.error is None:
            run.error = CallTimeout("time limit")
        return run, worker

    def _outputs(self, run: _Run, worker: Worker | None, hidden: bool) -> list[NotebookNode]:
        """What the judge writes for a test cell: never learner text on a hidden one."""
        redact = self.redact
        outputs = []
        if run.stdout:
            outputs.append(_stream("stdout", redact(run.stdout)))
        if run.stderr:
            text = "(the test wrote to stderr; that scores the cell 0)\n"
            outputs.append(_stream("stderr", text if hidden else redact(run.stderr)))
        if run.error is not None:
            _status, ename, evalue = _describe_failure(run.error, hidden, self.limits)
            if worker is not None and worker.broken in ("oversized", "flooded"):
                ename, evalue = "WorkerCrashed", _broken_problem(worker, self.limits)
            if hidden and self.hidden_feedback == "exercise":
                ename, evalue = "AssertionError", HIDDEN_FAILED
            outputs.append(_error(ename, redact(evalue)))
        elif run.has_value:
            value = run.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                outputs.append(
                    nbformat.v4.new_output(
                        "execute_result",
                        data={"text/plain": bounded_repr(value, 5000)},
                        execution_count=None,
                    )
                )
        return outputs


def _broken_problem(worker: Worker, limits: Limits) -> str:
    """Why ``worker`` cannot be used any more, for the record."""
    return {
        "timeout": "a call ran out of time",
        "starved": "the learner's process could not serve a call (its process limit was held by "
        "its own processes)",
        "cpu": _cpu_problem(limits),
        "oversized": _oversized_problem(worker, limits),
        "flooded": _flood_problem(worker),
    }.get(worker.broken, "the learner process ended")


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
