"""Run a notebook's code cells the way a learner's kernel would, in a learner-only interpreter.

Started by tests/test_edition.py as::

    python -I -S tests/edition_run.py EDITION SITE_PACKAGES [--solutions JSON] [--first] NB...

``-I -S``: no environment variables, no current folder, no user site and no ``.pth`` files, so the
editable install of the course repository (a ``.pth`` finder in the shared venv) is not there.
``sys.path`` is then the edition, the standard library and the venv's site-packages, read as a
plain folder: ``import course`` (and every ``course.*`` submodule) can only come from the
edition, and this script checks that it does before running anything.

Each notebook's code cells run in one IPython shell, from the notebook's folder, as in
JupyterLab (``--first``: only its first code cell). With ``--solutions`` (a JSON file of
``{grade_id: source}``), answer cells are replaced by those sources first. Prints one JSON line
per cell: notebook, index, grade_id, kind (``answer``, ``test`` or ``setup``), whether it ran,
the error, whether ``NotImplementedError`` is in its chain, and what went to stderr; then one
line with the file ``course`` was imported from.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("edition", type=Path)
parser.add_argument("site_packages")
parser.add_argument("--solutions", type=Path)
parser.add_argument("--first", action="store_true")
parser.add_argument("notebooks", nargs="+", type=Path)
args = parser.parse_args()
edition, site_packages = args.edition.resolve(), args.site_packages
solutions = json.loads(args.solutions.read_text()) if args.solutions else {}
sys.path[:] = [str(edition), *(p for p in sys.path if "site-packages" not in p), str(site_packages)]

import course  # noqa: E402

if not Path(course.__file__).resolve().is_relative_to(edition):
    raise SystemExit(f"course came from {course.__file__}, not from the edition {edition}")
if any("editable" in type(f).__name__.lower() + repr(f).lower() for f in sys.meta_path):
    raise SystemExit(f"an editable-install finder is active: {sys.meta_path}")

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

os.environ["MPLBACKEND"] = "Agg"
shell = InteractiveShell.instance()


def run(notebook: Path) -> None:
    """Run ``notebook``'s code cells (or its first) and print a JSON line for each."""
    os.chdir(notebook.parent)
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    for index, cell in code[:1] if args.first else code:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        kind = "answer" if meta.get("solution") else "test" if meta.get("grade") else "setup"
        source = "".join(cell["source"])
        if kind == "answer" and grade_id in solutions:
            source = solutions[grade_id]
        err, out = io.StringIO(), io.StringIO()
        with redirect_stderr(err), redirect_stdout(out):  # IPython shows tracebacks on stdout
            result = shell.run_cell(source)
        error = result.error_in_exec or result.error_before_exec
        chain, seen = [], error
        while seen is not None and len(chain) < 20:
            chain.append(type(seen).__name__)
            seen = seen.__cause__ or seen.__context__
        report = {
            "notebook": str(notebook),
            "index": index,
            "grade_id": grade_id,
            "kind": kind,
            "ok": result.success,
            "error": f"{type(error).__name__}: {error}"[:500] if error else "",
            "chain": chain,
            "not_implemented": "NotImplementedError" in chain,
            "stderr": err.getvalue()[-500:],
        }
        print(json.dumps(report), flush=True)


for notebook in args.notebooks:
    run(notebook.resolve())
leaked = sorted(
    name
    for name, module in sys.modules.items()
    if name.partition(".")[0] == "course"
    and getattr(module, "__file__", None)
    and not Path(module.__file__).resolve().is_relative_to(edition)
)
print(json.dumps({"course": course.__file__, "outside_edition": leaked}), flush=True)
