"""Run a ``course`` helper next to the learner's code: :func:`in_learner`.

A test cell that must observe something only visible inside the learner's process (a coroutine
run on the course's seeded event loop, the threads the learner's code started) calls a helper of
the ``course`` package through ``in_learner(helper, *args)``. Under ``course grade`` (the judge)
the helper is imported and called **in the learner's worker process**, with the learner's objects
as themselves and the test's objects as handles that call back into the judge; it should take and
return plain data. Under plain nbgrader (one kernel) it is simply called.

Trust: the helper runs in the same process as the submission, so a hostile submission can forge
what it reports. The worker calls the helper as it was before any learner cell ran and refuses if
a cell replaced it or what it relies on (:mod:`course.grading.helpers`), which makes forging
deliberate and visible, not impossible. Prefer checks the judge makes itself (callbacks into test
objects that count calls, the explorer driven from the judge, the learner's threads counted by the
OS with :class:`course.grading.observe.ThreadWatch`) and keep helpers for what cannot be observed
from outside. :func:`call_each` batches many calls of one learner function into one round trip.
Code is MIT licensed.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["call_each", "in_learner"]


def in_learner(func: Any, *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)``, run in the learner's process under the judge (see above)."""
    judge = sys.modules.get("course.grading.judge")
    if judge is None or judge._current.get() is None:
        if not callable(func):
            raise TypeError(f"in_learner() takes a function, got {type(func).__name__}")
        return func(*args, **kwargs)
    return judge.in_learner(func, *args, **kwargs)


def call_each(func: Any, calls: Any) -> list:
    """``[func(*args) for args in calls]``; under the judge, in one round trip to the learner.

    For hidden tests that call one learner function many times: the calls run one after another
    in the learner's process, each as a separate call would (the first that raises ends the batch
    with its exception), but the channel is crossed once, not once per call. Outside the judge
    (a notebook, ``nbgrader autograde``) it is the list comprehension.
    """
    calls = [tuple(args) for args in calls]
    judge = sys.modules.get("course.grading.judge")
    if judge is None or judge._current.get() is None:
        return [func(*args) for args in calls]
    return judge.call_each(func, calls)
