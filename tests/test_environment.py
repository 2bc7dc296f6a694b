"""Two pinned sets: learners' (make lab, Binder) and the tests' (make test, CI), which agree on
every version they share; Binder builds from environment.yml and postBuild."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import nbformat
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
    for needed in ("jupyterlab", "nbgrader", "matplotlib", "pyarrow", "cryptography", "jupytext"):
        assert needed in names
    assert "nbgrader==0.9.6" in pip
    assert any(line.startswith("jupyterlab==4.") for line in pip)


def _pins(lock: str) -> dict[str, str]:
    return {line.split("==")[0].lower(): line for line in lock_lines(ROOT / lock) if "==" in line}


def test_learners_get_no_test_or_authoring_tools():
    learner = _pins("requirements.lock")
    for tool in ("pytest", "pytest-xdist", "ruff", "uv", "playwright", "jupyter-repo2docker"):
        assert tool not in learner, f"{tool} is for tests: move it to requirements-dev.in"


def test_dev_lock_is_the_learner_lock_plus_tools():
    learner, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    differ = [f"{learner[n]} vs {dev.get(n)}" for n in learner if dev.get(n) != learner[n]]
    assert not differ, "the locks disagree; run `make lock`: " + ", ".join(differ)
    for tool in ("pytest", "pytest-xdist", "ruff", "hypothesis", "playwright"):
        assert tool in dev
    assert "-r requirements.in" in (ROOT / "requirements-dev.in").read_text()
    assert "-c requirements.lock" in (ROOT / "requirements-dev.in").read_text()


def _imports(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:  # IPython magics: not imports
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_learner_lock_has_everything_learners_import():
    """What lectures, released exercises and the learner-facing package import is installed
    by `make lab` and on Binder (hidden tests run where the instructor grades)."""
    modules: set[str] = set()
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")) + sorted(
        (ROOT / "exercises").glob("*/*.ipynb")
    ):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                modules |= _imports(cell.source)
    support = [ROOT / "course" / "learner"] + [
        p
        for p in (ROOT / "course").iterdir()
        if p.is_dir() and p.name not in ("authoring", "grading")
    ]
    for folder in support:
        for path in folder.rglob("*.py"):
            modules |= _imports(path.read_text(encoding="utf-8"))
    learner = _pins("requirements.lock")
    dists = packages_distributions()
    missing = []
    for module in sorted(modules - set(sys.stdlib_module_names) - {"course", "__future__"}):
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not names & {n.replace("_", "-") for n in learner}:
            missing.append(f"{module} ({', '.join(sorted(names))})")
    assert not missing, "learners import these but requirements.in lacks them: " + ", ".join(
        missing
    )


def test_installed_versions_match_the_lock():
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for line in lock_lines(ROOT / "requirements-dev.lock"):
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
    plugins = re.search(r"for plugin in \((.*?)\)", text).group(1)
    assert "validate" not in plugins
    for instructor_only in ("formgrader", "create-assignment", "course-list", "assignment-list"):
        assert f'"{instructor_only}"' in plugins
    assert '"menu"' in plugins  # nbgrader's menu holds only instructor items
    assert '"nbgrader.server_extensions.validate_assignment"' not in text
    assert '"course.lab": True' in text
    assert "lab-config/" in text


def test_lab_settings_hide_twins_and_news():
    server = json.loads((ROOT / "lab-config/jupyter_server_config.json").read_text())
    assert "*.pct.py" in server["ContentsManager"]["hide_globs"]
    assert server["ContentsManager"]["pre_save_hook"] == "course.lab.strip_lecture_outputs"
    overrides = json.loads((ROOT / "lab-config/lab/overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"checkForUpdates": False, "fetchNews": "false"}


def test_learner_environment_has_validate_but_no_formgrader():
    labext = subprocess.run(
        [str(BIN / "jupyter"), "labextension", "list"], capture_output=True, text=True
    )
    listing = labext.stdout + labext.stderr
    disabled = listing.split("Disabled extensions:")[1] if "Disabled extensions:" in listing else ""
    assert "@jupyter/nbgrader:formgrader" in disabled
    assert "@jupyter/nbgrader:menu" in disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    server = subprocess.run(
        [str(BIN / "jupyter"), "server", "extension", "list"], capture_output=True, text=True
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", server.stdout + server.stderr)
    assert re.search(r"nbgrader.server_extensions.validate_assignment\s+enabled", text), text
    assert re.search(r"nbgrader.server_extensions.formgrader\s+disabled", text), text


def test_ci_installs_the_browser_and_runs_make_test():
    text = (ROOT / ".ci/run").read_text()
    assert "make test" in text
    assert re.search(r"apt-get install .*chromium", text)
