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
# # Why the obvious race demo doesn't fail (and what does)
#
# **Time:** 35 minutes. **Prerequisites:** Python threads (`threading.Thread`, `start`, `join`)
# and generators (`yield`, `send`).
#
# **After this notebook you can** explain why `counter += 1` in four threads loses nothing on
# CPython 3.11 but is still a bug; make a real lost update happen; describe a program's possible
# runs as *schedules*; and use the course's interleaving explorer to list every schedule of a small
# program and replay the one that breaks it.
#
# ## The story
#
# In the webinar this course follows, both founders give "fearless concurrency" as a reason they
# rewrote in Rust. Wadhwa and Dix say Rust lets developers write concurrent code "free of subtle
# bugs" and refactor it without introducing new ones. What Rust actually guarantees is narrower and
# precise: **safe Rust has no data races** (two threads touching the same memory, one writing,
# with no synchronisation), because the compiler rejects programs that share mutable state
# without a lock or an atomic. It does *not* rule out deadlocks or logic races (two correctly
# locked steps in the wrong order). Python checks none of this before the program runs. This
# module is about the bugs that guarantee prevents, and the ones it doesn't, seen where they are
# easiest to see.

# %%
import sys
import threading

from course.concurrency.explorer import explore, replay
from course.concurrency.models import racy_increment
from course.concurrency.overlap import GatedDict, run_threads
from course.learner.plotting import PALETTE, figure, show

print(sys.version.split()[0])

# %% [markdown]
# ## The textbook demo
#
# Four threads each add one to a shared counter many times. `counter += 1` is a read, an add and
# a write; if a thread is switched out between its read and its write, another thread's update is
# overwritten. **Predict, then run:** how many of the 200,000 updates are lost?

# %%
counter = 0


def add_many(n: int) -> None:
    global counter
    for _ in range(n):
        counter += 1


threads = [threading.Thread(target=add_many, args=(50_000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"expected 200000, got {counter}: lost {200_000 - counter}")

# %% [markdown]
# <details>
# <summary>What happened</summary>
#
# On CPython 3.10 and later you almost certainly saw **0** lost. The interpreter no longer switches
# threads at any bytecode: it checks for a switch request only at certain points (after calls,
# and at the back edge of a loop). `counter += 1` on an int has none of those between its read and
# its write, so in practice it is never split. On Python 3.9 the same code loses updates on every
# run, and on the free-threaded builds (3.13t and later, no global interpreter lock) it loses them
# again. The code was always wrong; the bug is hidden by an implementation detail.
# </details>
#
# ## What does fail: a call between the read and the write
#
# Put a function call between the read and the write (a logging call, a property, a method on the
# value) and the interpreter may switch threads right there. A tiny switch interval makes it
# likely; the number lost still differs from run to run.

# %%
def bump(value: int) -> int:
    return value + 1


def add_many_with_call(n: int) -> None:
    global counter
    for _ in range(n):
        value = counter
        counter = bump(value)


old_interval = sys.getswitchinterval()
sys.setswitchinterval(1e-6)
try:
    losses = []
    for _trial in range(3):
        counter = 0
        threads = [threading.Thread(target=add_many_with_call, args=(20_000,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        losses.append(80_000 - counter)
finally:
    sys.setswitchinterval(old_interval)
print("updates lost in three trials:", losses)

# %% [markdown]
# Most trials lose updates, but how many, and whether any, depends on the machine and its load.
# A test that runs this and checks the total could pass a thousand times and fail once in
# production. Repeating a racy check is not a test. To *grade* concurrency we need to control the
# order of events, instead of hoping for a bad one. There are two ways, and this module uses both.
#
# ## Way 1: force the overlap with real threads
#
# Make the dangerous overlap happen on purpose. A booking system checks "is seat 12A free?" and,
# if so, records the passenger in it: two passengers who both see the seat free are both told
# "booked", and the second write silently replaces the first. This is a **check-then-act** race.
# The course's `GatedDict` is a dict whose lookup of a missing key waits (up to a timeout) until
# every thread has made one, so all of them see "free" before any of them books. **Predict, then
# run:** three passengers try for seat 12A at once. How many are told "booked", without and with
# a lock held around the check and the booking?

# %%
def racy_book(seats, lock, seat, passenger):
    if seat in seats:
        return False
    seats[seat] = passenger
    return True


def locked_book(seats, lock, seat, passenger):
    with lock:
        if seat in seats:
            return False
        seats[seat] = passenger
        return True


for book in (racy_book, locked_book):
    told_booked = []
    for _run in range(3):
        seats = GatedDict(parties=3, timeout=0.2)
        lock = threading.Lock()
        reports = run_threads([(book, (seats, lock, "12A", p)) for p in ("ann", "bo", "cy")])
        told_booked.append(sum(r["result"] for r in reports))
    print(f"{book.__name__}: passengers told 'booked', per run {told_booked}")

# %% [markdown]
# Three on every run without the lock, one with it: a deterministic verdict from real
# threads. The locked version never lets a second thread reach the gate while the first is
# inside, so the first simply waits out the 0.2 s timeout and goes on. Every wait has a timeout
# and `run_threads` uses daemon threads, so a deadlocked version would cost seconds, not hang.
#
# ## Way 2: be the scheduler
#
# Write each thread as a generator whose `yield`s are the only points where another thread may
# run. Each `yield` hands over one **operation**, a plain tuple, and gets its result back. The
# course's model of the racy increment is two steps:
#
# ```python
# def racy_increment():
#     value = yield ("read", "counter")
#     yield ("write", "counter", value + 1)
# ```
#
# A **schedule** is the list of which thread takes each step. `replay` runs one schedule exactly
# and prints every step. **Predict, then run:** which of `[0, 0, 1, 1]` and `[0, 1, 0, 1]` loses
# an update?

# %%
two = [racy_increment, racy_increment]
print(replay(two, {"counter": 0}, [0, 0, 1, 1]))
print(replay(two, {"counter": 0}, [0, 1, 0, 1]))

# %% [markdown]
# The second: both threads read 0 before either writes, so both write 1. You chose the
# interleaving; nothing was left to chance, and the same schedule gives the same result every time.
#
# ## Every schedule
#
# `explore` tries **every** schedule, depth first, and judges each finished run with
# `check(state, results)`. **Predict, then run:** how many schedules do two threads of two steps
# have, and how many lose an update?

# %%
result = explore(two, {"counter": 0}, check=lambda state, results: state["counter"] == 2)
print(result.interleavings, "schedules;", len(result.failures), "lose an update")
for outcome in result.outcomes:
    print(outcome.schedule, "->", outcome.state["counter"], outcome.status)

# %% [markdown]
# Six schedules (choose which 2 of the 4 steps are thread 0's: 4!/(2!2!) = 6), four of which lose
# an update: only the two that run one thread entirely before the other are right. The numbers grow
# fast with more threads:

# %%
rows = []
for n in (1, 2, 3, 4):
    res = explore([racy_increment] * n, {"counter": 0},
                  check=lambda state, results, n=n: state["counter"] == n)
    rows.append((n, res.interleavings, len(res.failures)))
    print(f"{n} threads: {res.interleavings:>5} schedules, {len(res.failures):>5} lose an update")

# %%
fig, ax = figure()
ns = [r[0] for r in rows]
ax.bar([n - 0.2 for n in ns], [r[1] for r in rows], width=0.4, color=PALETTE["blue"],
       label="schedules")
ax.bar([n + 0.2 for n in ns], [r[2] for r in rows], width=0.4, color=PALETTE["vermillion"],
       label="lose an update")
ax.set_yscale("log")
ax.set_xticks(ns)
ax.set_xlabel("threads, each doing one racy increment")
ax.set_ylabel("number of schedules (log scale)")
ax.legend()
show(fig, alt="Bar chart on a log scale: for 1, 2, 3 and 4 threads, the number of schedules "
     "(1, 6, 90, 2520) and how many of them lose an update (0, 4, 84, 2496).")

# %% [markdown]
# With more threads almost every schedule is wrong, yet the real interpreter kept picking one of
# the few right ones. That is why a race can survive years of testing. The explorer turns "it
# passed when I ran it" into "it passes in every order its steps can run".
#
# ## Recap
#
# - `counter += 1` is a read, a change and a write. The bug is there whether or not your
#   interpreter happens to split them; CPython 3.11 hides it, 3.9 and free-threaded builds show it.
# - A test that runs threads and hopes is not a test. Make the order of events an input: force
#   the overlap with a collaborator that waits at the dangerous point, or schedule the steps.
# - A thread as a generator of operations, a schedule as a list of thread numbers: `replay` runs
#   one, `explore` runs all of them and reports each failing one with the schedule that replays it.
#
# ## Check yourself
#
# 1. Why did the first demo lose nothing, and why is it still wrong?
# 2. Three threads each take 2 steps. How many schedules are there?
# 3. Give a schedule of three racy increments that leaves the counter at 2.
#
# <details>
# <summary>Answers</summary>
#
# 1. CPython 3.10+ switches threads only at calls and loop back edges, so the read and write of
#    `counter += 1` are not split in practice. Nothing in the language promises that; 3.9 and
#    free-threaded builds lose updates.
# 2. 6!/(2!2!2!) = 90.
# 3. For example `[0, 1, 0, 1, 2, 2]`: threads 0 and 1 both read 0 and write 1, then thread 2 reads
#    1 and writes 2.
# </details>
