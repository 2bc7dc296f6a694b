"""Grade a whole class: every submission of an assignment, in parallel, sandboxed, summarised.

:func:`grade_class` finds ``submitted/<student>/<assignment>/<notebook>.ipynb`` in an nbgrader
course (source notebooks in ``solutions/<assignment>/``), grades each notebook with
:func:`course.grading.judge.grade_notebook` in ``jobs`` judge processes (each imported the grader's
libraries once; the driver speaks to them in JSON lines and unpickles nothing they send: see
:mod:`course.grading.pool`), each submission's code in its own sandbox (a student's notebooks
one after another, in one sandbox whose zygote forks a fresh worker per notebook: see
:mod:`course.grading.zygote`), and writes (names and paths always from the driver's own list of
submissions, never from a judge process):

- ``autograded/<student>/<assignment>/<notebook>.ipynb``: the autograded notebook;
- ``grading/<assignment>/<student>.json``: the per-student record: every notebook's score, the
  score of each test cell with its status and message, what was stopped and why, and any problem
  with the submission (missing, not a notebook, wrong file name, edited metadata, ...);
- ``grading/<assignment>/summary.csv`` (and the table :func:`summary_table` prints): student,
  notebook, score, max score, seconds, problems.

Nothing a student submitted is moved or deleted, whatever it holds; one bad submission never
stops the class. ``record`` (optional) is called in the parent process with each result, for
example to write scores to nbgrader's gradebook; its ``close()``, if it has one, is called when
the class is done.
"""

from __future__ import annotations

# isort: off
import course.grading.fastimport  # noqa: F401 - before nbformat: see that module
# isort: on

import contextlib
import csv
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from course.grading.gradebook import GradebookRecorder, course_paths
from course.grading.hidden import SOURCE_COPY
from course.grading.limits import Limits, course_pythonpath

__all__ = [
    "Submission",
    "GradedNotebook",
    "find_submissions",
    "grade_class",
    "summary_table",
    "write_summary",
    "PRELOAD",
    "GradebookRecorder",
    "run",
]

#: Imported once by the pool's fork server, so every judge process starts warm.
PRELOAD = [
    "course.grading.fastimport",
    "course.grading.judge",
    "pyarrow",
    "pyarrow.compute",
    "pandas",
    "nbgrader.utils",
]


@dataclass
class Submission:
    """One notebook a student should have handed in, and what is wrong with it before grading."""

    student: str
    assignment: str
    notebook: str  # the source notebook's file name, e.g. "warmup.ipynb"
    path: Path | None  # None when the student handed in no such notebook
    problem: str = ""


@dataclass
class GradedNotebook:
    """The outcome for one submission notebook (plain data: it crosses process boundaries)."""

    student: str
    notebook: str
    score: float
    max_score: float
    seconds: float
    cells: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    autograded: str = ""  # path of the autograded notebook ("" if none was written)

    @property
    def stopped(self) -> list[str]:
        """The test cells that were stopped (time limit, crashed process) and why."""
        return [
            f"{c['grade_id']}: {c['status']} ({c['message']})"
            for c in self.cells
            if c["status"] in ("timeout", "crashed", "not run")
        ]


def _notebook_problem(path: Path) -> str:
    """Why ``path`` cannot be a notebook ('' if it reads as one)."""
    try:
        raw = path.read_bytes()[: 256 << 20]
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror})"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return f"{path.name} is not a notebook (not text: is it an image or an archive?)"
    except json.JSONDecodeError as exc:
        return f"{path.name} is not a notebook (invalid JSON at line {exc.lineno}: {exc.msg})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return f"{path.name} is JSON but not a notebook (it has no list of cells)"
    return ""


def _folders(root: Path) -> tuple[Path, Path]:
    """The source and submitted folders: from ``nbgrader_config.py`` if the course has one."""
    root = Path(root)
    if (root / "nbgrader_config.py").is_file():
        paths = course_paths(root)
        return paths.source, paths.submitted
    return root / "solutions", root / "submitted"


def find_submissions(
    root: Path, assignment: str, students: Iterable[str] | None = None
) -> list[Submission]:
    """Every (student, notebook) pair to grade, with a clear problem for anything malformed."""
    sources, submitted = _folders(root)
    source = sources / assignment
    notebooks = sorted(p.name for p in source.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no source notebooks in {source} (is {assignment!r} right?)")
    wanted = sorted(set(students)) if students else None
    if wanted is None:
        found = (
            sorted(p.name for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []
        )
        wanted = [s for s in found if (submitted / s / assignment).exists()]
    result = []
    for student in wanted:
        folder = submitted / student / assignment
        handed_in = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
        unexpected = [n for n in handed_in if n not in notebooks]
        for name in notebooks:
            path = folder / name
            if not folder.is_dir():
                result.append(
                    Submission(
                        student, assignment, name, None, f"no submission: {folder} does not exist"
                    )
                )
            elif not path.is_file():
                hint = (
                    f"; found {', '.join(repr(n) for n in unexpected)}: if that is this notebook, "
                    f"rename it to {name!r} (nothing was deleted)"
                    if unexpected
                    else ""
                )
                result.append(
                    Submission(student, assignment, name, None, f"{name} is missing{hint}")
                )
            else:
                result.append(Submission(student, assignment, name, path, _notebook_problem(path)))
    return result


# ---------------------------------------------------------------------------------- one job


def _grade_one(
    sources: str,
    sub: Submission,
    launcher_name: str,
    limits: Limits,
    hidden_feedback: str,
    work: tuple[Path, Any] | None = None,
) -> tuple[GradedNotebook, str]:
    """Grade one notebook (in a judge process); never raises for the submission's sake.

    Returns the result and the autograded notebook's text, which the class driver writes.

    ``sources``: the folder of the assignments' source folders (the run's copy).
    ``work``: the submission's folder and sandbox, shared with its other notebooks (see
    :func:`_grade_student`); by default the notebook gets a scratch folder and workers of its own.
    """
    from course.grading.judge import grade_notebook
    from course.grading.sandbox import launcher_by_name

    started = time.monotonic()
    problems = [sub.problem] if sub.problem else []
    source = Path(sources) / sub.assignment / sub.notebook
    try:
        launcher = launcher_by_name(launcher_name)
        with tempfile.TemporaryDirectory(prefix="course-grade-") as scratch:
            submission = sub.path
            if submission is None or sub.problem:
                # graded as a blank notebook, so the class's records and gradebook stay complete
                submission = Path(scratch) / "blank.ipynb"
                nbformat.write(nbformat.v4.new_notebook(), str(submission))
            workdir, sandbox = work if work is not None else (Path(scratch) / "work", None)
            result = grade_notebook(
                source,
                submission,
                workdir,
                launcher=launcher,
                limits=limits,
                hidden_feedback=hidden_feedback,
                sandbox=sandbox,
            )
        problems += [p for p in result.problems if p not in problems]
        cells = [asdict(c) for c in result.cells]
        graded = GradedNotebook(
            sub.student,
            sub.notebook,
            result.score,
            result.max_score,
            time.monotonic() - started,
            cells,
            problems,
        )
        return graded, nbformat.writes(result.notebook)
    except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the class
        problems.append(f"the grader failed on this notebook: {type(exc).__name__}: {exc}")
        traceback.print_exc()
        return GradedNotebook(
            sub.student, sub.notebook, 0.0, 0.0, time.monotonic() - started, [], problems
        ), ""


def _grade_student(
    sources: str, subs: list[Submission], launcher_name: str, limits: Limits, hidden_feedback: str
) -> list[tuple[GradedNotebook, str]]:
    """Grade one student's notebooks, one after another, in one sandbox (runs in a pool process).

    Under bubblewrap the sandbox runs a zygote that imported the libraries once and forks a fresh
    worker per notebook (and per restart after a crash or a timeout: :mod:`course.grading.zygote`);
    the notebooks share one working folder, as under ``nbgrader autograde`` (the student's
    submission folder). Other launchers grade each notebook on its own.
    """
    from course.grading.sandbox import BwrapLauncher, launcher_by_name, scratch_quota
    from course.grading.zygote import Sandbox

    launcher = launcher_by_name(launcher_name)
    if not isinstance(launcher, BwrapLauncher):
        return [_grade_one(sources, sub, launcher_name, limits, hidden_feedback) for sub in subs]
    with tempfile.TemporaryDirectory(prefix="course-student-") as scratch:
        workdir = Path(scratch) / "work"
        workdir.mkdir()
        # as root, the folder is a tmpfs of Limits.disk_bytes: what the student may write there
        with (
            scratch_quota(workdir, int(limits.disk_bytes)),
            Sandbox(workdir, launcher, limits) as sandbox,
        ):
            return [
                _grade_one(sources, sub, launcher_name, limits, hidden_feedback, (workdir, sandbox))
                for sub in subs
            ]


def warm() -> None:
    """Import the grader's libraries (a judge process does it once, before its first task)."""
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass


def handle_task(task: dict) -> dict:
    """Grade one task of the class driver (in a judge process; see :mod:`course.grading.pool`)."""
    subs = [
        Submission(s["student"], s["assignment"], s["notebook"],
                   Path(s["path"]) if s["path"] else None, s["problem"])
        for s in task["subs"]
    ]  # fmt: skip
    limits = Limits(**task["limits"])
    args = (task["launcher"], limits, task["hidden_feedback"])
    if task.get("alone"):
        done = [_grade_one(task["sources"], sub, *args) for sub in subs]
    else:
        done = _grade_student(task["sources"], subs, *args)
    return {"results": [{"graded": asdict(g), "notebook": text} for g, text in done]}


_early: list[tuple[int, Any, str]] = []  # started by prestart()


def _new_pool(jobs: int, handler: str = "course.grading.classroom:handle_task") -> tuple[Any, str]:
    """``jobs`` judge processes and the run's private folder (see :func:`_run_folder`).

    As root the judges run as :data:`course.grading.privilege.JUDGE_UID` (never as root), with
    an environment of their own: nothing of the driver's (a gradebook password, say) but what
    Python needs.
    """
    from course.grading.oracle import SHARED
    from course.grading.pool import JudgePool
    from course.grading.privilege import judge_command, judge_ids, run_cgroup

    run = _run_folder()
    env = {k: v for k, v in os.environ.items() if k in _JUDGE_ENV or k.startswith("LC_")}
    env.update({SHARED: str(run / "oracles"), SOURCE_COPY: str(run / "solutions")})
    env.update({"HOME": str(run / "home"), "TMPDIR": str(run / "tmp")})
    env["PYTHONPATH"] = os.pathsep.join(
        dict.fromkeys([course_pythonpath(), *filter(None, env.get("PYTHONPATH", "").split(":"))])
    )
    wrap: list[str] = []
    group = None
    if judge_ids() is not None:
        group = run_cgroup()  # the judges make their sandboxes' groups in it
        # what one student may write, plus room for the tests' own input files
        scratch = Limits().disk_bytes + (256 << 20)
        wrap = judge_command(run, group.folders if group else (), scratch_bytes=scratch)
        wrap = group.command(wrap) if group else wrap
        _check_judge_can_run(wrap, env)
    pool = JudgePool(jobs, env, handler=handler, wrap=wrap)
    pool.cgroup = group  # removed with the pool (see _close_pool)
    return pool, str(run)


_JUDGE_ENV = ("PATH", "LANG", "TZ", "TMPDIR", "PYTHONPATH", "PYTHONHASHSEED", "VIRTUAL_ENV")


def _run_folder() -> Path:
    """The run's private folder: the judges' (0700) copy of sources and submissions, their
    shared oracle values and home. Made by the driver; as root, handed to the judges' user."""

    run = Path(tempfile.mkdtemp(prefix="course-run-"))
    for name in ("oracles", "solutions", "submitted", "home", "tmp"):
        (run / name).mkdir(mode=0o700)
    _hand_over(run)
    return run


def _hand_over(folder: Path) -> None:
    """As root, give the judges' user ``folder`` and what is in it (the driver made all of it)."""
    from course.grading.privilege import judge_ids

    ids = judge_ids()
    if ids is None:
        return
    os.chown(folder, *ids, follow_symlinks=False)
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.chown(os.path.join(base, name), *ids, follow_symlinks=False)


def _close_pool(pool: Any, run: str) -> None:
    """Stop the judges, remove their cgroup (and what is left in it) and the run folder."""
    pool.close()
    group = getattr(pool, "cgroup", None)
    if group is not None:
        with contextlib.suppress(Exception):
            group.kill()
            group.remove()
    shutil.rmtree(run, ignore_errors=True)


def _check_judge_can_run(wrap: list[str], env: dict[str, str]) -> None:
    """Fail at once, saying what to change, if the judges cannot run the grader here."""
    import subprocess

    probe = subprocess.run(
        [*wrap, sys.executable, "-c", "import course.grading.judge"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise PermissionError(
            "run as root, course grade starts its judges as their own user (never as root), "
            f"in a sandbox of their own, and they cannot run the grader here: {last}. Run "
            "course grade as an ordinary user, or install bubblewrap (apt-get install bubblewrap)"
        )


def prestart(jobs: int | None = None) -> None:
    """Start the grading processes now; the next :func:`grade_class` with as many jobs uses them.

    Their start (each imports the grader's libraries: about a second on one core) then overlaps
    with what the caller does first, such as opening the gradebook.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    pool, folder = _new_pool(jobs)
    _early.append((jobs, pool, folder))


def _drop_early() -> None:
    """Stop prestarted pools nobody took (grading stopped before it began)."""
    while _early:
        _jobs, pool, folder = _early.pop()
        _close_pool(pool, folder)


def _take_pool(jobs: int) -> tuple[Any, str]:
    """A prestarted pool of ``jobs`` processes and its run folder, or a new one."""
    for index, (count, pool, folder) in enumerate(_early):
        if count == jobs:
            del _early[index]
            return pool, folder
    return _new_pool(jobs)


def grade_class(
    root: Path,
    assignment: str,
    students: Iterable[str] | None = None,
    jobs: int | None = None,
    launcher: str = "auto",
    limits: Limits | None = None,
    hidden_feedback: str = "case",
    progress: bool = True,
    record: Callable[[Submission, GradedNotebook], None] | None = None,
) -> list[GradedNotebook]:
    """Grade every submission of ``assignment`` (see the module docstring); results sorted."""
    root = Path(root).resolve()
    limits = limits or Limits()
    # processes start as students need them (up to jobs); they share `once` values in `shared`
    pool, run = _take_pool(max(1, jobs or os.cpu_count() or 1))
    try:
        return _grade_class(
            pool, Path(run), root, assignment, students, launcher, limits, hidden_feedback,
            progress, record,
        )  # fmt: skip
    finally:
        _close_pool(pool, run)


def _grade_class(
    pool: Any,
    run: Path,
    root: Path,
    assignment: str,
    students: Iterable[str] | None,
    launcher: str,
    limits: Limits,
    hidden_feedback: str,
    progress: bool,
    record: Callable[[Submission, GradedNotebook], None] | None,
) -> list[GradedNotebook]:
    """``grade_class``'s body, with its judge processes (:class:`course.grading.pool.JudgePool`)."""
    from course.grading.pool import Task

    subs = find_submissions(root, assignment, students)
    results: list[GradedNotebook] = []
    if not subs:
        return results
    copies = _copy_for_judges(root, run, assignment, subs)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(subs), desc=f"grading {assignment}", unit="nb", file=sys.stderr)
    by_student: dict[str, list[Submission]] = {}
    for sub in subs:
        by_student.setdefault(sub.student, []).append(sub)

    def finish(sub: Submission, graded: GradedNotebook) -> None:
        if record is not None:
            try:
                record(sub, graded)
            except Exception as exc:  # noqa: BLE001 - report, and go on with the class
                graded.problems.append(f"recording the score failed: {exc}")
        results.append(graded)
        if bar is not None:
            bar.update(1)
        mine = [g for g in results if g.student == sub.student]
        if len(mine) == len(by_student[sub.student]):  # that student is done: on disk now
            write_student_record(root, assignment, sub.student, mine)

    def task(group: list[Submission], alone: bool) -> Task:
        # no notebook may hold a judge process longer than its limits allow (the judge stops
        # each one at total_seconds; this is the backstop if it cannot), plus start-up
        payload = {
            "sources": str(run / "solutions"),
            "subs": [{**asdict(s), "path": copies.get(subs.index(s))} for s in group],
            "launcher": launcher,
            "limits": asdict(limits),
            "hidden_feedback": hidden_feedback,
            "alone": alone,
            "group": [subs.index(s) for s in group],
        }
        return Task(payload, len(group) * (limits.total_seconds + 60) + 120, alone=alone)

    def done(t: Task, answer: Any) -> None:
        group = [subs[i] for i in t.payload["group"]]
        for sub, graded in zip(group, _answers(root, group, answer), strict=True):
            finish(sub, graded)

    def split(t: Task, why: str) -> list[Task]:
        return [task([subs[i]], True) for i in t.payload["group"]]

    def failed(t: Task, why: str) -> None:
        for i in t.payload["group"]:
            sub = subs[i]
            finish(sub, GradedNotebook(sub.student, sub.notebook, 0.0, 0.0, 0.0, [],
                                       [f"{why}; scored 0"]))  # fmt: skip

    try:
        pool.run([task(group, False) for group in by_student.values()], done, split, failed)
    finally:
        close = getattr(record, "close", None)
        if callable(close):
            close()
    if bar is not None:
        bar.close()
    results.sort(key=lambda g: (g.student, g.notebook))
    write_records(root, assignment, results)
    return results


def _copy_for_judges(
    root: Path, run: Path, assignment: str, subs: list[Submission]
) -> dict[int, str | None]:
    """Copy the assignment's sources and the submissions into the run folder, for the judges.

    The judges (as root: another user) read only these copies, never the course folder. A
    submission is opened without following links (a link to another student's notebook is
    refused); returns each submission's copy by index (None: nothing to read).
    """
    sources, _ = _folders(root)
    shutil.copytree(sources / assignment, run / "solutions" / assignment, dirs_exist_ok=True)
    copies: dict[int, str | None] = {}
    for index, sub in enumerate(subs):
        copies[index] = None
        if sub.path is None or sub.problem:
            continue
        target = run / "submitted" / sub.student / assignment / sub.notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(sub.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as exc:
            sub.problem = f"{sub.notebook} cannot be read ({exc.strerror}: is it a link?)"
            continue
        with os.fdopen(fd, "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        copies[index] = str(target)
    _hand_over(run)
    return copies


def _answers(root: Path, group: list[Submission], answer: Any) -> list[GradedNotebook]:
    """The judge process's answer for ``group``, checked: values only, never its names.

    Student and notebook names, and where the autograded notebook goes, come from the driver's
    own submissions; from the answer only scores, cells, problems and the notebook's text (which
    must read as a notebook) are taken. A malformed answer scores the group 0, with why.
    """
    items = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(items, list) or len(items) != len(group):
        why = answer.get("error") if isinstance(answer, dict) else None
        why = f"the grader failed: {str(why)[:500]}" if why else "the grader's answer is malformed"
        return [GradedNotebook(s.student, s.notebook, 0.0, 0.0, 0.0, [], [why]) for s in group]
    out = []
    for sub, item in zip(group, items, strict=True):
        try:
            g = item["graded"]
            graded = GradedNotebook(
                sub.student,
                sub.notebook,
                _number(g["score"]),
                _number(g["max_score"]),
                _number(g["seconds"]),
                [_cell_record(c) for c in g["cells"]],
                [str(p) for p in g["problems"]],
            )
            text = item["notebook"]
            if isinstance(text, str) and text:
                nb = nbformat.reads(text, as_version=4)
                path = Path(root) / "autograded" / sub.student / sub.assignment / sub.notebook
                path.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, str(path))
                graded.autograded = str(path)
        except Exception as exc:  # noqa: BLE001 - a malformed answer costs that notebook
            graded = GradedNotebook(
                sub.student, sub.notebook, 0.0, 0.0, 0.0, [],
                [f"the grader's answer for this notebook is malformed ({type(exc).__name__})"],
            )  # fmt: skip
        out.append(graded)
    return out


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {type(value).__name__}")
    return float(value)


def _cell_record(cell: Any) -> dict:
    """One test cell's record from a judge process's answer, with the judge's own fields only."""
    return {
        "grade_id": str(cell["grade_id"]),
        "points": _number(cell["points"]),
        "max_points": _number(cell["max_points"]),
        "status": str(cell["status"]),
        "message": str(cell["message"]),
        "hidden": bool(cell["hidden"]),
    }


# ------------------------------------------------------------------------------- gradebook


# ------------------------------------------------------------------------------- reporting


def records_dir(root: Path, assignment: str) -> Path:
    return Path(root) / "grading" / assignment


def write_student_record(
    root: Path, assignment: str, student: str, graded: list[GradedNotebook]
) -> Path:
    """Write ``grading/<assignment>/<student>.json`` (every notebook's cells, problems)."""
    folder = records_dir(root, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    graded = sorted(graded, key=lambda g: g.notebook)
    record = {
        "student": student,
        "assignment": assignment,
        "score": sum(g.score for g in graded),
        "max_score": sum(g.max_score for g in graded),
        "notebooks": [
            {**asdict(g), "stopped": g.stopped, "seconds": round(g.seconds, 2)} for g in graded
        ],
    }
    path = folder / f"{student}.json"
    path.write_text(json.dumps(record, indent=1) + "\n")
    return path


def write_records(root: Path, assignment: str, results: list[GradedNotebook]) -> Path:
    """Write one JSON record per student and the summary CSV; return the CSV's path."""
    folder = records_dir(root, assignment)
    by_student: dict[str, list[GradedNotebook]] = {}
    for graded in results:
        by_student.setdefault(graded.student, []).append(graded)
    for student, graded in by_student.items():
        write_student_record(root, assignment, student, graded)
    return write_summary(folder / "summary.csv", _merge_summary(folder / "summary.csv", results))


def _merge_summary(path: Path, results: list[GradedNotebook]) -> list[dict]:
    """Rows of the earlier summary for students not graded now, plus this run's rows."""
    rows = {}
    if path.is_file():
        with path.open(newline="") as f:
            for row in csv.DictReader(f):
                rows[(row["student"], row["notebook"])] = row
    for g in results:
        rows[(g.student, g.notebook)] = _row(g)
    return [rows[key] for key in sorted(rows)]


def _row(g: GradedNotebook) -> dict:
    return {
        "student": g.student,
        "notebook": g.notebook,
        "score": f"{g.score:g}",
        "max_score": f"{g.max_score:g}",
        "seconds": f"{g.seconds:.1f}",
        "problems": " | ".join(g.problems),
    }


def write_summary(path: Path, rows: list[dict]) -> Path:
    fields = ["student", "notebook", "score", "max_score", "seconds", "problems"]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def summary_table(results: list[GradedNotebook], width: int = 60) -> str:
    """The end-of-run table: student, notebook, score/max, seconds, problems (shortened)."""
    header = ("student", "notebook", "score", "seconds", "problems")
    rows = [
        (
            g.student,
            g.notebook,
            f"{g.score:g}/{g.max_score:g}",
            f"{g.seconds:.1f}",
            _shorten("; ".join(g.problems), width) or "-",
        )
        for g in results
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


# ------------------------------------------------------------------------------------- CLI


def add_arguments(parser: Any) -> None:
    """The options of ``python -m course grade`` (also ``python -m course.grading.classroom``)."""
    parser.add_argument("assignment", help="e.g. 01-columnar")
    parser.add_argument(
        "--student", action="append", help="only this student (repeatable): re-grade one student"
    )
    parser.add_argument("-j", "--jobs", type=int, default=None, help="notebooks graded at once")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--sandbox",
        choices=("auto", "bwrap", "none"),
        default="auto",
        help="run each submission in bubblewrap (auto: when it works here, else warn)",
    )
    parser.add_argument(
        "--hidden-feedback",
        choices=("case", "exercise"),
        default="case",
        help="a failing hidden test shows its check's message (case) or only that it failed",
    )
    parser.add_argument(
        "--cell-seconds", type=float, default=Limits.cell_seconds, help="time limit per cell"
    )
    parser.add_argument(
        "--total-seconds",
        type=float,
        default=Limits.total_seconds,
        help="time limit per notebook",
    )
    parser.add_argument(
        "--no-gradebook", action="store_true", help="do not record scores in nbgrader's gradebook"
    )


def run(root: Path, args: Any) -> int:
    """Grade the class as ``args`` (from :func:`add_arguments`) say; print the summary."""
    from course.grading.sandbox import SandboxUnavailable, launcher_by_name

    for name, value in (("--jobs", args.jobs), ("--cell-seconds", args.cell_seconds),
                        ("--total-seconds", args.total_seconds)):  # fmt: skip
        if value is not None and value <= 0:
            print(f"error: {name} must be positive, got {value:g}", file=sys.stderr)
            return 2
    # nbgrader's gradebook runs the `alembic` command: find it beside this Python even when the
    # environment is not activated.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    try:
        launcher = launcher_by_name(args.sandbox)
    except SandboxUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    warning = getattr(launcher, "warning", "")
    if warning:
        print(warning, file=sys.stderr)
    limits = Limits(cell_seconds=args.cell_seconds, total_seconds=args.total_seconds)
    prestart(args.jobs)  # warms up while the gradebook opens
    try:
        return _run(root, args, launcher, warning, limits)
    finally:
        _drop_early()


def _run(root: Path, args: Any, launcher: Any, warning: str, limits: Limits) -> int:
    recorder = None
    try:
        if not args.no_gradebook:
            recorder = GradebookRecorder(root, args.assignment)
        results = grade_class(
            root,
            args.assignment,
            students=args.student,
            jobs=args.jobs,
            launcher=launcher.name,
            limits=limits,
            hidden_feedback=args.hidden_feedback,
            progress=not args.quiet,
            record=recorder,
        )
    except (FileNotFoundError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not results:
        print(f"no submissions of {args.assignment} under submitted/<student>/ to grade")
        return 0
    print(summary_table(results))
    folder = records_dir(root, args.assignment)
    stopped = sum(bool(g.stopped) for g in results)
    print(
        f"\n{len(results)} notebooks graded ({stopped} with a stopped cell); sandbox: "
        f"{launcher.name}; per-student records and summary.csv in {folder}"
        + ("" if recorder else "; scores NOT recorded in the gradebook (--no-gradebook)")
    )
    if warning:
        print(warning)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m course.grading.classroom ASSIGNMENT``: the same as ``python -m course grade``."""
    import argparse

    from course.learner.paths import repo_root

    parser = argparse.ArgumentParser(
        prog="python -m course.grading.classroom", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--root", help="the nbgrader course folder (default: found from here)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        root = Path(args.root).resolve() if args.root else repo_root()
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return run(root, args)


if __name__ == "__main__":
    raise SystemExit(main())
