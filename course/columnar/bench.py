"""Benchmarks that measure the course's performance claims as ratios in one run.

``python -m course bench columnar --rows 200000`` prints: row vs columnar aggregation, memory per
value, Parquet file size per encoding and codec, and a pruned vs unpruned read. Lecture notebooks
call the same functions, so every number they quote is produced here, on the reader's machine.
"""

from __future__ import annotations

import re
import sys
import tempfile
import timeit
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from course.learner.datasets import metrics

__all__ = [
    "best_time",
    "row_vs_columnar",
    "memory_per_value",
    "parquet_sizes",
    "pruned_read",
    "columnar",
    "PARQUET_VARIANTS",
    "ENCODING_STEPS",
    "encoding_steps",
    "delta_miniblock_widths",
    "pruning_metrics",
]


def best_time(func: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, in seconds (the least disturbed run)."""
    return min(timeit.repeat(func, number=1, repeat=repeat))


def _rows_of(table: pa.Table) -> list[dict]:
    table = table.set_column(0, "time", table["time"].cast(pa.int64()))
    return table.to_pylist()


def mean_cpu_per_host_rows(rows: list[dict]) -> dict[str, float]:
    """Row-at-a-time baseline: mean cpu per host over a list of dicts, nulls skipped."""
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for row in rows:
        cpu = row["cpu"]
        if cpu is not None:
            host = row["host"]
            sums[host] = sums.get(host, 0.0) + cpu
            counts[host] = counts.get(host, 0) + 1
    return {host: sums[host] / counts[host] for host in sums}


def mean_cpu_per_host_arrow(table: pa.Table) -> dict[str, float]:
    """Columnar: Arrow's hash group-by over the cpu column."""
    grouped = table.group_by("host").aggregate([("cpu", "mean")])
    return dict(zip(grouped["host"].to_pylist(), grouped["cpu_mean"].to_pylist(), strict=True))


def row_vs_columnar(table: pa.Table) -> dict[str, float]:
    """Seconds for a per-host mean and a full-column sum, row by row and columnar, and ratios."""
    rows = _rows_of(table)
    row_group = best_time(lambda: mean_cpu_per_host_rows(rows))
    col_group = best_time(lambda: mean_cpu_per_host_arrow(table))
    row_sum = best_time(lambda: sum(r["requests"] for r in rows))
    col_sum = best_time(lambda: pc.sum(table["requests"]).as_py())
    return {
        "rows": table.num_rows,
        "group_by_rows_s": row_group,
        "group_by_arrow_s": col_group,
        "group_by_ratio": row_group / col_group,
        "sum_rows_s": row_sum,
        "sum_arrow_s": col_sum,
        "sum_ratio": row_sum / col_sum,
    }


def _deep_size(rows: list[dict]) -> int:
    seen: set[int] = set()
    total = sys.getsizeof(rows)
    for row in rows:
        total += sys.getsizeof(row)
        for key, value in row.items():
            for obj in (key, value):
                if id(obj) not in seen:
                    seen.add(id(obj))
                    total += sys.getsizeof(obj)
    return total


def memory_per_value(table: pa.Table) -> dict[str, float]:
    """Bytes per value as Python dicts and as Arrow columns (shared objects counted once)."""
    rows = _rows_of(table)
    values = table.num_rows * table.num_columns
    python_bytes = _deep_size(rows)
    return {
        "python_bytes_per_value": python_bytes / values,
        "arrow_bytes_per_value": table.nbytes / values,
        "ratio": python_bytes / table.nbytes,
    }


#: name -> keyword arguments for ``pq.write_table``.
PARQUET_VARIANTS: dict[str, dict] = {
    "plain, uncompressed": {"use_dictionary": False, "compression": "none"},
    "dictionary, uncompressed": {"use_dictionary": True, "compression": "none"},
    "dictionary + snappy": {"use_dictionary": True, "compression": "snappy"},
    "dictionary + gzip": {"use_dictionary": True, "compression": "gzip"},
    "dictionary + zstd": {"use_dictionary": True, "compression": "zstd"},
    "dictionary + delta time + zstd": {
        "use_dictionary": ["host", "region", "status"],
        "column_encoding": {"time": "DELTA_BINARY_PACKED"},
        "compression": "zstd",
    },
    "dictionary + delta time + byte-stream-split floats + zstd": {
        "use_dictionary": ["host", "region", "status"],
        "column_encoding": {
            "time": "DELTA_BINARY_PACKED",
            "cpu": "BYTE_STREAM_SPLIT",
            "latency_ms": "BYTE_STREAM_SPLIT",
        },
        "compression": "zstd",
    },
}


def parquet_sizes(table: pa.Table, folder: Path | None = None) -> dict[str, int]:
    """File size in bytes of ``table`` written with each of :data:`PARQUET_VARIANTS`."""
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="course-bench-") as scratch:
        where = Path(folder or scratch)
        for number, (name, options) in enumerate(PARQUET_VARIANTS.items()):
            path = where / f"variant-{number}.parquet"
            pq.write_table(table, path, **options)
            sizes[name] = path.stat().st_size
    return sizes


#: encoding name -> (dictionary encoding on?, ``column_encoding`` for the column or None).
ENCODING_STEPS: dict[str, tuple[bool, str | None]] = {
    "plain": (False, None),
    "delta (DELTA_BINARY_PACKED)": (False, "DELTA_BINARY_PACKED"),
    "dictionary": (True, None),
}


def _chunk_bytes(table: pa.Table, **options) -> int:
    """Bytes of the first column's chunks in a Parquet file written in memory (footer excluded)."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **options)
    meta = pq.ParquetFile(pa.BufferReader(sink.getvalue())).metadata
    return sum(
        meta.row_group(g).column(0).total_compressed_size for g in range(meta.num_row_groups)
    )


def encoding_steps(
    table: pa.Table, column: str = "time", codecs: Sequence[str] = ("none", "zstd")
) -> dict[str, dict[str, int]]:
    """Bytes on disk of one column for each of :data:`ENCODING_STEPS`, with each codec.

    Returns ``{encoding: {codec: bytes}}``, plus ``{"arrow in memory": {codec: bytes}}`` for
    scale. Only the column chunk is counted (pages and their headers), not the file footer, so
    the numbers say what the encoding and the codec buy, not what the metadata costs.
    """
    if not isinstance(table, pa.Table):
        raise TypeError(f"table must be a pyarrow.Table, got {type(table).__name__}")
    if column not in table.column_names:
        raise ValueError(f"no column {column!r} in the table; it has {table.column_names}")
    one = table.select([column])
    result: dict[str, dict[str, int]] = {"arrow in memory": dict.fromkeys(codecs, one.nbytes)}
    for name, (dictionary, encoding) in ENCODING_STEPS.items():
        options: dict = {"use_dictionary": dictionary}
        if encoding is not None:
            options["column_encoding"] = {column: encoding}
        result[name] = {codec: _chunk_bytes(one, compression=codec, **options) for codec in codecs}
    return result


def delta_miniblock_widths(
    values: Sequence[int], values_per_block: int = 256, miniblocks_per_block: int = 4
) -> list[int]:
    """Bit width of every miniblock DELTA_BINARY_PACKED writes for ``values`` (integers).

    The Parquet rule: take the differences between consecutive values; in each block of
    ``values_per_block`` differences subtract the block's smallest difference; cut the block into
    ``miniblocks_per_block`` miniblocks and bit-pack each with the width of its largest value.
    pyarrow (Arrow C++) uses blocks of 128 for int32 and 256 for int64, with 4 miniblocks each.
    """
    if values_per_block % 128 or values_per_block < 128:
        raise ValueError(f"values_per_block must be a multiple of 128, got {values_per_block}")
    if miniblocks_per_block < 1 or (values_per_block // miniblocks_per_block) % 32:
        raise ValueError(
            "values per miniblock (values_per_block / miniblocks_per_block) must be a multiple "
            f"of 32, got {values_per_block} / {miniblocks_per_block}"
        )
    deltas = np.diff(np.asarray(values, dtype=np.int64))
    size = values_per_block // miniblocks_per_block
    widths = []
    for start in range(0, len(deltas), values_per_block):
        block = deltas[start : start + values_per_block]
        shifted = (block - block.min()).astype(np.uint64)  # wraps like the writer's unsigned math
        for mini in range(0, len(block), size):
            widths.append(int(shifted[mini : mini + size].max()).bit_length())
    return widths


_METRIC = re.compile(r"(\w+)=([\d.]+)(?: ([KMB]))? total → ([\d.]+)(?: ([KMB]))? matched")
_SCALE = {None: 1, "": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


def pruning_metrics(plan: str) -> dict[str, tuple[int, int]]:
    """The ``name=T total → M matched`` metrics of a DataFusion ``EXPLAIN ANALYZE`` plan.

    Returns ``{name: (total, matched)}``, for example
    ``{"row_groups_pruned_statistics": (10, 2), "page_index_rows_pruned": (40000, 18000), ...}``.
    DataFusion prints large counts rounded (``18.00 K``), so counts above 1,000 are approximate.
    """
    if not isinstance(plan, str):
        raise TypeError(f"plan must be the text of an EXPLAIN ANALYZE plan, got {type(plan)}")
    found = {}
    for name, total, total_unit, matched, matched_unit in _METRIC.findall(plan):
        found[name] = (
            round(float(total) * _SCALE[total_unit]),
            round(float(matched) * _SCALE[matched_unit]),
        )
    if not found:
        raise ValueError(
            "no 'total → matched' metrics in this plan: pass the text of "
            "EXPLAIN ANALYZE on a query that scans a Parquet file"
        )
    return found


def pruned_read(table: pa.Table, row_groups: int = 50) -> dict[str, float]:
    """Read one time window from a time-sorted file, with and without row-group pruning."""
    table = table.sort_by("time")
    rows_per_group = max(1, table.num_rows // row_groups)
    start = table["time"][0].value
    end = table["time"][table.num_rows - 1].value
    lo = start + (end - start) // 2
    hi = lo + (end - start) // row_groups  # about one row group's worth of time
    tz = table.schema.field("time").type.tz
    lo_s = pa.scalar(lo, pa.timestamp("ns", tz=tz))
    hi_s = pa.scalar(hi, pa.timestamp("ns", tz=tz))
    with tempfile.TemporaryDirectory(prefix="course-bench-") as scratch:
        path = Path(scratch) / "sorted.parquet"
        pq.write_table(table, path, row_group_size=rows_per_group, compression="zstd")
        meta = pq.ParquetFile(path).metadata
        time_col = meta.schema.names.index("time")
        touched = sum(
            1
            for g in range(meta.num_row_groups)
            if not (
                meta.row_group(g).column(time_col).statistics.max < lo_s.as_py()
                or meta.row_group(g).column(time_col).statistics.min >= hi_s.as_py()
            )
        )
        expr = (pc.field("time") >= lo_s) & (pc.field("time") < hi_s)

        def pruned():
            return pq.read_table(path, filters=expr)

        def unpruned():
            whole = pq.read_table(path)
            return whole.filter(expr)

        assert pruned().num_rows == unpruned().num_rows
        pruned_s = best_time(pruned)
        unpruned_s = best_time(unpruned)
    return {
        "row_groups": meta.num_row_groups,
        "row_groups_touched": touched,
        "pruned_s": pruned_s,
        "unpruned_s": unpruned_s,
        "ratio": unpruned_s / pruned_s,
    }


def columnar(rows: int = 200_000) -> dict[str, dict]:
    """Every module-1 measurement on a metrics table of ``rows`` rows."""
    table = metrics(rows)
    return {
        "row_vs_columnar": row_vs_columnar(table),
        "memory_per_value": memory_per_value(table.slice(0, min(rows, 50_000))),
        "parquet_sizes": parquet_sizes(table),
        "pruned_read": pruned_read(table),
        "time_encoding_steps": encoding_steps(table, "time"),
    }


def format_columnar(results: dict[str, dict]) -> str:
    """The benchmark results as plain-text tables."""
    rc = results["row_vs_columnar"]
    mem = results["memory_per_value"]
    pr = results["pruned_read"]
    sizes = results["parquet_sizes"]
    plain = sizes["plain, uncompressed"]
    lines = [
        f"Row vs columnar ({rc['rows']:,} rows, best of 3)",
        f"  mean cpu per host: rows {rc['group_by_rows_s'] * 1e3:8.1f} ms   "
        f"arrow {rc['group_by_arrow_s'] * 1e3:7.2f} ms   ratio {rc['group_by_ratio']:6.1f}x",
        f"  sum of requests:   rows {rc['sum_rows_s'] * 1e3:8.1f} ms   "
        f"arrow {rc['sum_arrow_s'] * 1e3:7.2f} ms   ratio {rc['sum_ratio']:6.1f}x",
        "",
        "Memory per value",
        f"  python dicts {mem['python_bytes_per_value']:6.1f} B   arrow "
        f"{mem['arrow_bytes_per_value']:5.1f} B   ratio {mem['ratio']:.1f}x",
        "",
        "Parquet file size per encoding and codec",
    ]
    width = max(len(name) for name in sizes)
    for name, size in sizes.items():
        lines.append(f"  {name:<{width}}  {size / 1e6:8.2f} MB  {plain / size:5.1f}x smaller")
    lines += [
        "",
        f"Pruned vs unpruned read of one time window ({pr['row_groups']} row groups)",
        f"  row groups touched {pr['row_groups_touched']} of {pr['row_groups']}; pruned "
        f"{pr['pruned_s'] * 1e3:.1f} ms, unpruned {pr['unpruned_s'] * 1e3:.1f} ms, "
        f"ratio {pr['ratio']:.1f}x",
    ]
    steps = results.get("time_encoding_steps")
    if steps:
        arrow = steps["arrow in memory"]["none"]
        lines += ["", "The time column: bytes per encoding, without a codec and with zstd"]
        for name in ENCODING_STEPS:
            none, zstd = steps[name]["none"], steps[name]["zstd"]
            lines.append(
                f"  {name:<28} {none:>10,} B {arrow / none:6.1f}x   "
                f"zstd {zstd:>9,} B {arrow / zstd:6.0f}x"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m course bench columnar [--rows N]``: print the measured ratios."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course bench columnar")
    parser.add_argument("--rows", type=int, default=200_000, help="data size (default 200000)")
    args = parser.parse_args(argv)
    if args.rows < 1000:
        print(f"error: --rows must be at least 1000, got {args.rows}", file=sys.stderr)
        return 2
    print(f"running the columnar benchmark on {args.rows:,} rows...", flush=True)
    print(format_columnar(columnar(args.rows)))
    return 0
