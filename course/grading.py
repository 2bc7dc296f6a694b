"""Strict comparison of plain data, for tests that learners read.

``check(actual, expected)`` compares type *and* value, recursively, so an object whose ``==``
always says True, a subclass of ``list`` or a ``float`` where an ``int`` was asked for cannot pass.
On a mismatch it raises :class:`CheckFailed` (an ``AssertionError``) whose message says where the
two values differ and how, in words a learner can act on. It never shows the test's source.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = ["CheckFailed", "check", "check_raises", "describe", "first_difference"]

PLAIN_SCALARS = (type(None), bool, int, float, str, bytes)
_MAX_REPR = 120


class CheckFailed(AssertionError):
    """A check found a difference; the message says what to fix."""


def describe(value: Any) -> str:
    """Return a short ``type value`` description, cut to a readable length."""
    text = repr(value)
    if len(text) > _MAX_REPR:
        text = text[: _MAX_REPR - 3] + "..."
    return f"{type(value).__name__} {text}"


def first_difference(
    actual: Any, expected: Any, path: str = "result", rel_tol: float = 0.0, abs_tol: float = 0.0
) -> str | None:
    """Return a sentence naming the first place where ``actual`` differs from ``expected``.

    ``None`` means they are equal in type and value. Floats compare with ``rel_tol`` and
    ``abs_tol`` as ``math.isclose`` does (both 0: exact), and NaN equals NaN. Lists, tuples
    and dicts are compared element by element, dict keys in any order.
    """
    if type(actual) is not type(expected):
        return (
            f"{path} should be a {type(expected).__name__}, but it is a {type(actual).__name__} "
            f"({describe(actual)})"
        )
    if isinstance(expected, float):
        if math.isnan(expected) and math.isnan(actual):
            return None
        if actual == expected or math.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol):
            return None
        return f"{path} is {actual!r}, expected {expected!r}"
    if isinstance(expected, PLAIN_SCALARS):
        if actual == expected:
            return None
        return f"{path} is {describe(actual)}, expected {describe(expected)}"
    if isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            return f"{path} has {len(actual)} items, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            found = first_difference(a, e, f"{path}[{i}]", rel_tol, abs_tol)
            if found:
                return found
        return None
    if isinstance(expected, dict):
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing:
            return f"{path} is missing the key(s) {missing[:5]!r}"
        if extra:
            return f"{path} has unexpected key(s) {extra[:5]!r}"
        for key in expected:
            found = first_difference(
                actual[key], expected[key], f"{path}[{key!r}]", rel_tol, abs_tol
            )
            if found:
                return found
        return None
    raise TypeError(
        f"check() compares plain data (None, bool, int, float, str, bytes, list, tuple, dict); "
        f"got an expected value of type {type(expected).__name__}. Convert it first, for example "
        f"with .to_pylist() for Arrow arrays."
    )


def check(
    actual: Any, expected: Any, call: str = "result", rel_tol: float = 0.0, abs_tol: float = 0.0
) -> None:
    """Raise :class:`CheckFailed` unless ``actual`` equals ``expected`` in type and value.

    ``call`` names what was checked (for example ``"mean_of_valid([1.0, None])"``) so the
    message says which call went wrong. Floats may differ by ``rel_tol``/``abs_tol``.
    """
    found = first_difference(actual, expected, "result", rel_tol, abs_tol)
    if found:
        raise CheckFailed(f"{call}: {found}") from None


def check_raises(
    func: Callable[..., Any], args: tuple, error: type[BaseException], call: str
) -> None:
    """Raise :class:`CheckFailed` unless ``func(*args)`` raises ``error`` (or a subclass)."""
    try:
        result = func(*args)
    except error:
        return
    except Exception as exc:  # noqa: BLE001 - reported to the learner
        raise CheckFailed(
            f"{call} should raise {error.__name__}, but raised {type(exc).__name__}: {exc}"
        ) from None
    raise CheckFailed(f"{call} should raise {error.__name__}, but returned {describe(result)}")
