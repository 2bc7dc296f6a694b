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
# # Locks, lock ordering and deadlock, found by the explorer
#
# **Time:** 40 minutes. **Prerequisites:** `01-why-races-hide`.
#
# **After this notebook you can** fix a lost update with a lock; explain why two locks taken in
# opposite orders can deadlock and how a global lock order prevents it; tell a re-entrant lock from
# a plain one; and use the whole API of the course's interleaving explorer: operations,
# `explore`, `replay`, `sample`, preemption bounds, and its refusal of state spaces too big to
# finish.
#
# ## The story
#
# The webinar's founders credit Rust with making concurrent code safe to write and to refactor.
# Rust's guarantee (no data races in safe code) is exactly "no shared mutable state without a
# lock". It says nothing about **deadlock**: Rust programs deadlock as readily as Python ones when
# two threads take two locks in opposite orders. That is why Rust's own concurrency testers, such
# as loom, explore interleavings the way this notebook does.

# %%
from course.concurrency.explorer import ExplorationTooLarge, explore, replay, sample
from course.concurrency.models import naive_transfer, racy_increment

# %% [markdown]
# ## The explorer's operations
#
# A thread is a generator function; each `yield` hands one operation (a plain tuple) to the
# explorer, which holds all shared state, and gets its result back:
#
# | operation | effect |
# |---|---|
# | `("read", name)` | the value of a shared variable (a copy) |
# | `("write", name, value)` | set a shared variable |
# | `("acquire", lock)` / `("release", lock)` | a plain (non-re-entrant) lock |
# | `("wait", cond, lock)` | release `lock`, sleep until `cond` is notified, retake `lock` |
# | `("notify", cond)` / `("notify_all", cond)` | wake the longest waiter / all waiters |
# | `("call", name, *args)` | call a function given as `functions={name: f}` |
# | `("pause",)` | a switch point that does nothing |
#
# `explore(threads, state, check=..., invariant=..., spurious=0, preemptions=None)` tries every
# schedule; `replay(threads, state, schedule)` runs one; `sample(threads, state, runs=, seed=)`
# tries seeded random ones. A thread is a generator function, or a tuple `(function, *args)`.
# Each run ends as `"ok"`, `"deadlock"`, `"error"`, `"invariant"`, `"check"` or
# `"step limit"`, and prints with its schedule and every step.
#
# ## A lock fixes a lost update
#
# The lost update is not special to counters: any read-modify-write of shared state has it. Here
# each thread appends one entry to a shared list `"log"` by reading the list and writing back a
# longer one. Without a lock, two threads can both read the same list and the second write drops
# the first thread's entry. The locked version takes the lock `"log.lock"` before the read and
# releases it after the write.

# %%
def racy_append(entry):
    log = yield ("read", "log")
    yield ("write", "log", log + [entry])


def locked_append(entry):
    yield ("acquire", "log.lock")
    log = yield ("read", "log")
    yield ("write", "log", log + [entry])
    yield ("release", "log.lock")


def every_entry_kept(entries):
    return lambda state, results: sorted(state["log"]) == sorted(entries)


for append in (racy_append, locked_append):
    for entries in (["a", "b"], ["a", "b", "c"]):
        result = explore([(append, e) for e in entries], {"log": []},
                         check=every_entry_kept(entries))
        print(f"{append.__name__}, {len(entries)} threads:", result.interleavings, "schedules,",
              result.counts())

# %% [markdown]
# **Predict, then run:** each `locked_append` thread takes 4 steps. If any order of those steps
# were possible, two threads would have 8!/(4!4!) = 70 schedules and three would have
# 12!/(4!4!4!) = 34,650. How many schedules does the explorer find for the locked version, with 2
# and with 3 threads, and why so few?
#
# <details>
# <summary>Answer</summary>
#
# 2 and 6, printed above: one schedule per order in which the threads take the lock (2! and 3!).
# While one thread holds the lock, every other thread's next step is its acquire, which cannot
# run, so nothing can come between the holder's read and write. The holder releases the lock as
# its last step, so the only choice left is which waiting thread acquires next. (The racy version
# has 6 and 90 schedules, and 4 and 84 of them lose an entry.)
# </details>
#
# ## Two locks, opposite orders
#
# `naive_transfer(src, dst, amount)` locks its source account, then its destination (the lock of
# account `a` is `"lock:" + a`). Alone it is correct. **Predict, then run:** what can happen when
# `alice -> bob` and `bob -> alice` run together?

# %%
threads = [(naive_transfer, "alice", "bob", 10), (naive_transfer, "bob", "alice", 5)]
accounts = {"alice": 100, "bob": 100}
result = explore(threads, accounts)
print(result)

# %% [markdown]
# Each thread holds the lock the other needs: a **deadlock**. Here it needs just the schedule
# `[0, 1]`, and the printed outcome is a complete, exact reproduction: `replay` gives the same
# steps every time.

# %%
again = replay(threads, accounts, result.deadlocks[0].schedule)
print(again.status, again.message)

# %% [markdown]
# ## Preemption bounds
#
# Most concurrency bugs need only one or two *preemptions* (a switch away from a thread that could
# have gone on). Bounding them shrinks the search enormously, a result from Microsoft's CHESS
# work. **Predict, then run:** does a bound of 0 (threads only switch when one blocks or ends)
# find this deadlock? And 1?

# %%
for bound in (0, 1, 2):
    print(f"preemptions={bound}:", explore(threads, accounts, preemptions=bound).counts())

# %% [markdown]
# Bound 0 runs each transfer to completion: no deadlock. One preemption is enough.
#
# ## The fix: one global lock order
#
# If every thread takes locks in the same global order (here: sorted by name), no cycle of
# "holds one, waits for the other" can form. You will write this fix in the assignment.
#
# ## Re-entrancy
#
# A `threading.Lock` is not re-entrant: a thread that acquires a lock it already holds waits for
# itself, for ever. The explorer's locks behave the same way. `threading.RLock` counts
# acquisitions by its owner instead; it hides this bug, but makes it easier to call code that
# breaks an invariant half way, so prefer plain locks and keep the locked region small.

# %%
def helper():
    yield ("acquire", "lock")
    yield ("release", "lock")


def outer():
    yield ("acquire", "lock")
    yield from helper()  # calls code that takes the same lock
    yield ("release", "lock")


print(explore([outer], {}).failures[0].message)

# %% [markdown]
# ## When the explorer says no
#
# Every schedule of n threads of k steps is (nk)! / (k!)^n runs: 5 racy increments have 113,400.
# The explorer stops after `max_interleavings` runs (or `seconds`) with a message saying what to
# shrink, rather than running for hours:

# %%
try:
    explore([racy_increment] * 6, {"counter": 0}, max_interleavings=5_000)
except ExplorationTooLarge as exc:
    print(exc)

# %%
sampled = sample([racy_increment] * 6, {"counter": 0}, runs=300, seed=1,
                 check=lambda state, results: state["counter"] == 6)
print(sampled.counts())
print("first failing schedule:", sampled.failures[0].schedule)

# %% [markdown]
# A seeded sample gives the same schedules for the same seed, and each failure still carries the
# schedule that replays it exactly.
#
# ## Recap
#
# - A lock makes a read-modify-write atomic; the explorer checks it in every schedule.
# - Two locks in opposite orders can deadlock; one global order prevents it. Rust's type system
#   does not prevent deadlock either.
# - A plain lock is not re-entrant; re-acquiring deadlocks on the spot.
# - Preemption bounds and seeded sampling keep exploration finite; the explorer refuses what it
#   cannot finish.
#
# ## Check yourself
#
# 1. Three threads transfer `a -> b`, `b -> c` and `c -> a`, each locking source then
#    destination. Can they deadlock? Can any two of them?
# 2. Why is a preemption bound useful even though it makes the search incomplete?
#
# <details>
# <summary>Answers</summary>
#
# 1. All three can: each holds its source and waits for its destination, a cycle of three waits.
#    No two of them can: two of these transfers share only one account, and a cycle of two
#    threads needs two locks that each holds and the other wants. Check both with `explore`.
# 2. Real bugs almost always need few preemptions, and the number of schedules grows far slower
#    with the bound than without; a bound of 2 finds most bugs in seconds.
# </details>
