"""Class stopper: every test cell deleted and the answer cells reordered."""

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {name: "{solution}" for name in HONEST}


def tamper(nb):
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    rest = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("solution")]
    nb.cells = rest[:2] + answers[::-1] + rest[2:]
