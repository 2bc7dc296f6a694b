"""``by_hand``: run a learner's function with libraries it must not delegate to made unreachable.

An exercise that says "by hand" is graded with the libraries that would do the work for the
learner replaced by stubs that raise :class:`ByHandError` on any use::

    with course.by_hand("pyarrow", "numpy"):
        got = pack_validity(flags)

While the block runs, ``sys.modules`` entries for those packages (and their submodules) are stubs,
and so is every global of the learner's namespace that refers to them: a module (``pa``), or a
function, class or object defined in them (``from pyarrow import array``). ``import pyarrow``
inside the function returns the stub. Everything is put back when the block ends, even on error.

Compute the test's own expected values *outside* the block: inside it the test cannot use the
blocked libraries either (it shares the notebook's namespace).
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["ByHandError", "by_hand", "blocked_modules"]

_state = threading.local()

#: Set by the trusted grader (``course.grading.judge``) in the thread running a test cell: there
#: the learner's code runs in another process, so ``by_hand`` only marks the calls made inside
#: the block (the grader's process keeps its own libraries).
judge_redirect: ContextVar[Callable[..., Any] | None] = ContextVar(
    "course_by_hand_judge_redirect", default=None
)


class ByHandError(RuntimeError):
    """Raised when code that must work by hand reaches a library it may not use."""


def _message(package: str, what: str) -> str:
    return (
        f"this exercise is to be done by hand, but the code used {what} (from {package}). "
        "Write it with plain Python (loops, int, bytes, list, dict) instead."
    )


class _Stub(types.ModuleType):
    """A module or object that raises ByHandError on every use."""

    def __init__(self, package: str, name: str) -> None:
        super().__init__(name)
        object.__setattr__(self, "_by_hand_package", package)

    def _fail(self, what: str) -> None:
        raise ByHandError(_message(object.__getattribute__(self, "_by_hand_package"), what))

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        self._fail(f"{self.__name__}.{attr}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._fail(f"{self.__name__}(...)")

    def __iter__(self) -> Iterator[Any]:
        self._fail(f"iteration over {self.__name__}")
        return iter(())

    def __bool__(self) -> bool:
        return True


def _package_of(value: Any) -> str | None:
    """The top-level package a global comes from (a module, or something defined in one)."""
    if isinstance(value, types.ModuleType):
        name = value.__name__
    else:
        name = getattr(type(value), "__module__", None) if not callable(value) else None
        name = getattr(value, "__module__", None) or name
    if not isinstance(name, str):
        return None
    return name.split(".")[0]


def blocked_modules() -> tuple[str, ...]:
    """The packages blocked in this thread right now (empty outside ``by_hand``)."""
    return getattr(_state, "blocked", ())


@contextmanager
def by_hand(*packages: str, namespace: dict | None = None) -> Iterator[None]:
    """Make ``packages`` (e.g. ``"pyarrow"``, ``"numpy"``) unreachable while the block runs.

    ``namespace`` is the learner's global namespace (default: the notebook's, ``__main__``).
    Nested blocks add to the blocked set.
    """
    for package in packages:
        if not isinstance(package, str) or not package or "." in package:
            raise TypeError(
                f"by_hand() takes top-level package names like 'pyarrow', got {package!r}"
            )
    redirect = judge_redirect.get()
    if redirect is not None:
        with redirect(*packages):
            yield
        return
    if namespace is None:
        namespace = vars(sys.modules["__main__"])
    blocked = set(packages)
    saved_modules: dict[str, Any] = {}
    saved_globals: dict[str, Any] = {}
    for name in list(sys.modules):
        if name.split(".")[0] in blocked:
            saved_modules[name] = sys.modules[name]
            sys.modules[name] = _Stub(name.split(".")[0], name)
    for package in blocked - {n.split(".")[0] for n in saved_modules}:
        saved_modules[package] = None
        sys.modules[package] = _Stub(package, package)
    for key, value in list(namespace.items()):
        if key.startswith("__"):
            continue
        package = _package_of(value)
        if package in blocked:
            saved_globals[key] = value
            if isinstance(value, types.ModuleType):
                label = value.__name__
            else:
                label = f"{getattr(value, '__module__', package)}.{getattr(value, '__name__', key)}"
            namespace[key] = _Stub(package, label)
    before = blocked_modules()
    _state.blocked = tuple(sorted(set(before) | blocked))
    try:
        yield
    finally:
        _state.blocked = before
        for key, value in saved_globals.items():
            if isinstance(namespace.get(key), _Stub):
                namespace[key] = value
        for name, module in saved_modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
