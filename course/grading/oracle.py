"""Oracles computed once per grading run, not once per student: :func:`once`.

A hidden test's expected values rarely depend on the submission: DataFusion's answer to a query,
pyarrow's bytes for a page, a baseline's CPU time. Under ``course grade`` the judge grades many
submissions of one assignment in the same process, so a test cell can compute such a value once::

    from course.grading.oracle import once

    _expected = once("host-summary-answers", lambda: [answer(t) for t in _tables])

The first submission graded in a process computes it; later ones reuse it. Values are kept per
source notebook (a key means nothing across notebooks) and only inside the judge: under plain
nbgrader (one kernel per notebook) ``once`` just calls ``compute``. ``course grade`` runs several
grading processes: the class driver gives them one private folder for the run (mode 0700, named
by ``COURSE_ORACLE_DIR``, removed at the end; sandboxed learner code cannot see it), so the first
process to need a value computes and stores it, the others wait for it and load it from there.
Stored values are data in the channel's format (:mod:`course.grading.codec`: plain values and
Arrow IPC), never pickles, and the folder and each file are used only if this user owns them and
nobody else can write them: a value that is not plain data stays in the process that made it.

Rules for authors (the judge cannot check them): ``compute`` must not depend on the submission
(never call learner code in it), and the test must not change a cached value (hand learner code
only plain data, which the judge copies on the way; never a cached object as a handle). A compute
that raises caches nothing. Code is MIT licensed.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import stat
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["once", "clear"]

T = TypeVar("T")

#: Set by the judge in the thread running a test cell: which source notebook is being graded.
scope: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "course_oracle_scope", default=None
)
_cache: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()
#: Set in each grading process by the class driver: the run's folder of values.
SHARED = "COURSE_ORACLE_DIR"


def once(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, computed once per grading run and source notebook (see above)."""
    if not isinstance(key, str) or not key:
        raise TypeError(f"once() takes a non-empty string key, got {key!r}")
    if not callable(compute):
        raise TypeError(f"once() takes a function to compute the value, got {compute!r}")
    where = scope.get()
    if where is None:  # not under the judge: nothing outlives the notebook
        return compute()
    with _lock:
        if (where, key) in _cache:
            return _cache[(where, key)]
    value = _shared(where, key, compute)
    with _lock:
        return _cache.setdefault((where, key), value)


def _shared(where: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or the value another grading process of this run computed and stored.

    Values are stored as data (``course.grading.codec``: plain values and Arrow IPC, never
    pickles), in the run's folder only if this process owns it and nobody else may write it.
    """
    folder = _private_folder(os.environ.get(SHARED))
    if folder is None:
        return compute()  # outside the lock: a test stopped mid-compute must not block others
    import fcntl

    from course.grading.codec import CodecError, decode, encode

    name = hashlib.sha256(f"{where}\0{key}".encode()).hexdigest()
    path = os.path.join(folder, name + ".value")
    lock = os.open(os.path.join(folder, name + ".lock"), _CREATE, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process computing it: wait for its value
        try:
            data = _read_private(path)
        except OSError:
            data = None
        if data is not None:
            with contextlib.suppress(CodecError):
                return decode(data)
        value = compute()
        with contextlib.suppress(CodecError, OSError):  # not plain data: stays per process
            data = encode(value)
            fd = os.open(path + ".part", _CREATE | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(path + ".part", path)
        return value
    finally:
        os.close(lock)


_CREATE = os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC


def _private_folder(folder: str | None) -> str | None:
    """``folder`` if it is a real folder of this process's user that only that user can use."""
    if not folder:
        return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        return None
    return folder


def _read_private(path: str) -> bytes | None:
    """The bytes of the regular file ``path`` if this user owns it (no symlink followed)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
            return None
        return f.read()


def clear() -> None:
    """Forget every cached value (tests use it)."""
    with _lock:
        _cache.clear()
