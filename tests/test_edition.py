"""The learner edition (``python -m course edition OUT``) holds nothing of the instructor's side,
and works on its own.

Built once from this repository: no solutions/, tests/, hidden data, mutants, grading or
authoring tools, no solution / hidden-test markers or lines in any file. And everything it needs
is in it: every ``course`` module its code and notebooks import, every file its ``postBuild``,
``Makefile`` and Lab settings name (a static check, :func:`edition_gaps`, which the build runs
too); its exercise notebooks run, unanswered and with the solutions' answers pasted in, in an
interpreter whose ``import course`` can only resolve inside the edition (tests/edition_run.py:
the shared venv's editable install of this repository once hid that the edition lacked
``course.grading.inside``); its ``postBuild`` sets up a scratch environment (never the user's
or the shared venv's) in which ``course`` is the edition's and the Lab extension loads; its git
filter stores notebooks without outputs; ``make help`` lists only what learners can run.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from course.authoring import edition as edition_module
from course.authoring.edition import (
    LEARNER_SIDE,
    MARKERS,
    build_edition,
    edition_files,
    edition_gaps,
    edition_problems,
    learner_readme,
)
from course.cli import main
from tests.conftest import ROOT

#: The venv's packages, read as a plain folder (its .pth files, among them the editable install
#: of this repository, are not processed).
SITE_PACKAGES = sysconfig.get_paths()["purelib"]
RUNNER = Path(__file__).with_name("edition_run.py")
#: Errors that mean a notebook is broken, not unanswered.
BROKEN = {"NameError", "ImportError", "ModuleNotFoundError", "SyntaxError", "FileNotFoundError"}


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("edition") / "learners"
    assert main(["--root", str(ROOT), "edition", str(out)]) == 0
    return out


def test_only_learner_material(edition: Path):
    top = sorted(p.name for p in edition.iterdir())
    assert "solutions" not in top and "tests" not in top and "docs" not in top
    assert "nbgrader_config.py" not in top and ".ci" not in top
    assert {"notebooks", "exercises", "course", "README.md", "LICENSE", "postBuild"} <= set(top)
    assert {"lab-config", ".gitattributes"} <= set(top)
    assert not (edition / "course" / "authoring").exists()
    grading = sorted(
        p.relative_to(edition).as_posix() for p in (edition / "course/grading").iterdir()
    )
    assert grading == sorted(LEARNER_SIDE)
    assert list(edition.rglob("mutants.py")) == []
    assert list(edition.rglob("hidden")) == []


def test_no_marker_secret_line_or_solutions_file_anywhere(edition: Path):
    assert edition_problems(edition, ROOT) == []
    instructor = {
        hashlib.sha256(p.read_bytes()).hexdigest(): p
        for top in ("solutions", "tests", "docs")
        for p in (ROOT / top).rglob("*")
        if p.is_file() and p.stat().st_size > 0 and p.name not in ("__init__.py", "jupytext.toml")
    }
    for path in edition.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "# %% mutant", "# %% alternative"):
                assert marker not in text, (path, marker)
            assert hashlib.sha256(path.read_bytes()).hexdigest() not in instructor, path


def test_the_check_finds_planted_material(edition: Path, tmp_path: Path):
    """The scan is not vacuous: a hidden test line or a marker planted in a copy is found."""
    source = json.loads((ROOT / "solutions/00-orientation/warmup.ipynb").read_text())
    hidden = next(
        "".join(c["source"]) for c in source["cells"] if "BEGIN HIDDEN" in "".join(c["source"])
    )
    line = next(
        ln.strip()
        for ln in hidden.splitlines()
        if len(ln.strip()) > 30 and "BEGIN" not in ln and "check(" in ln
    )
    planted = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(edition), str(planted)], check=True)
    lecture = planted / "notebooks" / "00-orientation" / "01-welcome.pct.py"
    lecture.write_text(lecture.read_text() + f"\n# {line}\n")
    (planted / "exercises" / "mutants.py").write_text(f"{MARKERS[0]}\n")
    problems = edition_problems(planted, ROOT)
    assert any("01-welcome.pct.py" in p and "hidden test" in p for p in problems), problems
    assert any("mutants.py" in p for p in problems), problems


def test_readme_keeps_learner_sections_only():
    text = learner_readme((ROOT / "README.md").read_text())
    assert "## For learners" in text
    assert "## For instructors" not in text and "## Authoring" not in text
    assert "python -m course edition" in text
    # `make test` and its tools are the authors': the edition says how to start instead
    assert "## Two commands" not in text and "## Getting started" in text
    assert "make test" not in text and "requirements-dev" not in text
    assert "make lab" in text


def test_readme_names_only_what_the_edition_has(edition: Path):
    """Every repository file or folder the learner README names, and every `make` target and
    `python -m course bench` module, is in the edition; how to start (`make lab`) is said."""
    text = (edition / "README.md").read_text()
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    tracked = {"/".join(Path(f).parts[:n]) for f in files for n in range(1, len(Path(f).parts) + 1)}
    named = set(re.findall(r"`([\w./-]+)`", text)) | set(re.findall(r"lab/tree/([\w./-]+)", text))
    checked = []
    for name in sorted(named):
        path = name.rstrip("/")
        if path in tracked:  # a file or folder of the course repository
            assert (edition / path).exists(), f"the edition's README names {name}, not in it"
            checked.append(name)
    assert {"notebooks/", "exercises/", "lab-config/", ".gitattributes", "postBuild"} <= set(
        checked
    ), checked
    helped = _make(edition, "-s", "help").stdout
    for target in set(re.findall(r"`make (\w+)", text)) - {"clean"}:
        assert f"make {target} " in helped, f"README says `make {target}`; make help: {helped}"
    for module in re.findall(r"python -m course bench (\w+)", text):
        assert (edition / "course" / module / "bench.py").is_file(), module
    assert "make lab" in text.split("## Getting started")[1].split("\n## ")[0]


def test_refuses_unsafe_targets(tmp_path: Path):
    with pytest.raises(ValueError, match="inside the course repository"):
        build_edition(ROOT, ROOT / "build" / "edition")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ValueError, match="not an empty folder"):
        build_edition(ROOT, tmp_path / "full")


def test_only_tracked_files(tmp_path: Path):
    files = edition_files(ROOT)
    assert all(not f.startswith(("solutions/", "tests/", "course/authoring/")) for f in files)
    assert [f for f in files if f.startswith("course/grading/")] == sorted(LEARNER_SIDE)
    assert "exercises/00-orientation/warmup.ipynb" in files


def _make(folder: Path, *args: str) -> subprocess.CompletedProcess:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder), "LC_ALL": "C"}
    return subprocess.run(
        ["make", *args], cwd=folder, capture_output=True, text=True, timeout=60, env=env
    )


def test_the_edition_holds_everything_it_needs(edition: Path):
    """Static: course imports of every .py file and notebook cell, postBuild, Makefile, Lab."""
    assert edition_gaps(edition) == []


def test_the_gap_check_finds_what_the_first_edition_lacked(edition: Path, tmp_path: Path):
    """Not vacuous: each of the first edition's gaps, planted in a copy, is found."""
    planted = tmp_path / "copy"
    shutil.copytree(edition, planted)
    (planted / "course/grading/inside.py").unlink()
    (planted / "lab-config/lab/overrides.json").unlink()
    makefile = planted / "Makefile"
    makefile.write_text(
        makefile.read_text()
        .replace("course.learner.gitfilter", "course.authoring.gitfilter")
        .replace("01-welcome.ipynb", "00-missing.ipynb")
    )
    lab = planted / "course/lab.py"
    lab.write_text(
        lab.read_text().replace("course.learner.gitfilter", "course.authoring.gitfilter")
    )
    settings = planted / "lab-config/jupyter_server_config.json"
    settings.write_text(settings.read_text().replace("strip_lecture_outputs", "no_such_hook"))
    lecture = planted / "notebooks/00-orientation/01-welcome.pct.py"
    lecture.write_text(lecture.read_text() + "\nfrom course.grading.judge import grade_notebook\n")
    (planted / "requirements-dev.lock").write_text("")  # so that only the planted gaps count
    gaps = "\n".join(edition_gaps(planted))
    for expected in (
        "exercises/04-concurrency/tasks.ipynb cell 2, line 17: imports course.grading.inside",
        "postBuild: reads lab-config/lab/overrides.json",
        "Makefile: runs python -m course.authoring.gitfilter",
        "Makefile: START names notebooks/00-orientation/00-missing.ipynb",
        "course/lab.py, line 31: imports course.authoring",
        "lab-config/jupyter_server_config.json: names course.lab.no_such_hook",
        "notebooks/00-orientation/01-welcome.pct.py, line",
    ):
        assert expected in gaps, f"{expected!r} not in:\n{gaps}"
    assert "course/cli.py" not in gaps  # the instructor's commands import their tools lazily


def test_the_build_refuses_an_edition_that_lacks_what_it_needs(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(edition_module, "LEARNER_SIDE", ())
    monkeypatch.setattr(edition_module, "edition_problems", lambda out, root=None: [])  # speed
    with pytest.raises(RuntimeError, match="not work on its own") as failed:
        build_edition(ROOT, tmp_path / "out")
    assert "tasks.ipynb cell 2, line 17: imports course.grading.inside" in str(failed.value)


def test_shipped_grading_modules_are_the_learners(edition: Path):
    """course.grading.inside reaches the judge only through sys.modules, imports nothing of the
    grader's, and without the judge simply calls."""
    for name in LEARNER_SIDE:
        tree = ast.parse((edition / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                modules.append(getattr(node, "module", None) or "")
                assert not any(m.startswith("course.grading") for m in modules), (name, modules)
    for name in ("course/grading/inside.py", "course/grading/observe.py"):
        _reaches_the_judge_only_through_sys_modules(edition / name)
    probe = (
        "from course.grading.inside import in_learner; import sys;"
        "from course.grading.observe import ThreadWatch;"
        "assert in_learner(lambda x, y=0: x + y, 1, y=2) == 3;"
        "assert ThreadWatch().left() == 0;"
        "assert 'course.grading.judge' not in sys.modules; print('ok')"
    )
    done = _isolated(edition, "-c", probe)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def _reaches_the_judge_only_through_sys_modules(path: Path) -> None:
    tree = ast.parse(path.read_text())
    named = [n for n in ast.walk(tree) if getattr(n, "value", None) == "course.grading.judge"]
    through_sys_modules = [
        n.args[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and ast.unparse(n.func) in ("sys.modules.get", "sys.modules.__getitem__")
        and n.args
        and getattr(n.args[0], "value", None) == "course.grading.judge"
    ]
    assert named and named == through_sys_modules, path


def _isolated(edition: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """This Python with ``import course`` resolving only inside ``edition`` (see edition_run)."""
    if args[0] == "-c":
        prelude = (
            f"import sys; sys.path[:0] = [{str(edition)!r}]; sys.path.append({SITE_PACKAGES!r});"
        )
        args = ("-c", prelude + args[1])
    return subprocess.run(
        [sys.executable, "-I", "-S", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=edition.parent,
        env={"PATH": "/usr/bin:/bin", "HOME": str(edition.parent), "MPLBACKEND": "Agg"},
    )


def _run_notebooks(edition: Path, *args: str) -> tuple[list[dict], dict]:
    done = _isolated(edition, str(RUNNER), str(edition), SITE_PACKAGES, *args, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    *cells, summary = [json.loads(line) for line in done.stdout.splitlines()]
    assert Path(summary["course"]).is_relative_to(edition), summary
    assert summary["outside_edition"] == [], summary
    return cells, summary


def test_notebooks_import_the_edition_and_run_their_first_cells(edition: Path):
    notebooks = sorted(
        str(p) for p in edition.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    assert len(notebooks) >= 4
    cells, _ = _run_notebooks(edition, "--first", *notebooks)
    assert len(cells) == len(notebooks)
    assert [c for c in cells if not c["ok"] or c["stderr"]] == []


def _solutions(exercise: Path, folder: Path) -> Path:
    """The solution notebook's answer cells, {grade_id: source}, as a JSON file in ``folder``."""
    source = ROOT / "solutions" / exercise.parent.name / exercise.name
    cells = json.loads(source.read_text())["cells"]
    answers = {
        c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
        for c in cells
        if c["metadata"].get("nbgrader", {}).get("solution")
    }
    path = folder / f"{exercise.parent.name}-{exercise.stem}.json"
    path.write_text(json.dumps(answers))
    return path


@pytest.mark.slow
def test_released_exercises_run_in_the_edition_alone(edition: Path, tmp_path: Path):
    """Every released exercise, in an interpreter that sees only the edition's ``course``:

    - unanswered (as a learner opens it): the first code cell (the setup) runs with nothing on
      stderr; answer cells and the other cells that are not tests (demos that call the
      learner's functions) run or raise NotImplementedError; no cell fails with a NameError or
      an import error (the first edition's module 4 showed only those);
    - with the solutions' answers pasted into the answer cells: every cell runs, nothing on
      stderr (a learner who answers right passes every public test in the edition).
    """
    exercises = sorted((edition / "exercises").rglob("*.ipynb"))
    assert len(exercises) >= 9
    started = time.monotonic()
    for exercise in exercises:
        cells, _ = _run_notebooks(edition, str(exercise))
        kinds = {c["kind"] for c in cells}
        assert {"setup", "answer", "test"} <= kinds, (exercise, kinds)
        assert cells[0]["kind"] == "setup" and cells[0]["ok"], (exercise, cells[0])
        for cell in cells:
            where = f"{exercise.relative_to(edition)} cell {cell['index']} ({cell['kind']})"
            assert not set(cell["chain"]) & BROKEN, (where, cell["error"])
            if cell["kind"] != "test":
                assert cell["ok"] or cell["not_implemented"], (where, cell["error"])
                assert not cell["stderr"] or not cell["ok"], (where, cell["stderr"])
        cells, _ = _run_notebooks(
            edition, "--solutions", str(_solutions(exercise, tmp_path)), str(exercise)
        )
        failed = [c for c in cells if not c["ok"] or c["stderr"]]
        assert failed == [], (exercise.relative_to(edition), failed)
        assert {c["kind"] for c in cells} == kinds
    print(f"{len(exercises)} exercises, twice each, in {time.monotonic() - started:.1f} s")


def _farm(tmp_path: Path) -> Path:
    """The venv's packages as symlinks, without the editable install of this repository."""
    farm = tmp_path / "packages"
    farm.mkdir()
    for entry in Path(SITE_PACKAGES).iterdir():
        if entry.name.startswith(("course-", "__editable__")) or entry.suffix == ".pth":
            continue
        (farm / entry.name).symlink_to(entry)
    return farm


@pytest.fixture(scope="module")
def learner_env(edition: Path, tmp_path_factory) -> dict:
    """A scratch environment in which the edition's postBuild ran (the user's and the shared
    venv's configuration untouched): a venv whose packages are the shared venv's without this
    repository, HOME and JUPYTER_* folders in tmp."""
    scratch = tmp_path_factory.mktemp("learner-env")
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(scratch / "env")], check=True
    )
    env_python = scratch / "env" / "bin" / "python"
    purelib = subprocess.run(
        [env_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "shared-packages.pth").write_text(f"{_farm(scratch)}\n")
    home = scratch / "home"
    home.mkdir()
    env = {
        "PATH": f"{env_python.parent}:/usr/bin:/bin",
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
        "PIP_NO_INDEX": "1",
        "PIP_NO_CACHE_DIR": "1",
        "LC_ALL": "C.UTF-8",
    }
    done = subprocess.run(
        ["bash", "postBuild"], cwd=edition, capture_output=True, text=True, timeout=300, env=env
    )
    return {
        "done": done,
        "prefix": scratch / "env",
        "python": env_python,
        "purelib": Path(purelib),
        "home": home,
        "env": env,
    }


@pytest.mark.slow
def test_postbuild_sets_up_the_learners_lab(edition: Path, learner_env: dict):
    done, prefix = learner_env["done"], learner_env["prefix"]
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    # everything went into the environment, nothing into HOME or the user's Jupyter folders
    assert sorted(p.name for p in learner_env["home"].iterdir()) == []
    page = json.loads((prefix / "etc/jupyter/labconfig/page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    server = json.loads((prefix / "etc/jupyter/jupyter_server_config.json").read_text())
    assert server == json.loads((edition / "lab-config/jupyter_server_config.json").read_text())
    overrides = prefix / "share/jupyter/lab/settings/overrides.json"
    assert overrides.read_bytes() == (edition / "lab-config/lab/overrides.json").read_bytes()
    # the course package installed is the edition's, with what the Lab settings name
    probe = subprocess.run(
        [
            learner_env["python"],
            "-I",
            "-c",
            "import course, course.lab, course.grading.inside, course.learner.gitfilter;"
            "print(course.__file__); print(course.lab.strip_lecture_outputs.__module__)",
        ],
        capture_output=True,
        text=True,
        cwd=learner_env["home"],
        env=learner_env["env"],
    )
    assert probe.returncode == 0, probe.stderr
    where, hook = probe.stdout.split()
    assert Path(where).is_relative_to(edition) and hook == "course.lab"
    # the server extension postBuild enables loads; nbgrader's instructor parts are off
    listing = subprocess.run(
        [
            learner_env["python"],
            "-I",
            "-c",
            "from jupyter_server.extension.serverextension import ServerExtensionApp;"
            "ServerExtensionApp.launch_instance(['list'])",
        ],
        capture_output=True,
        text=True,
        cwd=learner_env["home"],
        env=learner_env["env"],
        timeout=120,
    )
    out = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    assert "course.lab enabled" in out and "course.lab  OK" in out, out
    assert "nbgrader.server_extensions.formgrader disabled" in out, out
    assert sorted(p.name for p in learner_env["home"].iterdir()) == []


@pytest.mark.slow
def test_git_filter_stores_notebooks_without_outputs(
    edition: Path, learner_env: dict, tmp_path: Path
):
    """As a learner's clone: `make lab`'s git filter (set up by its git-filter step, run by the
    edition's .venv) stores an exercise run in JupyterLab without its outputs."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    assert learner_env["done"].returncode == 0
    clone = tmp_path / "clone"
    shutil.copytree(edition, clone)
    (clone / ".venv").symlink_to(learner_env["prefix"])
    env = {**learner_env["env"], "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=clone, check=True, env=env)
    made = subprocess.run(
        ["make", "git-filter"], cwd=clone, capture_output=True, text=True, env=env
    )
    assert made.returncode == 0, made.stderr
    exercise = clone / "exercises/00-orientation/warmup.ipynb"
    committed = exercise.read_text()
    nb = json.loads(committed)
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
    code["execution_count"] = 1
    exercise.write_text(json.dumps(nb, indent=1))
    subprocess.run(["git", "add", exercise], cwd=clone, check=True, env=env)
    stored = subprocess.run(
        ["git", "show", ":exercises/00-orientation/warmup.ipynb"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert stored == committed
    assert '"ran' in exercise.read_text()  # the file on disk keeps its outputs


def test_make_help_lists_only_what_learners_can_run(edition: Path):
    helped = _make(edition, "-s", "help")
    assert helped.returncode == 0, helped.stderr
    assert re.findall(r"^make (\w+)", helped.stdout, flags=re.M) == ["lab"]
    for target in ("test", "release", "sync", "lock", "check", "mutants", "lint"):
        refused = _make(edition, target)
        assert refused.returncode != 0
        assert "for the course's authors" in refused.stderr, (target, refused.stderr)
        assert not (edition / ".venv").exists()  # refused before installing anything
    # `make lab` would run (dry run): every file and module it names is in the edition
    dry = _make(edition, "-n", "-B", "lab", "PYTHON=python3.11")
    assert dry.returncode == 0, dry.stderr
    for name in re.findall(r"-r (\S+)|bash (\S+)|default_url=/lab/tree/(\S+)", dry.stdout):
        name = "".join(name)
        assert (edition / name).is_file(), name
    for module in re.findall(r"-m (course[\w.]*)", dry.stdout):
        assert (edition / (module.replace(".", "/") + ".py")).is_file(), module
    # the course repository's own help still lists the authors' targets
    assert "make release" in _make(ROOT, "-s", "help").stdout
