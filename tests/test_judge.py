"""The trusted judge: learner code runs in a worker process, the verdict is reached here.

The RPC tests talk to a real worker. The adversarial tests grade the warm-up assignment with
submissions written the way a determined student would write them; each must score exactly what
its honest parts deserve, and no hidden test line may reach the autograded notebook's outputs.
"""

from __future__ import annotations

import copy
import time
import warnings
from pathlib import Path

import nbformat
import pytest

from course.authoring.notebook_model import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    is_answer,
    read,
    region_lines,
)
from course.grading import judge
from course.grading.judge import HIDDEN_FAILED, Worker, grade_notebook
from course.grading.limits import Limits
from course.grading.rpc import ChannelClosed
from course.grading.sandbox import BwrapLauncher, sandbox_problem
from tests.conftest import ROOT
from tests.judging import FAST, FULL, WARMUP, _mini, run

# --------------------------------------------------------------------------- grading


def _strip(source: str) -> str:
    return "\n".join(
        line
        for line in source.splitlines()
        if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
    )


def submission(
    tmp_path: Path,
    answers: dict | None = None,
    extra: dict | None = None,
    edit=None,
    name: str = "sub.ipynb",
) -> Path:
    """The solution as a learner hands it in, with ``answers`` replaced (grade_id -> source),
    ``extra`` learner cells inserted after a grade_id, and ``edit(nb)`` applied last."""
    nb = copy.deepcopy(read(WARMUP))
    cells = []
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if is_answer(cell):
            cell.source = (answers or {}).get(gid, _strip(cell.source))
        cells.append(cell)
        for source in (extra or {}).get(gid, []):
            cells.append(nbformat.v4.new_code_cell(source))
    nb.cells = cells
    if edit:
        edit(nb)
    path = tmp_path / name
    with warnings.catch_warnings():  # duplicated cells (ids) are part of some attacks
        warnings.simplefilter("ignore")
        nbformat.write(nb, str(path))
    return path


def grade(tmp_path: Path, sub: Path, **kwargs):
    return grade_notebook(WARMUP, sub, tmp_path / "work", limits=FAST, **kwargs)


HIDDEN = region_lines(read(WARMUP), HIDDEN_BEGIN, HIDDEN_END, min_length=16)


def outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")))
            parts.append(str(out.get("evalue", "")))
            parts.extend(str(t) for t in out.get("traceback", []))
            parts.append(str(out.get("data", "")))
    return "\n".join(parts)


def assert_no_hidden_line(nb) -> None:
    text = " ".join(outputs_text(nb).split())
    leaked = [line for line in HIDDEN if line in text]
    assert not leaked, f"hidden test lines reached the outputs: {leaked[:3]}"


WRONG_MEAN = "def mean_of_valid(values):\n    return 0.0\n"  # loses mean-of-valid's 2 points


@pytest.mark.slow
def test_the_solution_gets_full_marks_and_a_blank_gets_zero(tmp_path):
    result = grade(tmp_path, submission(tmp_path))
    assert (result.score, result.max_score) == (FULL, FULL), result.cells
    assert result.problems == []
    blank = grade(
        tmp_path,
        submission(
            tmp_path,
            {
                gid: "raise NotImplementedError()"
                for gid in ("mean-of-valid", "count-by-host", "bucket-start", "rolling-mean")
            },
        ),
    )
    assert blank.score == 0
    assert_no_hidden_line(result.notebook)
    assert_no_hidden_line(blank.notebook)


ATTACKS = {
    # name: (answers, extra cells after a grade_id, expected score)
    "input transformer blanks later cells": (
        {
            "rolling-mean": "def rolling_mean(values, window):\n    return []\n"
            "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n"
        },
        {},
        FULL - 3,
    ),
    "rebinds check and course.check": (
        {
            "mean-of-valid": WRONG_MEAN + "import course, course.learner.checking as _c\n"
            "check = check_raises = course.check = _c.check = "
            "lambda *a, **k: None\n"
        },
        {},
        FULL - 2,
    ),
    "monkeypatches course.learner.checking": (
        {"mean-of-valid": WRONG_MEAN},
        {
            "setup": [
                "import course.learner.checking as _c\n"
                "_c.first_difference = lambda *a, **k: None\n"
                "_c.CheckFailed = type('Nope', (Exception,), {})\n"
            ]
        },
        FULL - 2,
    ),
    "lying __eq__ result": (
        {
            "count-by-host": "class _Liar(dict):\n"
            "    def __eq__(self, other):\n        return True\n"
            "    __hash__ = None\n"
            "def count_by_host(records):\n    return _Liar()\n"
        },
        {},
        FULL - 2,
    ),
    "swallows exceptions with excepthook and settrace": (
        {"mean-of-valid": WRONG_MEAN},
        {
            "mean-of-valid": [
                "import sys\nsys.excepthook = lambda *a: None\n"
                "sys.settrace(lambda *a: None)\n"
                "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n"
            ]
        },
        FULL - 2,
    ),
    "redirects stderr and stdout": (
        {"mean-of-valid": WRONG_MEAN},
        {
            "setup": [
                "import io, os, sys\nsys.stderr = sys.stdout = io.StringIO()\n"
                "os.dup2(os.open(os.devnull, os.O_WRONLY), 2)\n"
            ]
        },
        FULL - 2,
    ),
    "prints the hidden tests (inspect, files) into its output": (
        {
            "mean-of-valid": "import inspect, json\n"
            f"_src = json.load(open({str(WARMUP)!r}))\n"
            "print([''.join(c['source']) for c in _src['cells']])\n"
            "def mean_of_valid(values):\n"
            "    for frame in inspect.stack():\n"
            "        print(frame.code_context)\n"
            "    valid = [v for v in values if v is not None]\n"
            "    return sum(valid) / len(valid) if valid else None\n"
        },
        {},
        FULL,
    ),
    "os._exit in a cell of its own": (
        {},
        {"count-by-host": ["import os\nos._exit(3)\n"]},
        FULL,
    ),
    "os._exit while a hidden test calls it": (
        {
            "mean-of-valid": "import os\ndef mean_of_valid(values):\n"
            "    if len(values) > 3:\n        os._exit(1)\n"
            "    valid = [v for v in values if v is not None]\n"
            "    return sum(valid) / len(valid) if valid else None\n"
        },
        {},
        FULL - 1,
    ),
    "infinite loop in an answer": (
        {"count-by-host": "def count_by_host(records):\n    while True:\n        pass\n"},
        {},
        FULL - 2,
    ),
    "answers the graded-names request with its own check (stub answers)": (
        {
            gid: "import course.grading.rpc as _rpc\n"
            "_encode = _rpc.Endpoint._encode\n"
            "def _forge(self, value):\n"
            "    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], dict):\n"
            "        value = (value[0], value[1], {**value[2], 'check': lambda *a, **k: None,\n"
            "                                      'check_raises': lambda *a, **k: None})\n"
            "    return _encode(self, value)\n"
            "_rpc.Endpoint._encode = _forge\n"
            f"def {gid.replace('-', '_')}(*args, **kwargs):\n    return None\n"
            for gid in ("mean-of-valid", "count-by-host", "bucket-start", "rolling-mean")
        },
        {},
        0.0,
    ),
    "raises with a message that quotes a hidden test": (
        {"mean-of-valid": f"def mean_of_valid(values):\n    raise ValueError({HIDDEN[0]!r})\n"},
        {},
        FULL - 2,
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_scores_only_what_its_honest_parts_deserve(tmp_path, name):
    answers, extra, expected = ATTACKS[name]
    started = time.monotonic()
    result = grade(tmp_path, submission(tmp_path, answers, extra))
    assert result.score == expected, [
        (c.grade_id, c.points, c.message) for c in result.cells if c.points < c.max_points
    ]
    assert_no_hidden_line(result.notebook)
    assert time.monotonic() - started < 120


@pytest.mark.slow
def test_no_output_of_a_learner_cell_after_a_hidden_test_reaches_the_feedback(tmp_path):
    """A learner function that records its arguments could print hidden inputs in a later cell."""
    answers = {
        "mean-of-valid": "_seen = []\n"
        "def mean_of_valid(values):\n"
        "    _seen.append(list(values))\n"
        "    valid = [v for v in values if v is not None]\n"
        "    return sum(valid) / len(valid) if valid else None\n"
    }
    extra = {
        "mean-of-valid-public": ["print('before hidden:', len(_seen))"],
        "rolling-mean-hidden": ["print('SEEN', _seen)", "raise ValueError(repr(_seen))"],
    }
    result = grade(tmp_path, submission(tmp_path, answers, extra))
    assert result.score == FULL, [(c.grade_id, c.message) for c in result.cells]
    text = outputs_text(result.notebook)
    assert "before hidden: 3" in text  # before any hidden test: kept as it is
    assert "SEEN" not in text and "ValueError" not in text
    assert text.count("ran after hidden tests had called your code") >= 2


@pytest.mark.slow
def test_edited_metadata_copied_and_deleted_test_cells_change_nothing(tmp_path):
    def tamper(nb):
        tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        first = tests[0]
        nb.cells.append(copy.deepcopy(first))  # a copied test cell (same grade_id)
        first.source = "pass"  # an emptied public test
        first.metadata.nbgrader["points"] = 100
        nb.cells.remove(tests[1])  # a deleted hidden test
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "pass",
                metadata={
                    "nbgrader": {
                        "grade": True,
                        "grade_id": "bonus",
                        "points": 50,
                        "solution": False,
                        "locked": True,
                    }
                },
            )
        )
        nb.cells.append(copy.deepcopy(nb.cells[3]))  # the mean-of-valid answer twice

    sub = submission(tmp_path, {"mean-of-valid": WRONG_MEAN}, edit=tamper)
    result = grade(tmp_path, sub)
    assert result.max_score == FULL
    assert result.score == FULL - 2
    assert {c.grade_id for c in result.cells} >= {"mean-of-valid-public", "mean-of-valid-hidden"}
    assert any("bonus" in p for p in result.problems)
    assert any("copy" in p or "twice" in p for p in result.problems)


@pytest.mark.slow
def test_a_file_that_is_not_a_notebook_scores_zero_without_stopping(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": "nope", "nbformat": 99}')
    result = grade(tmp_path, bad)
    assert result.score == 0 and result.max_score == FULL
    assert result.problems


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["case", "exercise"])
def test_hidden_feedback_says_only_what_the_mode_allows(tmp_path, mode):
    result = grade(
        tmp_path, submission(tmp_path, {"mean-of-valid": WRONG_MEAN}), hidden_feedback=mode
    )
    cell = next(
        c
        for c in result.notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "mean-of-valid-hidden"
    )
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    if mode == "exercise":
        assert error.evalue == HIDDEN_FAILED
    else:
        assert "mean_of_valid(" in error.evalue and "result" in error.evalue
    assert error.traceback == [f"{error.ename}: {error.evalue}"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", sorted((ROOT / "solutions").glob("*/*.ipynb")), ids=lambda p: p.name
)
def test_every_solution_notebook_gets_full_marks_through_the_judge(tmp_path, path):
    # The launcher `course grade` uses by default: the bubblewrap sandbox where it runs (the
    # learner sees only its working folder, as another user), else the unsandboxed fallback.
    # The mutant harness covers the unsandboxed launcher.
    from course.grading.sandbox import default_launcher

    result = grade_notebook(path, path, tmp_path / "work", launcher=default_launcher())
    assert result.score == result.max_score > 0, [
        (c.grade_id, c.message) for c in result.cells if c.points < c.max_points
    ]
    assert result.problems == []


# --------------------------------------------------------------------------- judge mode details


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("def total(xs):\n    return sum(xs)\n", {"total-by-hand": 2.0, "total-partial": 4.0}),
        # delegating to the library fails the by-hand test only
        (
            "import pyarrow as pa, pyarrow.compute as pc\n"
            "def total(xs):\n    return pc.sum(pa.array(xs, pa.int64())).as_py()\n",
            {"total-by-hand": 0.0, "total-partial": 4.0},
        ),
        # partial credit: the last expression of a test cell is the score
        (
            "def total(xs):\n    return 5 if len(xs) == 2 else sum(xs)\n",
            {"total-by-hand": 2.0, "total-partial": 2.0},
        ),
    ],
)
def test_by_hand_and_partial_credit_work_in_judge_mode(tmp_path, answer, expected):
    src, sub = _mini(tmp_path, answer)
    result = grade_notebook(src, sub, tmp_path / "work", limits=FAST)
    assert {c.grade_id: c.points for c in result.cells} == expected
    by_hand = result.notebook.cells[2]
    if expected["total-by-hand"]:
        assert by_hand.outputs[0].text == "by hand: passed\n"
    else:
        assert by_hand.outputs[-1].ename == "ByHandError"


@pytest.mark.skipif(sandbox_problem() is not None, reason="needs the bubblewrap sandbox")
def test_a_zygote_forks_fresh_workers_and_kills_what_a_notebook_left(tmp_path):
    from course.grading.zygote import Sandbox

    launcher = BwrapLauncher()
    work = tmp_path / "work"
    work.mkdir()
    with Sandbox(work, launcher, FAST) as sandbox:
        first = Worker(work, launcher, FAST, zygote=sandbox.zygote())
        run(first, "leftover = 1\nimport subprocess\nchild = subprocess.Popen(['sleep', '60'])\n")
        assert first.request("get", (["leftover"],), 30) == {"leftover": 1}
        first.stop()
        second = Worker(work, launcher, FAST, zygote=sandbox.zygote())
        try:
            assert second.sandbox_pid != first.sandbox_pid
            # a fresh namespace, and the first notebook's process is gone
            assert second.request("get", (["leftover"],), 30) == {}
            run(
                second, "import os\nothers = [int(p) for p in os.listdir('/proc') if p.isdigit()]\n"
            )
            others = second.request("get", (["others"],), 30)["others"]
            assert len(others) == 3, others  # the sandbox's init, the zygote, this worker
            assert second.cpu_seconds() < 0.5  # the zygote's imports are not this worker's
            # the learner kills the zygote (its parent): the next worker gets a new sandbox
            try:  # the worker may die with its sandbox before it answers
                second.request("exec", ("import os, signal\nos.kill(os.getppid(), 9)\n",), 30)
            except ChannelClosed:
                pass
        except Exception:
            second.stop()
            raise
        time.sleep(0.5)
        second.stop()
        third = Worker(work, launcher, FAST, zygote=sandbox.zygote())
        try:
            assert sandbox.started == 2
            run(third, "x = 2")
        finally:
            third.stop()


@pytest.mark.timeout(90)
def test_the_notebook_watchdog_stops_the_learner_whatever_the_judge_is_waiting_for(
    tmp_path, monkeypatch
):
    """A judge wait that ignored its deadline (a blocked write, say) still ends at the limit."""
    forever = judge._JudgeEndpoint.request

    def deaf(self, op, args, timeout):  # as if the deadline were lost on the way
        return forever(self, op, args, 3600.0)

    monkeypatch.setattr(judge._JudgeEndpoint, "request", deaf)
    monkeypatch.setattr(judge, "WATCHDOG_GRACE", 1.0)
    src, sub = _mini(tmp_path, "import time\ntime.sleep(3600)\ndef total(xs):\n    return 0\n")
    limits = Limits(cell_seconds=3600, total_seconds=3, memory_bytes=2 << 30)
    started = time.monotonic()
    result = grade_notebook(src, sub, tmp_path / "work", limits=limits)
    assert time.monotonic() - started < 30
    assert result.score == 0
    assert any("time limit (3 s) was reached" in p for p in result.problems), result.problems
