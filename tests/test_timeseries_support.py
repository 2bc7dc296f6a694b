"""Unit tests of course.timeseries (module 2 support code): fast, no notebook runs."""

from __future__ import annotations

import json
import math

import pytest

from course.learner.paths import data_path, repo_root
from course.timeseries import ERROR_KINDS, day_of, format_line, line_protocol_cases, metrics_lines


def test_public_and_hidden_line_protocol_cases_split_the_117_upstream_cases():
    public = line_protocol_cases("timeseries-line-protocol.json")
    hidden_path = repo_root() / "solutions/02-timeseries/hidden/line-protocol-hidden.json"
    hidden = line_protocol_cases(json.loads(hidden_path.read_text(encoding="utf-8")))
    ids = [c[0] for c in public + hidden]
    assert len(ids) == len(set(ids)) == 117
    kinds = {e["error"] for _, _, exp in public + hidden for e in exp if "error" in e}
    assert kinds == set(ERROR_KINDS)
    # every public error kind is represented, so learners see each one
    assert {e["error"] for _, _, exp in public for e in exp if "error" in e} == set(ERROR_KINDS)


def test_long_inputs_are_expanded_and_inf_is_a_float():
    cases = {c[0]: c for c in line_protocol_cases("timeseries-line-protocol.json")}
    _, text, expected = cases["lp136"]
    assert len(text) > 65536
    assert expected[0]["tags"][1] == ("tag", "a" * 65536)
    hidden = json.loads(
        (repo_root() / "solutions/02-timeseries/hidden/line-protocol-hidden.json").read_text()
    )
    inf = {c[0]: c for c in line_protocol_cases(hidden)}["lp090"][2][0]["fields"][0]
    assert inf[1] == "float" and math.isinf(inf[2])


@pytest.mark.parametrize(
    ("point", "line"),
    [
        (
            {
                "measurement": "c pu",
                "tags": [("h,=", "a b")],
                "fields": [("f", "int", 1)],
                "time": 5,
            },
            "c\\ pu,h\\,\\==a\\ b f=1i 5",
        ),
        (
            {"measurement": "m", "tags": [], "fields": [("s", "string", 'a"\\')], "time": None},
            'm s="a\\"\\\\"',
        ),
        (
            {
                "measurement": "m",
                "tags": [],
                "fields": [("x", "float", 3.0), ("b", "bool", False)],
                "time": None,
            },
            "m x=3.0,b=false",
        ),
    ],
)
def test_format_line_escapes(point, line):
    assert format_line(point) == line


def test_format_line_rejects_bad_points():
    with pytest.raises(TypeError, match="point dict"):
        format_line({"measurement": "m"})
    with pytest.raises(ValueError, match="at least one field"):
        format_line({"measurement": "m", "tags": [], "fields": [], "time": None})
    with pytest.raises(ValueError, match="cannot write"):
        format_line(
            {"measurement": "m", "tags": [], "fields": [("f", "float", math.nan)], "time": None}
        )


def test_metrics_lines_are_deterministic_line_protocol():
    a = metrics_lines(20, 3, seed=1)
    assert a == metrics_lines(20, 3, seed=1)
    assert all(line.startswith("cpu,host=host-") for line in a)
    assert a[0].rsplit(" ", 1)[1] == str(1_767_225_600 * 10**9)


def test_day_of():
    assert day_of(0) == "1970-01-01"
    assert day_of(-1) == "1969-12-31"
    assert day_of(1_767_225_600 * 10**9 + 86_399_999_999_999) == "2026-01-01"
    with pytest.raises(TypeError):
        day_of(1.5)


def test_gapfill_and_selector_data_name_their_source():
    for name in ("timeseries-gapfill.json", "timeseries-selectors.json"):
        data = json.loads(data_path(name).read_text(encoding="utf-8"))
        assert "MIT" in data["license"] and data["cases"]
        assert all("source" in c and "expected" in c for c in data["cases"])


def test_bench_pyarrow_downsample_matches_datafusion():
    import datafusion
    import pyarrow as pa

    from course.timeseries.bench import metrics_table, pyarrow_downsample

    table = metrics_table(3_000, hosts=5)
    every = 300 * 10**9
    ctx = datafusion.SessionContext()
    ctx.register_record_batches("t", [table.to_batches()])
    expected = ctx.sql(
        f"SELECT CAST(host AS VARCHAR) AS host, arrow_cast(date_bin(INTERVAL '{every} nanoseconds',"
        " time, to_timestamp_nanos(0)), 'Int64') AS window, count(usage) AS c, avg(usage) AS m, "
        "max(usage) AS x FROM t GROUP BY host, window ORDER BY host, window"
    ).to_arrow_table()
    got = pyarrow_downsample(table, "usage", every)
    assert got["host"].to_pylist() == expected["host"].to_pylist()
    assert got["window"].to_pylist() == expected["window"].to_pylist()
    assert got["value_count"].to_pylist() == expected["c"].to_pylist()
    assert got["value_max"].to_pylist() == expected["x"].to_pylist()
    assert all(
        math.isclose(a, b)
        for a, b in zip(got["value_mean"].to_pylist(), expected["m"].to_pylist(), strict=True)
    )
    assert isinstance(table["host"].type, pa.DictionaryType)


def test_bench_main_runs_small(capsys, tmp_path):
    from course.timeseries.bench import main, metrics_table, pruning_counts

    assert main(["--rows", "3000", "--lines", "300"]) == 0
    out = capsys.readouterr().out
    assert "lines/s" in out and "DataFusion" in out and "files opened" in out
    counts = pruning_counts(
        metrics_table(6_000, hosts=5, interval_s=300),
        tmp_path,
        1_767_225_600 * 10**9 + 86_400 * 10**9,
    )
    assert counts["files_opened"] == 1 < counts["files"]
    with pytest.raises(SystemExit):
        main(["--rows", "0"])
