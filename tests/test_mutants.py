"""Every mutant (a plausible wrong solution) must lose points on its exercise, and every
alternative (a correct solution written differently) must get full marks."""

from __future__ import annotations

import pytest

from course.authoring.mutants import all_mutants, grade_mutant
from tests.conftest import ROOT

MUTANTS = all_mutants(ROOT)


def test_there_are_mutants_and_alternatives():
    kinds = {m.kind for m in MUTANTS}
    assert kinds == {"mutant", "alternative"}


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_loses_points_and_alternative_gets_full_marks(mutant, record_property):
    result = grade_mutant(ROOT, mutant)
    record_property(
        "mutant",
        {
            "exercise": f"{mutant.assignment}/{mutant.cell}",
            "kind": mutant.kind,
            "ok": result.ok,
            "name": mutant.name,
            "points": result.points,
            "max_points": result.max_points,
        },
    )
    if mutant.kind == "alternative":
        assert result.ok, (
            f"a correct alternative ({mutant.why}, mutants.py line {mutant.line}) scored "
            f"{result.points:g}/{result.max_points:g}: {result.detail}"
        )
        return
    assert result.caught, (
        f"mutant survived: {mutant.why} (mutants.py line {mutant.line}) scored "
        f"{result.points:g}/{result.max_points:g}; add a test that catches it"
    )
