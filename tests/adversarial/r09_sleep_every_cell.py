"""Class stopper: a legal sleep in every answer cell (the class runs in parallel, bounded)."""

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {name: "import time\n\ntime.sleep(1.5)\n\n{solution}" for name in HONEST}
