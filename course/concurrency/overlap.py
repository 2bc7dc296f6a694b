"""Forced overlaps: grader-supplied collaborators that make the dangerous overlap of real threads
happen on every run, so a racy solution fails every time and a correct one passes every time.

Hoping the operating system interleaves threads badly is not a test (on CPython 3.11 the textbook
``counter += 1`` race loses nothing). Instead the collaborator waits at the dangerous point until
every thread has reached it (a rendezvous with a timeout), then lets them all go on together. A
locked solution never lets a second thread reach that point while the first is inside, so the
rendezvous times out after ``timeout`` seconds and the first thread simply goes on: correct code
costs a fraction of a second and never fails.

Every wait here has a timeout and every thread is a daemon: a deadlocked submission costs seconds
and is reported, never hangs the grader. Code is MIT licensed.
"""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

__all__ = ["CountingFactory", "GatedDict", "Rendezvous", "SharedDict", "run_threads"]


class Rendezvous:
    """``arrive()`` blocks until ``parties`` threads have arrived or ``timeout`` seconds pass.

    It never raises: a thread that waited in vain goes on after the timeout. ``met`` counts the
    rendezvous that filled up (each proves a real overlap happened).
    """

    def __init__(self, parties: int, timeout: float = 0.5) -> None:
        if parties < 1:
            raise ValueError(f"parties must be at least 1, got {parties!r}")
        self.parties, self.timeout = parties, timeout
        self._cond = threading.Condition()
        self._arrived = 0
        self._generation = 0
        self.met = 0

    def arrive(self) -> bool:
        """Wait for the others; True if all ``parties`` arrived in time."""
        with self._cond:
            generation = self._generation
            self._arrived += 1
            if self._arrived >= self.parties:
                self._arrived = 0
                self._generation += 1
                self.met += 1
                self._cond.notify_all()
                return True
            full = self._cond.wait_for(lambda: self._generation != generation, self.timeout)
            if not full:
                self._arrived -= 1
            return full


class GatedDict(MutableMapping):
    """A dict whose lookups of a *missing* key wait at a :class:`Rendezvous` first.

    With ``parties`` threads doing check-then-act on it, every thread sees the key missing before
    any of them stores it: an unlocked get-or-create calls its factory ``parties`` times, every
    run. ``key in d``, ``d.get(k)``, ``d[k]`` and ``d.setdefault`` are the gated lookups.
    """

    def __init__(self, parties: int, timeout: float = 0.5) -> None:
        self._data: dict[Any, Any] = {}
        self._gate = Rendezvous(parties, timeout)
        self._lock = threading.Lock()  # guards _data itself, not the caller's logic

    @property
    def overlaps(self) -> int:
        """How many times all parties met at a missing key."""
        return self._gate.met

    def _lookup(self, key: Any) -> tuple[bool, Any]:
        """``(found, value)`` decided now; on a miss, wait at the gate before answering."""
        with self._lock:
            found = key in self._data
            value = self._data.get(key)
        if not found:
            self._gate.arrive()
        return found, value

    def __contains__(self, key: object) -> bool:
        return self._lookup(key)[0]

    def __getitem__(self, key: Any) -> Any:
        found, value = self._lookup(key)
        if not found:
            raise KeyError(key)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key: Any, value: Any) -> None:
        with self._lock:
            self._data[key] = value

    def __delitem__(self, key: Any) -> None:
        with self._lock:
            del self._data[key]

    def __iter__(self) -> Iterator[Any]:
        with self._lock:
            return iter(list(self._data))

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def snapshot(self) -> dict[Any, Any]:
        """A plain copy of the contents."""
        with self._lock:
            return dict(self._data)


class SharedDict(dict):
    """A plain ``dict`` that a test shares with the learner's code *by reference*.

    Under the judge a plain ``dict`` argument reaches the learner's code as a copy, so what the
    code stores in it is lost; the judge passes an instance of a ``dict`` subclass as a handle
    instead, whose lookups and stores call back into the test's own dict. In one kernel it is
    just a dict.
    """


class CountingFactory:
    """A factory that records every call: ``factory(key)`` returns ``f"{key}#{n}"`` for its n-th
    call with that key (1-based), so two calls for one key give two different values."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: dict[Any, int] = {}

    def __call__(self, key: Any) -> str:
        with self._lock:
            self.calls[key] = self.calls.get(key, 0) + 1
            return f"{key}#{self.calls[key]}"


def run_threads(
    targets: list[tuple[Callable[..., Any], tuple]], timeout: float = 5.0
) -> list[dict[str, Any]]:
    """Run each ``(function, args)`` in its own daemon thread, all started together.

    Returns one plain dict per thread: ``{"result": ..., "error": "ValueError: ..." or None,
    "alive": bool}`` (``error`` as :func:`error_text` writes it: no code of the exception's
    class runs). ``alive`` is True for a thread still running after ``timeout`` seconds in
    all (a deadlock or an endless wait): it is left behind as a daemon, never joined for ever.
    """
    reports: list[dict[str, Any]] = [
        {"result": None, "error": None, "alive": True} for _ in targets
    ]
    start = threading.Barrier(len(targets) + 1, timeout=timeout) if targets else None

    def body(index: int, func: Callable[..., Any], args: tuple) -> None:
        try:
            start.wait()
        except threading.BrokenBarrierError:
            pass
        try:
            reports[index]["result"] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - reported as data
            reports[index]["error"] = error_text(exc)
        reports[index]["alive"] = False

    threads = [
        threading.Thread(target=body, args=(i, f, tuple(a)), daemon=True, name=f"course-{i}")
        for i, (f, a) in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    if start is not None:
        try:
            start.wait()
        except threading.BrokenBarrierError:
            pass
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [dict(r) for r in reports]


_TYPE_MRO = type.__dict__["__mro__"]
_TYPE_NAME = type.__dict__["__name__"]
_ARGS = BaseException.__dict__["args"]
#: The built-in exception classes, by id (``in`` on classes could run a metaclass's ``__eq__``).
_BUILT_IN = {
    id(value): value
    for value in vars(builtins).values()
    if type(value) is type and issubclass(value, BaseException)
}
_PLAIN = (str, int, float, bool, type(None), bytes)


def real_mro(cls: type) -> tuple:
    """``cls.__mro__`` as Python uses it, read with ``type``'s own descriptor (a metaclass can
    answer ``cls.__mro__`` as it likes, not change this)."""
    return _TYPE_MRO.__get__(cls)


def error_message(exc: BaseException) -> str:
    """``str(exc)`` as the nearest built-in exception class in its MRO writes it, from ``args``.

    No code of ``exc``'s class runs (its ``__str__``, an ``args`` property): ``args`` is read
    with ``BaseException``'s own descriptor, and only plain items (text, numbers, bytes, None)
    are shown; one argument is shown as itself (its ``repr`` for a ``KeyError``), several as a
    tuple, as ``BaseException.__str__`` does.
    """
    args = _ARGS.__get__(exc)
    if not all(any(type(a) is kind for kind in _PLAIN) for a in args):
        return "<a message that is not plain data>"
    if len(args) == 0:
        return ""
    if len(args) > 1:
        return repr(args)
    base = _nearest_built_in(type(exc))
    return repr(args[0]) if issubclass(base, KeyError) else str(args[0])


def error_text(exc: BaseException) -> str:
    """``"KeyError: 'job 3'"``: the class's name and :func:`error_message`.

    The name is the class's own (read with ``type``'s descriptor: a metaclass's ``__name__``
    does not count), followed by its nearest built-in class in parentheses when their names
    differ (a class named ``KeyError`` that is no ``KeyError`` says so).
    """
    cls = type(exc)
    name, base = _TYPE_NAME.__get__(cls), _nearest_built_in(cls)
    if name != base.__name__:
        name = f"{name} ({base.__name__})"
    return f"{name}: {error_message(exc)}"


def _nearest_built_in(cls: type) -> type:
    for klass in real_mro(cls):
        if _BUILT_IN.get(id(klass)) is klass:
            return klass
    return BaseException
