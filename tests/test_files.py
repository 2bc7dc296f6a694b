"""The judge's file broker: test inputs judge-only, learner output read back without following."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from course.grading.files import FileBroker, LentFolderError, release_into
from course.learner import files


@pytest.fixture
def broker(tmp_path):
    work, inputs = tmp_path / "work", tmp_path / "inputs"
    work.mkdir()
    inputs.mkdir()
    return FileBroker(inputs, work, max_bytes=1 << 20, max_files=50)


def test_in_a_kernel_the_helpers_are_the_folders_themselves(tmp_path):
    scratch = files.scratch_folder("t-")
    assert scratch.is_dir() and not list(scratch.iterdir())
    lent = files.lend(scratch / "out")
    assert lent == str(scratch / "out") and Path(lent).is_dir()
    assert files.collect(lent) == Path(lent)
    with pytest.raises(ValueError, match="without slashes"):
        files.scratch_folder("../x")
    with pytest.raises(TypeError, match="folder path"):
        files.lend(3)


def test_a_lent_folder_is_a_fresh_copy_in_the_learners_folder(broker):
    source = broker.scratch("case-")
    (source / "a.parquet").write_bytes(b"inputs")
    (source / "sub").mkdir()
    (source / "sub" / "b").write_text("x")
    lent = Path(broker.lend(source))
    assert lent.parent == broker.workdir and lent.name.startswith(".lent-")
    assert (lent / "a.parquet").read_bytes() == b"inputs" and (
        lent / "sub" / "b"
    ).read_text() == "x"
    with pytest.raises(ValueError, match="scratch_folder"):
        broker.lend(broker.workdir)  # not the test's own folder


def test_collect_copies_plain_files_and_never_follows_a_link(broker, tmp_path):
    secret = tmp_path / "gradebook.db"
    secret.write_text("SECRET")
    lent = Path(broker.lend(broker.scratch("case-")))
    (lent / "ok.txt").write_text("mine")
    (lent / "link.txt").symlink_to(secret)
    (lent / "dirlink").symlink_to(tmp_path)
    os.mkfifo(lent / "fifo")
    (lent / "d").mkdir()
    (lent / "d" / "inner").write_text("deep")
    back = broker.collect(str(lent))
    assert sorted(p.name for p in back.iterdir()) == ["d", "ok.txt"]
    assert (back / "ok.txt").read_text() == "mine" and (back / "d" / "inner").read_text() == "deep"
    assert back.is_relative_to(broker.inputs)
    assert "SECRET" not in "".join(p.read_text() for p in back.rglob("*") if p.is_file())


def test_a_lent_folder_swapped_for_a_link_is_refused(broker, tmp_path):
    lent = Path(broker.lend(broker.scratch("case-")))
    lent.rmdir()
    lent.symlink_to(tmp_path)  # the instructor's folder, say
    with pytest.raises(LentFolderError, match="not a folder any more"):
        broker.collect(str(lent))
    with pytest.raises(ValueError, match="lend\\(\\) gave"):
        broker.collect(str(tmp_path))


def test_collect_has_a_budget_of_files_and_bytes(broker):
    lent = Path(broker.lend(broker.scratch("case-")))
    (lent / "big").write_bytes(b"x" * (2 << 20))
    with pytest.raises(LentFolderError, match="bytes"):
        broker.collect(str(lent))
    (lent / "big").unlink()
    for i in range(60):
        (lent / f"f{i}").write_text("")
    with pytest.raises(LentFolderError, match="files"):
        broker.collect(str(lent))


def test_released_files_replace_planted_links_and_never_write_through_them(tmp_path):
    source, work = tmp_path / "src", tmp_path / "work"
    source.mkdir()
    work.mkdir()
    (source / "data.csv").write_text("released")
    (source / "hidden").mkdir()  # the instructor's: never released
    (source / "hidden" / "x").write_text("no")
    (source / "nb.ipynb").write_text("{}")
    (source / "lib").mkdir()
    (source / "lib" / "m.py").write_text("m")
    victim = tmp_path / "gradebook.db"
    victim.write_text("GRADES")
    (work / "data.csv").symlink_to(victim)
    (work / "lib").symlink_to(tmp_path)
    assert release_into(source, work) == []
    assert victim.read_text() == "GRADES" and not (tmp_path / "m.py").exists()
    assert (work / "data.csv").read_text() == "released" and not (work / "data.csv").is_symlink()
    assert (work / "lib" / "m.py").read_text() == "m" and not (work / "lib").is_symlink()
    assert sorted(p.name for p in work.iterdir()) == ["data.csv", "lib"]
