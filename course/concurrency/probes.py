"""Observations that must be made next to the learner's code, returned as plain data.

The graded tests of assignment 4b call these through
:func:`course.grading.inside.in_learner`: under the judge they run in the learner's process
(a coroutine cannot cross processes, and only that process can count the threads the learner's
code left running); in one kernel they are plain calls. Each takes plain data and the learner's
function, and returns a plain ``dict``; the test cell states the rules on it.

Trust: under the judge these run beside the submission, so a hostile submission could forge what
they report. To make that hard and visible, they bind what they use when this module is imported
(``_sleep``, ``_all_tasks``, ...: patching ``asyncio.sleep`` later changes nothing here), and the
worker calls them as they were before any learner cell ran and refuses to if a cell replaced them
or what they rely on (:mod:`course.grading.helpers`). The judge still checks what it can itself:
calls of its own callbacks (``work`` in the pipeline tests), and the threads of the learner's
process, counted by the OS (:class:`course.grading.observe.ThreadWatch`). Code is MIT licensed.
"""

from __future__ import annotations

from asyncio import Lock as _Lock
from asyncio import all_tasks as _all_tasks
from asyncio import current_task as _current_task
from asyncio import gather as _gather
from asyncio import get_running_loop as _get_running_loop
from asyncio import sleep as _sleep
from gc import collect as _collect
from threading import enumerate as _threads
from typing import Any
from weakref import WeakValueDictionary as _WeakValueDictionary
from weakref import ref as _ref

from course.concurrency.overlap import run_threads
from course.concurrency.seeded import run

__all__ = [
    "crawl_report",
    "instance_attributes",
    "run_counted",
    "spawn_report",
    "spawned_result",
    "withdraw_report",
]


def run_counted(func: Any, args: tuple | list, timeout: float = 10.0) -> dict[str, Any]:
    """Run ``func(*args)`` in a daemon thread (:func:`run_threads`) and count leftover threads.

    Returns ``run_threads``' report plus ``"threads_left"``: how many threads started during the
    call (by ``func``) are still running when it has returned or raised.
    """
    before = set(_threads())
    (report,) = run_threads([(func, tuple(args))], timeout=timeout)
    left = [t for t in _threads() if t not in before and t.is_alive()]
    report["threads_left"] = len(left)  # includes the runner itself if ``alive``
    return report


class _Fetcher:
    """A fake fetch: takes len(url) virtual seconds, records concurrency and cleanups."""

    def __init__(self, fail: Any = ()) -> None:
        self.running, self.most = 0, 0
        self.started: list[str] = []
        self.cleaned: list[str] = []
        self.fail = set(fail)

    async def __call__(self, url: str) -> str:
        self.started.append(url)
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            await _sleep(len(url))
            if url in self.fail:
                raise ValueError(f"cannot fetch {url}")
            return url.upper()
        finally:
            self.running -= 1
            self.cleaned.append(url)


def crawl_report(
    crawl: Any, urls: list, limit: int, fail: Any = (), seed: int = 0, timeout: float = 10.0
) -> dict[str, Any]:
    """Run ``crawl(urls, fetch, limit)`` on the seeded loop with a recording fake ``fetch``.

    ``fetch(url)`` sleeps ``len(url)`` virtual seconds and returns ``url.upper()``, or raises
    ``ValueError("cannot fetch <url>")`` for a url in ``fail``. Returns ``result`` (or None),
    ``error`` (the ValueError's message or None), ``started`` and ``cleaned`` (urls, in order;
    ``cleaned`` as it was when crawl ended), ``most`` (fetches in progress at once) and ``left``
    (tasks other than the main one still unfinished when crawl ended).
    """
    fetcher = _Fetcher(fail)

    async def observe() -> tuple:
        try:
            result, error = await crawl(list(urls), fetcher, limit), None
        except ValueError as exc:
            result, error = None, str(exc)
        cleaned = list(fetcher.cleaned)
        left = [t for t in _all_tasks() if t is not _current_task() and not t.done()]
        for task in left:
            task.cancel()
        return result, error, cleaned, len(left)

    result, error, cleaned, left = run(observe(), seed=seed, timeout=timeout)
    return {
        "result": result,
        "error": error,
        "started": list(fetcher.started),
        "cleaned": cleaned,
        "most": fetcher.most,
        "left": left,
    }


def withdraw_report(
    withdraw: Any, amounts: list, start: int, seed: int = 0, timeout: float = 10.0
) -> dict[str, Any]:
    """Run ``withdraw(account, lock, a, approve)`` for every ``a`` in ``amounts`` at once.

    The account starts at ``start``; ``approve(a)`` records ``(a, balance at that moment)`` and
    sleeps ``0.01 * a`` virtual seconds. Returns ``done`` (what each call returned, in order),
    ``final`` (the balance at the end) and ``seen`` (the approvals, in order).
    """
    account, seen = {"balance": start}, []

    async def bank() -> list:
        lock = _Lock()

        async def approve(amount: int) -> None:
            seen.append((amount, account["balance"]))
            await _sleep(0.01 * amount)

        return list(await _gather(*(withdraw(account, lock, a, approve) for a in amounts)))

    done = run(bank(), seed=seed, timeout=timeout)
    return {"done": done, "final": account["balance"], "seen": seen}


def spawned_result(spawn: Any, value: Any, seed: int = 0, timeout: float = 10.0) -> Any:
    """What awaiting ``spawn(asyncio.sleep(1, result=value))`` gives, on the seeded loop."""

    async def main() -> Any:
        return await spawn(_sleep(1, result=value))

    return run(main(), seed=seed, timeout=timeout)


def spawn_report(spawn: Any, n: int, seed: int = 0, timeout: float = 10.0) -> dict[str, Any]:
    """Spawn ``n`` background jobs that only their own task keeps alive; collect garbage.

    Each job awaits a future that only the job itself references, so a task nobody keeps is
    destroyed by ``_collect()`` before it can finish. Returns ``finished`` (the jobs that
    finished, sorted) and ``kept`` (how many of the finished tasks are still referenced).
    """

    async def main() -> tuple:
        futures: _WeakValueDictionary = _WeakValueDictionary()
        finished: list[int] = []

        async def job(i: int) -> None:
            fut = _get_running_loop().create_future()
            futures[i] = fut
            await fut
            finished.append(i)

        refs = [_ref(spawn(job(i))) for i in range(n)]
        for _ in range(3):
            await _sleep(0)
        _collect()
        for i in range(n):
            fut = futures.get(i)
            if fut is not None:
                fut.set_result(None)
        for _ in range(5):
            await _sleep(0)
        _collect()
        return sorted(finished), sum(r() is not None for r in refs)

    finished, kept = run(main(), seed=seed, timeout=timeout)
    return {"finished": finished, "kept": kept}


def instance_attributes(obj: Any) -> list[str]:
    """The names in ``vars(obj)`` (the attributes stored on the instance itself), sorted."""
    return sorted(str(name) for name in vars(obj))
