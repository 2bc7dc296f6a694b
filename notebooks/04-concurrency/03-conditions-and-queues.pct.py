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
# # Condition variables, producer/consumer and clean shutdown
#
# **Time:** 40 minutes. **Prerequisites:** `02-locks-and-deadlock`.
#
# **After this notebook you can** wait for a condition correctly (`while`, not `if`), explain a
# missed wakeup, build producer/consumer on `queue.Queue`, and shut a pool of worker threads down
# so that every result arrives once, no thread is left running and a worker's exception is not
# lost.
#
# ## The story
#
# Both of the webinar's rewrites are pipelines: InfluxDB 3.0 buffers writes, flushes a write-ahead
# log and persists Parquet in the background; Ockam moves messages between workers. Hand-offs
# between threads are where "fearless concurrency" is tested. Rust's channels and its `Send` and
# `Sync` rules make sharing explicit, but a consumer that waits for the wrong thing, or a worker
# nobody tells to stop, is a logic bug any language can have.

# %%
import queue
import threading

from course.concurrency.explorer import explore

# %% [markdown]
# ## Waiting for a condition
#
# A consumer must wait until an item is there. With a condition variable it takes the lock, looks,
# and if there is nothing, **waits**: the wait releases the lock (so a producer can add an item),
# sleeps until notified, and retakes the lock before returning. Here are two consumers that
# differ in one word:

# %%
def consumer(use_while: bool):
    yield ("acquire", "lock")
    items = yield ("read", "items")
    if use_while:
        while not items:
            yield ("wait", "cond", "lock")
            items = yield ("read", "items")
    elif not items:
        yield ("wait", "cond", "lock")
        items = yield ("read", "items")
    yield ("write", "items", items[1:])
    yield ("release", "lock")
    return items[0]


def producer():
    yield ("acquire", "lock")
    items = yield ("read", "items")
    yield ("write", "items", items + ["job"])
    yield ("notify", "cond")
    yield ("release", "lock")


for use_while in (False, True):
    result = explore([(consumer, use_while), producer], {"items": []})
    print("while" if use_while else "if   ", result.counts())

# %% [markdown]
# Both pass. **Predict, then run:** what changes if a wait may return without a notify? Real
# condition variables allow this (a *spurious wakeup*: POSIX permits it, and Python's docs tell
# you to re-check), and so does a notify that wakes a thread after another one has already taken
# the item. `spurious=1` lets the explorer wake one waiter per run without a notify.

# %%
for use_while in (False, True):
    result = explore([(consumer, use_while), producer], {"items": []}, spurious=1)
    print("while" if use_while else "if   ", result.counts())
    if result.failures:
        print(result.failures[0])

# %% [markdown]
# The `if` version takes an item from an empty list. The `while` version re-checks after every
# wakeup, so it is right whatever woke it. `threading.Condition.wait_for(predicate)` writes the
# loop for you.
#
# ## The missed wakeup
#
# A notify wakes only threads that are *already* waiting. If the consumer checks for items without
# the lock, the producer can add the item and notify between the check and the wait: the
# notification is lost and the consumer sleeps for ever.

# %%
def careless_consumer():
    items = yield ("read", "items")  # looks without the lock
    yield ("acquire", "lock")
    if not items:
        yield ("wait", "cond", "lock")
    yield ("release", "lock")


result = explore([careless_consumer, producer], {"items": []})
print(result.counts())
print(result.deadlocks[0])

# %% [markdown]
# Check and wait must happen under the same lock: then no notify can fall between them.
#
# ## Producer/consumer with `queue.Queue`
#
# You rarely need to write this by hand: `queue.Queue` is a bounded buffer with exactly these
# conditions inside. The hard part that remains is **shutdown**: how do workers know there is no
# more work? A common, correct answer is one *sentinel* per worker. **Predict, then run:** with 3
# workers and only one sentinel, what happens?

# %%
def squares(jobs: list[int], workers: int, sentinels: int) -> tuple[list[int], int]:
    tasks: queue.Queue = queue.Queue()
    results: queue.Queue = queue.Queue()
    stop = object()

    def worker() -> None:
        while True:
            job = tasks.get()
            if job is stop:
                return
            results.put(job * job)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for job in jobs:
        tasks.put(job)
    for _ in range(sentinels):
        tasks.put(stop)
    for t in threads:
        t.join(timeout=0.5)  # every wait has a timeout: a stuck worker costs 0.5 s, not for ever
    alive = sum(t.is_alive() for t in threads)
    out = []
    while not results.empty():
        out.append(results.get())
    return sorted(out), alive


print("3 sentinels:", squares(list(range(6)), workers=3, sentinels=3))
print("1 sentinel: ", squares(list(range(6)), workers=3, sentinels=1))

# %% [markdown]
# All results arrive either way (the jobs went in before the sentinels), but with one sentinel two
# workers wait for ever in `tasks.get()`. They are daemon threads, so the notebook can still end,
# but in a server they would pile up. The assignment's pipeline exercise asks for more: results in
# order, and a worker's exception re-raised in the caller rather than lost in a thread.
#
# ## Recap
#
# - Wait in a `while` loop (or `wait_for`): wakeups can be spurious or stale.
# - Check and wait under the same lock, or a notify can be missed and the waiter sleeps for ever.
# - `queue.Queue` is the bounded buffer; stop workers with one sentinel per worker, join with a
#   timeout, and make the threads daemons so that a bug costs seconds, not a hung program.
#
# ## Check yourself
#
# 1. Why is `notify` (not `notify_all`) risky when producers and consumers wait on one condition?
# 2. Why must the sentinels go in after all the jobs?
#
# <details>
# <summary>Answers</summary>
#
# 1. A producer's notify may wake another producer instead of a consumer; that producer finds the
#    buffer still full and waits again, and the consumer it should have woken never wakes: all can
#    end up waiting. Use two conditions (`not_full`, `not_empty`), or `notify_all`.
# 2. A queue is first in, first out: a worker that takes a sentinel stops, so jobs queued after it
#    may be left for workers that have already stopped.
# </details>
