"""The learner edition (``python -m course edition OUT``) holds nothing of the instructor's side.

Built once from this repository: no solutions/, tests/, hidden data, mutants, grading or
authoring tools, no solution / hidden-test markers or lines in any file; its notebooks still
import the edition's own ``course`` package and run their first code cells.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course.authoring.edition import (
    MARKERS,
    build_edition,
    edition_files,
    edition_problems,
    learner_readme,
)
from course.cli import main
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("edition") / "learners"
    assert main(["--root", str(ROOT), "edition", str(out)]) == 0
    return out


def test_only_learner_material(edition: Path):
    top = sorted(p.name for p in edition.iterdir())
    assert "solutions" not in top and "tests" not in top and "docs" not in top
    assert "nbgrader_config.py" not in top and ".ci" not in top
    assert {"notebooks", "exercises", "course", "README.md", "LICENSE", "postBuild"} <= set(top)
    assert not (edition / "course" / "authoring").exists()
    assert not (edition / "course" / "grading").exists()
    assert list(edition.rglob("mutants.py")) == []
    assert list(edition.rglob("hidden")) == []


def test_no_marker_secret_line_or_solutions_file_anywhere(edition: Path):
    assert edition_problems(edition, ROOT) == []
    instructor = {
        hashlib.sha256(p.read_bytes()).hexdigest(): p
        for top in ("solutions", "tests", "docs")
        for p in (ROOT / top).rglob("*")
        if p.is_file() and p.stat().st_size > 0 and p.name not in ("__init__.py", "jupytext.toml")
    }
    for path in edition.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "# %% mutant", "# %% alternative"):
                assert marker not in text, (path, marker)
            assert hashlib.sha256(path.read_bytes()).hexdigest() not in instructor, path


def test_the_check_finds_planted_material(edition: Path, tmp_path: Path):
    """The scan is not vacuous: a hidden test line or a marker planted in a copy is found."""
    source = json.loads((ROOT / "solutions/00-orientation/warmup.ipynb").read_text())
    hidden = next(
        "".join(c["source"]) for c in source["cells"] if "BEGIN HIDDEN" in "".join(c["source"])
    )
    line = next(
        ln.strip()
        for ln in hidden.splitlines()
        if len(ln.strip()) > 30 and "BEGIN" not in ln and "check(" in ln
    )
    planted = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(edition), str(planted)], check=True)
    lecture = planted / "notebooks" / "00-orientation" / "01-welcome.pct.py"
    lecture.write_text(lecture.read_text() + f"\n# {line}\n")
    (planted / "exercises" / "mutants.py").write_text(f"{MARKERS[0]}\n")
    problems = edition_problems(planted, ROOT)
    assert any("01-welcome.pct.py" in p and "hidden test" in p for p in problems), problems
    assert any("mutants.py" in p for p in problems), problems


def test_readme_keeps_learner_sections_only():
    text = learner_readme((ROOT / "README.md").read_text())
    assert "## For learners" in text
    assert "## For instructors" not in text and "## Authoring" not in text
    assert "python -m course edition" in text


def test_refuses_unsafe_targets(tmp_path: Path):
    with pytest.raises(ValueError, match="inside the course repository"):
        build_edition(ROOT, ROOT / "build" / "edition")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ValueError, match="not an empty folder"):
        build_edition(ROOT, tmp_path / "full")


def test_only_tracked_files(tmp_path: Path):
    files = edition_files(ROOT)
    assert all(not f.startswith(("solutions/", "tests/", "course/grading/")) for f in files)
    assert "exercises/00-orientation/warmup.ipynb" in files


def test_notebooks_import_the_edition_and_run_their_first_cells(edition: Path):
    notebooks = sorted(
        str(p) for p in edition.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    assert len(notebooks) >= 4
    program = textwrap.dedent(
        """
        import json, os, sys
        sys.path.insert(0, sys.argv[1])
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        done = []
        for path in sys.argv[2:]:
            os.chdir(os.path.dirname(path))
            cells = json.load(open(path))["cells"]
            code = [c for c in cells if c["cell_type"] == "code"][:1]
            for cell in code:
                result = shell.run_cell("".join(cell["source"]))
                if not result.success:
                    raise SystemExit(f"{path}: first code cell failed: {result.error_in_exec!r}")
            done.append(path)
        import course
        print(json.dumps({"course": course.__file__, "done": len(done)}))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", program, str(edition), *notebooks],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(edition), "MPLBACKEND": "Agg"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["done"] == len(notebooks)
    assert Path(report["course"]).is_relative_to(edition)
