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
# # Assignment 4b: worker pools, an owning mutex and asyncio, graded deterministically
#
# **Time:** about 3 hours. **Points:** 12. **Prerequisites:** assignment 4a, and the lectures
# `03-conditions-and-queues`, `04-asyncio` and `05-making-it-impossible` in
# `notebooks/04-concurrency/`.
#
# 1. **Pipeline shutdown** (3 points): a worker pool over `queue.Queue`.
# 2. **A Mutex that owns its value** (3 points), in the style of Rust's `Mutex<T>`.
# 3. **An asyncio crawler** (3 points): bounded, ordered, cancellable.
# 4. **State across awaits** (3 points): an account that never overdraws, and background tasks
#    that are not lost.
#
# The hidden tests never measure time. For threads they use *forced overlaps*: collaborators
# that wait until several of your threads are inside the same region at once (so a race shows up
# on every run), with timeouts everywhere, so a deadlock costs seconds and only that exercise's
# points. For asyncio they run your code under the course's **seeded event loop**
# (`course.concurrency.seeded.run(coro, seed=...)`), which runs ready tasks in a different,
# repeatable order per seed, on a virtual clock (so `asyncio.sleep` costs no real time): a correct
# answer gives the same result under every seed. Try it yourself on your own code.
#
# Work as before; results are compared strictly by type. Keep the names and parameters.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import asyncio
import contextlib
import queue
import threading

import course
from course.concurrency.overlap import Rendezvous, run_threads
from course.concurrency.probes import (
    attributes_holding,
    crawl_report,
    run_counted,
    spawn_report,
    spawned_result,
    withdraw_report,
)
from course.concurrency.seeded import run  # noqa: F401 - for trying your code yourself
from course.grading.inside import in_learner
from course.grading.observe import ThreadWatch
from course.learner.checking import check, check_raises

# %% [markdown]
# ## Exercise 7: pipeline shutdown (3 points)
#
# Write `run_pipeline(jobs, work, workers)`: compute `work(job)` for every job with a pool of
# `workers` threads (`workers >= 1`) that take jobs from a `queue.Queue`, and return the results
# as a `list` **in the order of `jobs`**. Rules:
#
# - the pool really runs in parallel: up to `workers` calls of `work` may be in progress at once
#   (with at least `workers` jobs, the hidden tests' `work` waits until `workers` calls have
#   started, so a pool that runs one job at a time fails);
# - `work` is called exactly once per job (when nothing raises); `jobs` may be empty, or have
#   fewer jobs than `workers`: then some workers get no job at all, and they must stop too;
# - if a call of `work` raises, `run_pipeline` raises that same exception (if several raise, any
#   one of them), after the pool has stopped; jobs not yet started may be skipped;
# - when `run_pipeline` returns or raises, every thread it started has finished. Stop the
#   workers with one sentinel per worker (or another way that cannot leave one waiting).
#
# ```python
# run_pipeline([1, 2, 3], lambda x: x * x, workers=2)   # -> [1, 4, 9]
# ```
#
# Exercise id: `pipeline`.

# %% nbgrader={"grade": false, "grade_id": "pipeline", "locked": false, "schema_version": 3, "solution": true, "task": false}
def run_pipeline(jobs: list, work, workers: int) -> list:
    """``[work(job) for job in jobs]``, computed by ``workers`` threads, in the order of jobs."""
    ### BEGIN SOLUTION
    tasks: queue.Queue = queue.Queue()
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []
    stop = object()

    def worker() -> None:
        while True:
            item = tasks.get()
            if item is stop:
                return
            index, job = item
            if errors:
                continue  # something failed: skip the jobs left, but keep draining
            try:
                results[index] = work(job)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
                errors.append(exc)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in enumerate(jobs):
        tasks.put(item)
    for _ in threads:
        tasks.put(stop)
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "pipeline-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
# Each call runs in a daemon thread with a timeout, so a pool that never stops costs 10 s.
def _square(x):
    return x * x


def _fails(x):
    if x == 2:
        raise ValueError("job 2 failed")
    return x


# run_counted runs it next to your code and counts the threads still running afterwards;
# ThreadWatch counts your process's threads before and after (when graded: from outside).
_watch = ThreadWatch()
_report = in_learner(run_counted, run_pipeline, ([1, 2, 3], _square, 2), timeout=10)
check(_report, {"result": [1, 4, 9], "error": None, "alive": False, "threads_left": 0},
      "run_pipeline([1, 2, 3], square, 2) (alive: still running after 10 s; threads_left: "
      "threads it started still running after it returned)")
check(_watch.left(), 0, "threads still running after run_pipeline([1, 2, 3], square, 2)")
_report = in_learner(run_counted, run_pipeline, ([], _square, 3), timeout=10)
check(_report["result"], [], "run_pipeline([], square, 3)")
_report = in_learner(run_counted, run_pipeline, ([1, 2, 3], _fails, 2), timeout=10)
check(_report["error"], "ValueError: job 2 failed", "what run_pipeline raised when job 2 failed")
print("pipeline: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "pipeline-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
def _pipeline(jobs, work, workers):
    # Run the learner's function in a daemon thread, so a hang costs 10 s, not the whole grading;
    # run_counted counts, next to the learner's code, the threads it left running; the
    # ThreadWatch counts them again from the judge (the OS's count of the learner's process).
    _watch = ThreadWatch()
    _report = in_learner(run_counted, run_pipeline, (jobs, work, workers), timeout=10)
    check(_watch.left(), 0, f"threads still running after run_pipeline(<{len(jobs)} jobs>, ..., "
          f"{workers}) ended (a worker waiting for ever?)")
    check(_report["alive"], False, f"run_pipeline(<{len(jobs)} jobs>, ..., {workers}) still "
          "running after 10 s (a worker waiting for ever?)")
    check(_report["threads_left"], 0, f"threads still running after run_pipeline(<"
          f"{len(jobs)} jobs>, ..., {workers}) ended")
    return _report


for _workers in (1, 2, 4):
    # The forced overlap: the first `workers` calls wait until all of them have started.
    _gate, _calls, _lock = Rendezvous(_workers, timeout=0.5), {}, threading.Lock()

    def _work(x, gate=_gate, calls=_calls, lock=_lock):
        with lock:
            calls[x] = calls.get(x, 0) + 1
        gate.arrive()
        return 10 * x

    _jobs = list(range(3 * _workers))
    _report = _pipeline(_jobs, _work, _workers)
    check(_report["error"], None, f"run_pipeline(<{len(_jobs)} jobs>, ..., {_workers}) raised")
    check(_report["result"], [10 * x for x in _jobs], f"results of {len(_jobs)} jobs")
    check(_calls, {x: 1 for x in _jobs}, "calls of work per job")
    check(_gate.met >= 1, True, f"{_workers} calls of work in progress at once with {_workers} "
          "workers")

# Completion order differs from input order: job 0 finishes only after job 1 has.
_done_1 = threading.Event()


def _slow_first(x):
    if x == 0:
        _done_1.wait(timeout=2)
    if x == 1:
        _done_1.set()
    return f"r{x}"


_report = _pipeline([0, 1, 2, 3], _slow_first, 2)
check(_report["result"], ["r0", "r1", "r2", "r3"], "results when job 0 finishes after job 1")


# Fewer jobs than workers: the workers that get no job stop too.
def _plus_one(x):
    return x + 1


for _jobs, _workers in (([5, 6], 4), ([7], 3)):
    _report = _pipeline(_jobs, _plus_one, _workers)
    check(_report["result"], [x + 1 for x in _jobs], f"run_pipeline({_jobs}, plus_one, {_workers})")

# A failing job: its exception reaches the caller, and no thread is left behind.
for _bad, _workers in ((0, 1), (3, 2), (5, 3)):
    def _boom(x, bad=_bad):
        if x == bad:
            raise KeyError(f"job {x}")
        return x

    _report = _pipeline(list(range(6)), _boom, _workers)
    check(_report["error"], f"KeyError: 'job {_bad}'", f"what run_pipeline raised when job {_bad} "
          f"failed with {_workers} workers")
check(_pipeline([], _boom, 2)["result"], [], "run_pipeline([], ..., 2)")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 8: a Mutex that owns its value (3 points)
#
# In Rust, `Mutex<T>` *owns* the data it protects: the only way to reach the value is through a
# guard you get by locking, and the compiler stops you from keeping the guard's reference after
# the unlock. Python cannot check that before the program runs, but it can check it while it runs.
# Write the classes `Guard` and `Mutex` (`contextlib.contextmanager` is one way to write
# `lock`; the set-up cell imports `contextlib`):
#
# - `Mutex(value)` keeps `value` in a **private** attribute of the instance (a name starting
#   with `_`, such as `self._value`; `Guard` may use it); no public attribute set on a `Mutex`
#   instance (a name without a leading `_`) may hold the value;
# - `m.lock()` returns a context manager. `with m.lock() as guard:` acquires the mutex's own lock
#   (one `threading.Lock` per `Mutex`: holding one mutex never blocks another) and gives a
#   `Guard`, whose `guard.value` reads and `guard.value = new` replaces the protected value;
# - leaving the `with` block releases the lock, also when the block raises (the exception goes
#   on), and **invalidates the guard**: reading or setting `guard.value` afterwards raises
#   `RuntimeError`.
#
# ```python
# counter = Mutex(0)
# with counter.lock() as guard:
#     guard.value += 1
# guard.value   # RuntimeError: the guard was used after its lock was released
# ```
#
# The hidden tests count increments from several real threads, forcing them to overlap inside
# the `with` block if your lock lets them. Exercise id: `mutex`.

# %% nbgrader={"grade": false, "grade_id": "mutex", "locked": false, "schema_version": 3, "solution": true, "task": false}
class Guard:
    """What ``with m.lock() as guard`` gives: ``guard.value`` while the lock is held."""

    def __init__(self, mutex: "Mutex") -> None:
        ### BEGIN SOLUTION
        self._mutex: Mutex | None = mutex
        ### END SOLUTION

    @property
    def value(self):
        """The protected value; RuntimeError once the lock has been released."""
        ### BEGIN SOLUTION
        if self._mutex is None:
            raise RuntimeError("the guard was used after its lock was released")
        return self._mutex._value
        ### END SOLUTION

    @value.setter
    def value(self, new) -> None:
        ### BEGIN SOLUTION
        if self._mutex is None:
            raise RuntimeError("the guard was used after its lock was released")
        self._mutex._value = new
        ### END SOLUTION


class Mutex:
    """A value reachable only through a :class:`Guard`, while the mutex's lock is held."""

    def __init__(self, value) -> None:
        ### BEGIN SOLUTION
        self._value = value
        self._lock = threading.Lock()
        ### END SOLUTION

    def lock(self):
        """A context manager: ``with m.lock() as guard`` holds the lock inside the block."""
        ### BEGIN SOLUTION
        @contextlib.contextmanager
        def holding():
            with self._lock:
                guard = Guard(self)
                try:
                    yield guard
                finally:
                    guard._mutex = None

        return holding()
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "mutex-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your class.
_m = Mutex(0)
with _m.lock() as _guard:
    _guard.value += 1
    check(_guard.value, 1, "guard.value inside the block")
check_raises(getattr, (_guard, "value"), RuntimeError, "reading guard.value after the block")
with _m.lock() as _guard:
    check(_guard.value, 1, "the value in a second block")


def _bump_many(m, n):
    for _ in range(n):
        with m.lock() as g:
            g.value = g.value + 1


_reports = run_threads([(_bump_many, (_m, 250))] * 4, timeout=60)
check([(r["alive"], r["error"]) for r in _reports], [(False, None)] * 4,
      "(still running after 60 s, error) of the 4 threads")
with _m.lock() as _guard:
    check(_guard.value, 1001, "the value after 4 threads added 250 each")
print("mutex: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "mutex-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
# Forced overlap: inside the block, each thread waits (up to 0.05 s) for the others to arrive
# between its read and its write. With a real lock they never can, so nothing is lost.
for _threads in (2, 4):
    _m, _gate = Mutex(100), Rendezvous(_threads, timeout=0.05)

    def _increment(m, rounds, gate=_gate):
        for _ in range(rounds):
            with m.lock() as g:
                _v = g.value
                gate.arrive()
                g.value = _v + 1

    _reports = run_threads([(_increment, (_m, 3))] * _threads, timeout=10)
    check([r["alive"] for r in _reports], [False] * _threads, "threads still waiting after 10 s")
    check([r["error"] for r in _reports], [None] * _threads, "errors in the threads")
    with _m.lock() as _guard:
        check(_guard.value, 100 + 3 * _threads, f"the value after {_threads} threads added 3 each")
    check(_gate.met, 0, f"times {_threads} threads were inside the block at once")

# The guard is dead after the block, for reading and for writing; the value survives.
_m = Mutex([1, 2])
with _m.lock() as _guard:
    _guard.value = _guard.value + [3]
check_raises(getattr, (_guard, "value"), RuntimeError, "reading a released guard's value")


def _set_after(g):
    g.value = "late"


check_raises(_set_after, (_guard,), RuntimeError, "setting a released guard's value")
with _m.lock() as _guard:
    check(_guard.value, [1, 2, 3], "the value changed through the guard")

# A block that raises: the exception goes on, the lock is released, the guard is dead.
_m = Mutex(7)


def _raising_block():
    with _m.lock() as g:
        g.value = 8
        raise ZeroDivisionError("inside the block")


check_raises(_raising_block, (), ZeroDivisionError, "an exception inside the with block")


def _read(m):
    with m.lock() as g:
        return g.value


(_report,) = run_threads([(_read, (_m,))], timeout=2)
check(_report["alive"], False, "a thread taking the lock after a block raised (still blocked 2 s "
      "later: was the lock released?)")
check(_report["result"], 8, "the value after the block that raised")

# Each Mutex has its own lock: holding one does not block another, and a mutex is not public.
_a, _b = Mutex("a"), Mutex("b")


def _nested(x, y):
    with x.lock() as gx, y.lock() as gy:
        return gx.value + gy.value


(_report,) = run_threads([(_nested, (_a, _b))], timeout=2)
check(_report["alive"], False, "holding one Mutex while locking another (blocked 2 s)")
check(_report["result"], "ab", "values read while holding two mutexes")
# The attributes stored on the instance (its __dict__ and slots), read next to your code without
# asking your class (vars(), getattr and == would run its __dict__, __getattribute__, __eq__).
_holding = in_learner(attributes_holding, Mutex("secret"), "secret")
check([_n for _n in _holding if not _n.startswith("_")], [],
      "public attributes of a Mutex that hold its value")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 9: an asyncio crawler (3 points)
#
# Write `async def crawl(urls, fetch, limit)`, which fetches every URL with `await fetch(url)` and
# returns the results as a `list` **in the order of `urls`**. Rules:
#
# - at most `limit` calls of `fetch` are in progress at once (`limit >= 1`), and the crawl really
#   is concurrent: with at least `limit` URLs, `limit` fetches run at once at some point;
# - the URLs in `urls` are all different, and each is fetched exactly once; `urls` may be empty;
# - if a fetch raises, cancel every other fetch still running or not yet started, **wait** until
#   they have all finished (so their cleanup code runs), then raise that same exception;
# - when `crawl` returns or raises, no task it created is left unfinished;
# - the result must not depend on the order in which the event loop runs ready tasks: the hidden
#   tests run your crawl under many seeds of the seeded loop.
#
# `fetch` is an `async` function; the tests' fetch takes (virtual) time and records how many
# fetches are in progress. Exercise id: `crawler`.

# %% nbgrader={"grade": false, "grade_id": "crawler", "locked": false, "schema_version": 3, "solution": true, "task": false}
async def crawl(urls: list[str], fetch, limit: int) -> list:
    """``[await fetch(u) for u in urls]``, at most ``limit`` at a time, cancelled on error."""
    ### BEGIN SOLUTION
    slots = asyncio.Semaphore(limit)

    async def one(url):
        async with slots:
            return await fetch(url)

    tasks = [asyncio.create_task(one(url)) for url in urls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "crawler-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your crawler.
# crawl_report runs crawl(urls, fetch, limit) on the seeded loop with a fake fetch that takes
# len(url) virtual seconds, returns url.upper() and records how many fetches are in progress
# (read it: course/concurrency/probes.py). To try your crawl yourself: run(crawl(...), seed=3).
_r = in_learner(crawl_report, crawl, ["bb", "a", "ccc"], 2, seed=0)
check(_r["result"], ["BB", "A", "CCC"], "crawl 3 urls, limit 2")
check(_r["most"], 2, "most fetches in progress at once (limit 2)")
check(in_learner(crawl_report, crawl, [], 3, seed=0)["result"], [], "crawl([], fetch, 3)")
print("crawler: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "crawler-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
# The oracle: the rules themselves, observed around crawl by course.concurrency.probes.
_rng = course.rng(49)
_words = ["a", "bbbb", "cc", "ddd", "e", "ffffff", "gg", "hhh", "iiiii", "j"]
for _case in range(6):
    _urls = [str(_w) for _w in _rng.permutation(_words)[: int(_rng.integers(3, 10))]]
    _limit = int(_rng.integers(1, 5))
    for _seed in range(8):
        _r = in_learner(crawl_report, crawl, _urls, _limit, seed=_seed, timeout=10)
        _what = f"crawl({_urls}, fetch, {_limit}) under loop seed {_seed}"
        check(_r["error"], None, f"the error from {_what}")
        check(_r["result"], [_u.upper() for _u in _urls], _what)
        check(sorted(_r["started"]), sorted(_urls), f"the urls fetched by {_what}")
        check(_r["most"], min(_limit, len(_urls)), f"most fetches in progress at once in {_what}")
        check(_r["left"], 0, f"tasks left unfinished after {_what}")

# A failing fetch: the others are cancelled and cleaned up before the error reaches the caller.
for _urls, _limit, _bad in ((["a", "bb", "ccccc", "dddddd"], 4, "bb"),
                            (["ccccc", "a", "bb", "dddddd", "eee"], 2, "a"),
                            (["a", "bb"], 1, "a")):
    for _seed in range(8):
        _r = in_learner(crawl_report, crawl, _urls, _limit, fail=[_bad], seed=_seed, timeout=10)
        _what = f"crawl({_urls}, fetch, {_limit}) when {_bad!r} fails, loop seed {_seed}"
        check(_r["error"], f"cannot fetch {_bad}", f"the error raised by {_what}")
        check(sorted(_r["cleaned"]), sorted(_r["started"]),
              f"fetches cleaned up by the time {_what} raised")
        check(_r["left"], 0, f"tasks left unfinished after {_what}")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 10: state across awaits (3 points)
#
# asyncio runs one task at a time, but every `await` is a point where other tasks run: a check
# before an `await` can be stale after it. Write two things.
#
# `async def withdraw(account, lock, amount, approve)`: `account` is a `dict` with an `int` under
# `"balance"`, `lock` an `asyncio.Lock` shared by every withdrawal from that account, `approve` an
# async function. If the balance covers `amount`, call `await approve(amount)` (the bank's
# approval, which takes time), then subtract `amount` and return `True`; otherwise change nothing,
# do not call `approve`, and return `False`. However many withdrawals run at once, the balance
# must never go below 0, and a withdrawal is refused only if the balance at that moment does not
# cover it.
#
# `def spawn(coro)`: start the coroutine `coro` as a background task (`asyncio.create_task`) and
# return the task. The event loop keeps only a **weak** reference to tasks, so a task nobody
# references can be garbage-collected before it finishes. `spawn` must keep each task alive until
# it is done (for example in a module-level `set`), and then drop it, so finished tasks do not
# pile up. Exercise id: `async-state`.

# %% nbgrader={"grade": false, "grade_id": "async-state", "locked": false, "schema_version": 3, "solution": true, "task": false}
_background: set = set()  # a place to keep tasks (use it or not)


async def withdraw(account: dict, lock, amount: int, approve) -> bool:
    """Withdraw ``amount`` after ``await approve(amount)``, never overdrawing."""
    ### BEGIN SOLUTION
    async with lock:
        if account["balance"] < amount:
            return False
        await approve(amount)  # still holding the lock: nobody else can check or debit
        account["balance"] -= amount
        return True
    ### END SOLUTION


def spawn(coro):
    """Start ``coro`` as a task kept alive until it is done; return the task."""
    ### BEGIN SOLUTION
    task = asyncio.create_task(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "async-state-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
# withdraw_report runs withdraw(account, lock, amount, approve) for each amount at once, on the
# seeded loop, from an account holding 100; approve(amount) sleeps 0.01 * amount seconds.
_r = in_learner(withdraw_report, withdraw, [80, 80], 100, seed=0)
check((sorted(_r["done"]), _r["final"]), ([False, True], 20), "two withdrawals of 80 from 100")
# spawned_result awaits spawn(asyncio.sleep(1, result="slept")) on the seeded loop.
check(in_learner(spawned_result, spawn, "slept", seed=0), "slept", "awaiting a task made by spawn")
print("async-state: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "async-state-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
# The oracle: the rules, checked at the moment of each approval (withdraw_report records the
# balance then) and at the end.
for _amounts, _start in (([80, 80], 100), ([60, 50, 30, 20, 70], 100), ([10] * 6, 35),
                         ([5, 200, 5], 100), ([100, 1], 100)):
    for _seed in range(10):
        _r = in_learner(withdraw_report, withdraw, list(_amounts), _start, seed=_seed, timeout=10)
        _done, _final, _seen = _r["done"], _r["final"], _r["seen"]
        _what = f"withdrawals {_amounts} from {_start}, loop seed {_seed}"
        _taken = [_a for _a, _ok in zip(_amounts, _done, strict=True) if _ok]
        check(_final >= 0, True, f"the balance ({_final}) is not negative after {_what}")
        check(_final, _start - sum(_taken), f"the balance after {_what} (accepted {_taken})")
        check(sorted(_a for _a, _ in _seen), sorted(_taken), f"approvals asked in {_what}")
        check([_b >= _a for _a, _b in _seen], [True] * len(_seen),
              f"balance covers each approved amount when approved, in {_what}")
        _refused = [_a for _a, _ok in zip(_amounts, _done, strict=True) if not _ok]
        check([_a for _a in _refused if _a <= _final], [],
              f"refused withdrawals that the final balance {_final} still covers, in {_what}")


# Each background job waits on a future that only the job itself references: if nothing keeps
# the task alive, the garbage collector destroys it before it can finish (spawn_report).
for _seed in range(3):
    _r = in_learner(spawn_report, spawn, 4, seed=_seed, timeout=10)
    _finished, _kept = _r["finished"], _r["kept"]
    check(_finished, [0, 1, 2, 3], f"background jobs that finished (loop seed {_seed})")
    check(_kept, 0, f"finished tasks still referenced after they were done (loop seed {_seed})")
### END HIDDEN TESTS

# %% [markdown]
# ## Done
#
# Press **Validate**. You have now met, in Python, the bugs that Rust's ownership rules and its
# explicit async runtimes are designed to rule out, and the tests that catch them when no
# compiler does.
