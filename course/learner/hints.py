"""Hints, one more each time you ask: ``course.hint("exercise-id")``.

Hints live in ``course/hints/<assignment>.toml`` as ``[exercise-id]`` tables with a ``hints`` list,
from a gentle nudge to nearly the answer.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

__all__ = ["hint", "all_hints", "reset_hints"]

_shown: dict[str, int] = {}


@cache
def all_hints() -> dict[str, list[str]]:
    """Every exercise id with its hints, read from the package's ``hints/*.toml`` files."""
    found: dict[str, list[str]] = {}
    folder = resources.files("course") / "hints"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".toml"):
            continue
        table = tomllib.loads(item.read_text(encoding="utf-8"))
        for exercise, entry in table.items():
            if exercise in found:
                raise ValueError(f"hint id {exercise!r} is defined twice (again in {item.name})")
            hints = entry.get("hints") if isinstance(entry, dict) else None
            if not hints or not all(isinstance(h, str) and h.strip() for h in hints):
                raise ValueError(f'{item.name}: [{exercise}] needs hints = ["...", ...]')
            found[exercise] = [h.strip() for h in hints]
    return found


def hint(exercise: str) -> None:
    """Print the next hint for ``exercise`` (the id shown above each exercise)."""
    hints = all_hints()
    if exercise not in hints:
        close = [k for k in hints if k.split("-")[0] == exercise.split("-")[0]][:8]
        known = ", ".join(close or sorted(hints)[:12])
        raise KeyError(f"no hints for {exercise!r}. Exercise ids with hints include: {known}")
    count = _shown.get(exercise, 0)
    items = hints[exercise]
    if count >= len(items):
        text = (
            f"That was the last hint for {exercise} ({len(items)} of {len(items)}). "
            "Reread the exercise text and the worked example above it, or run the public tests "
            "and read their message."
        )
    else:
        text = f"Hint {count + 1} of {len(items)} for {exercise}: {items[count]}"
        _shown[exercise] = count + 1
    print(text)


def reset_hints(exercise: str | None = None) -> None:
    """Start the hints for ``exercise`` (or for every exercise) from the first one again."""
    if exercise is None:
        _shown.clear()
    else:
        _shown.pop(exercise, None)
