"""Malformed: the notebook is handed in under another name (reported, nothing lost)."""

CLASS = "resource"
HONEST = set()
ANSWERS = {name: "{solution}" for name in ("mean-of-valid", "count-by-host")}
FILENAME = "warmup (1).ipynb"
