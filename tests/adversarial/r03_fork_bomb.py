"""Resource: a fork bomb in an answer (the process limit stops it; only that exercise loses)."""

CLASS = "resource"
HONEST = {"count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """def mean_of_valid(values):
    import os

    children = []
    try:
        for _ in range(100000):
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            children.append(pid)
    except OSError:
        pass  # the process limit: fork() fails
    for pid in children:
        os.waitpid(pid, 0)
    return float(-len(children))
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
