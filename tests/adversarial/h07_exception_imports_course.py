"""Harm: answers raise exceptions whose classes claim modules the judge would import.

The judge rebuilds a learner exception from the class names of its MRO. It used to import every
``course.*`` module named there: bucket_start's ValueError subclass claims ``course.__main__``,
so the judge (root) imported it and ran ``python -m course`` with its own arguments, whose
SystemExit then escaped ``check_raises`` and failed the honest exercise. Names are now keys into
fixed tables: nothing is imported, and the exception arrives as its nearest known base (so
bucket_start's error still passes ``check_raises(..., ValueError)``).
"""

CLASS = "harm"
HONEST = {"bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """class Boom(Exception):
    pass


Boom.__module__ = "course.cli"
Boom.__qualname__ = "main"


def mean_of_valid(values):
    raise Boom("nested grading run, please")
""",
    "count-by-host": """class Shell(RuntimeError):
    pass


Shell.__module__ = "os"
Shell.__qualname__ = "system"


def count_by_host(records):
    raise Shell("id > /tmp/pwned")
""",
    "bucket-start": """class BadWidth(ValueError):
    pass


BadWidth.__module__ = "course.__main__"
BadWidth.__qualname__ = "main"


def bucket_start(ts_ns, width_ns):
    if width_ns <= 0:
        raise BadWidth(f"width_ns must be positive, got {width_ns}")
    return ts_ns - ts_ns % width_ns
""",
    "rolling-mean": """{solution}

class NoSuch(ValueError):
    pass


NoSuch.__module__ = "course.grading.no_such_module"
_real_rolling_mean = rolling_mean


def rolling_mean(values, window):
    if window < 1:
        raise NoSuch(f"window must be at least 1, got {window}")
    return _real_rolling_mean(values, window)
""",
}
