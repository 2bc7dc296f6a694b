"""Instructor-only test data: ``solutions/<assignment>/hidden/`` is never released to learners."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from course.learner.paths import repo_root

__all__ = ["hidden_data", "hidden_path"]


def hidden_path(assignment: str, name: str) -> Path:
    """Path of ``solutions/<assignment>/hidden/<name>`` in the course repository."""
    for part in (assignment, name):
        if not isinstance(part, str) or not part or ".." in Path(part).parts:
            raise ValueError(f"hidden_path() takes an assignment and a file name, got {part!r}")
    try:
        root = repo_root()
    except FileNotFoundError:
        raise FileNotFoundError(
            "hidden test data lives in the instructor's repository "
            "(solutions/<assignment>/hidden/); this copy of the course has none, "
            "so hidden tests cannot run here"
        ) from None
    path = root / "solutions" / assignment / "hidden" / name
    if not path.is_file():
        raise FileNotFoundError(f"no hidden test data file {path.relative_to(root)}")
    return path


def hidden_data(assignment: str, name: str) -> Any:
    """The parsed JSON of ``solutions/<assignment>/hidden/<name>`` (or its text, if not .json)."""
    path = hidden_path(assignment, name)
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else text
