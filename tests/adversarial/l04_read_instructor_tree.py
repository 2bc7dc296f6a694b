"""Leak: read the instructor's tree (solutions, hidden data, source/, gradebook) and print it."""

CLASS = "leak"
HONEST = {"mean-of-valid"}
ANSWERS = {
    "mean-of-valid": """{solution}

import os

_found = []
for _dir, _subdirs, _files in os.walk("/"):
    _subdirs[:] = [d for d in _subdirs if d not in ("proc", "sys", "dev", "usr")]
    for _name in _files:
        _path = os.path.join(_dir, _name)
        _instructor = "solutions" in _path or "source" in _path
        if _name in ("nbgrader_config.py", "mutants.py", "gradebook.db") or (
            _name.endswith((".ipynb", ".pct.py", ".json")) and _instructor
        ):
            if True:
                try:
                    _found.append(_path + "\\n" + open(_path, errors="replace").read())
                except OSError:
                    pass
print("\\n".join(_found)[:200000])
""",
}
