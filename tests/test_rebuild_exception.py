"""Rebuilding an exception reported by the other end of the channel imports nothing.

A report names classes (its MRO); they are only keys into two fixed tables: the built-in
exceptions and the course's own registered ones. Before, a ``course.*`` name was imported: a
learner exception claiming module ``course.__main__`` made the judge (root) import it and start a
nested grading run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from course.grading.codec import CodecError
from course.grading.rpc import (
    CallTimeout,
    ChannelClosed,
    Starved,
    exception_info,
    rebuild_exception,
)
from course.learner.byhand import ByHandError
from course.learner.checking import CheckFailed
from tests.conftest import ROOT

HOSTILE = [
    "course.__main__.X",
    "course.cli.X",
    "course.cli.main",
    "course.grading.bench.X",
    "os.X",
    "os.system",
    "antigravity.X",
    "course.no_such_module.X",
    "no_such_package_zz.sub.X",
    "course.__main__",
    "builtins.__import__",
    "builtins.exec",
]


def test_hostile_class_names_import_nothing():
    """In a fresh interpreter, rebuilding reports that name modules loads no module at all."""
    script = textwrap.dedent(
        f"""
        import json, sys
        from course.grading.rpc import rebuild_exception
        names = {HOSTILE!r}
        before = set(sys.modules)
        made = []
        for name in names:
            mro = [name, "builtins.ValueError", "builtins.Exception", "builtins.BaseException"]
            exc = rebuild_exception((name, mro, "boom"))
            made.append([type(exc).__name__, [c.__name__ for c in type(exc).__mro__],
                         str(exc), exc.remote_type, exc.from_learner])
            exc = rebuild_exception((name, [name], "bare"))
            made.append([type(exc).__name__, [c.__name__ for c in type(exc).__mro__],
                         str(exc), exc.remote_type, exc.from_learner])
        print(json.dumps({{"new": sorted(set(sys.modules) - before), "made": made}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["new"] == []
    for i, name in enumerate(HOSTILE):
        with_base, bare = out["made"][2 * i], out["made"][2 * i + 1]
        last = name.rpartition(".")[2] or name
        # named like the remote class, built on the nearest known class of its MRO
        assert with_base[0] == last and with_base[1][1] == "ValueError", with_base
        assert with_base[2:] == ["boom", name, True]
        assert bare[0] == last and bare[1][1] == "RuntimeError", bare
        assert bare[2:] == ["bare", name, True]


def test_no_import_machinery_is_used():
    """Even with the report naming a course module not loaded yet, no import is attempted."""
    import builtins
    import importlib

    asked: list[str] = []
    real_import, real_import_module = builtins.__import__, importlib.import_module

    def spy_import(name, *args, **kwargs):
        asked.append(name)
        return real_import(name, *args, **kwargs)

    def spy_import_module(name, *args, **kwargs):
        asked.append(name)
        return real_import_module(name, *args, **kwargs)

    builtins.__import__, importlib.import_module = spy_import, spy_import_module
    try:
        exc = rebuild_exception(
            ("course.grading.bench.Evil", ["course.grading.bench.Evil", "builtins.KeyError"], "k")
        )
    finally:
        builtins.__import__, importlib.import_module = real_import, real_import_module
    assert asked == []
    assert isinstance(exc, KeyError) and type(exc).__name__ == "Evil"


@pytest.mark.parametrize(
    "cls",
    [CheckFailed, ByHandError, CodecError, ChannelClosed, CallTimeout, Starved],
)
def test_course_classes_rebuild_to_subclasses_of_themselves(cls):
    exc = rebuild_exception(exception_info(cls("the message")))
    assert isinstance(exc, cls)
    assert type(exc) is not cls and type(exc).__name__ == cls.__name__
    assert str(exc) == "the message"
    assert exc.remote_type == f"{cls.__module__}.{cls.__qualname__}"
    assert exc.from_learner is True


def test_module_classes_rebuild_when_their_module_is_loaded():
    from course.columnar.layout import LayoutError
    from course.concurrency.explorer import ExplorationTooLarge, ModelError, ScheduleError

    for cls in (LayoutError, ExplorationTooLarge, ModelError, ScheduleError):
        exc = rebuild_exception(exception_info(cls("why")))
        assert isinstance(exc, cls) and str(exc) == "why", cls


def test_a_course_name_claimed_by_a_learner_class():
    """A learner class named like a registered course class is rebuilt as that class (a failing
    check, which the learner could raise anyway); any other course name gets its known base."""

    class CheckFailed(ValueError):  # noqa: N818 - named like the course's class on purpose
        pass

    CheckFailed.__module__ = "course.learner.checking"
    CheckFailed.__qualname__ = "CheckFailed"
    exc = rebuild_exception(exception_info(CheckFailed("x")))
    # the report's MRO names the course class first: it is a CheckFailed (an AssertionError)
    # here, which is what a learner may claim: a failing check, never a pass
    assert isinstance(exc, AssertionError)

    class Other(Exception):
        pass

    Other.__module__ = "course.__main__"
    exc = rebuild_exception(exception_info(Other("y")))
    assert type(exc).__name__ == "Other" and type(exc).__mro__[1] is Exception


def test_builtin_classes_still_rebuild():
    for cls in (ValueError, KeyError, ZeroDivisionError, ConnectionError, StopIteration):
        exc = rebuild_exception(exception_info(cls("m")))
        assert isinstance(exc, cls), cls
    assert isinstance(rebuild_exception(exception_info(KeyboardInterrupt())), RuntimeError)
    assert str(rebuild_exception(exception_info(KeyError("k")))) == "'k'"
    stop = rebuild_exception(exception_info(StopIteration(42)))
    assert isinstance(stop, StopIteration) and stop.value == 42
