"""Resource: a 40 MB output line in the learner's own cell and during every test call."""

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """{solution}

print("x" * 40_000_000)
""",
    "count-by-host": """{solution}

_count = count_by_host


def count_by_host(records):
    import sys

    sys.stdout.write("y" * 4_000_000)
    sys.stderr.write("z" * 4_000_000)
    return _count(records)
""",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
