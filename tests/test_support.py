"""course package basics: data lookup, seeds, hints, plotting style and alt text."""

from __future__ import annotations

import numpy as np
import pytest

import course
from course.learner import hints, paths, plotting, seeding


def test_data_path_works_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "modules.csv" in paths.data_files()
    for name in paths.data_files():
        assert paths.data_path(name).is_absolute()
        assert paths.data_path(name).is_file()


def test_data_path_unknown_name_lists_the_files():
    with pytest.raises(FileNotFoundError, match="no course data file named 'nope.csv'"):
        paths.data_path("nope.csv")
    with pytest.raises(TypeError, match="file name"):
        paths.data_path(3)


def test_repo_root_found_from_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = paths.repo_root()
    assert (root / "nbgrader_config.py").is_file()
    with pytest.raises(FileNotFoundError, match="cannot find the course repository"):
        paths.repo_root(tmp_path)


def test_rng_is_seeded_and_checked():
    assert seeding.rng().integers(0, 10**9) == seeding.rng().integers(0, 10**9)
    assert np.array_equal(seeding.rng(5).random(3), course.rng(5).random(3))
    assert seeding.rng(1).random() != seeding.rng(2).random()
    with pytest.raises(TypeError, match="seed must be an int"):
        seeding.rng("1")
    with pytest.raises(TypeError):
        seeding.rng(True)
    with pytest.raises(ValueError, match="0 or more"):
        seeding.rng(-1)


def test_hint_shows_the_next_hint_each_call(capsys):
    hints.reset_hints()
    ex = "mean-of-valid"
    total = len(hints.all_hints()[ex])
    for number in range(1, total + 1):
        course.hint(ex)
        assert f"Hint {number} of {total}" in capsys.readouterr().out
    course.hint(ex)
    assert "That was the last hint" in capsys.readouterr().out
    hints.reset_hints(ex)
    course.hint(ex)
    assert "Hint 1 of" in capsys.readouterr().out


def test_unknown_hint_names_known_ids():
    with pytest.raises(KeyError, match="no hints for 'mean-of-vaild'.*mean-of-valid"):
        course.hint("mean-of-vaild")


def test_every_hint_names_an_answer_cell(root):
    from course.authoring.notebook_model import exercises, read

    answers = {
        ex.answer_id for p in (root / "solutions").glob("*/*.ipynb") for ex in exercises(read(p))
    }
    assert set(hints.all_hints()) == answers


def test_style_palette_is_okabe_ito():
    plotting.use_style()
    import matplotlib.pyplot as plt

    colours = [c["color"] for c in plt.rcParams["axes.prop_cycle"]]
    assert colours[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert plt.rcParams["font.size"] >= 11


def test_show_needs_alt_text_and_emits_it(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw: shown.append(obj))
    fig, ax = plotting.figure()
    ax.plot([1, 2], [3, 4])
    with pytest.raises(ValueError, match="alt text"):
        plotting.show(fig, alt="")
    plotting.show(fig, alt='A rising line from (1, 3) to (2, 4), "two" points.')
    (bundle,) = shown
    assert (
        'alt="A rising line from (1, 3) to (2, 4), &quot;two&quot; points."' in bundle["text/html"]
    )
    assert bundle["text/plain"].startswith("[Figure: A rising line")


def test_scoring_timeout_is_nbgraders(root):
    from course.grading.scoring import CELL_TIMEOUT

    config = (root / "nbgrader_config.py").read_text()
    assert f"c.Execute.timeout = {CELL_TIMEOUT}\n" in config


# --- course.by_hand: libraries a by-hand exercise may not use are unreachable inside the block

_LEARNER_CODE = """
import pyarrow as pa
import numpy
from pyarrow import array as make_array
from numpy import packbits

def via_module_global(values):
    return pa.array(values)

def via_from_import(values):
    return make_array(values)

def via_import_inside(values):
    import pyarrow
    return pyarrow.array(values)

def via_submodule_import(values):
    import pyarrow.compute as pc
    return pc.sum(values)

def via_numpy(values):
    return packbits(values).tobytes()

def by_hand_answer(values):
    return bytes(len(values))
"""


def _learner_namespace() -> dict:
    namespace: dict = {"__name__": "learner"}
    exec(compile(_LEARNER_CODE, "<learner cell>", "exec"), namespace)
    return namespace


def test_by_hand_blocks_globals_from_imports_and_imports_inside():
    from course.learner.byhand import ByHandError, blocked_modules, by_hand

    ns = _learner_namespace()
    with by_hand("pyarrow", "numpy", namespace=ns):
        assert blocked_modules() == ("numpy", "pyarrow")
        for name in ("via_module_global", "via_from_import", "via_import_inside",
                     "via_submodule_import", "via_numpy"):  # fmt: skip
            with pytest.raises(ByHandError, match="by hand.*plain Python"):
                ns[name]([1, 2])
        assert ns["by_hand_answer"]([1, 2]) == b"\x00\x00"
    assert blocked_modules() == ()


def test_by_hand_stub_kept_and_changed_is_not_reused():
    import pyarrow

    from course.learner.byhand import ByHandError, by_hand

    ns = _learner_namespace()
    with by_hand("pyarrow", namespace=ns):
        kept = ns["pa"]  # a stub smuggled out of one block and armed between blocks
    kept.__getattr__ = lambda name: getattr(pyarrow, name)
    kept.array = pyarrow.array
    with by_hand("pyarrow", namespace=ns):
        assert ns["pa"] is not kept
        with pytest.raises(ByHandError):
            ns["via_module_global"]([1])


def test_by_hand_names_what_was_used():
    from course.learner.byhand import ByHandError, by_hand

    ns = _learner_namespace()
    with by_hand("pyarrow", namespace=ns), pytest.raises(ByHandError, match=r"pyarrow\.array"):
        ns["via_module_global"]([1])


def test_by_hand_restores_everything_even_on_error():
    import sys

    from course.learner.byhand import by_hand

    ns = _learner_namespace()
    before_ns = dict(ns)
    before_modules = {
        k: v for k, v in sys.modules.items() if k.split(".")[0] in ("pyarrow", "numpy")
    }
    with pytest.raises(ZeroDivisionError), by_hand("pyarrow", "numpy", namespace=ns):
        assert ns["pa"] is not before_ns["pa"]
        assert sys.modules["pyarrow"] is not before_modules["pyarrow"]
        1 / 0  # noqa: B018
    assert ns == before_ns
    assert all(ns[k] is v for k, v in before_ns.items())
    after = {k: v for k, v in sys.modules.items() if k.split(".")[0] in ("pyarrow", "numpy")}
    assert after.keys() == before_modules.keys()
    assert all(after[k] is v for k, v in before_modules.items())
    assert ns["via_module_global"]([1, 2]).to_pylist() == [1, 2]


def test_by_hand_stubs_a_package_not_yet_imported_and_removes_the_stub():
    import sys

    from course.learner.byhand import ByHandError, by_hand

    name = "course_never_imported_package"
    ns: dict = {}
    exec(f"def f():\n    import {name}\n    return {name}.thing", ns)
    with by_hand(name, namespace=ns), pytest.raises(ByHandError):
        ns["f"]()
    assert name not in sys.modules


def test_by_hand_nests():
    from course.learner.byhand import ByHandError, blocked_modules, by_hand

    ns = _learner_namespace()
    with by_hand("pyarrow", namespace=ns):
        assert ns["via_numpy"]([1, 0]) == b"\x80"  # numpy still reachable
        with by_hand("numpy", namespace=ns):
            assert blocked_modules() == ("numpy", "pyarrow")
            with pytest.raises(ByHandError):
                ns["via_numpy"]([1, 0])
            with pytest.raises(ByHandError):
                ns["via_module_global"]([1])
        assert blocked_modules() == ("pyarrow",)
        assert ns["via_numpy"]([1, 0]) == b"\x80"
        with pytest.raises(ByHandError):
            ns["via_from_import"]([1])
    assert ns["via_from_import"]([3]).to_pylist() == [3]


def test_by_hand_rejects_what_is_not_a_package_name():
    from course.learner.byhand import by_hand

    for bad in ("", "pyarrow.compute", 3):
        with pytest.raises(TypeError, match="top-level package names"), by_hand(bad, namespace={}):
            pass


def test_first_page_payload_is_pyarrows_delta_binary_packed_page(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from course.columnar.layout import first_page_payload

    path = tmp_path / "clock.parquet"
    schema = pa.schema([pa.field("t", pa.int64(), nullable=False)])
    clock = pa.table({"t": [1_000 + 10 * k for k in range(5)]}, schema=schema)
    pq.write_table(clock, path, use_dictionary=False, compression="none",
                   column_encoding={"t": "DELTA_BINARY_PACKED"})  # fmt: skip
    # Header: block size 256, 4 miniblocks, 5 values, first value zigzag(1000) = 2000;
    # one block: min delta zigzag(10) = 20, widths 0 0 0 0 (a steady clock), no packed bits.
    assert first_page_payload(path) == b"\x80\x02\x04\x05\xd0\x0f\x14\x00\x00\x00\x00"
    pq.write_table(clock, path, compression="zstd", use_dictionary=False)
    with pytest.raises(ValueError, match="compression='none'"):
        first_page_payload(path)
    pq.write_table(clock, path, compression="none")
    with pytest.raises(ValueError, match="use_dictionary=False"):
        first_page_payload(path)
    (tmp_path / "x.txt").write_bytes(b"hello")
    with pytest.raises(ValueError, match="not a Parquet file"):
        first_page_payload(tmp_path / "x.txt")
