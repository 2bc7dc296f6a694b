"""Resource: starts threads until the process limit refuses more, and keeps them all alive.

Threads count against the sandbox's process limit like processes do, and these never end: the
learner's process cannot start the thread that serves the grader's next call, reaping frees
nothing, and the judge replaces the process (``rpc.Starved``). Only the exercise that starts
the threads should lose points.
"""

CLASS = "resource"
HONEST = {"count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """import threading

_forever = threading.Event()


def mean_of_valid(values):
    started = 0
    try:
        for _ in range(10000):
            threading.Thread(target=_forever.wait, daemon=True).start()
            started += 1
    except RuntimeError:  # can't start new thread
        pass
    return float(-started)
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
