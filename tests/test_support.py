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
