"""Read nbgrader notebooks as exercises: an answer cell and the test cells that follow it."""

from __future__ import annotations

from dataclasses import dataclass, field

from nbformat import NotebookNode

from course.grading.cells import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    SOLUTION_BEGIN,
    SOLUTION_END,
    is_answer,
    is_test,
    nbgrader_meta,
    read,
    region_lines,
)

__all__ = [
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "SOLUTION_BEGIN",
    "SOLUTION_END",
    "Exercise",
    "cell_label",
    "exercises",
    "is_answer",
    "is_test",
    "nbgrader_meta",
    "read",
    "region_lines",
]

# The cell model lives in course.grading.cells (grading never imports authoring).


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
