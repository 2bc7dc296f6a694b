"""The code is ruff-clean (notebook scripts included) and the authoring checks pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from course.authoring.lint import check_repo
from tests.conftest import ROOT


def test_ruff_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [
            str(ruff),
            "check",
            "--output-format",
            "concise",
            "course",
            "tests",
            "notebooks",
            "solutions",
            "nbgrader_config.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_authoring_checks_pass():
    problems = check_repo(ROOT)
    assert not problems, "\n".join(map(str, problems))
