"""The class driver's bookkeeping (fast: nothing is graded here; the adversarial suite, the
exchange and PostgreSQL tests grade whole classes)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest

from course.grading.classroom import (
    GradedNotebook,
    find_submissions,
    main,
    summary_table,
    write_records,
)

ASSIGNMENT = "00-orientation"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    (tmp_path / "solutions" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), str(tmp_path / "solutions" / ASSIGNMENT / "a.ipynb"))
    nbformat.write(nbformat.v4.new_notebook(), str(tmp_path / "solutions" / ASSIGNMENT / "b.ipynb"))
    sub = tmp_path / "submitted"
    for student, files in {
        "ok": {"a.ipynb": None, "b.ipynb": None},
        "renamed": {"a.ipynb": None, "b (1).ipynb": None},
        "garbage": {"a.ipynb": b"\x00\x01 not json", "b.ipynb": b'{"cells": 3}'},
        "badjson": {"a.ipynb": b'{"cells": [', "b.ipynb": b"[]"},
    }.items():
        folder = sub / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for name, raw in files.items():
            if raw is None:
                nbformat.write(nbformat.v4.new_notebook(), str(folder / name))
            else:
                (folder / name).write_bytes(raw)
    (sub / "other-assignment-only" / "01-columnar").mkdir(parents=True)
    return tmp_path


def test_every_problem_is_named(course: Path):
    subs = {(s.student, s.notebook): s for s in find_submissions(course, ASSIGNMENT)}
    assert {s for s, _ in subs} == {"ok", "renamed", "garbage", "badjson"}
    assert subs[("ok", "a.ipynb")].problem == "" and subs[("ok", "b.ipynb")].problem == ""
    renamed = subs[("renamed", "b.ipynb")]
    assert renamed.path is None
    assert "found 'b (1).ipynb'" in renamed.problem and "rename it to 'b.ipynb'" in renamed.problem
    assert "not a notebook" in subs[("garbage", "a.ipynb")].problem
    assert "no list of cells" in subs[("garbage", "b.ipynb")].problem
    assert "invalid JSON at line 1" in subs[("badjson", "a.ipynb")].problem
    missing = find_submissions(course, ASSIGNMENT, students=["nobody"])
    assert all("does not exist" in s.problem for s in missing)


def test_unknown_assignment_is_a_clear_error(course: Path):
    with pytest.raises(FileNotFoundError, match="no source notebooks"):
        find_submissions(course, "99-nothing")
    assert main(["99-nothing", "--root", str(course), "--sandbox", "none", "-q"]) == 2


def test_grade_needs_the_assignment_in_the_gradebook_unless_told_not_to(course: Path, capsys):
    import shutil

    from tests.conftest import ROOT

    shutil.copy(ROOT / "nbgrader_config.py", course)
    args = [ASSIGNMENT, "--root", str(course), "--sandbox", "none", "-q", "--student", "ok"]
    assert main(args) == 2
    assert "nbgrader generate_assignment 00-orientation" in capsys.readouterr().err
    assert main([*args, "--no-gradebook"]) == 0
    out = capsys.readouterr().out
    assert "2 notebooks graded" in out and "NOT recorded in the gradebook" in out
    assert main([*args, "--jobs", "0"]) == 2
    assert "--jobs must be positive" in capsys.readouterr().err


def _graded(student: str, score: float, problems=()) -> GradedNotebook:
    cells = [
        {
            "grade_id": "x-hidden",
            "points": 0.0,
            "max_points": 1.0,
            "status": "timeout",
            "message": "TimeoutError: 15 s",
            "hidden": True,
        }
    ]
    return GradedNotebook(student, "a.ipynb", score, 10.0, 1.25, cells, list(problems), "")


def test_records_and_summary_survive_a_regrade_of_one_student(course: Path):
    write_records(course, ASSIGNMENT, [_graded("ok", 10), _graded("renamed", 0, ["a is missing"])])
    write_records(course, ASSIGNMENT, [_graded("ok", 7)])  # --student ok, again
    folder = course / "grading" / ASSIGNMENT
    rows = list(csv.DictReader((folder / "summary.csv").open()))
    assert [(r["student"], r["score"], r["problems"]) for r in rows] == [
        ("ok", "7", ""),
        ("renamed", "0", "a is missing"),
    ]
    record = json.loads((folder / "ok.json").read_text())
    assert record["score"] == 7
    assert record["notebooks"][0]["stopped"] == ["x-hidden: timeout (TimeoutError: 15 s)"]


def test_summary_table():
    table = summary_table([_graded("ok", 10), _graded("bad", 0, ["x" * 200])])
    lines = table.splitlines()
    assert lines[0].split() == ["student", "notebook", "score", "seconds", "problems"]
    assert "10/10" in lines[2] and "1.2" in lines[2]
    assert lines[3].endswith("...") and len(lines[3]) < 120


def test_each_students_record_is_written_as_soon_as_that_student_is_done(course: Path):
    """A class stopped half way (a stall, a crash of the driver) keeps the records it finished."""
    from course.grading.classroom import grade_class

    folder = course / "grading" / ASSIGNMENT
    done: list[str] = []
    seen_on_disk: list[set[str]] = []

    def record(sub, graded) -> None:
        seen_on_disk.append({p.stem for p in folder.glob("*.json")} if folder.exists() else set())
        if graded.notebook == "b.ipynb":
            done.append(graded.student)

    grade_class(course, ASSIGNMENT, jobs=1, launcher="none", progress=False, record=record)
    assert len(done) == 4
    # when each later student was recorded, every student finished before it was on disk
    for index, student in enumerate(done[:-1]):
        later = seen_on_disk[2 * (index + 1) :]
        assert all(student in names for names in later), (student, later)
