"""Shared fixtures, and the mutants table printed at the end of every run."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_MUTANT_ROWS: list[dict] = []


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's top folder."""
    return ROOT


def pytest_configure(config):
    """Under xdist, keep each ``xdist_group`` on one worker: a session fixture shared by a group
    (the nbgrader round trip grades one course) then runs once, not once per worker."""
    if getattr(config.option, "dist", "no") == "load":
        config.option.dist = "loadgroup"


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

    terminalreporter.section("mutants")
    entries = [(row["exercise"], row["kind"], row["ok"]) for row in _MUTANT_ROWS]
    for line in summary_table(sorted(entries)).splitlines():
        terminalreporter.write_line(line)
