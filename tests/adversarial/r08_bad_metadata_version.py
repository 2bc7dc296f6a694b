"""Class stopper: nbgrader metadata with an old schema version (and a missing one)."""

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {name: "{solution}" for name in HONEST}


def tamper(nb):
    for number, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if meta is not None:
            if number % 2:
                meta["schema_version"] = 1
            else:
                meta.pop("schema_version", None)
