"""A symmetric, multiplexed request channel over two pipes, carrying only codec data.

Both ends are an :class:`Endpoint`. Either end may send requests at any time, from any number of
threads; each request has an id and waits (with a timeout that covers sending it too) for its own
reply. Requests are served with thread affinity, as if both ends were one process: the requests
of one thread of the other end are served by one thread here, those of different threads by
different threads, and a nested request (a learner function calls back a judge-side object that
calls the learner again) is served by the thread that waits for the callback's reply. So a
learner function that calls back a judge-side object (from its own threads too) while the judge
waits for it works, so does a judge that calls learner code from several threads at once, and a
``threading.RLock``, ``Condition``, ``threading.local`` or ``get_ident`` of the learner's keeps
its meaning across the judge's calls from one thread (see :class:`Endpoint` for how long).

Frames: a 4-byte big-endian length, then ``codec.encode`` of one tuple:

- ``("q", id, op, args, thread)``: a request from logical thread ``thread`` (an int: positive for
  a thread of the sender's own, negative for one of the receiver's that the sender serves); the
  reply is ``("r", id, value)`` or ``("e", id, (qualified class name, [MRO names], message))``;
- ``("n", op, args)``: a notification (no reply). ``("n", "release", ((id, count),))`` says the
  receiver's proxy for ``id`` is gone after it had received that handle ``count`` times; the
  sender forgets the object only when every time it sent it has been released (so a handle sent
  again while a release is on its way stays valid). ``("n", "unbind", (thread, ...))`` says those
  threads of the sender's have ended.

Objects that are not plain data cross as handles: the sender keeps the object in its table and
the receiver gets a :class:`RemoteObject` proxy. What the remote side may do with a handle is up
to the local ``handler``; the judge allows only calls of public methods and a few protocol
dunders (:data:`CALLABLE_DUNDERS`) on the objects it passed (no ``setattr``); the worker also
lets the judge set public attributes of learner objects. ``__exit__`` of a ``with`` block that
raised is sent as ``("exit", target, exception info)`` (see :func:`exit_with`), so the other
end's context manager sees the exception. ``send``/``throw``/``close`` of a proxy are called in
one round trip (a remote generator takes one per step), and an exception carries its single text
argument as its message (``KeyError('k')`` stays ``'k'``) and, for ``StopIteration``, the
generator's return value.
"""

from __future__ import annotations

import builtins
import contextvars
import functools
import itertools
import os
import select
import struct
import sys
import threading
import time
import types
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

from course.grading.codec import MAX_BYTES, CodecError, Ref, decode, encode
from course.learner.byhand import ByHandError
from course.learner.checking import CheckFailed

__all__ = [
    "CALLABLE_DUNDERS",
    "AsHandle",
    "CallTimeout",
    "ChannelClosed",
    "Endpoint",
    "RemoteObject",
    "Starved",
    "exception_info",
    "exit_with",
    "rebuild_exception",
]

#: Protocol methods the learner side may call on a judge object (besides public methods).
CALLABLE_DUNDERS = frozenset(
    {
        "__call__",
        "__contains__",
        "__getitem__",
        "__setitem__",
        "__delitem__",
        "__len__",
        "__iter__",
        "__next__",
        "__enter__",
        "__exit__",
    }
)
#: Methods called on a remote object directly, without fetching them first (generators).
_GENERATOR_METHODS = frozenset({"send", "throw", "close"})
_LEN = struct.Struct(">I")
_MAX_MESSAGE = 2000  # characters of an exception message kept


class ChannelClosed(ConnectionError):
    """The other end is gone (it exited, crashed or closed the channel)."""


class CallTimeout(TimeoutError):
    """A request got no reply within its time limit."""


class Starved(RuntimeError):
    """This end could not start a thread to serve a request (its process limit, or memory).

    The request is answered with this error and the channel keeps working; the judge takes it
    as a sign that the learner's process is unusable and starts a fresh one.
    """


class AsHandle:
    """Wrap a reply value to send it as a handle even if it is plain data (a resident value)."""

    def __init__(self, value: Any) -> None:
        self.value = value


class RemoteObject:
    """A proxy for an object that lives at the other end of an :class:`Endpoint`.

    Calling it, iterating it, ``len()``, ``in``, ``[]`` and ``with`` are forwarded; an attribute
    is fetched from the other end (a method comes back as another proxy). Its ``repr`` is local
    and says only the type name the other end reported.
    """

    __slots__ = ("_endpoint", "_id", "_label", "__weakref__")

    def __init__(self, endpoint: Endpoint, ident: int) -> None:
        object.__setattr__(self, "_endpoint", endpoint)
        object.__setattr__(self, "_id", ident)
        object.__setattr__(self, "_label", "object")

    def _call(self, attr: str | None, *args: Any, **kwargs: Any) -> Any:
        return self._endpoint.call_remote(self, attr, args, kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(None, *args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        if attr in _GENERATOR_METHODS:  # one round trip per step of a remote generator, not two
            return functools.partial(self._call, attr)
        return self._endpoint.getattr_remote(self, attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr.startswith("_"):
            raise AttributeError("private attributes of a remote object cannot be set from here")
        self._endpoint.setattr_remote(self, attr, value)

    def __len__(self) -> int:
        try:
            return self._call("__len__")
        except AttributeError:  # no __len__ there: what len() of such an object raises
            raise TypeError("the remote object has no len()") from None

    def __iter__(self) -> Any:
        # A remote iterator (a generator, say) is its own iterator: keep the proxy, so that
        # ``yield from`` can also use its ``send`` and ``throw``.
        return self._call("__iter__")

    def __next__(self) -> Any:
        return self._call("__next__")

    def __contains__(self, item: Any) -> bool:
        return self._call("__contains__", item)

    def __getitem__(self, key: Any) -> Any:
        return self._call("__getitem__", key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._call("__setitem__", key, value)

    def __delitem__(self, key: Any) -> None:
        self._call("__delitem__", key)

    def __enter__(self) -> Any:
        return self._call("__enter__")

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> Any:
        if exc is None:
            return self._call("__exit__", None, None, None)
        # The block raised: the other end's __exit__ gets an exception of the nearest built-in
        # (or course) class with the same message, as if the block had raised it there.
        return self._endpoint.exit_remote(self, exc)

    def __repr__(self) -> str:
        return f"<{self._label} from the other process>"


def exit_with(target: Any, info: Any) -> Any:
    """Serve an ``exit`` request: ``target.__exit__`` with the exception rebuilt from ``info``."""
    exc = rebuild_exception(info)
    return target.__exit__(type(exc), exc, None)


def exception_info(exc: BaseException) -> tuple:
    """(qualified class name, MRO names, message[, value]) of ``exc``; the message is cut short.

    The message is the single text argument when there is one (so ``KeyError("k")`` rebuilt from
    it says ``'k'``, not ``"'k'"``). A ``StopIteration`` also carries its ``value`` (what a
    generator returned), sent like any reply value.
    """
    kind = type(exc)
    names = [f"{c.__module__}.{c.__qualname__}" for c in kind.__mro__]
    try:
        args = exc.args
        if type(args) is tuple and len(args) == 1 and type(args[0]) is str:
            message = args[0]
        else:
            message = str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ must not break the channel
        message = "<the exception message could not be read>"
    if not isinstance(message, str):
        message = "<not text>"
    if isinstance(exc, StopIteration):
        return names[0], names, message[:_MAX_MESSAGE], exc.value
    return names[0], names, message[:_MAX_MESSAGE]


_rebuilt: dict[tuple[str, type], type] = {}
_rebuilt_lock = threading.Lock()

#: Built-in exception classes by qualified name (``builtins.ValueError``...).
_BUILTIN_EXCEPTIONS: dict[str, type] = {
    f"builtins.{name}": cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, Exception)
}

#: The course's own exception classes an error report may name (tests and the judge catch them,
#: or look at their ``remote_type``): a fixed list, never grown from what a report says. Those of
#: this module, the codec and ``course.learner`` (loaded with any ``course`` module) are here from
#: the start; :func:`_course_exception` finds the others (module 1's layout, module 4's explorer)
#: in their module only if this process has loaded it already. A class whose module is not loaded
#: here cannot be caught here by class either, so the next name of the report's MRO (its
#: built-in base) serves as well.
_COURSE_EXCEPTIONS: dict[str, type] = {
    f"{cls.__module__}.{cls.__qualname__}": cls
    for cls in (CodecError, ChannelClosed, CallTimeout, Starved, CheckFailed, ByHandError)
}
_COURSE_EXCEPTIONS_ELSEWHERE: dict[str, tuple[str, str]] = {
    f"{module}.{name}": (module, name)
    for module, name in (
        ("course.columnar.layout", "LayoutError"),
        ("course.concurrency.explorer", "ExplorationTooLarge"),
        ("course.concurrency.explorer", "ModelError"),
        ("course.concurrency.explorer", "ScheduleError"),
    )
}


def _course_exception(name: str) -> type | None:
    """The registered course class called ``name``, without importing anything."""
    cls = _COURSE_EXCEPTIONS.get(name)
    if cls is not None:
        return cls
    where = _COURSE_EXCEPTIONS_ELSEWHERE.get(name)
    if where is None:
        return None
    module = sys.modules.get(where[0])  # loaded already, or not at all: never imported here
    cls = vars(module).get(where[1]) if isinstance(module, types.ModuleType) else None
    if isinstance(cls, type) and f"{cls.__module__}.{cls.__qualname__}" == name:
        return cls
    return None


def _known_class(name: str) -> type | None:
    """The local exception class a remote class name stands for, if it is one we know.

    Only two tables are looked at: the built-in exceptions and the course's own registered
    classes. A name is a key, nothing more: nothing is imported and no attribute of a module is
    looked up, whatever the report says (a name under ``course.__main__``, once imported here,
    started a nested grading run as root).
    """
    cls = _BUILTIN_EXCEPTIONS.get(name) or _course_exception(name)
    if isinstance(cls, type) and issubclass(cls, Exception):
        return cls
    return None


def rebuild_exception(info: Any) -> Exception:
    """An exception of the nearest built-in (or ``course``) class of the remote one.

    The result is an instance of a subclass of that class named like the remote class, with
    ``remote_type`` (qualified name) and ``from_learner = True``; ``KeyboardInterrupt`` and
    other non-``Exception`` classes become ``RuntimeError``.
    """
    value, has_value = None, False
    try:
        if isinstance(info, tuple) and len(info) == 4:
            *info, value = info
            has_value = True
        qualname, mro, message = info
        mro = [str(n) for n in mro][:64]
        qualname, message = str(qualname), str(message)
    except (TypeError, ValueError):
        qualname, mro, message = "builtins.RuntimeError", [], "malformed error report"
    candidates = [c for c in (_known_class(n) for n in mro) if c is not None] + [RuntimeError]
    for base in candidates:
        key = (qualname, base)
        with _rebuilt_lock:
            cls = _rebuilt.get(key)
            if cls is None:
                try:
                    cls = type(
                        qualname.rpartition(".")[2] or base.__name__,
                        (base,),
                        {"__module__": qualname.rpartition(".")[0] or "learner"},
                    )
                except TypeError:
                    continue
                _rebuilt[key] = cls
        try:
            exc = cls(value) if has_value and issubclass(cls, StopIteration) else cls(message)
        except Exception:  # noqa: BLE001 - e.g. UnicodeDecodeError needs five arguments
            continue
        exc.remote_type = qualname
        exc.from_learner = True
        return exc
    raise AssertionError("unreachable")


class _Pending:
    __slots__ = ("done", "ok", "value", "station")

    def __init__(self, station: _Station) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None
        self.station = station  # woken when the reply comes


class _Station:
    """Where one logical thread's requests are served at this end (see :class:`Endpoint`).

    ``key`` names the logical thread, as this end sees it: positive for a thread of this end,
    negative for one of the other end. ``jobs`` are requests waiting for it; the dispatcher adds
    to them (under the endpoint's station lock) only while ``open``, and only the station's own
    thread takes them.
    """

    __slots__ = ("key", "server", "bound", "jobs", "wake", "open", "depth", "ended", "announced")

    def __init__(self, key: int, server: bool, bound: bool = False) -> None:
        self.key = key
        self.server = server  # a server thread's (else a thread of this process's own)
        self.bound = bound  # a server thread registered for its key (else serves one job)
        self.jobs: deque[tuple] = deque()
        self.wake = threading.Event()
        self.open = server
        self.depth = 0  # requests this (own) thread is waiting for
        self.ended = False  # the other end said the logical thread ended
        self.announced = False  # the key went to the other end


class _ThreadToken:
    """Lives in a thread's ``threading.local`` slot: its death says the thread ended."""


class _Flooded(Exception):
    """The other end sent more unasked messages than ``max_requests``."""


Handler = Callable[["Endpoint", str, tuple], Any]


class Endpoint:
    """One end of the channel: reads ``rfd``, writes ``wfd``; ``handler`` serves requests.

    ``handler(endpoint, op, args)`` serves each request; what it returns is the reply (objects
    become handles), what it raises goes back as an error report.

    Thread affinity: a request carries the key of the logical thread that sent it. A thread of
    this process is a logical thread of its own; a thread serving requests is the other end's
    logical thread it serves. So the requests of one thread of the other end are served here by
    one thread, in order (a ``threading.RLock`` taken in one call can be released in the next;
    ``threading.local`` and ``get_ident`` keep their meaning), requests of different threads by
    different threads, and a nested request (a callback that calls back) is served by the thread
    of its logical thread that is waiting for the callback's reply, as in one process. A server
    thread stays bound to its logical thread while it is busy, and for ``_IDLE_SECONDS`` after
    its last reply (then it ends, and the logical thread's next request gets a new one): only that
    long does a lock held between two calls stay owned by the same thread. When a thread that
    sent requests ends, the other end is told (``("n", "unbind", (key, ...))``), and the thread
    serving it ends at once.

    Deadlines: a request's ``timeout`` covers sending it as well as waiting for the reply; a
    reply must be written within :meth:`reply_timeout`. A message left half-written at its
    deadline (the other end stopped reading) closes the channel. The reader ends when the
    channel closes; nothing in the channel waits for ever.

    ``subclasses_as_handles``: send instances of list/tuple/dict subclasses as handles (the
    judge's side, so a test's collaborator keeps its behaviour) instead of as their base type
    (the learner's side, so a lying subclass arrives as plain data).
    ``max_frame``: the largest message this end reads (at most the codec's ``MAX_BYTES``); a
    larger one closes the channel and is recorded in ``oversized``.
    ``max_requests``: how many messages the other end may send unasked (requests and
    notifications) over the channel's life (None: no limit); one more closes the channel and is
    recorded in ``flooded``. ``requests`` counts them.
    ``on_starved``: called on the reader thread when a serving thread cannot be started (the
    worker reaps its exited children there); the start is then tried once more, and if it fails
    again the request is answered with :class:`Starved` and the reader goes on.
    """

    def __init__(
        self,
        rfd: int,
        wfd: int,
        handler: Handler,
        name: str = "endpoint",
        subclasses_as_handles: bool = False,
        max_threads: int = 64,
        on_starved: Callable[[], Any] | None = None,
        max_frame: int = MAX_BYTES,
        max_requests: int | None = None,
    ) -> None:
        self._rfd = rfd
        os.set_blocking(rfd, False)
        self._rbuf = bytearray()
        self._rpoll = select.poll()
        self._rpoll.register(rfd, select.POLLIN)
        self.max_frame = min(max_frame, MAX_BYTES)
        self._wfd = wfd
        os.set_blocking(wfd, False)
        self._wpoll = select.poll()
        self._wpoll.register(wfd, select.POLLOUT)
        self._wlock = threading.Lock()
        self._handler = handler
        self.name = name
        self._subclasses_as_handles = subclasses_as_handles
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._plock = threading.Lock()
        # proxies that died, waiting to be reported to the other end; see _released
        self._dead: deque[tuple[int, list[int]]] = deque()
        self._exported: dict[int, Any] = {}  # id -> object
        self._export_ids: dict[int, int] = {}  # id(object) -> id
        self._sent: dict[int, int] = {}  # id -> times sent and not yet released
        self._received: dict[int, list[int]] = {}  # id -> [times the live proxy was received]
        self._proxies: weakref.WeakValueDictionary[int, RemoteObject] = (
            weakref.WeakValueDictionary()
        )
        self._threads = threading.BoundedSemaphore(max_threads)
        # logical threads: this end's own threads and the server threads bound to the other's
        self._local = threading.local()
        self._keys = itertools.count(1)
        self._stations: dict[int, _Station] = {}
        self._slock = threading.Lock()
        self._idle = 0  # server threads waiting for their next request
        self._ended: deque[int] = deque()  # keys of this end's threads that ended (GC-safe)
        self._on_starved = on_starved
        self.closed = threading.Event()
        self.oversized = 0  # the size of a message refused for max_frame (0: none)
        self.max_requests = max_requests
        self.requests = 0  # messages the other end sent unasked
        self.flooded = 0  # the count that went over max_requests (0: never)
        self.close_reason = ""
        self._reader = threading.Thread(target=self._read_loop, name=f"{name}-reader", daemon=True)
        self._reader.start()

    # ----- handles -----
    def _export(self, value: Any) -> Ref:
        if isinstance(value, RemoteObject):
            if value._endpoint is not self:
                raise CodecError("a handle of another channel cannot be sent here")
            return Ref(value._id, mine=False)
        if isinstance(value, AsHandle):
            value = value.value
        with self._plock:
            ident = self._export_ids.get(id(value))
            if ident is None:
                ident = next(self._ids)
                self._exported[ident] = value
                self._export_ids[id(value)] = ident
            self._sent[ident] = self._sent.get(ident, 0) + 1
        return Ref(ident, mine=True)

    def _encode(self, value: Any) -> bytes:
        if self._subclasses_as_handles:
            value = _containers_as_handles(value, self)
        return encode(value, self._export)

    def _resolve(self, ref: Ref) -> Any:
        if ref.mine:  # the sender owns it: a proxy here
            with self._plock:
                proxy = self._proxies.get(ref.id)
                if proxy is None:
                    proxy = RemoteObject(self, ref.id)
                    self._proxies[ref.id] = proxy
                    received = self._received[ref.id] = [1]
                    weakref.finalize(proxy, self._released, ref.id, received)
                else:
                    self._received[ref.id][0] += 1
            return proxy
        with self._plock:
            if ref.id not in self._exported:
                raise CodecError(f"handle {ref.id} is unknown here (released, or never sent)")
            return self._exported[ref.id]

    def _released(self, ident: int, received: list[int]) -> None:
        """A proxy died: queue its release, to be sent with the next message.

        This runs from the garbage collector, in whatever thread allocated at that moment, maybe
        one that holds ``_plock`` or ``_wlock`` (the reader creating a proxy, for one). So it takes
        no lock and sends nothing: ``deque.append`` is atomic.
        """
        self._dead.append((ident, received))

    def _releases(self) -> tuple:
        """The queued releases as ``((ident, count), ...)``, forgotten here."""
        items = []
        while True:
            try:
                ident, received = self._dead.popleft()
            except IndexError:
                break
            with self._plock:
                if self._received.get(ident) is received:
                    del self._received[ident]
            items.append((ident, received[0]))
        return tuple(items)

    def exported(self, obj: Any) -> bool:
        """True if ``obj`` is an object this end handed out as a handle."""
        with self._plock:
            return (
                id(obj) in self._export_ids and self._exported.get(self._export_ids[id(obj)]) is obj
            )

    # ----- logical threads -----
    def _station(self) -> _Station:
        """The calling thread's station: its server station, or (made once) its own."""
        station = getattr(self._local, "station", None)
        if station is None:
            station = _Station(next(self._keys), server=False)
            token = _ThreadToken()
            # when the thread ends its local slot goes, and the key is queued (no lock: GC-safe)
            weakref.finalize(token, self._ended.append, station.key).atexit = False
            self._local.station, self._local.token = station, token
            with self._slock:
                self._stations[station.key] = station
        return station

    def _unbinds(self) -> tuple:
        """Keys of this end's threads that ended and had sent requests, forgotten here."""
        keys = []
        while True:
            try:
                key = self._ended.popleft()
            except IndexError:
                break
            with self._slock:
                station = self._stations.pop(key, None)
            if station is not None and station.announced:
                keys.append(key)
        return tuple(keys)

    def _unbind(self, keys: Any) -> None:
        """The other end's threads ``keys`` ended: their server threads end when idle."""
        for key in keys if isinstance(keys, tuple) else ():
            if type(key) is not int:
                continue
            with self._slock:
                station = self._stations.get(-key)
                if station is not None and station.bound:
                    station.ended = True
                    station.wake.set()

    def _route(self, job: tuple, key: int | None) -> None:
        """Serve ``job`` (a request) for logical thread ``key`` (as this end sees it)."""
        with self._slock:
            station = self._stations.get(key) if key is not None else None
            if station is not None and station.open:
                station.jobs.append(job)
                station.wake.set()
                return
            if key is not None and key < 0 and station is None:
                station = _Station(key, server=True, bound=True)
                self._stations[key] = station
            else:
                # this end's thread that is not waiting (its request timed out, say), or no key:
                # a thread of its own for this one request, still speaking for that thread
                station = _Station(next(self._keys) if key is None else key, server=True)
        self._start(station, job)

    def _start(self, station: _Station, job: tuple) -> None:
        """Start a server thread for ``station`` with ``job``; if none can start, Starved."""
        problem: BaseException | None = None
        for attempt in range(2):
            try:
                threading.Thread(
                    target=self._server,
                    args=(station, job),
                    name=f"{self.name}-serve",
                    daemon=True,
                ).start()
                return
            except (RuntimeError, MemoryError) as exc:  # "can't start new thread"
                problem = exc
                if attempt == 0 and self._on_starved is not None:
                    try:
                        self._on_starved()
                    except Exception:  # noqa: BLE001 - the hook must not stop the reader
                        pass
                else:
                    break
        with self._slock:
            self._retire(station)
        self._threads.release()
        self._reply_error(
            job[0], Starved(f"{self.name}: no thread could serve the request ({problem})")
        )

    def _retire(self, station: _Station) -> None:
        """Take a server station off the map (call with ``_slock`` held)."""
        station.open = False
        if station.bound and self._stations.get(station.key) is station:
            del self._stations[station.key]

    def _server(self, station: _Station, job: tuple | None) -> None:
        """Serve ``station``'s requests, one at a time, each in a fresh context.

        The thread counts as idle (and takes the requests of its logical thread) *before* its
        reply goes out, so a caller that sends one request after another always finds it there:
        sequential calls never add threads.
        """
        self._local.station = station
        while job is not None:
            context = contextvars.Context()  # a fresh one per request, as on a new thread
            reply = context.run(self._answer, *job)
            job, idle = None, False
            with self._slock:
                if station.jobs:
                    job = station.jobs.popleft()
                elif (
                    station.bound
                    and not station.ended
                    and not self.closed.is_set()
                    and self._idle < _IDLE_SERVERS
                ):
                    self._idle += 1
                    idle = True
                else:
                    self._retire(station)
            context.run(self._send_answer, reply)
            if idle:
                job = self._next_job(station)

    def _next_job(self, station: _Station) -> tuple | None:
        """An idle server thread's next request, or None (idle too long, ended or closed)."""
        end = time.monotonic() + _IDLE_SECONDS
        while True:
            with self._slock:
                station.wake.clear()
                left = end - time.monotonic()
                if station.jobs and not self.closed.is_set():
                    self._idle -= 1
                    return station.jobs.popleft()
                if left <= 0 or station.ended or self.closed.is_set():
                    self._idle -= 1
                    self._retire(station)
                    return None
            station.wake.wait(left)

    def _wait(self, station: _Station, pending: _Pending, deadline: float, timeout: float) -> None:
        """Wait for ``pending``'s reply; meanwhile serve the nested requests of this thread."""
        while True:
            station.wake.clear()
            if pending.done.is_set():
                return
            if station.jobs:
                self._send_answer(self._answer(*station.jobs.popleft()))
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                if self.closed.is_set():
                    raise ChannelClosed(f"{self.name}: channel closed ({self.close_reason})")
                raise CallTimeout(f"no answer within {timeout:g} s")
            station.wake.wait(left)

    # ----- sending -----
    def _send(self, message: tuple, deadline: float | None = None) -> None:
        """Send ``message`` (after the queued notifications) by ``deadline``.

        The default deadline is a reply's (:meth:`reply_timeout` from now).
        """
        if deadline is None:
            deadline = time.monotonic() + self.reply_timeout()
        chunks: list[bytes] = []
        released = self._releases() if self._dead else ()
        if released:  # proxies that died since the last message: the other end may drop them
            chunks += self._frame(("n", "release", released))
        ended = self._unbinds() if self._ended else ()
        if ended:  # threads that ended: their server threads at the other end may go
            chunks += self._frame(("n", "unbind", ended))
        chunks += self._frame(message)
        self._write(chunks, deadline)

    def _frame(self, message: tuple) -> list[bytes]:
        data = self._encode(message)
        return [_LEN.pack(len(data)), data]

    def _write(self, chunks: list[bytes], deadline: float) -> None:
        """Write ``chunks`` whole by ``deadline``, or raise.

        CallTimeout if the deadline passes: before a byte was written the channel stays usable;
        after, it is closed (the other end would read the rest of a message that never comes).
        """
        if not self._wlock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            if self.closed.is_set():
                raise ChannelClosed(f"{self.name}: channel closed ({self.close_reason})")
            raise CallTimeout(f"{self.name}: the channel stayed busy past the deadline")
        try:
            if self.closed.is_set():
                raise ChannelClosed(f"{self.name}: channel closed ({self.close_reason})")
            started = False
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    try:
                        written = os.write(self._wfd, view)
                    except BlockingIOError:
                        written = 0
                    except OSError as exc:
                        self._close(f"write failed: {exc}")
                        raise ChannelClosed(f"{self.name}: channel closed ({exc})") from None
                    if written:
                        started = True
                        view = view[written:]
                        continue
                    if self.closed.is_set():
                        raise ChannelClosed(f"{self.name}: channel closed ({self.close_reason})")
                    left = deadline - time.monotonic()
                    if left <= 0:
                        if started:
                            self._close(
                                f"a message was left half-written at its deadline ({len(view):,} "
                                "bytes unsent: the other end stopped reading)"
                            )
                        raise CallTimeout(
                            f"{self.name}: the other end read nothing more before the deadline"
                        )
                    self._wpoll.poll(min(left, _POLL_SECONDS) * 1000)
        finally:
            if self.closed.is_set():
                self._close_wfd()
            self._wlock.release()

    def _close_wfd(self) -> None:
        """Close the write end (call with ``_wlock`` held): the other end reads EOF."""
        if self._wfd >= 0:
            try:
                os.close(self._wfd)
            except OSError:
                pass
            self._wfd = -1

    def request(self, op: str, args: tuple, timeout: float) -> Any:
        """Send a request and wait for its reply; ``timeout`` seconds cover both.

        While it waits, this thread serves the other end's requests for the same logical thread
        (a callback that calls back), as one process would.
        """
        deadline = time.monotonic() + timeout
        station = self._station()
        ident = next(self._ids)
        pending = _Pending(station)
        with self._plock:
            self._pending[ident] = pending
        if not station.server:
            with self._slock:
                station.depth += 1
                station.open = True
        try:
            station.announced = True
            self._send(("q", ident, op, args, station.key), deadline)
            self._wait(station, pending, deadline, timeout)
        finally:
            with self._plock:
                self._pending.pop(ident, None)
            if not station.server:
                with self._slock:
                    station.depth -= 1
                    station.open = station.depth > 0
                    left = [] if station.open else list(station.jobs)
                    if not station.open:
                        station.jobs.clear()
                for job in left:  # came after the reply: served by threads of their own
                    self._start(_Station(station.key, server=True), job)
        if pending.ok:
            return pending.value
        if isinstance(pending.value, ChannelClosed):
            raise pending.value
        raise rebuild_exception(pending.value)

    def call_remote(self, target: RemoteObject, attr: str | None, args: tuple, kwargs: dict) -> Any:
        """Call ``target`` (or its method ``attr``) at the other end."""
        return self.request("call", (target, attr, tuple(args), dict(kwargs)), self.call_timeout())

    def getattr_remote(self, target: RemoteObject, attr: str) -> Any:
        """Fetch ``target.attr`` from the other end."""
        return self.request("getattr", (target, attr), self.call_timeout())

    def exit_remote(self, target: RemoteObject, exc: BaseException) -> Any:
        """Call ``target.__exit__`` at the other end with (a rebuilt copy of) ``exc``."""
        return self.request("exit", (target, exception_info(exc)), self.call_timeout())

    def setattr_remote(self, target: RemoteObject, attr: str, value: Any) -> None:
        """Set ``target.attr = value`` at the other end (if the other end allows it)."""
        self.request("setattr", (target, attr, value), self.call_timeout())

    def call_timeout(self) -> float:
        """Seconds a call through a proxy may wait (override per endpoint)."""
        return getattr(self, "default_timeout", 120.0)

    def reply_timeout(self) -> float:
        """Seconds a reply may take to be written (at least ``_REPLY_SECONDS``)."""
        return max(_REPLY_SECONDS, self.call_timeout())

    # ----- receiving -----
    def _wait_readable(self) -> None:
        """Wait until the pipe has data; EOFError once this end is closed."""
        while not self._rpoll.poll(_POLL_SECONDS * 1000):
            if self.closed.is_set():
                raise EOFError
        if self.closed.is_set():
            raise EOFError

    def _read_exact(self, n: int) -> bytes | bytearray:
        buf = self._rbuf
        if len(buf) < n and n > _CHUNK:  # a large message: read it in place
            out = bytearray(n)
            have = len(buf)
            out[:have] = buf
            buf.clear()
            view = memoryview(out)
            while have < n:
                try:
                    got = os.readv(self._rfd, [view[have:]])
                except BlockingIOError:
                    self._wait_readable()
                    continue
                if not got:
                    raise EOFError
                have += got
            return out
        while len(buf) < n:
            try:
                chunk = os.read(self._rfd, _CHUNK)
            except BlockingIOError:
                self._wait_readable()
                continue
            if not chunk:
                raise EOFError
            buf += chunk
        data = bytes(buf[:n])
        del buf[:n]
        return data

    def _read_loop(self) -> None:
        try:
            while not self.closed.is_set():
                (length,) = _LEN.unpack(self._read_exact(4))
                if length > self.max_frame:
                    self.oversized = length
                    raise CodecError(
                        f"a message of {length:,} bytes is larger than the {self.max_frame:,} "
                        "bytes this end reads"
                    )
                message = decode(self._read_exact(length), self._resolve, max_bytes=self.max_frame)
                self._dispatch(message)
        except EOFError:
            self._close("the other end closed the channel")
        except _Flooded as exc:
            self._close(str(exc))
        except (CodecError, ValueError, TypeError) as exc:
            self._close(f"protocol error: {exc}")
        except OSError as exc:
            self._close(f"read failed: {exc}")
        finally:
            self._close("the reader stopped")
            self._drop_wfd()  # the channel is dead: the other end reads EOF too
            try:
                os.close(self._rfd)
            except OSError:
                pass

    def _unasked(self) -> None:
        """Count a message the other end sent unasked; past ``max_requests``, stop reading."""
        self.requests += 1
        if self.max_requests is not None and self.requests > self.max_requests:
            self.flooded = self.requests
            raise _Flooded(
                f"the other end sent more than {self.max_requests:,} requests and notifications"
            )

    def _dispatch(self, message: Any) -> None:
        if not isinstance(message, tuple) or not message:
            raise CodecError("a message must be a non-empty tuple")
        kind = message[0]
        if kind in ("r", "e") and len(message) == 3 and isinstance(message[1], int):
            with self._plock:
                pending = self._pending.get(message[1])
            if pending is None or pending.done.is_set():
                self._unasked()
                return  # a late or duplicate reply: its request has given up; ignore it
            pending.ok = kind == "r"
            pending.value = message[2]
            pending.done.set()
            pending.station.wake.set()
        elif kind == "q" and len(message) in (4, 5) and isinstance(message[1], int):
            self._unasked()
            ident, op, args = message[1:4]
            key = message[4] if len(message) == 5 else None
            if not self._threads.acquire(blocking=False):
                self._reply_error(ident, RuntimeError("too many requests at once"))
                return
            # the sender's key for its logical thread; this end sees it with the other sign
            self._route((ident, op, args), -key if type(key) is int and key else None)
        elif kind == "n" and len(message) == 3 and message[1] == "release":
            self._unasked()
            for item in message[2] if isinstance(message[2], tuple) else ():
                if not (isinstance(item, tuple) and len(item) == 2):
                    continue
                ident, count = item
                if not (isinstance(ident, int) and isinstance(count, int)):
                    continue
                with self._plock:
                    left = self._sent.get(ident, 0) - count
                    if left > 0:
                        self._sent[ident] = left
                        continue
                    self._sent.pop(ident, None)
                    obj = self._exported.pop(ident, None)
                    if obj is not None:
                        self._export_ids.pop(id(obj), None)
        elif kind == "n" and len(message) == 3 and message[1] == "unbind":
            self._unasked()
            self._unbind(message[2])
        else:
            raise CodecError(f"unknown message kind {str(kind)[:20]!r}")

    def _reply_error(self, ident: int, exc: BaseException) -> None:
        try:
            self._send(("e", ident, exception_info(exc)))
        except (ChannelClosed, CallTimeout, CodecError, OSError):
            pass

    def _answer(self, ident: int, op: Any, args: Any) -> tuple:
        """Run a request; the reply to send. Its slot is given back first: the other end may
        send its next request as soon as it has the reply, and must not find the budget used."""
        try:
            if not isinstance(op, str) or not isinstance(args, tuple):
                raise TypeError("malformed request")
            result = self._handler(self, op, args)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back as a report
            return ("e", ident, exception_info(exc))
        finally:
            self._threads.release()
        return ("r", ident, result)

    def _send_answer(self, reply: tuple) -> None:
        try:
            self._send(reply)
        except CodecError as exc:
            if reply[0] == "r":
                self._reply_error(reply[1], TypeError(f"the result cannot be sent: {exc}"))
        except (ChannelClosed, CallTimeout, OSError):
            pass

    def _close(self, reason: str) -> None:
        if self.closed.is_set():
            return
        self.close_reason = reason
        self.closed.set()
        with self._slock:
            stations = list(self._stations.values())
        for station in stations:  # idle server threads end now, waiting ones look again
            station.wake.set()
        with self._plock:
            pending = list(self._pending.values())
        for item in pending:
            item.ok = False
            item.value = ChannelClosed(f"{self.name}: channel closed ({reason})")
            item.done.set()
            item.station.wake.set()

    def close(self) -> None:
        """Stop using the channel: the write end is closed (now, or by the writer busy with it
        once it sees the channel closed), and the reader ends within ``_POLL_SECONDS``."""
        self._close("closed by this end")
        self._drop_wfd()

    def _drop_wfd(self) -> None:
        """Close the write end now if no writer holds it (else that writer closes it)."""
        if self._wlock.acquire(blocking=False):
            try:
                self._close_wfd()
            finally:
                self._wlock.release()


_IDLE_SERVERS = 8  # server threads kept waiting for requests
# How long an idle server thread waits for the next request before it ends. Short: a burst of
# calls reuses one thread, and soon after the burst the process has no threads of the channel's
# beyond its reader (ThreadWatch, counting a learner's leftover threads from outside, waits up to
# a second for threads that have just finished to go).
_IDLE_SECONDS = 0.25
_POLL_SECONDS = 0.25  # how often a blocked reader or writer looks whether the channel closed
_REPLY_SECONDS = 2.0  # the shortest time a reply may take to be written
_CHUNK = 1 << 16  # bytes read at once; a larger message is read in place


def _containers_as_handles(value: Any, endpoint: Endpoint, depth: int = 0) -> Any:
    """Replace instances of list/tuple/dict *subclasses* by AsHandle wrappers (judge side)."""
    if depth > 100:
        return value
    kind = type(value)
    if kind in (list, tuple, dict):
        if kind is dict:
            return (
                {k: _containers_as_handles(v, endpoint, depth + 1) for k, v in value.items()}
                if any(type(v) not in _SCALARS for v in value.values())
                else value
            )
        if all(type(v) in _SCALAR_SET for v in value):
            return value  # the common case: nothing inside to look at
        items = [_containers_as_handles(v, endpoint, depth + 1) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return kind(items)
    if isinstance(value, (list, tuple, dict)):
        return AsHandle(value)
    return value


_SCALARS = (type(None), bool, int, float, str, bytes)
_SCALAR_SET = frozenset(_SCALARS)
