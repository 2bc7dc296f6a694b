"""Module 1 support code: data sets, the benchmark and the layout helpers."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from course.columnar import bench
from course.columnar.layout import LayoutError, check_layout, rows_read, write_with_layout
from course.learner import datasets


def test_metrics_is_deterministic_and_realistic():
    a, b = datasets.metrics(5_000, hosts=10), datasets.metrics(5_000, hosts=10)
    assert a.equals(b)
    assert not a.equals(datasets.metrics(5_000, hosts=10, seed=1))
    assert a.schema == datasets.METRICS_SCHEMA
    assert a.num_rows == 5_000
    assert pc.count_distinct(a["host"]).as_py() == 10
    assert 0 < a["cpu"].null_count < 500
    assert pc.min(a["cpu"]).as_py() >= 0 and pc.max(a["cpu"]).as_py() <= 100
    times = a["time"].cast(pa.int64()).to_numpy()
    assert (times[1:] >= times[:-1]).all(), "rows arrive in time order"
    assert set(a["status"].to_pylist()) <= {"ok", "degraded", "down"}


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"rows": "10"}, TypeError, "rows must be an int"),
        ({"rows": 0}, ValueError, "rows must be at least 1"),
        ({"hosts": 2.5}, TypeError, "hosts must be an int"),
        ({"null_fraction": 1.5}, ValueError, "null_fraction must be a number in"),
    ],
)
def test_metrics_rejects_bad_parameters(kwargs, error, says):
    with pytest.raises(error, match=says):
        datasets.metrics(**kwargs)


def test_metrics_rows_matches_the_table():
    rows = datasets.metrics_rows(100, hosts=5)
    table = datasets.metrics(100, hosts=5)
    assert rows[3]["host"] == table["host"][3].as_py()
    assert isinstance(rows[0]["time"], int)


def test_seattle_temperatures_is_the_real_series():
    table = datasets.seattle_temperatures()
    assert table.num_rows == 8_759
    assert table.column_names == ["time", "temp"]
    assert 20 < pc.mean(table["temp"]).as_py() < 70


def test_benchmark_measures_ratios_and_agrees_with_itself():
    table = datasets.metrics(20_000, hosts=20)
    rows = table.to_pylist()
    by_rows = bench.mean_cpu_per_host_rows(rows)
    by_arrow = bench.mean_cpu_per_host_arrow(table)
    assert by_rows.keys() == by_arrow.keys()
    assert all(abs(by_rows[h] - by_arrow[h]) < 1e-9 for h in by_rows)
    result = bench.row_vs_columnar(table)
    assert result["group_by_ratio"] == result["group_by_rows_s"] / result["group_by_arrow_s"]
    sizes = bench.parquet_sizes(table)
    assert sizes.keys() == bench.PARQUET_VARIANTS.keys()
    assert sizes["dictionary + zstd"] < sizes["plain, uncompressed"]
    pruned = bench.pruned_read(table, row_groups=20)
    assert pruned["row_groups"] == 20
    assert 1 <= pruned["row_groups_touched"] <= 2
    text = bench.format_columnar(
        {
            "row_vs_columnar": result,
            "memory_per_value": bench.memory_per_value(table.slice(0, 1000)),
            "parquet_sizes": sizes,
            "pruned_read": pruned,
        }
    )
    assert "ratio" in text and "row groups touched" in text
    results = {
        "row_vs_columnar": result,
        "memory_per_value": bench.memory_per_value(table.slice(0, 1000)),
        "parquet_sizes": sizes,
        "pruned_read": pruned,
        "time_encoding_steps": bench.encoding_steps(table, "time"),
    }
    assert "delta (DELTA_BINARY_PACKED)" in bench.format_columnar(results)


def test_bench_cli_rejects_tiny_sizes():
    from course.cli import main

    assert main(["bench", "columnar", "--rows", "10"]) == 2


def test_layout_helpers(tmp_path):
    table = datasets.metrics(20_000, hosts=10)
    layout = {"sort_by": [["host", "ascending"], ["time", "ascending"]], "row_group_size": 1000}
    path = write_with_layout(table, layout, tmp_path / "x.parquet")
    start = table["time"][0].as_py()
    assert rows_read(path, "host-0003", start, start + dt.timedelta(hours=1)) == 1000
    arrival = write_with_layout(
        table, {"sort_by": [], "row_group_size": 1000}, tmp_path / "y.parquet"
    )
    assert rows_read(arrival, "host-0003", start, start + dt.timedelta(hours=1)) > 1000


@pytest.mark.parametrize(
    ("layout", "says"),
    [
        ([], "a layout is a dict"),
        ({}, "needs 'sort_by'"),
        ({"sort_by": [], "rowgroup_size": 5}, "unknown layout key"),
        ({"sort_by": [["hots", "ascending"]]}, "bad 'sort_by' entry"),
        ({"sort_by": [], "row_group_size": 0}, "positive int"),
        ({"sort_by": [], "compression": "zip"}, "'compression' must be one of"),
        ({"sort_by": [], "column_encoding": {"time": "DELTA"}}, "'column_encoding' must map"),
        (
            {"sort_by": [], "column_encoding": {"time": "DELTA_BINARY_PACKED"}},
            "also use the dictionary",
        ),
    ],
)
def test_layout_errors_say_what_to_fix(layout, says):
    with pytest.raises(LayoutError, match=says):
        check_layout(layout, datasets.METRICS_SCHEMA.names)


def test_metrics_prefix_is_the_same_whatever_the_size():
    small, large = datasets.metrics(1_000, hosts=20), datasets.metrics(50_000, hosts=20)
    assert small.equals(large.slice(0, 1_000))


def test_encoding_steps_say_what_each_step_buys():
    table = datasets.metrics(20_000, hosts=20)
    steps = bench.encoding_steps(table, "time")
    assert list(steps) == ["arrow in memory", *bench.ENCODING_STEPS]
    delta = steps["delta (DELTA_BINARY_PACKED)"]
    assert delta["none"] < steps["plain"]["none"]
    assert delta["zstd"] < delta["none"]
    assert steps["dictionary"]["none"] < steps["plain"]["none"]
    with pytest.raises(ValueError, match="no column 'tme'"):
        bench.encoding_steps(table, "tme")


def test_delta_miniblock_widths_follow_the_parquet_rule():
    # The Parquet spec's example: deltas -2 -2 -2 1 1 1 1, minimum -2, so 0 0 0 3 3 3 3: 2 bits.
    assert bench.delta_miniblock_widths([7, 5, 3, 1, 2, 3, 4, 5], 128, 4) == [2]
    assert set(bench.delta_miniblock_widths(range(0, 10 * 1000, 10))) == {0}  # a steady clock
    jumps = [10**10 * (i // 50) for i in range(512)]  # 50 hosts reporting at the same instant
    assert set(bench.delta_miniblock_widths(jumps)) == {(10**10).bit_length()}
    assert bench.delta_miniblock_widths(jumps, 128, 4)[:4] == [0, 34, 0, 34]  # jumps at 49, 99
    with pytest.raises(ValueError, match="multiple of 128"):
        bench.delta_miniblock_widths([1, 2], 100, 4)
    with pytest.raises(ValueError, match="multiple of 32"):
        bench.delta_miniblock_widths([1, 2], 128, 8)


def test_pruning_metrics_reads_datafusion_explain_analyze(tmp_path):
    import datafusion
    import pyarrow.parquet as pq

    table = datasets.metrics(20_000, hosts=10)
    pq.write_table(table, tmp_path / "m.parquet", row_group_size=2_000)
    ctx = datafusion.SessionContext(datafusion.SessionConfig().with_target_partitions(1))
    ctx.register_parquet("m", str(tmp_path / "m.parquet"))
    start = table["time"][0].value
    window = f"time >= to_timestamp_nanos({start}) AND time < to_timestamp_nanos({start + 10**9})"
    plan = "\n".join(
        ctx.sql(f"EXPLAIN ANALYZE SELECT count(*) FROM m WHERE {window}").to_pandas()["plan"]
    )
    assert bench.pruning_metrics(plan)["row_groups_pruned_statistics"] == (10, 1)
    text = "page_index_rows_pruned=40.00 K total → 18.00 K matched, bytes_scanned=6.75 K"
    assert bench.pruning_metrics(text) == {"page_index_rows_pruned": (40_000, 18_000)}
    with pytest.raises(ValueError, match="no 'total → matched' metrics"):
        bench.pruning_metrics("ProjectionExec: expr=[]")
