"""The learner's side of grading: ``python -m course.grading.worker --rfd R --wfd W``.

(With ``--zygote FD`` it is a zygote instead: it imports the heavy libraries once and forks one
worker per notebook of a submission, see :mod:`course.grading.zygote`.)

A plain Python process (no Jupyter kernel) that runs the learner's code cells with IPython's
``InteractiveShell`` (so magics work), in its working directory, and serves the judge's requests
over the pipes ``R``/``W`` (see :mod:`course.grading.rpc`). At start-up stdin becomes
``/dev/null`` and stdout/stderr are captured: text printed while a learner cell runs goes back
with that cell's reply (capped); text printed at any other time (while tests call learner code)
is dropped.

Requests (the judge is trusted; nothing here decides a score):

- ``exec(source)`` -> ``(ok, output, error)`` with ``error = (ename, evalue, traceback) | None``
- ``get(names)`` -> ``{name: value or handle}`` for the names the learner's globals define
- ``call(target, attr, args, kwargs[, blocked])`` -> value or handle; ``blocked`` packages are
  made unreachable with :func:`course.learner.byhand.by_hand` while the call runs
- ``calls(target, attr, [args, ...][, blocked])`` -> a list: the same call once per argument
  tuple, in order, each in a fresh context; the first that raises ends the batch with its error
- ``exit(target, exception info)``: ``target.__exit__`` of a ``with`` block that raised
- ``getattr(target, attr)``, ``setattr(target, attr, value)`` (public names only)
- ``course(module, qualname, args, kwargs)``: call a helper of the ``course`` package here, as
  it was before any learner cell ran (see :mod:`course.grading.helpers`)
- ``put(value)`` (keep a value here, return its handle), ``ping``

Children: the worker does not reap the learner's child processes as they exit, so ``waitpid``,
``subprocess`` and ``multiprocessing`` in learner code see their children's statuses. Only when
the process cannot start a thread to serve a request (its process limit, which exited children
count against until they are reaped, is reached: a fork loop that never waits) does it reap every
exited child (:func:`_reap_exited_children`) and try again; a learner who waits for a child after
that gets ``ChildProcessError``. If the thread still cannot start, the request is answered with
``rpc.Starved`` and the judge starts a fresh process.
"""

from __future__ import annotations

import argparse
import contextvars
import io
import os
import sys
import threading
import traceback
from typing import Any

__all__ = ["main"]


class _Capture(io.TextIOBase):
    """sys.stdout/sys.stderr of the worker: text goes to the running cell's buffer, if any."""

    def __init__(self, state: _State, name: str) -> None:
        self.state = state
        self.name = name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            text = str(text)
        self.state.add(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _State:
    def __init__(self, output_bytes: int) -> None:
        self.lock = threading.Lock()
        self.buffer: list[str] | None = None
        self.size = 0
        self.cap = output_bytes
        self.dropped = 0

    def add(self, text: str) -> None:
        with self.lock:
            if self.buffer is None:
                return
            room = self.cap - self.size
            if room <= 0:
                self.dropped += len(text)
                return
            self.buffer.append(text[:room])
            self.size += min(len(text), room)
            self.dropped += max(0, len(text) - room)

    def start(self) -> None:
        with self.lock:
            self.buffer, self.size, self.dropped = [], 0, 0

    def stop(self) -> str:
        with self.lock:
            text = "".join(self.buffer or [])
            if self.dropped:
                text += f"\n[... {self.dropped} more characters of output dropped]\n"
            self.buffer = None
        return text


def _serve(rfd: int, wfd: int, output_bytes: int, timeout: float) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    from course.grading.helpers import Helpers
    from course.grading.rpc import AsHandle, Endpoint, exit_with
    from course.learner.byhand import by_hand

    state = _State(output_bytes)
    sys.stdout = _Capture(state, "stdout")
    sys.stderr = _Capture(state, "stderr")
    shell = InteractiveShell.instance()
    shell.showtraceback = lambda *a, **k: None  # the reply carries the error instead
    shell.showsyntaxerror = lambda *a, **k: None
    user_ns = shell.user_ns
    helpers = Helpers()  # before any learner cell: what in_learner calls, and its seal
    cell_lock = threading.Lock()
    block_lock = threading.RLock()  # a nested call (a callback that calls back) re-enters it

    def exec_cell(source: str) -> tuple[bool, str, tuple | None]:
        if not isinstance(source, str):
            raise TypeError("exec takes the cell's source text")
        with cell_lock:
            state.start()
            error = None
            try:
                result = shell.run_cell(source, store_history=False, silent=False)
                exc = result.error_before_exec or result.error_in_exec
            except BaseException as raised:  # noqa: BLE001 - SystemExit in a cell, for one
                exc = raised
            finally:
                sys.stdout.flush()
            if exc is not None:
                lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
                error = (type(exc).__name__, _text(exc), "".join(lines)[-20_000:])
            return error is None, state.stop(), error

    def handler(endpoint: Endpoint, op: str, args: tuple) -> Any:
        if op == "exec":
            return exec_cell(*args)
        if op == "get":
            (names,) = args
            return {n: user_ns[n] for n in names if isinstance(n, str) and n in user_ns}
        if op == "call":
            target, attr, call_args, kwargs, *rest = args
            blocked = tuple(rest[0]) if rest else ()
            func = target if attr is None else getattr(target, attr)
            if not blocked:
                return func(*call_args, **kwargs)
            with block_lock, by_hand(*blocked, namespace=user_ns):
                return func(*call_args, **kwargs)
        if op == "calls":  # a batch: [func(*args) for args in calls], each in a fresh context
            target, attr, calls, *rest = args
            blocked = tuple(rest[0]) if rest else ()
            func = target if attr is None else getattr(target, attr)
            if not isinstance(calls, list) or not all(isinstance(c, tuple) for c in calls):
                raise TypeError("calls takes a list of argument tuples")
            if not blocked:
                return [contextvars.Context().run(func, *c) for c in calls]
            with block_lock, by_hand(*blocked, namespace=user_ns):
                return [contextvars.Context().run(func, *c) for c in calls]
        if op == "getattr":
            target, attr = args
            return getattr(target, attr)
        if op == "setattr":
            target, attr, value = args
            if not (isinstance(attr, str) and attr.isidentifier() and not attr.startswith("_")):
                raise AttributeError(f"only public attributes can be set, not {str(attr)[:40]!r}")
            setattr(target, attr, value)
            return None
        if op == "exit":
            target, info = args
            return exit_with(target, info)
        if op == "course":
            return helpers.call(*args)
        if op == "put":
            return AsHandle(args[0])
        if op == "ping":
            return os.getpid()
        raise ValueError(f"unknown request {op!r}")

    endpoint = Endpoint(rfd, wfd, handler, name="worker", on_starved=_reap_exited_children)
    endpoint.default_timeout = timeout
    endpoint.closed.wait()


def _reap_exited_children() -> int:
    """Reap every child process that has exited (zombies); how many. Never blocks."""
    reaped = 0
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # no children at all
            return reaped
        except OSError:
            return reaped
        if pid == 0:  # children left, none exited
            return reaped
        reaped += 1


def _text(exc: BaseException) -> str:
    try:
        return str(exc)[:2000]
    except Exception:  # noqa: BLE001
        return "<the exception message could not be read>"


#: What a zygote imports once for all the notebooks of a submission (the worker's own imports,
#: and pandas, which pyarrow imports the first time it converts a list or an array).
ZYGOTE_PRELOAD = (
    "IPython.core.interactiveshell",
    "course.grading.helpers",
    "course.grading.rpc",
    "course.learner.byhand",
    "numpy",
    "pyarrow",
    "pandas",
)


def _zygote(ctl_fd: int, output_bytes: int, timeout: float) -> None:
    """Serve ``fork`` and ``reset`` requests on the control socket ``ctl_fd`` (see
    :mod:`course.grading.zygote`): each fork is a fresh worker for one notebook, made from this
    process before it ever ran learner code; ``reset`` kills every other process of the sandbox.
    The zygote itself never runs learner code and never starts a thread (forking is then safe).
    """
    import importlib
    import socket

    for name in ZYGOTE_PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    ctl = socket.socket(fileno=ctl_fd)
    me = os.getpid()
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(ctl, 64, 4)
        except OSError:
            return
        if not message:
            return  # the judge closed the channel
        _reap_exited_children()
        if message == b"fork" and len(fds) == 2 and threading.active_count() == 1:
            pid = os.fork()
            if pid == 0:
                try:
                    ctl.close()
                    _serve(fds[0], fds[1], output_bytes, timeout)
                finally:
                    os._exit(0)
            for fd in fds:
                os.close(fd)
            reply = f"pid {pid}\n"
        else:
            for fd in fds:
                os.close(fd)
            if message == b"reset":
                reply = "ok\n" if _kill_all_but(me) else "failed\n"
            else:
                reply = "refused\n"
        try:
            ctl.sendall(reply.encode())
        except OSError:
            return


def _kill_all_but(keep: int) -> bool:
    """SIGKILL every process of this PID namespace but ``keep`` and its init; True when done."""
    import signal
    import time

    for _ in range(200):
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, keep)]
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _reap_exited_children()
        time.sleep(0.005)
    return False


def main(argv: list[str] | None = None) -> None:
    """Start serving; exits when the judge closes the channel."""
    parser = argparse.ArgumentParser(prog="python -m course.grading.worker")
    parser.add_argument("--rfd", type=int)
    parser.add_argument("--wfd", type=int)
    parser.add_argument("--zygote", type=int, help="serve forks on this control socket")
    parser.add_argument("--output-bytes", type=int, default=1 << 20)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    if args.zygote is None and (args.rfd is None or args.wfd is None):
        parser.error("give --rfd and --wfd (a worker) or --zygote (a zygote)")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        if args.zygote is not None:
            _zygote(args.zygote, args.output_bytes, args.timeout)
        else:
            _serve(args.rfd, args.wfd, args.output_bytes, args.timeout)
    finally:
        os._exit(0)


if __name__ == "__main__":
    main()
