"""course.grading.timing.cpu_seconds outside the judge: fresh inputs per call (``calls=``)."""

from __future__ import annotations

import pytest

from course.grading.timing import cpu_seconds


def _burn(seconds: float) -> None:
    import time

    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_calls_use_each_input_once_in_order_until_min_total():
    seen = []
    cpu_seconds(seen.append, calls=[(i,) for i in range(5)], min_total=0.0)
    assert seen == [0]  # min_total reached after the first call
    seen.clear()
    cpu_seconds(seen.append, calls=[(i,) for i in range(5)], min_total=10.0)
    assert seen == [0, 1, 2, 3, 4]  # the inputs ran out: none is used twice
    seen.clear()
    cpu_seconds(seen.append, calls=[(i,) for i in range(5)], min_total=10.0, max_calls=3)
    assert seen == [0, 1, 2]


def test_calls_pass_keyword_arguments_to_every_call():
    got = []
    cpu_seconds(
        lambda a, b, *, k: got.append((a, b, k)), calls=[(1, 2), (3, 4)], k="x", min_total=10.0
    )
    assert got == [(1, 2, "x"), (3, 4, "x")]


@pytest.mark.parametrize(
    ("args", "calls"),
    [((1,), [(1,)]), ((), []), ((), [[1]]), ((), [(1,), "ab"])],
)
def test_calls_must_be_argument_tuples(args, calls):
    with pytest.raises(TypeError):
        cpu_seconds(print, *args, calls=calls)


def test_fresh_inputs_leave_a_memoising_function_nothing_to_remember():
    # Works 20 ms on an input it has not seen, nothing on one it has: the cheat of a cache keyed
    # on the table. One input repeated makes it look free; fresh inputs time the real work.
    seen = set()

    def remembers(key):
        if key not in seen:
            seen.add(key)
            _burn(0.02)

    remembers("warm")
    repeated = cpu_seconds(remembers, "warm", min_total=0.05, max_calls=50)
    fresh = cpu_seconds(remembers, calls=[(i,) for i in range(4)], min_total=0.05)
    assert repeated < 0.005
    assert fresh >= 0.015
