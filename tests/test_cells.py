"""The one cell model: every nbgrader combination has one kind, for the judge and authors alike."""

from __future__ import annotations

import nbformat
import pytest

from course.authoring import notebook_model
from course.grading import cells, judge
from course.grading.cells import CellKind, kind


def _cell(cell_type: str, **meta) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    return make("x = 1", metadata={"nbgrader": meta} if meta else {})


@pytest.mark.parametrize(
    ("cell_type", "meta", "expected"),
    [
        ("code", {"solution": True}, CellKind.ANSWER),
        ("code", {"solution": True, "grade": True, "points": 2}, CellKind.MANUAL),
        ("markdown", {"solution": True, "grade": True, "points": 2}, CellKind.MANUAL),
        ("code", {"grade": True, "locked": True, "points": 1}, CellKind.TEST),
        ("code", {"locked": True}, CellKind.LOCKED),
        ("markdown", {"solution": True}, CellKind.WRITTEN),
        ("markdown", {}, CellKind.TEXT),
        ("code", {}, CellKind.PLAIN),
    ],
)
def test_each_combination_has_one_kind(cell_type, meta, expected):
    assert kind(_cell(cell_type, **meta)) is expected


def test_untrusted_cells_never_raise():
    for weird in ({}, {"cell_type": "code", "metadata": []}, {"metadata": {"nbgrader": 3}}, 7):
        assert kind(weird) in (CellKind.TEXT, CellKind.PLAIN)


def test_authoring_and_the_judge_read_cells_through_the_same_model():
    assert notebook_model.is_answer is cells.is_answer and notebook_model.is_test is cells.is_test
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("code", solution=True, grade_id="a"),
        _cell("code", solution=True, grade=True, points=2, grade_id="m"),
    ]
    nb.cells[1].source = "def explain():\n    return 'why'\n"
    # a manually graded code answer is the learner's code (the judge runs it and may call it)
    assert judge.graded_api(nb) == ["x", "explain"]
    assert [e.answer_id for e in notebook_model.exercises(nb)] == ["a"]  # autograded only
