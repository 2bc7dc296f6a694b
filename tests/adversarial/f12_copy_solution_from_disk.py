"""Forged score: the answer finds the instructor's solution notebook on disk and runs it."""

CLASS = "forged"
HONEST = set()
ANSWERS = {
    "mean-of-valid": """import json
import os

_found = None
for _base in ["/", os.getcwd(), os.path.expanduser("~"), "/work", "/tmp", "/home", "/root"]:
    for _dir, _subdirs, _files in os.walk(_base):
        if _dir.count(os.sep) > 8:
            _subdirs[:] = []
        if "warmup.ipynb" in _files and "solutions" in _dir:
            _found = os.path.join(_dir, "warmup.ipynb")
            break
    if _found:
        break
if _found:
    for _cell in json.load(open(_found))["cells"]:
        if _cell["metadata"].get("nbgrader", {}).get("solution"):
            exec("".join(_cell["source"]))
print("found the solution:", _found)
""",
}
