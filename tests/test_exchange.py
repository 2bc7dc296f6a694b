"""The nbgrader exchange workflow end to end with a local exchange folder, then ``course grade``.

Instructor: ``generate_assignment``, ``release_assignment``; two students (``alice`` and
``bob``, each in a home folder of their own, submitting with ``--student``):
``fetch_assignment``, work, ``submit``; instructor: ``collect``, then the class is graded with
the sandboxed judge and recorded in the gradebook. Alice handed in the solution and gets full
marks, Bob handed in the release untouched and gets zero; the collected submissions are kept as
nbgrader left them; ``generate_feedback`` and ``export`` work and the feedback shows no hidden test.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.authoring.notebook_model import HIDDEN_BEGIN, HIDDEN_END, is_answer, read, region_lines
from course.authoring.release import venv_env
from course.grading.classroom import GradebookRecorder, grade_class
from course.grading.limits import Limits
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
ASSIGNMENT = "00-orientation"
NBGRADER = str(Path(sys.executable).with_name("nbgrader"))


def nbgrader(cwd: Path, exchange: Path, *args: str, user: str | None = None) -> str:
    env = venv_env()
    env["HOME"] = str(cwd)
    if user:
        env["USER"] = env["LOGNAME"] = user
    done = subprocess.run(
        [NBGRADER, *args, f"--Exchange.root={exchange}", "--CourseDirectory.course_id=rewrites"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_release_fetch_submit_collect_grade(tmp_path: Path):
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    course.mkdir()
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, course / "solutions" / ASSIGNMENT)
    nbgrader(course, exchange, "generate_assignment", ASSIGNMENT, "--force")
    nbgrader(course, exchange, "release_assignment", ASSIGNMENT, "--force")

    solution = read(ROOT / "solutions" / ASSIGNMENT / "warmup.ipynb")
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in solution.cells if is_answer(c)}
    for student in ("alice", "bob"):
        home = tmp_path / student
        home.mkdir()
        nbgrader(home, exchange, "fetch_assignment", ASSIGNMENT, user=student)
        fetched = home / ASSIGNMENT / "warmup.ipynb"
        assert fetched.is_file()
        if student == "alice":
            nb = read(fetched)
            for cell in nb.cells:
                if is_answer(cell):
                    cell.source = answers[cell.metadata.nbgrader["grade_id"]]
            nbformat.write(nb, str(fetched))
        # nbgrader names a submission after the OS user; one machine plays both students here
        nbgrader(home, exchange, "submit", ASSIGNMENT, f"--student={student}", user=student)

    nbgrader(course, exchange, "collect", ASSIGNMENT)
    for student in ("alice", "bob"):
        folder = course / "submitted" / student / ASSIGNMENT
        assert (folder / "warmup.ipynb").is_file() and (folder / "timestamp.txt").is_file()
    before = {p: p.read_bytes() for p in (course / "submitted").rglob("*") if p.is_file()}

    results = grade_class(
        course,
        ASSIGNMENT,
        jobs=2,
        launcher="auto",
        limits=Limits(cell_seconds=60),
        progress=False,
        record=GradebookRecorder(course, ASSIGNMENT),
    )
    scores = {g.student: (g.score, g.max_score) for g in results}
    assert scores == {"alice": (10.0, 10.0), "bob": (0.0, 10.0)}
    assert {p: p.read_bytes() for p in (course / "submitted").rglob("*") if p.is_file()} == before
    for student in ("alice", "bob"):
        assert (course / "autograded" / student / ASSIGNMENT / "warmup.ipynb").is_file()
        record = json.loads((course / "grading" / ASSIGNMENT / f"{student}.json").read_text())
        assert record["score"] == scores[student][0]
    assert (course / "grading" / ASSIGNMENT / "summary.csv").read_text().count("\n") == 3

    # nbgrader's own tools work on the result: the gradebook, feedback and export
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "rewrites") as gb:
        for student, (score, _) in scores.items():
            assert gb.find_submission(ASSIGNMENT, student).score == score
    nbgrader(course, exchange, "generate_feedback", ASSIGNMENT, "--force")
    nbgrader(course, exchange, "export")
    exported = (course / "grades.csv").read_text()
    assert "alice" in exported and "bob" in exported
    hidden = region_lines(solution, HIDDEN_BEGIN, HIDDEN_END, min_length=16)
    for student in ("alice", "bob"):
        page = (course / "feedback" / student / ASSIGNMENT / "warmup.html").read_text()
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        assert [line for line in hidden if line in text] == []
