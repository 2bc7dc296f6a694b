"""Forged score: the worker's sealed helpers are found with gc and crawl_report is replaced by
one that returns a perfect report. The crawler's rules are observed only inside the learner's
process (a coroutine cannot cross), so this forgery is a known gap (docs/authoring.md)."""

CLASS = "forged"
HONEST = set()
XFAIL = (
    "code in the learner's process can reach the worker's sealed helpers (gc) and replace "
    "crawl_report; the crawler's concurrency is observed only in that process"
)
ANSWERS = {
    "crawler": """async def crawl(urls, fetch, limit):
    return list(await asyncio.gather(*(fetch(u) for u in urls)))


import gc as _gc


def _perfect(crawl, urls, limit, fail=(), seed=0, timeout=10.0):
    bad = [u for u in urls if u in set(fail)]
    return {
        "result": None if bad else [u.upper() for u in urls],
        "error": f"cannot fetch {bad[0]}" if bad else None,
        "started": list(urls),
        "cleaned": list(urls),
        "most": min(limit, len(urls)),
        "left": 0,
    }


for _obj in _gc.get_objects():
    if type(_obj).__name__ == "Helpers" and hasattr(_obj, "functions"):
        _obj.changed = lambda: []
        _obj.functions[("course.concurrency.probes", "crawl_report")] = _perfect
""",
}
