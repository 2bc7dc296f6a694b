"""The mutants file format and how a mutant is swapped into an answer cell."""

from __future__ import annotations

import pytest

from course.authoring.mutants import merge_into
from course.authoring.mutants_file import MutantFileError, parse_mutants

SOLUTION = '''def encode(x):
    """Doc."""
    ### BEGIN SOLUTION
    return x + 1
    ### END SOLUTION


def decode(y):
    return y - 1
'''


def test_merge_replaces_only_the_functions_the_mutant_defines():
    merged = merge_into(SOLUTION, "def decode(y):\n    return y - 2\n")
    namespace: dict = {}
    exec(merged, namespace)  # noqa: S102 - our own test source
    assert namespace["encode"](1) == 2
    assert namespace["decode"](5) == 3


def test_merge_puts_imports_first_and_keeps_new_functions():
    merged = merge_into(SOLUTION, "import math\n\ndef helper():\n    return math.pi\n")
    assert merged.startswith("import math")
    namespace: dict = {}
    exec(merged, namespace)  # noqa: S102 - our own test source
    assert namespace["helper"]() > 3 and namespace["encode"](0) == 1


def test_parse_reads_kinds_cells_and_lines(tmp_path):
    folder = tmp_path / "02-x"
    folder.mkdir()
    path = folder / "mutants.py"
    path.write_text(
        '"""doc"""\n'
        "# %% mutant encode-cell: off by one\n"
        "def encode(x):\n    return x\n\n"
        "# %% alternative encode-cell in nb.ipynb: written another way\n"
        "def encode(x):\n    return 1 + x\n"
    )
    first, second = parse_mutants(path)
    assert (first.kind, first.cell, first.line, first.notebook) == (
        "mutant",
        "encode-cell",
        2,
        None,
    )
    assert (second.kind, second.notebook, second.why) == (
        "alternative",
        "nb.ipynb",
        "written another way",
    )
    assert first.assignment == "02-x" and "return x" in first.source


def test_empty_mutant_is_an_error(tmp_path):
    path = tmp_path / "mutants.py"
    path.write_text("# %% mutant cell-a: nothing here\n\n")
    with pytest.raises(MutantFileError, match="mutant for 'cell-a' is empty"):
        parse_mutants(path)
