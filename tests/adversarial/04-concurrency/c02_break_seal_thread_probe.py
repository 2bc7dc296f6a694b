"""Forged score: the worker's sealed helpers are found with gc and replaced, and the seal is
turned off; run_counted then reports no thread left. The judge counts the threads itself."""

CLASS = "forged"
HONEST = {"mutex"}
ANSWERS = {
    "pipeline": """{solution}


_leak = threading.Event()
_real_pipeline = run_pipeline


def run_pipeline(jobs, work, workers):
    threading.Thread(target=_leak.wait, daemon=True).start()  # never ends
    return _real_pipeline(jobs, work, workers)


import gc as _gc

from course.concurrency.probes import run_counted as _real_counted


def _perfect(func, args, timeout=10.0):
    report = _real_counted(func, args, timeout)
    report["threads_left"] = 0
    return report


for _obj in _gc.get_objects():
    if type(_obj).__name__ == "Helpers" and hasattr(_obj, "functions"):
        _obj.changed = lambda: []
        _obj.functions[("course.concurrency.probes", "run_counted")] = _perfect
""",
    "mutex": "{solution}",
}
