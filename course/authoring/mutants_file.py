"""Mutants: plausible wrong solutions kept beside each assignment in ``mutants.py``.

Each entry starts with a header line and runs until the next header::

    # %% mutant <answer grade_id> [in <notebook>.ipynb]: <the mistake, in words>

An **alternative** is the opposite: a correct solution written differently from the official
one, which must get full marks (so the tests do not demand one particular way of writing it)::

    # %% alternative <answer grade_id> [in <notebook>.ipynb]: <how it differs>

An entry states its change in one of two ways, or both.

**Edits** (for a small mistake): right after the header, groups of ``# -`` lines (text of the
solution's answer cell) each followed by ``# +`` lines (what the mutant writes instead; none to
delete the lines)::

    # %% mutant parse-line in write.ipynb: a bare number becomes an int, not a float
    # - return ("float", float(raw)), end
    # + return ("int", int(raw)), end

The rules:

- ``# -`` or ``# +``, then one space, then the line; ``# -`` alone stands for a blank line.
- A group is one or more ``-`` lines, then its ``+`` lines. A ``-`` line after a ``+`` line, or
  a blank line, starts the next group. To insert lines, replace a neighbouring line by itself
  plus the new ones.
- Each group's ``-`` lines are matched, as whole consecutive lines, against the solution's answer
  cell with its ``### BEGIN/END SOLUTION`` lines removed. Matching ignores indentation as a
  whole (the group's lines must keep their indentation relative to each other) and trailing
  spaces; the ``+`` lines get the indentation the match found. So ``# - return x`` matches
  ``        return x`` in a method, and its ``+`` lines land at that depth.
- Every group must match exactly once, and no two groups may overlap: all groups are matched
  against the unchanged cell, then applied together. A group that matches nowhere (the solution
  changed) or more than once (add a neighbouring line to both sides) is a ``MutantFileError``
  naming the file and the line of the group, so a mutant never silently stops applying.
  ``python -m course check`` applies every entry's edits to its cell, without grading anything.

**Whole definitions** (for code that really is different, as alternatives usually are): Python
after the edits (or right after the header). Each top-level function or class it defines
replaces the one of the same name in the answer cell; the cell's other functions keep the
solution's code. Code that is not a definition (an import, say) goes first in the cell::

    # %% mutant mean-of-valid: statistics.mean fails on an empty selection
    def mean_of_valid(values):
        import statistics

        return statistics.mean(v for v in values if v is not None)

An entry with both has its edits applied first. Everything before the first header (a docstring,
imports for the linter) is not used.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Edit",
    "Mutant",
    "MutantFileError",
    "apply_edits",
    "parse_mutants",
    "strip_solution_markers",
    "MUTANTS_FILE",
]

MUTANTS_FILE = "mutants.py"
HEADER = re.compile(
    r"^# %% (?P<kind>mutant|alternative) (?P<cell>[\w.-]+)(?: in (?P<nb>[\w.-]+\.ipynb))?:"
    r"\s*(?P<why>.+)$"
)
EDIT_LINE = re.compile(r"^# (?P<sign>[-+])(?: (?P<text>.*))?$")
#: A column-0 comment that looks like an edit line but is not one (``#- x``, ``#  + x``...).
ALMOST_EDIT = re.compile(r"^#\s*[-+]")
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


class MutantFileError(ValueError):
    """A mutants file is malformed, or an edit does not apply; the message names file and line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


@dataclass(frozen=True)
class Edit:
    """Replace the consecutive lines ``old`` of the answer cell (found once, at any common
    indentation) by ``new``; both are stored without their common indentation."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    line: int  # of its first "# -" line in mutants.py


@dataclass(frozen=True)
class Mutant:
    """One wrong solution (``kind == "mutant"``) or one differently written correct solution
    (``kind == "alternative"``) for one answer cell."""

    assignment: str
    notebook: str | None  # None: the assignment's only notebook
    cell: str
    why: str
    source: str  # whole definitions ("" when the entry is edits only)
    line: int
    kind: str = "mutant"
    edits: tuple[Edit, ...] = ()
    path: str = MUTANTS_FILE  # the mutants file, for messages

    @property
    def name(self) -> str:
        """A stable id, e.g. ``00-orientation/mean-of-valid@8`` (the header's line)."""
        return f"{self.assignment}/{self.cell}@{self.line}"


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _edit(path: Path, group: list[tuple[int, str, str]]) -> Edit:
    """One group of ``(line number, sign, text)`` rows as an ``Edit``, its indentation removed."""
    first = group[0][0]
    old = [text for _, sign, text in group if sign == "-"]
    new = [(number, text) for number, sign, text in group if sign == "+"]
    if not any(text.strip() for text in old):
        raise MutantFileError(path, first, "an edit's '-' lines are all blank; match some code")
    margins = {_indent(text) for text in old if text.strip()}
    margin = min(margins, key=len)
    if any(not m.startswith(margin) for m in margins):
        raise MutantFileError(path, first, "the '-' lines mix tabs and spaces in their indent")
    for number, text in new:
        if text.strip() and not text.startswith(margin):
            raise MutantFileError(
                path, number, "a '+' line is indented less than the '-' lines it replaces"
            )

    def cut(text: str) -> str:
        return text[len(margin) :].rstrip() if text.strip() else ""

    return Edit(tuple(cut(t) for t in old), tuple(cut(t) for _, t in new), first)


def _entry(path: Path, header: dict, rows: list[tuple[int, str]]) -> Mutant:
    """The entry that ``header`` starts, from its ``(line number, line)`` rows."""
    groups: list[list[tuple[int, str, str]]] = []
    group: list[tuple[int, str, str]] = []
    code_start = len(rows)
    for index, (number, line) in enumerate(rows):
        match = EDIT_LINE.match(line)
        if match:
            sign, text = match["sign"], match["text"] or ""
            if sign == "+" and not group:
                raise MutantFileError(
                    path,
                    number,
                    "a '+' line without '-' lines before it; an edit "
                    "replaces '- <solution lines>' by '+ <new lines>'",
                )
            if sign == "-" and group and group[-1][1] == "+":
                groups.append(group)
                group = []
            group.append((number, sign, text))
        elif not line.strip():
            if group:
                groups.append(group)
                group = []
        else:
            code_start = index
            break
    if group:
        groups.append(group)
    for number, line in rows[code_start:]:
        if ALMOST_EDIT.match(line):
            raise MutantFileError(
                path,
                number,
                f"{line!r} looks like an edit line; edits are '# - <line>' and "
                "'# + <line>' (one space after the sign), right after the header, before any code",
            )
    source = "\n".join(line for _, line in rows[code_start:]).strip("\n")
    kind, cell = header["kind"], header["cell"]
    if source.strip():
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            where = rows[code_start][0] + (exc.lineno or 1) - 1
            raise MutantFileError(path, where, f"{kind} code does not parse: {exc.msg}") from None
        if not tree.body:
            source = ""
    if not groups and not source:
        raise MutantFileError(path, header["line"], f"{kind} for {cell!r} is empty")
    return Mutant(
        path.parent.name,
        header["nb"],
        cell,
        header["why"],
        source,
        header["line"],
        kind,
        tuple(_edit(path, g) for g in groups),
        str(path),
    )


def parse_mutants(path: Path) -> list[Mutant]:
    """Parse one assignment's ``mutants.py``, checking its form (not yet that edits apply)."""
    mutants: list[Mutant] = []
    header: dict | None = None
    rows: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(("# %% mutant", "# %% alternative")):
            match = HEADER.match(line)
            if not match:
                raise MutantFileError(
                    path,
                    number,
                    f"bad header {line!r}; write '# %% mutant <grade_id> "
                    "[in <notebook>.ipynb]: <the mistake>' (or '# %% alternative ...')",
                )
            if header is not None:
                mutants.append(_entry(path, header, rows))
            header = {**match.groupdict(), "line": number}
            rows = []
        elif header is not None:
            rows.append((number, line))
    if header is not None:
        mutants.append(_entry(path, header, rows))
    return mutants


def strip_solution_markers(source: str) -> str:
    """The cell without its ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines."""
    lines = source.splitlines()
    return "\n".join(ln for ln in lines if ln.strip() not in SOLUTION_MARKERS) + "\n"


def _matches(lines: list[str], old: tuple[str, ...]) -> list[tuple[int, str]]:
    """Where ``old`` occurs in ``lines`` as whole consecutive lines: ``(start, indentation)``."""
    found = []
    for start in range(len(lines) - len(old) + 1):
        indent: str | None = None
        for offset, text in enumerate(old):
            line = lines[start + offset].rstrip()
            if not text:
                if line:
                    break
                continue
            head = line[: len(line) - len(text)]
            if not line.endswith(text) or head.strip() or indent not in (None, head):
                break
            indent = head
        else:
            found.append((start, indent or ""))
    return found


def apply_edits(cell: str, mutant: Mutant) -> str:
    """``cell`` with ``mutant``'s edits applied (``cell`` as is when it has none).

    Raises ``MutantFileError`` (file and line of the edit) when an edit's ``-`` lines match
    the cell zero times or more than once, or two edits overlap.
    """
    if not mutant.edits:
        return cell
    lines = cell.splitlines()
    spans: list[tuple[int, int, str, Edit]] = []
    for edit in mutant.edits:
        found = _matches(lines, edit.old)
        if len(found) != 1:
            at = (
                "; it matches the cell's lines "
                + ", ".join(str(s + 1) for s, _ in found)
                + " (add a neighbouring line to both '-' and '+')"
                if found
                else " (has the solution changed?)"
            )
            raise MutantFileError(
                mutant.path,
                edit.line,
                f"the '-' lines of this edit match {mutant.cell!r} {len(found)} times, "
                f"not once{at}",
            )
        start, indent = found[0]
        spans.append((start, start + len(edit.old), indent, edit))
    spans.sort(key=lambda span: span[0])
    for (_, end, _, first), (start, _, _, second) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise MutantFileError(
                mutant.path, second.line, f"this edit overlaps the edit at line {first.line}"
            )
    out: list[str] = []
    position = 0
    for start, end, indent, edit in spans:
        out += lines[position:start]
        out += [indent + text if text else "" for text in edit.new]
        position = end
    out += lines[position:]
    return "\n".join(out) + "\n"
