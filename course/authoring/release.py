"""Build the learner release (``exercises/``) from ``solutions/`` with nbgrader's own command.

``python -m course release`` runs ``nbgrader generate_assignment --force --no-db`` for every
assignment; on an unchanged tree it rewrites the same bytes.

``exercises/`` is also where learners work, so a release never destroys what is not in git:
files there that git does not hold as they are (a learner's answers, outputs saved by
JupyterLab, checkpoints) and that the new release would replace or delete are first moved to
``exercises-backup/<UTC time>/`` (ignored by git), and :func:`release` says which and where.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["assignments", "generate_release", "release", "set_aside_learner_work", "venv_env"]


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


#: Where :func:`set_aside_learner_work` keeps what a release would otherwise overwrite.
BACKUP_DIR = "exercises-backup"


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _clean_in_git(root: Path, folder: Path) -> set[str] | None:
    """Files under ``folder`` that git holds exactly as they are (None: not a git checkout)."""
    rel = folder.relative_to(root).as_posix()
    try:
        tracked = subprocess.run(
            ["git", "ls-files", "-z", "--", rel], cwd=root, capture_output=True, check=True
        ).stdout
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "-z", "--untracked-files=all", "--", rel],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    changed = {entry[3:] for entry in dirty.decode().split("\0") if len(entry) > 3}
    prefix = rel + "/"
    return {
        name.removeprefix(prefix)
        for name in tracked.decode().split("\0")
        if name and name not in changed
    }


def set_aside_learner_work(
    root: Path, fresh: Path, release_dir: Path | None = None
) -> tuple[Path | None, list[str]]:
    """Move out of ``release_dir`` every file the ``fresh`` release would overwrite or delete
    and that git does not hold as it is (everything that differs, outside a git checkout).

    Returns the backup folder (None when nothing was in the way) and the files moved there,
    relative to ``release_dir``.
    """
    release_dir = release_dir or root / "exercises"
    new = _files(fresh)
    clean = _clean_in_git(root, release_dir)
    at_risk = [
        name
        for name, data in _files(release_dir).items()
        if new.get(name) != data and (clean is None or name not in clean)
    ]
    if not at_risk:
        return None, []
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    backup = root / BACKUP_DIR / stamp
    suffix = 1
    while backup.exists():
        suffix += 1
        backup = root / BACKUP_DIR / f"{stamp}-{suffix}"
    for name in at_risk:
        target = backup / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(release_dir / name, target)
    return backup, at_risk


def release(root: Path) -> list[str]:
    """``make release``: regenerate ``exercises/``, first setting aside learner work in it.

    Returns the lines to print: what was moved where (if anything), then where it released.
    """
    release_dir = root / "exercises"
    with tempfile.TemporaryDirectory(prefix="course-fresh-") as scratch:
        fresh = generate_release(root, Path(scratch) / "exercises")
        backup, moved = set_aside_learner_work(root, fresh, release_dir)
        if release_dir.exists():
            shutil.rmtree(release_dir)
        shutil.copytree(fresh, release_dir)
    lines = []
    if backup is not None:
        lines.append(
            f"{len(moved)} file(s) in exercises/ held changes that are not in git (a learner's "
            f"answers or saved outputs); they are kept in {backup.relative_to(root)}/:"
        )
        lines += [f"  exercises/{name}" for name in moved]
        lines.append(
            f"  (copy a notebook back to exercises/ to go on working in it; "
            f"{BACKUP_DIR}/ is ignored by git)"
        )
    lines.append(f"released to {release_dir.relative_to(root)}/")
    return lines
