"""Forged score: a pipeline that leaves a thread waiting, and run_counted patched to hide it."""

CLASS = "forged"
HONEST = {"mutex"}
EXPECT = {"mutex-hidden": 0.0}  # a tampered process: the grader trusts none of its helpers
ANSWERS = {
    "pipeline": """{solution}


_leak = threading.Event()
_real_pipeline = run_pipeline


def run_pipeline(jobs, work, workers):
    threading.Thread(target=_leak.wait, daemon=True).start()  # never ends
    return _real_pipeline(jobs, work, workers)


import course.concurrency.probes as _probes

_real_counted = _probes.run_counted


def _perfect(func, args, timeout=10.0):
    report = _real_counted(func, args, timeout)
    report["threads_left"] = 0
    return report


_probes.run_counted = _perfect
""",
    "mutex": "{solution}",
}
