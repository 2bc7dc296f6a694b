"""An interleaving explorer: every way two or three small threads can take turns, checked.

The idea is Microsoft's CHESS and Rust's loom, small enough to read in one sitting. A *thread* is a
generator function. Each ``yield`` hands the explorer one **operation**, a plain tuple, and is a
switch point: the explorer performs the operation on the shared state it holds, sends the result
back, and may run another thread before this one continues. Between yields a thread touches only
its own local variables, so the order of operations is all that can differ between runs::

    def increment():
        value = yield ("read", "counter")
        yield ("write", "counter", value + 1)

    result = explore([increment, increment], {"counter": 0},
                     check=lambda state, results: state["counter"] == 2)
    result.interleavings    # 6
    len(result.failures)    # 4 (each loses an update)
    print(result.failures[0])   # the schedule, step by step; replay() repeats it exactly

Operations (``name`` is any string naming a shared variable, lock or condition):

===============================  =================================================================
``("read", name)``               the value of a shared variable (a copy)
``("write", name, value)``       set a shared variable
``("acquire", lock)``            take a lock; blocks while another thread holds it (a thread that
                                 acquires a lock it already holds blocks for ever, as
                                 ``threading.Lock`` does)
``("release", lock)``            release a lock this thread holds
``("wait", cond, lock)``         release ``lock`` (held), sleep until ``cond`` is notified (or a
                                 spurious wakeup), then take ``lock`` again; returns None
``("notify", cond)``             wake the longest-waiting thread on ``cond`` (if any)
``("notify_all", cond)``         wake every thread waiting on ``cond``
``("call", name, *args)``        call ``functions[name](*args)`` (say, a factory) and return its
                                 result; a step like any other
``("pause",)``                   nothing: a switch point where a real thread could be preempted
===============================  =================================================================

A **schedule** lists which thread ran each step, e.g. ``[0, 0, 1, 1]``. :func:`explore` tries every
schedule (depth first, in lexicographic order), :func:`sample` tries seeded random ones,
:func:`replay` runs exactly one. Each finished run is an :class:`Outcome`: ``"ok"``,
``"deadlock"`` (threads left but none can move), ``"error"`` (a thread raised or misused a
lock), ``"invariant"`` (``invariant(state)`` failed after some step), ``"check"``
(``check(state, results)`` failed at the end) or ``"step limit"`` (a run longer than
``max_steps``: a livelock or busy wait).

The explorer refuses work it cannot finish in seconds: past ``max_interleavings`` runs (or
``seconds``) it raises :class:`ExplorationTooLarge`, saying what to shrink. ``seconds`` counts
the CPU time of the exploring thread (``time.thread_time``), not the wall clock: the same
exploration gets the same budget on a busy machine, and under the trusted grader, where each step
of a learner's thread is a round trip to another process, the waiting does not count.

Everything that crosses between the explorer and a thread is plain data (tuples, ints, strings,
lists, dicts), so a thread can be a handle on a generator living in another process: the explorer
only calls ``next()`` and ``send()`` on it. Code is MIT licensed.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Exploration",
    "ExplorationTooLarge",
    "ModelError",
    "Outcome",
    "ScheduleError",
    "explore",
    "replay",
    "sample",
]

OPERATIONS = (
    "read",
    "write",
    "acquire",
    "release",
    "wait",
    "notify",
    "notify_all",
    "call",
    "pause",
)
MAX_INTERLEAVINGS = 20_000
SECONDS = 10.0
MAX_STEPS = 200


class ExplorationTooLarge(RuntimeError):
    """The state space is too big to explore in seconds; the message says what to do."""


class ModelError(ValueError):
    """A thread yielded something that is not a valid operation; the message names it."""


class ScheduleError(ValueError):
    """A schedule cannot be replayed (a thread that cannot run, or one step too many or few)."""


@dataclass
class Outcome:
    """One complete run: the schedule that produced it, how it ended, and what it left behind."""

    schedule: list[int]
    status: str
    state: dict[str, Any]
    results: list[Any]
    trace: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the run finished, every check passed and nothing deadlocked."""
        return self.status == "ok"

    def __str__(self) -> str:
        head = f"{self.status}: schedule {self.schedule}"
        if self.message:
            head += f"\n  {self.message}"
        lines = [head, "  steps:"]
        lines += [f"    {n:>3}. {line}" for n, line in enumerate(self.trace, 1)]
        lines.append(f"  final state: {self.state!r}")
        return "\n".join(lines)


@dataclass
class Exploration:
    """Every outcome of an exploration (or of a seeded sample) and a summary of them."""

    outcomes: list[Outcome]
    exhaustive: bool
    seed: int | None = None

    @property
    def interleavings(self) -> int:
        """How many distinct runs (schedules) were tried."""
        return len(self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        """Runs that did not end ``"ok"``, in the order they were found."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def deadlocks(self) -> list[Outcome]:
        """Runs that ended with threads left and none able to move."""
        return [o for o in self.outcomes if o.status == "deadlock"]

    @property
    def ok(self) -> bool:
        """True when every run tried ended ``"ok"``."""
        return not self.failures

    def counts(self) -> dict[str, int]:
        """``{status: number of runs}``, e.g. ``{"ok": 22, "deadlock": 6}``."""
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts

    def schedules(self) -> list[list[int]]:
        """Every schedule tried, in the order tried."""
        return [list(o.schedule) for o in self.outcomes]

    def __str__(self) -> str:
        how = "every interleaving" if self.exhaustive else f"a sample (seed {self.seed})"
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts().items()))
        text = f"{self.interleavings} runs ({how}): {counts}"
        if self.failures:
            text += "\nfirst failure:\n" + str(self.failures[0])
        return text


# A thread spec: a generator function, or a tuple (generator function, *args).
ThreadSpec = Any


def _start(spec: ThreadSpec, index: int):
    if isinstance(spec, tuple):
        if not spec or not callable(spec[0]):
            raise ModelError(
                f"thread {index}: a tuple must be (generator function, *args), got {spec!r}"
            )
        func, args = spec[0], spec[1:]
    elif callable(spec):
        func, args = spec, ()
    else:
        raise ModelError(
            f"thread {index}: expected a generator function or (function, *args), got {spec!r}"
        )
    gen = func(*args)
    if not hasattr(gen, "send"):
        raise ModelError(
            f"thread {index}: {getattr(func, '__name__', func)!r} returned {type(gen).__name__}, "
            "not a generator: a thread must `yield` its operations"
        )
    return gen


class _Unkeyable(Exception):
    """A value the thread cache cannot compare (not plain data)."""


_ATOMS = (type(None), bool, int, float, complex, str, bytes)


def _key(value: Any) -> Any:
    """A hashable stand-in for plain data that is equal exactly when the values are equal."""
    kind = type(value)
    if kind in _ATOMS:
        return (kind.__name__, value)
    if kind in (list, tuple):
        return (kind.__name__, tuple(_key(v) for v in value))
    if kind is dict:
        return ("dict", tuple((_key(k), _key(v)) for k, v in value.items()))
    if kind in (set, frozenset):
        return (kind.__name__, frozenset(_key(v) for v in value))
    raise _Unkeyable(kind.__name__)


class _Thread:
    """One thread of a run: its generator, resumed through a cache shared by an exploration.

    A thread's next operation depends only on its arguments and the values the explorer sent into
    it (threads share nothing but the explorer's variables), so what a generator did after the
    same inputs is kept in ``cache`` and a later run that sends the same inputs reads it back
    instead of resuming the generator again: an exploration replays every run from the start, and
    without the cache each replayed step is a call into the learner's code (a round trip to the
    learner's process under the judge). A new input resumes a real generator, re-made and fed
    the earlier inputs if it is not at that point. ``cache=None`` resumes the generator every
    time; so does a value that is not plain data.
    """

    def __init__(self, spec: ThreadSpec, index: int, cache: dict | None) -> None:
        self.spec, self.index, self.cache = spec, index, cache
        self.values: list[Any] = []  # what the explorer sent so far
        self.path: tuple | None = ()  # their keys (None: not cacheable)
        self.gen: Any = None
        self.gen_at = -1  # how many of ``values`` the real generator has taken (-1: not started)

    def resume(self, value: Any, first: bool) -> tuple[str, Any]:
        """``("op", op)``, ``("return", value)`` or ``("raise", exception)``."""
        if not first:
            self.values.append(copy.deepcopy(value))
            if self.path is not None:
                try:
                    self.path = (*self.path, _key(value))
                except _Unkeyable:
                    self.path = None
        if self.cache is not None and self.path is not None and self.path in self.cache:
            kind, payload = self.cache[self.path]
            return kind, copy.deepcopy(payload) if kind != "raise" else payload
        if self.gen is None or self.gen_at != len(self.values) - 1:  # not right here: start again
            self.close()
            self.gen = _start(self.spec, self.index)
            self.gen_at = -1
            while self.gen_at < len(self.values) - 1:
                kind, payload = self._real()
                if kind != "op":  # it ended earlier than the first time (not deterministic)
                    return kind, payload
        outcome = self._real()
        if self.cache is not None and self.path is not None:
            kind, payload = outcome
            self.cache[self.path] = (kind, copy.deepcopy(payload) if kind != "raise" else payload)
        return outcome

    def _real(self) -> tuple[str, Any]:
        """Resume the real generator with its next input."""
        at = self.gen_at
        self.gen_at += 1
        try:
            if at < 0:
                return "op", next(self.gen)
            return "op", self.gen.send(copy.deepcopy(self.values[at]))
        except StopIteration as stop:
            return "return", stop.value
        except Exception as exc:  # noqa: BLE001 - a thread's own bug is an outcome
            return "raise", exc

    def close(self) -> None:
        if self.gen is not None:
            try:
                self.gen.close()
            except Exception:  # noqa: BLE001, S110 - a thread that refuses to close is finished
                pass
            self.gen = None


def _describe(op: Any) -> str:
    if isinstance(op, tuple) and op:
        return " ".join([str(op[0])] + [repr(a) for a in op[1:]])
    return repr(op)


class _Run:
    """One execution of the threads, driven one step at a time by a chooser."""

    def __init__(
        self,
        threads: Sequence[ThreadSpec],
        init: dict[str, Any],
        functions: dict[str, Callable[..., Any]],
        invariant: Callable[[dict[str, Any]], Any] | None,
        spurious: int,
        caches: list[dict] | None = None,
    ):
        self.state = copy.deepcopy(dict(init))
        self.functions = functions
        self.invariant = invariant
        self.spurious_left = spurious
        self.owner: dict[str, int] = {}
        self.waiters: dict[str, list[int]] = {}
        self.mode: list[str] = []  # run, wait, reacquire, done
        self.pending: list[Any] = []  # the op each thread is about to do
        self.results: list[Any] = [None] * len(threads)
        self.trace: list[str] = []
        self.schedule: list[int] = []
        self.status: str | None = None
        self.message = ""
        self.gens: list[_Thread] = []
        for index, spec in enumerate(threads):
            self.gens.append(_Thread(spec, index, None if caches is None else caches[index]))
            self.mode.append("run")
            self.pending.append(None)
            self._advance(index, None, first=True)
            if self.status:
                break

    # -- thread bookkeeping -------------------------------------------------------------------

    def _advance(self, tid: int, value: Any, first: bool = False) -> None:
        """Resume thread ``tid`` with ``value``; record its next operation or its end."""
        kind, payload = self.gens[tid].resume(value, first)
        if kind == "return":
            self.mode[tid] = "done"
            self.pending[tid] = None
            self.results[tid] = payload
            return
        if kind == "raise":
            self._fail("error", f"T{tid} raised {type(payload).__name__}: {payload}")
            return
        self.pending[tid] = self._validate(tid, payload)

    def _validate(self, tid: int, op: Any) -> tuple:
        if not isinstance(op, tuple) or not op or op[0] not in OPERATIONS:
            raise ModelError(
                f"T{tid} yielded {op!r}; a thread must yield an operation tuple whose first item "
                f"is one of {', '.join(OPERATIONS)} (for example ('read', 'x'))"
            )
        arity = {
            "read": 2,
            "write": 3,
            "acquire": 2,
            "release": 2,
            "wait": 3,
            "notify": 2,
            "notify_all": 2,
            "pause": 1,
        }
        name = op[0]
        if name in arity and len(op) != arity[name]:
            example = {
                "read": "('read', 'x')",
                "write": "('write', 'x', 1)",
                "acquire": "('acquire', 'lock')",
                "release": "('release', 'lock')",
                "wait": "('wait', 'cond', 'lock')",
                "notify": "('notify', 'cond')",
                "notify_all": "('notify_all', 'cond')",
                "pause": "('pause',)",
            }[name]
            raise ModelError(f"T{tid} yielded {op!r}: {name} takes the form {example}")
        if name == "call":
            if len(op) < 2 or op[1] not in self.functions:
                raise ModelError(
                    f"T{tid} yielded {op!r}: 'call' needs the name of a function given to the "
                    f"explorer; known: {sorted(self.functions) or 'none'}"
                )
        elif name in ("read", "write") and op[1] not in self.state:
            raise ModelError(
                f"T{tid} yielded {op!r}: {op[1]!r} is not a shared variable; the initial state "
                f"has {sorted(self.state)}"
            )
        return op

    def _fail(self, status: str, message: str) -> None:
        if self.status is None:
            self.status, self.message = status, message

    # -- scheduling ---------------------------------------------------------------------------

    def enabled(self) -> list[int]:
        """Threads that can take a step now, in id order."""
        out = []
        for tid, mode in enumerate(self.mode):
            if mode == "done":
                continue
            if mode == "wait":
                if self.spurious_left > 0:
                    out.append(tid)
                continue
            if mode == "reacquire":
                lock = self.pending[tid][2]
                if lock not in self.owner:
                    out.append(tid)
                continue
            op = self.pending[tid]
            if op[0] == "acquire" and op[1] in self.owner:
                continue
            out.append(tid)
        return out

    def finished(self) -> bool:
        return all(mode == "done" for mode in self.mode)

    def blocked_text(self) -> str:
        parts = []
        for tid, mode in enumerate(self.mode):
            op = self.pending[tid]
            if mode == "wait":
                parts.append(f"T{tid} waits on {op[1]!r} (nobody will notify it)")
            elif mode == "reacquire" and op[2] in self.owner:
                parts.append(f"T{tid} waits to retake {op[2]!r} (held by T{self.owner[op[2]]})")
            elif mode == "run" and op[0] == "acquire" and op[1] in self.owner:
                holder = self.owner[op[1]]
                who = "itself" if holder == tid else f"T{holder}"
                parts.append(f"T{tid} waits for {op[1]!r} (held by {who})")
        return "; ".join(parts)

    def step(self, tid: int) -> None:
        """Run one step of thread ``tid`` (which must be enabled)."""
        self.schedule.append(tid)
        mode, op = self.mode[tid], self.pending[tid]
        if mode == "wait":
            self.spurious_left -= 1
            self.waiters[op[1]].remove(tid)
            self.mode[tid] = "reacquire"
            self.trace.append(f"T{tid} wakes up spuriously (nobody notified {op[1]!r})")
            return
        if mode == "reacquire":
            self.owner[op[2]] = tid
            self.mode[tid] = "run"
            self.trace.append(f"T{tid} retakes {op[2]!r} and returns from wait")
            self._advance(tid, None)
            self._check_invariant()
            return
        name, result, note = op[0], None, ""
        if name == "read":
            result = copy.deepcopy(self.state[op[1]])
            note = f" -> {result!r}"
        elif name == "write":
            self.state[op[1]] = copy.deepcopy(op[2])
        elif name == "acquire":
            self.owner[op[1]] = tid
        elif name == "release":
            if self.owner.get(op[1]) != tid:
                held = self.owner.get(op[1])
                why = "nobody holds it" if held is None else f"T{held} holds it"
                self.trace.append(f"T{tid} {_describe(op)}")
                self._fail("error", f"T{tid} released {op[1]!r}, but {why}")
                return
            del self.owner[op[1]]
        elif name == "wait":
            if self.owner.get(op[2]) != tid:
                self.trace.append(f"T{tid} {_describe(op)}")
                self._fail("error", f"T{tid} waited on {op[1]!r} without holding {op[2]!r}")
                return
            del self.owner[op[2]]
            self.waiters.setdefault(op[1], []).append(tid)
            self.mode[tid] = "wait"
            self.trace.append(f"T{tid} wait {op[1]!r} (releases {op[2]!r})")
            return
        elif name in ("notify", "notify_all"):
            queue = self.waiters.get(op[1], [])
            woken = queue[:1] if name == "notify" else list(queue)
            for other in woken:
                queue.remove(other)
                self.mode[other] = "reacquire"
            note = f" (wakes {', '.join(f'T{w}' for w in woken) or 'nobody'})"
        elif name == "call":
            try:
                result = copy.deepcopy(self.functions[op[1]](*op[2:]))
            except Exception as exc:  # noqa: BLE001 - reported as the run's outcome
                self._fail("error", f"T{tid} {_describe(op)} raised {type(exc).__name__}: {exc}")
                return
            note = f" -> {result!r}"
        self.trace.append(f"T{tid} {_describe(op)}{note}")
        self._check_invariant()
        if self.status is None:
            self._advance(tid, result)

    def _check_invariant(self) -> None:
        if self.invariant is None or self.status:
            return
        verdict = self.invariant(copy.deepcopy(self.state))
        if verdict is not None and verdict is not True:
            why = verdict if isinstance(verdict, str) else "invariant(state) returned False"
            self._fail("invariant", f"after step {len(self.schedule)}: {why}")

    def outcome(self, check: Callable[[dict[str, Any], list[Any]], Any] | None) -> Outcome:
        if self.status is None and not self.finished():
            self._fail("deadlock", "deadlock: " + self.blocked_text())
        if self.status is None and check is not None:
            verdict = check(copy.deepcopy(self.state), copy.deepcopy(self.results))
            if verdict is not None and verdict is not True:
                why = verdict if isinstance(verdict, str) else "check(state, results) was False"
                self._fail("check", why)
        for thread in self.gens:
            thread.close()
        return Outcome(
            list(self.schedule),
            self.status or "ok",
            self.state,
            list(self.results),
            self.trace,
            self.message,
        )


def _checked_threads(threads: Iterable[ThreadSpec]) -> list[ThreadSpec]:
    threads = list(threads)
    if not threads:
        raise ModelError("give at least one thread")
    return threads


def _checked_init(init: Any) -> dict[str, Any]:
    if init is None:
        return {}
    if not isinstance(init, dict) or not all(isinstance(k, str) for k in init):
        raise ModelError(f"the initial state must be a dict of name -> value, got {init!r}")
    return init


def replay(
    threads: Sequence[ThreadSpec],
    init: dict[str, Any] | None,
    schedule: Sequence[int],
    *,
    check: Callable[[dict[str, Any], list[Any]], Any] | None = None,
    invariant: Callable[[dict[str, Any]], Any] | None = None,
    functions: dict[str, Callable[..., Any]] | None = None,
    spurious: int = 0,
    complete: bool = True,
) -> Outcome:
    """Run ``threads`` following ``schedule`` exactly and return the :class:`Outcome`.

    ``schedule[i]`` is the thread that takes step ``i``. With ``complete=True`` the schedule must
    cover every step until all threads finish or deadlock; with ``complete=False`` the steps after
    it go to the lowest-numbered thread that can run. Raises :class:`ScheduleError` if a listed
    thread cannot run at its step.
    """
    threads, init = _checked_threads(threads), _checked_init(init)
    if not isinstance(schedule, (list, tuple)) or not all(
        isinstance(t, int) and not isinstance(t, bool) for t in schedule
    ):
        raise ScheduleError(f"a schedule is a list of thread numbers, got {schedule!r}")
    run = _Run(threads, init, functions or {}, invariant, spurious)
    for position, tid in enumerate(schedule):
        if run.status:
            raise ScheduleError(
                f"the schedule has {len(schedule)} steps, but the run ended ({run.status}) after "
                f"{position}: {run.message}"
            )
        enabled = run.enabled()
        if tid not in enabled:
            if not enabled:
                why = "every thread has finished" if run.finished() else run.blocked_text()
                raise ScheduleError(
                    f"the schedule has {len(schedule)} steps, but after {position} no thread can "
                    f"move ({why})"
                )
            if not 0 <= tid < len(threads):
                why = f"there is no thread {tid} (threads are numbered 0 to {len(threads) - 1})"
            elif run.mode[tid] == "done":
                why = f"thread {tid} has already finished"
            else:
                why = f"thread {tid} is blocked ({run.blocked_text()})"
            raise ScheduleError(
                f"step {position + 1} of the schedule cannot run: {why}; threads that can run "
                f"then: {enabled}"
            )
        run.step(tid)
    if not run.status:
        enabled = run.enabled()
        if enabled and complete:
            raise ScheduleError(
                f"the schedule ends after {len(schedule)} steps, but threads {enabled} can still "
                "run; list every step until all threads finish (or deadlock)"
            )
        while enabled and not run.status and len(run.schedule) < MAX_STEPS * 10:
            run.step(enabled[0])
            enabled = run.enabled()
    return run.outcome(check)


def _too_large(what: str, limit: str) -> ExplorationTooLarge:
    return ExplorationTooLarge(
        f"stopped after {what} without finishing ({limit}): this state space is too big to "
        "explore exhaustively in seconds. Use fewer threads or fewer steps per thread, bound the "
        "preemptions (explore(..., preemptions=2) finds most bugs), or sample seeded random "
        "schedules with sample(..., runs=1000, seed=0)."
    )


def explore(
    threads: Sequence[ThreadSpec],
    init: dict[str, Any] | None = None,
    *,
    check: Callable[[dict[str, Any], list[Any]], Any] | None = None,
    invariant: Callable[[dict[str, Any]], Any] | None = None,
    functions: dict[str, Callable[..., Any]] | None = None,
    spurious: int = 0,
    preemptions: int | None = None,
    max_interleavings: int = MAX_INTERLEAVINGS,
    max_steps: int = MAX_STEPS,
    seconds: float = SECONDS,
    stop_at_first_failure: bool = False,
    memo: bool = True,
) -> Exploration:
    """Run ``threads`` under every schedule (depth first, lexicographic) from state ``init``.

    ``check(state, results)`` judges each finished run (``results`` are the threads' return
    values); return True or None for fine, False or a message for a failure. ``invariant(state)``
    is judged the same way after every step. ``spurious`` lets up to that many waits per run
    return without a notify. ``preemptions`` bounds how often a thread that could go on is
    switched away from (None: no bound). Raises :class:`ExplorationTooLarge` past
    ``max_interleavings`` runs or ``seconds`` seconds. ``memo`` replays a thread's steps from
    what it did before after the same inputs, instead of resuming its generator again (see
    ``_Thread``): the same outcomes, far fewer calls into the threads' code, as long as a thread
    depends only on its arguments and the values the explorer sends it.
    """
    threads, init = _checked_threads(threads), _checked_init(init)
    functions = functions or {}
    outcomes: list[Outcome] = []
    prefix: list[int] = []
    started = time.thread_time()
    # what each thread did after the same inputs
    caches: list[dict] | None = [{} for _ in threads] if memo else None
    while True:
        run = _Run(threads, init, functions, invariant, spurious, caches)
        # options[i]: the choices open at step i, chosen[i]: which one was taken
        options: list[list[int]] = []
        used_preemptions = 0
        previous: int | None = None
        while run.status is None:
            enabled = run.enabled()
            if not enabled:
                break
            if len(run.schedule) >= max_steps:
                run._fail(
                    "step limit",
                    f"the run passed {max_steps} steps without finishing (a busy wait or a "
                    "livelock?)",
                )
                break
            choices = enabled
            if preemptions is not None and previous in enabled:
                if used_preemptions >= preemptions:
                    choices = [previous]
            depth = len(run.schedule)
            if depth < len(prefix):
                tid = prefix[depth]
            else:
                tid = choices[0]
            options.append(choices)
            if previous is not None and tid != previous and previous in enabled:
                used_preemptions += 1
            run.step(tid)
            previous = tid
        outcomes.append(run.outcome(check))
        if stop_at_first_failure and not outcomes[-1].ok:
            break
        # Backtrack: the deepest step with an untried choice.
        schedule = outcomes[-1].schedule
        prefix = []
        for depth in range(len(options) - 1, -1, -1):
            later = [t for t in options[depth] if t > schedule[depth]]
            if later:
                prefix = schedule[:depth] + [later[0]]
                break
        if not prefix:
            break
        if len(outcomes) >= max_interleavings:
            limit = f"max_interleavings={max_interleavings:,}"
            raise _too_large(f"{len(outcomes):,} interleavings", limit)
        if time.thread_time() - started > seconds:
            raise _too_large(f"{len(outcomes):,} interleavings", f"{seconds:g} seconds")
    return Exploration(outcomes, exhaustive=True)


def sample(
    threads: Sequence[ThreadSpec],
    init: dict[str, Any] | None = None,
    *,
    runs: int = 1000,
    seed: int = 0,
    check: Callable[[dict[str, Any], list[Any]], Any] | None = None,
    invariant: Callable[[dict[str, Any]], Any] | None = None,
    functions: dict[str, Callable[..., Any]] | None = None,
    spurious: int = 0,
    max_steps: int = MAX_STEPS,
    seconds: float = SECONDS,
) -> Exploration:
    """``runs`` random schedules (the same ones for the same ``seed``), for spaces too big to
    explore. Every failure carries its schedule, so :func:`replay` repeats it exactly."""
    threads, init = _checked_threads(threads), _checked_init(init)
    if not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs must be a positive int, got {runs!r}")
    chooser = random.Random(seed)
    outcomes = []
    started = time.thread_time()
    caches: list[dict] = [{} for _ in threads]
    for _ in range(runs):
        run = _Run(threads, init, functions or {}, invariant, spurious, caches)
        while run.status is None:
            enabled = run.enabled()
            if not enabled:
                break
            if len(run.schedule) >= max_steps:
                run._fail("step limit", f"the run passed {max_steps} steps without finishing")
                break
            run.step(chooser.choice(enabled))
        outcomes.append(run.outcome(check))
        if time.thread_time() - started > seconds:
            raise _too_large(f"{len(outcomes):,} sampled runs", f"{seconds:g} seconds")
    return Exploration(outcomes, exhaustive=False, seed=seed)
