"""One pinned set for make, CI and Binder; Binder builds from environment.yml and postBuild."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from course.authoring.lock import environment_yml, lock_lines
from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def test_environment_yml_is_generated_from_the_lock():
    assert (ROOT / "environment.yml").read_text() == environment_yml(ROOT / "requirements.lock"), (
        "environment.yml and requirements.lock disagree: run `make lock`"
    )


def test_environment_pins_python_311_and_exact_versions():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    (pip,) = [d["pip"] for d in deps if isinstance(d, dict)]
    assert pip == lock_lines(ROOT / "requirements.lock")
    assert all(re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=\s;]+( ;.*)?$", line) for line in pip), pip
    names = {line.split("==")[0].lower() for line in pip}
    for needed in ("jupyterlab", "nbgrader", "matplotlib", "pyarrow", "cryptography", "pytest"):
        assert needed in names
    assert "nbgrader==0.9.6" in pip
    assert any(line.startswith("jupyterlab==4.") for line in pip)


def test_installed_versions_match_the_lock():
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for line in lock_lines(ROOT / "requirements.lock"):
        if ";" in line and "linux" not in line and "python_full_version" not in line:
            continue  # a marker for another platform
        name, pinned = line.split(";")[0].strip().split("==")
        try:
            if version(name) != pinned:
                wrong.append(f"{name} {version(name)} != {pinned}")
        except PackageNotFoundError:
            if ";" not in line:
                wrong.append(f"{name} missing")
    assert not wrong, "the environment is not the lock; re-run make: " + ", ".join(wrong)


def test_no_binder_folder_hides_root_files():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_repo2docker_picks_environment_yml_and_postbuild():
    done = subprocess.run(
        [str(BIN / "repo2docker"), "--no-build", "--debug", "--no-run", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "python=3.11" in out
    assert '--file "environment.yml"' in out
    assert "RUN ./postBuild" in out


def test_postbuild_stops_on_error_and_keeps_validate():
    text = (ROOT / "postBuild").read_text()
    assert "set -euo pipefail" in text or "set -e" in text
    assert "validate" not in text.split("for plugin in")[1].split("\n")[0]
    for instructor_only in ("formgrader", "create-assignment", "course-list", "assignment-list"):
        assert instructor_only in text


def test_learner_environment_has_validate_but_no_formgrader():
    labext = subprocess.run(
        [str(BIN / "jupyter"), "labextension", "list"], capture_output=True, text=True
    )
    listing = labext.stdout + labext.stderr
    disabled = listing.split("Disabled extensions:")[1] if "Disabled extensions:" in listing else ""
    assert "@jupyter/nbgrader:formgrader" in disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    server = subprocess.run(
        [str(BIN / "jupyter"), "server", "extension", "list"], capture_output=True, text=True
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", server.stdout + server.stderr)
    assert re.search(r"nbgrader.server_extensions.validate_assignment\s+enabled", text), text
    assert re.search(r"nbgrader.server_extensions.formgrader\s+disabled", text), text


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci/run").read_text()
