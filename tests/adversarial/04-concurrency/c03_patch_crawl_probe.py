"""Forged score: an unbounded crawl that never cancels, with crawl_report replaced by a perfect
report and asyncio.all_tasks patched to hide the tasks it leaves behind."""

CLASS = "forged"
HONEST = {"async-state"}
EXPECT = {"async-state-public": 0.0, "async-state-hidden": 0.0}  # none of its helpers trusted
ANSWERS = {
    "crawler": """async def crawl(urls, fetch, limit):
    return list(await asyncio.gather(*(fetch(u) for u in urls)))


import course.concurrency.probes as _probes


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


_perfect.__module__ = "course.concurrency.probes"
_probes.crawl_report = _perfect
crawl_report = _perfect
asyncio.all_tasks = lambda loop=None: set()
""",
    "async-state": "{solution}",
}
