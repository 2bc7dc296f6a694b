"""exercises/ is exactly what nbgrader makes from solutions/, and leaks nothing."""

from __future__ import annotations

import filecmp
import re
import subprocess

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
from course.authoring.release import BACKUP_DIR, generate_release, set_aside_learner_work
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


def _tree(folder, files: dict[str, str]):
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def _git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_release_sets_aside_learner_work_and_replaces_the_rest(tmp_path):
    root, fresh = tmp_path / "repo", tmp_path / "fresh"
    _tree(root, {"exercises/a/answered.ipynb": "v1", "exercises/a/stale.ipynb": "v1"})
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "release v1")
    _tree(root, {"exercises/a/answered.ipynb": "learner answers", "exercises/a/notes.txt": "mine"})
    _tree(root, {"exercises/a/.ipynb_checkpoints/answered-checkpoint.ipynb": "saved"})
    _tree(fresh, {"a/answered.ipynb": "v2", "a/stale.ipynb": "v2"})
    backup, moved = set_aside_learner_work(root, fresh)
    assert sorted(moved) == [
        "a/.ipynb_checkpoints/answered-checkpoint.ipynb",
        "a/answered.ipynb",
        "a/notes.txt",
    ]
    assert backup.parent == root / BACKUP_DIR
    assert (backup / "a/answered.ipynb").read_text() == "learner answers"
    assert (backup / "a/notes.txt").read_text() == "mine"
    # The stale release file is in git as it is: replacing it loses nothing, so it stays put.
    assert (root / "exercises/a/stale.ipynb").read_text() == "v1"
    # A second run finds nothing in the way.
    assert set_aside_learner_work(root, fresh) == (None, [])


def test_release_outside_git_sets_aside_everything_that_differs(tmp_path):
    root, fresh = tmp_path / "repo", tmp_path / "fresh"
    _tree(root, {"exercises/a/x.ipynb": "answers", "exercises/a/same.ipynb": "v2"})
    _tree(fresh, {"a/x.ipynb": "v2", "a/same.ipynb": "v2"})
    backup, moved = set_aside_learner_work(root, fresh)
    assert moved == ["a/x.ipynb"]
    assert (backup / "a/x.ipynb").read_text() == "answers"


def test_backups_are_ignored_by_git():
    assert f"{BACKUP_DIR}/" in (ROOT / ".gitignore").read_text().splitlines()
