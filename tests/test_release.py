"""exercises/ is exactly what nbgrader makes from solutions/, and leaks nothing."""

from __future__ import annotations

import filecmp
import re

import pytest

from course.authoring.lint import notebooks_in
from course.authoring.notebook_model import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    SOLUTION_BEGIN,
    SOLUTION_END,
    read,
    region_lines,
)
from course.authoring.release import generate_release
from tests.conftest import ROOT


@pytest.mark.slow
def test_exercises_match_a_fresh_release(tmp_path):
    fresh = generate_release(ROOT, tmp_path / "exercises")
    compared = filecmp.dircmp(fresh, ROOT / "exercises")
    differences = []

    def walk(cmp, prefix=""):
        differences.extend(f"only in fresh release: {prefix}{n}" for n in cmp.left_only)
        differences.extend(f"only in exercises/: {prefix}{n}" for n in cmp.right_only)
        differences.extend(f"differs: {prefix}{n}" for n in cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(compared)
    assert not differences, "run `make release` and commit exercises/:\n" + "\n".join(differences)


def test_every_assignment_is_released():
    for source in (ROOT / "solutions").glob("*/*.ipynb"):
        assert (ROOT / "exercises" / source.parent.name / source.name).exists(), source


@pytest.mark.parametrize(
    "source",
    sorted((ROOT / "solutions").glob("*/*.ipynb")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_release_leaks_no_solution_and_no_hidden_test(source):
    release = ROOT / "exercises" / source.parent.name / source.name
    text = "\n".join(c.source for c in read(release).cells)
    for marker in (SOLUTION_BEGIN, HIDDEN_BEGIN, "### END"):
        assert marker not in text
    src = read(source)
    secret = region_lines(src, SOLUTION_BEGIN, SOLUTION_END)
    secret += region_lines(src, HIDDEN_BEGIN, HIDDEN_END)
    assert secret, "the source notebook should have solutions and hidden tests"
    folded = re.sub(r"[ \t]+", " ", text)
    leaked = [line for line in secret if line in folded]
    assert not leaked, f"{release} shows instructor lines: {leaked[:3]}"


def test_no_instructor_files_in_exercises():
    names = {p.name for p in (ROOT / "exercises").rglob("*")}
    assert "mutants.py" not in names
    assert not [n for n in names if n.endswith(".pct.py")]


def test_release_notebooks_are_committed_clean():
    for path in notebooks_in(ROOT, ("exercises",)):
        for cell in read(path).cells:
            assert not cell.get("outputs"), path
