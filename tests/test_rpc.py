"""The channel itself (``course.grading.rpc``): a real Endpoint pair over pipes, in one process.

One end plays the judge, the other the learner's worker: both serve calls on the objects they
handed out, like ``judge._judge_handler`` and the worker's handler. What is checked is what one
process would do: thread affinity (an ``RLock``, a ``Condition``, ``threading.local`` and
``get_ident`` of one end keep their meaning across the other end's calls, callbacks included),
deadlines on every write and read, and the budget of unasked messages.
"""

from __future__ import annotations

import contextlib
import copy
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import nbformat
import pytest

from course.grading import rpc
from course.grading.codec import encode
from course.grading.judge import Worker, grade_notebook
from course.grading.limits import Limits
from course.grading.rpc import AsHandle, CallTimeout, ChannelClosed, Endpoint, exit_with
from tests.conftest import ROOT

CONCURRENCY = ROOT / "solutions" / "04-concurrency" / "tasks.ipynb"


def serve(endpoint: Endpoint, op: str, args: tuple) -> Any:
    """Both ends' handler: calls, attributes and ``with`` on objects, and a few factories."""
    if op == "call":
        target, attr, call_args, kwargs = args
        func = target if attr is None else getattr(target, attr)
        return func(*call_args, **kwargs)
    if op == "getattr":
        return getattr(*args)
    if op == "setattr":
        setattr(*args)
        return None
    if op == "exit":
        return exit_with(*args)
    if op == "make":
        return AsHandle(FACTORIES[args[0]]())
    raise ValueError(op)


class Guard:
    """What ``with mutex.lock() as guard`` gives (module 4's exercise, with an RLock)."""

    def __init__(self, mutex: RMutex) -> None:
        self._mutex: RMutex | None = mutex

    @property
    def value(self) -> Any:
        if self._mutex is None:
            raise RuntimeError("the guard was used after its lock was released")
        return self._mutex._value

    @value.setter
    def value(self, new: Any) -> None:
        if self._mutex is None:
            raise RuntimeError("the guard was used after its lock was released")
        self._mutex._value = new


class RMutex:
    """A correct Mutex built on ``threading.RLock``: thread-affine by nature."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.RLock()

    def acquire(self, timeout: float = 5) -> bool:
        return self._lock.acquire(timeout=timeout)

    def release(self) -> None:
        self._lock.release()

    def lock(self) -> Any:
        @contextlib.contextmanager
        def holding() -> Iterator[Guard]:
            with self._lock:
                guard = Guard(self)
                try:
                    yield guard
                finally:
                    guard._mutex = None

        return holding()


class Probe:
    """Learner-side functions that report which thread runs them."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.rlock = threading.RLock()

    def ident(self) -> int:
        return threading.get_ident()

    def put(self, value: Any) -> None:
        self.local.value = value

    def get(self) -> Any:
        return getattr(self.local, "value", None)

    def outer(self, callback: Any) -> tuple:
        """Hold the RLock, call back the judge, which calls ``inner`` (nested)."""
        with self.rlock:
            return threading.get_ident(), callback()

    def inner(self) -> tuple:
        """Re-enters the RLock only on the thread that holds it (else False after 2 s)."""
        got = self.rlock.acquire(timeout=2)
        if got:
            self.rlock.release()
        return threading.get_ident(), got

    def lock_in_threads(self, lock: Any, n: int, rounds: int) -> list[str | None]:
        """``n`` threads of this end take and give back ``lock`` (of the other end) in two
        calls, ``rounds`` times; each thread's error, if any."""
        out: list[str | None] = [None] * n
        gate = threading.Barrier(n, timeout=20)

        def run(i: int) -> None:
            try:
                gate.wait()
                for _ in range(rounds):
                    lock.acquire()
                    lock.release()
            except Exception as exc:  # noqa: BLE001 - reported
                out[i] = f"{type(exc).__name__}: {exc}"

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        return out

    def from_threads(self, callback: Any, n: int, calls: int) -> list[list[Any]]:
        """``n`` threads of this end each call ``callback()`` ``calls`` times (all of them
        alive until all are done: a thread that ended could lend its ident to a new one)."""
        out: list[list[Any]] = [[] for _ in range(n)]
        done = threading.Barrier(n, timeout=20)

        def run(i: int) -> None:
            for _ in range(calls):
                out[i].append(callback())
            done.wait()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        return out


FACTORIES = {"mutex": RMutex, "probe": Probe, "condition": threading.Condition}


@pytest.fixture
def pair(monkeypatch) -> Iterator[tuple[Endpoint, Endpoint]]:
    """(judge, learner): a channel over two pipes. Idle server threads are kept 5 s here, so a
    slow machine cannot end one between two calls of a test (see test_idle_threads_end)."""
    monkeypatch.setattr(rpc, "_IDLE_SECONDS", 5.0)
    j_r, l_w = os.pipe()
    l_r, j_w = os.pipe()
    judge = Endpoint(j_r, j_w, serve, name="judge", subclasses_as_handles=True)
    learner = Endpoint(l_r, l_w, serve, name="learner")
    judge.default_timeout = learner.default_timeout = 20.0
    yield judge, learner
    judge.close()
    learner.close()


def make(judge: Endpoint, name: str) -> Any:
    return judge.request("make", (name,), 20)


def in_thread(func: Any, *args: Any) -> Any:
    """``func(*args)`` on a new thread of this end (a test's thread); its result or exception."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the call did not return within 30 s"
    if "error" in out:
        raise out["error"]
    return out["value"]


# --------------------------------------------------------------------------- thread affinity


def test_each_thread_is_served_by_one_thread_and_different_threads_by_different_ones(pair):
    judge, _ = pair
    probe = make(judge, "probe")
    first = probe.ident()
    other = in_thread(probe.ident)  # another test thread, while the first one's is idle
    assert other != first
    assert [probe.ident() for _ in range(20)] == [first] * 20
    third = in_thread(lambda: [probe.ident() for _ in range(5)])
    assert len(set(third)) == 1 and third[0] != first


def test_an_rlock_taken_in_one_call_is_released_in_the_next(pair):
    judge, _ = pair
    mutex = make(judge, "mutex")
    assert mutex.acquire() and mutex.acquire()  # re-entrant: the same thread took it twice
    in_thread(lambda: None)  # another thread's calls in between change nothing
    assert in_thread(mutex.acquire, 0.2) is False  # held by this test's thread: others wait
    mutex.release()
    mutex.release()
    assert in_thread(lambda: (mutex.acquire(), mutex.release())) == (True, None)
    with pytest.raises(RuntimeError, match="un-acquired"):  # as in one process
        mutex.release()


def test_an_rlock_mutex_is_correct_under_several_test_threads_at_once(pair):
    # Module 4's Mutex exercise built on an RLock: __enter__ and __exit__ of `with m.lock()` are
    # two calls, and four test threads make them at once.
    judge, _ = pair
    mutex = make(judge, "mutex")
    gate = threading.Barrier(4, timeout=20)
    errors: list[str] = []

    def bump() -> None:
        gate.wait()
        try:
            for _ in range(30):
                with mutex.lock() as guard:
                    guard.value = guard.value + 1
        except Exception as exc:  # noqa: BLE001 - collected
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with mutex.lock() as guard:
        assert guard.value == 120


def test_a_condition_waits_in_one_thread_and_is_notified_from_another(pair):
    judge, _ = pair
    condition = make(judge, "condition")
    condition.acquire()
    woke: dict[str, Any] = {}

    def notify_soon() -> None:
        with condition:  # blocks until wait() below releases the lock
            condition.notify()
        woke["notified"] = True

    helper = threading.Thread(target=notify_soon)
    helper.start()
    assert condition.wait(10) is True  # released the lock here, got it back when notified
    condition.release()  # the same thread that acquired it: allowed
    helper.join(10)
    assert woke == {"notified": True}


def test_thread_local_data_belongs_to_each_test_thread(pair):
    judge, _ = pair
    probe = make(judge, "probe")
    probe.put("main")
    assert in_thread(lambda: (probe.get(), probe.put("other"), probe.get())) == (
        None,
        None,
        "other",
    )
    assert probe.get() == "main"


def test_a_nested_call_runs_on_the_thread_that_waits_for_the_callback(pair):
    judge, _ = pair
    probe = make(judge, "probe")
    test_thread = threading.get_ident()
    seen: list[int] = []

    def callback() -> tuple:
        seen.append(threading.get_ident())
        return probe.inner()  # calls the learner again, from inside its call

    outer_ident, (inner_ident, reentered) = probe.outer(callback)
    assert seen == [test_thread]  # the callback ran on the test's thread, as in one process
    assert inner_ident == outer_ident and reentered  # the RLock outer holds is re-entered
    assert probe.ident() == outer_ident


def test_two_test_threads_with_nested_callbacks_at_once(pair):
    judge, _ = pair
    probes = [make(judge, "probe"), make(judge, "probe")]  # an RLock each: both may hold theirs
    both = threading.Barrier(2, timeout=20)
    results: dict[int, tuple] = {}

    def chain(i: int) -> None:
        me, probe = threading.get_ident(), probes[i]

        def callback() -> tuple:
            both.wait()  # both chains are inside the learner's outer() at once
            return threading.get_ident(), probe.inner()

        results[i] = (me, probe.outer(callback))

    threads = [threading.Thread(target=chain, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [0, 1]
    learner_threads = set()
    for me, (outer_ident, (callback_ident, (inner_ident, reentered))) in results.values():
        assert callback_ident == me
        assert inner_ident == outer_ident and reentered
        learner_threads.add(outer_ident)
    assert len(learner_threads) == 2


def test_the_learners_threads_get_affinity_on_the_judges_side(pair):
    judge, _ = pair
    probe = make(judge, "probe")

    def callback() -> int:
        return threading.get_ident()

    per_thread = probe.from_threads(callback, 3, 5)
    assert [len(set(calls)) for calls in per_thread] == [1, 1, 1]  # one judge thread each
    assert len({calls[0] for calls in per_thread}) == 3  # distinct ones
    assert threading.get_ident() not in {calls[0] for calls in per_thread}
    # a judge RLock that each learner thread acquires in one call and releases in the next
    lock = threading.RLock()
    assert probe.lock_in_threads(lock, 3, 10) == [None, None, None]
    assert lock.acquire(blocking=False)  # nobody holds it any more
    lock.release()


def test_idle_threads_end_and_a_thread_that_ended_frees_its_server(pair, monkeypatch):
    judge, learner = pair
    probe = make(judge, "probe")
    monkeypatch.setattr(rpc, "_IDLE_SECONDS", 0.25)
    first = in_thread(probe.ident)
    # the test thread ended: the learner's thread serving it goes at once, not after 5 s (the
    # unbind rides on the next message from here)
    deadline = time.monotonic() + 3
    while first in idents() and time.monotonic() < deadline:
        probe.ident()
        time.sleep(0.01)
    assert first not in idents()
    before = probe.ident()
    # idle for longer than _IDLE_SECONDS (0.25 s, not the fixture's 5 s): the server thread ends
    deadline = time.monotonic() + 3
    while before in idents() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert before not in idents()


def idents() -> set[int]:
    return {t.ident for t in threading.enumerate()}


# --------------------------------------------------------------------------- deadlines


def test_a_request_to_an_end_that_never_reads_fails_in_its_timeout_and_closes(tmp_path):
    never_read, j_w = os.pipe()  # nobody ever reads this pipe, and it stays open
    j_r, other_w = os.pipe()
    judge = Endpoint(j_r, j_w, serve, name="judge")
    try:
        started = time.monotonic()
        with pytest.raises(CallTimeout):
            in_thread(judge.request, "call", (b"x" * (2 << 20),), 1.0)
        assert time.monotonic() - started < 5
        assert judge.closed.is_set()
        assert "half-written" in judge.close_reason
        with pytest.raises(ChannelClosed):  # the channel cannot be used any more
            judge.request("ping", (), 1.0)
        judge._reader.join(3)  # the reader ends too, though the other end never closed
        assert not judge._reader.is_alive()
    finally:
        judge.close()
        for fd in (never_read, other_w):
            os.close(fd)


def test_a_reply_to_an_end_that_never_reads_gives_up_and_closes(monkeypatch):
    monkeypatch.setattr(rpc, "_REPLY_SECONDS", 0.5)
    r, w = os.pipe()  # the server reads requests from here
    never_read, server_w = os.pipe()
    big = b"y" * (2 << 20)
    server = Endpoint(r, server_w, lambda endpoint, op, args: big, name="server")
    server.default_timeout = 0.5
    try:
        data = encode(("q", 1, "big", (), 1))
        os.write(w, rpc._LEN.pack(len(data)) + data)
        assert server.closed.wait(10), "the reply's write never gave up"
        assert "half-written" in server.close_reason
    finally:
        server.close()
        for fd in (w, never_read):
            os.close(fd)


def test_close_ends_the_reader_even_if_the_other_end_stays(pair):
    judge, learner = pair
    judge.close()
    judge._reader.join(3)
    assert not judge._reader.is_alive()
    assert learner.closed.wait(3)  # it read EOF: the judge's write end was closed


# --------------------------------------------------------------------------- request budget


def test_past_its_budget_of_unasked_messages_the_channel_closes():
    j_r, l_w = os.pipe()
    l_r, j_w = os.pipe()
    judge = Endpoint(j_r, j_w, serve, name="judge", max_requests=50)
    learner = Endpoint(l_r, l_w, serve, name="learner")
    try:
        answered = 0
        with pytest.raises(ChannelClosed):
            for _ in range(200):
                with pytest.raises(ValueError, match="bogus"):
                    learner.request("bogus", (), 10)
                answered += 1
        assert answered == 50
        assert judge.flooded == 51 and judge.closed.is_set()
        assert "more than 50 requests" in judge.close_reason
    finally:
        judge.close()
        learner.close()


def test_replies_do_not_count_against_the_budget():
    j_r, l_w = os.pipe()
    l_r, j_w = os.pipe()
    judge = Endpoint(j_r, j_w, serve, name="judge", max_requests=5)
    learner = Endpoint(l_r, l_w, serve, name="learner")
    try:
        probe = judge.request("make", ("probe",), 10)
        assert len({probe.ident() for _ in range(100)}) == 1
        assert judge.requests <= 5 and not judge.closed.is_set()
    finally:
        judge.close()
        learner.close()


# --------------------------------------------------------------------------- through the judge


def _cell(source: str, **meta: Any) -> nbformat.NotebookNode:
    base = {"grade": False, "locked": False, "solution": False, "schema_version": 3, "task": False}
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {**base, **meta}})


@pytest.mark.slow
def test_a_flood_of_requests_fails_its_test_and_the_next_test_gets_a_fresh_process(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(Worker, "REQUEST_BUDGET", 300)
    source = nbformat.v4.new_notebook()
    source.cells = [
        _cell("from course.learner.checking import check", grade_id="setup", locked=True),
        _cell(
            "def total(xs):\n    ### BEGIN SOLUTION\n    return sum(xs)\n    ### END SOLUTION\n"
            "def flood():\n    ### BEGIN SOLUTION\n    return 0\n    ### END SOLUTION",
            grade_id="total",
            solution=True,
        ),
        _cell("flood()", grade_id="flood-test", grade=True, locked=True, points=1),
        _cell("check(total([1, 2, 3]), 6, 'total')", grade_id="total-test", grade=True, points=1),
    ]
    src = tmp_path / "mini.ipynb"
    nbformat.write(source, str(src))
    submission = copy.deepcopy(source)
    submission.cells[1].source = (
        "import gc\nfrom course.grading.rpc import Endpoint\n"
        "def total(xs):\n    return sum(xs)\n"
        "def flood():\n"  # bogus requests to the judge, as fast as they are answered
        "    ep = next(o for o in gc.get_objects() if isinstance(o, Endpoint))\n"
        "    n = 0\n"
        "    while True:\n"
        "        try:\n"
        "            ep.request('bogus', (), 5)\n"
        "        except PermissionError:\n"
        "            n += 1\n"
        "        except Exception:\n"
        "            return n\n"
    )
    sub = tmp_path / "sub.ipynb"
    nbformat.write(submission, str(sub))
    result = grade_notebook(src, sub, tmp_path / "work", limits=Limits(cell_seconds=30))
    flood, total = result.cells
    assert (flood.points, total.points) == (0.0, 1.0), result.cells
    assert flood.status == "crashed"
    assert "more than 300 requests" in flood.message, flood.message
    assert any("flood-test: your code sent the grader more than 300" in p for p in result.problems)


@pytest.mark.slow
def test_a_correct_rlock_mutex_gets_full_marks_through_the_judge(tmp_path):
    # Module 4's Mutex exercise with an RLock in place of the Lock: as correct, but thread-affine
    # (its tests enter and leave `with m.lock()` in separate calls, from several test threads).
    nb = nbformat.read(CONCURRENCY, as_version=4)
    (answer,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "mutex"]
    assert answer.source.count("threading.Lock()") == 1
    answer.source = answer.source.replace("threading.Lock()", "threading.RLock()")
    sub = tmp_path / "tasks.ipynb"
    nbformat.write(nb, str(sub))
    tests = {"mutex-public", "mutex-hidden"}
    result = grade_notebook(CONCURRENCY, sub, tmp_path / "work", tests=tests)
    assert {c.grade_id: (c.points, c.max_points) for c in result.cells} == {
        "mutex-public": (1.0, 1.0),
        "mutex-hidden": (2.0, 2.0),
    }, [(c.grade_id, c.message) for c in result.cells]
    assert result.problems == []
