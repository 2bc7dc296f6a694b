"""Forged score: ``spawn`` keeps every task for ever (a leak the rules forbid) and returns a
decoy task that relays the result and is then dropped. The old probe counted the finished tasks
still referenced through what ``spawn`` returned (the decoys: none): +2 points. The probe now
counts the tasks that ran the jobs, found from inside each job."""

CLASS = "forged"
HONEST = set()
EXPECT = {"async-state-public": 1.0, "async-state-hidden": 0.0}
ANSWERS = {
    "async-state": """{solution}


_hoard = []


def spawn(coro):
    task = asyncio.create_task(coro)
    _hoard.append(task)  # never dropped

    async def relay():
        return await task

    return asyncio.create_task(relay())
""",
}
