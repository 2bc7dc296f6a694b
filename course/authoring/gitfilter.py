"""Moved to :mod:`course.learner.gitfilter` (a learner feature: it ships in the learner edition).

This name stays so that a git config written by an older ``make lab``
(``python -m course.authoring.gitfilter``) keeps working.
"""

from __future__ import annotations

from course.learner.gitfilter import VOLATILE_CELL_METADATA, clean, clean_notebook, main

__all__ = ["VOLATILE_CELL_METADATA", "clean", "clean_notebook", "main"]

if __name__ == "__main__":
    raise SystemExit(main())
