"""Mutants for 04-concurrency: plausible wrong answers, each of which must lose points.

Format: see course/authoring/mutants_file.py. An entry states its mistake as edits of the answer
cell ('# - <solution line>' then '# + <new line>', each group matching exactly once) or, where the
code really is different, as whole functions that replace the cell's functions of the same name
(the others keep the solution's code). The set-up cells have imported math, threading, course, the
explorer (explore, replay), the lecture models and the overlap helpers.
"""

import asyncio  # noqa: F401 - for the linter: the set-up cells import these
import contextlib  # noqa: F401
import math  # noqa: F401
import queue  # noqa: F401
import threading  # noqa: F401

Guard = _background = None  # defined by the answer cells


# %% mutant be-the-scheduler in interleavings.ipynb: runs the threads one after the other
# - return [0, 1, 0, 1]
# + return [0, 0, 1, 1]


# %% mutant be-the-scheduler in interleavings.ipynb: stops listing steps once the harm is done
# - return [0, 1, 0, 1]
# + return [0, 1, 0]


# %% mutant be-the-scheduler in interleavings.ipynb: three threads that lose only one update
# - return [0, 1, 2, 0, 1, 2]
# + return [0, 1, 0, 1, 2, 2]


# %% mutant be-the-scheduler in interleavings.ipynb: each transfer takes both of its locks first
# - return [0, 1]
# + return [0] * 8 + [1] * 8


# %% alternative be-the-scheduler in interleavings.ipynb: the mirror-image schedules, as tuples
def lost_update_schedule():
    return list((1, 0, 0, 1))


def two_lost_schedule():
    return [2, 1, 0, 0, 1, 2]


def deadlock_schedule():
    return [1, 0]


# %% mutant count-interleavings in interleavings.ipynb: forgets to divide by each thread's orders
def count_schedules(steps):
    return math.factorial(sum(steps))


# %% mutant count-interleavings in interleavings.ipynb: lists schedules newest-thread first
def all_schedules(steps):
    import itertools

    pool = [t for t, n in enumerate(steps) for _ in range(n)]
    return [list(p) for p in sorted(set(itertools.permutations(pool)), reverse=True)]


# %% mutant count-interleavings in interleavings.ipynb: counts only runs that end at 1
# - lost += counter < threads
# + lost += counter == 1


# %% mutant count-interleavings in interleavings.ipynb: the empty list has no schedule
# - """How many interleavings threads of ``steps[i]`` steps have (a multinomial coefficient)."""
# + """How many interleavings threads of ``steps[i]`` steps have (a multinomial coefficient)."""
# + if not steps:
# +     return 0

# - left = list(steps)
# - out: list[list[int]] = []
# + if not steps:
# +     return []
# + left, out = list(steps), []

# - prefix.append(tid)
# - extend(prefix)
# - prefix.pop()
# + extend(prefix + [tid])


# %% alternative count-interleavings in interleavings.ipynb: a memoised recurrence and itertools
def count_schedules(steps):
    from functools import cache

    @cache
    def ways(left):
        if not any(left):
            return 1
        return sum(ways(left[:i] + (n - 1,) + left[i + 1 :]) for i, n in enumerate(left) if n)

    return ways(tuple(steps))


def all_schedules(steps):
    import itertools

    pool = [t for t, n in enumerate(steps) for _ in range(n)]
    return [list(p) for p in sorted(set(itertools.permutations(pool)))]


# %% mutant fix-lost-update in interleavings.ipynb: locks around the write only
# - """A thread (generator of operations) that increments "counter" under "lock"."""
# - yield ("acquire", "lock")
# - value = yield ("read", "counter")
# + """A thread (generator of operations) that increments "counter" under "lock"."""
# + value = yield ("read", "counter")
# + yield ("acquire", "lock")


# %% mutant fix-lost-update in interleavings.ipynb: never releases the lock
# - yield ("release", "lock")


# %% mutant fix-lost-update in interleavings.ipynb: reads the counter again for its return value
# - return value + 1
# + value = yield ("read", "counter")
# + return value


# %% alternative fix-lost-update in interleavings.ipynb: pauses inside the lock, returns early
def safe_increment():
    yield ("acquire", "lock")
    new = (yield ("read", "counter")) + 1
    yield ("pause",)
    yield ("write", "counter", new)
    yield ("release", "lock")
    return new


# %% mutant get-or-create in interleavings.ipynb: no lock (check-then-act race)
def get_or_create(cache, lock, key, factory):
    if key not in cache:
        cache[key] = factory(key)
    return cache[key]


# %% mutant get-or-create in interleavings.ipynb: locks only the store, not the check
def get_or_create(cache, lock, key, factory):
    if key not in cache:
        value = factory(key)
        with lock:
            cache[key] = value
    return cache[key]


# %% mutant get-or-create in interleavings.ipynb: double-checked, but forgets the second check
def get_or_create(cache, lock, key, factory):
    value = cache.get(key)
    if value is None:
        with lock:
            value = factory(key)
            cache[key] = value
    return value


# %% mutant get-or-create in interleavings.ipynb: setdefault builds the value on every call
def get_or_create(cache, lock, key, factory):
    with lock:
        return cache.setdefault(key, factory(key))


# %% alternative get-or-create in interleavings.ipynb: double-checked locking
def get_or_create(cache, lock, key, factory):
    if key in cache:
        return cache[key]
    lock.acquire()
    try:
        if key not in cache:
            cache[key] = factory(key)
        return cache[key]
    finally:
        lock.release()


# %% mutant transfers in interleavings.ipynb: locks source then destination (opposite orders)
# - for account in sorted({src, dst}):
# + for account in dict.fromkeys([src, dst]):

# - for account in sorted({src, dst}, reverse=True):
# + for account in dict.fromkeys([dst, src]):


# %% mutant transfers in interleavings.ipynb: sorted order, but a self-transfer locks twice
def transfer(src, dst, amount):
    for account in sorted([src, dst]):
        yield ("acquire", "lock:" + account)
    balance = yield ("read", src)
    yield ("write", src, balance - amount)
    balance = yield ("read", dst)
    yield ("write", dst, balance + amount)
    for account in sorted([src, dst]):
        yield ("release", "lock:" + account)


# %% mutant transfers in interleavings.ipynb: one account locked at a time (money in flight)
def transfer(src, dst, amount):
    yield ("acquire", "lock:" + src)
    balance = yield ("read", src)
    yield ("write", src, balance - amount)
    yield ("release", "lock:" + src)
    yield ("acquire", "lock:" + dst)
    balance = yield ("read", dst)
    yield ("write", dst, balance + amount)
    yield ("release", "lock:" + dst)


# %% mutant transfers in interleavings.ipynb: releases the locks before writing the destination
def transfer(src, dst, amount):
    first, second = sorted([src, dst])
    yield ("acquire", "lock:" + first)
    if second != first:
        yield ("acquire", "lock:" + second)
    balance = yield ("read", src)
    yield ("write", src, balance - amount)
    if second != first:
        yield ("release", "lock:" + second)
    yield ("release", "lock:" + first)
    balance = yield ("read", dst)
    yield ("write", dst, balance + amount)


# %% mutant transfers in interleavings.ipynb: one global order, but decreasing (the auditor's is increasing)
# - for account in sorted({src, dst}):
# + for account in sorted({src, dst}, reverse=True):

# - for account in sorted({src, dst}, reverse=True):
# + for account in sorted({src, dst}):


# %% mutant transfers in interleavings.ipynb: a self-transfer reads and writes without its lock
# - for account in sorted({src, dst}):
# -     yield ("acquire", "lock:" + account)
# - if src != dst:
# + if src == dst:

# - for account in sorted({src, dst}, reverse=True):
# +     return
# + for account in sorted([src, dst]):
# +     yield ("acquire", "lock:" + account)
# + balance = yield ("read", src)
# + yield ("write", src, balance - amount)
# + balance = yield ("read", dst)
# + yield ("write", dst, balance + amount)
# + for account in sorted([src, dst]):


# %% alternative transfers in interleavings.ipynb: a self-transfer takes its one lock, reads and writes
def transfer(src, dst, amount):
    accounts = sorted({src, dst})
    for account in accounts:
        yield ("acquire", "lock:" + account)
    balance = yield ("read", src)
    yield ("write", src, balance - amount)
    balance = yield ("read", dst)
    yield ("write", dst, balance + amount)
    for account in accounts:
        yield ("release", "lock:" + account)


# %% alternative transfers in interleavings.ipynb: self-transfer returns at once; explicit order
def transfer(src, dst, amount):
    if src == dst:
        return
    low, high = (src, dst) if src < dst else (dst, src)
    yield ("acquire", "lock:" + low)
    yield ("acquire", "lock:" + high)
    old_src = yield ("read", src)
    old_dst = yield ("read", dst)
    yield ("write", dst, old_dst + amount)
    yield ("write", src, old_src - amount)
    yield ("release", "lock:" + low)
    yield ("release", "lock:" + high)


# %% mutant bounded-buffer in interleavings.ipynb: `if` instead of `while` around the wait
# - while len(items) >= capacity:
# + if len(items) >= capacity:

# - while not items:
# + if not items:

# - return items[0]
# + return items[0] if items else None


# %% mutant bounded-buffer in interleavings.ipynb: one condition for both, woken with notify
# -     yield ("wait", "not_full", "lock")
# -     items = yield ("read", "items")
# - yield ("write", "items", items + [item])
# - yield ("notify", "not_empty")
# +     yield ("wait", "changed", "lock")
# +     items = yield ("read", "items")
# + yield ("write", "items", items + [item])
# + yield ("notify", "changed")

# -     yield ("wait", "not_empty", "lock")
# -     items = yield ("read", "items")
# - yield ("write", "items", items[1:])
# - yield ("notify", "not_full")
# +     yield ("wait", "changed", "lock")
# +     items = yield ("read", "items")
# + yield ("write", "items", items[1:])
# + yield ("notify", "changed")


# %% mutant bounded-buffer in interleavings.ipynb: checks for items before taking the lock
# - """A thread step sequence that removes and returns the oldest item once there is one."""
# - yield ("acquire", "lock")
# - items = yield ("read", "items")
# - while not items:
# + """A thread step sequence that removes and returns the oldest item once there is one."""
# + items = yield ("read", "items")
# + yield ("acquire", "lock")
# + while not items:


# %% mutant bounded-buffer in interleavings.ipynb: takes the newest item (a stack, not a queue)
# - yield ("write", "items", items[1:])
# - yield ("notify", "not_full")
# - yield ("release", "lock")
# - return items[0]
# + yield ("write", "items", items[:-1])
# + yield ("notify", "not_full")
# + yield ("release", "lock")
# + return items[-1]


# %% mutant bounded-buffer in interleavings.ipynb: never waits for room (overfills the buffer)
# - capacity = yield ("read", "capacity")
# - while len(items) >= capacity:
# -     yield ("wait", "not_full", "lock")
# -     items = yield ("read", "items")


# %% alternative bounded-buffer in interleavings.ipynb: two conditions, each woken with notify_all
def put(item):
    yield ("acquire", "lock")
    items = yield ("read", "items")
    capacity = yield ("read", "capacity")
    while len(items) >= capacity:
        yield ("wait", "room", "lock")
        items = yield ("read", "items")
    yield ("write", "items", items + [item])
    yield ("notify_all", "item")
    yield ("release", "lock")


def get():
    yield ("acquire", "lock")
    items = yield ("read", "items")
    while not items:
        yield ("wait", "item", "lock")
        items = yield ("read", "items")
    yield ("write", "items", items[1:])
    yield ("notify_all", "room")
    yield ("release", "lock")
    return items[0]


# %% alternative bounded-buffer in interleavings.ipynb: one condition, woken with notify_all
def put(item):
    yield ("acquire", "lock")
    while True:
        items = yield ("read", "items")
        capacity = yield ("read", "capacity")
        if len(items) < capacity:
            break
        yield ("wait", "changed", "lock")
    yield ("write", "items", [*items, item])
    yield ("notify_all", "changed")
    yield ("release", "lock")


def get():
    yield ("acquire", "lock")
    while True:
        items = yield ("read", "items")
        if items:
            break
        yield ("wait", "changed", "lock")
    first, *rest = items
    yield ("write", "items", rest)
    yield ("notify_all", "changed")
    yield ("release", "lock")
    return first


# %% mutant pipeline in tasks.ipynb: one sentinel for the whole pool (the other workers wait on)
# - tasks: queue.Queue = queue.Queue()
# - results: list = [None] * len(jobs)
# - errors: list[BaseException] = []
# - stop = object()
# + tasks, results, errors, stop = queue.Queue(), [None] * len(jobs), [], object()

# - if errors:
# -     continue  # something failed: skip the jobs left, but keep draining

# - for _ in threads:
# -     tasks.put(stop)
# + tasks.put(stop)


# %% mutant pipeline in tasks.ipynb: results in the order they finish, not the order of jobs
def run_pipeline(jobs, work, workers):
    tasks, results, errors, stop = queue.Queue(), queue.Queue(), [], object()

    def worker():
        while True:
            job = tasks.get()
            if job is stop:
                return
            try:
                results.put(work(job))
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for job in jobs:
        tasks.put(job)
    for _ in threads:
        tasks.put(stop)
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [results.get() for _ in jobs]


# %% mutant pipeline in tasks.ipynb: a worker's exception is lost with its thread
# - tasks: queue.Queue = queue.Queue()
# - results: list = [None] * len(jobs)
# - errors: list[BaseException] = []
# - stop = object()
# + tasks, results, stop = queue.Queue(), [None] * len(jobs), object()

# - if errors:
# -     continue  # something failed: skip the jobs left, but keep draining
# - try:
# -     results[index] = work(job)
# - except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
# -     errors.append(exc)
# + try:
# +     results[index] = work(job)
# + except Exception:
# +     pass

# - if errors:
# -     raise errors[0]


# %% mutant pipeline in tasks.ipynb: one job at a time in the calling thread (no pool)
def run_pipeline(jobs, work, workers):
    return [work(job) for job in jobs]


# %% mutant pipeline in tasks.ipynb: raises before stopping the workers (threads left waiting)
def run_pipeline(jobs, work, workers):
    tasks, results, stop = queue.Queue(), queue.Queue(), object()

    def worker():
        while True:
            item = tasks.get()
            if item is stop:
                return
            index, job = item
            try:
                results.put((index, work(job), None))
            except BaseException as exc:
                results.put((index, None, exc))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in enumerate(jobs):
        tasks.put(item)
    out = [None] * len(jobs)
    for _ in jobs:
        index, value, exc = results.get()
        if exc is not None:
            raise exc
        out[index] = value
    for _ in threads:
        tasks.put(stop)
    for thread in threads:
        thread.join()
    return out


# %% alternative pipeline in tasks.ipynb: concurrent.futures.ThreadPoolExecutor.map
def run_pipeline(jobs, work, workers):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(work, jobs))


# %% mutant mutex in tasks.ipynb: never locks (the guard works, but threads overlap)
# - self._lock = threading.Lock()

# - with self._lock:
# -     guard = Guard(self)
# -     try:
# -         yield guard
# -     finally:
# -         guard._mutex = None
# + guard = Guard(self)
# + try:
# +     yield guard
# + finally:
# +     guard._mutex = None


# %% mutant mutex in tasks.ipynb: the guard still works after the block
# - guard = Guard(self)
# - try:
# -     yield guard
# - finally:
# -     guard._mutex = None
# + yield Guard(self)


# %% mutant mutex in tasks.ipynb: the lock stays held when the block raises
# - with self._lock:
# -     guard = Guard(self)
# -     try:
# -         yield guard
# -     finally:
# -         guard._mutex = None
# + self._lock.acquire()
# + guard = Guard(self)
# + yield guard
# + guard._mutex = None
# + self._lock.release()


# %% mutant mutex in tasks.ipynb: one lock shared by every Mutex (a class attribute)
# - """A value reachable only through a :class:`Guard`, while the mutex's lock is held."""
# + _shared = threading.Lock()

# - self._lock = threading.Lock()

# - with self._lock:
# + with Mutex._shared:


# %% mutant mutex in tasks.ipynb: keeps the value in a public attribute
# - """A value reachable only through a :class:`Guard`, while the mutex's lock is held."""
# -
# - def __init__(self, value) -> None:
# -     self._value = value
# -     self._lock = threading.Lock()
# + def __init__(self, value):
# +     self.value = value
# +     self._lock = threading.Lock()
# +
# + @property
# + def _value(self):
# +     return self.value
# +
# + @_value.setter
# + def _value(self, new):
# +     self.value = new


# %% alternative mutex in tasks.ipynb: a hand-written context manager and a live flag
class Guard:
    def __init__(self, mutex):
        self._cell = mutex._cell
        self._live = True

    @property
    def value(self):
        if not self._live:
            raise RuntimeError("released")
        return self._cell[0]

    @value.setter
    def value(self, new):
        if not self._live:
            raise RuntimeError("released")
        self._cell[0] = new


class Mutex:
    def __init__(self, value):
        self._cell = [value]
        self._lock = threading.Lock()
        self._guard = None

    def lock(self):
        return self

    def __enter__(self):
        self._lock.acquire()
        self._guard = Guard(self)
        return self._guard

    def __exit__(self, *exc):
        self._guard._live = False
        self._lock.release()
        return False


# %% mutant crawler in tasks.ipynb: no limit (every fetch at once)
# - slots = asyncio.Semaphore(limit)
# -
# - async def one(url):
# -     async with slots:
# -         return await fetch(url)
# -
# - tasks = [asyncio.create_task(one(url)) for url in urls]
# + tasks = [asyncio.create_task(fetch(url)) for url in urls]


# %% mutant crawler in tasks.ipynb: one fetch at a time
async def crawl(urls, fetch, limit):
    return [await fetch(url) for url in urls]


# %% mutant crawler in tasks.ipynb: a semaphore per task, so nothing is bounded
# - slots = asyncio.Semaphore(limit)
# -
# - async def one(url):
# -     async with slots:
# + async def one(url):
# +     async with asyncio.Semaphore(limit):


# %% mutant crawler in tasks.ipynb: results in the order fetches finish
# - return list(await asyncio.gather(*tasks))
# + return [await next_done for next_done in asyncio.as_completed(tasks)]


# %% mutant crawler in tasks.ipynb: on error, raises without cancelling the other fetches
async def crawl(urls, fetch, limit):
    slots = asyncio.Semaphore(limit)

    async def one(url):
        async with slots:
            return await fetch(url)

    return list(await asyncio.gather(*(one(url) for url in urls)))


# %% mutant crawler in tasks.ipynb: cancels on error but does not wait for the cleanups
# - await asyncio.gather(*tasks, return_exceptions=True)


# %% alternative crawler in tasks.ipynb: asyncio.TaskGroup, unwrapping its ExceptionGroup
async def crawl(urls, fetch, limit):
    slots = asyncio.Semaphore(limit)

    async def one(url):
        async with slots:
            return await fetch(url)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(url)) for url in urls]
    except ExceptionGroup as errors:
        raise errors.exceptions[0] from None
    return [task.result() for task in tasks]


# %% mutant async-state in tasks.ipynb: checks the balance, awaits, then debits (no lock)
async def withdraw(account, lock, amount, approve):
    if account["balance"] < amount:
        return False
    await approve(amount)
    account["balance"] -= amount
    return True


# %% mutant async-state in tasks.ipynb: locks only the debit, after the await
async def withdraw(account, lock, amount, approve):
    if account["balance"] < amount:
        return False
    await approve(amount)
    async with lock:
        account["balance"] -= amount
    return True


# %% mutant async-state in tasks.ipynb: re-checks after the await and refuses instead
async def withdraw(account, lock, amount, approve):
    if account["balance"] < amount:
        return False
    await approve(amount)
    if account["balance"] < amount:
        return False
    account["balance"] -= amount
    return True


# %% mutant async-state in tasks.ipynb: drops the task reference (the loop holds only a weak one)
def spawn(coro):
    return asyncio.create_task(coro)


# %% mutant async-state in tasks.ipynb: keeps every task for ever
# - task.add_done_callback(_background.discard)


# %% alternative async-state in tasks.ipynb: explicit acquire/release; a dict of live tasks
async def withdraw(account, lock, amount, approve):
    await lock.acquire()
    try:
        ok = account["balance"] >= amount
        if ok:
            await approve(amount)
            account["balance"] = account["balance"] - amount
    finally:
        lock.release()
    return ok


def spawn(coro):
    task = asyncio.create_task(coro)
    key = id(task)
    live = globals().setdefault("_live_tasks", {})
    live[key] = task
    task.add_done_callback(lambda done: live.pop(key, None))
    return task
