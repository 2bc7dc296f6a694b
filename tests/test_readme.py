"""The README tells the truth: module statuses, commands and links that exist."""

from __future__ import annotations

import csv
import re

from course.learner.paths import data_path
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_module_table_matches_the_course_map():
    with data_path("modules.csv").open(newline="") as f:
        plan = list(csv.DictReader(f))
    rows = re.findall(r"^\| (\d) \| .*\| (\w+) \|$", README, flags=re.M)
    assert [(r[0], r[1]) for r in rows] == [(m["number"], m["status"]) for m in plan]
    for module in plan:
        ready = (ROOT / "solutions" / module["module"]).is_dir()
        assert ready == (module["status"] == "ready"), module


def test_binder_badge_opens_the_orientation_notebook():
    (path,) = re.findall(r"mybinder\.org/v2/gh/[^)]*\?urlpath=lab/tree/([^)\s]+)", README)
    assert (ROOT / path).is_file()


def test_make_targets_named_in_readme_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in set(re.findall(r"`make (\w+)", README)):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
