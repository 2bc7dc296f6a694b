"""Git "clean" filter for notebooks: what git stores has no outputs, whatever is on disk.

Learners run lectures and exercises in JupyterLab, which saves outputs, execution counts and the
kernel's full ``language_info`` into the notebook; without this filter every opened notebook
shows as modified. ``.gitattributes`` names the filter for ``*.ipynb``; ``make lab`` tells git
how to run it (``git config filter.notebook-outputs.clean ...``). The file on disk keeps its
outputs; ``git status`` and ``git diff`` show only changes to cells' sources (a learner's
answers). It uses only the standard library, and passes through anything it cannot read.

    python -m course.learner.gitfilter < notebook.ipynb > stored.ipynb
"""

from __future__ import annotations

import json
import sys

__all__ = ["clean", "clean_notebook", "main"]

#: Cell metadata that JupyterLab writes while a learner works (not part of the course).
VOLATILE_CELL_METADATA = ("execution", "scrolled", "collapsed")


def clean_notebook(nb: dict) -> bool:
    """Remove outputs, execution counts and run-time metadata from ``nb`` (a notebook as a
    dict) in place. True if anything was removed."""
    changed = False
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                cell["outputs"] = []
                changed = True
            if cell.get("execution_count") is not None:
                cell["execution_count"] = None
                changed = True
        metadata = cell.get("metadata", {})
        for key in VOLATILE_CELL_METADATA:
            if key in metadata:
                del metadata[key]
                changed = True
        jupyter = metadata.get("jupyter")
        if isinstance(jupyter, dict) and (
            "outputs_hidden" in jupyter or "source_hidden" in jupyter
        ):
            jupyter.pop("outputs_hidden", None)
            jupyter.pop("source_hidden", None)
            if not jupyter:
                del metadata["jupyter"]
            changed = True
    info = nb.get("metadata", {}).get("language_info")
    if isinstance(info, dict) and set(info) - {"name"}:
        nb["metadata"]["language_info"] = {"name": info.get("name", "python")}
        changed = True
    return changed


def clean(text: str) -> str:
    """The notebook ``text`` without outputs, execution counts or run-time metadata.

    A notebook committed clean comes back byte for byte; text that is not a notebook comes back
    unchanged.
    """
    try:
        nb = json.loads(text)
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError):
        return text
    if not isinstance(cells, list) or not isinstance(nb.get("metadata", {}), dict):
        return text
    if not all(isinstance(cell, dict) for cell in cells):
        return text
    if not clean_notebook(nb):
        return text
    # The layout nbformat (and so JupyterLab and `make sync`) writes.
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    """Filter stdin to stdout (bytes in UTF-8)."""
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        sys.stdout.buffer.write(data)
        return 0
    sys.stdout.buffer.write(clean(text).encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
