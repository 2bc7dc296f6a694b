"""Resource: children that stay alive and keep forking hold the process limit for good.

Reaping exited children cannot help here: the learner's process cannot start a thread to serve
the grader's next call (``rpc.Starved``), so the judge replaces it with a fresh one before the
next cell. Only the exercise that forks should lose points.
"""

CLASS = "resource"
HONEST = {"count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """def mean_of_valid(values):
    import os
    import time

    children = 0
    try:
        for _ in range(100000):
            if os.fork() == 0:
                while True:  # hold a process slot, and grab every one that frees up
                    try:
                        os.fork()
                    except OSError:
                        time.sleep(0.05)
            children += 1
    except OSError:
        pass
    return float(-children)
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
