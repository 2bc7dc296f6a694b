"""Fixes for what nbgrader 0.9.6 tells instructors and learners, installed by nbgrader_config.py.

- :class:`OverwriteCells`: nbgrader stores each locked cell's checksum from the source notebook,
  hidden tests included, so every untouched hidden-test cell of every submission is reported as
  "Attribute 'checksum' for cell ... has changed!" (nbgrader issue 1961), which reads like
  tampering. This version stays quiet when the submitted cell is exactly the released cell (the
  source with its hidden region removed) and still warns about any other change. Either way the
  cell is restored from the gradebook, as nbgrader does.
- :class:`ClearHiddenTests`: nbgrader's own, with the ``display_data_priority`` option declared
  configurable, so ``generate_feedback`` no longer warns "Config option `display_data_priority`
  not recognized by `ClearHiddenTests`".
- :func:`label_test_cells` and :data:`TEMPLATE_DIR`: the feedback page's summary lists each test
  cell by its exercise ("count-by-host: public tests") instead of nbgrader's "Test cell".
- :data:`SQLALCHEMY_NOISE`: the message of SQLAlchemy 2's ``SAWarning`` that nbgrader's gradebook
  triggers on every autograde ("Object of type <SubmittedAssignment> not in session ..."),
  filtered out by nbgrader_config.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests as _ClearHiddenTests
from nbgrader.preprocessors import OverwriteCells as _OverwriteCells
from nbgrader.utils import is_locked
from traitlets import List

__all__ = [
    "ClearHiddenTests",
    "OverwriteCells",
    "SQLALCHEMY_NOISE",
    "TEMPLATE_DIR",
    "TEMPLATE_FILE",
    "label_test_cells",
    "released_source",
]

#: Folder of the course's nbconvert templates: ``feedback/course_feedback.html.j2`` is searched
#: before nbgrader's ``feedback`` template folder and extends its ``index.html.j2``.
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_FILE = "course_feedback.html.j2"
#: Regular expression for the SQLAlchemy warning nbgrader's gradebook raises on every autograde.
SQLALCHEMY_NOISE = r"Object of type <\w+> not in session, add operation along"


class ClearHiddenTests(_ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests``, accepting the ``display_data_priority`` option."""

    display_data_priority = List(
        [
            "text/html",
            "application/pdf",
            "text/latex",
            "image/svg+xml",
            "image/png",
            "image/jpeg",
            "text/plain",
        ]
    ).tag(config=True)


def released_source(source: str) -> str:
    """A test cell's source as learners receive it: the hidden-test region removed."""
    cell = NotebookNode(cell_type="code", source=source, metadata={})
    _ClearHiddenTests(enforce_metadata=False)._remove_hidden_test_region(cell)
    return cell.source


class OverwriteCells(_OverwriteCells):
    """nbgrader's ``OverwriteCells`` without the false "checksum has changed" warning for cells
    that are exactly as released."""

    _as_released = False

    def preprocess_cell(self, cell, resources, cell_index):
        self._as_released = False
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and is_locked(cell):
            try:
                source = self.gradebook.find_source_cell(
                    grade_id, self.notebook_id, self.assignment_id
                )
            except MissingEntry:
                source = None
            if source is not None and source.locked:
                self._as_released = cell.source == released_source(source.source)
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and self._as_released:
            self.log.debug("Cell %s is as released; restoring its hidden tests", name)
            return
        super().report_change(name, attr, old, new)


_TOC_ENTRY = re.compile(r'(<a href="#([^"]+)">)Test cell(</a>)')


def _label(grade_id: str) -> str:
    for suffix, kind in (("-public", "public tests"), ("-hidden", "hidden tests")):
        if grade_id.endswith(suffix):
            return f"{grade_id.removesuffix(suffix)}: {kind}"
    return grade_id


def label_test_cells(html: str) -> str:
    """Replace nbgrader's "Test cell" links in the feedback summary with the cell's exercise."""
    return _TOC_ENTRY.sub(lambda m: f"{m.group(1)}{_label(m.group(2))}{m.group(3)}", html)
