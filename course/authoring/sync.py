"""Keep each notebook and its jupytext ``.pct.py`` script in step, without outputs.

The ``.pct.py`` scripts (py:percent) are what reviewers read in diffs; the ``.ipynb`` files are
what learners and nbgrader open. ``python -m course sync`` pairs each with the newer of the two
(jupytext's ``--sync``), then clears outputs so notebooks are committed clean.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat

__all__ = ["sync_notebooks", "clear_outputs", "PAIRED_FOLDERS"]

PAIRED_FOLDERS = ("notebooks", "solutions")
FORMATS = "ipynb,.pct.py:percent"


def clear_outputs(path: Path) -> bool:
    """Remove outputs and execution counts from a notebook; True if it changed."""
    nb = nbformat.read(str(path), as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs, cell.execution_count, changed = [], None, True
    if changed:
        nbformat.write(nb, str(path))
    return changed


def _pair(script: Path) -> None:
    notebook = script.with_name(script.name[: -len(".pct.py")] + ".ipynb")
    text_nb = jupytext.read(script)
    if notebook.exists() and notebook.stat().st_mtime > script.stat().st_mtime:
        source = nbformat.read(str(notebook), as_version=4)
    else:
        source = text_nb
        if notebook.exists():  # keep the notebook-level metadata the script does not carry
            old = nbformat.read(str(notebook), as_version=4)
            source.metadata = {**old.metadata, **source.metadata}
    source.metadata.pop("jupytext", None)
    source.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    source.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(source.cells):  # stable ids keep diffs and releases quiet
        cell["id"] = f"cell-{index:03d}"
    jupytext.write(source, notebook, fmt="ipynb")
    jupytext.write(source, script, fmt=".pct.py:percent")


def _sync_one(script: Path) -> Path:
    """Pair one script with its notebook, clear the notebook's outputs; return the notebook."""
    _pair(script)
    notebook = script.with_name(script.name.removesuffix(".pct.py") + ".ipynb")
    clear_outputs(notebook)
    return notebook


def sync_notebooks(root: Path, only: list[Path] | None = None) -> list[Path]:
    """Pair every notebook/script in ``notebooks/`` and ``solutions/`` (or just ``only``, given
    as notebook or script paths); return the notebooks."""
    if only:
        scripts = []
        for path in only:
            path = Path(path).resolve()
            name = path.name.removesuffix(".ipynb").removesuffix(".pct.py")
            script = path.with_name(name + ".pct.py")
            if not script.exists():
                raise FileNotFoundError(f"no script {script} to pair; write it first")
            scripts.append(script)
        return [_sync_one(script) for script in scripts]
    done = []
    for folder in PAIRED_FOLDERS:
        scripts = {p for p in (root / folder).rglob("*.pct.py")}
        for notebook in (root / folder).rglob("*.ipynb"):
            if ".ipynb_checkpoints" in notebook.parts:
                continue
            script = notebook.with_suffix(".pct.py")
            if script not in scripts:
                jupytext.write(
                    nbformat.read(str(notebook), as_version=4), script, fmt=".pct.py:percent"
                )
                scripts.add(script)
        done += [_sync_one(script) for script in sorted(scripts)]
    return done
