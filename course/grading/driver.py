"""``python -m course grade ASSIGNMENT``: grade a class with the judge, record it in nbgrader.

For every ``submitted/<student>/<assignment>/<notebook>.ipynb`` of an nbgrader course (the course
root holds ``nbgrader_config.py``; source notebooks are in its source folder, ``solutions/``):
grade it with :func:`course.grading.judge.grade_notebook` (in parallel, one process per
notebook), write ``autograded/<student>/<assignment>/<notebook>.ipynb`` and record the scores in
nbgrader's gradebook with nbgrader's own ``SaveAutoGrades``, so ``nbgrader generate_feedback``,
``nbgrader export`` and formgrader work on the result unchanged. A missing, unreadable or hostile
submission is reported and scored, and never stops the class.

The assignment must be in the gradebook (``nbgrader generate_assignment`` puts it there, as for
``nbgrader autograde``); students are added to the gradebook when missing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from course.grading.limits import Launcher, Limits

__all__ = ["GradedNotebook", "course_paths", "grade_assignment", "summary"]


@dataclass
class GradedNotebook:
    """One student's notebook: its score and what went wrong."""

    student: str
    notebook: str
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CoursePaths:
    root: Path
    source: Path  # solutions/
    submitted: Path
    autograded: Path
    db_url: str


def course_paths(root: Path) -> CoursePaths:
    """Folders and gradebook URL from the course's ``nbgrader_config.py``."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise FileNotFoundError(f"{root} has no nbgrader_config.py; pass the course folder")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(root)
    return CoursePaths(
        root,
        root / coursedir.source_directory,
        root / coursedir.submitted_directory,
        root / coursedir.autograded_directory,
        coursedir.db_url,
    )


def _grade_one(job: tuple) -> tuple[GradedNotebook, str | None]:
    """In a pool process: grade one notebook; return the result and the notebook JSON."""
    student, name, source, submitted, launcher, limits, hidden_feedback = job
    from course.grading.judge import grade_notebook

    started = time.monotonic()
    row = GradedNotebook(student, name)
    try:
        with tempfile.TemporaryDirectory(prefix="course-grade-") as scratch:
            result = grade_notebook(
                Path(source),
                Path(submitted),
                Path(scratch) / "work",
                launcher=launcher,
                limits=limits,
                hidden_feedback=hidden_feedback,
            )
        row.score, row.max_score, row.problems = result.score, result.max_score, result.problems
        text = nbformat.writes(result.notebook)
    except Exception as exc:  # noqa: BLE001 - one notebook never stops the class
        row.problems.append(f"grading failed: {type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
        text = None
    row.seconds = time.monotonic() - started
    return row, text


def _record(
    paths: CoursePaths, assignment: str, student: str, name: str, text: str, source_nb: Path
) -> None:
    """Write the autograded notebook and save its scores with nbgrader's SaveAutoGrades."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import SaveAutoGrades

    nb = nbformat.reads(text, as_version=4)
    with Gradebook(paths.db_url) as gb:
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and "grade_id" in meta:
                try:  # the release's checksum, so an untouched answer reads "No response."
                    meta["checksum"] = gb.find_source_cell(
                        meta["grade_id"], name, assignment
                    ).checksum
                except MissingEntry:
                    pass
    folder = paths.autograded / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{name}.ipynb"))
    resources = {
        "nbgrader": {
            "notebook": name,
            "assignment": assignment,
            "student": student,
            "db_url": paths.db_url,
        }
    }
    SaveAutoGrades().preprocess(nb, resources)


def grade_assignment(
    root: Path,
    assignment: str,
    students: list[str] | None = None,
    jobs: int | None = None,
    launcher: Launcher | None = None,
    limits: Limits | None = None,
    hidden_feedback: str = "case",
    progress: bool = False,
) -> list[GradedNotebook]:
    """Grade ``submitted/<student>/<assignment>/*.ipynb`` (all students, or ``students``)."""
    from nbgrader.api import Gradebook, MissingEntry

    paths = course_paths(root)
    source_folder = paths.source / assignment
    sources = sorted(source_folder.glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no source notebooks in {source_folder}")
    with Gradebook(paths.db_url) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise LookupError(
                f"assignment {assignment!r} is not in the gradebook; run "
                f"`nbgrader generate_assignment {assignment}` first"
            ) from None
    if students is None:
        students = (
            sorted(p.name for p in paths.submitted.glob("*") if (p / assignment).is_dir())
            if paths.submitted.is_dir()
            else []
        )
    jobs_list = []
    missing = set()
    for student in students:
        folder = paths.submitted / student / assignment
        for source in sources:
            submitted = folder / source.name
            if not submitted.is_file():
                missing.add((student, source.stem))
            jobs_list.append((student, source.stem, str(source), str(submitted)))
    rows: list[GradedNotebook] = []
    with Gradebook(paths.db_url) as gb:
        for student in students:
            gb.update_or_create_student(student)
            stamp = paths.submitted / student / assignment / "timestamp.txt"
            kwargs: dict[str, Any] = {}
            if stamp.is_file():
                kwargs["timestamp"] = stamp.read_text(encoding="utf-8", errors="replace").strip()
            try:
                gb.update_or_create_submission(assignment, student, **kwargs)
            except Exception:  # noqa: BLE001 - a malformed timestamp must not stop the class
                gb.db.rollback()
                gb.update_or_create_submission(assignment, student)
    work = [
        (student, name, source, submitted, launcher, limits, hidden_feedback)
        for student, name, source, submitted in jobs_list
    ]
    jobs = jobs or min(len(work) or 1, os.cpu_count() or 1)
    results = _run_all(work, jobs, f"grading {assignment}" if progress else None)
    for index, (student, name, source, *_rest) in enumerate(work):
        row, text = results[index]
        if (student, name) in missing:
            row.problems = [f"no {name}.ipynb submitted; graded as blank"]
        if text is not None:
            try:
                _record(paths, assignment, student, name, text, Path(source))
            except Exception as exc:  # noqa: BLE001
                row.problems.append(f"recording failed: {type(exc).__name__}: {exc}")
        rows.append(row)
    return rows


def _run_all(work: list[tuple], jobs: int, label: str | None) -> dict[int, tuple]:
    """Grade every job in a process pool; survive a submission that kills its grading process.

    If the pool breaks (a grading process was killed, for example by learner code run without
    a sandbox), the unfinished jobs are graded again one at a time; a job that breaks a pool of
    one process is scored as failed, and the others go on.
    """
    bar = None
    if label:
        from tqdm import tqdm

        bar = tqdm(total=len(work), desc=label, unit="nb")
    results: dict[int, tuple] = {}
    pending = list(range(len(work)))
    isolate = False
    while pending:
        with ProcessPoolExecutor(max_workers=1 if isolate else jobs) as pool:
            futures = [(i, pool.submit(_grade_one, work[i])) for i in pending]
            for i, future in futures:
                try:
                    results[i] = future.result()
                except BrokenProcessPool:
                    if isolate:
                        student, name = work[i][0], work[i][1]
                        row = GradedNotebook(student, name)
                        row.problems.append(
                            "the grading process was killed while this notebook was graded; "
                            "scored 0"
                        )
                        results[i] = (row, None)
                    break
                if bar is not None:
                    bar.update(1)
        pending = [i for i in pending if i not in results]
        isolate = True
    if bar is not None:
        bar.close()
    return results


def summary(rows: list[GradedNotebook]) -> str:
    """A table: student, notebook, score, seconds, problems."""
    lines = [f"{'student':<16} {'notebook':<16} {'score':>11} {'seconds':>8}  problems"]
    for r in rows:
        score = f"{r.score:g}/{r.max_score:g}"
        problems = "; ".join(r.problems)[:200]
        lines.append(f"{r.student:<16} {r.notebook:<16} {score:>11} {r.seconds:>8.1f}  {problems}")
    return "\n".join(lines)


def main_json(rows: list[GradedNotebook]) -> str:
    """The rows as JSON (for scripts)."""
    return json.dumps([r.__dict__ for r in rows], indent=1)
