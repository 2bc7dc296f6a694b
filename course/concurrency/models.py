"""The buggy programs of module 4's lectures, as explorer threads (generators of operations).

They are the known-bad examples the explorer is shown to catch; the fixes are the learner's job.
Code is MIT licensed.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

__all__ = ["naive_transfer", "racy_increment"]

Thread = Generator[tuple, Any, Any]


def racy_increment() -> Thread:
    """``counter += 1`` with a switch point between the read and the write (no lock)."""
    value = yield ("read", "counter")
    yield ("write", "counter", value + 1)


def naive_transfer(src: str, dst: str, amount: int) -> Thread:
    """Move ``amount`` from ``src`` to ``dst`` holding both accounts' locks, taken in the order
    ``src`` then ``dst``: two opposite transfers can deadlock. The lock of account ``a`` is
    named ``"lock:" + a``."""
    yield ("acquire", "lock:" + src)
    yield ("acquire", "lock:" + dst)
    balance = yield ("read", src)
    yield ("write", src, balance - amount)
    balance = yield ("read", dst)
    yield ("write", dst, balance + amount)
    yield ("release", "lock:" + dst)
    yield ("release", "lock:" + src)
