"""Instructor-only test data: ``solutions/<assignment>/hidden/`` is never released to learners."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from course.learner.paths import repo_root

__all__ = ["SOURCE_COPY", "hidden_data", "hidden_path"]

#: Set in `course grade`'s judge processes: the run's copy of the source folder (they may not
#: be able to read the instructor's).
SOURCE_COPY = "COURSE_SOURCE_COPY"


def hidden_path(assignment: str, name: str) -> Path:
    """Path of ``solutions/<assignment>/hidden/<name>`` in the course repository."""
    for part in (assignment, name):
        if not isinstance(part, str) or not part or ".." in Path(part).parts:
            raise ValueError(f"hidden_path() takes an assignment and a file name, got {part!r}")
    copied = os.environ.get(SOURCE_COPY)
    if copied:  # a judge process of `course grade`: the run's copy of the sources
        path = Path(copied) / assignment / "hidden" / name
        if not path.is_file():
            raise FileNotFoundError(f"no hidden test data file {assignment}/hidden/{name}")
        return path
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
