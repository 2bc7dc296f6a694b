"""course.learner.checking: strict comparison of plain data, with messages a learner can act on."""

from __future__ import annotations

import collections
import math
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.learner.checking import (
    CheckFailed,
    bounded_repr,
    check,
    check_raises,
    first_difference,
)

plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(plain)
def test_equal_plain_data_passes(value):
    check(value, value)


class AlwaysEqual:
    def __eq__(self, other):
        return True


def test_object_whose_eq_always_says_true_fails():
    with pytest.raises(CheckFailed, match="should be an int, but it is an AlwaysEqual"):
        check(AlwaysEqual(), 3, "f()")


def test_subclasses_with_lying_eq_are_read_through_their_base_type():
    class SneakyList(list):
        def __eq__(self, other):
            return True

    class SneakyInt(int):
        def __eq__(self, other):
            return True

    class SneakyStr(str):
        def __eq__(self, other):
            return True

    with pytest.raises(CheckFailed, match="has 1 items, expected 2"):
        check(SneakyList([9]), [1, 2])
    with pytest.raises(CheckFailed, match="is SneakyInt 9, expected int 3"):
        check(SneakyInt(9), 3)
    with pytest.raises(CheckFailed, match="expected str 'a'"):
        check(SneakyStr("b"), "a")


def test_correct_answers_in_other_containers_pass():
    from collections import Counter, OrderedDict, defaultdict

    import numpy as np

    check(Counter("aab"), {"a": 2, "b": 1})
    check(defaultdict(int, a=1), {"a": 1})
    check(OrderedDict(b=2, a=1), {"a": 1, "b": 2})
    check(np.float64(0.5), 0.5)
    with pytest.raises(CheckFailed, match="should be an int, but it is an int64: np.int64"):
        check(np.int64(3), 3)


@pytest.mark.parametrize(
    ("actual", "expected", "says"),
    [
        (3.0, 3, "should be an int, but it is a float"),
        (True, 1, "should be an int, but it is a bool"),
        (1, True, "should be a bool, but it is an int"),
        ([1, 2], [1, 3], "result[1] is int 2, expected int 3"),
        ([1], [1, 2], "has 1 items, expected 2"),
        ({"a": 1}, {"a": 1, "b": 2}, "missing the key(s) ['b']"),
        ({"a": 1, "c": 2}, {"a": 1}, "unexpected key(s) ['c']"),
        ({"a": [1, None]}, {"a": [1, 0]}, "result['a'][1] should be an int, but it is None"),
        (b"\x01", b"\x02", "bytes b'\\x01', expected bytes b'\\x02'"),
        (0.0, None, "result should be None, but it is a float: 0.0"),
        (None, 0.0, "result should be a float, but it is None"),
        ((1, 2), [1, 2], "should be a list, but it is a tuple"),
    ],
)
def test_messages_say_where_and_what(actual, expected, says):
    with pytest.raises(CheckFailed) as caught:
        check(actual, expected, "f(x)")
    assert says in str(caught.value)
    assert str(caught.value).startswith("result") and str(caught.value).endswith("; in f(x)")


def test_float_tolerance_and_nan():
    check(0.1 + 0.2, 0.3, rel_tol=1e-9)
    check(1e-12, 0.0, abs_tol=1e-9)
    check(math.nan, math.nan)
    with pytest.raises(CheckFailed):
        check(0.1 + 0.2, 0.3)
    assert first_difference(1.0, 1.1, rel_tol=0.01) is not None


def test_non_plain_expected_value_is_a_clear_error():
    with pytest.raises(TypeError, match="plain data"):
        check({1, 2}, {1, 2})


def test_check_raises():
    def boom(x):
        raise ValueError(x)

    check_raises(boom, (1,), ValueError, "boom(1)")
    with pytest.raises(CheckFailed, match="should raise ValueError, but returned int 1"):
        check_raises(lambda x: x, (1,), ValueError, "id(1)")
    with pytest.raises(CheckFailed, match="but raised KeyError"):
        check_raises(lambda x: {}[x], (1,), ValueError, "get(1)")


def test_long_values_are_cut():
    with pytest.raises(CheckFailed) as caught:
        check("x" * 1000, "y")
    assert len(str(caught.value)) < 400


def test_ipython_shows_the_learners_line_and_the_message_not_the_helpers(tmp_path, monkeypatch):
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))
    from IPython.core.interactiveshell import InteractiveShell

    from course.learner.checking import hide_helper_frames

    shell = InteractiveShell.instance(colors="nocolor")
    try:
        assert hide_helper_frames(shell)
        shown: list[str] = []
        monkeypatch.setattr(shell, "_showtraceback", lambda etype, value, stb: shown.append(
            shell.InteractiveTB.stb2text(stb)))  # fmt: skip
        cells = [
            "import course\ndef f():\n    return [1]\ncourse.check(f(), [2], 'f()')",
            "course.check_raises(lambda: 1, (), ValueError, 'g()')",
            "import pyarrow as pa\ndef h():\n    return pa.array([1])\n"
            "with course.by_hand('pyarrow'):\n    h()",
        ]
        for cell in cells:
            assert not shell.run_cell(cell).success
        checked, raised, by_hand = shown
        assert "course.check(f(), [2], 'f()')" in checked
        assert "CheckFailed: result[0] is int 1, expected int 2; in f()" in checked
        assert "g() should raise ValueError, but returned int 1" in raised
        assert "return pa.array([1])" in by_hand and "ByHandError: this exercise" in by_hand
        for text in shown:
            assert "checking.py" not in text and "byhand.py" not in text, text
    finally:
        shell.set_custom_exc((), None)
        InteractiveShell.clear_instance()


# ----- bounded formatting: what a failing check costs to describe does not grow with the value

any_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("'\"\\\n"))
    | st.binary()
    | st.binary().map(bytearray),
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(any_value, st.sampled_from([5, 20, 120]))
def test_bounded_repr_is_repr_cut_as_before(value, limit):
    """Ordinary values read exactly as before: repr, cut to the limit with '...'."""
    text = repr(value)
    assert bounded_repr(value, limit) == (text if len(text) <= limit else text[: limit - 3] + "...")


def test_bounded_repr_keeps_repr_for_cycles_subclasses_and_quotes():
    loop: list = [1]
    loop.append(loop)
    table: dict = {}
    table["me"] = table

    class Row(list):
        pass

    for value in (loop, table, Row([1, (2,)]), "it's", 'say "hi"', "both ' and \"", b"'\"",
                  bytearray(b"a'b"), collections.Counter("aab"), 10**50, -0.0):  # fmt: skip
        assert bounded_repr(value) == repr(value), value
    long = "x" * 500 + "'"  # its quotes are those of the whole string, not of its start
    assert bounded_repr(long) == repr(long)[:117] + "..."
    assert bounded_repr(10**100_000) == "<int of about 100000 digits>"


def _deep(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _dag(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value, value]  # 2**depth leaves when printed as a tree
    return value


HUGE = {
    "dag-depth-40": (lambda: _dag(40), "result should be a float, but it is a list: [[[[["),
    "string-50MB": (
        lambda: ["x" * 50_000_000],
        "result should be a float, but it is a list: ['xxxxx",
    ),
    "bytes-50MB": (
        lambda: b"\x00" * 50_000_000,
        "result should be a float, but it is a bytes: b'\\x00",
    ),
    "nested-90": (lambda: _deep(90), "result should be a float, but it is a list: [[[[[["),
    "int-1e6-digits": (
        lambda: 10**1_000_000,
        "result should be a float, but it is an int: <int of about 1000000 digits>",
    ),
}


@pytest.mark.parametrize("name", sorted(HUGE))
def test_a_failing_check_on_a_huge_value_fails_fast_with_a_short_message(name):
    make, says = HUGE[name]
    actual = make()
    started = time.perf_counter()
    with pytest.raises(CheckFailed) as failed:
        check(actual, 0.0, "f()")
    seconds = time.perf_counter() - started
    message = str(failed.value)
    assert message.startswith(says) and message.endswith("; in f()")
    assert len(message) < 200
    assert seconds < 0.5, seconds  # the DAG at depth 40 took days to print before


def test_mismatched_dicts_of_many_keys_are_compared_in_linear_time():
    actual = {f"k{i}": i for i in range(200_000)}
    expected = {f"j{i}": i for i in range(200_000)}
    started = time.perf_counter()
    with pytest.raises(CheckFailed, match=r"missing the key\(s\) \['j0', 'j1', 'j2', 'j3', 'j4'\]"):
        check(actual, expected)
    with pytest.raises(CheckFailed, match="unexpected key"):
        check({**expected, "extra": 1}, expected)
    assert time.perf_counter() - started < 2  # a list scan per key took about 10**10 steps
