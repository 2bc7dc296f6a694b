"""course.learner.checking: strict comparison of plain data, with messages a learner can act on."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.learner.checking import CheckFailed, check, check_raises, first_difference

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
