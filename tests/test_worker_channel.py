"""The channel between the judge and a real worker process: values, handles, threads, limits."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from course.grading import judge, rpc
from course.grading.judge import Worker
from course.grading.limits import Limits
from course.grading.rpc import CallTimeout, ChannelClosed, Endpoint, RemoteObject
from course.grading.sandbox import UnsandboxedLauncher
from tests.conftest import ROOT
from tests.judging import fn, run


def test_learner_cell_output_comes_back_and_values_are_plain(worker):
    ok, out, error = worker.request("exec", ("print('hi'); x = [1, (2, 3.5)]",), 30)
    assert (ok, out, error) == (True, "hi\n", None)
    assert worker.request("get", (["x", "missing"],), 30) == {"x": [1, (2, 3.5)]}
    ok, out, error = worker.request("exec", ("1/0",), 30)
    assert not ok and error[0] == "ZeroDivisionError"


def test_calls_reuse_a_few_server_threads_each_in_a_fresh_context(worker):
    run(
        worker,
        "import contextvars, threading\n"
        "seen = contextvars.ContextVar('seen', default='fresh')\n"
        "def probe(i):\n"
        "    before = seen.get()\n"
        "    seen.set(i)\n"
        "    return before, threading.active_count()\n",
    )
    probe = fn(worker, "probe")
    got = [probe(i) for i in range(300)]
    assert {before for before, _ in got} == {"fresh"}  # nothing carries over between calls
    assert max(count for _, count in got) < 12  # threads are reused, not one per call


def test_call_each_batches_calls_with_the_meaning_of_separate_calls(worker):
    from course.grading.inside import call_each

    run(
        worker,
        "import contextvars\n"
        "seen = contextvars.ContextVar('seen', default='fresh')\n"
        "calls = []\n"
        "def probe(i, j=0):\n"
        "    calls.append(i)\n"
        "    before = seen.get()\n"
        "    seen.set(i)\n"
        "    if i == 3:\n"
        "        raise ValueError(f'three {j}')\n"
        "    return before, i + j, [i]\n"
        "def uses_numpy():\n"
        "    import numpy\n"
        "    return int(numpy.int64(1))\n"
        "def how_many():\n"
        "    return len(calls)\n",
    )
    probe, how_many = fn(worker, "probe"), fn(worker, "how_many")
    assert call_each(probe, [(1,), (2, 5)]) == [("fresh", 1, [1]), ("fresh", 7, [2])]  # no worker
    token = judge._current.set(worker)
    worker.endpoint.deadline = time.monotonic() + 30
    try:
        assert how_many() == 2
        got = call_each(probe, [(i, 10) for i in range(3)])
        assert got == [("fresh", 10 + i, [i]) for i in range(3)]  # fresh context per call
        with pytest.raises(ValueError, match="three 0") as info:
            call_each(probe, [(0,), (3,), (4,)])
        assert info.value.from_learner
        assert how_many() == 5 + 2  # the call after the one that raised never ran
        assert call_each(probe, []) == []
        assert call_each(len, [([1, 2],)]) == [2]  # not learner code: called here
        with judge._judge_by_hand("numpy"):  # the test's by_hand block covers the whole batch
            with pytest.raises(RuntimeError, match="by hand"):
                call_each(fn(worker, "uses_numpy"), [()])
        assert call_each(fn(worker, "uses_numpy"), [(), ()]) == [1, 1]
    finally:
        judge._current.reset(token)


def test_a_reply_over_the_reply_limit_is_refused_unread(tmp_path):
    limits = Limits(cell_seconds=8.0, total_seconds=60.0, reply_bytes=1 << 20)
    w = Worker(tmp_path, UnsandboxedLauncher(), limits)
    try:
        run(w, "def big(n):\n    return b'x' * n\n")
        big = fn(w, "big")
        w.endpoint.deadline = time.monotonic() + 30
        assert len(big(900_000)) == 900_000
        with pytest.raises(ChannelClosed):
            big(2 << 20)
        assert w.broken == "oversized" and w.endpoint.oversized > 2 << 20
        assert "larger than" in w.endpoint.close_reason
    finally:
        w.stop()


def test_learner_exceptions_arrive_as_the_same_builtin_type(worker):
    run(worker, "def bad(x):\n    raise ValueError(f'bad {x}')\n")
    run(worker, "class Mine(KeyError):\n    pass\ndef mine():\n    raise Mine('k')\n")
    with pytest.raises(ValueError, match="bad 3") as info:
        fn(worker, "bad")(3)
    assert info.value.from_learner
    with pytest.raises(KeyError):
        fn(worker, "mine")()
    run(worker, "def leave():\n    raise SystemExit(0)\n")
    with pytest.raises(RuntimeError):  # never a SystemExit in the judge
        fn(worker, "leave")()


def test_objects_cross_as_handles_with_methods_and_protocols(worker):
    run(
        worker,
        "class Counter:\n"
        "    def __init__(self):\n        self.n = 0\n"
        "    def add(self, k):\n        self.n += k\n        return self\n"
        "    def __len__(self):\n        return self.n\n"
        "    def __iter__(self):\n        return iter(range(self.n))\n"
        "def gen(n):\n    yield from range(n)\n",
    )
    counter = fn(worker, "Counter")()
    assert isinstance(counter, RemoteObject)
    assert counter.add(2).add(1) is counter  # the same handle comes back as the same proxy
    assert counter.n == 3 and len(counter) == 3 and list(counter) == [0, 1, 2]
    assert list(fn(worker, "gen")(4)) == [0, 1, 2, 3]


def test_learner_threads_call_back_judge_objects_concurrently(worker):
    run(
        worker,
        "import threading\n"
        "def fan_out(callback, n):\n"
        "    out = []\n"
        "    go = lambda i: out.append(callback(i))\n"
        "    ts = [threading.Thread(target=go, args=(i,)) for i in range(n)]\n"
        "    [t.start() for t in ts]\n"
        "    [t.join() for t in ts]\n"
        "    return sorted(out)\n"
        "def probe(collab, keys):\n"
        "    out = {}\n"
        "    def one(k):\n"
        "        out[k] = k in collab\n"
        "    ts = [threading.Thread(target=one, args=(k,)) for k in keys]\n"
        "    [t.start() for t in ts]\n"
        "    [t.join() for t in ts]\n"
        "    return out\n",
    )
    barrier = threading.Barrier(4, timeout=20)

    def callback(i):
        barrier.wait()  # passes only if the four learner threads call back at the same time
        return i * 10

    worker.endpoint.deadline = time.monotonic() + 30
    assert fn(worker, "fan_out")(callback, 4) == [0, 10, 20, 30]

    class Meeting(dict):
        def __init__(self, n):
            super().__init__(a=1)
            self.barrier = threading.Barrier(n, timeout=20)

        def __contains__(self, key):
            self.barrier.wait()
            return dict.__contains__(self, key)

    got = fn(worker, "probe")(Meeting(3), ["a", "b", "c"])
    assert got == {"a": True, "b": False, "c": False}


def test_the_judge_calls_learner_code_from_several_threads_at_once(worker):
    run(
        worker,
        "import threading\n_b = threading.Barrier(3, timeout=20)\n"
        "def meet(i):\n    _b.wait()\n    return i\n",
    )
    meet = fn(worker, "meet")
    worker.endpoint.deadline = time.monotonic() + 30
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(meet(i))) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [0, 1, 2]


def test_learner_side_reaches_only_public_methods_of_judge_objects(worker):
    run(
        worker,
        "def poke(obj):\n"
        "    out = []\n"
        "    for attr in ('__globals__', '__dict__', '_private', '_secret'):\n"
        "        try:\n"
        "            getattr(obj, attr)\n"
        "            out.append(attr)\n"
        "        except Exception:\n"
        "            pass\n"
        "    try:\n"
        "        obj._call('_secret')\n"
        "        out.append('_secret')\n"
        "    except Exception as exc:\n"
        "        out.append(type(exc).__name__)\n"
        "    return out, obj.public(2)\n",
    )

    class Collaborator:
        def public(self, x):
            return x + 1

        def _secret(self):
            return "leaked"

    worker.endpoint.deadline = time.monotonic() + 30
    touched, answer = fn(worker, "poke")(Collaborator())
    assert answer == 3
    assert touched == ["PermissionError"]


def test_a_call_that_never_returns_times_out(worker):
    run(worker, "def spin():\n    while True:\n        pass\n")
    spin = fn(worker, "spin")
    worker.endpoint.deadline = time.monotonic() + 1
    started = time.monotonic()
    with pytest.raises(CallTimeout):
        spin()
    assert time.monotonic() - started < 10
    assert worker.broken == "timeout"


def test_generators_exceptions_and_attributes_keep_their_meaning_across(worker):
    run(
        worker,
        "def counter():\n"
        "    total = 0\n"
        "    while total < 3:\n"
        "        total += yield total\n"
        "    return f'done at {total}'\n"
        "def lookup(key):\n    return {}[key]\n"
        "class Box:\n    def __init__(self):\n        self.value = 0\n"
        "    def _hidden(self):\n        return 1\n",
    )
    gen = fn(worker, "counter")()
    assert next(gen) == 0 and gen.send(2) == 2
    with pytest.raises(StopIteration) as stop:  # what the generator returned comes back
        gen.send(5)
    assert stop.value.value == "done at 7"

    def delegate():  # `yield from` a remote generator sends through to it
        return (yield from fn(worker, "counter")())

    outer = delegate()
    assert next(outer) == 0 and outer.send(1) == 1
    with pytest.raises(StopIteration) as stop:
        outer.send(9)
    assert stop.value.value == "done at 10"
    with pytest.raises(KeyError) as info:  # str() is the same as in the learner's process
        fn(worker, "lookup")("k")
    assert str(info.value) == "'k'"
    run(
        worker,
        "import contextlib\nseen = []\n"
        "@contextlib.contextmanager\ndef held():\n"
        "    try:\n        yield 1\n"
        "    except KeyError:\n        seen.append('suppressed')\n"
        "    except BaseException as exc:\n        seen.append(type(exc).__name__)\n        raise\n"
        "    else:\n        seen.append('clean')\n"
        "def log():\n    return list(seen)\n",
    )
    held = fn(worker, "held")
    with held():
        pass
    with pytest.raises(ZeroDivisionError):  # the learner's context manager sees the exception
        with held():
            raise ZeroDivisionError("in the block")
    with held():  # and may suppress it
        raise KeyError("gone")
    assert fn(worker, "log")() == ["clean", "ZeroDivisionError", "suppressed"]
    box = fn(worker, "Box")()
    box.value = [1, 2]
    assert box.value == [1, 2]
    with pytest.raises(AttributeError):
        box._hidden = None


def test_a_proxy_dying_while_the_channel_holds_its_lock_cannot_deadlock():
    # The garbage collector runs a dead proxy's finalizer in whatever thread allocates, maybe the
    # reader while it holds the channel's lock (seen once: a whole grading hung).
    client, server = _channel(lambda endpoint, op, args: op)
    done = threading.Event()

    def collect_inside_the_lock():
        with client._plock:
            client._released(12345, [1])
        done.set()

    thread = threading.Thread(target=collect_inside_the_lock, daemon=True)
    thread.start()
    thread.join(5)
    try:
        assert done.is_set(), "a finalizer run under the channel's lock deadlocked"
        assert client.request("next", (), 10) == "next"
        assert not client._dead  # the release went out with the next message
    finally:
        if done.is_set():  # else closing would wait on the stuck lock too
            client.close()
            server.close()


def test_a_handle_sent_again_while_its_release_is_on_the_way_stays_valid(worker):
    # The worker drops its proxy of `lock` after each call and tells the judge; the judge may
    # already be sending the same lock again. A handle is forgotten only when every copy sent
    # has been released, so no call ever meets an unknown handle (which closes the channel).
    run(worker, "def use(lock, i):\n    with lock:\n        return i\n")
    use = fn(worker, "use")
    lock = threading.Lock()
    worker.endpoint.deadline = time.monotonic() + 60
    results: list[int] = []

    def many(start):
        for i in range(start, start + 150):
            results.append(use(lock, i))

    threads = [threading.Thread(target=many, args=(k * 1000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 600 and not worker.broken


def test_in_learner_runs_a_course_function_in_the_worker(worker):
    from course.concurrency.seeded import run_call
    from course.grading import judge
    from course.grading.inside import in_learner

    run(worker, "import os\nasync def where(x):\n    return os.getpid(), x\n")
    where = fn(worker, "where")
    assert in_learner(run_call, _pid_async, ()) == os.getpid()  # outside the judge: plain call
    worker.endpoint.deadline = time.monotonic() + 30
    token = judge._current.set(worker)
    try:
        pid, x = in_learner(run_call, where, ("a",), seed=3)
        assert (pid, x) == (worker.request("ping", (), 30), "a")
        for bad in (print, judge.grade_notebook, lambda: 1):
            with pytest.raises(TypeError, match="public function of the course package"):
                in_learner(bad)
        with pytest.raises(PermissionError):  # the worker refuses it too
            worker.request("course", ("course.grading.judge", "grade_notebook", (), {}), 30)
    finally:
        judge._current.reset(token)


async def _pid_async():
    return os.getpid()


def test_worker_cpu_time_is_read_from_the_os(worker):
    run(worker, "def burn(n):\n    return sum(i * i for i in range(n))\n")
    before = worker.cpu_seconds()
    worker.endpoint.deadline = time.monotonic() + 60
    fn(worker, "burn")(3_000_000)
    assert worker.cpu_seconds() - before > 0.05


class _FlakyThreading:
    """``threading`` as rpc sees it, except that serving threads fail to start ``fails`` times."""

    def __init__(self, fails: int) -> None:
        self.fails = fails

    def __getattr__(self, name: str):
        return getattr(threading, name)

    def Thread(self, *args, **kwargs):  # noqa: N802 - stands in for threading.Thread
        thread = threading.Thread(*args, **kwargs)
        if thread.name.endswith("-serve") and self.fails > 0:
            self.fails -= 1

            def refuse() -> None:
                raise RuntimeError("can't start new thread")

            thread.start = refuse
        return thread


def _channel(handler, on_starved=None):
    a_r, b_w = os.pipe()
    b_r, a_w = os.pipe()
    client = Endpoint(a_r, a_w, lambda *a: None, name="client")
    server = Endpoint(b_r, b_w, handler, name="server", max_threads=1, on_starved=on_starved)
    return client, server


def test_back_to_back_requests_never_find_the_budget_used_by_the_last_reply():
    client, server = _channel(lambda endpoint, op, args: op)  # a budget of one request at once
    send = server._send

    def send_then_dawdle(message):  # the serving thread is slow to go on after its reply
        send(message)
        time.sleep(0.02)

    server._send = send_then_dawdle
    try:
        assert [client.request(f"r{i}", (), 10) for i in range(20)] == [f"r{i}" for i in range(20)]
    finally:
        client.close()
        server.close()


def test_a_request_no_thread_can_serve_is_answered_and_the_channel_goes_on(monkeypatch):
    client, server = _channel(lambda endpoint, op, args: ("served", op))
    flaky = _FlakyThreading(fails=2)
    monkeypatch.setattr(rpc, "threading", flaky)
    monkeypatch.setattr(rpc, "_IDLE_SERVERS", 0)  # no idle server to reuse: every call starts one
    try:
        with pytest.raises(RuntimeError, match="no thread could serve") as raised:
            client.request("one", (), 10)
        assert raised.value.remote_type == "course.grading.rpc.Starved"
        with pytest.raises(RuntimeError, match="no thread could serve"):
            client.request("two", (), 10)
        # the reader still reads, and the refused requests did not use up the thread budget (1)
        assert client.request("three", (), 10) == ("served", "three")
        assert client.request("four", (), 10) == ("served", "four")
    finally:
        client.close()
        server.close()


def test_the_starved_hook_runs_once_and_the_start_is_tried_again(monkeypatch):
    calls = []
    flaky = _FlakyThreading(fails=1)
    client, server = _channel(lambda endpoint, op, args: op, on_starved=lambda: calls.append(1))
    monkeypatch.setattr(rpc, "threading", flaky)
    monkeypatch.setattr(rpc, "_IDLE_SERVERS", 0)  # no idle server to reuse: every call starts one
    try:
        assert client.request("after-reaping", (), 10) == "after-reaping"
        assert calls == [1]
        flaky.fails = 5
        with pytest.raises(RuntimeError, match="no thread could serve"):
            client.request("still-starved", (), 10)
        assert calls == [1, 1]  # once per refused request, not in a loop
    finally:
        client.close()
        server.close()


def test_the_worker_reaps_exited_children_only_and_never_blocks():
    script = """
import os, time
from course.grading.worker import _reap_exited_children
assert _reap_exited_children() == 0          # no children: nothing, no error
live = os.fork()
if live == 0:
    time.sleep(30)
    os._exit(0)
for _ in range(5):
    if os.fork() == 0:
        os._exit(0)
time.sleep(0.5)
assert _reap_exited_children() == 5          # the five that exited, not the sleeping one
assert os.waitpid(live, os.WNOHANG) == (0, 0)
os.kill(live, 9)
os.waitpid(live, 0)
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.strip() == "ok", done.stderr
