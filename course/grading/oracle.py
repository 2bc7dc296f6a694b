"""Oracles computed once per grading process, not once per student: :func:`once`.

A hidden test's expected values rarely depend on the submission: DataFusion's answer to a query,
pyarrow's bytes for a page, a baseline's CPU time. Under ``course grade`` the judge grades many
submissions of one assignment in the same process, so a test cell can compute such a value once::

    from course.grading.oracle import once

    _expected = once("host-summary-answers", lambda: [answer(t) for t in _tables])

The first submission graded in a process computes it; later ones reuse it. Values are kept per
source notebook (a key means nothing across notebooks) and only inside the judge: under plain
nbgrader (one kernel per notebook) ``once`` just calls ``compute``.

Rules for authors (the judge cannot check them): ``compute`` must not depend on the submission
(never call learner code in it), and the test must not change a cached value (hand learner code
only plain data, which the judge copies on the way; never a cached object as a handle). A compute
that raises caches nothing. Code is MIT licensed.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["once", "clear"]

T = TypeVar("T")

#: Set by the judge in the thread running a test cell: which source notebook is being graded.
scope: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "course_oracle_scope", default=None
)
_cache: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def once(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, computed once per grading process and source notebook (see above)."""
    if not isinstance(key, str) or not key:
        raise TypeError(f"once() takes a non-empty string key, got {key!r}")
    if not callable(compute):
        raise TypeError(f"once() takes a function to compute the value, got {compute!r}")
    where = scope.get()
    if where is None:  # not under the judge: nothing outlives the notebook
        return compute()
    with _lock:
        if (where, key) in _cache:
            return _cache[(where, key)]
    value = compute()  # outside the lock: a test stopped mid-compute must not block the next one
    with _lock:
        return _cache.setdefault((where, key), value)


def clear() -> None:
    """Forget every cached value (tests use it)."""
    with _lock:
        _cache.clear()
