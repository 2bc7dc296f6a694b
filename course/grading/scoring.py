"""Run a notebook in a fresh kernel and score its test cells the way nbgrader does.

Scores come from ``nbgrader.utils.determine_grade``: a test cell with an error output **or any
stderr output** scores 0, a numeric last expression gives partial credit, otherwise full points.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbgrader.utils import determine_grade

from course.authoring.notebook_model import is_test, nbgrader_meta

__all__ = ["execute", "score_cells", "run_and_score", "CELL_TIMEOUT"]

#: Seconds a cell may run, the same as nbgrader's Execute.timeout in nbgrader_config.py.
CELL_TIMEOUT = 120


def execute(nb: NotebookNode, cwd: Path, timeout: int = CELL_TIMEOUT) -> NotebookNode:
    """Execute ``nb`` in place in a fresh kernel started in ``cwd``, keeping errors as outputs."""
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        # The kernel's own log (e.g. "running over TCP without encryption") is not cell output;
        # keep it off the terminal so real messages stand out.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute(cwd=str(cwd))
    return nb


def score_cells(nb: NotebookNode) -> dict[str, tuple[float, float]]:
    """``{grade_id: (points, max_points)}`` for every test cell, by nbgrader's rule."""
    scores = {}
    for index, cell in enumerate(nb.cells):
        if is_test(cell):
            points, max_points = determine_grade(cell)
            scores[nbgrader_meta(cell).get("grade_id", f"cell-{index}")] = (
                float(points or 0.0),
                float(max_points),
            )
    return scores


def run_and_score(
    nb: NotebookNode, folder: Path, timeout: int = CELL_TIMEOUT
) -> tuple[NotebookNode, dict[str, tuple[float, float]]]:
    """Copy ``folder`` (the notebook's assignment folder) to a scratch place, run ``nb`` there.

    The repository is never written to: files the notebook makes land in the scratch copy.
    """
    with tempfile.TemporaryDirectory(prefix="course-run-") as scratch:
        work = Path(scratch) / folder.name
        shutil.copytree(folder, work, ignore=shutil.ignore_patterns("*.ipynb", "mutants.py"))
        executed = execute(nbformat.from_dict(nb), work, timeout)
    return executed, score_cells(executed)
