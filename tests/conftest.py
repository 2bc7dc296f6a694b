"""Shared fixtures, and the mutants table printed at the end of every run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_MUTANT_ROWS: list[dict] = []


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's top folder."""
    return ROOT


#: Test modules whose tests share one expensive module or session fixture (a graded nbgrader
#: course, a JupyterLab server): under xdist each goes whole to one worker, so the fixture runs
#: once, not once per worker. Every other test is scheduled on its own, as with `--dist load`.
SHARED_FIXTURE_MODULES = ("tests/test_roundtrip.py", "tests/test_lab.py", "tests/test_browser.py")


def pytest_xdist_make_scheduler(config, log):
    """`-n N` (xdist's "load"): keep each module of SHARED_FIXTURE_MODULES on one worker.

    (xdist's ``xdist_group``/``--dist loadgroup`` does not group under pytest 9.2, which no longer
    lets xdist rename test ids; this scheduler groups by module path instead.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in SHARED_FIXTURE_MODULES else nodeid

    return SharedFixtureScheduling(config, log)


def pytest_runtest_logreport(report):
    """Collect mutant results (sent from xdist workers as user_properties)."""
    if report.when == "call":
        for key, value in report.user_properties:
            if key == "mutant":
                _MUTANT_ROWS.append(value)


def pytest_terminal_summary(terminalreporter):
    """Print the mutants table: exercise, mutants, caught, alternatives, full marks."""
    if not _MUTANT_ROWS:
        return
    from course.authoring.mutants import summary_table

    out = os.environ.get("COURSE_GRADES_OUT")
    if out:  # every mutant's and alternative's score, to compare runs (no flakes: identical)
        rows = sorted(
            (r.get("name", ""), r["exercise"], r["kind"], r.get("points"), r.get("max_points"))
            for r in _MUTANT_ROWS
        )
        Path(out).write_text(json.dumps(rows, indent=0) + "\n", encoding="utf-8")
    terminalreporter.section("mutants")
    entries = [(row["exercise"], row["kind"], row["ok"]) for row in _MUTANT_ROWS]
    for line in summary_table(sorted(entries)).splitlines():
        terminalreporter.write_line(line)


@pytest.fixture
def worker(tmp_path):
    """A learner worker process (unsandboxed) with the judge's end of its channel."""
    from course.grading.judge import Worker
    from course.grading.sandbox import UnsandboxedLauncher
    from tests.judging import FAST

    w = Worker(tmp_path, UnsandboxedLauncher(), FAST)
    yield w
    w.stop()
