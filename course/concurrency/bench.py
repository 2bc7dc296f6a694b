"""``python -m course bench concurrency``: what the module's tools and primitives cost, as ratios.

Prints, from one run on this machine:

- the interleaving explorer's speed (interleavings explored per second, and per step), for
  2 to 4 racy increments: the number that says how big a state space grading can afford;
- for one workload (add 1 to a counter ``n`` times), the cost per operation of doing it plainly,
  under a ``threading.Lock``, as a hand-off through a ``queue.Queue`` to another thread, and as
  an asyncio task switch (``await asyncio.sleep(0)``), each as a multiple of the plain version.

Absolute times depend on the machine and its load; only ratios measured in the same run are
claimed. Code is MIT licensed.
"""

from __future__ import annotations

import asyncio
import queue
import sys
import threading
import time
from collections.abc import Callable

from course.concurrency.explorer import explore
from course.concurrency.models import racy_increment

__all__ = ["explorer_speed", "primitive_costs", "main"]


def _best(func: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def explorer_speed(max_threads: int = 4) -> list[dict[str, float]]:
    """Interleavings per second and microseconds per step for 2..``max_threads`` racy threads."""
    rows = []
    for n in range(2, max_threads + 1):
        threads = [racy_increment] * n

        def go(threads=threads):
            return explore(threads, {"counter": 0}, max_interleavings=100_000, seconds=60)

        result = go()
        seconds = _best(go, repeat=2)
        steps = result.interleavings * 2 * n
        rows.append(
            {
                "threads": n,
                "interleavings": result.interleavings,
                "per_second": result.interleavings / seconds,
                "us_per_step": seconds / steps * 1e6,
            }
        )
    return rows


def primitive_costs(n: int = 50_000) -> dict[str, float]:
    """Seconds per increment: plain, under a lock, via a queue hand-off, via an asyncio switch."""
    box = {"count": 0}

    def plain() -> None:
        for _ in range(n):
            box["count"] += 1

    lock = threading.Lock()

    def locked() -> None:
        for _ in range(n):
            with lock:
                box["count"] += 1

    def handoff() -> None:
        inbox: queue.Queue = queue.Queue()

        def consumer() -> None:
            while inbox.get() is not None:
                box["count"] += 1

        worker = threading.Thread(target=consumer, daemon=True)
        worker.start()
        for _ in range(n):
            inbox.put(1)
        inbox.put(None)
        worker.join(timeout=60)

    def switches() -> None:
        async def main() -> None:
            for _ in range(n):
                box["count"] += 1
                await asyncio.sleep(0)

        asyncio.run(main())

    return {
        name: _best(func) / n
        for name, func in (
            ("plain", plain),
            ("lock", locked),
            ("queue hand-off", handoff),
            ("asyncio switch", switches),
        )
    }


def format_report(speed: list[dict[str, float]], costs: dict[str, float]) -> str:
    """The two tables as text."""
    lines = [
        "interleaving explorer (racy increments, every schedule):",
        f"  {'threads':>7}  {'schedules':>9}  {'per second':>10}  {'us per step':>11}",
    ]
    for row in speed:
        lines.append(
            f"  {row['threads']:>7}  {row['interleavings']:>9,}  "
            f"{row['per_second']:>10,.0f}  {row['us_per_step']:>11.1f}"
        )
    base = costs["plain"]
    lines += ["", "cost per increment, as a multiple of a plain increment (same run):"]
    for name, seconds in costs.items():
        lines.append(f"  {name:<15} {seconds / base:>8.1f}x")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m course bench concurrency [--n N] [--threads T]``: print the measured ratios."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course bench concurrency")
    parser.add_argument("--n", type=int, default=50_000, help="increments per workload")
    parser.add_argument("--threads", type=int, default=4, help="most racy threads to explore (2-5)")
    args = parser.parse_args(argv)
    if args.n < 1000:
        print(f"error: --n must be at least 1000, got {args.n}", file=sys.stderr)
        return 2
    if not 2 <= args.threads <= 5:
        print(f"error: --threads must be between 2 and 5, got {args.threads}", file=sys.stderr)
        return 2
    print("measuring (a few seconds)...", flush=True)
    print(format_report(explorer_speed(args.threads), primitive_costs(args.n)))
    return 0
