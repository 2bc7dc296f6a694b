"""Resource: threads of the learner's process flood the grader with bogus requests.

When a test calls ``mean_of_valid``, four threads send the judge requests it refuses, as fast as
they are answered, until the channel closes. Without a limit the judge answered 214,400 of them
in one cell (its CPU, spent for the learner); it now serves at most ``Worker.REQUEST_BUDGET``
unasked messages per learner process, then closes the channel, records why, and the next test
gets a fresh process. Only the exercise whose function floods should lose points.
"""

CLASS = "resource"
HONEST = {"count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """import gc
import threading

from course.grading.rpc import Endpoint


def _flood(endpoint, counts):
    while True:
        try:
            endpoint.request("bogus", (), 5)
        except PermissionError:
            counts.append(1)
        except Exception:  # the channel closed
            return


def mean_of_valid(values):
    endpoint = next(o for o in gc.get_objects() if isinstance(o, Endpoint))
    counts = []
    threads = [threading.Thread(target=_flood, args=(endpoint, counts)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return float(len(counts))
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
