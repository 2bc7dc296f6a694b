"""Mutants: plausible wrong solutions kept beside each assignment in ``mutants.py``.

Each mutant starts with a header line and runs until the next header. Its functions replace the
functions of the same name in the answer cell; the cell's other functions keep the solution's
code, so a mutant shows only the mistake::

    # %% mutant <answer grade_id> [in <notebook>.ipynb]: <the mistake, in words>
    def mean_of_valid(values):
        return sum(v for v in values if v is not None) / len(values)

An **alternative** is the opposite: a correct solution written differently from the official
one, which must get full marks (so the tests do not demand one particular way of writing it)::

    # %% alternative <answer grade_id> [in <notebook>.ipynb]: <how it differs>

Everything before the first header (a docstring, imports for the linter) is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Mutant", "MutantFileError", "parse_mutants", "MUTANTS_FILE"]

MUTANTS_FILE = "mutants.py"
HEADER = re.compile(
    r"^# %% (?P<kind>mutant|alternative) (?P<cell>[\w.-]+)(?: in (?P<nb>[\w.-]+\.ipynb))?:"
    r"\s*(?P<why>.+)$"
)


class MutantFileError(ValueError):
    """A mutants file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Mutant:
    """One wrong solution (``kind == "mutant"``) or one differently written correct solution
    (``kind == "alternative"``) for one answer cell."""

    assignment: str
    notebook: str | None  # None: the assignment's only notebook
    cell: str
    why: str
    source: str
    line: int
    kind: str = "mutant"

    @property
    def name(self) -> str:
        """A stable id, e.g. ``00-orientation/mean-of-valid#2``."""
        return f"{self.assignment}/{self.cell}@{self.line}"


def parse_mutants(path: Path) -> list[Mutant]:
    """Parse one assignment's ``mutants.py``."""
    assignment = path.parent.name
    mutants: list[Mutant] = []
    current: dict | None = None
    body: list[str] = []

    def flush() -> None:
        if current is None:
            return
        source = "\n".join(body).strip("\n")
        if not source.strip():
            raise MutantFileError(
                f"{path}:{current['line']}: {current['kind']} for {current['cell']!r} is empty"
            )
        mutants.append(
            Mutant(
                assignment,
                current["nb"],
                current["cell"],
                current["why"],
                source,
                current["line"],
                current["kind"],
            )
        )

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(("# %% mutant", "# %% alternative")):
            match = HEADER.match(line)
            if not match:
                raise MutantFileError(
                    f"{path}:{number}: bad header {line!r}; write '# %% mutant <grade_id> "
                    "[in <notebook>.ipynb]: <the mistake>' (or '# %% alternative ...')"
                )
            flush()
            current = {**match.groupdict(), "line": number}
            body = []
        elif current is not None:
            body.append(line)
    flush()
    return mutants
