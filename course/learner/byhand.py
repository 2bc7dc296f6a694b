"""``by_hand``: run a learner's function with libraries it must not delegate to made unreachable.

An exercise that says "by hand" is graded with the libraries that would do the work for the
learner replaced by stubs that raise :class:`ByHandError` on any use::

    with course.by_hand("pyarrow", "numpy"):
        got = pack_validity(flags)

While the block runs, ``sys.modules`` entries for those packages (and their submodules) are stubs,
and so is every global of the learner's namespace that refers to them: a module (``pa``), or a
function, class or object defined in them (``from pyarrow import array``). ``import pyarrow``
inside the function returns the stub, and so does importing a submodule not loaded before
(``import pyarrow.compute``). Everything is put back when the block ends, even on error.

It stops the plausible shortcuts (the learner's own names and imports), not a determined cheat:
another module's attribute that holds the real library (``some_module.pa``) stays reachable.

Compute the test's own expected values *outside* the block: inside it the test cannot use the
blocked libraries either (it shares the notebook's namespace).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
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
        object.__setattr__(self, "__path__", [])  # a package: `import pyarrow.compute` works

    def _fail(self, what: str) -> None:
        __tracebackhide__ = True  # the learner's line that used the library is what matters
        raise ByHandError(_message(object.__getattribute__(self, "_by_hand_package"), what))

    def __getattr__(self, attr: str) -> Any:
        __tracebackhide__ = True
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        self._fail(f"{self.__name__}.{attr}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        self._fail(f"{self.__name__}(...)")

    def __iter__(self) -> Iterator[Any]:
        __tracebackhide__ = True
        self._fail(f"iteration over {self.__name__}")
        return iter(())

    def __bool__(self) -> bool:
        return True


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports a stub for any module of a blocked package not imported before the block."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name.split(".")[0] in blocked_modules():
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        return _Stub(spec.name.split(".")[0], spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


_FINDER = _StubFinder()
#: One stub per name, reused while its attributes are as made (a stub that code inside a block
#: kept and changed, say by adding a module ``__getattr__``, is replaced, never reused).
_STUBS: dict[tuple[str, str], tuple[_Stub, dict]] = {}


def _stub(package: str, name: str) -> _Stub:
    made = _STUBS.get((package, name))
    if made is not None and vars(made[0]) == made[1]:
        return made[0]
    stub = _Stub(package, name)
    _STUBS[(package, name)] = (stub, dict(vars(stub)))
    return stub


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
        top = name.partition(".")[0]
        if top in blocked:
            saved_modules[name] = sys.modules[name]
            sys.modules[name] = _stub(top, name)
    for package in blocked - {n.partition(".")[0] for n in saved_modules}:
        saved_modules[package] = None
        sys.modules[package] = _stub(package, package)
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
            namespace[key] = _stub(package, label)
    before = blocked_modules()
    _state.blocked = tuple(sorted(set(before) | blocked))
    added_finder = _FINDER not in sys.meta_path
    if added_finder:
        sys.meta_path.insert(0, _FINDER)
    try:
        yield
    finally:
        _state.blocked = before
        if added_finder and _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)
        for name in [n for n in sys.modules if n.partition(".")[0] in blocked]:
            if name not in saved_modules and isinstance(sys.modules[name], _Stub):
                del sys.modules[name]  # a stub imported inside the block
        for key, value in saved_globals.items():
            if isinstance(namespace.get(key), _Stub):
                namespace[key] = value
        for name, module in saved_modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
