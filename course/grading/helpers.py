"""The worker's side of :func:`course.grading.judge.in_learner`: helpers fixed before learner code.

The worker builds one :class:`Helpers` before it runs any learner cell. It imports the modules
of :data:`MODULES`, keeps their public functions (``__all__``), and records a **seal**: the
objects those helpers depend on (the modules' globals, and the ``asyncio``, ``threading``,
``weakref`` and ``gc`` functions, classes and event loop methods the probes use) and their code
objects. A request ``course(module, qualname, args, kwargs)`` then

- calls the function kept at start-up, not whatever ``module.qualname`` names now (patching
  ``course.concurrency.probes.crawl_report`` from a cell changes nothing), and
- first checks the seal: if a learner cell replaced any of those objects (or a function's
  ``__code__``, ``__defaults__``, or a closure's contents), the call is refused with a
  ``PermissionError`` that says what was changed, so the test fails instead of reading a
  forged report.

This makes forging hard and visible, not impossible: code in the learner's process can reach
anything in that process (the worker's own frames included). What the judge checks itself is
listed in docs/authoring.md, "What must run next to the learner's code". Code is MIT licensed.
"""

from __future__ import annotations

import importlib
import types
from typing import Any

__all__ = ["MODULES", "Helpers"]

#: The modules whose public functions ``in_learner`` may call.
MODULES = ("course.concurrency.probes", "course.concurrency.seeded", "course.concurrency.overlap")

#: Library objects the helpers rely on, sealed by identity (and code) too.
_LIBRARY = {
    "asyncio": (
        "sleep",
        "gather",
        "all_tasks",
        "current_task",
        "get_running_loop",
        "iscoroutine",
        "Runner",
        "Lock",
        "Task",
        "SelectorEventLoop",
        "BaseEventLoop",
    ),
    "asyncio.base_events": ("BaseEventLoop",),
    "asyncio.runners": ("Runner",),
    "asyncio.tasks": ("all_tasks", "current_task", "gather", "sleep", "Task"),
    "threading": ("Thread", "enumerate", "Event", "Lock", "current_thread", "active_count"),
    "weakref": ("ref", "WeakValueDictionary"),
    "gc": ("collect", "get_referents"),
    "copyreg": ("_slotnames",),  # object.__getstate__ calls it (probes.attributes_holding)
    "sys": ("_current_frames",),
    "random": ("Random",),
}
_CLASS_ATTRS = ("__init__", "__call__", "run", "start", "join", "is_alive", "time", "_run_once")


def _parts(obj: Any) -> list[tuple[str, Any]]:
    """What of ``obj`` may be swapped in place: a function's code, defaults and cells."""
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    if not isinstance(obj, types.FunctionType):
        return []
    parts = [
        ("__code__", obj.__code__),
        ("__defaults__", obj.__defaults__),
        ("__kwdefaults__", None if obj.__kwdefaults__ is None else dict(obj.__kwdefaults__)),
    ]
    for i, cell in enumerate(obj.__closure__ or ()):
        try:
            parts.append((f"closure[{i}]", cell.cell_contents))
        except ValueError:  # an empty cell
            pass
    return parts


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(a[k] is b[k] for k in a)
    return a is b


class Helpers:
    """The ``in_learner`` helpers as they were at start-up, and the seal on what they use."""

    def __init__(self, modules: tuple[str, ...] = MODULES) -> None:
        self.functions: dict[tuple[str, str], Any] = {}
        self._seal: list[tuple[str, Any, str, Any]] = []  # (label, owner, attribute, value)
        for name in modules:
            module = importlib.import_module(name)
            for public in getattr(module, "__all__", ()):
                obj = getattr(module, public)
                if callable(obj) and not isinstance(obj, type):
                    self.functions[(name, public)] = obj
            for attr, value in vars(module).items():
                if not attr.startswith("__"):
                    self._add(f"{name}.{attr}", module, attr, value)
        for name, attrs in _LIBRARY.items():
            module = importlib.import_module(name)
            for attr in attrs:
                if hasattr(module, attr):
                    self._add(f"{name}.{attr}", module, attr, getattr(module, attr))

    def _add(self, label: str, owner: Any, attr: str, value: Any) -> None:
        self._seal.append((label, owner, attr, value))
        for part, content in _parts(value):
            self._seal.append((f"{label}.{part}", value, part, content))
        if isinstance(value, type) and value.__module__.split(".")[0] in ("asyncio", "threading"):
            for klass in value.__mro__[:-1]:
                for name in _CLASS_ATTRS:
                    if name in vars(klass):
                        self._add(f"{klass.__qualname__}.{name}", klass, name, vars(klass)[name])
        elif isinstance(value, type) and value.__module__.startswith("course."):
            for name, member in vars(value).items():
                if not name.startswith("__") or name in ("__init__", "__call__"):
                    self._add(f"{label}.{name}", value, name, member)

    def changed(self) -> list[str]:
        """What a learner cell replaced since start-up (labels; empty if nothing)."""
        out = []
        for label, owner, attr, value in self._seal:
            if isinstance(owner, type):
                now = vars(owner).get(attr, _MISSING)
            elif attr == "__kwdefaults__":
                now = owner.__kwdefaults__
                now = None if now is None else dict(now)
            elif attr.startswith("closure["):
                try:
                    now = owner.__closure__[int(attr[8:-1])].cell_contents
                except (ValueError, IndexError, TypeError):
                    now = _MISSING
            else:
                now = getattr(owner, attr, _MISSING)
            if not _same(now, value):
                out.append(label)
        return out

    def call(self, module: Any, qualname: Any, args: Any, kwargs: Any) -> Any:
        """``module.qualname(*args, **kwargs)`` as kept at start-up, if the seal holds."""
        func = self.functions.get((module, qualname)) if isinstance(module, str) else None
        if func is None:
            raise PermissionError(
                f"{str(module)[:60]}.{str(qualname)[:60]} is not a helper that in_learner may call "
                f"(the public functions of {', '.join(MODULES)})"
            )
        changed = self.changed()
        if changed:
            shown = ", ".join(changed[:5]) + (
                f" and {len(changed) - 5} more" if changed[5:] else ""
            )
            raise PermissionError(
                f"code in your notebook replaced what the grader's helper {qualname} relies on "
                f"({shown}); the test cannot trust its report"
            )
        return func(*tuple(args), **{str(k): v for k, v in dict(kwargs).items()})


_MISSING = object()
