"""Read nbgrader notebooks as exercises: an answer cell and the test cells that follow it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

__all__ = [
    "HIDDEN_BEGIN",
    "SOLUTION_BEGIN",
    "Exercise",
    "cell_label",
    "exercises",
    "is_answer",
    "is_test",
    "nbgrader_meta",
    "read",
    "region_lines",
]

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"


def read(path: Path) -> NotebookNode:
    """Read a notebook (nbformat 4)."""
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell: NotebookNode) -> dict:
    """The cell's nbgrader metadata, or an empty dict."""
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def is_answer(cell: NotebookNode) -> bool:
    """An autograded answer: a code cell the learner fills in (solution, not graded itself)."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("solution")) and not meta.get("grade")


def is_test(cell: NotebookNode) -> bool:
    """An autograder test cell: a graded, locked code cell with points."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def cell_label(cell: NotebookNode, index: int) -> str:
    """How messages name a cell: its nbgrader grade_id when it has one, and its position."""
    grade_id = nbgrader_meta(cell).get("grade_id")
    return f"cell {index + 1} ({grade_id})" if grade_id else f"cell {index + 1}"


@dataclass
class Exercise:
    """One graded answer cell and the test cells after it (until the next answer cell)."""

    answer_id: str
    answer_index: int
    test_indices: list[int] = field(default_factory=list)
    test_ids: list[str] = field(default_factory=list)
    points: float = 0.0
    has_hidden: bool = False


def exercises(nb: NotebookNode) -> list[Exercise]:
    """The notebook's exercises in order. Test cells before the first answer belong to none."""
    found: list[Exercise] = []
    for index, cell in enumerate(nb.cells):
        if is_answer(cell):
            found.append(Exercise(nbgrader_meta(cell).get("grade_id", f"cell-{index}"), index))
        elif is_test(cell) and found:
            meta = nbgrader_meta(cell)
            ex = found[-1]
            ex.test_indices.append(index)
            ex.test_ids.append(meta.get("grade_id", f"cell-{index}"))
            ex.points += float(meta.get("points", 0))
            ex.has_hidden = ex.has_hidden or HIDDEN_BEGIN in cell.source
    return found


def region_lines(nb: NotebookNode, begin: str, end: str, min_length: int = 13) -> list[str]:
    """Lines (stripped, spaces folded) inside ``begin``/``end`` markers that say something:
    longer than ``min_length``, not comments, and not also written outside any region (a line
    the learner sees anyway is no secret)."""
    inside_lines: list[str] = []
    outside: set[str] = set()
    for cell in nb.cells:
        region = None
        for raw in cell.source.splitlines():
            line = re.sub(r"\s+", " ", raw.strip())
            if SOLUTION_BEGIN in raw or HIDDEN_BEGIN in raw:
                region = SOLUTION_BEGIN if SOLUTION_BEGIN in raw else HIDDEN_BEGIN
            elif SOLUTION_END in raw or HIDDEN_END in raw:
                region = None
            elif region is None:
                outside.add(line)
            elif region == begin and len(line) >= min_length and not line.startswith("#"):
                inside_lines.append(line)
    return [line for line in inside_lines if line not in outside]
