"""Learners' JupyterLab: a server extension and a save hook (both set up by postBuild).

Lecture notebooks (under ``notebooks/``) are saved without outputs
(:func:`strip_lecture_outputs`, the server's ``ContentsManager.pre_save_hook``): running a
lecture leaves the file as committed, so the repository stays clean; run the cells again after
reopening. Exercises keep their outputs on disk (git stores them without, see
``course.learner.gitfilter``).

nbgrader's Validate button sits in every notebook's toolbar, lectures included, and nbgrader's
lab extension offers no setting to show it only on assignments. On a notebook without graded
cells, nbgrader runs the whole notebook and then says "Success! Your notebook passes all the
tests.", which is not true of a lecture. With this extension, Validate answers at once that there
is nothing to validate there and where the graded notebooks are.
"""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat

__all__ = ["NOTHING_TO_VALIDATE", "LECTURES", "has_graded_cells", "strip_lecture_outputs"]

#: The folder of lecture notebooks, relative to the server's root.
LECTURES = "notebooks/"


def strip_lecture_outputs(model: dict, path: str, contents_manager=None, **kwargs) -> None:
    """``pre_save_hook``: save a lecture notebook without outputs, counts or run metadata."""
    from course.learner.gitfilter import clean_notebook

    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if not path.lstrip("/").startswith(LECTURES):
        return
    clean_notebook(model["content"])


NOTHING_TO_VALIDATE = (
    "{name} is a lecture notebook: it has no graded cells,\n"
    "so there is nothing to validate.\n"
    "Validate checks the assignments in exercises/,\n"
    "for example exercises/00-orientation/warmup.ipynb."
)


def has_graded_cells(path: Path) -> bool:
    """True when the notebook at ``path`` has an nbgrader graded or task cell."""
    nb = nbformat.read(path, as_version=4)
    return any(
        cell.metadata.get("nbgrader", {}).get("grade")
        or cell.metadata.get("nbgrader", {}).get("task")
        for cell in nb.cells
    )


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course.lab"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from nbgrader.server_extensions.validate_assignment.handlers import (
        ValidateAssignmentHandler,
    )

    original = ValidateAssignmentHandler.validate_notebook
    if getattr(original, "_course_lab", False):
        return

    @functools.wraps(original)
    def validate_notebook(self, path):
        root = Path(self.root_dir).resolve()
        target = (root / path).resolve()
        if target.is_relative_to(root) and target.suffix == ".ipynb" and target.is_file():
            try:
                graded = has_graded_cells(target)
            except Exception:  # noqa: BLE001 - nbgrader reports unreadable notebooks itself
                graded = True
            if not graded:
                return {"success": False, "value": NOTHING_TO_VALIDATE.format(name=target.name)}
        return original(self, path)

    validate_notebook._course_lab = True
    ValidateAssignmentHandler.validate_notebook = validate_notebook
    serverapp.log.info("course.lab: Validate explains itself on lecture notebooks")
