"""`python -m course` rejects broken authoring with a message naming notebook and cell,
and changes nothing."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT


def snapshot(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def repo(tmp_path) -> Path:
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("notebooks", "solutions", "exercises"):
        shutil.copytree(ROOT / name, copy / name)
    shutil.copy(ROOT / "nbgrader_config.py", copy)
    return copy


def run_course(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course", "--root", str(repo), *args], capture_output=True, text=True
    )


def edit(path: Path, change) -> None:
    nb = nbformat.read(str(path), as_version=4)
    change(nb)
    nbformat.write(nb, str(path))


WARMUP = Path("solutions/00-orientation/warmup.ipynb")


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_clean_repository_passes(repo):
    done = run_course(repo)
    assert done.returncode == 0, done.stderr
    assert "no problems found" in done.stdout


def _solution_without_metadata(nb):
    nb.cells.insert(3, nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))


def _answer_without_hidden_test(nb):
    hidden = cell(nb, "count-by-host-hidden")
    hidden.source = "# no hidden tests any more\nassert True"


def _outputs(nb):
    c = cell(nb, "setup")
    c.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    c.execution_count = 1


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            _solution_without_metadata,
            "cell 4: has '### BEGIN SOLUTION' but no nbgrader solution metadata",
        ),
        (
            _answer_without_hidden_test,
            "cell 8 (count-by-host): graded answer without any hidden test",
        ),
        (_outputs, "cell 2 (setup): committed with outputs"),
    ],
    ids=["solution-without-metadata", "answer-without-hidden-test", "outputs"],
)
def test_bad_notebook_is_named_and_nothing_changes(repo, change, says):
    edit(repo / WARMUP, change)
    before = snapshot(repo)
    done = run_course(repo, "check")
    assert done.returncode == 1
    assert f"{WARMUP} {says}" in done.stderr, done.stderr
    assert "nothing was changed" in done.stderr
    assert snapshot(repo) == before


def test_mutant_naming_unknown_cell(repo):
    mutants = repo / "solutions/00-orientation/mutants.py"
    lines = mutants.read_text().count("\n")
    mutants.write_text(
        mutants.read_text() + "\n# %% mutant mean-of-vaild: typo in the cell id\nx = 1\n"
    )
    before = snapshot(repo)
    done = run_course(repo)
    assert done.returncode == 1
    assert f"mutants.py:{lines + 2}: mutant names cell 'mean-of-vaild'" in done.stderr, done.stderr
    assert snapshot(repo) == before


def test_too_few_mutants(repo):
    mutants = repo / "solutions/00-orientation/mutants.py"
    text = mutants.read_text()
    header = "# %% mutant count-by-host:"
    extra = text.count(header) - 2  # leave two: one short of the minimum
    mutants.write_text(text.replace(header, "# %% mutant bucket-start:", extra))
    done = run_course(repo)
    assert "(count-by-host): has 2 mutant(s) in mutants.py" in done.stderr, done.stderr


def test_bad_mutant_header(repo):
    mutants = repo / "solutions/00-orientation/mutants.py"
    mutants.write_text(mutants.read_text() + "\n# %% mutant no colon here\n")
    done = run_course(repo)
    assert "bad header" in done.stderr


def test_unpaired_script_is_reported(repo):
    script = repo / "solutions/00-orientation/warmup.pct.py"
    script.write_text(script.read_text().replace("Warm-up: how", "Warm up: how"))
    done = run_course(repo)
    assert "differs from warmup.pct.py; edit one, then run make sync" in done.stderr


def test_not_a_course_folder(tmp_path):
    done = run_course(tmp_path)
    assert done.returncode != 0
    assert "has no solutions/ folder" in done.stderr
