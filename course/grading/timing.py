"""Speed checks that the learner's process cannot lie about: CPU time as the OS counts it.

Test cells that compare the learner's function with a baseline use::

    from course.grading.timing import cpu_seconds, resident

    _tables = [resident(t) for t in fresh_tables]     # sent to the learner's process first
    _yours = cpu_seconds(host_summary, calls=[(t,) for t in _tables])  # CPU seconds per call
    _loop = cpu_seconds(_row_loop, big_rows)          # the baseline, in the same run

Under ``course grade`` (the judge), a learner function runs in the worker process: its CPU time
is read from ``/proc`` (user + system time of every process of the worker) around the calls, so
a patched clock, ``timeit`` or ``time`` in the learner's process changes nothing; the baseline,
defined by the test, runs in the judge's test thread and is timed with that thread's CPU clock.
Both are read from the OS in the same run, so their ratio is what a test may assert on.
``resident(value)`` keeps a large argument in the worker, so the calls do not pay for sending
it. Under plain nbgrader (one kernel), both are timed with ``time.process_time()`` and
``resident`` returns its argument.

Time a learner's function on **fresh inputs** (``calls=``, one argument tuple per call, each used
once): repeating one input lets a function that remembers what it was given (a cache keyed on the
table) make every call after the first free. Give each call an input of the same size and shape
(a family of tables made resident before the clock starts), and time the baseline on the same
inputs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["cpu_seconds", "resident"]


def _judge() -> Any:
    return sys.modules.get("course.grading.judge")


def _worker_of(func: Any) -> Any:
    judge = _judge()
    if judge is None:
        return None
    worker = judge._current.get()
    from course.grading.rpc import RemoteObject

    if worker is not None and isinstance(func, RemoteObject) and func._endpoint is worker.endpoint:
        return worker
    return None


def cpu_seconds(
    func: Callable[..., Any],
    *args: Any,
    calls: Sequence[tuple] | None = None,
    min_total: float = 0.3,
    max_calls: int = 200,
    **kwargs: Any,
) -> float:
    """CPU seconds one call of ``func`` takes, read from the OS: the average over the calls made.

    Without ``calls``, the call ``func(*args, **kwargs)`` is repeated until at least
    ``min_total`` CPU seconds (or ``max_calls`` calls) have been used, so a coarse OS clock
    (10 ms ticks) still gives a usable average. With ``calls``, a sequence of argument tuples,
    the i-th call is ``func(*calls[i], **kwargs)``: each input is used once, in order, and the
    calls stop at ``min_total`` CPU seconds, at ``max_calls`` or when the inputs run out (so give
    enough of them for several clock ticks in all). The clock is read once before the first call
    and once after the last, so an input must be ready (resident) before: preparing it between
    the calls would be timed too.
    """
    if not callable(func):
        raise TypeError(f"cpu_seconds() takes a function to time, got {type(func).__name__}")
    if calls is None:
        inputs = None
    else:
        if args:
            raise TypeError("cpu_seconds() takes the arguments in args or in calls, not both")
        inputs = list(calls)
        if not inputs or not all(type(one) is tuple for one in inputs):
            raise TypeError("cpu_seconds(calls=...) takes a non-empty sequence of argument tuples")
        max_calls = min(max_calls, len(inputs))
    worker = _worker_of(func)
    if worker is not None:
        clock = worker.cpu_seconds
    elif _judge() is not None and _judge()._current.get() is not None:
        clock = time.thread_time  # the test's own baseline, in the judge's test thread
    else:
        clock = time.process_time
    made = 0
    start = clock()
    used = 0.0
    while made < max_calls and (made == 0 or used < min_total):
        func(*(args if inputs is None else inputs[made]), **kwargs)
        made += 1
        used = clock() - start
    return max(used, 1e-9) / made


def resident(value: Any) -> Any:
    """Under the judge, ``value`` kept in the learner's process (a handle); else ``value``."""
    judge = _judge()
    if judge is None:
        return value
    return judge.resident(value)
