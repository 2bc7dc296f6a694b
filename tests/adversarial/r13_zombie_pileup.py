"""Resource: forks to the process limit and never reaps its children (zombies count too).

The learner's own process then cannot start the threads that serve the grader's calls. Only the
exercise that forks should lose points: usually that call times out and the judge starts a fresh
process; sometimes the next exercise's call is the one that fails (see XFAIL).
"""

CLASS = "resource"
HONEST = {"count-by-host", "bucket-start", "rolling-mean"}
XFAIL = (
    "judge side: the worker never reaps its children, and in rpc._dispatch a thread that cannot "
    "start (process limit) raises out of the reader, so the call after the fork bomb may fail too"
)
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
