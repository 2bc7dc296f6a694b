"""Every lecture and solution notebook runs top to bottom: no error, nothing on stderr."""

from __future__ import annotations

import time

import pytest

from course.authoring.lint import notebooks_in
from course.authoring.notebook_model import read
from course.grading.scoring import run_and_score
from tests.conftest import ROOT

NOTEBOOKS = notebooks_in(ROOT, ("notebooks", "solutions"))
#: Seconds one notebook may take on 2 cores (kernel start included).
LIMIT = {"00-orientation": 60}
DEFAULT_LIMIT = 120


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_notebook_runs_clean(path):
    start = time.perf_counter()
    executed, scores = run_and_score(read(path), path.parent)
    took = time.perf_counter() - start
    for index, cell in enumerate(executed.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert output.output_type != "error", (
                f"{path.name} cell {index + 1} raised {output.ename}: {output.evalue}"
            )
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"{path.name} cell {index + 1} wrote to stderr: {output.text[:500]}"
            )
    assert all(points == top for points, top in scores.values()), scores
    limit = LIMIT.get(path.parent.name, DEFAULT_LIMIT)
    assert took < limit, f"{path.name} took {took:.1f} s, over its {limit} s limit"


def test_every_module_has_notebooks():
    modules = {p.parent.name for p in NOTEBOOKS if p.parts[-3] == "notebooks"}
    assignments = {p.parent.name for p in NOTEBOOKS if p.parts[-3] == "solutions"}
    assert "00-orientation" in modules
    assert modules >= assignments, "every assignment needs lecture notebooks of the same name"


def test_kernels_talk_over_private_ipc_sockets(tmp_path):
    """No TCP ports: parallel kernel starts (xdist workers, mutants) cannot be handed the same
    port in the window between jupyter_client choosing it and the kernel binding it."""
    import json
    import os

    import nbformat

    from course.grading.scoring import STARTUP_TIMEOUT, execute

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import sys\nprint(open(sys.argv[sys.argv.index('-f') + 1]).read())"
            )
        ]
    )
    execute(nb, tmp_path)
    info = json.loads(nb.cells[0].outputs[0].text)
    if os.name != "nt":
        assert info["transport"] == "ipc"
        assert os.path.basename(os.path.dirname(info["ip"])).startswith("course-k-")
        assert not os.path.exists(os.path.dirname(info["ip"])), "socket folder left behind"
    assert STARTUP_TIMEOUT >= 180
