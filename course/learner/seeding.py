"""Seeded random generators, so every data set and example is the same on every run."""

from __future__ import annotations

import numpy as np

DEFAULT_SEED = 20261126

__all__ = ["DEFAULT_SEED", "rng"]


def rng(seed: int | None = None) -> np.random.Generator:
    """Return a NumPy generator seeded with ``seed`` (the course's default seed when omitted)."""
    if seed is None:
        seed = DEFAULT_SEED
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}: pass e.g. rng(42)")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}")
    return np.random.default_rng(int(seed))
