"""``python -m course grade`` end to end in a scratch nbgrader course, then nbgrader's own
``generate_feedback`` and ``export`` on its results: the solution gets full marks, a blank
submission zero, a wrong one loses points, a broken file is reported without stopping the class,
and the feedback shows no hidden test line."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.authoring.notebook_model import exercises, read
from course.authoring.release import venv_env
from tests.conftest import ROOT
from tests.test_roundtrip import hidden_lines, nbgrader, submission, visible_text

ASSIGNMENT = "00-orientation"
STUDENTS = ("solution", "blank", "wrong")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("judge-course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, course / "solutions" / ASSIGNMENT)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    for student in STUDENTS:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for release in sorted((course / "exercises" / ASSIGNMENT).glob("*.ipynb")):
            source = ROOT / "solutions" / ASSIGNMENT / release.name
            nbformat.write(
                submission(release, source, student, ASSIGNMENT), str(folder / release.name)
            )
    broken = course / "submitted" / "broken" / ASSIGNMENT
    broken.mkdir(parents=True)
    (broken / "warmup.ipynb").write_text("{not json", encoding="utf-8")
    # Without a sandbox, learner code can kill the process grading it: the class goes on.
    killer = read(course / "submitted" / "solution" / ASSIGNMENT / "warmup.ipynb")
    killer.cells.insert(
        2, nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    )
    (course / "submitted" / "killer" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(killer, str(course / "submitted" / "killer" / ASSIGNMENT / "warmup.ipynb"))
    env = venv_env()
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        # --sandbox none: the killer must be able to kill its grading process (the sandboxed
        # case is the adversarial suite's); even then the rest of the class is graded.
        [
            sys.executable,
            "-m",
            "course",
            "--root",
            str(course),
            "grade",
            ASSIGNMENT,
            "-q",
            "--sandbox",
            "none",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    course.joinpath("grade-summary.txt").write_text(done.stdout)
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    nbgrader(course, "export")
    return course


def grades(course: Path, student: str) -> dict[str, tuple]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook("warmup", ASSIGNMENT, student)
        return {g.name: (g.auto_score, g.max_score) for g in nb.grades}


@pytest.mark.slow
def test_scores_are_recorded_in_the_gradebook(course):
    solution = grades(course, "solution")
    assert solution and all(score == top for score, top in solution.values()), solution
    assert all(score == 0 for score, _ in grades(course, "blank").values())
    wrong = grades(course, "wrong")
    for ex in exercises(read(ROOT / "solutions" / ASSIGNMENT / "warmup.ipynb")):
        assert sum(wrong[t][0] for t in ex.test_ids) < ex.points, ex.answer_id
    assert all(score == 0 for score, _ in grades(course, "broken").values())
    summary = (course / "grade-summary.txt").read_text()
    assert "broken" in summary and "is not a notebook" in summary
    assert "killer" in summary and "was killed" in summary
    rows = list(csv.DictReader((course / "grading" / ASSIGNMENT / "summary.csv").open()))
    assert {r["student"] for r in rows} == {*STUDENTS, "broken", "killer"}
    assert (course / "grading" / ASSIGNMENT / "killer.json").is_file()


@pytest.mark.slow
def test_feedback_and_export_work_and_show_no_hidden_test(course):
    secret = hidden_lines(ROOT / "solutions" / ASSIGNMENT / "warmup.ipynb")
    for student in STUDENTS:
        page = course / "feedback" / student / ASSIGNMENT / "warmup.html"
        text = visible_text(page.read_text(encoding="utf-8"))
        assert "check(" in text  # public tests are shown
        leaked = [line for line in secret if line in text]
        assert not leaked, f"feedback for {student} shows hidden lines: {leaked[:3]}"
    with open(course / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert float(rows["solution"]["score"]) == float(rows["solution"]["max_score"]) > 0
    assert float(rows["blank"]["score"]) == 0


@pytest.mark.slow
def test_the_grading_benchmark_grades_what_it_claims(tmp_path):
    """``bench grading`` on a tiny class: identical scores to nbgrader, wrong ones lose points."""
    done = subprocess.run(
        [sys.executable, "-m", "course", "bench", "grading", "--assignment", ASSIGNMENT,
         "--copies", "2", "--jobs", "2", "--keep", str(tmp_path / "bench")],
        capture_output=True, text=True, env=venv_env(), timeout=900, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "identical scores" in done.stdout and "per core" in done.stdout, done.stdout
