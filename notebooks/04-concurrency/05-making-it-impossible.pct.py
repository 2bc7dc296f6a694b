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
# # Making the wrong thing impossible: ownership, messages, immutability
#
# **Time:** 35 minutes. **Prerequisites:** `01` to `04`.
#
# **After this notebook you can** explain what Rust's borrow checker would reject in this
# module's buggy examples and what it would not; design a value that can only be reached while its
# lock is held (Rust's `Mutex<T>`); replace shared state with message passing; use immutable
# values to share without locks; and avoid the classic `multiprocessing` traps in notebooks.
#
# ## The story
#
# The webinar credits Rust's borrow checker with code that is "free of subtle bugs" and says it
# "initializes all variables before using them, meaning the same value can't get used twice
# accidentally". Both are loose. The precise claims: the borrow checker enforces that at any time
# a value has **either** one mutable reference **or** any number of shared ones, and that no
# reference outlives its value; initialisation-before-use is a separate compiler check; "used
# twice" is about *moves* (a moved value cannot be used again). Together with the `Send` and
# `Sync` marker traits, these rules make **data races** impossible in safe Rust. They do not
# prevent deadlocks, lost wakeups, or logic races between correctly locked steps.

# %%
import queue
import threading
from dataclasses import FrozenInstanceError, dataclass

from course.concurrency.explorer import explore
from course.concurrency.models import naive_transfer
from course.concurrency.overlap import Rendezvous, run_threads

# %% [markdown]
# ## What a borrow checker would say about this module's bugs
#
# | Bug (lecture) | Rejected by Rust's compiler? |
# |---|---|
# | Threads doing `counter += 1` on a shared `int` (01) | **Yes**: a `&mut` to data shared between threads is not `Send`/`Sync` without a `Mutex` or an atomic |
# | Read under one lock, write under none (01, 02) | **Yes**: the data lives inside the `Mutex`; without the guard there is no reference to write through |
# | Guard used after unlock | **Yes**: the reference cannot outlive the guard |
# | Two locks in opposite orders (02) | **No**: deadlock is memory-safe |
# | `if` instead of `while` around a condition wait (03) | **No**: Rust's `Condvar` has spurious wakeups too |
# | Check-then-act across an `.await` with a lock released in between (04) | **No**: a logic race |
# | Background task dropped (04) | Partly: in Tokio a spawned task runs to completion even if its handle is dropped; there is no weak-reference trap |
#
# ## A Mutex that owns its value
#
# Rust's `Mutex<T>` holds the `T`. The only way in is `lock()`, which returns a guard; the guard
# derefs to the value and unlocks when dropped. In Python we can build the same shape and check
# at run time what Rust checks at compile time. (Assignment 4b asks you to write it; here is the
# *idea* in the explorer's terms: the value is a shared variable that no thread ever touches
# without holding its lock.)
#
# **Predict, then run:** three buyers each sell one ticket from a shared `"stock"` of 2, if
# any is left. The racy seller reads the stock and writes it back one lower; the owning seller
# can reach `"stock"` only through `"stock.lock"`. In how many schedules is every ticket sold
# at most once (tickets sold plus tickets left equals 2)?

# %%
def racy_sell():
    stock = yield ("read", "stock")
    if stock == 0:
        return 0
    yield ("write", "stock", stock - 1)
    return 1


def owned_sell():
    # The only path to "stock" runs through its lock: the shape Mutex<T> forces.
    yield ("acquire", "stock.lock")
    stock = yield ("read", "stock")
    if stock > 0:
        yield ("write", "stock", stock - 1)
    yield ("release", "stock.lock")
    return 1 if stock > 0 else 0


def no_oversell(state, results):
    return sum(results) + state["stock"] == 2


for sell in (racy_sell, owned_sell):
    result = explore([sell] * 3, {"stock": 2}, check=no_oversell)
    print(f"{sell.__name__:>10}: {result.interleavings} schedules, {result.counts()}")

# %% [markdown]
# The racy seller oversells in most schedules (two buyers read the same stock and both sell
# "its" last ticket); the owning one never does. In Python nothing stops a thread from reading
# `"stock"` without the lock; an owning `Mutex` makes that path *not exist* in the API, which is
# the next best thing to a compiler.
#
# ## Message passing instead of shared state
#
# "Do not communicate by sharing memory; share memory by communicating." If only one thread owns
# the balances and others send it requests, there is nothing to lock and no lock order to get
# wrong. Here an accounts thread serves transfer requests from a queue; the forced overlap makes
# four clients submit at the same moment.

# %%
def bank_thread(requests: queue.Queue, balances: dict) -> None:
    while (request := requests.get()) is not None:
        src, dst, amount, reply = request
        balances[src] -= amount  # only this thread ever touches balances
        balances[dst] += amount
        reply.put(balances[src])


requests: queue.Queue = queue.Queue()
balances = {"alice": 100, "bob": 100}
owner = threading.Thread(target=bank_thread, args=(requests, balances), daemon=True)
owner.start()
gate = Rendezvous(4, timeout=1.0)


def client(src: str, dst: str, amount: int) -> int:
    reply: queue.Queue = queue.Queue()
    gate.arrive()  # all four clients send at once
    requests.put((src, dst, amount, reply))
    return reply.get(timeout=5)


reports = run_threads([(client, ("alice", "bob", 10)), (client, ("bob", "alice", 5))] * 2)
requests.put(None)
owner.join(timeout=5)
print("times all 4 clients were at the gate together:", gate.met)
print("client errors:", [r["error"] for r in reports])
print("balances:", balances, "| total:", sum(balances.values()))

# %% [markdown]
# Compare with lecture 2, where two transfers with two locks deadlocked in 2 of 6 schedules:

# %%
print(explore([(naive_transfer, "alice", "bob", 10), (naive_transfer, "bob", "alice", 5)],
              {"alice": 100, "bob": 100}).counts())

# %% [markdown]
# The cost: every request is a hand-off between threads (`python -m course bench concurrency`
# measures it against a lock), and one owner thread is a bottleneck. Actor systems, Ockam's
# workers among them, accept that trade for code that is far easier to reason about.
#
# ## Immutability
#
# A value nobody can change can be shared freely. A frozen dataclass refuses assignment; an
# "update" makes a new value, and publishing it is a single reference assignment.

# %%
@dataclass(frozen=True)
class Config:
    hosts: tuple[str, ...]
    interval: float


current = Config(("a", "b"), 10.0)
try:
    current.interval = 5.0
except FrozenInstanceError as exc:
    print("refused:", exc)
updated = Config(current.hosts + ("c",), 5.0)  # a new value; readers of `current` are unaffected
print(current, updated, sep="\n")

# %% [markdown]
# Note `tuple`, not `list`: a frozen dataclass holding a list can still have the list mutated
# under it. Python's immutability is shallow, Rust's is transitive.
#
# ## Aside: multiprocessing in notebooks
#
# Processes sidestep the GIL but bring their own traps, worst in notebooks:
#
# - **Pickling.** Arguments, results and the target function are pickled to cross processes.
#   Lambdas, nested functions and (with spawn) functions *defined in the notebook* cannot be
#   found by the child, so `Pool.map(lambda x: x * x, ...)` fails with a `PicklingError`, or the
#   child fails to import `__main__`.
# - **Start methods.** `fork` (the default on Linux up to Python 3.13) copies the parent, locks
#   and threads' state included: a lock held by another thread at fork time stays held for ever in
#   the child. `spawn` (the default on macOS and Windows, and from 3.14 `forkserver` on Linux)
#   starts a fresh interpreter that imports your module, which is why scripts need
#   `if __name__ == "__main__":`.
# - **The fix for notebooks:** put worker functions in a `.py` module and import them, and pick
#   the start method explicitly with `multiprocessing.get_context("spawn")`.
#
# ## Recap
#
# - Safe Rust rules out data races (shared mutable state without synchronisation), not deadlocks
#   or logic races.
# - An owning `Mutex` removes the unlocked path to the data; run-time checks catch the
#   use-after-unlock that Rust's compiler would reject.
# - Message passing gives each piece of state one owner: no locks, no lock order, at the cost of
#   hand-offs.
# - Immutable values can be shared without locks; in Python immutability is shallow.
#
# ## Check yourself
#
# 1. Which bugs of lectures 1-4 would still compile in Rust?
# 2. Why did the message-passing bank never deadlock, however the clients overlapped?
#
# <details>
# <summary>Answers</summary>
#
# 1. The lock-order deadlock, the `if`-instead-of-`while` wait, and check-then-act across an
#    await with the lock released in between: all are memory-safe logic errors.
# 2. There is only one lock-free owner of the balances; clients only wait for their own reply.
#    No thread ever holds one resource while waiting for another held by someone waiting for it.
# </details>
