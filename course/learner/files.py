"""Folders for the files a notebook's tests write and the files your code writes.

- ``scratch_folder(prefix)``: a new empty folder for the tests' own files (inputs your functions
  read); it is removed when the kernel exits.
- ``lend(folder)``: the path of a folder *your code* may write, holding a copy of ``folder``'s
  files (``folder`` is created if missing). In your kernel that is ``folder`` itself.
- ``collect(path)``: the folder your code wrote, to read back. In your kernel that is ``path``.

Under the course's grader the tests run outside your process: there, ``scratch_folder`` is a
folder your code can read but not change, ``lend`` copies into a folder of your process's own,
and ``collect`` copies back only plain files and folders (never following a link), so a test
reads what your code wrote and nothing else. Code is MIT licensed.
"""

from __future__ import annotations

import atexit
import contextvars
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["scratch_folder", "lend", "collect"]

#: Set by the grader in the thread running a test cell: its file broker (None in a kernel).
broker: contextvars.ContextVar[Any] = contextvars.ContextVar("course_file_broker", default=None)
_kept: list[tempfile.TemporaryDirectory] = []


def _cleanup() -> None:
    for folder in _kept:
        folder.cleanup()


atexit.register(_cleanup)


def scratch_folder(prefix: str = "course-") -> Path:
    """A new empty folder for a notebook's files, removed when the kernel exits."""
    if not isinstance(prefix, str) or "/" in prefix or "\\" in prefix:
        raise ValueError(f"scratch_folder() takes a name prefix without slashes, got {prefix!r}")
    judge = broker.get()
    if judge is not None:
        return judge.scratch(prefix)
    folder = tempfile.TemporaryDirectory(prefix=prefix)
    _kept.append(folder)
    return Path(folder.name)


def lend(folder: str | Path) -> str:
    """The path (a str) of a folder your code may write, with a copy of ``folder``'s files."""
    if not isinstance(folder, (str, Path)):
        raise TypeError(f"lend() takes a folder path, got {type(folder).__name__}")
    judge = broker.get()
    if judge is not None:
        return judge.lend(Path(folder))
    Path(folder).mkdir(parents=True, exist_ok=True)
    return str(folder)


def collect(path: str | Path) -> Path:
    """The folder at ``path`` (from :func:`lend`) as your code left it, to read back."""
    if not isinstance(path, (str, Path)):
        raise TypeError(f"collect() takes the path lend() gave, got {type(path).__name__}")
    judge = broker.get()
    if judge is not None:
        return judge.collect(str(path))
    return Path(path)
