"""The learner edition: the repository learners and Binder get, with nothing of the instructor's.

``python -m course edition OUT`` copies, from the files git tracks in the course repository:

- ``notebooks/`` (lectures) and ``exercises/`` (the released assignments);
- the ``course`` package **without** ``course/authoring`` (tools that read ``solutions/``) and
  the grader in ``course/grading``, of which only :data:`LEARNER_SIDE` ships:
  ``course.grading.inside.in_learner`` and ``course.grading.observe.ThreadWatch``, which module
  4's released tests import (they reach the judge only through ``sys.modules``, so under plain
  nbgrader or in JupyterLab they observe the learner's own kernel);
- the learner environment and project files: ``requirements.in``, ``requirements.lock``,
  ``environment.yml``, ``postBuild`` and the Lab settings it installs (``lab-config/``),
  ``pyproject.toml``, ``Makefile`` (whose help then lists ``make lab`` only), ``.gitignore``,
  ``.gitattributes`` (the notebook-output git filter, ``course.learner.gitfilter``), the
  licences, and ``README.md`` without its instructor and author sections.

Never ``solutions/`` (solutions, hidden tests, hidden data, mutants), ``tests/``, ``docs/`` (the
authoring guide), ``.ci/``, ``nbgrader_config.py`` or anything git does not track (``.venv``,
``gradebook.db``, ``submitted/``, ...). :func:`edition_problems` then scans every file of the
edition for solution and hidden-test markers, mutant headers, lines of the solutions' answer and
hidden-test regions, and instructor-only paths; :func:`edition_gaps` checks that the edition
works on its own (every ``course`` module its code and notebooks import, every file its
``postBuild``, ``Makefile`` and Lab settings name, is in it). The build fails if either finds
anything.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path

from course.authoring.notebook_model import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    SOLUTION_BEGIN,
    SOLUTION_END,
    read,
    region_lines,
)

__all__ = ["build_edition", "edition_files", "edition_gaps", "edition_problems", "learner_readme"]

#: Top-level entries of the repository that go to learners (files git tracks under them).
INCLUDE = (
    "notebooks",
    "exercises",
    "course",
    "requirements.in",
    "requirements.lock",
    "environment.yml",
    "postBuild",
    "pyproject.toml",
    "Makefile",
    "lab-config",
    ".gitignore",
    ".gitattributes",
    "LICENSE",
    "LICENSE-CONTENT",
)
#: Parts of those entries that stay with the instructor.
EXCLUDE_PREFIXES = ("course/authoring/", "course/grading/")
#: ... except these, which released notebooks import and which hold nothing of the instructor's.
LEARNER_SIDE = (
    "course/grading/__init__.py",
    "course/grading/inside.py",
    "course/grading/observe.py",
)
#: README sections (level-2 headings, by how they start) that are for instructors or authors.
INSTRUCTOR_SECTIONS = (
    "For instructors",
    "Authoring",
    "What the tests prove",
    "Repository layout",
    "Grading",
)
#: The README section on ``make lab`` and ``make test``, replaced by :data:`LEARNER_START`.
AUTHORS_START = "Two commands"
LEARNER_START = """## Getting started

On Binder (the badge above) there is nothing to install. On your machine you need Python 3.11
and `make`:

```bash
make lab    # creates .venv, installs the course's set, opens JupyterLab on the welcome notebook
```

`make lab` installs the pinned set in `requirements.lock` (JupyterLab, nbgrader for Validate,
jupytext, pyarrow, DataFusion, pandas, matplotlib, numpy, cryptography, noiseprotocol, ...) into
`.venv`, and sets up JupyterLab for the course (`postBuild`, `lab-config/`) inside `.venv` only.
Later runs skip the install unless `requirements.lock`, `pyproject.toml`, `postBuild` or
`lab-config/` changed. If `python3` is not 3.11, point make at one:
`make lab PYTHON=/usr/bin/python3.11`. `make clean` removes `.venv`.
"""
#: Text no learner file may hold (markers of solutions, hidden tests and mutants).
MARKERS = (
    SOLUTION_BEGIN,
    SOLUTION_END,
    HIDDEN_BEGIN,
    HIDDEN_END,
    "# %% mutant ",
    "# %% alternative ",
)
FORBIDDEN_PARTS = {"solutions", "tests", "hidden", "submitted", "autograded", "feedback", "source"}
FORBIDDEN_NAMES = {"mutants.py", "nbgrader_config.py", "gradebook.db", "conftest.py"}


def edition_files(root: Path) -> list[str]:
    """Repository-relative paths of the files that go into the edition (git-tracked only)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", *INCLUDE],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(
            f"cannot list the files git tracks in {root} ({exc}); the edition is built from a "
            "git checkout of the course so that nothing untracked (gradebook, submissions, "
            ".venv) can slip in"
        ) from None
    files = []
    for name in filter(None, listed.split("\0")):
        parts = Path(name).parts
        if (name.startswith(EXCLUDE_PREFIXES) and name not in LEARNER_SIDE) or (
            "__pycache__" in parts
        ):
            continue
        if (root / name).is_file():
            files.append(name)
    return sorted(files)


def learner_readme(text: str) -> str:
    """The README without its instructor and author sections, and a note on what this is.

    Its "Two commands" section (``make test`` and its tools are the authors') becomes
    :data:`LEARNER_START`: how to start with ``make lab``.
    """
    out, keep = [], True
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            keep = not heading.startswith(INSTRUCTOR_SECTIONS + (AUTHORS_START,))
            if heading.startswith(AUTHORS_START):
                out.extend([*LEARNER_START.splitlines(), ""])
        if keep:
            out.append(line)
    note = (
        "\n## This edition\n\n"
        "This is the learner edition of the course, built with `python -m course edition`: "
        "lectures (`notebooks/`), the assignments to do (`exercises/`), the `course` package, "
        "the environment (`requirements.lock`, `environment.yml`, `postBuild` and the JupyterLab "
        "settings in `lab-config/`) and the git filter that keeps notebook outputs out of git "
        "(`.gitattributes`). Solutions, hidden tests, the tests of the course itself and the "
        "authoring and grading tools stay with the instructors (of `course.grading`, only "
        "`in_learner`, which module 4's tests call, is here). `make lab` opens the course.\n"
    )
    return "\n".join(out).rstrip() + "\n" + note


def _secret_lines(root: Path) -> list[str]:
    """Lines of the solutions' answer and hidden-test regions that appear in no learner file."""
    lines: set[str] = set()
    for nb_path in sorted((root / "solutions").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb_path.parts:
            continue
        nb = read(nb_path)
        lines.update(region_lines(nb, HIDDEN_BEGIN, HIDDEN_END, min_length=24))
        lines.update(region_lines(nb, SOLUTION_BEGIN, SOLUTION_END, min_length=24))
    for mutants in sorted((root / "solutions").rglob("mutants.py")):
        for line in mutants.read_text(encoding="utf-8").splitlines():
            if len(line.strip()) >= 24 and not line.lstrip().startswith(("#", '"""')):
                lines.add(" ".join(line.split()))
    return sorted(lines)


def _public_text(root: Path) -> str:
    """Everything learners see anyway: a secret line that also appears here is not a secret."""
    chunks = []
    for folder in ("exercises", "notebooks", "course"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in (".ipynb", ".py", ".toml", ".md"):
                rel = path.relative_to(root).as_posix()
                if not rel.startswith(EXCLUDE_PREFIXES) or rel in LEARNER_SIDE:
                    if path.suffix == ".ipynb":  # the cells' text, not JSON with its escapes
                        chunks.extend(cell.source for cell in read(path).cells)
                    else:
                        chunks.append(path.read_text(encoding="utf-8", errors="replace"))
    return " ".join(" ".join(chunk.split()) for chunk in chunks)


def edition_problems(out: Path, root: Path | None = None) -> list[str]:
    """What of the instructor's side is in the edition at ``out`` (empty list: nothing).

    With ``root`` (the instructor's repository), also every line of a solution, hidden test or
    mutant that learners do not see anyway (in the release or the lectures).
    """
    problems = []
    secrets: list[str] = []
    if root is not None:
        public = _public_text(root)
        secrets = [line for line in _secret_lines(root) if line not in public]
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if set(rel.parts) & FORBIDDEN_PARTS:
            problems.append(f"{rel}: an instructor-only folder")
            continue
        if path.name in FORBIDDEN_NAMES:
            problems.append(f"{rel}: an instructor-only file")
        if rel.as_posix().startswith(("course/authoring", "course/grading")) and not (
            rel.as_posix() in LEARNER_SIDE or rel.as_posix() == "course/grading"
        ):
            problems.append(f"{rel}: instructor tooling")
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for marker in MARKERS:
            if marker in text:
                problems.append(f"{rel}: holds {marker.strip()!r}")
        if secrets:
            folded = " ".join(text.split())
            # notebooks store sources as JSON strings: fold their escapes too
            folded += " " + " ".join(text.replace("\\n", "\n").replace('\\"', '"').split())
            for line in secrets:
                if line in folded:
                    problems.append(f"{rel}: holds a line of a solution or hidden test: {line!r}")
                    break
    return problems


#: Files whose imports inside functions may name the instructor's tools: ``course.cli``'s
#: instructor commands (check, mutants, release, sync, lock, grade, edition).
INSTRUCTOR_COMMANDS = ("course/cli.py",)
_COURSE_NAME = re.compile(r"course(?:\.\w+)*")


def _module_file(out: Path, dotted: str) -> Path | None:
    """The file of module ``dotted`` (``course...``) in the edition at ``out``, or None."""
    base = out.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _top_level_names(path: Path) -> set[str] | None:
    """Names a module defines or imports at its top level (None: it may define any name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "__getattr__":
            return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.If | ast.Try):
            return None  # conditional definitions: do not guess
    return names


def _resolves(out: Path, dotted: str) -> bool:
    """True if ``dotted`` is a module of the edition, or a name defined by one."""
    if _module_file(out, dotted):
        return True
    module, _, name = dotted.rpartition(".")
    path = _module_file(out, module) if module else None
    if path is None:
        return False
    names = _top_level_names(path)
    return names is None or name in names


def _imports(tree: ast.AST, package: str) -> list[tuple[int, str, bool]]:
    """``(line, dotted name, inside a function)`` of each ``course`` import in ``tree``.

    ``from course.x import y`` gives ``course.x.y`` (a submodule or a name of ``course.x``).
    """
    found: list[tuple[int, str, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((child.lineno, a.name, nested) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                module = child.module or ""
                if child.level:
                    parts = package.split(".")
                    base = parts[: len(parts) - child.level + 1]
                    module = ".".join([*base, module] if module else base)
                found.append((child.lineno, module, nested))
                found.extend(
                    (child.lineno, f"{module}.{a.name}", nested)
                    for a in child.names
                    if a.name != "*"
                )
            visit(child, inner)

    visit(tree, False)
    return [(line, name, nested) for line, name, nested in found if _COURSE_NAME.fullmatch(name)]


def _code_sources(out: Path) -> list[tuple[str, str, str]]:
    """``(where, source, package)`` of every .py file and notebook code cell in the edition."""
    sources = []
    for path in sorted(out.rglob("*.py")):
        rel = path.relative_to(out)
        package = ".".join(rel.parts[:-1]) if rel.parts[0] == "course" else ""
        if rel.name == "__init__.py":
            package = ".".join(rel.parts[:-1])
        sources.append((rel.as_posix(), path.read_text(encoding="utf-8"), package))
    for path in sorted(out.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        rel = path.relative_to(out).as_posix()
        for number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], 1):
            if cell.get("cell_type") == "code":
                source = "".join(cell.get("source", ""))
                # IPython magics and shell escapes are not Python
                lines = [
                    "" if line.lstrip().startswith(("%", "!")) else line
                    for line in source.splitlines()
                ]
                sources.append((f"{rel} cell {number}", "\n".join(lines), ""))
    return sources


def _named_in_settings(value: object) -> list[str]:
    """Every string in a JSON value (Lab settings name modules and hooks by dotted name)."""
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [key, *_named_in_settings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in _named_in_settings(item)]
    return [value] if isinstance(value, str) else []


def _makefile_gaps(out: Path) -> list[str]:
    """Files the Makefile's rules need and modules it runs that are not in the edition.

    A prerequisite that is missing is fine when the Makefile has a rule for it (``.PHONY``
    targets, and ``requirements-dev.lock``, whose rule says the authors' targets are not here).
    """
    path = out / "Makefile"
    if not path.is_file():
        return ["Makefile: missing (the README's `make lab` needs it)"]
    text = path.read_text(encoding="utf-8")
    rules = re.findall(r"^([^\s#:=][^:=]*?):(?![=:])(.*)$", text, flags=re.M)
    targets = {name for left, _ in rules for name in left.split()}
    gaps = []
    for left, right in rules:
        # $(wildcard ...) and variables name what may be missing or is built
        for prerequisite in re.sub(r"\$\([^)]*\)", " ", right.split("#")[0]).split():
            if prerequisite == "|" or prerequisite in targets:
                continue
            if not (out / prerequisite).exists():
                gaps.append(f"Makefile: {left.strip()} needs {prerequisite}, not in the edition")
    for variable, value in re.findall(r"^(\w+)\s*:?=\s*(\S+/\S+)\s*$", text, flags=re.M):
        if not value.startswith(("$", "/", ".venv")) and not (out / value).exists():
            gaps.append(f"Makefile: {variable} names {value}, not in the edition")
    for module in re.findall(r"-m (course[\w.]*)", text):
        if not _module_file(out, module):
            gaps.append(f"Makefile: runs python -m {module}, not in the edition")
    return gaps


def _postbuild_gaps(out: Path) -> list[str]:
    """Repository files ``postBuild`` reads and ``course`` modules it enables, if missing."""
    path = out / "postBuild"
    if not path.is_file():
        return ["postBuild: missing (Binder and `make lab` run it)"]
    text = path.read_text(encoding="utf-8")
    gaps = []
    for match in re.finditer(r'"([^"\s$]+)"', text):
        value = match.group(1)
        joined = text[: match.start()].rstrip().endswith("/")  # prefix / "etc/...": not ours
        if _COURSE_NAME.fullmatch(value) and "." in value:
            if not _resolves(out, value):
                gaps.append(f"postBuild: names {value}, not in the edition")
        elif not joined and re.fullmatch(r"[\w.-]+(/[\w.-]+)+", value):
            if not (out / value).exists():
                gaps.append(f"postBuild: reads {value}, not in the edition")
    if re.search(r"pip install[^\n]*-e \.", text) and not (out / "pyproject.toml").is_file():
        gaps.append("postBuild: installs the folder (-e .) but there is no pyproject.toml")
    return gaps


def edition_gaps(out: Path) -> list[str]:
    """What the edition at ``out`` needs but does not hold (empty list: it works on its own).

    - every ``course`` module (or name of one) that a .py file or a notebook code cell imports;
    - every file the Makefile's rules need and every ``python -m course...`` it runs;
    - every repository file ``postBuild`` reads and ``course`` module it enables;
    - every ``course`` module or function the Lab settings (``lab-config/``) name.

    Imports inside functions of :data:`INSTRUCTOR_COMMANDS` are the instructor's commands and
    are not checked.
    """
    out = Path(out)
    gaps = []
    for where, source, package in _code_sources(out):
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            gaps.append(f"{where}: not valid Python ({exc.msg}, line {exc.lineno})")
            continue
        file = where.split(" cell ")[0]
        missing: set[str] = set()
        for line, name, nested in _imports(tree, package):
            if nested and file in INSTRUCTOR_COMMANDS:
                continue
            if name.rpartition(".")[0] in missing:  # its module is reported already
                continue
            if not _resolves(out, name):
                missing.add(name)
                gaps.append(f"{where}, line {line}: imports {name}, not in the edition")
    gaps.extend(_makefile_gaps(out))
    gaps.extend(_postbuild_gaps(out))
    for path in sorted((out / "lab-config").rglob("*.json")):
        rel = path.relative_to(out).as_posix()
        for value in _named_in_settings(json.loads(path.read_text(encoding="utf-8"))):
            if _COURSE_NAME.fullmatch(value) and "." in value and not _resolves(out, value):
                gaps.append(f"{rel}: names {value}, not in the edition")
    return gaps


def build_edition(root: Path, out: Path) -> list[str]:
    """Write the learner edition of ``root`` to ``out`` (new or empty); return its files.

    Raises ``ValueError`` if ``out`` is not empty or lies inside the repository, and
    ``RuntimeError`` (listing them) if instructor material would be in it or if it would need
    something it does not hold (:func:`edition_gaps`).
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    if out == root or out.is_relative_to(root):
        raise ValueError(
            f"{out} is inside the course repository; build the edition somewhere else, "
            "for example ../course-learners"
        )
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} exists and is not an empty folder; pick a new folder")
    files = edition_files(root)
    out.mkdir(parents=True, exist_ok=True)
    for name in files:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    readme = root / "README.md"
    if readme.is_file():
        (out / "README.md").write_text(learner_readme(readme.read_text(encoding="utf-8")))
        files.append("README.md")
    problems = edition_problems(out, root)
    if problems:
        raise RuntimeError(
            "the learner edition would hold instructor material; nothing is safe to publish:\n  "
            + "\n  ".join(problems)
        )
    gaps = edition_gaps(out)
    if gaps:
        raise RuntimeError(
            "the learner edition would not work on its own (add what it needs to INCLUDE or "
            "LEARNER_SIDE in course/authoring/edition.py, or stop needing it):\n  "
            + "\n  ".join(gaps)
        )
    return sorted(files)
