"""Build the learner release (``exercises/``) from ``solutions/`` with nbgrader's own command.

``python -m course release`` runs ``nbgrader generate_assignment --force --no-db`` for every
assignment; on an unchanged tree it rewrites the same bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["assignments", "generate_release", "venv_env"]


def assignments(root: Path) -> list[str]:
    """Assignment ids: the folders of ``solutions/`` that hold a notebook."""
    return sorted(
        p.name for p in (root / "solutions").iterdir() if p.is_dir() and any(p.glob("*.ipynb"))
    )


def venv_env() -> dict[str, str]:
    """The environment with this interpreter's bin folder first on PATH.

    nbgrader runs helper programs (``alembic``) by name, so they must be found even when the
    virtual environment is not activated.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _nbgrader() -> list[str]:
    exe = Path(sys.executable).with_name("nbgrader")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "nbgrader"]


def generate_release(root: Path, release_dir: Path | None = None) -> Path:
    """Generate every assignment's learner version into ``release_dir`` (default ``exercises/``).

    nbgrader runs in a scratch course folder (config and solutions copied), so no database or
    log lands in the repository. Returns the release folder.
    """
    release_dir = release_dir or root / "exercises"
    with tempfile.TemporaryDirectory(prefix="course-release-") as scratch:
        course = Path(scratch)
        shutil.copy(root / "nbgrader_config.py", course)
        shutil.copytree(root / "solutions", course / "solutions")
        for assignment in assignments(root):
            done = subprocess.run(
                [
                    *_nbgrader(),
                    "generate_assignment",
                    assignment,
                    "--force",
                    "--no-db",
                    "--log-level=WARN",
                ],
                cwd=course,
                capture_output=True,
                text=True,
                env=venv_env(),
            )
            if done.returncode != 0:
                raise RuntimeError(
                    f"nbgrader generate_assignment {assignment} failed:\n"
                    f"{done.stdout}\n{done.stderr}"
                )
        if release_dir.exists():
            shutil.rmtree(release_dir)
        shutil.copytree(course / "exercises", release_dir)
    return release_dir
