"""Benchmarks for module 2: every number is a ratio measured in one run, on the reader's machine.

``python -m course bench timeseries [--rows N]`` prints:

- parse throughput: the course's own line protocol parser (the solution of assignment 2a, read
  from ``solutions/``) against the C parser of the PyPI package ``line-protocol-parser``;
- downsampling: a pyarrow ``date_bin`` group-by against DataFusion's SQL and a Python row loop;
- pruning: files and row groups read for a one-hour query with and without the catalog.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "best_time",
    "downsample_ratios",
    "main",
    "metrics_table",
    "parse_ratios",
    "pruning_counts",
    "pyarrow_downsample",
]

TAG = pa.dictionary(pa.int32(), pa.string())
MINUTE_NS = 60 * 10**9


def best_time(func: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds (the least disturbed run)."""
    return min(timeit.repeat(func, number=1, repeat=repeat))


def metrics_table(
    rows: int = 200_000, hosts: int = 50, interval_s: int = 10, seed: int | None = 7
) -> pa.Table:
    """The course metrics laid out as the write buffer does: tags as dictionaries, ns time."""
    from course.learner.datasets import metrics

    raw = metrics(rows=rows, hosts=hosts, interval_s=interval_s, seed=seed)
    return pa.table(
        {
            "host": raw["host"].cast(pa.string()).dictionary_encode().cast(TAG),
            "region": raw["region"].cast(pa.string()).dictionary_encode().cast(TAG),
            "usage": raw["cpu"],
            "time": raw["time"].cast(pa.int64()).cast(pa.timestamp("ns")),
        }
    )


def pyarrow_downsample(table: pa.Table, field: str, every: int, origin: int = 0) -> pa.Table:
    """count/mean/max of ``field`` per host and ``date_bin`` window, with pyarrow compute."""
    t = pc.subtract(table["time"].cast(pa.int64()), origin)
    q = pc.divide(t, every)
    q = pc.if_else(pc.greater(pc.multiply(q, every), t), pc.subtract(q, 1), q)
    work = pa.table(
        {
            "host": table["host"],  # group on the dictionary codes; decode only the groups
            "window": pc.add(pc.multiply(q, every), origin),
            "value": table[field].cast(pa.float64()),
        }
    )
    out = work.group_by(["host", "window"]).aggregate(
        [("value", "count"), ("value", "mean"), ("value", "max")]
    )
    out = out.set_column(0, "host", out["host"].cast(pa.string()))
    return out.sort_by([("host", "ascending"), ("window", "ascending")])


def _datafusion_downsample(table: pa.Table, every: int) -> Callable[[], pa.Table]:
    import datafusion

    ctx = datafusion.SessionContext()
    ctx.register_record_batches("t", [table.to_batches()])
    sql = (
        f"SELECT CAST(host AS VARCHAR) AS host, date_bin(INTERVAL '{every} nanoseconds', time, "
        "to_timestamp_nanos(0)) AS window, count(usage), avg(usage), max(usage) FROM t "
        "GROUP BY host, window ORDER BY host, window"
    )
    return lambda: ctx.sql(sql).to_arrow_table()


def _row_loop(table: pa.Table, every: int) -> Callable[[], dict]:
    hosts = table["host"].to_pylist()
    values = table["usage"].to_pylist()
    times = table["time"].cast(pa.int64()).to_pylist()

    def run() -> dict:
        acc: dict = {}
        for h, v, t in zip(hosts, values, times, strict=True):
            key = (h, t // every * every)
            entry = acc.setdefault(key, [0, 0.0, None])
            if v is not None:
                entry[0] += 1
                entry[1] += v
                entry[2] = v if entry[2] is None or v > entry[2] else entry[2]
        return acc

    return run


def downsample_ratios(func: Callable | None = None, rows: int = 200_000) -> str:
    """Time ``func(table, "usage", 5 minutes)`` (default: the course's pyarrow path) against
    DataFusion's ``date_bin`` and a Python row loop on the same table; return a short report."""
    if not isinstance(rows, int) or rows < 1:
        raise ValueError(f"rows must be a positive int, got {rows!r}")
    func = func or pyarrow_downsample
    table = metrics_table(rows)
    every = 5 * MINUTE_NS
    mine = best_time(lambda: func(table, "usage", every))
    df = best_time(_datafusion_downsample(table, every))
    loop = best_time(_row_loop(table, every), repeat=1)
    return (
        f"downsampling {rows:,} rows into 5-minute windows per host (best of 3, this run):\n"
        f"  pyarrow path / DataFusion: {mine / df:.2f}x the time (goal: within 2x)\n"
        f"  Python row loop / pyarrow path: {loop / mine:.1f}x the time"
    )


def _solution_parse_line() -> Callable[[str], dict | None]:
    """The course's parser: the answer cell of solutions/02-timeseries/write.pct.py."""
    from course.learner.paths import repo_root

    source = (repo_root() / "solutions" / "02-timeseries" / "write.pct.py").read_text("utf-8")
    start = source.index("def parse_line(")
    end = source.index("# %%", start)
    namespace: dict = {"re": re}
    exec(compile(source[start:end], "write.pct.py:parse_line", "exec"), namespace)  # noqa: S102
    return namespace["parse_line"]


def parse_ratios(lines: list[str]) -> str:
    """Lines per second of the course's parser and of ``line-protocol-parser`` (C), one run."""
    import line_protocol_parser

    ours = _solution_parse_line()
    t_ours = best_time(lambda: [ours(line) for line in lines])
    t_c = best_time(lambda: [line_protocol_parser.parse_line(line) for line in lines])
    n = len(lines)
    return (
        f"parsing {n:,} lines of line protocol (best of 3, this run):\n"
        f"  course parser (pure Python): {n / t_ours:,.0f} lines/s\n"
        f"  line-protocol-parser (C extension): {n / t_c:,.0f} lines/s "
        f"({t_ours / t_c:.0f}x faster)"
    )


def pruning_counts(table: pa.Table, folder: Path, hour_start: int) -> dict:
    """Files and row groups a one-hour query reads, with and without pruning by time range.

    Writes one file per UTC day (sorted by host then time, row groups of 2,000 rows), keeps a
    catalog of each file's time range, and counts: files opened without a catalog (all) and with
    it, and row groups read without footer statistics (all in the opened files) and with them.
    """
    from course.timeseries import day_of

    times = table["time"].cast(pa.int64())
    days = pa.array([day_of(t) for t in times.to_pylist()])
    catalog = []
    for day in sorted(set(days.to_pylist())):
        part = table.filter(pc.equal(days, day))
        order = pc.sort_indices(
            pa.table({"h": part["host"].cast(pa.string()), "t": part["time"]}),
            sort_keys=[("h", "ascending"), ("t", "ascending")],
        )
        part = part.take(order)
        path = folder / f"{day}.parquet"
        pq.write_table(part, path, row_group_size=2_000)
        ts = part["time"].cast(pa.int64())
        catalog.append((path, pc.min(ts).as_py(), pc.max(ts).as_py()))
    end = hour_start + 60 * MINUTE_NS
    opened = [p for p, lo, hi in catalog if lo < end and hi >= hour_start]
    groups_all = sum(pq.ParquetFile(p).metadata.num_row_groups for p, _, _ in catalog)
    groups_opened = sum(pq.ParquetFile(p).metadata.num_row_groups for p in opened)
    groups_pruned = 0
    for p in opened:
        meta = pq.ParquetFile(p).metadata
        col = meta.schema.to_arrow_schema().get_field_index("time")
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(col).statistics
            lo = pa.scalar(stats.min, pa.timestamp("ns")).cast(pa.int64()).as_py()
            hi = pa.scalar(stats.max, pa.timestamp("ns")).cast(pa.int64()).as_py()
            groups_pruned += lo < end and hi >= hour_start
    return {
        "files": len(catalog),
        "files_opened": len(opened),
        "row_groups": groups_all,
        "row_groups_in_opened_files": groups_opened,
        "row_groups_read": groups_pruned,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m course bench timeseries``: print the module's ratios, measured in this run."""
    parser = argparse.ArgumentParser(prog="python -m course bench timeseries")
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="metrics rows (default 1000000)"
    )
    parser.add_argument("--lines", type=int, default=20_000, help="lines to parse (default 20000)")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.lines < 1:
        parser.error("--rows and --lines must be positive")
    from course.timeseries import metrics_lines

    print(parse_ratios(metrics_lines(args.lines, hosts=50, seed=7)))
    print(downsample_ratios(rows=args.rows))
    table = metrics_table(min(args.rows, 200_000), interval_s=300)  # five-minute reports
    with tempfile.TemporaryDirectory(prefix="timeseries-bench-") as folder:
        start = table["time"].cast(pa.int64())[0].as_py() + 3 * 3_600 * 10**9
        counts = pruning_counts(table, Path(folder), start)
    print(
        "a one-hour query over day files sorted by host then time:\n"
        f"  files opened: {counts['files_opened']} of {counts['files']} with the catalog\n"
        f"  row groups read: {counts['row_groups_read']} of "
        f"{counts['row_groups_in_opened_files']} in the opened files with footer statistics "
        f"({counts['row_groups']} in all files)\n"
        "  (sorted by host then time, every row group spans the whole day of a few hosts: a\n"
        "  time-only filter prunes files by the catalog, not row groups inside a file)"
    )
    return 0
