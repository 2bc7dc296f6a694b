"""Every mutant (a plausible wrong solution) must lose points on its exercise."""

from __future__ import annotations

import pytest

from course.mutants import all_mutants, grade_mutant
from tests.conftest import ROOT

MUTANTS = all_mutants(ROOT)


def test_there_are_mutants():
    assert len(MUTANTS) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_loses_points(mutant, record_property):
    result = grade_mutant(ROOT, mutant)
    record_property(
        "mutant", {"exercise": f"{mutant.assignment}/{mutant.cell}", "caught": result.caught}
    )
    assert result.caught, (
        f"mutant survived: {mutant.why} (mutants.py line {mutant.line}) scored "
        f"{result.points:g}/{result.max_points:g}; add a test that catches it"
    )
    assert result.points >= 0
