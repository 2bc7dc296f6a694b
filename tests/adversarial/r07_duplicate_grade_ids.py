"""Class stopper: an answer cell duplicated, so two cells share one grade id."""

import copy

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {name: "{solution}" for name in HONEST}


def tamper(nb):
    for index, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "count-by-host":
            nb.cells.insert(index + 1, copy.deepcopy(cell))
            break
