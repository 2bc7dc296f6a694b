"""Grade every mutant (it must lose points) and every alternative (it must get full marks).

``python -m course mutants`` runs them all and prints a table (exercise, mutants, caught,
alternatives, full marks). They are graded through the trusted judge
(``course.grading.judge.grade_notebook``: the learner's cells in a plain worker process, the
tests in the grading process, no Jupyter kernel), in parallel, only up to the exercise's last
test cell.
"""

from __future__ import annotations

import ast
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import nbformat

from course.authoring.mutants_file import (
    MUTANTS_FILE,
    Mutant,
    apply_edits,
    parse_mutants,
    strip_solution_markers,
)
from course.authoring.notebook_model import exercises, read
from course.grading.judge import grade_notebook

__all__ = [
    "MutantResult",
    "all_mutants",
    "grade_mutant",
    "merge_into",
    "mutant_cell",
    "run_mutants",
    "table",
    "solution_notebook",
]


@dataclass(frozen=True)
class MutantResult:
    """How one mutant scored on its exercise, against the exercise's full points."""

    mutant: Mutant
    notebook: str
    points: float
    max_points: float
    detail: str
    solution_points: float

    @property
    def ok(self) -> bool:
        """A mutant must be caught; an alternative must get full marks."""
        if self.mutant.kind == "alternative":
            return self.points == self.max_points
        return self.caught

    @property
    def caught(self) -> bool:
        """True when the mutant lost points on an exercise the solution gets full marks on.

        A mutant "caught" by a test that fails for everyone proves nothing, so a solution
        that loses points makes every mutant of that exercise count as not caught.
        """
        return self.solution_points == self.max_points and self.points < self.max_points


def all_mutants(root: Path) -> list[Mutant]:
    """Every mutant of every assignment under ``root/solutions``, in a stable order."""
    found: list[Mutant] = []
    for path in sorted((root / "solutions").glob(f"*/{MUTANTS_FILE}")):
        found.extend(parse_mutants(path))
    return found


def solution_notebook(root: Path, mutant: Mutant) -> Path:
    """The source notebook a mutant belongs to (raises ``LookupError`` with the reason)."""
    folder = root / "solutions" / mutant.assignment
    if mutant.notebook:
        path = folder / mutant.notebook
        if not path.is_file():
            raise LookupError(
                f"mutant at {MUTANTS_FILE}:{mutant.line} names {mutant.notebook}, "
                f"which is not in {folder}"
            )
        return path
    notebooks = sorted(folder.glob("*.ipynb"))
    for path in notebooks:
        if any(ex.answer_id == mutant.cell for ex in exercises(read(path))):
            return path
    raise LookupError(
        f"{folder / MUTANTS_FILE}:{mutant.line}: mutant names cell {mutant.cell!r}, but no answer "
        f"cell has that grade_id in {', '.join(p.name for p in notebooks) or 'this folder'}"
    )


def merge_into(solution: str, replacement: str) -> str:
    """The solution cell with each top-level function (or class, or ``async def``) that
    ``replacement`` defines swapped in.

    A mutant or alternative need only write the functions it changes: a cell with two functions
    (say an encoder and a decoder) keeps the solution's version of the one it leaves out. Code in
    ``replacement`` that is not a function definition (an import, say) goes first.
    """
    new = ast.parse(replacement)
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    defs = {
        node.name: ast.get_source_segment(replacement, node, padded=False)
        for node in new.body
        if isinstance(node, definitions)
    }
    others = [
        ast.get_source_segment(replacement, node)
        for node in new.body
        if not isinstance(node, definitions)
    ]
    old = ast.parse(solution)
    lines = solution.splitlines()
    parts: list[str] = []
    for node in old.body:
        start = (
            node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else node.lineno
        )
        if isinstance(node, definitions) and node.name in defs:
            parts.append(defs.pop(node.name))
        else:
            parts.append("\n".join(lines[start - 1 : node.end_lineno]))
    return "\n\n\n".join(others + parts + list(defs.values())) + "\n"


def mutant_cell(solution: str, mutant: Mutant) -> str:
    """The answer cell ``solution`` as ``mutant`` writes it: the SOLUTION marker lines removed,
    its edits applied (``MutantFileError`` if one does not match exactly once), then its whole
    definitions merged in (``merge_into``)."""
    cell = apply_edits(strip_solution_markers(solution), mutant)
    return merge_into(cell, mutant.source) if mutant.source else cell


def judge_scores(
    source: Path, submission: nbformat.NotebookNode, tests: list[str] | None
) -> dict[str, tuple[float, float]]:
    """Scores of ``tests`` (None: all) when ``submission`` is graded against ``source``."""
    with tempfile.TemporaryDirectory(prefix="course-mutant-") as scratch:
        path = Path(scratch) / source.name
        nbformat.write(submission, str(path))
        result = grade_notebook(source, path, Path(scratch) / "work", tests=tests)
    return result.scores()


@cache
def solution_scores(path: Path, mtime: float) -> dict[str, tuple[float, float]]:
    """Scores of the unchanged solution notebook (cached per file version in this process)."""
    return judge_scores(path, read(path), None)


def grade_mutant(
    root: Path, mutant: Mutant, baseline: dict[str, tuple[float, float]] | None = None
) -> MutantResult:
    """Swap ``mutant`` into its answer cell (``mutant_cell``) and grade that exercise's test
    cells (judge).

    ``baseline``: the unchanged solution's scores, if already known (else graded here, once per
    notebook and process).
    """
    path = solution_notebook(root, mutant)
    nb = read(path)
    (exercise,) = [ex for ex in exercises(nb) if ex.answer_id == mutant.cell]
    cell = nb.cells[exercise.answer_index]
    cell.source = mutant_cell(cell.source, mutant)
    scores = judge_scores(path, nb, exercise.test_ids)
    points = sum(scores.get(t, (0.0, 0.0))[0] for t in exercise.test_ids)
    lost = [t for t in exercise.test_ids if t not in scores or scores[t][0] < scores[t][1]]
    detail = (
        ", ".join(
            f"{t} {scores.get(t, (0.0, 0.0))[0]:g}/{scores.get(t, (0.0, 0.0))[1]:g}" for t in lost
        )
        or "no points lost"
    )
    if baseline is None:
        baseline = solution_scores(path, path.stat().st_mtime)
    solution_points = sum(baseline.get(t, (0.0, 0.0))[0] for t in exercise.test_ids)
    if solution_points < exercise.points:
        detail = f"the solution itself scores {solution_points:g}/{exercise.points:g}; fix it first"
    return MutantResult(mutant, path.name, points, exercise.points, detail, solution_points)


def _task(args: tuple[str, str, Any]) -> Any:
    kind, root, item = args
    if kind == "solution":
        path = Path(item)
        return str(path), solution_scores(path, path.stat().st_mtime)
    mutant, baseline = item
    return grade_mutant(Path(root), mutant, baseline)


def run_mutants(
    root: Path, mutants: list[Mutant] | None = None, jobs: int | None = None, progress: bool = True
) -> list[MutantResult]:
    """Grade ``mutants`` (default: all) in parallel, one fresh worker process each.

    The solution notebooks are graded first (once each, in parallel), then every mutant.
    """
    mutants = all_mutants(root) if mutants is None else mutants
    jobs = jobs or min(len(mutants) or 1, os.cpu_count() or 1)
    paths = {m: solution_notebook(root, m) for m in mutants}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        solutions = sorted({str(p) for p in paths.values()})
        baselines = dict(pool.map(_task, [("solution", str(root), p) for p in solutions]))
        work = [("mutant", str(root), (m, baselines[str(paths[m])])) for m in mutants]
        results = pool.map(_task, work)
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(work), desc="grading mutants", unit="mutant")
        return list(results)


def summary_table(entries: list[tuple[str, str, bool]]) -> str:
    """Table of ``(exercise, kind, ok)`` entries: exercise, mutants, caught, alternatives, full.

    ``ok`` means caught for a mutant and full marks for an alternative.
    """
    rows: dict[str, dict[str, list[bool]]] = {}
    for exercise, kind, ok in entries:
        rows.setdefault(exercise, {"mutant": [], "alternative": []})[kind].append(ok)
    width = max([len(e) for e in rows] + [len("exercise")])
    head = f"{'exercise':<{width}}  mutants  caught  alternatives  full marks"
    lines = [head, "-" * len(head)]
    totals = {"mutant": [], "alternative": []}
    for exercise, kinds in rows.items():
        m, a = kinds["mutant"], kinds["alternative"]
        totals["mutant"] += m
        totals["alternative"] += a
        lines.append(f"{exercise:<{width}}  {len(m):>7}  {sum(m):>6}  {len(a):>12}  {sum(a):>10}")
    m, a = totals["mutant"], totals["alternative"]
    lines.append(f"{'total':<{width}}  {len(m):>7}  {sum(m):>6}  {len(a):>12}  {sum(a):>10}")
    return "\n".join(lines)


def table(results: list[MutantResult]) -> str:
    """The summary table, then every mutant that survived or alternative that lost points."""
    lines = [
        summary_table(
            [(f"{r.mutant.assignment}/{r.mutant.cell}", r.mutant.kind, r.ok) for r in results]
        )
    ]
    for r in results:
        if not r.ok:
            verdict = "SURVIVED" if r.mutant.kind == "mutant" else "LOST POINTS"
            lines.append(f"{verdict}: {r.mutant.name} ({r.mutant.why}): {r.detail}")
    return "\n".join(lines)
