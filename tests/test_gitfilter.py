"""The git clean filter keeps notebook outputs out of git; committed notebooks pass unchanged;
lectures are saved without outputs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from course.authoring.gitfilter import clean
from course.authoring.lint import notebooks_in
from tests.conftest import ROOT

NOTEBOOKS = notebooks_in(ROOT, ("notebooks", "exercises", "solutions"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_committed_notebooks_pass_unchanged(path):
    text = path.read_text(encoding="utf-8")
    assert clean(text) == text


def _as_run_in_lab(text: str) -> str:
    """The notebook as JupyterLab saves it after running every cell."""
    nb = json.loads(text)
    for number, cell in enumerate(nb["cells"], 1):
        if cell["cell_type"] == "code":
            cell["execution_count"] = number
            cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["hello\n"]}]
            cell["metadata"]["execution"] = {"iopub.status.busy": "2026-11-26T10:00:00Z"}
            cell["metadata"]["scrolled"] = True
            cell["metadata"]["jupyter"] = {"outputs_hidden": True}
    nb["metadata"]["language_info"] = {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "name": "python",
        "version": "3.11.7",
    }
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def test_a_notebook_run_in_lab_is_stored_as_committed():
    path = ROOT / "notebooks" / "00-orientation" / "01-welcome.ipynb"
    text = path.read_text(encoding="utf-8")
    assert _as_run_in_lab(text) != text
    assert clean(_as_run_in_lab(text)) == text


def test_a_learner_answer_is_kept():
    path = ROOT / "exercises" / "00-orientation" / "warmup.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    answer = next(c for c in nb["cells"] if "NotImplementedError" in "".join(c["source"]))
    answer["source"] = ["def mean_of_valid(values):\n", "    return 1.0\n"]
    edited = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    assert clean(_as_run_in_lab(edited)) == edited


def test_anything_else_passes_through():
    for text in ("", "not json", "[1, 2]", '{"cells": 3}'):
        assert clean(text) == text


def test_filter_runs_as_git_runs_it():
    text = (ROOT / "notebooks" / "00-orientation" / "01-welcome.ipynb").read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "course.authoring.gitfilter"],
        input=_as_run_in_lab(text).encode(),
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.decode() == text and not done.stderr


def test_gitattributes_names_the_filter_make_lab_sets_up():
    assert "*.ipynb filter=notebook-outputs" in (ROOT / ".gitattributes").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "git config filter.notebook-outputs.clean" in makefile
    assert "course.learner.gitfilter" in makefile


def test_lectures_are_saved_without_outputs_and_exercises_with():
    from course.lab import strip_lecture_outputs

    for path, stripped in (
        ("notebooks/00-orientation/01-welcome.ipynb", True),
        ("exercises/00-orientation/warmup.ipynb", False),
    ):
        committed = (ROOT / path).read_text(encoding="utf-8")
        model = {"type": "notebook", "content": json.loads(_as_run_in_lab(committed))}
        strip_lecture_outputs(model, path)
        text = json.dumps(model["content"], sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        assert (text == committed) == stripped, path
    text_file = {"type": "file", "content": "x"}
    strip_lecture_outputs(text_file, "notebooks/notes.txt")
    assert text_file == {"type": "file", "content": "x"}
