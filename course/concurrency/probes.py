"""Observations that must be made next to the learner's code, returned as plain data.

The graded tests of assignment 4b call these through
:func:`course.grading.inside.in_learner`: under the judge they run in the learner's process
(a coroutine cannot cross processes, and only that process can count the threads the learner's
code left running); in one kernel they are plain calls. Each takes plain data and the learner's
function, and returns a plain ``dict``; the test cell states the rules on it.

Trust: under the judge these run beside the submission, so a hostile submission could forge what
they report. To make that hard and visible, they bind what they use when this module is imported
(``_sleep``, ``_task_set``, ...: patching ``asyncio.sleep`` later changes nothing here), and the
worker calls them as they were before any learner cell ran and refuses to if a cell replaced them
or what they rely on (:mod:`course.grading.helpers`). The judge still checks what it can itself:
calls of its own callbacks (``work`` in the pipeline tests), and the threads of the learner's
process, counted by the OS (:class:`course.grading.observe.ThreadWatch`).

What they observe, they observe without running code of the learner's classes: a learner class
can define ``__dict__``, ``__getattribute__``, ``__eq__``, ``__hash__``, ``__str__``, ``done``,
``is_alive``, a metaclass with ``__name__``... and so answer ``vars()``, ``==``, ``in`` or a method
call with whatever it likes. The probes read storage through the built-in types' own descriptors
(found in the classes' real namespaces, ``type.__dict__["__dict__"]``), compare with ``is`` or a
built-in type's own ``__eq__``, take types with ``type()`` (never ``__class__``/``isinstance``),
count threads from the interpreter's own table and tasks from asyncio's own set, and turn an
exception into text from its ``args`` (see docs/authoring.md, "Observing a learner's object").
Code is MIT licensed.
"""

from __future__ import annotations

from asyncio import Future as _Future
from asyncio import Lock as _Lock
from asyncio import Task as _Task
from asyncio import current_task as _current_task
from asyncio import gather as _gather
from asyncio import get_running_loop as _get_running_loop
from asyncio import sleep as _sleep
from asyncio.tasks import _all_tasks as _task_set  # asyncio's own set of live tasks
from gc import collect as _collect
from gc import get_referents as _referents
from sys import _current_frames
from types import GetSetDescriptorType as _GetSet
from types import MappingProxyType as _Proxy
from types import MemberDescriptorType as _Member
from typing import Any
from weakref import WeakValueDictionary as _WeakValueDictionary
from weakref import ref as _ref

from course.concurrency.overlap import error_message, real_mro, run_threads
from course.concurrency.seeded import run

__all__ = [
    "attributes_holding",
    "crawl_report",
    "instance_attributes",
    "run_counted",
    "spawn_report",
    "spawned_result",
    "withdraw_report",
]


def run_counted(func: Any, args: tuple | list, timeout: float = 10.0) -> dict[str, Any]:
    """Run ``func(*args)`` in a daemon thread (:func:`run_threads`) and count leftover threads.

    Returns ``run_threads``' report plus ``"threads_left"``: how many threads started during the
    call (by ``func``) are still running when it has returned or raised.
    """
    before = _python_threads()
    (report,) = run_threads([(func, tuple(args))], timeout=timeout)
    left = [ident for ident, root in _python_threads().items() if before.get(ident) is not root]
    report["threads_left"] = len(left)  # includes the runner itself if ``alive``
    return report


def _python_threads() -> dict[int, Any]:
    """``{thread id: outermost frame}`` of every thread running Python code now.

    Read from the interpreter's own list of thread states (``sys._current_frames``), not from
    ``threading``'s objects: a ``Thread`` subclass can answer ``is_alive()``, ``==`` and ``hash``
    as it likes, and ``_thread.start_new_thread`` makes threads ``threading`` never lists. A
    thread that has returned has no frame, so it is not listed. The outermost frame tells a new
    thread from an ended one whose id it reuses (the caller keeps the old frames alive).
    """
    roots = {}
    for ident, frame in _current_frames().items():
        while frame.f_back is not None:
            frame = frame.f_back
        roots[ident] = frame
    return roots


def _fake_fetch(fail: Any) -> tuple[Any, dict[str, Any]]:
    """A fake fetch and its record: ``len(url)`` virtual seconds, concurrency and cleanups.

    The record lives in this closure, not on an object handed to the crawl (whose code could
    otherwise set ``fetch.most`` itself), and a url is read as the text it holds (``str``'s own
    methods: a ``str`` subclass's ``__len__``, ``__hash__`` or ``upper`` do not run).
    """
    record: dict[str, Any] = {"running": 0, "most": 0, "started": [], "cleaned": []}
    failing = frozenset(str(url) for url in fail)

    async def fetch(url: str) -> str:
        if not _is_a(url, str):
            raise TypeError(f"fetch() takes a url (a str), got {_type_name(url)}")
        url = _text(url)
        record["started"].append(url)
        record["running"] += 1
        record["most"] = max(record["most"], record["running"])
        try:
            await _sleep(len(url))
            if url in failing:
                raise ValueError(f"cannot fetch {url}")
            return url.upper()
        finally:
            record["running"] -= 1
            record["cleaned"].append(url)

    return fetch, record


def _unfinished_tasks(loop: Any, main: Any) -> list[Any]:
    """The tasks of ``loop`` other than ``main`` that have not finished, from asyncio's own set.

    A task's state and loop are read with ``asyncio.Future``'s own methods (a ``Task`` subclass
    can answer ``done()`` and ``get_loop()`` as it likes, and ``asyncio.all_tasks`` asks them).
    An object in that set that is not a built-in ``Future`` cannot be read safely: it counts as
    unfinished.
    """
    left = []
    for ref in list(_task_refs):
        task = ref()
        if task is None or task is main:
            continue
        if not _is_a(task, _Future):
            left.append(task)
        elif _Future.get_loop(task) is loop and not _Future.done(task):
            left.append(task)
    return left


def crawl_report(
    crawl: Any, urls: list, limit: int, fail: Any = (), seed: int = 0, timeout: float = 10.0
) -> dict[str, Any]:
    """Run ``crawl(urls, fetch, limit)`` on the seeded loop with a recording fake ``fetch``.

    ``fetch(url)`` sleeps ``len(url)`` virtual seconds and returns ``url.upper()``, or raises
    ``ValueError("cannot fetch <url>")`` for a url in ``fail``. Returns ``result`` (or None),
    ``error`` (the ValueError's message or None), ``started`` and ``cleaned`` (urls, in order;
    ``cleaned`` as it was when crawl ended), ``most`` (fetches in progress at once) and ``left``
    (tasks other than the main one still unfinished when crawl ended).
    """
    fetch, record = _fake_fetch(fail)

    async def observe() -> tuple:
        try:
            result, error = await crawl(list(urls), fetch, limit), None
        except ValueError as exc:
            result, error = None, error_message(exc)
        cleaned = list(record["cleaned"])
        left = _unfinished_tasks(_get_running_loop(), _current_task())
        for task in left:
            if _is_a(task, _Task):
                _Task.cancel(task)
        return result, error, cleaned, len(left)

    result, error, cleaned, left = run(observe(), seed=seed, timeout=timeout)
    return {
        "result": result,
        "error": error,
        "started": list(record["started"]),
        "cleaned": cleaned,
        "most": record["most"],
        "left": left,
    }


def withdraw_report(
    withdraw: Any, amounts: list, start: int, seed: int = 0, timeout: float = 10.0
) -> dict[str, Any]:
    """Run ``withdraw(account, lock, a, approve)`` for every ``a`` in ``amounts`` at once.

    The account starts at ``start``; ``approve(a)`` records ``(a, balance at that moment)`` and
    sleeps ``0.01 * a`` virtual seconds. Returns ``done`` (what each call returned, in order),
    ``final`` (the balance at the end) and ``seen`` (the approvals, in order).
    """
    account, seen = {"balance": start}, []

    async def bank() -> list:
        lock = _Lock()

        async def approve(amount: int) -> None:
            seen.append((amount, account["balance"]))
            await _sleep(0.01 * amount)

        return list(await _gather(*(withdraw(account, lock, a, approve) for a in amounts)))

    done = run(bank(), seed=seed, timeout=timeout)
    return {"done": done, "final": account["balance"], "seen": seen}


def spawned_result(spawn: Any, value: Any, seed: int = 0, timeout: float = 10.0) -> Any:
    """What awaiting ``spawn(asyncio.sleep(1, result=value))`` gives, on the seeded loop."""

    async def main() -> Any:
        return await spawn(_sleep(1, result=value))

    return run(main(), seed=seed, timeout=timeout)


def spawn_report(spawn: Any, n: int, seed: int = 0, timeout: float = 10.0) -> dict[str, Any]:
    """Spawn ``n`` background jobs that only their own task keeps alive; collect garbage.

    Each job awaits a future that only the job itself references, so a task nobody keeps is
    destroyed by ``_collect()`` before it can finish. Returns ``finished`` (the jobs that
    finished, sorted) and ``kept`` (how many of the tasks that ran them are still referenced:
    the tasks themselves, seen from inside each job, not whatever ``spawn`` returned).
    """

    async def main() -> tuple:
        futures: _WeakValueDictionary = _WeakValueDictionary()
        finished: list[int] = []

        main, runners = _current_task(), {}

        async def job(i: int) -> None:
            task = _current_task()  # the task running this job, whatever spawn returned
            if task is not main:
                runners[i] = _ref(task)
            fut = _get_running_loop().create_future()
            futures[i] = fut
            await fut
            finished.append(i)

        for i in range(n):
            spawn(job(i))  # what it returns is not kept: only spawn may keep the task alive
        for _ in range(3):
            await _sleep(0)
        _collect()
        for i in range(n):
            fut = futures.get(i)
            if fut is not None:
                fut.set_result(None)
        for _ in range(5):
            await _sleep(0)
        _collect()
        return sorted(finished), sum(runners[i]() is not None for i in finished if i in runners)

    finished, kept = run(main(), seed=seed, timeout=timeout)
    return {"finished": finished, "kept": kept}


def instance_attributes(obj: Any) -> list[str]:
    """The names of the attributes stored on ``obj`` itself (its ``__dict__`` and slots), sorted.

    Read without running code of ``obj``'s class (see :func:`_stored`): a class that defines
    ``__dict__`` or ``__getattribute__`` cannot hide an attribute from it (``vars(obj)`` asks
    the class).
    """
    return sorted({name for name, _ in _stored(obj)})


def attributes_holding(obj: Any, value: Any) -> list[str]:
    """The names of the attributes stored on ``obj`` itself whose value is ``value``, sorted.

    "Is": the same object, or, for ``value`` of a built-in type (``str``, ``bytes``, ``int``,
    ``float``), an instance of that type (or a subclass) that the type's own ``__eq__`` finds
    equal (a subclass's ``__eq__`` does not run). Read as :func:`instance_attributes` reads.
    """
    return sorted({name for name, held in _stored(obj) if _holds(held, value)})


_task_refs = _task_set.data  # its weak references (iterating the WeakSet would run its code)
_TYPE_NAMESPACE = type.__dict__["__dict__"]  # a class's own namespace, whatever its metaclass
_TYPE_FLAGS = type.__dict__["__flags__"]
_TYPE_NAME = type.__dict__["__name__"]
_TYPE_DICTOFFSET = type.__dict__["__dictoffset__"]
_HEAPTYPE = 1 << 9
_ATOMS = (str, bytes, int, float)
_object_getstate = object.__getstate__
_dict_items = dict.items
_proxy_items = _Proxy.items
_str_str = str.__str__


def _is_a(obj: Any, cls: type) -> bool:
    """``isinstance(obj, cls)`` by ``type(obj)``'s real MRO (``__class__`` is not asked)."""
    return any(klass is cls for klass in real_mro(type(obj)))


def _text(obj: Any) -> str:
    """The text of a ``str`` (or of a ``str`` subclass's instance), as an exact ``str``."""
    return _str_str(obj)


def _type_name(obj: Any) -> str:
    return _text(_TYPE_NAME.__get__(type(obj)))


def _own(klass: type) -> list[tuple[str, Any]]:
    """``(name, value)`` of what ``klass`` itself defines, from its real namespace."""
    return [(k, v) for k, v in _proxy_items(_TYPE_NAMESPACE.__get__(klass)) if type(k) is str]


def _stored(obj: Any) -> list[tuple[str, Any]]:
    """``(name, value)`` of every attribute stored on ``obj`` itself: its slots, then its dict.

    Nothing ``obj``'s classes define runs: slots are read with their member descriptors (found
    in the namespaces of the classes of ``type(obj)``'s MRO, read through ``type``'s own
    ``__dict__``), and the instance dict with the ``__dict__`` descriptor that Python made for
    the class that introduced it. A class that replaced ``__dict__`` without a base that has the
    real one is read the way pickling reads it (``object.__getstate__``), if that runs none of
    its code (``type`` as every metaclass, no ``__slots__`` or ``__slotnames__``); otherwise it
    cannot be observed and ``TypeError`` says so.
    """
    cls = type(obj)
    mro = real_mro(cls)
    stored: list[tuple[str, Any]] = []
    members: list[Any] = []
    getset = None
    for klass in mro:
        if not _TYPE_FLAGS.__get__(klass) & _HEAPTYPE:
            continue  # a built-in class's fields are not attributes set on the instance
        for name, entry in _own(klass):
            if type(entry) is _Member and not any(entry is m for m in members):
                if any(entry.__objclass__ is k for k in mro):
                    members.append(entry)
            elif name == "__dict__" and type(entry) is _GetSet and entry.__objclass__ is klass:
                getset = getset or entry
    for member in members:
        try:
            stored.append((_text(member.__name__), _Member.__get__(member, obj, cls)))
        except AttributeError:  # an empty slot
            pass
    if _TYPE_DICTOFFSET.__get__(cls) == 0:
        return stored
    if getset is not None:
        namespace = _GetSet.__get__(getset, obj, cls)
    else:
        namespace = _pickled_dict(obj, mro)
    if namespace is None:
        return stored
    if not _is_a(namespace, dict) or not any(r is namespace for r in _referents(obj)):
        raise TypeError(
            f"the attributes of a {_type_name(obj)} cannot be read: its __dict__ is "
            "not the dict the object holds"
        )
    for key, held in _dict_items(namespace):
        if _is_a(key, str):  # other keys are no attribute names
            stored.append((_text(key), held))
    return stored


def _pickled_dict(obj: Any, mro: tuple) -> Any:
    """``obj``'s own dict (or None if empty) through ``object.__getstate__``, if that is safe.

    It runs no code of ``obj``'s classes when every metaclass is ``type`` (``copyreg`` reads
    ``cls.__dict__`` and ``cls.__mro__``), no class defines ``__slots__`` (each slot would be
    read with ``getattr``) and ``type(obj)``'s own ``__slotnames__``, if any (``copyreg`` caches
    it there), is an empty list.
    """
    safe = all(type(klass) is type for klass in mro)
    for klass in mro:
        for name, entry in _own(klass):
            if name == "__slots__":
                safe = False
            elif name == "__slotnames__" and klass is mro[0]:
                safe = safe and type(entry) is list and len(entry) == 0
    if not safe:
        raise TypeError(
            f"the attributes of a {_type_name(obj)} cannot be read without running its "
            "class's code: its class replaces __dict__"
        )
    return _object_getstate(obj)


def _holds(held: Any, value: Any) -> bool:
    if held is value:
        return True
    kind = type(value)
    if not any(kind is atom for atom in _ATOMS) or not _is_a(held, kind):
        return False
    return kind.__eq__(held, value) is True
