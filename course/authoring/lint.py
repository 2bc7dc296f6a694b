"""Authoring checks: ``python -m course check`` (the default command) reads, never writes.

It reports, naming the notebook and the cell:
- a notebook committed with outputs;
- a solution region (``### BEGIN SOLUTION``) in a cell without nbgrader solution metadata, or a
  hidden-test region in a cell that is not an nbgrader test cell;
- a graded answer cell without any hidden test after it;
- a graded answer cell with fewer than ``MIN_MUTANTS`` mutants, or a mutant naming an unknown cell;
- a mutant or alternative whose edits do not apply to its answer cell (each must match once);
- a notebook whose paired ``.pct.py`` script says something else (edit one, run ``make sync``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course.authoring.mutants_file import (
    MUTANTS_FILE,
    Mutant,
    MutantFileError,
    apply_edits,
    parse_mutants,
    strip_solution_markers,
)
from course.authoring.notebook_model import (
    HIDDEN_BEGIN,
    SOLUTION_BEGIN,
    cell_label,
    exercises,
    is_answer,
    is_test,
    nbgrader_meta,
    read,
)

__all__ = ["Problem", "MIN_MUTANTS", "check_repo", "notebooks_in"]

MIN_MUTANTS = 3
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")


@dataclass(frozen=True)
class Problem:
    """One thing to fix, with where it is."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def notebooks_in(root: Path, folders: tuple[str, ...] = NOTEBOOK_FOLDERS) -> list[Path]:
    """Every committed notebook under the given top-level folders (checkpoints excluded)."""
    found = []
    for folder in folders:
        found += [
            p
            for p in sorted((root / folder).rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in p.parts
        ]
    return found


def _outputs(path: Path, rel: str, nb) -> list[Problem]:
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            problems.append(
                Problem(
                    f"{rel} {cell_label(cell, index)}",
                    "committed with outputs; clear them (make sync does) and commit again",
                )
            )
    return problems


def _regions(rel: str, nb) -> list[Problem]:
    problems = []
    for index, cell in enumerate(nb.cells):
        where = f"{rel} {cell_label(cell, index)}"
        meta = nbgrader_meta(cell)
        if SOLUTION_BEGIN in cell.source and not meta.get("solution"):
            problems.append(
                Problem(
                    where,
                    f"has '{SOLUTION_BEGIN}' but no nbgrader solution "
                    "metadata; make it an 'Autograded answer' cell "
                    "(Create Assignment toolbar) or remove the markers",
                )
            )
        if HIDDEN_BEGIN in cell.source and not is_test(cell):
            problems.append(
                Problem(
                    where,
                    f"has '{HIDDEN_BEGIN}' but is not an nbgrader test "
                    "cell; make it an 'Autograder tests' cell with points",
                )
            )
        if (is_answer(cell) or is_test(cell)) and not meta.get("grade_id"):
            problems.append(Problem(where, "nbgrader cell without a grade_id; give it one"))
    return problems


def _exercises(
    rel: str, nb, mutant_counts: dict[str, int], has_mutants_file: bool
) -> list[Problem]:
    problems = []
    for ex in exercises(nb):
        where = f"{rel} {cell_label(nb.cells[ex.answer_index], ex.answer_index)}"
        if not ex.test_indices:
            problems.append(Problem(where, "graded answer without any test cell after it"))
        elif not ex.has_hidden:
            problems.append(
                Problem(
                    where,
                    f"graded answer without any hidden test: add "
                    f"'{HIDDEN_BEGIN}' ... '### END HIDDEN TESTS' to a test cell "
                    "after it",
                )
            )
        count = mutant_counts.get(ex.answer_id, 0)
        if count < MIN_MUTANTS:
            problems.append(
                Problem(
                    where,
                    f"has {count} mutant(s) in {MUTANTS_FILE}; every graded "
                    f"answer needs at least {MIN_MUTANTS}"
                    + ("" if has_mutants_file else f" (no {MUTANTS_FILE} beside it)"),
                )
            )
    return problems


def _pairing(path: Path, rel: str, nb) -> list[Problem]:
    script = path.with_suffix(".pct.py")
    if not script.exists():
        return [Problem(rel, f"has no paired script {script.name}; run make sync")]
    import jupytext

    paired = jupytext.read(script)
    ours = [(c.cell_type, c.source.strip()) for c in nb.cells]
    theirs = [(c.cell_type, c.source.strip()) for c in paired.cells]
    if ours != theirs:
        return [Problem(rel, f"differs from {script.name}; edit one, then run make sync")]
    return []


def _edits_apply(
    root: Path, mutant: Mutant, answer_sources: dict[tuple[str, str, str], str]
) -> list[Problem]:
    """A problem for each mutant whose edits do not apply to its answer cell (none if they do,
    or if it has no edits, or if its cell is unknown: that is reported already)."""
    if not mutant.edits:
        return []
    sources = [
        source
        for (assignment, notebook, cell), source in answer_sources.items()
        if assignment == mutant.assignment
        and cell == mutant.cell
        and mutant.notebook in (None, notebook)
    ]
    if len(sources) != 1:
        return []
    try:
        apply_edits(strip_solution_markers(sources[0]), mutant)
    except MutantFileError as exc:
        return [Problem(f"{_relative(root, exc.path)}:{exc.line}", exc.message)]
    return []


def _relative(root: Path, path: str) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def check_repo(root: Path) -> list[Problem]:
    """Every problem in the repository at ``root`` (empty list: all good)."""
    problems: list[Problem] = []
    answer_cells: dict[str, set[str]] = {}
    # (assignment, notebook file name, grade_id) -> the answer cell's source
    answer_sources: dict[tuple[str, str, str], str] = {}
    for path in notebooks_in(root):
        rel = str(path.relative_to(root))
        try:
            nb = read(path)
        except Exception as exc:  # noqa: BLE001 - reported with the file name
            problems.append(Problem(rel, f"is not a readable notebook: {exc}"))
            continue
        problems += _outputs(path, rel, nb)
        top = path.relative_to(root).parts[0]
        if top in ("notebooks", "solutions"):
            problems += _pairing(path, rel, nb)
        if top == "solutions":
            problems += _regions(rel, nb)
            assignment = path.parent.name
            answer_cells.setdefault(assignment, set()).update(ex.answer_id for ex in exercises(nb))
            for ex in exercises(nb):
                key = (assignment, path.name, ex.answer_id)
                answer_sources[key] = nb.cells[ex.answer_index].source
    for assignment_dir in sorted(p for p in (root / "solutions").glob("*") if p.is_dir()):
        mutants_path = assignment_dir / MUTANTS_FILE
        counts: dict[str, int] = {}
        if mutants_path.exists():
            try:
                mutants = parse_mutants(mutants_path)
            except MutantFileError as exc:
                where = f"{_relative(root, exc.path)}:{exc.line}"
                problems.append(Problem(where, exc.message))
                mutants = []
            known = answer_cells.get(assignment_dir.name, set())
            names = ", ".join(sorted(known)) or "none"
            for m in mutants:
                if m.cell not in known:
                    problems.append(
                        Problem(
                            f"{mutants_path.relative_to(root)}:{m.line}",
                            f"mutant names cell {m.cell!r}, which is not a graded answer cell in "
                            f"solutions/{assignment_dir.name}/ (known: {names})",
                        )
                    )
                if m.kind == "mutant":
                    counts[m.cell] = counts.get(m.cell, 0) + 1
                problems += _edits_apply(root, m, answer_sources)
        for path in sorted(assignment_dir.glob("*.ipynb")):
            nb = read(path)
            rel = str(path.relative_to(root))
            problems += _exercises(rel, nb, counts, mutants_path.exists())
    return problems
