"""The mutants file format and how a mutant is swapped into an answer cell."""

from __future__ import annotations

import pytest

from course.authoring.mutants import merge_into, mutant_cell
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


# --- edits: an entry that states only the mistake -------------------------------------------

CELL = '''def scale(values, factor):
    """Doc."""
    ### BEGIN SOLUTION
    out = []
    for v in values:
        out.append(v * factor)
    return out
    ### END SOLUTION


def total(values):
    out = 0
    for v in values:
        out += v
    return out
'''


def _entries(tmp_path, text: str):
    folder = tmp_path / "09-x"
    folder.mkdir(exist_ok=True)
    path = folder / "mutants.py"
    path.write_text('"""doc"""\n' + text)
    return path, parse_mutants(path)


def _run(cell: str) -> dict:
    namespace: dict = {}
    exec(cell, namespace)  # noqa: S102 - our own test source
    return namespace


def test_an_edit_replaces_its_lines_once_at_their_indentation(tmp_path):
    _, (mutant,) = _entries(
        tmp_path,
        "# %% mutant scale-cell: adds instead of multiplying\n"
        "# - out.append(v * factor)\n"
        "# + out.append(v + factor)\n",
    )
    assert (mutant.source, len(mutant.edits), mutant.edits[0].line) == ("", 1, 3)
    cell = mutant_cell(CELL, mutant)
    assert "        out.append(v + factor)\n" in cell  # the indentation of the match
    assert "BEGIN SOLUTION" not in cell and "v * factor" not in cell
    namespace = _run(cell)
    assert namespace["scale"]([1, 2], 10) == [11, 12]
    assert namespace["total"]([1, 2]) == 3  # the rest of the cell is the solution's


def test_groups_insertions_deletions_and_blank_lines(tmp_path):
    _, (mutant,) = _entries(
        tmp_path,
        "# %% mutant scale-cell: skips zeros and forgets the return\n"
        "# - for v in values:\n"
        "# -     out.append(v * factor)\n"
        "# + for v in values:\n"
        "# +     if v == 0:\n"
        "# +         continue\n"
        "# +     out.append(v * factor)\n"
        "# - return out\n"
        "# -     ### END SOLUTION\n"  # not in the cell once the markers are stripped
        "\n",
    )
    assert [e.line for e in mutant.edits] == [3, 9]
    with pytest.raises(MutantFileError, match=r"mutants\.py:9: .* 0 times"):
        mutant_cell(CELL, mutant)
    _, (mutant,) = _entries(
        tmp_path,
        "# %% mutant scale-cell: skips zeros and returns None\n"
        "# - for v in values:\n"
        "# -     out.append(v * factor)\n"
        "# + for v in values:\n"
        "# +     if v == 0:\n"
        "# +         continue\n"
        "# +     out.append(v * factor)\n"
        "\n"
        "# -     out.append(v * factor)\n"  # a blank line starts the next group...
        "# - return out\n"
        "# -\n"  # ... and '# -' alone matches a blank line
        "# -\n",
    )
    assert [e.line for e in mutant.edits] == [3, 10]
    with pytest.raises(MutantFileError, match=r"mutants\.py:10: this edit overlaps .* line 3"):
        mutant_cell(CELL, mutant)
    _, (mutant,) = _entries(
        tmp_path,
        "# %% mutant scale-cell: skips zeros and returns None\n"
        "# - for v in values:\n"
        "# -     out.append(v * factor)\n"
        "# + for v in values:\n"
        "# +     if v == 0:\n"
        "# +         continue\n"
        "# +     out.append(v * factor)\n"
        "# -     return out\n"  # a '-' after '+' lines starts the next group
        "# -\n"
        "# -\n"
        "# - def total(values):\n"
        "# + def total(values):\n",
    )
    namespace = _run(mutant_cell(CELL, mutant))
    assert namespace["scale"]([0, 1], 2) is None
    assert namespace["total"]([1, 2]) == 3


def test_an_edit_that_matches_nowhere_is_an_error_naming_its_line(tmp_path):
    path, (mutant,) = _entries(
        tmp_path,
        "# %% mutant scale-cell: off by one\n# - return out + 1\n# + return out\n",
    )
    with pytest.raises(MutantFileError, match=r"mutants\.py:3: .*'scale-cell' 0 times") as exc:
        mutant_cell(CELL, mutant)
    assert (exc.value.path, exc.value.line) == (str(path), 3)


def test_an_edit_that_matches_twice_is_an_error_naming_its_line_and_the_matches(tmp_path):
    _, (mutant,) = _entries(
        tmp_path,
        "# %% mutant scale-cell: returns nothing\n# - return out\n# + return None\n",
    )
    with pytest.raises(MutantFileError, match=r"mutants\.py:3: .* 2 times.* lines 6, 13"):
        mutant_cell(CELL, mutant)
    # a neighbouring line makes it unique
    _, (mutant,) = _entries(
        tmp_path,
        "# %% mutant scale-cell: returns nothing\n"
        "# -     out += v\n# - return out\n"
        "# +     out += v\n# + return None\n",
    )
    namespace = _run(mutant_cell(CELL, mutant))
    assert namespace["total"]([1]) is None and namespace["scale"]([1], 2) == [2]


def test_lines_must_keep_their_relative_indentation(tmp_path):
    _, (mutant,) = _entries(
        tmp_path,
        "# %% mutant scale-cell: wrong depth\n# - for v in values:\n# - out += v\n# + pass\n",
    )
    with pytest.raises(MutantFileError, match="0 times"):
        mutant_cell(CELL, mutant)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# %% mutant scale-cell\n# - x\n", 2, "bad header"),
        ("# %% mutnat scale-cell: typo\n", None, None),  # not a header: text before the first
        ("# %% mutant scale-cell: x\n# + return 1\n", 3, "'\\+' line without '-' lines"),
        ("# %% mutant scale-cell: x\n# -\n# + return 1\n", 3, "all blank"),
        ("# %% mutant scale-cell: x\n# -     return out\n# + return 1\n", 4, "indented less"),
        ("# %% mutant scale-cell: x\n#- return out\n#+ return 1\n", 3, "looks like an edit"),
        ("# %% mutant scale-cell: x\nx = 1\n\n# - return out\n", 5, "looks like an edit"),
        ("# %% mutant scale-cell: x\ndef f(:\n    pass\n", 3, "does not parse"),
        ("# %% mutant scale-cell: only a comment\n# a comment\n", 2, "is empty"),
    ],
)
def test_malformed_entries_are_errors_naming_the_line(tmp_path, text, line, message):
    if message is None:
        _, mutants = _entries(tmp_path, text)
        assert mutants == []
        return
    with pytest.raises(MutantFileError, match=message) as exc:
        _entries(tmp_path, text)
    assert exc.value.line == line
    assert f"mutants.py:{line}: " in str(exc.value)


def test_whole_definitions_still_work_alone_and_after_edits(tmp_path):
    _, (whole, both) = _entries(
        tmp_path,
        "# %% mutant scale-cell: a whole rewrite\n"
        "def scale(values, factor):\n    return [v for v in values]\n\n"
        "# %% alternative scale-cell: an edit, then a definition\n"
        "# - out += v\n# + out = out + v\n"
        "\n"
        "import math\n\n\n"
        "def scale(values, factor):\n    return [math.prod((v, factor)) for v in values]\n",
    )
    assert not whole.edits and "return [v for v in values]" in whole.source
    namespace = _run(mutant_cell(CELL, whole))
    assert namespace["scale"]([1, 2], 3) == [1, 2] and namespace["total"]([1, 2]) == 3
    assert both.kind == "alternative" and len(both.edits) == 1
    cell = mutant_cell(CELL, both)
    assert cell.startswith("import math") and "out = out + v" in cell
    namespace = _run(cell)
    assert namespace["scale"]([1, 2], 3) == [3, 6] and namespace["total"]([1, 2]) == 3


def test_the_authoring_check_applies_every_edit(tmp_path):
    from course.authoring import lint

    _, (good, bad) = _entries(
        tmp_path,
        "# %% mutant scale-cell: adds\n# - out.append(v * factor)\n# + out.append(v + factor)\n"
        "# %% mutant scale-cell: gone\n# - return out * 2\n# + return out\n",
    )
    sources = {("09-x", "nb.ipynb", "scale-cell"): CELL}
    assert lint._edits_apply(tmp_path, good, sources) == []
    (problem,) = lint._edits_apply(tmp_path, bad, sources)
    assert problem.where == "09-x/mutants.py:6" and "0 times" in problem.message
