"""The one cell model of the package: what each nbgrader cell of a notebook is.

nbgrader marks cells in their metadata (``metadata.nbgrader``): ``solution`` (the learner writes
it), ``grade`` (it scores points), ``locked`` (the learner may not change it). Their combinations
are the kinds of :class:`CellKind`; the judge, the authoring tools and the nbgrader plugins all
read cells through :func:`kind`, so they never disagree about a cell. Code is MIT licensed.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

__all__ = [
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "SOLUTION_BEGIN",
    "SOLUTION_END",
    "CellKind",
    "is_answer",
    "is_learner_code",
    "is_test",
    "kind",
    "nbgrader_meta",
    "read",
    "region_lines",
    "source_text",
]

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"


class CellKind(enum.Enum):
    """What an nbgrader cell is (see :func:`kind`)."""

    ANSWER = "answer"  #: code the learner writes, scored by the test cells after it
    MANUAL = "manual"  #: an answer a person grades (code or markdown: solution and grade)
    TEST = "test"  #: an autograder test cell (grade, not solution)
    LOCKED = "locked"  #: locked code the learner runs but may not change (set-up cells)
    WRITTEN = "written"  #: a markdown answer (solution) that scores nothing by itself
    TEXT = "text"  #: any other markdown or raw cell
    PLAIN = "plain"  #: any other code cell (the learner's own)


def nbgrader_meta(cell: Any) -> dict:
    """The cell's nbgrader metadata as a dict (empty if it has none or it is malformed)."""
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    nb = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return dict(nb) if isinstance(nb, dict) else {}


def kind(cell: Any) -> CellKind:
    """The :class:`CellKind` of a cell (any dict: a submission's cells are untrusted)."""
    meta = nbgrader_meta(cell)
    code = isinstance(cell, dict) and cell.get("cell_type") == "code"
    solution, grade = bool(meta.get("solution")), bool(meta.get("grade"))
    if solution and grade:
        return CellKind.MANUAL
    if code and grade:
        return CellKind.TEST
    if solution:
        return CellKind.ANSWER if code else CellKind.WRITTEN
    if not code:
        return CellKind.TEXT
    return CellKind.LOCKED if meta.get("locked") else CellKind.PLAIN


def is_answer(cell: Any) -> bool:
    """An autograded answer: a code cell the learner fills in (solution, not graded itself)."""
    return kind(cell) is CellKind.ANSWER


def is_test(cell: Any) -> bool:
    """An autograder test cell: a graded code cell that is not a solution."""
    return kind(cell) is CellKind.TEST


def is_learner_code(cell: Any) -> bool:
    """A code cell whose source is the learner's: an answer, a manually graded code answer."""
    return isinstance(cell, dict) and cell.get("cell_type") == "code" and kind(cell) in (
        CellKind.ANSWER,
        CellKind.MANUAL,
    )


def source_text(cell: Any) -> str:
    """The cell's source as one string (a list of lines is joined; anything else is '')."""
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        source = "".join(str(s) for s in source)
    return source if isinstance(source, str) else ""


def read(path: Path) -> NotebookNode:
    """Read a notebook (nbformat 4)."""
    return nbformat.read(str(path), as_version=4)


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
