"""Resource: forks to the process limit and never reaps its children (zombies count too).

The learner's own process then cannot start the threads that serve the grader's calls. The
worker reaps its exited children when that happens (and only then, so learner code that waits
for its own children keeps their statuses) and serves the call; only the exercise that forks
loses points.
"""

CLASS = "resource"
HONEST = {"count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """def mean_of_valid(values):
    import os

    children = 0
    try:
        for _ in range(100000):
            if os.fork() == 0:
                os._exit(0)
            children += 1
    except OSError:
        pass
    return float(-children)
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
