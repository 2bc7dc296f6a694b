"""The nbgrader round trip, with nbgrader's real commands, in a scratch course folder.

For every assignment: the solution submitted as a learner scores full marks on every autograded
cell, the untouched release scores zero, a wrong submission loses points, and the generated
feedback shows no hidden test, tracebacks included. nbgrader's log stays free of the noise the
course's configuration removes, and still warns about a test cell a learner edited.

One course is graded once per test session (tests/conftest.py keeps this module on one xdist
worker).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.authoring.mutants import all_mutants, mutant_cell
from course.authoring.notebook_model import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    exercises,
    is_answer,
    read,
    region_lines,
)
from course.authoring.release import assignments, venv_env
from tests.conftest import ROOT

NBGRADER = str(Path(sys.executable).with_name("nbgrader"))  # nbgrader calls alembic from PATH
STUDENTS = ("solution", "blank", "wrong")
#: The wrong submission also edits this line into its first public test cell (nbgrader restores
#: the cell, so grades are unchanged): the checksum warning must still name that cell.
EDIT = "# a learner edited this test cell"

pytestmark = pytest.mark.slow


def nbgrader(course: Path, *args: str) -> str:
    """Run an nbgrader command in ``course``; return its log (stdout and stderr)."""
    done = subprocess.run(
        [NBGRADER, *args], cwd=course, capture_output=True, text=True, env=venv_env()
    )
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def strip_markers(source: str) -> str:
    return "\n".join(
        line
        for line in source.splitlines()
        if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
    )


def submission(release: Path, source: Path, student: str, assignment: str) -> nbformat.NotebookNode:
    """The release notebook as a learner would hand it in."""
    nb = read(release)
    if student == "blank":
        return nb
    src = read(source)
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in src.cells if is_answer(c)}
    if student == "wrong":  # each answer as the first mutant of its exercise writes it
        mutants = [
            m for m in all_mutants(ROOT) if m.kind == "mutant" and m.assignment == assignment
        ]
        for cell in answers:
            first = next((m for m in mutants if m.cell == cell), None)
            if first is not None:
                answers[cell] = mutant_cell(answers[cell], first)
    for cell in nb.cells:
        if is_answer(cell):
            cell.source = strip_markers(answers[cell.metadata.nbgrader["grade_id"]])
    if student == "wrong":
        edited_test_cell(nb).source += "\n" + EDIT
    return nb


def edited_test_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The test cell the wrong submission edits: the first public one."""
    return next(
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-public")
    )


def visible_text(html_text: str) -> str:
    """What a reader sees in a feedback page: tags dropped, entities decoded, spaces folded."""
    text = html.unescape(re.sub(r"<[^>]+>", "", html_text))
    return re.sub(r"\s+", " ", text)


def hidden_lines(source: Path) -> list[str]:
    return region_lines(read(source), HIDDEN_BEGIN, HIDDEN_END, min_length=16)


class Course(type(Path())):
    """The scratch course folder, with the log of every nbgrader command run in it."""

    log: dict[str, str]


@pytest.fixture(scope="session")
def graded(tmp_path_factory) -> Course:
    """Grade three students on every assignment; return the scratch course folder."""
    course = Course(tmp_path_factory.mktemp("course"))
    course.log = {}
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    for student in STUDENTS:
        nbgrader(course, "db", "student", "add", student)
    for assignment in assignments(ROOT):
        nbgrader(course, "generate_assignment", assignment, "--force")
        for student in STUDENTS:
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            for release in sorted((course / "exercises" / assignment).glob("*.ipynb")):
                source = ROOT / "solutions" / assignment / release.name
                nbformat.write(
                    submission(release, source, student, assignment), str(folder / release.name)
                )
        course.log[f"autograde {assignment}"] = nbgrader(course, "autograde", assignment, "--force")
        course.log[f"generate_feedback {assignment}"] = nbgrader(
            course, "generate_feedback", assignment, "--force"
        )
    return course


def _grades(course: Path, assignment: str, notebook: str, student: str) -> dict[str, tuple]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(notebook, assignment, student)
        return {g.name: (g.auto_score, g.max_score) for g in nb.grades}


def _notebooks():
    return [
        (a, p.stem)
        for a in assignments(ROOT)
        for p in sorted((ROOT / "solutions" / a).glob("*.ipynb"))
    ]


@pytest.mark.parametrize(("assignment", "notebook"), _notebooks())
def test_solution_gets_full_marks(graded, assignment, notebook):
    grades = _grades(graded, assignment, notebook, "solution")
    assert grades, "no autograded cells were recorded"
    short = {name: g for name, g in grades.items() if g[0] != g[1]}
    assert not short, f"the solution lost points: {short}"


@pytest.mark.parametrize(("assignment", "notebook"), _notebooks())
def test_untouched_release_gets_zero(graded, assignment, notebook):
    grades = _grades(graded, assignment, notebook, "blank")
    assert all(score == 0 for score, _ in grades.values()), grades


@pytest.mark.parametrize(("assignment", "notebook"), _notebooks())
def test_wrong_submission_loses_points_on_every_exercise(graded, assignment, notebook):
    grades = _grades(graded, assignment, notebook, "wrong")
    for ex in exercises(read(ROOT / "solutions" / assignment / f"{notebook}.ipynb")):
        got = sum(grades[t][0] for t in ex.test_ids)
        assert got < ex.points, f"{ex.answer_id}: the wrong answer kept {got}/{ex.points}"


@pytest.mark.parametrize(("assignment", "notebook"), _notebooks())
def test_feedback_shows_no_hidden_test(graded, assignment, notebook):
    secret = hidden_lines(ROOT / "solutions" / assignment / f"{notebook}.ipynb")
    assert secret
    # Control: the autograded notebook's tracebacks do quote hidden lines, so the check can fail.
    autograded = read(graded / "autograded" / "blank" / assignment / f"{notebook}.ipynb")
    tracebacks = " ".join(
        visible_text(re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(o.traceback)))
        for c in autograded.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    )
    assert any(line in tracebacks for line in secret), (
        "control failed: no hidden line in tracebacks"
    )
    for student in STUDENTS:
        page = graded / "feedback" / student / assignment / f"{notebook}.html"
        text = visible_text(page.read_text(encoding="utf-8"))
        assert "public tests passed" in text or student != "solution"
        assert "check(" in text, "control: public test code should be visible in feedback"
        leaked = [line for line in secret if line in text]
        assert not leaked, f"feedback for {student} shows hidden test lines: {leaked[:3]}"


@pytest.mark.parametrize("assignment", assignments(ROOT))
def test_grading_log_has_no_false_alarms_and_names_the_edited_cell(graded, assignment):
    autograde = graded.log[f"autograde {assignment}"]
    feedback = graded.log[f"generate_feedback {assignment}"]
    for noise in ("SAWarning", "display_data_priority", "TCP without encryption"):
        assert noise not in autograde + feedback, f"nbgrader still logs {noise!r}"
    changed = re.findall(r"Attribute 'checksum' for cell (\S+) has changed", autograde)
    edited = sorted(
        edited_test_cell(read(nb)).metadata.nbgrader["grade_id"]
        for nb in (graded / "exercises" / assignment).glob("*.ipynb")
    )
    # Only the wrong student's edited cells: untouched hidden-test cells are not reported.
    assert sorted(changed) == edited, autograde


@pytest.mark.parametrize(("assignment", "notebook"), _notebooks())
def test_feedback_summary_names_each_exercise(graded, assignment, notebook):
    page = (graded / "feedback" / "blank" / assignment / f"{notebook}.html").read_text()
    assert ">Test cell<" not in page
    for ex in exercises(read(ROOT / "solutions" / assignment / f"{notebook}.ipynb")):
        assert f">{ex.answer_id}: public tests</a>" in page, ex.answer_id
