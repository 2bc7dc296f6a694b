"""Class stopper: a test cell copied (with its metadata) further down, as learners do innocently."""

import copy

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {name: "{solution}" for name in HONEST}


def tamper(nb):
    public = next(
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "mean-of-valid-public"
    )
    nb.cells.insert(len(nb.cells) - 1, copy.deepcopy(public))
