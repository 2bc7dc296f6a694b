"""Run a notebook in a fresh kernel and score its test cells the way nbgrader does.

Scores come from ``nbgrader.utils.determine_grade``: a test cell with an error output **or any
stderr output** scores 0, a numeric last expression gives partial credit, otherwise full points.

Kernels talk to us over Unix domain sockets in a private folder made for each run (``ipc``
transport), not over TCP ports: jupyter_client chooses TCP ports by binding port 0 and releasing
it, and the kernel binds it later, so two processes starting kernels at once (pytest-xdist
workers, parallel mutant grading) can be handed the same port. Socket files in a folder of
their own cannot collide. Start-up may take long on a loaded machine (:data:`STARTUP_TIMEOUT`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbgrader.utils import determine_grade
from traitlets.config import Config

from course.grading.cells import is_test, nbgrader_meta

__all__ = ["execute", "score_cells", "run_and_score", "CELL_TIMEOUT", "STARTUP_TIMEOUT"]

#: Seconds a cell may run, the same as nbgrader's Execute.timeout in nbgrader_config.py.
CELL_TIMEOUT = 120
#: Seconds a kernel may take to start and answer (nbclient's default, 60, is too short for a
#: 2-core machine busy with two test workers and their kernels).
STARTUP_TIMEOUT = 300


def kernel_config(sockets: Path) -> Config:
    """Kernel-manager settings: ipc transport with its socket files under ``sockets``."""
    config = Config()
    if os.name != "nt":  # Windows has no ipc transport; TCP it is
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(sockets / "kernel")
    return config


def execute(nb: NotebookNode, cwd: Path, timeout: int = CELL_TIMEOUT) -> NotebookNode:
    """Execute ``nb`` in place in a fresh kernel started in ``cwd``, keeping errors as outputs."""
    # A short path: a Unix socket's path is limited to about 107 bytes.
    with tempfile.TemporaryDirectory(prefix="course-k-") as sockets:
        client = NotebookClient(
            nb,
            timeout=timeout,
            startup_timeout=STARTUP_TIMEOUT,
            kernel_name="python3",
            allow_errors=True,
            # The kernel's own log is not cell output; keep it off the terminal so real
            # messages stand out.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            resources={"metadata": {"path": str(cwd)}},
            config=kernel_config(Path(sockets)),
        )
        try:
            client.execute(cwd=str(cwd))
        finally:
            # nbclient registers an exit hook before starting the kernel and forgets it when the
            # start fails; run at exit, it fails on an assertion and hides the real error.
            atexit.unregister(client._cleanup_kernel)
            if client.km is not None and client.owns_km:
                client._cleanup_kernel()
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
