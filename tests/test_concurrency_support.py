"""Module 4 support code: the interleaving explorer, the seeded event loop, forced overlaps."""

from __future__ import annotations

import asyncio
import threading

import pytest

from course.concurrency.explorer import (
    ExplorationTooLarge,
    ModelError,
    ScheduleError,
    explore,
    replay,
    sample,
)
from course.concurrency.overlap import CountingFactory, GatedDict, Rendezvous, run_threads
from course.concurrency.seeded import run


def racy():
    value = yield ("read", "n")
    yield ("write", "n", value + 1)


def locked():
    yield ("acquire", "lock")
    value = yield ("read", "n")
    yield ("write", "n", value + 1)
    yield ("release", "lock")


def transfer(a, b):
    yield ("acquire", a)
    yield ("acquire", b)
    yield ("release", b)
    yield ("release", a)


def counted(n):
    return lambda state, results: state["n"] == n


def test_finds_the_lost_update_with_the_measured_counts():
    result = explore([racy, racy], {"n": 0}, check=counted(2))
    assert result.exhaustive and result.interleavings == 6
    assert len(result.failures) == 4
    assert {o.status for o in result.failures} == {"check"}
    assert result.schedules()[0] == [0, 0, 1, 1]
    assert len({tuple(s) for s in result.schedules()}) == 6


def test_passes_a_locked_counter_for_two_and_three_threads():
    for n in (2, 3):
        result = explore([locked] * n, {"n": 0}, check=counted(n))
        assert result.ok, str(result)


def test_finds_the_lock_order_deadlock_and_replays_it():
    threads = [(transfer, "a", "b"), (transfer, "b", "a")]
    result = explore(threads, {})
    assert result.counts() == {"ok": 4, "deadlock": 2}
    dead = result.deadlocks[0]
    assert dead.schedule == [0, 1]
    assert "T0 waits for 'b' (held by T1)" in str(dead)
    again = replay(threads, {}, dead.schedule)
    assert again.status == "deadlock" and again.trace == dead.trace
    assert explore(threads, {}, preemptions=0).ok, "no preemption, no deadlock"
    assert not explore(threads, {}, preemptions=1).ok, "one preemption is enough"


def test_consistent_lock_order_never_deadlocks():
    threads = [(transfer, "a", "b"), (transfer, "a", "b"), (transfer, "b", "c")]
    assert explore(threads, {}).ok


def test_replay_is_exact_and_strict():
    outcome = replay([racy, racy], {"n": 0}, [0, 1, 0, 1], check=counted(2))
    assert outcome.status == "check" and outcome.state == {"n": 1}
    assert outcome.trace[0] == "T0 read 'n' -> 0"
    with pytest.raises(ScheduleError, match="can still run"):
        replay([racy, racy], {"n": 0}, [0, 1])
    assert replay([racy, racy], {"n": 0}, [0, 1], complete=False).state == {"n": 1}
    with pytest.raises(ScheduleError, match="already finished"):
        replay([racy, racy], {"n": 0}, [0, 0, 0, 1])
    with pytest.raises(ScheduleError, match="no thread 5"):
        replay([racy, racy], {"n": 0}, [5])
    with pytest.raises(ScheduleError, match="blocked"):
        replay([(transfer, "a", "b")] * 2, {}, [0, 1])
    with pytest.raises(ScheduleError, match="list of thread numbers"):
        replay([racy], {"n": 0}, "01")


def test_self_deadlock_and_bad_release_are_outcomes():
    def twice():
        yield ("acquire", "l")
        yield ("acquire", "l")

    def stray():
        yield ("release", "l")

    dead = explore([twice], {})
    assert dead.counts() == {"deadlock": 1}
    assert "held by itself" in dead.failures[0].message
    bad = explore([stray], {})
    assert bad.failures[0].status == "error" and "nobody holds it" in bad.failures[0].message


def test_condition_wait_notify_and_spurious_wakeups():
    def consumer(use_while):
        yield ("acquire", "l")
        items = yield ("read", "items")
        if use_while:
            while not items:
                yield ("wait", "c", "l")
                items = yield ("read", "items")
        elif not items:
            yield ("wait", "c", "l")
            items = yield ("read", "items")
        yield ("write", "items", items[1:])
        yield ("release", "l")
        return items[0]

    def producer():
        yield ("acquire", "l")
        items = yield ("read", "items")
        yield ("write", "items", items + ["x"])
        yield ("notify", "c")
        yield ("release", "l")

    init = {"items": []}
    assert explore([(consumer, True), producer], init).ok
    assert explore([(consumer, False), producer], init).ok, "fine without spurious wakeups"
    assert explore([(consumer, True), producer], init, spurious=1).ok
    bad = explore([(consumer, False), producer], init, spurious=1)
    assert bad.failures and bad.failures[0].status == "error"  # items[0] of an empty list
    assert "spuriously" in "\n".join(bad.failures[0].trace)


def test_lost_wakeup_is_a_deadlock():
    def waiter():
        yield ("acquire", "l")
        yield ("wait", "c", "l")
        yield ("release", "l")

    def notifier():
        yield ("notify", "c")

    result = explore([waiter, notifier], {})
    assert result.counts() == {"ok": 1, "deadlock": 2}
    assert "nobody will notify" in result.deadlocks[0].message


def test_invariant_calls_and_step_limit():
    def make():
        value = yield ("call", "factory", "k")
        yield ("write", "made", value)

    result = explore([make, make], {"made": None}, functions={"factory": lambda k: k * 2})
    assert result.ok and result.outcomes[0].state == {"made": "kk"}
    over = explore([racy, racy], {"n": 0}, invariant=lambda s: s["n"] < 2 or "n reached 2")
    assert over.failures[0].status == "invariant" and "n reached 2" in over.failures[0].message

    def spin():
        while (yield ("read", "flag")) is False:
            pass

    assert explore([spin], {"flag": False}, max_steps=30).counts() == {"step limit": 1}


def test_refuses_what_it_cannot_finish():
    with pytest.raises(ExplorationTooLarge, match="sample"):
        explore([racy] * 6, {"n": 0}, max_interleavings=1000)


def test_sample_is_seeded_and_its_failures_replay():
    a = sample([racy] * 4, {"n": 0}, runs=50, seed=3, check=counted(4))
    b = sample([racy] * 4, {"n": 0}, runs=50, seed=3, check=counted(4))
    assert a.schedules() == b.schedules() and not a.exhaustive
    assert a.failures
    first = a.failures[0]
    assert replay([racy] * 4, {"n": 0}, first.schedule, check=counted(4)).state == first.state


def test_clear_errors_for_bad_threads():
    def not_a_generator():
        return 1

    def bad_op():
        yield ("raed", "n")

    with pytest.raises(ModelError, match="not a generator"):
        explore([not_a_generator], {})
    with pytest.raises(ModelError, match="one of read"):
        explore([bad_op], {"n": 0})
    with pytest.raises(ModelError, match="not a shared variable"):
        explore([racy], {"m": 0})
    with pytest.raises(ModelError, match="initial state"):
        explore([racy], [("n", 0)])


def test_seeded_loop_reorders_repeatably_on_a_virtual_clock():
    async def main():
        order = []

        async def worker(i):
            order.append(i)

        await asyncio.gather(*(worker(i) for i in range(6)))
        await asyncio.sleep(3600)
        return order, asyncio.get_running_loop().time()

    runs = [run(main(), seed=s) for s in range(10)]
    assert runs == [run(main(), seed=s) for s in range(10)]
    assert len({tuple(order) for order, _ in runs}) > 1
    assert all(now == 3600.0 for _, now in runs)
    with pytest.raises(TypeError, match="call your async function"):
        run(main, seed=0)


def test_seeded_loop_exposes_a_check_then_act_across_await():
    async def account(fixed):
        balance = {"x": 100}
        lock = asyncio.Lock()

        async def withdraw(n):
            if fixed:
                async with lock:
                    if balance["x"] >= n:
                        await asyncio.sleep(0)
                        balance["x"] -= n
            elif balance["x"] >= n:
                await asyncio.sleep(0)
                balance["x"] -= n

        await asyncio.gather(withdraw(80), withdraw(80))
        return balance["x"]

    assert {run(account(False), seed=s) for s in range(20)} == {-60}
    assert {run(account(True), seed=s) for s in range(20)} == {20}


def test_gated_dict_forces_the_overlap():
    def racy_get_or_create(cache, key, factory):
        if key not in cache:
            cache[key] = factory(key)
        return cache[key]

    def locked_get_or_create(cache, lock, key, factory):
        with lock:
            if key not in cache:
                cache[key] = factory(key)
            return cache[key]

    for _ in range(3):
        cache, factory = GatedDict(3, timeout=2.0), CountingFactory()
        run_threads([(racy_get_or_create, (cache, "k", factory))] * 3)
        assert factory.calls == {"k": 3} and cache.overlaps == 1
    cache, factory, lock = GatedDict(3, timeout=0.1), CountingFactory(), threading.Lock()
    reports = run_threads([(locked_get_or_create, (cache, lock, "k", factory))] * 3)
    assert factory.calls == {"k": 1}
    assert [r["result"] for r in reports] == ["k#1"] * 3


def test_run_threads_reports_errors_and_stuck_threads():
    stuck = threading.Event()

    def boom():
        raise ValueError("bad")

    reports = run_threads([(boom, ()), (stuck.wait, (5,)), (sum, ([1, 2],))], timeout=0.3)
    assert reports[0] == {"result": None, "error": "ValueError: bad", "alive": False}
    assert reports[1]["alive"] is True
    assert reports[2] == {"result": 3, "error": None, "alive": False}
    stuck.set()


def test_rendezvous_times_out_without_raising():
    gate = Rendezvous(2, timeout=0.05)
    assert gate.arrive() is False and gate.met == 0


def test_seeded_run_works_inside_a_running_loop_and_times_out():
    async def inner():
        return run(asyncio.sleep(5, result="done"), seed=1)

    assert asyncio.run(inner()) == "done"

    async def forever():
        await asyncio.get_running_loop().create_future()

    with pytest.raises(TimeoutError, match="waiting for something"):
        run(forever(), seed=0, timeout=0.2)
    assert run(asyncio.sleep(0, result=3), seed=None) == 3


def test_bench_prints_ratios_and_rejects_bad_options(capsys):
    from course.concurrency import bench

    assert bench.main(["--n", "1000", "--threads", "2"]) == 0
    out = capsys.readouterr().out
    assert "per second" in out and "queue hand-off" in out and "1.0x" in out
    assert bench.main(["--n", "10"]) == 2
    assert bench.main(["--threads", "9"]) == 2
    assert "between 2 and 5" in capsys.readouterr().err


def test_probes_report_plain_data_about_threads_and_coroutines():
    from course.concurrency.probes import (
        crawl_report,
        instance_attributes,
        run_counted,
        spawn_report,
        spawned_result,
        withdraw_report,
    )
    from course.concurrency.seeded import run_call

    stop = threading.Event()

    def leaves_one(x):
        threading.Thread(target=stop.wait, args=(5,), daemon=True).start()
        return x

    assert run_counted(leaves_one, (3,)) == {
        "result": 3,
        "error": None,
        "alive": False,
        "threads_left": 1,
    }
    stop.set()
    assert run_counted(lambda: 1, ())["threads_left"] == 0

    async def one_at_a_time(urls, fetch, limit):
        return [await fetch(u) for u in urls]

    report = crawl_report(one_at_a_time, ["bb", "a"], 2, seed=1)
    assert report == {
        "result": ["BB", "A"],
        "error": None,
        "started": ["bb", "a"],
        "cleaned": ["bb", "a"],
        "most": 1,
        "left": 0,
    }
    assert crawl_report(one_at_a_time, ["a", "b"], 1, fail=["a"])["error"] == "cannot fetch a"

    async def no_lock(account, lock, amount, approve):
        if account["balance"] < amount:
            return False
        await approve(amount)
        account["balance"] -= amount
        return True

    assert withdraw_report(no_lock, [80, 80], 100) == {
        "done": [True, True],
        "final": -60,
        "seen": [(80, 100), (80, 100)],
    }
    assert spawned_result(asyncio.ensure_future, "v") == "v"
    assert spawn_report(asyncio.ensure_future, 2) == {"finished": [], "kept": 0}

    async def double(x):
        return 2 * x

    assert run_call(double, (4,), seed=2) == 8
    with pytest.raises(TypeError, match="async function"):
        run_call(4)

    class Thing:
        def __init__(self):
            self.b, self._a = 1, 2

    assert instance_attributes(Thing()) == ["_a", "b"]


def test_explorer_budget_is_the_exploring_threads_cpu_time():
    import time

    def sleepy():
        time.sleep(0.05)  # waiting (as for another process) does not use the budget
        yield ("pause",)

    result = explore([sleepy, sleepy], {}, seconds=0.04)
    assert result.interleavings == 2


def test_memo_gives_the_same_outcomes_with_fewer_resumes():
    resumes = {True: 0, False: 0}

    def counting(memo, body):
        def thread(*args):
            gen = body(*args)
            value = None
            try:
                while True:
                    resumes[memo] += 1
                    value = yield gen.send(value)
            except StopIteration as stop:
                return stop.value

        return thread

    def consumer(use_while):
        yield ("acquire", "l")
        items = yield ("read", "items")
        while not items:
            yield ("wait", "c", "l")
            items = yield ("read", "items")
            if not use_while and not items:
                raise IndexError("nothing to take")
        yield ("write", "items", items[1:])
        yield ("release", "l")
        return {"took": items[0]}

    def producer(item):
        yield ("acquire", "l")
        items = yield ("read", "items")
        yield ("write", "items", items + [item])
        yield ("notify", "c")
        yield ("release", "l")

    for use_while in (True, False):
        got = {}
        for memo in (True, False):
            threads = [
                (counting(memo, consumer), use_while),
                (counting(memo, producer), ("y", 1)),
                (counting(memo, racy),),
            ]
            got[memo] = explore(threads, {"items": [], "n": 0}, spurious=1, memo=memo).outcomes
        assert got[True] == got[False] and len(got[True]) > 100
        assert {o.status for o in got[True]} == ({"ok"} if use_while else {"ok", "error"})
    assert resumes[True] * 10 < resumes[False], resumes
