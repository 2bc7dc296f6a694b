"""Forged score: the notebook file's grade metadata is edited (points, grade flags, grade ids)."""

CLASS = "forged"
HONEST = {"count-by-host"}
ANSWERS = {"mean-of-valid": "{wrong}", "count-by-host": "{solution}"}


def tamper(nb):
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 100  # more points for tests that pass
        if meta.get("grade_id") == "mean-of-valid-hidden":
            meta["grade"] = False  # the failing hidden test no longer counts
            meta["solution"] = True
        if meta.get("grade_id") == "bucket-start-public":
            meta["grade_id"] = "renamed-public"
        meta.pop("checksum", None)
