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


def pytest_runtest_logreport(report):
    """Collect mutant results (sent from xdist workers as user_properties)."""
    if report.when == "call":
        for key, value in report.user_properties:
            if key == "mutant":
                _MUTANT_ROWS.append(value)


def pytest_terminal_summary(terminalreporter):
    """Print the mutants table: exercise, mutants, caught."""
    if not _MUTANT_ROWS:
        return
    rows: dict[str, list[bool]] = {}
    for row in _MUTANT_ROWS:
        rows.setdefault(row["exercise"], []).append(row["caught"])
    width = max(len(k) for k in [*rows, "exercise"])
    tr = terminalreporter
    tr.section("mutants")
    tr.write_line(f"{'exercise':<{width}}  mutants  caught")
    for exercise in sorted(rows):
        caught = rows[exercise]
        tr.write_line(f"{exercise:<{width}}  {len(caught):>7}  {sum(caught):>6}")
    total = [c for v in rows.values() for c in v]
    tr.write_line(f"{'total':<{width}}  {len(total):>7}  {sum(total):>6}")
