"""nbgrader's side of ``course grade``: the course's folders and gradebook, and recording scores.

:func:`course_paths` reads the folders and the gradebook URL from the course's
``nbgrader_config.py``; :class:`GradebookRecorder` records each autograded notebook with
nbgrader's own ``SaveAutoGrades``, as ``nbgrader autograde`` does, so ``nbgrader
generate_feedback``, ``nbgrader export`` and formgrader work on the result unchanged. The class
driver is :mod:`course.grading.classroom`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

__all__ = ["CoursePaths", "GradebookRecorder", "course_paths", "record_notebook"]


@dataclass(frozen=True)
class CoursePaths:
    """An nbgrader course's folders and gradebook URL."""

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


def record_notebook(
    paths: CoursePaths,
    assignment: str,
    student: str,
    name: str,
    text: str,
    source_nb: Path,
    gradebook: Any = None,
) -> None:
    """Write the autograded notebook and save its scores with nbgrader's SaveAutoGrades.

    ``gradebook``: an open ``nbgrader.api.Gradebook`` to use (one commit for the notebook);
    by default one is opened and closed here, as ``nbgrader autograde`` does.
    """
    from nbgrader.api import Gradebook

    if gradebook is None:
        with Gradebook(paths.db_url) as gb:
            record_notebook(paths, assignment, student, name, text, source_nb, gb)
        return
    from nbgrader.api import MissingEntry

    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and "grade_id" in meta:
            try:  # the release's checksum, so an untouched answer reads "No response."
                meta["checksum"] = gradebook.find_source_cell(
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
    try:
        _SaveAutoGradesTo(gradebook).preprocess(nb, resources)
        gradebook.db.commit()
    except BaseException:
        gradebook.db.rollback()
        raise


class _FlushOnly:
    """A gradebook whose ``db.commit()`` only flushes: one commit per notebook, at its end."""

    def __init__(self, gradebook: Any) -> None:
        self._gradebook = gradebook
        self.db = self

    def commit(self) -> None:
        self._gradebook.db.flush()

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._gradebook if attr != "db" else self._gradebook.db, attr)


def _SaveAutoGradesTo(gradebook: Any) -> Any:  # noqa: N802 - a class factory
    """nbgrader's own ``SaveAutoGrades`` (same rules, same rows), writing to an open gradebook."""
    from nbgrader.preprocessors import SaveAutoGrades

    class SaveTo(SaveAutoGrades):
        def preprocess(self, nb: Any, resources: Any) -> Any:
            info = resources["nbgrader"]
            self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
            self.student_id, self.db_url = info["student"], info["db_url"]
            self.gradebook = _FlushOnly(gradebook)
            # SaveAutoGrades.preprocess opens its own Gradebook; its parent walks the cells
            return super(SaveAutoGrades, self).preprocess(nb, resources)

    return SaveTo()


class GradebookRecorder:
    """Records each autograded notebook in nbgrader's gradebook, as ``nbgrader autograde`` does.

    The student and submission are created or updated (with ``timestamp.txt`` when the exchange
    left one), then :func:`record_notebook` stores the autograded notebook with the release's
    checksums and runs nbgrader's own ``SaveAutoGrades``. The assignment must be in the gradebook
    (``nbgrader generate_assignment`` puts it there). Any database nbgrader supports works
    (``c.CourseDirectory.db_url`` in ``nbgrader_config.py``: SQLite by default, PostgreSQL for
    several graders). The gradebook stays open between notebooks (one commit per notebook) until
    :meth:`close`.
    """

    def __init__(self, root: Path, assignment: str) -> None:
        from nbgrader.api import Gradebook, MissingEntry

        self.paths = course_paths(root)
        self.db_url = self.paths.db_url
        self.assignment = assignment
        self._open: Any = None
        with Gradebook(self.db_url) as gb:
            try:
                gb.find_assignment(assignment)
            except MissingEntry:
                raise LookupError(
                    f"assignment {assignment!r} is not in the gradebook ({self.db_url}); run "
                    f"`nbgrader generate_assignment {assignment}` first"
                ) from None

    def __call__(self, sub: Any, graded: Any) -> None:
        """Record ``graded`` (a classroom ``GradedNotebook``) for ``sub`` (its ``Submission``)."""
        from sqlalchemy.exc import SAWarning

        if not graded.autograded:
            return
        stamp = self.paths.submitted / sub.student / sub.assignment / "timestamp.txt"
        timestamp = stamp.read_text(errors="replace").strip() if stamp.is_file() else None
        gb = self._gradebook()
        with warnings.catch_warnings():
            # nbgrader's own autoflush notices when a student's first submission is created
            warnings.simplefilter("ignore", category=SAWarning)
            gb.update_or_create_student(sub.student)
            try:
                kwargs = {"timestamp": timestamp} if timestamp else {}
                gb.update_or_create_submission(sub.assignment, sub.student, **kwargs)
            except Exception:  # noqa: BLE001 - a malformed timestamp must not stop the class
                gb.db.rollback()
                gb.update_or_create_submission(sub.assignment, sub.student)
            text = Path(graded.autograded).read_text(encoding="utf-8")
            source = self.paths.source / sub.assignment / sub.notebook
            record_notebook(
                self.paths, sub.assignment, sub.student, Path(sub.notebook).stem, text, source, gb
            )

    def _gradebook(self) -> Any:
        """The gradebook, opened on first use and kept open until :meth:`close`."""
        from nbgrader.api import Gradebook

        if self._open is None:
            self._open = Gradebook(self.db_url)
        return self._open

    def close(self) -> None:
        """Close the gradebook (``grade_class`` calls it when the class is done)."""
        if self._open is not None:
            self._open.close()
            self._open = None
