"""``course.grading.oracle.once``: computed once per grading process and source notebook."""

from __future__ import annotations

import pytest

from course.grading import oracle


@pytest.fixture(autouse=True)
def _fresh():
    oracle.clear()
    yield
    oracle.clear()


def test_outside_the_judge_every_call_computes():
    calls = []
    assert oracle.once("k", lambda: calls.append(1) or len(calls)) == 1
    assert oracle.once("k", lambda: calls.append(1) or len(calls)) == 2


def test_inside_a_scope_the_first_value_is_kept_per_notebook():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    token = oracle.scope.set("arrow.ipynb@1")
    try:
        assert [oracle.once("k", compute) for _ in range(3)] == [1, 1, 1]
        assert oracle.once("other", compute) == 2
    finally:
        oracle.scope.reset(token)
    token = oracle.scope.set("parquet.ipynb@1")  # another notebook: its own values
    try:
        assert oracle.once("k", compute) == 3
    finally:
        oracle.scope.reset(token)


def test_a_failing_compute_caches_nothing_and_bad_arguments_say_what_to_pass():
    token = oracle.scope.set("nb@1")
    try:
        with pytest.raises(ZeroDivisionError):
            oracle.once("k", lambda: 1 / 0)
        assert oracle.once("k", lambda: 5) == 5
    finally:
        oracle.scope.reset(token)
    with pytest.raises(TypeError, match="string key"):
        oracle.once("", lambda: 1)
    with pytest.raises(TypeError, match="function"):
        oracle.once("k", 3)


def test_the_judge_reuses_an_oracle_across_submissions(tmp_path):
    """Two gradings in one process: the second reuses the first one's value."""
    import nbformat

    from course.grading.judge import grade_to_dir

    source = nbformat.v4.new_notebook()
    source.cells = [
        nbformat.v4.new_code_cell(
            "from course.grading.oracle import once\n"
            "import itertools\n"
            "_n = once('calls', lambda: [0])\n"
            "_n[0] += 1\n"
            "print('computed', _n[0])\n",
            metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 1,
                                   "locked": True, "solution": False, "schema_version": 3}},
        )
    ]  # fmt: skip
    path = tmp_path / "nb.ipynb"
    nbformat.write(source, str(path))
    outputs = []
    for _ in range(2):
        result = grade_to_dir(path, path)
        outputs.append(result.notebook.cells[0].outputs[0]["text"])
    assert outputs == ["computed 1\n", "computed 2\n"]  # the same list: computed once


def test_the_grading_processes_of_one_run_share_their_values(tmp_path, monkeypatch):
    monkeypatch.setenv(oracle.SHARED, str(tmp_path))
    calls = []
    token = oracle.scope.set("nb@1")
    try:
        assert oracle.once("k", lambda: calls.append(1) or {"v": 1}) == {"v": 1}
        oracle.clear()  # as in another grading process: nothing in memory
        assert oracle.once("k", lambda: calls.append(1) or {"v": 2}) == {"v": 1}
        assert len(calls) == 1
        oracle.clear()
        assert oracle.once("lambda", lambda: lambda: 3)() == 3  # not picklable: kept per process
        with pytest.raises(ZeroDivisionError):  # a failing compute stores nothing
            oracle.once("fails", lambda: 1 / 0)
        assert oracle.once("fails", lambda: 7) == 7
    finally:
        oracle.scope.reset(token)
    assert sorted(p.suffix for p in tmp_path.iterdir() if p.suffix == ".pickle") == [".pickle"] * 2
