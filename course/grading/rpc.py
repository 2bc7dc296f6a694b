"""A symmetric, multiplexed request channel over two pipes, carrying only codec data.

Both ends are an :class:`Endpoint`. Either end may send requests at any time, from any number of
threads; each request has an id and waits (with a timeout) for its own reply, and each incoming
request is served on its own thread, so a learner function that calls back a judge-side object
(from its own threads too) while the judge waits for it works, and so does a judge that calls
learner code from several threads at once.

Frames: a 4-byte big-endian length, then ``codec.encode`` of one tuple:

- ``("q", id, op, args)``: a request; the reply is ``("r", id, value)`` or
  ``("e", id, (qualified class name, [MRO names], message))``;
- ``("n", op, args)``: a notification (no reply), used to release handles:
  ``("n", "release", ((id, count),))`` says the receiver's proxy for ``id`` is gone after it had
  received that handle ``count`` times; the sender forgets the object only when every time it
  sent it has been released (so a handle sent again while a release is on its way stays valid).

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
import struct
import sys
import threading
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
    __slots__ = ("done", "ok", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None


Handler = Callable[["Endpoint", str, tuple], Any]


class Endpoint:
    """One end of the channel: reads ``rfd``, writes ``wfd``; ``handler`` serves requests.

    ``handler(endpoint, op, args)`` runs on its own thread per request; what it returns is the
    reply (objects become handles), what it raises goes back as an error report.
    ``subclasses_as_handles``: send instances of list/tuple/dict subclasses as handles (the
    judge's side, so a test's collaborator keeps its behaviour) instead of as their base type
    (the learner's side, so a lying subclass arrives as plain data).
    ``max_frame``: the largest message this end reads (at most the codec's ``MAX_BYTES``); a
    larger one closes the channel and is recorded in ``oversized``.
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
    ) -> None:
        self._rfile = os.fdopen(rfd, "rb", buffering=1 << 16, closefd=True)
        self.max_frame = min(max_frame, MAX_BYTES)
        self._wfd = wfd
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
        self._idle: list[_Slot] = []  # server threads waiting for their next request
        self._idle_lock = threading.Lock()
        self._on_starved = on_starved
        self.closed = threading.Event()
        self.oversized = 0  # the size of a message refused for max_frame (0: none)
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

    # ----- sending -----
    def _send(self, message: tuple) -> None:
        released = self._releases() if self._dead else ()
        if released:  # proxies that died since the last message: the other end may drop them
            self._send_frame(("n", "release", released))
        self._send_frame(message)

    def _send_frame(self, message: tuple) -> None:
        data = self._encode(message)
        frame = _LEN.pack(len(data)) + data
        with self._wlock:
            if self.closed.is_set():
                raise ChannelClosed(f"{self.name}: channel closed ({self.close_reason})")
            view = memoryview(frame)
            try:
                while view:
                    written = os.write(self._wfd, view)
                    view = view[written:]
            except OSError as exc:
                self._close(f"write failed: {exc}")
                raise ChannelClosed(f"{self.name}: channel closed ({exc})") from None

    def request(self, op: str, args: tuple, timeout: float) -> Any:
        """Send a request and wait up to ``timeout`` seconds for its reply."""
        ident = next(self._ids)
        pending = _Pending()
        with self._plock:
            self._pending[ident] = pending
        try:
            self._send(("q", ident, op, args))
            if not pending.done.wait(timeout):
                if self.closed.is_set():
                    raise ChannelClosed(f"{self.name}: channel closed ({self.close_reason})")
                raise CallTimeout(f"no answer within {timeout:g} s")
        finally:
            with self._plock:
                self._pending.pop(ident, None)
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

    # ----- receiving -----
    def _read_exact(self, n: int) -> bytes:
        data = self._rfile.read(n)
        if data is None or len(data) < n:
            raise EOFError
        return data

    def _read_loop(self) -> None:
        try:
            while True:
                (length,) = _LEN.unpack(self._read_exact(4))
                if length > self.max_frame:
                    self.oversized = length
                    raise CodecError(
                        f"a message of {length:,} bytes is larger than the {self.max_frame:,} "
                        "bytes this end reads"
                    )
                message = decode(self._read_exact(length), self._resolve)
                self._dispatch(message)
        except EOFError:
            self._close("the other end closed the channel")
        except (CodecError, ValueError, TypeError) as exc:
            self._close(f"protocol error: {exc}")
        except OSError as exc:
            self._close(f"read failed: {exc}")
        finally:
            self._close("the reader stopped")
            try:
                self._rfile.close()
            except OSError:
                pass

    def _dispatch(self, message: Any) -> None:
        if not isinstance(message, tuple) or not message:
            raise CodecError("a message must be a non-empty tuple")
        kind = message[0]
        if kind in ("r", "e") and len(message) == 3 and isinstance(message[1], int):
            with self._plock:
                pending = self._pending.get(message[1])
            if pending is None or pending.done.is_set():
                return  # a late or duplicate reply: its request has given up; ignore it
            pending.ok = kind == "r"
            pending.value = message[2]
            pending.done.set()
        elif kind == "q" and len(message) == 4 and isinstance(message[1], int):
            _, ident, op, args = message
            if not self._threads.acquire(blocking=False):
                self._reply_error(ident, RuntimeError("too many requests at once"))
                return
            self._hand_over((ident, op, args))
        elif kind == "n" and len(message) == 3 and message[1] == "release":
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
        else:
            raise CodecError(f"unknown message kind {str(kind)[:20]!r}")

    def _hand_over(self, job: tuple) -> None:
        """Serve ``job`` on an idle server thread, or on a new one; if none can start, Starved."""
        with self._idle_lock:
            if self._idle:
                slot = self._idle.pop()
                slot.job = job
                slot.ready.set()
                return
        problem: BaseException | None = None
        for attempt in range(2):
            try:
                threading.Thread(
                    target=self._server, args=(job,), name=f"{self.name}-serve", daemon=True
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
        self._threads.release()
        self._reply_error(
            job[0], Starved(f"{self.name}: no thread could serve the request ({problem})")
        )

    def _server(self, job: tuple) -> None:
        """Serve requests, one at a time: starting a thread per call costs more than the call.

        The thread is back on the idle list *before* its reply goes out, so a caller that sends
        one request after another always finds it there: sequential calls never add threads.
        """
        slot = _Slot()
        while True:
            context = contextvars.Context()  # a fresh one per request, as on a new thread
            reply = context.run(self._answer, *job)
            slot.ready.clear()
            with self._idle_lock:
                keep = not self.closed.is_set() and len(self._idle) < _IDLE_SERVERS
                if keep:
                    self._idle.append(slot)
            context.run(self._send_answer, reply)
            if not keep:
                return
            if not slot.ready.wait(_IDLE_SECONDS):
                with self._idle_lock:
                    if slot in self._idle:
                        self._idle.remove(slot)
                        return
                # handed a job just as the wait ended: it is set before the slot left the list
            job = slot.job
            if job is None:  # the channel closed
                return

    def _reply_error(self, ident: int, exc: BaseException) -> None:
        try:
            self._send(("e", ident, exception_info(exc)))
        except (ChannelClosed, CodecError, OSError):
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
        except (ChannelClosed, OSError):
            pass

    def _close(self, reason: str) -> None:
        if self.closed.is_set():
            return
        self.close_reason = reason
        self.closed.set()
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for slot in idle:  # idle server threads end now
            slot.job = None
            slot.ready.set()
        with self._plock:
            pending = list(self._pending.values())
        for item in pending:
            item.ok = False
            item.value = ChannelClosed(f"{self.name}: channel closed ({reason})")
            item.done.set()

    def close(self) -> None:
        """Stop using the channel (the reader ends when the other side closes its end)."""
        self._close("closed by this end")
        for fd in (self._wfd,):
            try:
                os.close(fd)
            except OSError:
                pass


_IDLE_SERVERS = 8  # server threads kept waiting for requests
# How long an idle server thread waits for the next request before it ends. Short: a burst of
# calls reuses one thread, and soon after the burst the process has no threads of the channel's
# beyond its reader (ThreadWatch, counting a learner's leftover threads from outside, waits up to
# a second for threads that have just finished to go).
_IDLE_SECONDS = 0.25


class _Slot:
    """An idle server thread's mailbox: the next request, and the event that says it is there."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.job: tuple | None = ()


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


def _stderr(text: str) -> None:  # for debugging the channel itself
    sys.__stderr__.write(text + "\n")
