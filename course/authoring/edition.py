"""The learner edition: the repository learners and Binder get, with nothing of the instructor's.

``python -m course edition OUT`` copies, from the files git tracks in the course repository:

- ``notebooks/`` (lectures) and ``exercises/`` (the released assignments);
- the ``course`` package **without** ``course/authoring`` (tools that read ``solutions/``) and
  ``course/grading`` (the grader); no released notebook or lecture imports either;
- the learner environment and project files: ``requirements.in``, ``requirements.lock``,
  ``environment.yml``, ``postBuild``, ``pyproject.toml``, ``Makefile``, ``.gitignore``, the
  licences, and ``README.md`` without its instructor and author sections.

Never ``solutions/`` (solutions, hidden tests, hidden data, mutants), ``tests/``, ``docs/`` (the
authoring guide), ``.ci/``, ``nbgrader_config.py`` or anything git does not track (``.venv``,
``gradebook.db``, ``submitted/``, ...). :func:`edition_problems` then scans every file of the
edition for solution and hidden-test markers, mutant headers, lines of the solutions' answer and
hidden-test regions, and instructor-only paths; the build fails if it finds any.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from course.authoring.notebook_model import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    SOLUTION_BEGIN,
    SOLUTION_END,
    read,
    region_lines,
)

__all__ = ["build_edition", "edition_files", "edition_problems", "learner_readme"]

#: Top-level entries of the repository that go to learners (files git tracks under them).
INCLUDE = (
    "notebooks",
    "exercises",
    "course",
    "requirements.in",
    "requirements.lock",
    "environment.yml",
    "postBuild",
    "pyproject.toml",
    "Makefile",
    ".gitignore",
    "LICENSE",
    "LICENSE-CONTENT",
)
#: Parts of those entries that stay with the instructor.
EXCLUDE_PREFIXES = ("course/authoring/", "course/grading/")
#: README sections (level-2 headings, by how they start) that are for instructors or authors.
INSTRUCTOR_SECTIONS = (
    "For instructors",
    "Authoring",
    "What the tests prove",
    "Repository layout",
    "Grading",
)
#: Text no learner file may hold (markers of solutions, hidden tests and mutants).
MARKERS = (
    SOLUTION_BEGIN,
    SOLUTION_END,
    HIDDEN_BEGIN,
    HIDDEN_END,
    "# %% mutant ",
    "# %% alternative ",
)
FORBIDDEN_PARTS = {"solutions", "tests", "hidden", "submitted", "autograded", "feedback", "source"}
FORBIDDEN_NAMES = {"mutants.py", "nbgrader_config.py", "gradebook.db", "conftest.py"}


def edition_files(root: Path) -> list[str]:
    """Repository-relative paths of the files that go into the edition (git-tracked only)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", *INCLUDE],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(
            f"cannot list the files git tracks in {root} ({exc}); the edition is built from a "
            "git checkout of the course so that nothing untracked (gradebook, submissions, "
            ".venv) can slip in"
        ) from None
    files = []
    for name in filter(None, listed.split("\0")):
        parts = Path(name).parts
        if name.startswith(EXCLUDE_PREFIXES) or "__pycache__" in parts:
            continue
        if (root / name).is_file():
            files.append(name)
    return sorted(files)


def learner_readme(text: str) -> str:
    """The README without its instructor and author sections, and a note on what this is."""
    out, keep = [], True
    for line in text.splitlines():
        if line.startswith("## "):
            keep = not line[3:].strip().startswith(INSTRUCTOR_SECTIONS)
        if keep:
            out.append(line)
    note = (
        "\n## This edition\n\n"
        "This is the learner edition of the course, built with `python -m course edition`: "
        "lectures (`notebooks/`), the assignments to do (`exercises/`), the `course` package and "
        "the environment. Solutions, hidden tests and the grading tools stay with the "
        "instructors. `make lab` opens the course.\n"
    )
    return "\n".join(out).rstrip() + "\n" + note


def _secret_lines(root: Path) -> list[str]:
    """Lines of the solutions' answer and hidden-test regions that appear in no learner file."""
    lines: set[str] = set()
    for nb_path in sorted((root / "solutions").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb_path.parts:
            continue
        nb = read(nb_path)
        lines.update(region_lines(nb, HIDDEN_BEGIN, HIDDEN_END, min_length=24))
        lines.update(region_lines(nb, SOLUTION_BEGIN, SOLUTION_END, min_length=24))
    for mutants in sorted((root / "solutions").rglob("mutants.py")):
        for line in mutants.read_text(encoding="utf-8").splitlines():
            if len(line.strip()) >= 24 and not line.lstrip().startswith(("#", '"""')):
                lines.add(" ".join(line.split()))
    return sorted(lines)


def _public_text(root: Path) -> str:
    """Everything learners see anyway: a secret line that also appears here is not a secret."""
    chunks = []
    for folder in ("exercises", "notebooks", "course"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in (".ipynb", ".py", ".toml", ".md"):
                if not str(path.relative_to(root)).startswith(EXCLUDE_PREFIXES):
                    if path.suffix == ".ipynb":  # the cells' text, not JSON with its escapes
                        chunks.extend(cell.source for cell in read(path).cells)
                    else:
                        chunks.append(path.read_text(encoding="utf-8", errors="replace"))
    return " ".join(" ".join(chunk.split()) for chunk in chunks)


def edition_problems(out: Path, root: Path | None = None) -> list[str]:
    """What of the instructor's side is in the edition at ``out`` (empty list: nothing).

    With ``root`` (the instructor's repository), also every line of a solution, hidden test or
    mutant that learners do not see anyway (in the release or the lectures).
    """
    problems = []
    secrets: list[str] = []
    if root is not None:
        public = _public_text(root)
        secrets = [line for line in _secret_lines(root) if line not in public]
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if set(rel.parts) & FORBIDDEN_PARTS:
            problems.append(f"{rel}: an instructor-only folder")
            continue
        if path.name in FORBIDDEN_NAMES:
            problems.append(f"{rel}: an instructor-only file")
        if str(rel).startswith(("course/authoring", "course/grading")):
            problems.append(f"{rel}: instructor tooling")
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for marker in MARKERS:
            if marker in text:
                problems.append(f"{rel}: holds {marker.strip()!r}")
        if secrets:
            folded = " ".join(text.split())
            # notebooks store sources as JSON strings: fold their escapes too
            folded += " " + " ".join(text.replace("\\n", "\n").replace('\\"', '"').split())
            for line in secrets:
                if line in folded:
                    problems.append(f"{rel}: holds a line of a solution or hidden test: {line!r}")
                    break
    return problems


def build_edition(root: Path, out: Path) -> list[str]:
    """Write the learner edition of ``root`` to ``out`` (new or empty); return its files.

    Raises ``ValueError`` if ``out`` is not empty or lies inside the repository, and
    ``RuntimeError`` (listing them) if instructor material would be in it.
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    if out == root or out.is_relative_to(root):
        raise ValueError(
            f"{out} is inside the course repository; build the edition somewhere else, "
            "for example ../course-learners"
        )
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} exists and is not an empty folder; pick a new folder")
    files = edition_files(root)
    out.mkdir(parents=True, exist_ok=True)
    for name in files:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    readme = root / "README.md"
    if readme.is_file():
        (out / "README.md").write_text(learner_readme(readme.read_text(encoding="utf-8")))
        files.append("README.md")
    problems = edition_problems(out, root)
    if problems:
        raise RuntimeError(
            "the learner edition would hold instructor material; nothing is safe to publish:\n  "
            + "\n  ".join(problems)
        )
    return sorted(files)
