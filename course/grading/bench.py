"""``python -m course bench grading``: ``nbgrader autograde`` against ``course grade``, one run.

Builds a scratch nbgrader course with ``--copies`` submissions of one assignment (default
``01-columnar``), half the instructor's solution and half wrong (the first mutant of every
exercise), grades them all with ``nbgrader autograde`` (one kernel per notebook, one notebook
at a time) and with ``course grade`` (:func:`course.grading.classroom.grade_class`: sandboxed
workers, ``--jobs`` judge processes, scores recorded in the gradebook as by ``course grade``),
checks that every submission gets the same score per test
cell from both, and prints the seconds and the throughput ratio measured in this run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course.authoring.mutants import all_mutants, mutant_cell
from course.authoring.release import venv_env
from course.grading.cells import is_answer, read
from course.grading.classroom import GradebookRecorder, grade_class, prestart
from course.grading.limits import Limits
from course.learner.paths import repo_root

__all__ = ["main", "build_course", "nbgrader_scores"]


def _strip(source: str) -> str:
    return "\n".join(
        line
        for line in source.splitlines()
        if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
    )


def _nbgrader(course: Path, *args: str) -> None:
    exe = Path(sys.executable).with_name("nbgrader")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "nbgrader"]
    done = subprocess.run([*cmd, *args], cwd=course, capture_output=True, text=True, env=venv_env())
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def build_course(root: Path, course: Path, assignment: str, copies: int) -> dict[str, str]:
    """A scratch nbgrader course with ``copies`` students; returns ``{student: kind}``."""
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", course)
    shutil.copytree(root / "solutions" / assignment, course / "solutions" / assignment)
    _nbgrader(course, "generate_assignment", assignment, "--force")
    mutants = [m for m in all_mutants(root) if m.kind == "mutant" and m.assignment == assignment]
    kinds = {}
    for number in range(copies):
        kind = "correct" if number % 2 == 0 else "wrong"
        student = f"s{number:03d}-{kind}"
        kinds[student] = kind
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        for release in sorted((course / "exercises" / assignment).glob("*.ipynb")):
            source = read(root / "solutions" / assignment / release.name)
            answers = {
                c.metadata.nbgrader["grade_id"]: c.source for c in source.cells if is_answer(c)
            }
            if kind == "wrong":  # each answer as its first mutant writes it
                for cell in answers:
                    first = next((m for m in mutants if m.cell == cell), None)
                    if first is not None:
                        answers[cell] = mutant_cell(answers[cell], first)
            nb = read(release)
            for cell in nb.cells:
                if is_answer(cell):
                    cell.source = _strip(answers[cell.metadata.nbgrader["grade_id"]])
            nbformat.write(nb, str(folder / release.name))
    return kinds


def nbgrader_scores(course: Path, assignment: str) -> dict[tuple[str, str], dict[str, float]]:
    """``{(student, notebook file): {grade_id: auto_score}}`` from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.find_assignment(assignment).submissions:
            for nb in submission.notebooks:
                scores[(submission.student.id, f"{nb.name}.ipynb")] = {
                    g.name: float(g.auto_score or 0.0) for g in nb.grades if g.max_score
                }
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course bench grading", description=__doc__)
    parser.add_argument("--assignment", default="01-columnar")
    parser.add_argument("--copies", type=int, default=30, help="submissions (half correct)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto")
    parser.add_argument("--keep", help="build the scratch course here and keep it")
    args = parser.parse_args(argv)
    if args.copies < 2:
        parser.error("--copies must be at least 2 (one correct, one wrong)")
    root = repo_root()
    with tempfile.TemporaryDirectory(prefix="course-bench-") as scratch:
        course = Path(args.keep) if args.keep else Path(scratch) / "course"
        print(f"building {args.copies} submissions of {args.assignment} in {course} ...")
        kinds = build_course(root, course, args.assignment, args.copies)

        started = time.perf_counter()
        _nbgrader(course, "autograde", args.assignment, "--force")
        nbgrader_seconds = time.perf_counter() - started
        theirs = nbgrader_scores(course, args.assignment)
        shutil.rmtree(course / "autograded")

        runs = {}  # jobs -> (seconds, scores)
        for jobs in dict.fromkeys([args.jobs, 1]):  # and per core: one judge process
            shutil.rmtree(course / "autograded", ignore_errors=True)
            started = time.perf_counter()
            prestart(jobs)  # as `course grade` does: warms up while the gradebook opens
            results = grade_class(
                course,
                args.assignment,
                jobs=jobs,
                launcher=args.sandbox,
                limits=Limits(),
                progress=False,
                record=GradebookRecorder(course, args.assignment),  # as `course grade` does
            )
            seconds = time.perf_counter() - started
            runs[jobs] = seconds, {
                (g.student, g.notebook): {c["grade_id"]: c["points"] for c in g.cells}
                for g in results
            }
        course_seconds, ours = runs[args.jobs]

    differ = sorted(key for key in theirs if ours.get(key) != theirs[key])
    notebooks = len(ours)
    correct = sum(k == "correct" for k in kinds.values())
    rate_theirs, rate_ours = notebooks / nbgrader_seconds * 60, notebooks / course_seconds * 60
    print(f"notebooks graded: {notebooks} (from {len(kinds)} submissions, {correct} correct)")
    print(f"nbgrader autograde: {nbgrader_seconds:7.1f} s  ({rate_theirs:.1f} per minute)")
    print(
        f"course grade:       {course_seconds:7.1f} s  ({rate_ours:.1f} per minute, "
        f"--jobs {args.jobs}, sandbox {args.sandbox})"
    )
    ratio = nbgrader_seconds / course_seconds
    print(f"throughput ratio (course grade / nbgrader autograde): {ratio:.2f}x")
    if args.jobs != 1:
        one_seconds, one_scores = runs[1]
        print(
            f"course grade --jobs 1: {one_seconds:7.1f} s; per core (one judge process against "
            f"nbgrader's one kernel at a time): {nbgrader_seconds / one_seconds:.2f}x"
        )
        differ += sorted(k for k in theirs if one_scores.get(k) != theirs[k] and k not in differ)
    if differ:
        print(f"scores DIFFER for {len(differ)} notebook(s):")
        for key in differ[:10]:
            print(f"  {key}: nbgrader {theirs[key]} vs course grade {ours.get(key)}")
        return 1
    print("identical scores, test cell by test cell, for every submission")
    full = {g.student for g in results if g.score == g.max_score}
    if any(kinds[s] == "wrong" for s in full) or not all(kinds[s] == "wrong" or s in full
                                                        for s in kinds):  # fmt: skip
        print("the benchmark's submissions are not what they claim: every wrong one must lose "
              "points and every correct one get full marks")  # fmt: skip
        return 1
    return 0
