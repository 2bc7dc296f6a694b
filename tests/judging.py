"""What the judge's tests share: the warm-up, fast limits, a worker fixture, a tiny notebook."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from course.grading.judge import Worker
from course.grading.limits import Limits
from course.grading.rpc import RemoteObject
from tests.conftest import ROOT

WARMUP = ROOT / "solutions" / "00-orientation" / "warmup.ipynb"
FAST = Limits(cell_seconds=8.0, total_seconds=180.0)
FULL = 10.0  # the warm-up's points


def run(worker: Worker, source: str) -> None:
    ok, out, error = worker.request("exec", (source,), 30)
    assert ok, error


def fn(worker: Worker, name: str) -> RemoteObject:
    return worker.request("get", ([name],), 30)[name]


def _cell(source: str, **meta) -> nbformat.NotebookNode:
    base = {"grade": False, "locked": False, "solution": False, "schema_version": 3, "task": False}
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {**base, **meta}})


def _mini(tmp_path: Path, answer: str) -> tuple[Path, Path]:
    source = nbformat.v4.new_notebook()
    source.cells = [
        _cell(
            "import pyarrow as pa\nimport pyarrow.compute as pc\nimport course\n"
            "from course.learner.checking import check",
            grade_id="setup",
            locked=True,
        ),
        _cell(
            "def total(xs):\n    ### BEGIN SOLUTION\n    return sum(xs)\n    ### END SOLUTION",
            grade_id="total",
            solution=True,
        ),
        _cell(
            "with course.by_hand('pyarrow'):\n    _got = total([1, 2, 3])\n"
            "check(_got, 6, 'total([1, 2, 3])')\nprint('by hand: passed')",
            grade_id="total-by-hand",
            grade=True,
            locked=True,
            points=2,
        ),
        _cell(
            "_right = sum(1 for _xs in ([1], [2, 2]) if total(_xs) == sum(_xs))\n_right * 2",
            grade_id="total-partial",
            grade=True,
            locked=True,
            points=4,
        ),
    ]
    src = tmp_path / "mini.ipynb"
    nbformat.write(source, str(src))
    sub = copy.deepcopy(source)
    sub.cells[1].source = answer
    path = tmp_path / "mini-sub.ipynb"
    nbformat.write(sub, str(path))
    return src, path
