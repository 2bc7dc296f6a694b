# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 4a: races, deadlocks and lost wakeups, graded deterministically
#
# **Time:** about 3 hours. **Points:** 16. **Prerequisites:** the lectures `01-why-races-hide`,
# `02-locks-and-deadlock` and `03-conditions-and-queues` in `notebooks/04-concurrency/`; Python
# generators (`yield`, `yield from`, `gen.send`).
#
# Running threads and hoping for a bad interleaving is not a test: on CPython 3.11 the textbook
# `counter += 1` race loses nothing in millions of tries. So most exercises here are written for
# the course's **interleaving explorer** (`course.concurrency.explorer`, the idea of Rust's loom and
# Microsoft's CHESS): a thread is a generator function whose every `yield` hands the explorer one
# *operation*, a plain tuple, and is a point where another thread may run. The explorer holds the
# shared state and tries **every** order of those steps, so a bug that needs one unlucky schedule
# is found every time, and the failing schedule replays exactly.
#
# The operations (from the lectures): `("read", name)` returns a shared variable's value;
# `("write", name, value)` sets it; `("acquire", lock)` and `("release", lock)`;
# `("wait", cond, lock)` releases `lock`, sleeps until `cond` is notified (or wakes up
# spuriously), then retakes `lock`; `("notify", cond)` wakes the longest waiter,
# `("notify_all", cond)` wakes all; `("pause",)` does nothing. Locks and conditions need no set-up:
# naming one creates it. Between two `yield`s a thread touches only its own local variables.
#
# 1. **Be the scheduler** (2 points): schedules that break the racy counter and the two-lock
#    transfer.
# 2. **Count interleavings** (3 points): how many schedules exist, and how many lose an update.
# 3. **Fix the lost update** (2 points).
# 4. **Thread-safe get-or-create** (3 points), with real threads.
# 5. **Deadlock-free transfers** (3 points).
# 6. **A bounded buffer with a condition** (3 points).
#
# Work as before: replace `raise NotImplementedError()`, run the public tests under each answer,
# ask `course.hint("<exercise id>")` when stuck, press **Validate** at the end. Hidden tests run
# your code under every interleaving (or under forced real-thread overlap) and never measure time.
# Results are compared strictly by type (a `list` is not a `tuple`). Keep the names and parameters.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import math
import threading

import course
from course.concurrency.explorer import explore, replay
from course.concurrency.models import naive_transfer, racy_increment
from course.concurrency.overlap import CountingFactory, GatedDict, SharedDict, run_threads
from course.learner.checking import check

# %% [markdown]
# ## Exercise 1: be the scheduler (2 points)
#
# `racy_increment` (imported above, from the lecture) reads the shared `"counter"`, then writes
# back one more; each `yield` is a step:
#
# ```python
# def racy_increment():
#     value = yield ("read", "counter")
#     yield ("write", "counter", value + 1)
# ```
#
# A **schedule** lists which thread takes each step: with two threads (numbered 0 and 1),
# `[0, 0, 1, 1]` runs thread 0's read and write, then thread 1's: the counter ends at 2. Write three
# functions, each returning a schedule (a `list` of `int`) that lists **every** step of the run,
# from the start until no thread can move (the replay rejects a schedule that stops early, goes on
# too long, or names a thread that cannot run at that step):
#
# - `lost_update_schedule()`: two `racy_increment` threads, counter starting at 0, ending at **1**;
# - `two_lost_schedule()`: three `racy_increment` threads, counter starting at 0, ending at **1**;
# - `deadlock_schedule()`: `naive_transfer("alice", "bob", 10)` as thread 0 and
#   `naive_transfer("bob", "alice", 5)` as thread 1, from `{"alice": 100, "bob": 100}`; the run
#   must end in a **deadlock**. Each transfer takes the lock of its source, then of its
#   destination, then reads and writes both balances and releases both locks.
#
# `replay(threads, state, schedule)` runs one schedule and returns its outcome: try yours, and
# `print(...)` the outcome to see every step. Exercise id: `be-the-scheduler`.

# %% nbgrader={"grade": false, "grade_id": "be-the-scheduler", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lost_update_schedule() -> list[int]:
    """Two racy increments that end with the counter at 1."""
    ### BEGIN SOLUTION
    return [0, 1, 0, 1]
    ### END SOLUTION


def two_lost_schedule() -> list[int]:
    """Three racy increments that end with the counter at 1."""
    ### BEGIN SOLUTION
    return [0, 1, 2, 0, 1, 2]
    ### END SOLUTION


def deadlock_schedule() -> list[int]:
    """Opposite naive transfers that deadlock."""
    ### BEGIN SOLUTION
    return [0, 1]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "be-the-scheduler-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your schedules.
_outcome = replay([racy_increment, racy_increment], {"counter": 0}, lost_update_schedule())
print(_outcome)
check(_outcome.state, {"counter": 1}, "the counter after your lost_update_schedule()")
# two_lost_schedule(): checked here only to replay in full (a list naming a thread that can run
# at every step, until no thread can move); the hidden tests check where the counter ends.
_outcome = replay([racy_increment] * 3, {"counter": 0}, two_lost_schedule())
print(_outcome)
check(_outcome.status, "ok", "how the run of your two_lost_schedule() ends")
_outcome = replay([(naive_transfer, "alice", "bob", 10), (naive_transfer, "bob", "alice", 5)],
                  {"alice": 100, "bob": 100}, deadlock_schedule())
print(_outcome)
check(_outcome.status, "deadlock", "how the run of your deadlock_schedule() ends")
print("be-the-scheduler: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "be-the-scheduler-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
for _name, _schedule, _n in (("lost_update_schedule", lost_update_schedule(), 2),
                             ("two_lost_schedule", two_lost_schedule(), 3)):
    check(type(_schedule).__name__, "list", f"the type of {_name}()")
    # The oracle: the explorer replays the schedule step by step (strictly: every step listed).
    _outcome = replay([racy_increment] * _n, {"counter": 0}, _schedule)
    check(_outcome.status, "ok", f"how the run of {_name}() ends")
    check(_outcome.state, {"counter": 1}, f"the counter after {_name}()")
_schedule = deadlock_schedule()
check(type(_schedule).__name__, "list", "the type of deadlock_schedule()")
_outcome = replay([(naive_transfer, "alice", "bob", 10), (naive_transfer, "bob", "alice", 5)],
                  {"alice": 100, "bob": 100}, _schedule)
check(_outcome.status, "deadlock", "how the run of deadlock_schedule() ends")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2: count interleavings (3 points)
#
# With no locks, any order of the threads' steps that keeps each thread's own steps in order is a
# possible schedule. Write:
#
# - `count_schedules(steps)`: how many schedules there are for threads taking `steps[i]` steps
#   each (`steps` is a `list` of non-negative `int`; a thread with 0 steps takes no turns; the
#   empty list has exactly **1** schedule, the empty one). Return an `int`; it must work for large
#   counts too (`count_schedules([30, 30, 30])` has 41 digits), so count, do not list.
# - `all_schedules(steps)`: every schedule, as a `list` of `list`s of thread numbers, in
#   **lexicographic** order (the order `sorted` puts them in: `[0, 0, 1]` before `[0, 1, 0]`).
#   `all_schedules([])` is `[[]]`.
# - `count_lost_updates(threads)`: of all schedules of `threads` copies of `racy_increment`
#   (counter starting at 0), how many end with the counter **below** `threads`. Simulate each
#   schedule yourself (one read and one write per thread); do not call the explorer.
#   `threads` is between 1 and 4.
#
# ```python
# count_schedules([2, 2])   # -> 6
# all_schedules([1, 1])     # -> [[0, 1], [1, 0]]
# count_lost_updates(2)     # -> 4
# ```
#
# The hidden tests compare your answers with the explorer's. Exercise id: `count-interleavings`.

# %% nbgrader={"grade": false, "grade_id": "count-interleavings", "locked": false, "schema_version": 3, "solution": true, "task": false}
def count_schedules(steps: list[int]) -> int:
    """How many interleavings threads of ``steps[i]`` steps have (a multinomial coefficient)."""
    ### BEGIN SOLUTION
    count, total = 1, 0
    for n in steps:
        total += n
        count *= math.comb(total, n)
    return count
    ### END SOLUTION


def all_schedules(steps: list[int]) -> list[list[int]]:
    """Every interleaving of threads of ``steps[i]`` steps, in lexicographic order."""
    ### BEGIN SOLUTION
    left = list(steps)
    out: list[list[int]] = []

    def extend(prefix: list[int]) -> None:
        if not any(left):
            out.append(list(prefix))
            return
        for tid, n in enumerate(left):
            if n:
                left[tid] -= 1
                prefix.append(tid)
                extend(prefix)
                prefix.pop()
                left[tid] += 1

    extend([])
    return out
    ### END SOLUTION


def count_lost_updates(threads: int) -> int:
    """Schedules of ``threads`` racy increments that end below ``threads``."""
    ### BEGIN SOLUTION
    lost = 0
    for schedule in all_schedules([2] * threads):
        counter, seen, done = 0, [None] * threads, [0] * threads
        for tid in schedule:
            if done[tid] == 0:
                seen[tid] = counter
            else:
                counter = seen[tid] + 1
            done[tid] += 1
        lost += counter < threads
    return lost
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "count-interleavings-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
check(count_schedules([2, 2]), 6, "count_schedules([2, 2])")
check(count_schedules([]), 1, "count_schedules([])")
check(all_schedules([1, 1]), [[0, 1], [1, 0]], "all_schedules([1, 1])")
check(all_schedules([]), [[]], "all_schedules([])")
check(count_lost_updates(2), 4, "count_lost_updates(2)")
print("count-interleavings: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "count-interleavings-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
def _pauses(n):
    for _ in range(n):
        yield ("pause",)


_rng = course.rng(41)
_cases = [[1], [0], [3], [1, 1], [2, 1], [0, 2], [2, 0, 1], [1, 1, 1], [3, 2], [2, 2, 2], [1, 2, 3]]
_cases += [[int(_rng.integers(0, 4)) for _ in range(int(_rng.integers(1, 4)))] for _ in range(6)]
for _steps in _cases:
    # The oracle: the explorer enumerates every schedule of threads that only pause.
    _explored = explore([(_pauses, _n) for _n in _steps], {}).schedules()
    check(count_schedules(list(_steps)), len(_explored), f"count_schedules({_steps})")
    check(all_schedules(list(_steps)), _explored, f"all_schedules({_steps})")
# Large counts: the multinomial coefficient, computed independently from factorials.
for _steps in ([30, 30, 30], [50, 1], [10, 0, 7, 3]):
    _expected = math.factorial(sum(_steps))
    for _n in _steps:
        _expected //= math.factorial(_n)
    check(count_schedules(list(_steps)), _expected, f"count_schedules({_steps})")
for _threads in (1, 2, 3, 4):
    # The oracle: the explorer's count of runs that lose an update.
    _explored = explore([racy_increment] * _threads, {"counter": 0},
                        check=lambda state, results, n=_threads: state["counter"] == n)
    check(count_lost_updates(_threads), len(_explored.failures), f"count_lost_updates({_threads})")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3: fix the lost update (2 points)
#
# Write the generator function `safe_increment()`: a thread that adds one to the shared
# `"counter"` so that no update is ever lost, in every interleaving of any number of copies of it,
# using the lock named `"lock"` (nothing else needs locking). It **returns** (with `return`) the
# value it wrote, so n threads return 1, 2, ..., n in some order. It must release the lock before
# it ends: a thread that keeps it blocks everyone else for ever.
#
# The hidden tests explore every interleaving of 1, 2 and 3 threads: no lost update, no deadlock,
# each value returned once. Exercise id: `fix-lost-update`.

# %% nbgrader={"grade": false, "grade_id": "fix-lost-update", "locked": false, "schema_version": 3, "solution": true, "task": false}
def safe_increment():
    """A thread (generator of operations) that increments "counter" under "lock"."""
    ### BEGIN SOLUTION
    yield ("acquire", "lock")
    value = yield ("read", "counter")
    yield ("write", "counter", value + 1)
    yield ("release", "lock")
    return value + 1
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "fix-lost-update-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your thread.
_result = explore([safe_increment, safe_increment], {"counter": 0},
                  check=lambda state, results: state["counter"] == 2)
print(_result)
check(_result.counts().get("ok", 0), _result.interleavings, "runs of 2 threads that end ok")
print("fix-lost-update: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "fix-lost-update-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
def _exact(n):
    def verdict(state, results):
        if state["counter"] != n:
            return f"the counter ended at {state['counter']}, not {n}"
        if sorted(results) != list(range(1, n + 1)):
            return f"the threads returned {results}, not 1 to {n} once each"
        return True
    return verdict


for _n in (1, 2, 3):
    # The oracle: every interleaving, judged by the counter and the returned values.
    _result = explore([safe_increment] * _n, {"counter": 0}, check=_exact(_n),
                      stop_at_first_failure=True)
    if _result.failures:
        print(_result.failures[0])
    check(_result.counts(), {"ok": len(_result.outcomes)},
          f"how every interleaving of {_n} safe_increment thread(s) ends")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4: thread-safe get-or-create, with real threads (3 points)
#
# A cache that builds a value the first time a key is asked for is a check-then-act: two threads
# that both see the key missing both build it. Write `get_or_create(cache, lock, key, factory)`
# for **real** threads:
#
# - `cache` behaves like a `dict` (`key in cache`, `cache[key]`, `cache.get(key)`,
#   `cache[key] = value`); `lock` is a `threading.Lock` shared by every caller;
#   `factory(key)` builds the value for `key`;
# - return the value stored in `cache` for `key`, calling `factory(key)` and storing its result
#   if the key is missing;
# - however many threads call it at once, `factory` runs **at most once per key**, and every
#   caller gets the same stored value.
#
# The hidden tests pass a grader's `cache` that makes every thread arrive at the "is the key
# there?" check together (a forced overlap, as in the lecture), so a race shows up on every run.
# Exercise id: `get-or-create`.

# %% nbgrader={"grade": false, "grade_id": "get-or-create", "locked": false, "schema_version": 3, "solution": true, "task": false}
def get_or_create(cache, lock, key, factory):
    """The value cached for ``key``, built once by ``factory(key)`` whatever the threads do."""
    ### BEGIN SOLUTION
    with lock:
        if key not in cache:
            cache[key] = factory(key)
        return cache[key]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "get-or-create-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
# A SharedDict is a dict that the grader shares with your code (a plain dict would be copied).
_cache, _lock, _factory = SharedDict(), threading.Lock(), CountingFactory()
check(get_or_create(_cache, _lock, "a", _factory), "a#1", "get_or_create(cache, lock, 'a', factory)")
check(get_or_create(_cache, _lock, "a", _factory), "a#1", "a second get_or_create(..., 'a', ...)")
check(_factory.calls, {"a": 1}, "the factory's calls per key")
# Four real threads at once, all asking for "b":
_reports = run_threads([(get_or_create, (_cache, _lock, "b", _factory))] * 4)
check([r["result"] for r in _reports], ["b#1"] * 4, "what 4 threads asking for 'b' got")
print("get-or-create: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "get-or-create-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
for _threads, _keys in ((2, ["k"]), (3, ["k"]), (4, ["x", "y"]), (3, [0, 1, 2])):
    # The forced overlap: lookups of a missing key wait until all threads have made one (or 0.3 s).
    _cache, _lock, _factory = GatedDict(_threads, timeout=0.3), threading.Lock(), CountingFactory()
    for _key in _keys:
        _reports = run_threads([(get_or_create, (_cache, _lock, _key, _factory))] * _threads,
                               timeout=10)
        check([r["error"] for r in _reports], [None] * _threads, f"errors of {_threads} threads")
        check([r["alive"] for r in _reports], [False] * _threads,
              f"threads still running (deadlocked?) after 10 s, asking for {_key!r}")
        check(_factory.calls.get(_key), 1, f"factory calls for {_key!r} by {_threads} threads")
        check([r["result"] for r in _reports], [f"{_key}#1"] * _threads,
              f"what {_threads} threads asking for {_key!r} got")
    check(_cache.snapshot(), {_k: f"{_k}#1" for _k in _keys}, "the cache afterwards")
# A key already present: the factory is not called again.
_cache, _lock, _factory = {"p": "old"}, threading.Lock(), CountingFactory()
check(get_or_create(_cache, _lock, "p", _factory), "old", "get_or_create for a key already cached")
check(_factory.calls, {}, "factory calls for a key already cached")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 5: deadlock-free transfers (3 points)
#
# Write the generator function `transfer(src, dst, amount)`: a thread that moves `amount` from
# account `src` to account `dst`. Each account is a shared variable named by the account (its
# balance, an `int`), with its own lock named `"lock:" + account`. Rules:
#
# - take the locks of **both** accounts before reading or writing either balance, and change both
#   balances while holding both (another thread holding both locks must never see money in
#   flight); release both before the thread ends;
# - take the two locks in one global order, whatever the direction of the transfer: first the
#   lock of the account whose name is **smaller in Python's `str` order** (the order `sorted`
#   gives), then the other. Lock names compare the same way, since they all start with
#   `"lock:"`: `transfer("bob", "alice", 5)` takes `"lock:alice"`, then `"lock:bob"`. Then no set
#   of transfers running together can deadlock. Other threads use the same order: the hidden tests
#   run an auditor that takes both locks in this increasing order, so any other order (even one
#   your transfers all share, such as decreasing) can deadlock with it. The order in which you
#   release the locks does not matter;
# - `src == dst` is allowed and must leave the balance where it was. Doing nothing at all is
#   fine; if your thread does read or write the balance, it must hold that account's lock while it
#   does, as for any transfer, and take it only **once** (a lock acquired twice by one thread
#   blocks for ever);
# - balances may go negative (no overdraft check); return nothing.
#
# The hidden tests explore every interleaving of cyclic transfers (`a -> b` with `b -> a`;
# `a -> b`, `b -> c`, `c -> a`), self-transfers, and an auditor that takes both locks (in the same
# order) and reads the total. Exercise id: `transfers`.

# %% nbgrader={"grade": false, "grade_id": "transfers", "locked": false, "schema_version": 3, "solution": true, "task": false}
def transfer(src: str, dst: str, amount: int):
    """A thread that moves ``amount`` from ``src`` to ``dst``, locking both in name order."""
    ### BEGIN SOLUTION
    for account in sorted({src, dst}):
        yield ("acquire", "lock:" + account)
    if src != dst:
        balance = yield ("read", src)
        yield ("write", src, balance - amount)
        balance = yield ("read", dst)
        yield ("write", dst, balance + amount)
    for account in sorted({src, dst}, reverse=True):
        yield ("release", "lock:" + account)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "transfers-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your thread.
_result = explore([(transfer, "alice", "bob", 10), (transfer, "bob", "alice", 5)],
                  {"alice": 100, "bob": 100})
print(_result)
check(_result.counts(), {"ok": _result.interleavings}, "how every interleaving ends")
check(_result.outcomes[0].state, {"alice": 95, "bob": 105}, "the balances afterwards")
print("transfers: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "transfers-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
def _auditor(accounts):
    for _a in sorted(accounts):
        yield ("acquire", "lock:" + _a)
    _total = 0
    for _a in accounts:
        _total += yield ("read", _a)
    for _a in sorted(accounts):
        yield ("release", "lock:" + _a)
    return _total


def _sequential(init, moves):
    # The oracle: the balances after the transfers one at a time (order does not matter).
    _state = dict(init)
    for _src, _dst, _amount in moves:
        _state[_src] -= _amount
        _state[_dst] += _amount
    return _state


_init = {"a": 50, "b": 60, "c": 70}
for _moves, _audit in (
    ([("a", "b", 10), ("b", "a", 7)], ["a", "b"]),
    ([("b", "a", 80)], ["a", "b"]),
    ([("a", "a", 10)], None),
    ([("a", "a", 10), ("a", "b", 5)], None),
    ([("a", "b", 10), ("b", "a", 25)], None),
    ([("a", "b", 10), ("b", "c", 20), ("c", "a", 30)], None),
):
    _threads = [(transfer, _s, _d, _m) for _s, _d, _m in _moves]
    if _audit:
        _threads.append((_auditor, _audit))
    _expected = _sequential(_init, _moves)
    _total = sum(_init[_a] for _a in _audit or [])

    def _verdict(state, results, expected=_expected, total=_total, audited=bool(_audit)):
        if state != expected:
            return f"the balances ended as {state}, not {expected}"
        if audited and results[-1] != total:
            return f"an auditor holding both locks saw a total of {results[-1]}, not {total}"
        return True

    _result = explore(_threads, _init, check=_verdict, stop_at_first_failure=True)
    if _result.failures:
        print(_result.failures[0])
    check(_result.counts(), {"ok": len(_result.outcomes)},
          f"how every interleaving of the transfers {_moves} ends"
          + (" (with an auditor)" if _audit else ""))
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 6: a bounded buffer with a condition (3 points)
#
# A bounded buffer lets producers hand items to consumers through a list of at most `capacity`
# items. Write two generator functions over the shared variables `"items"` (a `list`, oldest
# first) and `"capacity"` (an `int`, at least 1), guarded by the lock `"lock"`:
#
# - `put(item)`: wait while the buffer is full, then append `item`;
# - `get()`: wait while the buffer is empty, then remove the **oldest** item and return it.
#
# Wait with `("wait", cond, "lock")` on conditions you name yourself. Rules: the buffer never
# holds more than `capacity` items (checked after every step); items come out in the order they
# went in; no deadlock when there are as many `get`s as `put`s, whatever the number of producers
# and consumers; and **a wait may return without a notify** (a spurious wakeup, which real
# condition variables allow): re-check before going on. Release the lock before returning. Other
# threads use the buffer only through `put` and `get`.
#
# After changing the buffer, wake a thread that can now go on. `("notify", cond)` wakes only
# the longest waiter of `cond`, so choose between these, both accepted:
#
# - separate conditions for "there is room" (producers wait on it) and "there is an item"
#   (consumers wait on it), each woken with `notify` (or `notify_all`);
# - one condition that producers and consumers share, woken with `notify_all`.
#
# One shared condition woken with `notify` is **not** correct: a producer's notify can wake
# another producer instead of the consumer that could go on, and the hidden tests find the
# interleaving where every thread ends up waiting (a deadlock).
#
# The hidden tests run producers that `yield from put(x)` and consumers that `yield from get()`
# under every interleaving, with spurious wakeups. Exercise id: `bounded-buffer`.

# %% nbgrader={"grade": false, "grade_id": "bounded-buffer", "locked": false, "schema_version": 3, "solution": true, "task": false}
def put(item):
    """A thread step sequence that appends ``item`` once the buffer has room."""
    ### BEGIN SOLUTION
    yield ("acquire", "lock")
    items = yield ("read", "items")
    capacity = yield ("read", "capacity")
    while len(items) >= capacity:
        yield ("wait", "not_full", "lock")
        items = yield ("read", "items")
    yield ("write", "items", items + [item])
    yield ("notify", "not_empty")
    yield ("release", "lock")
    ### END SOLUTION


def get():
    """A thread step sequence that removes and returns the oldest item once there is one."""
    ### BEGIN SOLUTION
    yield ("acquire", "lock")
    items = yield ("read", "items")
    while not items:
        yield ("wait", "not_empty", "lock")
        items = yield ("read", "items")
    yield ("write", "items", items[1:])
    yield ("notify", "not_full")
    yield ("release", "lock")
    return items[0]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "bounded-buffer-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
def _producer(values):
    for _v in values:
        yield from put(_v)


def _consumer(n):
    _got = []
    for _ in range(n):
        _got.append((yield from get()))
    return _got


_result = explore([(_producer, [1, 2, 3]), (_consumer, 3)], {"items": [], "capacity": 1},
                  invariant=lambda state: len(state["items"]) <= state["capacity"])
print(_result)
check(_result.counts(), {"ok": _result.interleavings}, "how every interleaving ends")
check(_result.outcomes[0].results, [None, [1, 2, 3]], "what the producer and consumer returned")
print("bounded-buffer: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "bounded-buffer-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
def _fifo_verdict(produced):
    def verdict(state, results):
        # The oracle: the rules themselves. Everything put was got, exactly once; each
        # consumer saw each producer's items in the order that producer put them.
        _got = [_x for _r in results if isinstance(_r, list) for _x in _r]
        if sorted(_got) != sorted(_x for _p in produced for _x in _p):
            return f"consumers got {_got}, but producers put {produced}"
        for _r in results:
            if isinstance(_r, list):
                for _p in produced:
                    _mine = [_x for _x in _r if _x in _p]
                    if _mine != sorted(_mine, key=_p.index):
                        return f"a consumer got {_r}: out of the order they were put ({_p})"
        if state["items"]:
            return f"items left in the buffer: {state['items']}"
        return True
    return verdict


def _fits(state):
    if len(state["items"]) > state["capacity"]:
        return f"the buffer holds {state['items']}, over its capacity {state['capacity']}"
    return True


for _produced, _consumers, _capacity, _spurious in (
    ([[1, 2, 3]], [3], 1, 1),
    ([[1, 2, 3]], [3], 2, 1),
    ([[1], [2]], [1, 1], 1, 0),
    ([[1], [2]], [1, 1], 1, 1),
    ([[1, 2]], [1, 1], 1, 1),
    ([[1], [2]], [2], 1, 1),
):
    _threads = [(_producer, _p) for _p in _produced] + [(_consumer, _c) for _c in _consumers]
    _result = explore(_threads, {"items": [], "capacity": _capacity}, spurious=_spurious,
                      check=_fifo_verdict(_produced), invariant=_fits,
                      stop_at_first_failure=True)
    if _result.failures:
        print(_result.failures[0])
    check(_result.counts(), {"ok": len(_result.outcomes)},
          f"how every interleaving ends: producers {_produced}, consumers taking {_consumers}, "
          f"capacity {_capacity}, {_spurious} spurious wakeup(s) allowed")
### END HIDDEN TESTS

# %% [markdown]
# ## Done
#
# Press **Validate**. The lectures go on with asyncio, where the same bugs live inside one thread,
# and with types that make them impossible to write.
