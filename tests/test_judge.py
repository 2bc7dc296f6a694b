"""The trusted judge: learner code runs in a worker process, the verdict is reached here.

The RPC tests talk to a real worker. The adversarial tests grade the warm-up assignment with
submissions written the way a determined student would write them; each must score exactly what
its honest parts deserve, and no hidden test line may reach the autograded notebook's outputs.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import nbformat
import pytest

from course.authoring.notebook_model import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    is_answer,
    read,
    region_lines,
)
from course.grading import judge, rpc
from course.grading.cgroups import cgroup_problem
from course.grading.judge import HIDDEN_FAILED, Worker, grade_notebook
from course.grading.limits import Limits, NoSandbox
from course.grading.rpc import CallTimeout, ChannelClosed, Endpoint, RemoteObject
from course.grading.sandbox import BwrapLauncher, _uid_pids, sandbox_problem
from tests.conftest import ROOT

WARMUP = ROOT / "solutions" / "00-orientation" / "warmup.ipynb"
FAST = Limits(cell_seconds=8.0, total_seconds=180.0)
FULL = 10.0  # the warm-up's points


# --------------------------------------------------------------------------- RPC


@pytest.fixture
def worker(tmp_path):
    w = Worker(tmp_path, NoSandbox(), FAST)
    yield w
    w.stop()


def run(worker: Worker, source: str) -> None:
    ok, out, error = worker.request("exec", (source,), 30)
    assert ok, error


def fn(worker: Worker, name: str) -> RemoteObject:
    return worker.request("get", ([name],), 30)[name]


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
    w = Worker(tmp_path, NoSandbox(), limits)
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


_BURNERS = """
import os, time
if os.fork() == 0:
    os.setsid()  # out of the worker's session and process group
    os.fork()  # two burners
    if os.fork() == 0:  # double-forked: adopted by the sandbox's init
        while True:
            pass
    os._exit(0)
"""
as_root_in_bwrap = pytest.mark.skipif(
    sandbox_problem() is not None or os.geteuid() != 0,
    reason="the sandbox's own uid needs bubblewrap run as root",
)


@as_root_in_bwrap
@pytest.mark.parametrize("use_cgroups", [True, False], ids=["cgroup", "uid"])
def test_a_setsid_grandchild_is_counted_stopped_at_the_cpu_limit_and_killed(tmp_path, use_cgroups):
    # each burner alone stays under the per-process RLIMIT_CPU (2 s): only their sum breaks it;
    # counted by the sandbox's cgroup, or without one by its uid (/proc)
    launcher = BwrapLauncher(use_cgroups=use_cgroups)
    w = Worker(tmp_path, launcher, Limits(memory_bytes=1 << 30, cpu_seconds=2))
    assert (w.proc.course_cgroup is not None) == (use_cgroups and cgroup_problem() is None)
    uid = w.proc.course_sandbox_uid
    try:
        run(w, _BURNERS)
        deadline = time.monotonic() + 120  # 2 CPU seconds, on a loaded machine
        readings = []
        while not w.broken and time.monotonic() < deadline:
            readings.append(w.cpu_seconds())
            time.sleep(0.2)
        assert w.broken == "cpu", readings[-5:]
        assert readings == sorted(readings)  # never decreases
        assert w.cpu_seconds() > 2
        with pytest.raises(ChannelClosed):
            w.request("ping", (), 10)
    finally:
        w.stop()
    assert _uid_pids(uid) == []  # nothing of the sandbox is left


@pytest.mark.skipif(sandbox_problem() is not None, reason="needs the bubblewrap sandbox")
def test_in_a_user_namespace_the_sandbox_is_counted_by_its_pid_namespace(tmp_path):
    # the mode a grader who is not root gets: no uid of its own, and no cgroup (v1 needs root)
    launcher = BwrapLauncher(use_cgroups=False)
    launcher.as_root = False
    w = Worker(tmp_path, launcher, Limits(memory_bytes=1 << 30, cpu_seconds=2))
    try:
        run(w, _BURNERS)
        namespace = judge._sandbox_namespace(w.proc)
        assert namespace is not None
        deadline = time.monotonic() + 120
        members: list[str] = []
        while len(members) < 4 and time.monotonic() < deadline:  # init, worker, two burners
            members = [p for p in os.listdir("/proc") if judge._pid_namespace(p) == namespace]
        assert len(members) >= 4, members
        while not w.broken and time.monotonic() < deadline:
            time.sleep(0.2)
        assert w.broken == "cpu"
    finally:
        w.stop()
    left = [p for p in members if judge._pid_namespace(p) == namespace]
    deadline = time.monotonic() + 5  # the namespace goes down with its init
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [p for p in left if judge._pid_namespace(p) == namespace]
    assert left == []


def test_the_session_count_keeps_the_time_of_reaped_children(worker):
    run(
        worker,
        "import os\n"
        "def burn_in_child():\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        sum(i * i for i in range(3_000_000))\n"
        "        os._exit(0)\n"
        "    os.waitpid(pid, 0)\n",
    )
    before = worker.cpu_seconds()
    worker.endpoint.deadline = time.monotonic() + 60
    fn(worker, "burn_in_child")()  # the child is gone: its time is in the worker's cutime
    assert worker.cpu_seconds() - before > 0.05


@pytest.mark.slow
@as_root_in_bwrap
def test_the_cpu_limit_is_the_submissions_and_its_breach_is_recorded(tmp_path):
    answer = (
        "def total(xs):\n"
        "    import time\n"
        f"{textwrap.indent(_BURNERS, '    ')}\n"
        "    time.sleep(100)\n"
        "    return sum(xs)\n"
    )
    src, sub = _mini(tmp_path, answer)
    limits = Limits(cell_seconds=100, total_seconds=200, memory_bytes=1 << 30, cpu_seconds=3)
    result = grade_notebook(src, sub, tmp_path / "work", launcher=BwrapLauncher(), limits=limits)
    assert result.scores() == {"total-by-hand": (0.0, 2.0), "total-partial": (0.0, 4.0)}
    assert result.cells[0].status == "crashed"
    assert any("went over the CPU time limit (3 s)" in p for p in result.problems), result.problems
    # the first process used the whole budget: no second one is started
    assert any("used up its CPU time limit (3 s)" in p for p in result.problems), result.problems


# --------------------------------------------------------------------------- grading


def _strip(source: str) -> str:
    return "\n".join(
        line
        for line in source.splitlines()
        if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
    )


def submission(
    tmp_path: Path,
    answers: dict | None = None,
    extra: dict | None = None,
    edit=None,
    name: str = "sub.ipynb",
) -> Path:
    """The solution as a learner hands it in, with ``answers`` replaced (grade_id -> source),
    ``extra`` learner cells inserted after a grade_id, and ``edit(nb)`` applied last."""
    nb = copy.deepcopy(read(WARMUP))
    cells = []
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if is_answer(cell):
            cell.source = (answers or {}).get(gid, _strip(cell.source))
        cells.append(cell)
        for source in (extra or {}).get(gid, []):
            cells.append(nbformat.v4.new_code_cell(source))
    nb.cells = cells
    if edit:
        edit(nb)
    path = tmp_path / name
    with warnings.catch_warnings():  # duplicated cells (ids) are part of some attacks
        warnings.simplefilter("ignore")
        nbformat.write(nb, str(path))
    return path


def grade(tmp_path: Path, sub: Path, **kwargs):
    return grade_notebook(WARMUP, sub, tmp_path / "work", limits=FAST, **kwargs)


HIDDEN = region_lines(read(WARMUP), HIDDEN_BEGIN, HIDDEN_END, min_length=16)


def outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")))
            parts.append(str(out.get("evalue", "")))
            parts.extend(str(t) for t in out.get("traceback", []))
            parts.append(str(out.get("data", "")))
    return "\n".join(parts)


def assert_no_hidden_line(nb) -> None:
    text = " ".join(outputs_text(nb).split())
    leaked = [line for line in HIDDEN if line in text]
    assert not leaked, f"hidden test lines reached the outputs: {leaked[:3]}"


WRONG_MEAN = "def mean_of_valid(values):\n    return 0.0\n"  # loses mean-of-valid's 2 points


@pytest.mark.slow
def test_the_solution_gets_full_marks_and_a_blank_gets_zero(tmp_path):
    result = grade(tmp_path, submission(tmp_path))
    assert (result.score, result.max_score) == (FULL, FULL), result.cells
    assert result.problems == []
    blank = grade(
        tmp_path,
        submission(
            tmp_path,
            {
                gid: "raise NotImplementedError()"
                for gid in ("mean-of-valid", "count-by-host", "bucket-start", "rolling-mean")
            },
        ),
    )
    assert blank.score == 0
    assert_no_hidden_line(result.notebook)
    assert_no_hidden_line(blank.notebook)


ATTACKS = {
    # name: (answers, extra cells after a grade_id, expected score)
    "input transformer blanks later cells": (
        {
            "rolling-mean": "def rolling_mean(values, window):\n    return []\n"
            "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n"
        },
        {},
        FULL - 3,
    ),
    "rebinds check and course.check": (
        {
            "mean-of-valid": WRONG_MEAN + "import course, course.learner.checking as _c\n"
            "check = check_raises = course.check = _c.check = "
            "lambda *a, **k: None\n"
        },
        {},
        FULL - 2,
    ),
    "monkeypatches course.learner.checking": (
        {"mean-of-valid": WRONG_MEAN},
        {
            "setup": [
                "import course.learner.checking as _c\n"
                "_c.first_difference = lambda *a, **k: None\n"
                "_c.CheckFailed = type('Nope', (Exception,), {})\n"
            ]
        },
        FULL - 2,
    ),
    "lying __eq__ result": (
        {
            "count-by-host": "class _Liar(dict):\n"
            "    def __eq__(self, other):\n        return True\n"
            "    __hash__ = None\n"
            "def count_by_host(records):\n    return _Liar()\n"
        },
        {},
        FULL - 2,
    ),
    "swallows exceptions with excepthook and settrace": (
        {"mean-of-valid": WRONG_MEAN},
        {
            "mean-of-valid": [
                "import sys\nsys.excepthook = lambda *a: None\n"
                "sys.settrace(lambda *a: None)\n"
                "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n"
            ]
        },
        FULL - 2,
    ),
    "redirects stderr and stdout": (
        {"mean-of-valid": WRONG_MEAN},
        {
            "setup": [
                "import io, os, sys\nsys.stderr = sys.stdout = io.StringIO()\n"
                "os.dup2(os.open(os.devnull, os.O_WRONLY), 2)\n"
            ]
        },
        FULL - 2,
    ),
    "prints the hidden tests (inspect, files) into its output": (
        {
            "mean-of-valid": "import inspect, json\n"
            f"_src = json.load(open({str(WARMUP)!r}))\n"
            "print([''.join(c['source']) for c in _src['cells']])\n"
            "def mean_of_valid(values):\n"
            "    for frame in inspect.stack():\n"
            "        print(frame.code_context)\n"
            "    valid = [v for v in values if v is not None]\n"
            "    return sum(valid) / len(valid) if valid else None\n"
        },
        {},
        FULL,
    ),
    "os._exit in a cell of its own": (
        {},
        {"count-by-host": ["import os\nos._exit(3)\n"]},
        FULL,
    ),
    "os._exit while a hidden test calls it": (
        {
            "mean-of-valid": "import os\ndef mean_of_valid(values):\n"
            "    if len(values) > 3:\n        os._exit(1)\n"
            "    valid = [v for v in values if v is not None]\n"
            "    return sum(valid) / len(valid) if valid else None\n"
        },
        {},
        FULL - 1,
    ),
    "infinite loop in an answer": (
        {"count-by-host": "def count_by_host(records):\n    while True:\n        pass\n"},
        {},
        FULL - 2,
    ),
    "answers the graded-names request with its own check (stub answers)": (
        {
            gid: "import course.grading.rpc as _rpc\n"
            "_encode = _rpc.Endpoint._encode\n"
            "def _forge(self, value):\n"
            "    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], dict):\n"
            "        value = (value[0], value[1], {**value[2], 'check': lambda *a, **k: None,\n"
            "                                      'check_raises': lambda *a, **k: None})\n"
            "    return _encode(self, value)\n"
            "_rpc.Endpoint._encode = _forge\n"
            f"def {gid.replace('-', '_')}(*args, **kwargs):\n    return None\n"
            for gid in ("mean-of-valid", "count-by-host", "bucket-start", "rolling-mean")
        },
        {},
        0.0,
    ),
    "raises with a message that quotes a hidden test": (
        {"mean-of-valid": f"def mean_of_valid(values):\n    raise ValueError({HIDDEN[0]!r})\n"},
        {},
        FULL - 2,
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_scores_only_what_its_honest_parts_deserve(tmp_path, name):
    answers, extra, expected = ATTACKS[name]
    started = time.monotonic()
    result = grade(tmp_path, submission(tmp_path, answers, extra))
    assert result.score == expected, [
        (c.grade_id, c.points, c.message) for c in result.cells if c.points < c.max_points
    ]
    assert_no_hidden_line(result.notebook)
    assert time.monotonic() - started < 120


@pytest.mark.slow
def test_no_output_of_a_learner_cell_after_a_hidden_test_reaches_the_feedback(tmp_path):
    """A learner function that records its arguments could print hidden inputs in a later cell."""
    answers = {
        "mean-of-valid": "_seen = []\n"
        "def mean_of_valid(values):\n"
        "    _seen.append(list(values))\n"
        "    valid = [v for v in values if v is not None]\n"
        "    return sum(valid) / len(valid) if valid else None\n"
    }
    extra = {
        "mean-of-valid-public": ["print('before hidden:', len(_seen))"],
        "rolling-mean-hidden": ["print('SEEN', _seen)", "raise ValueError(repr(_seen))"],
    }
    result = grade(tmp_path, submission(tmp_path, answers, extra))
    assert result.score == FULL, [(c.grade_id, c.message) for c in result.cells]
    text = outputs_text(result.notebook)
    assert "before hidden: 3" in text  # before any hidden test: kept as it is
    assert "SEEN" not in text and "ValueError" not in text
    assert text.count("ran after hidden tests had called your code") >= 2


@pytest.mark.slow
def test_edited_metadata_copied_and_deleted_test_cells_change_nothing(tmp_path):
    def tamper(nb):
        tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        first = tests[0]
        nb.cells.append(copy.deepcopy(first))  # a copied test cell (same grade_id)
        first.source = "pass"  # an emptied public test
        first.metadata.nbgrader["points"] = 100
        nb.cells.remove(tests[1])  # a deleted hidden test
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "pass",
                metadata={
                    "nbgrader": {
                        "grade": True,
                        "grade_id": "bonus",
                        "points": 50,
                        "solution": False,
                        "locked": True,
                    }
                },
            )
        )
        nb.cells.append(copy.deepcopy(nb.cells[3]))  # the mean-of-valid answer twice

    sub = submission(tmp_path, {"mean-of-valid": WRONG_MEAN}, edit=tamper)
    result = grade(tmp_path, sub)
    assert result.max_score == FULL
    assert result.score == FULL - 2
    assert {c.grade_id for c in result.cells} >= {"mean-of-valid-public", "mean-of-valid-hidden"}
    assert any("bonus" in p for p in result.problems)
    assert any("copy" in p or "twice" in p for p in result.problems)


@pytest.mark.slow
def test_a_file_that_is_not_a_notebook_scores_zero_without_stopping(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": "nope", "nbformat": 99}')
    result = grade(tmp_path, bad)
    assert result.score == 0 and result.max_score == FULL
    assert result.problems


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["case", "exercise"])
def test_hidden_feedback_says_only_what_the_mode_allows(tmp_path, mode):
    result = grade(
        tmp_path, submission(tmp_path, {"mean-of-valid": WRONG_MEAN}), hidden_feedback=mode
    )
    cell = next(
        c
        for c in result.notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "mean-of-valid-hidden"
    )
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    if mode == "exercise":
        assert error.evalue == HIDDEN_FAILED
    else:
        assert "mean_of_valid(" in error.evalue and "result" in error.evalue
    assert error.traceback == [f"{error.ename}: {error.evalue}"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", sorted((ROOT / "solutions").glob("*/*.ipynb")), ids=lambda p: p.name
)
def test_every_solution_notebook_gets_full_marks_through_the_judge(tmp_path, path):
    # The launcher `course grade` uses by default: the bubblewrap sandbox where it runs (the
    # learner sees only its working folder, as another user), else the unsandboxed fallback.
    # The mutant harness covers the unsandboxed launcher.
    from course.grading.sandbox import default_launcher

    result = grade_notebook(path, path, tmp_path / "work", launcher=default_launcher())
    assert result.score == result.max_score > 0, [
        (c.grade_id, c.message) for c in result.cells if c.points < c.max_points
    ]
    assert result.problems == []


# --------------------------------------------------------------------------- judge mode details


def _cell(source: str, **meta) -> nbformat.NotebookNode:
    base = {"grade": False, "locked": False, "solution": False, "schema_version": 3, "task": False}
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {**base, **meta}})


def _mini(tmp_path: Path, answer: str) -> tuple[Path, Path]:
    source = nbformat.v4.new_notebook()
    source.cells = [
        _cell(
            "import pyarrow as pa\nimport pyarrow.compute as pc\nimport course\n"
            "from course.learner.checking import check",
            grade_id="setup",
            locked=True,
        ),
        _cell(
            "def total(xs):\n    ### BEGIN SOLUTION\n    return sum(xs)\n    ### END SOLUTION",
            grade_id="total",
            solution=True,
        ),
        _cell(
            "with course.by_hand('pyarrow'):\n    _got = total([1, 2, 3])\n"
            "check(_got, 6, 'total([1, 2, 3])')\nprint('by hand: passed')",
            grade_id="total-by-hand",
            grade=True,
            locked=True,
            points=2,
        ),
        _cell(
            "_right = sum(1 for _xs in ([1], [2, 2]) if total(_xs) == sum(_xs))\n_right * 2",
            grade_id="total-partial",
            grade=True,
            locked=True,
            points=4,
        ),
    ]
    src = tmp_path / "mini.ipynb"
    nbformat.write(source, str(src))
    sub = copy.deepcopy(source)
    sub.cells[1].source = answer
    path = tmp_path / "mini-sub.ipynb"
    nbformat.write(sub, str(path))
    return src, path


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("def total(xs):\n    return sum(xs)\n", {"total-by-hand": 2.0, "total-partial": 4.0}),
        # delegating to the library fails the by-hand test only
        (
            "import pyarrow as pa, pyarrow.compute as pc\n"
            "def total(xs):\n    return pc.sum(pa.array(xs, pa.int64())).as_py()\n",
            {"total-by-hand": 0.0, "total-partial": 4.0},
        ),
        # partial credit: the last expression of a test cell is the score
        (
            "def total(xs):\n    return 5 if len(xs) == 2 else sum(xs)\n",
            {"total-by-hand": 2.0, "total-partial": 2.0},
        ),
    ],
)
def test_by_hand_and_partial_credit_work_in_judge_mode(tmp_path, answer, expected):
    src, sub = _mini(tmp_path, answer)
    result = grade_notebook(src, sub, tmp_path / "work", limits=FAST)
    assert {c.grade_id: c.points for c in result.cells} == expected
    by_hand = result.notebook.cells[2]
    if expected["total-by-hand"]:
        assert by_hand.outputs[0].text == "by hand: passed\n"
    else:
        assert by_hand.outputs[-1].ename == "ByHandError"


@pytest.mark.skipif(sandbox_problem() is not None, reason="needs the bubblewrap sandbox")
def test_a_zygote_forks_fresh_workers_and_kills_what_a_notebook_left(tmp_path):
    from course.grading.zygote import Sandbox

    launcher = BwrapLauncher()
    work = tmp_path / "work"
    work.mkdir()
    with Sandbox(work, launcher, FAST) as sandbox:
        first = Worker(work, launcher, FAST, zygote=sandbox.zygote())
        run(first, "leftover = 1\nimport subprocess\nchild = subprocess.Popen(['sleep', '60'])\n")
        assert first.request("get", (["leftover"],), 30) == {"leftover": 1}
        first.stop()
        second = Worker(work, launcher, FAST, zygote=sandbox.zygote())
        try:
            assert second.sandbox_pid != first.sandbox_pid
            # a fresh namespace, and the first notebook's process is gone
            assert second.request("get", (["leftover"],), 30) == {}
            run(
                second, "import os\nothers = [int(p) for p in os.listdir('/proc') if p.isdigit()]\n"
            )
            others = second.request("get", (["others"],), 30)["others"]
            assert len(others) == 3, others  # the sandbox's init, the zygote, this worker
            assert second.cpu_seconds() < 0.5  # the zygote's imports are not this worker's
            # the learner kills the zygote (its parent): the next worker gets a new sandbox
            try:  # the worker may die with its sandbox before it answers
                second.request("exec", ("import os, signal\nos.kill(os.getppid(), 9)\n",), 30)
            except ChannelClosed:
                pass
        except Exception:
            second.stop()
            raise
        time.sleep(0.5)
        second.stop()
        third = Worker(work, launcher, FAST, zygote=sandbox.zygote())
        try:
            assert sandbox.started == 2
            run(third, "x = 2")
        finally:
            third.stop()


@pytest.mark.timeout(90)
def test_the_notebook_watchdog_stops_the_learner_whatever_the_judge_is_waiting_for(
    tmp_path, monkeypatch
):
    """A judge wait that ignored its deadline (a blocked write, say) still ends at the limit."""
    forever = judge._JudgeEndpoint.request

    def deaf(self, op, args, timeout):  # as if the deadline were lost on the way
        return forever(self, op, args, 3600.0)

    monkeypatch.setattr(judge._JudgeEndpoint, "request", deaf)
    monkeypatch.setattr(judge, "WATCHDOG_GRACE", 1.0)
    src, sub = _mini(tmp_path, "import time\ntime.sleep(3600)\ndef total(xs):\n    return 0\n")
    limits = Limits(cell_seconds=3600, total_seconds=3, memory_bytes=2 << 30)
    started = time.monotonic()
    result = grade_notebook(src, sub, tmp_path / "work", limits=limits)
    assert time.monotonic() - started < 30
    assert result.score == 0
    assert any("time limit (3 s) was reached" in p for p in result.problems), result.problems
