"""Strict comparison of plain data, for tests that learners read.

``check(actual, expected)`` compares kind *and* value, recursively. The kinds are the plain ones:
None, bool, int, float, str, bytes, list, tuple, dict. A subclass counts as its base kind (a
``Counter`` is a dict, a NumPy ``float64`` a float), but values are always read through the base
type's own methods, so an object whose ``==`` always says True cannot pass; ``True`` is not ``1``,
``3.0`` is not ``3`` and a tuple is not a list. On a mismatch it raises :class:`CheckFailed` (an
``AssertionError``) whose message says where the two values differ and how, in words a learner
can act on, the difference first (Validate shows only the start of a long message). It never
shows the test's source, and IPython hides these helpers' own frames from the traceback
(``__tracebackhide__``), so a learner sees the test line that failed and the message.
"""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Callable
from typing import Any

__all__ = [
    "CheckFailed",
    "bounded_repr",
    "check",
    "check_raises",
    "describe",
    "first_difference",
    "hide_helper_frames",
    "kind",
]

_KINDS = (bool, int, float, str, bytes, list, tuple, dict)  # bool before int: it is a subclass
_MAX_REPR = 120


class CheckFailed(AssertionError):
    """A check found a difference; the message says what to fix."""


def kind(value: Any) -> type:
    """The plain kind a value counts as: its first base among the plain types, else its type."""
    if value is None:
        return type(None)
    for base in _KINDS:
        if isinstance(value, base):
            return base
    return type(value)


def _a(name: str) -> str:
    return f"an {name}" if name[:1].lower() in tuple("aeiou") else f"a {name}"


def bounded_repr(value: Any, limit: int = _MAX_REPR) -> str:
    """``repr(value)``, or its first ``limit`` characters and ``...``, at a bounded cost.

    Plain data (None, bool, int, float, str, bytes, bytearray, list, tuple, dict, and subclasses
    that keep their base's ``repr``) is written item by item and the writing stops once it is
    longer than ``limit``: a value with shared parts, a huge string or a deep nesting costs no
    more to describe than a short one. Other objects use their own ``repr`` (cut to ``limit``).
    A value whose repr is at most ``limit`` characters is shown exactly as ``repr`` shows it.
    """
    out: list[str] = []
    room = [limit + 1]  # characters still to write before the text is known to be too long
    try:
        _write(value, out, room, set())
    except _Full:
        pass
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real message
        return "<unprintable>"
    text = "".join(out)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Full(Exception):
    """The text being written is already longer than its limit."""


def _put(text: str, out: list[str], room: list[int]) -> None:
    out.append(text[: room[0]])
    room[0] -= len(text)
    if room[0] <= 0:
        raise _Full


_OPEN_CLOSE = {list: ("[", "]"), tuple: ("(", ")"), dict: ("{", "}")}


def _base_of(value: Any) -> type | None:
    """The plain type whose repr ``value`` uses (its own type or a base it did not override)."""
    for base in (bool, int, float, str, bytes, bytearray, list, tuple, dict):
        if isinstance(value, base):
            return base if type(value).__repr__ is base.__repr__ else None
    return None


def _write(value: Any, out: list[str], room: list[int], path: set[int]) -> None:
    base = None if value is None else _base_of(value)
    if value is None or base in (bool, float):
        _put(repr(value) if base is not float else float.__repr__(value), out, room)
    elif base is int:
        digits = int.bit_length(value) * 0.30103
        if digits > 4000:  # Python refuses to print (and would take long on) such ints
            _put(f"<int of about {int(digits)} digits>", out, room)
        else:
            _put(int.__repr__(value), out, room)
    elif base in (str, bytes, bytearray):
        _put(_text_repr(value, base, room[0]), out, room)
    elif base in (list, tuple, dict):
        if id(value) in path:  # a container inside itself: repr writes [...] or {...}
            _put("{...}" if base is dict else "[...]", out, room)
            return
        path.add(id(value))
        opening, closing = _OPEN_CLOSE[base]
        _put(opening, out, room)
        if base is dict:
            for i, (key, item) in enumerate(dict.items(value)):
                if i:
                    _put(", ", out, room)
                _write(key, out, room, path)
                _put(": ", out, room)
                _write(item, out, room, path)
        else:
            items = list.__iter__(value) if base is list else tuple.__iter__(value)
            count = 0
            for count, item in enumerate(items, 1):
                if count > 1:
                    _put(", ", out, room)
                _write(item, out, room, path)
            if base is tuple and count == 1:
                _put(",", out, room)
        _put(closing, out, room)
        path.discard(id(value))
    else:
        _put(repr(value), out, room)


def _text_repr(value: Any, base: type, room: int) -> str:
    """The repr of a str, bytes or bytearray, or (if longer than ``room`` items) a start of it at
    least ``room`` characters long, read from only ``room`` items of the value."""
    if base is str:
        size, head, quotes = str.__len__(value), str.__getitem__(value, slice(0, room)), "'\""
    else:
        view = memoryview(value)
        size, head, quotes = len(view), bytes(view[:room]), b"'\""
    whole = size <= room
    if not whole:
        # the quote characters of the rest make repr pick the quotes the whole value's repr
        # picks; what it writes of the head is then the start of the whole value's repr
        for quote in (quotes[:1], quotes[1:]):
            if base.__contains__(value, quote):
                head += quote
    # (bytearray's repr escapes quotes its own way); past the head, the caller cuts the text
    return repr(bytearray(head) if base is bytearray else head)


def _short(value: Any) -> str:
    return bounded_repr(value, _MAX_REPR)


def describe(value: Any) -> str:
    """Return a short ``type value`` description, cut to a readable length."""
    return f"{type(value).__name__} {_short(value)}"


def first_difference(
    actual: Any, expected: Any, path: str = "result", rel_tol: float = 0.0, abs_tol: float = 0.0
) -> str | None:
    """Return a sentence naming the first place where ``actual`` differs from ``expected``.

    ``None`` means they are equal in kind and value. Floats compare with ``rel_tol`` and
    ``abs_tol`` as ``math.isclose`` does (both 0: exact), and NaN equals NaN. Lists, tuples
    and dicts are compared element by element, dict keys in any order.
    """
    want = kind(expected)
    if want not in _KINDS and want is not type(None):
        raise TypeError(
            "check() compares plain data (None, bool, int, float, str, bytes, list, tuple, dict); "
            f"got an expected value of type {type(expected).__name__}. Convert it first, for "
            "example with .to_pylist() for Arrow arrays."
        )
    got = kind(actual)
    if got is not want:
        should = "None" if want is type(None) else _a(want.__name__)
        it_is = "None" if actual is None else f"{_a(type(actual).__name__)}: {_short(actual)}"
        return f"{path} should be {should}, but it is {it_is}"
    if want is type(None):
        return None
    if want is float:
        a, e = float.__float__(actual), float.__float__(expected)
        if (math.isnan(a) and math.isnan(e)) or math.isclose(
            a, e, rel_tol=rel_tol, abs_tol=abs_tol
        ):
            return None
        return f"{path} is {a!r}, expected {e!r}"
    if want in (bool, int, str, bytes):
        if want.__eq__(actual, expected) is True:
            return None
        return f"{path} is {describe(actual)}, expected {describe(expected)}"
    if want in (list, tuple):
        items = list(want.__iter__(actual))
        wanted = list(want.__iter__(expected))
        if len(items) != len(wanted):
            return f"{path} has {len(items)} items, expected {len(wanted)}"
        for i, (a, e) in enumerate(zip(items, wanted, strict=True)):
            found = first_difference(a, e, f"{path}[{i}]", rel_tol, abs_tol)
            if found:
                return found
        return None
    keys = list(dict.keys(actual))
    wanted_keys = list(dict.keys(expected))
    # sets, not lists: a learner's dict of a million keys must not cost a million squared
    key_set, wanted_set = set(keys), set(wanted_keys)
    missing = [k for k in wanted_keys if k not in key_set]
    extra = [k for k in keys if k not in wanted_set]
    if missing:
        return f"{path} is missing the key(s) {bounded_repr(missing[:5])}"
    if extra:
        return f"{path} has unexpected key(s) {bounded_repr(extra[:5])}"
    for key in wanted_keys:
        value = dict.__getitem__(actual, key)
        found = first_difference(
            value, expected[key], f"{path}[{bounded_repr(key)}]", rel_tol, abs_tol
        )
        if found:
            return found
    return None


def check(
    actual: Any, expected: Any, call: str = "result", rel_tol: float = 0.0, abs_tol: float = 0.0
) -> None:
    """Raise :class:`CheckFailed` unless ``actual`` equals ``expected`` in kind and value.

    ``call`` names what was checked (for example ``"mean_of_valid([1.0, None])"``); the
    message says the difference first, then the call. Floats may differ by ``rel_tol``/``abs_tol``.
    """
    __tracebackhide__ = True  # IPython shows the learner's call and the message, not this frame
    found = first_difference(actual, expected, "result", rel_tol, abs_tol)
    if found:
        raise CheckFailed(f"{found}; in {call}") from None


def check_raises(
    func: Callable[..., Any], args: tuple, error: type[BaseException], call: str
) -> None:
    """Raise :class:`CheckFailed` unless ``func(*args)`` raises ``error`` (or a subclass)."""
    __tracebackhide__ = True  # IPython shows the learner's call and the message, not this frame
    try:
        result = func(*args)
    except error:
        return
    except Exception as exc:  # noqa: BLE001 - reported to the learner
        raise CheckFailed(
            f"{call} should raise {error.__name__}, but raised {type(exc).__name__}: {exc}"
        ) from None
    raise CheckFailed(f"{call} should raise {error.__name__}, but returned {describe(result)}")


def _without_helper_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback without the frames of course's helpers that set ``__tracebackhide__``."""
    kept = []
    while tb is not None:
        frame = tb.tb_frame
        helper = str(frame.f_globals.get("__name__", "")).startswith("course.")
        if not (helper and frame.f_locals.get("__tracebackhide__") is True):
            kept.append(tb)
        tb = tb.tb_next
    for first, second in zip(kept, kept[1:], strict=False):
        first.tb_next = second
    if kept:
        kept[-1].tb_next = None
    return kept[0] if kept else None


def hide_helper_frames(shell: Any = None) -> bool:
    """Make IPython show a failed check as the learner's line and the message.

    IPython skips frames that set ``__tracebackhide__`` except the last one, which for a failed
    check is the helper's own ``raise``. This registers a handler for :class:`CheckFailed` and
    ``ByHandError`` that drops the helpers' frames and shows the rest as IPython would. ``shell``
    defaults to the running IPython; returns False when there is none (plain Python).
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # no IPython loaded: no shell, and no import cost
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    from course.learner.byhand import ByHandError

    def handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None):
        shell.showtraceback((etype, value, _without_helper_frames(tb)), tb_offset=tb_offset)
        return []

    shell.set_custom_exc((CheckFailed, ByHandError), handler)
    return True


hide_helper_frames()
