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
        assert oracle.once("lambda", lambda: lambda: 3)() == 3  # not plain data: kept per process
        with pytest.raises(ZeroDivisionError):  # a failing compute stores nothing
            oracle.once("fails", lambda: 1 / 0)
        assert oracle.once("fails", lambda: 7) == 7
    finally:
        oracle.scope.reset(token)
    assert sorted(p.suffix for p in tmp_path.iterdir() if p.suffix == ".value") == [".value"] * 2
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".pickle"]


def test_shared_values_are_data_and_arrow_tables_survive(tmp_path, monkeypatch):
    import pyarrow as pa

    monkeypatch.setenv(oracle.SHARED, str(tmp_path))
    table = pa.table({"x": [1, 2, None], "s": ["a", None, "c"]})
    token = oracle.scope.set("nb@1")
    try:
        oracle.once("t", lambda: [(3, table, {"k": (1.5, b"b")})])
        oracle.clear()
        got = oracle.once("t", lambda: pytest.fail("computed twice"))
    finally:
        oracle.scope.reset(token)
    assert got[0][0] == 3 and got[0][1].equals(table) and got[0][2] == {"k": (1.5, b"b")}


@pytest.mark.parametrize("mode", [0o777, 0o750, 0o701])
def test_a_folder_others_can_use_is_not_trusted(tmp_path, monkeypatch, mode):
    """Values are shared only through a folder of this user that nobody else may use."""
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    monkeypatch.setenv(oracle.SHARED, str(folder))
    calls = []
    token = oracle.scope.set("nb@1")
    try:
        oracle.once("k", lambda: calls.append(1) or 1)
        oracle.clear()
        oracle.once("k", lambda: calls.append(1) or 1)
    finally:
        oracle.scope.reset(token)
    assert len(calls) == 2 and list(folder.iterdir()) == []


def test_a_planted_value_or_link_is_never_loaded(tmp_path, monkeypatch):
    """A file that is a symlink, or writable by others, is recomputed, not read."""
    import hashlib
    import pickle

    monkeypatch.setenv(oracle.SHARED, str(tmp_path))
    name = hashlib.sha256(b"nb@1\0k").hexdigest()
    elsewhere = tmp_path.parent / "elsewhere.value"
    elsewhere.write_bytes(pickle.dumps({"planted": True}))
    (tmp_path / f"{name}.value").symlink_to(elsewhere)
    token = oracle.scope.set("nb@1")
    try:
        assert oracle.once("k", lambda: {"computed": True}) == {"computed": True}
        oracle.clear()
        (tmp_path / f"{name}.value").chmod(0o666)
        assert oracle.once("k", lambda: {"again": True}) == {"again": True}
    finally:
        oracle.scope.reset(token)
