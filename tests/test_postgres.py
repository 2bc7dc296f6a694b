"""Grading into a PostgreSQL gradebook (several graders sharing one), against a real server.

The test starts a throwaway PostgreSQL cluster (Debian package ``postgresql``; ``.ci/run``
installs it) in a temporary folder on a free port, as an unprivileged user, points the scratch
course's ``nbgrader_config.py`` at it (``c.CourseDirectory.db_url``), and checks that
``generate_assignment``, ``course grade`` (two graders' runs, one student each),
``generate_feedback`` and ``export`` all work on the shared gradebook. Skipped, saying why,
only if the server binaries are missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.authoring.notebook_model import is_answer, read
from course.authoring.release import venv_env
from course.grading.classroom import GradebookRecorder, grade_class
from course.grading.limits import Limits
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
ASSIGNMENT = "00-orientation"


def _pg_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


PG_BIN = _pg_bin()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to nobody when we are root."""
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", *cmd]


@pytest.fixture
def postgres():
    if PG_BIN is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) are missing: apt-get install postgresql"
        )
    # not under tmp_path: pytest's folders are private to root, the server runs as nobody
    folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
    if os.geteuid() == 0:
        os.chown(folder, 65534, 65534)
    data, port = folder / "data", _free_port()
    env = {"PATH": f"{PG_BIN}:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(folder)}
    subprocess.run(
        _as_server_user(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
        ),
        check=True,
        capture_output=True,
        env=env,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log")]
    subprocess.run(
        _as_server_user([*start, "-w", "start"]), check=True, capture_output=True, env=env
    )
    try:
        # psycopg2 (in the pinned set): SQLAlchemy 2.1 would pick psycopg 3 for a bare postgresql://
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            env=env,
        )
        shutil.rmtree(folder, ignore_errors=True)


def nbgrader(course: Path, *args: str) -> None:
    exe = str(Path(sys.executable).with_name("nbgrader"))
    done = subprocess.run([exe, *args], cwd=course, capture_output=True, text=True, env=venv_env())
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def test_grading_into_a_postgresql_gradebook(tmp_path: Path, postgres: str):
    course = tmp_path / "course"
    course.mkdir()
    config = (ROOT / "nbgrader_config.py").read_text()
    (course / "nbgrader_config.py").write_text(
        config + f"\nc.CourseDirectory.db_url = {postgres!r}\n"
    )
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, course / "solutions" / ASSIGNMENT)
    started = time.monotonic()
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")

    solution = read(ROOT / "solutions" / ASSIGNMENT / "warmup.ipynb")
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in solution.cells if is_answer(c)}
    for student in ("alice", "bob"):
        nb = read(course / "exercises" / ASSIGNMENT / "warmup.ipynb")
        if student == "alice":
            for cell in nb.cells:
                if is_answer(cell):
                    cell.source = answers[cell.metadata.nbgrader["grade_id"]]
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / "warmup.ipynb"))

    recorder = GradebookRecorder(course, ASSIGNMENT)
    assert recorder.db_url == postgres
    for student in ("alice", "bob"):  # two graders, one student each, one shared gradebook
        grade_class(
            course,
            ASSIGNMENT,
            students=[student],
            jobs=1,
            limits=Limits(cell_seconds=60),
            progress=False,
            record=recorder,
        )
    with Gradebook(postgres, "rewrites") as gb:
        scores = {s: gb.find_submission(ASSIGNMENT, s).score for s in ("alice", "bob")}
    assert scores == {"alice": 10.0, "bob": 0.0}
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    nbgrader(course, "export")
    assert (course / "feedback" / "alice" / ASSIGNMENT / "warmup.html").is_file()
    assert "alice" in (course / "grades.csv").read_text()
    assert not (course / "gradebook.db").exists()  # everything went to PostgreSQL
    assert time.monotonic() - started < 300
