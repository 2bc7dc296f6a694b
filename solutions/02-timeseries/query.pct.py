# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 2b: time series queries
#
# **Time:** about 4.5 hours. **Points:** 13. **Prerequisites:** assignment 2a (`write.ipynb`), the
# lectures `03-time-series-sql` and `04-hot-and-cold` in `notebooks/02-timeseries/`.
#
# Dix says the rewrite took DataFusion as its SQL engine, then added the functions a time series
# database needs on top. You will write four of those query pieces and check them against
# DataFusion and against the database's own test cases:
#
# 5. **Downsampling** (3 points): per-window aggregates with pyarrow, as `date_bin` computes them.
# 6. **Gap filling** (3 points): `date_bin_gapfill` with `NULL` fill, `locf` and `interpolate`.
# 7. **Selectors** (2 points): first, last, min and max, with the time at which they happened.
# 8. **Two tiers and dedup** (3 points): one answer from the in-memory buffer and Parquet files,
#    the newest value winning.
# 9. **Compaction** (2 points): many small files into few sorted ones; same answers, fewer files
#    opened.
#
# As before: replace `raise NotImplementedError()`, run the public tests, ask
# `course.hint("<exercise id>")`, press **Validate**. Results are compared strictly by type.
#
# The tests hand your functions a folder to write with `lend(folder)` and read back what they
# wrote with `collect(path)` (both from `course.learner.files`): in your kernel each returns the
# folder itself; when your work is graded they copy files in and out, so that the tests read only
# what your code wrote.

# %% nbgrader={"grade": false, "grade_id": "setup-query", "locked": true, "schema_version": 3, "solution": false, "task": false}
import json
import math
from pathlib import Path

import datafusion
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import course
from course.learner.checking import check, check_raises
from course.learner.files import collect, lend, scratch_folder
from course.timeseries import day_of

TAG = pa.dictionary(pa.int32(), pa.string())  # the type of a tag column
scratch = scratch_folder("timeseries-query-")  # files you write go here (removed at exit)

# %% [markdown]
# ## Exercise 5: downsampling with `date_bin`, in pyarrow (3 points)
#
# Downsampling turns raw points into one row per series and time window. In SQL (DataFusion,
# InfluxDB 3) it is
#
# ```sql
# SELECT host, date_bin(INTERVAL '5 minutes', time, origin) AS window,
#        count(usage), avg(usage), max(usage)
# FROM cpu GROUP BY host, window ORDER BY host, window
# ```
#
# `date_bin(every, t, origin)` is the start of the window that holds `t`:
# `origin + floor((t - origin) / every) * every` (floor, so times before `origin` work too).
#
# Write `downsample(table, field, every, origin=0)` **with pyarrow compute, without SQL** (the
# tests hide DataFusion, DuckDB, Polars and pandas while your function runs). `table` is laid out
# as in assignment 2a: tag columns typed `TAG` (dictionary), fields, and `time` (`timestamp[ns]`);
# `field` names a numeric field; `every` and `origin` are `int` nanoseconds. Return a `pa.Table`
# with the tag columns (in the table's order, typed `pa.string()`), then `window`
# (`timestamp[ns]`), `count` (`int64`, the non-null values of `field`), `mean` and `max`
# (`float64`, null when the window has no non-null value). One row per tag combination and
# window that has at least one row (nulls in tags form their own group), sorted by the tag
# columns (nulls last) then `window`. `every <= 0` raises `ValueError`.
#
# Hint: `pc.subtract`, `pc.divide` and `pc.multiply` on `int64` (floor division needs care:
# integer `divide` truncates toward zero), then `Table.group_by(...).aggregate(...)`.
# Exercise id: `downsample`.

# %% nbgrader={"grade": false, "grade_id": "downsample", "locked": false, "schema_version": 3, "solution": true, "task": false}
def downsample(table: pa.Table, field: str, every: int, origin: int = 0) -> pa.Table:
    """count, mean and max of ``field`` per series and date_bin window, with pyarrow."""
    ### BEGIN SOLUTION
    if every <= 0:
        raise ValueError(f"every must be a positive number of nanoseconds, got {every}")
    tags = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
    t = pc.subtract(table["time"].cast(pa.int64()), origin)
    q = pc.divide(t, every)  # integer division truncates toward zero: floor it for t < 0
    q = pc.if_else(pc.greater(pc.multiply(q, every), t), pc.subtract(q, 1), q)
    window = pc.add(pc.multiply(q, every), origin)
    work = pa.table({**{n: table[n].cast(pa.string()) for n in tags}, "window": window,
                     "value": table[field].cast(pa.float64())})
    out = work.group_by(tags + ["window"]).aggregate(
        [("value", "count"), ("value", "mean"), ("value", "max")])
    out = out.sort_by([(n, "ascending") for n in tags] + [("window", "ascending")])
    return pa.table({**{n: out[n] for n in tags}, "window": out["window"].cast(pa.timestamp("ns")),
                     "count": out["value_count"], "mean": out["value_mean"], "max": out["value_max"]})
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "downsample-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
_t = pa.table({"host": pa.array(["a", "b", "a", "a", None], pa.string()).cast(TAG),
               "usage": [1.0, 2.0, None, 4.0, 5.0],
               "time": pa.array([0, 5, 12, 19, 3], pa.timestamp("ns"))})
_got = downsample(_t, "usage", 10)
check(_got.column_names, ["host", "window", "count", "mean", "max"], "downsample(...).column_names")
check([str(f.type) for f in _got.schema], ["string", "timestamp[ns]", "int64", "double", "double"],
      "the column types of downsample(...)")
check(_got.cast(pa.schema([("host", pa.string()), ("window", pa.int64()), ("count", pa.int64()),
                           ("mean", pa.float64()), ("max", pa.float64())])).to_pylist(),
      [{"host": "a", "window": 0, "count": 1, "mean": 1.0, "max": 1.0},
       {"host": "a", "window": 10, "count": 1, "mean": 4.0, "max": 4.0},
       {"host": "b", "window": 0, "count": 1, "mean": 2.0, "max": 2.0},
       {"host": None, "window": 0, "count": 1, "mean": 5.0, "max": 5.0}],
      "downsample(<5 rows>, 'usage', 10)")
_got = downsample(_t, "usage", 10, origin=-13)
check(_got["window"].cast(pa.int64()).to_pylist(), [-3, 7, 17, -3, -3], "the windows with origin=-13")
check_raises(downsample, (_t, "usage", 0), ValueError, "downsample(t, 'usage', 0)")
print("downsample: public tests passed")

# %% [markdown]
# How fast is it? The cell below times your function against DataFusion's `date_bin` on the same
# 200,000 rows, and against a plain Python loop over rows, in this run (ratios only: absolute
# times depend on the machine). The goal of the course's own pyarrow path is within 2x of
# DataFusion.

# %%
from course.timeseries.bench import downsample_ratios

try:
    print(downsample_ratios(downsample, rows=200_000))
except NotImplementedError:
    print("write downsample first, then run this cell")

# %% nbgrader={"grade": true, "grade_id": "downsample-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(31)
_schema = None
for _trial in range(25):
    _n = int(_rng.integers(1, 400))
    _names = [str(x) for x in _rng.permutation(["host", "region", "az"])[: int(_rng.integers(0, 3))]]
    _cols = {n: pa.array([None if _rng.random() < 0.1 else f"{n}-{int(_rng.integers(0, 4))}" for _ in range(_n)],
                         pa.string()).cast(TAG) for n in _names}
    _kind = ["float", "int"][_trial % 2]
    _vals = [None if _rng.random() < 0.15 else (float(_rng.normal(50, 20)) if _kind == "float" else int(_rng.integers(-50, 50)))
             for _ in range(_n)]
    _cols["usage"] = pa.array(_vals, pa.float64() if _kind == "float" else pa.int64())
    _base = 0 if _trial % 3 == 0 else 1_767_225_600 * 10**9  # around the epoch, or real 2026 times
    _cols["time"] = pa.array([_base + int(x) for x in _rng.integers(-10**12, 10**12, _n)], pa.timestamp("ns"))
    _table = pa.table(_cols)
    _every = int(_rng.choice([7, 1000, 10**9, 60 * 10**9, 3_600 * 10**9]))
    _origin = int(_rng.integers(-10**11, 10**11)) if _rng.random() < 0.5 else 0
    # The oracle: DataFusion's date_bin and aggregates on the same table.
    _ctx = datafusion.SessionContext()
    _ctx.register_record_batches("t", [_table.to_batches()])
    _sel = ", ".join(f'CAST("{n}" AS VARCHAR) AS "{n}"' for n in _names)
    _grp = ", ".join(f'"{n}"' for n in _names)
    _sql = (f"SELECT {_sel + ', ' if _names else ''}arrow_cast(date_bin(INTERVAL '{_every} nanoseconds', time, "
            f"to_timestamp_nanos({_origin})), 'Int64') AS window, count(usage) AS count, "
            f"avg(CAST(usage AS DOUBLE)) AS mean, max(CAST(usage AS DOUBLE)) AS max FROM t "
            f"GROUP BY {_grp + ', ' if _names else ''}window "
            f"ORDER BY {', '.join(f'{_q} NULLS LAST' for _q in _grp.split(', ')) + ', ' if _names else ''}window")
    _expected = _ctx.sql(_sql).to_arrow_table().to_pylist()
    with course.by_hand("datafusion", "duckdb", "polars", "pandas"):
        _got = downsample(_table, "usage", _every, _origin)
    check([(f.name, str(f.type)) for f in _got.schema],
          [(n, "string") for n in _names] + [("window", "timestamp[ns]"), ("count", "int64"), ("mean", "double"), ("max", "double")],
          f"the columns of downsample(<{_n} rows, tags {_names}>, 'usage', {_every}, {_origin})")
    _got_rows = _got.set_column(len(_names), "window", _got["window"].cast(pa.int64())).to_pylist()
    check(_got_rows, _expected, f"downsample(<{_n} rows, tags {_names}>, 'usage', {_every}, {_origin})", rel_tol=1e-9)
for _bad in (0, -5):
    check_raises(downsample, (_table, "usage", _bad), ValueError, f"downsample(t, 'usage', {_bad})")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 6: gap filling (3 points)
#
# A downsampled series has holes: windows where nothing was reported. InfluxDB 3 adds SQL
# functions to fill them: `date_bin_gapfill(...)` emits **every** window of the queried range for
# **every** series; `locf(x)` ("last observation carried forward") and `interpolate(x)` say what
# goes in the new rows. Stock SQL cannot do this in one function (you need `range()`, a join and
# window functions, see lecture 03).
#
# Write `gap_fill(rows, groups, values, every, start, end, fill, origin=0)`, the database's
# gap-filling step (the operator `GapFillExec`), on plain data:
#
# - `rows`: a `list` of `dict`s, already aggregated: each has the keys in `groups` (a `list` of
#   `str`), `"time"` (an `int`, already a window start, or `None`) and the keys in `values` (`int`,
#   `float` or `None`). Rows of one series (same group values) are together; within it, rows
#   with `time` `None` come first, then rows in increasing time, at most one per window.
# - The windows of a series run from `first` to `last` in steps of `every`, where `last =
#   date_bin(end)` and `first = date_bin(start)`; when `start` is `None` (no lower bound), `first`
#   is the series' own first time, and a series with no row that has a time gets no windows.
#   `date_bin(t) = origin + floor((t - origin) / every) * every`. (Input times always lie inside.)
# - Output: a `list` of `dict`s with the same keys, series in input order; each series' rows with
#   time `None` first, unchanged, then one row per window in increasing time: the existing row
#   if there is one, else a new row with the group values and `None` in each value column; then
#   each value column is filled after `fill[column]`:
#   - `"null"`: nothing more (new rows keep `None`; existing rows keep their values, nulls too).
#   - `"locf"`: every `None` (in a new or an existing row) becomes the latest earlier non-null
#     value of that column in the series; `None` while there is none yet.
#   - `"interpolate"`: every `None` that lies between two non-null values `(t0, v0)` and `(t1, v1)`
#     of the column in the series becomes `v0 + (v1 - v0) / (t1 - t0) * (t - t0)` computed with
#     `float`s, then, if `v0` and `v1` are both `int`, truncated toward zero with `int()`. Before
#     the first and after the last non-null value it stays `None`.
#   Rows with time `None` never count as "earlier" values.
#
# ```python
# gap_fill([{"host": "a", "time": 10, "v": 1}, {"host": "a", "time": 40, "v": 4}],
#          ["host"], ["v"], 10, 0, 50, {"v": "interpolate"})
# # -> [{"host": "a", "time": 0, "v": None}, {"host": "a", "time": 10, "v": 1},
# #     {"host": "a", "time": 20, "v": 2}, {"host": "a", "time": 30, "v": 3},
# #     {"host": "a", "time": 40, "v": 4}, {"host": "a", "time": 50, "v": None}]
# ```
#
# The tests use cases taken from the database's own gap-filling tests
# (`course.data_path("timeseries-gapfill.json")`) and generated series checked against DataFusion
# (`range()` + `LEFT JOIN`, and `last_value(...) IGNORE NULLS` for `locf`). Exercise id:
# `gap-fill`.

# %% nbgrader={"grade": false, "grade_id": "gap-fill", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gap_fill(rows: list[dict], groups: list[str], values: list[str], every: int,
             start: int | None, end: int, fill: dict[str, str], origin: int = 0) -> list[dict]:
    """Every window of [start, end] for every series, filled per column."""
    ### BEGIN SOLUTION
    def date_bin(t):
        return origin + (t - origin) // every * every

    series = {}
    for row in rows:
        series.setdefault(tuple(row[g] for g in groups), []).append(row)
    out = []
    for key, members in series.items():
        untimed = [dict(r) for r in members if r["time"] is None]
        timed = {r["time"]: dict(r) for r in members if r["time"] is not None}
        out.extend(untimed)
        if start is None and not timed:
            continue
        first = min(timed) if start is None else date_bin(start)
        filled = []
        for t in range(first, date_bin(end) + 1, every):
            filled.append(timed.get(t) or {**dict(zip(groups, key, strict=True)), "time": t,
                                           **{v: None for v in values}})
        for column in values:
            known = [(r["time"], r[column]) for r in filled if r[column] is not None]
            if fill[column] == "locf":
                last = None
                for r in filled:
                    if r[column] is None:
                        r[column] = last
                    else:
                        last = r[column]
            elif fill[column] == "interpolate":
                for (t0, v0), (t1, v1) in zip(known[:-1], known[1:], strict=True):
                    for r in filled:
                        if t0 < r["time"] < t1 and r[column] is None:
                            x = float(v0) + (float(v1) - float(v0)) / (t1 - t0) * (r["time"] - t0)
                            r[column] = int(x) if isinstance(v0, int) and isinstance(v1, int) else x
        out.extend(filled)
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "gap-fill-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
check(gap_fill([{"host": "a", "time": 10, "v": 1}, {"host": "a", "time": 40, "v": 4}],
               ["host"], ["v"], 10, 0, 50, {"v": "interpolate"}),
      [{"host": "a", "time": 0, "v": None}, {"host": "a", "time": 10, "v": 1}, {"host": "a", "time": 20, "v": 2},
       {"host": "a", "time": 30, "v": 3}, {"host": "a", "time": 40, "v": 4}, {"host": "a", "time": 50, "v": None}],
      "gap_fill(<2 rows>, ..., fill interpolate)")
check(gap_fill([{"h": "a", "time": 10, "v": 1.5}, {"h": "a", "time": 20, "v": None}], ["h"], ["v"], 10, 5, 35, {"v": "locf"}),
      [{"h": "a", "time": 0, "v": None}, {"h": "a", "time": 10, "v": 1.5}, {"h": "a", "time": 20, "v": 1.5},
       {"h": "a", "time": 30, "v": 1.5}], "gap_fill(<2 rows>, ..., start=5, end=35, fill locf)")
_public_cases = json.loads(course.data_path("timeseries-gapfill.json").read_text(encoding="utf-8"))["cases"]
for _case in _public_cases:
    _a = _case["arguments"]
    check(gap_fill(_a["rows"], _a["groups"], _a["values"], _a["every"], _a["start"], _a["end"], _a["fill"], _a["origin"]),
          _case["expected"], f"gap_fill on case {_case['id']}: {_case['description']}")
print("gap_fill: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "gap-fill-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.grading.hidden import hidden_data as _hidden_data

# The oracle: the database's own gap-filling test cases.
for _case in _hidden_data("02-timeseries", "gapfill-hidden.json")["cases"]:
    _a = _case["arguments"]
    check(gap_fill(_a["rows"], _a["groups"], _a["values"], _a["every"], _a["start"], _a["end"], _a["fill"], _a["origin"]),
          _case["expected"], f"gap_fill on case {_case['id']}: {_case['description']}")

# Generated series; the oracle: DataFusion (range + LEFT JOIN; last_value IGNORE NULLS for locf).
_rng = course.rng(32)
for _trial in range(30):
    _every = int(_rng.choice([1, 10, 60]))
    _origin = int(_rng.integers(-100, 100)) if _rng.random() < 0.5 else 0
    _start, _end = int(_rng.integers(-500, 500)), 0
    _end = _start + int(_rng.integers(0, 30)) * _every
    _first = _origin + (_start - _origin) // _every * _every
    _last = _origin + (_end - _origin) // _every * _every
    _rows = []
    for _g in ["a", "b", "c"][: int(_rng.integers(1, 4))]:
        for _t in range(_first, _last + 1, _every):
            if _rng.random() < 0.4:
                _rows.append({"g": _g, "time": _t, "v": None if _rng.random() < 0.2 else float(_rng.normal(0, 10)),
                              "n": None if _rng.random() < 0.2 else int(_rng.integers(-99, 99))})
    _fill = {"v": str(_rng.choice(["null", "locf"])), "n": str(_rng.choice(["null", "locf"]))}
    _table = pa.Table.from_pylist(_rows, schema=pa.schema([("g", pa.string()), ("time", pa.int64()),
                                                           ("v", pa.float64()), ("n", pa.int64())]))
    _ctx = datafusion.SessionContext()
    _ctx.register_record_batches("t", [_table.to_batches()] if _rows else [[pa.record_batch(
        [pa.array([], pa.string()), pa.array([], pa.int64()), pa.array([], pa.float64()), pa.array([], pa.int64())],
        names=["g", "time", "v", "n"])]])
    _exprs = []
    for _c in ("v", "n"):
        _exprs.append(f"t.{_c} AS {_c}" if _fill[_c] == "null" else
                      f"last_value(t.{_c}) IGNORE NULLS OVER (PARTITION BY s.g ORDER BY b.time "
                      f"ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS {_c}")
    _sql = (f"WITH s AS (SELECT DISTINCT g FROM t), b AS (SELECT unnest(range({_first}, {_last + 1}, {_every})) AS time) "
            f"SELECT s.g AS g, b.time AS time, {', '.join(_exprs)} FROM s CROSS JOIN b "
            f"LEFT JOIN t ON t.g = s.g AND t.time = b.time ORDER BY g, time")
    _expected = _ctx.sql(_sql).to_arrow_table().to_pylist() if _rows else []
    _got = gap_fill([dict(r) for r in _rows], ["g"], ["v", "n"], _every, _start, _end, dict(_fill), _origin)
    check(_got, _expected, f"gap_fill(<{len(_rows)} rows>, ['g'], ['v', 'n'], {_every}, {_start}, {_end}, {_fill}, {_origin})")
    # No lower bound: each series starts at its own first window.
    _got = gap_fill([dict(r) for r in _rows], ["g"], ["v", "n"], _every, None, _end, {"v": "null", "n": "null"}, _origin)
    _firsts = {}
    for _r in _rows:
        _firsts.setdefault(_r["g"], _r["time"])
    check([(_r["g"], _r["time"]) for _r in _got],
          [(_g, _t) for _g, _f in _firsts.items() for _t in range(_f, _last + 1, _every)],
          f"the series and times of gap_fill(<{len(_rows)} rows>, ..., start=None, end={_end})")
# Interpolation: brute force over the known points, floats and ints.
for _trial in range(30):
    _known = sorted({int(x) for x in _rng.integers(0, 20, int(_rng.integers(0, 6)))})
    _is_int = _trial % 2 == 0
    _points = {t * 10: (int(_rng.integers(-1000, 1000)) if _is_int else float(_rng.normal(0, 100))) for t in _known}
    _nulls = {int(x) * 10 for x in _rng.integers(0, 20, 3)} - set(_points)  # existing rows holding None
    _rows = [{"k": "x", "time": t, "v": _points.get(t)} for t in sorted(set(_points) | _nulls)]
    if _rng.random() < 0.5:  # a row without time: passed through, never a known point
        _rows.insert(0, {"k": "x", "time": None, "v": 7})
    _expected = [dict(r) for r in _rows if r["time"] is None]
    _ts = sorted(_points)
    for _t in range(0, 200, 10):
        if _t in _points:
            _v = _points[_t]
        else:
            _left = [t for t in _ts if t < _t]
            _right = [t for t in _ts if t > _t]
            if _left and _right:
                _t0, _t1 = _left[-1], _right[0]
                _x = float(_points[_t0]) + (float(_points[_t1]) - float(_points[_t0])) / (_t1 - _t0) * (_t - _t0)
                _v = int(_x) if _is_int else _x
            else:
                _v = None
        _expected.append({"k": "x", "time": _t, "v": _v})
    _expected = _expected if _rows else []
    check(gap_fill(_rows, ["k"], ["v"], 10, 0, 195, {"v": "interpolate"}), _expected,
          f"gap_fill(<known points {_points}>, ['k'], ['v'], 10, 0, 195, interpolate)")
check(gap_fill([], ["g"], ["v"], 10, 0, 100, {"v": "null"}), [], "gap_fill([], ...)")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 7: selectors (2 points)
#
# "What was the peak, and **when**?" A plain `max(usage)` loses the time. InfluxDB 3 adds
# selector functions, `selector_max(usage, time)` and friends, that return both. Write
# `selector(function, values, times)`: `function` is `"first"`, `"last"`, `"min"` or `"max"`;
# `values` and `times` are equal-length `list`s (the rows in input order); values are `float`s
# (NaN and infinities allowed), `int`s, `str`s or `bool`s, all of one kind, or `None`; times are
# `int`s or `None`. Return the `tuple` `(value, time)` of the selected row, or `(None, None)` if
# no row qualifies. The database's rules:
#
# - Rows whose value is `None` are ignored; for `"first"` and `"last"` so are rows whose time is
#   `None` (the tests give `"min"` and `"max"` no `None` times).
# - `"first"`: the row with the smallest time; `"last"`: the largest time. On a tie in time, both
#   take the **first such row in input order**.
# - `"min"` / `"max"`: the smallest / largest value, ordering NaN **above** `+inf` (so `max` of
#   values holding a NaN is NaN) and `False < True`, strings by code point. On a tie in value, both
#   take the row with the **smallest time** (then the first in input order).
#
# `function` not one of the four raises `ValueError`. Hidden tests use the cases of the
# database's own selector tests (`course.data_path("timeseries-selectors.json")` for the public
# ones). Exercise id: `selectors`.

# %% nbgrader={"grade": false, "grade_id": "selectors", "locked": false, "schema_version": 3, "solution": true, "task": false}
def selector(function: str, values: list, times: list) -> tuple:
    """(value, time) of the row selected by first, last, min or max."""
    ### BEGIN SOLUTION
    if function not in ("first", "last", "min", "max"):
        raise ValueError(f"function must be 'first', 'last', 'min' or 'max', not {function!r}")
    rows = [(v, t) for v, t in zip(values, times, strict=True)
            if v is not None and (t is not None or function in ("min", "max"))]
    if not rows:
        return (None, None)

    def rank(v):
        return (1, 0) if isinstance(v, float) and math.isnan(v) else (0, v)

    if function == "first":
        best = min(rows, key=lambda r: r[1])
    elif function == "last":
        top = max(t for _, t in rows)
        best = next(r for r in rows if r[1] == top)
    elif function == "min":
        best = min(rows, key=lambda r: (rank(r[0]), r[1]))
    else:
        top = max(rank(v) for v, _ in rows)
        best = min((r for r in rows if rank(r[0]) == top), key=lambda r: r[1])
    return best
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "selectors-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
check(selector("max", [1.0, 5.0, None, 5.0], [10, 30, 40, 20]), (5.0, 20), "selector('max', [1.0, 5.0, None, 5.0], [10, 30, 40, 20])")
check(selector("first", [1, 2, 3], [20, 10, 10]), (2, 10), "selector('first', [1, 2, 3], [20, 10, 10])")
check(selector("last", [None, None], [1, 2]), (None, None), "selector('last', [None, None], [1, 2])")
check_raises(selector, ("mean", [1.0], [1]), ValueError, "selector('mean', [1.0], [1])")
_public_cases = json.loads(course.data_path("timeseries-selectors.json").read_text(encoding="utf-8"))["cases"]
for _case in _public_cases:
    _a = _case["arguments"]
    _exp = _case["expected"]
    _exp = (float(_exp[0]) if _a["kind"] == "float" and _exp[0] is not None else _exp[0], _exp[1])
    _vals = [float(v) if _a["kind"] == "float" and v is not None else v for v in _a["values"]]
    check(selector(_a["function"], _vals, _a["times"]), _exp, f"selector on case {_case['id']}: {_case['description']}")
print("selector: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "selectors-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.grading.hidden import hidden_data as _hidden_data

# The oracle: the database's selector test cases.
for _case in _hidden_data("02-timeseries", "selectors-hidden.json")["cases"]:
    _a = _case["arguments"]
    _exp = _case["expected"]
    _exp = (float(_exp[0]) if _a["kind"] == "float" and _exp[0] is not None else _exp[0], _exp[1])
    _vals = [float(v) if _a["kind"] == "float" and v is not None else v for v in _a["values"]]
    check(selector(_a["function"], _vals, _a["times"]), _exp, f"selector on case {_case['id']}: {_case['description']}")
# Generated rows; the oracle: DataFusion first_value(... ORDER BY ...) FILTER (WHERE value IS NOT NULL).
_rng = course.rng(33)
_order = {"first": "time ASC, ord ASC", "last": "time DESC, ord ASC", "min": "value ASC, time ASC, ord ASC",
          "max": "value DESC, time ASC, ord ASC"}
for _trial in range(120):
    _fn = ["first", "last", "min", "max"][_trial % 4]
    _kind = ["float", "int", "str"][_trial % 3]
    _n = int(_rng.integers(0, 12))
    _pool = {"float": [1.5, -2.0, 0.0, math.inf, -math.inf, math.nan, 7.25],
             "int": [3, -1, 0, 12, 3], "str": ["b", "a", "ab", "B", "é"]}[_kind]
    _vals = [None if _rng.random() < 0.2 else _pool[int(_rng.integers(0, len(_pool)))] for _ in range(_n)]
    _times = [None if (_fn in ("first", "last") and _rng.random() < 0.1) else int(_rng.integers(0, 6)) for _ in range(_n)]
    _arrow = {"float": pa.float64(), "int": pa.int64(), "str": pa.string()}[_kind]
    _table = pa.table({"value": pa.array(_vals, _arrow), "time": pa.array(_times, pa.int64()), "ord": pa.array(range(_n), pa.int64())})
    _ctx = datafusion.SessionContext()
    _ctx.register_record_batches("t", [_table.to_batches() or [pa.record_batch([pa.array([], _arrow), pa.array([], pa.int64()), pa.array([], pa.int64())], names=["value", "time", "ord"])]])
    _cond = "value IS NOT NULL" + (" AND time IS NOT NULL" if _fn in ("first", "last") else "")
    _res = _ctx.sql(f"SELECT first_value(value ORDER BY {_order[_fn]}) FILTER (WHERE {_cond}) AS v, "
                    f"first_value(time ORDER BY {_order[_fn]}) FILTER (WHERE {_cond}) AS t FROM t").to_arrow_table().to_pylist()[0]
    check(selector(_fn, list(_vals), list(_times)), (_res["v"], _res["t"]), f"selector({_fn!r}, {_vals}, {_times})")
check(selector("max", [False, True, True], [3, 2, 1]), (True, 1), "selector('max', [False, True, True], [3, 2, 1])")
check(selector("min", [True, False], [1, 2]), (False, 2), "selector('min', [True, False], [1, 2])")
check(selector("min", [math.nan, math.nan], [5, 3]), (math.nan, 3), "selector('min', [nan, nan], [5, 3])")
check(selector("last", [1, 2, 3], [5, 5, 4]), (1, 5), "selector('last', [1, 2, 3], [5, 5, 4])")
for _bad in ("MAX", "mean", ""):
    check_raises(selector, (_bad, [1.0], [1]), ValueError, f"selector({_bad!r}, [1.0], [1])")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 8: two tiers and dedup (3 points)
#
# InfluxDB 3 answers a query from two places at once: recent points still in the in-memory
# buffer, older ones in Parquet files. A point may be in both (written twice, or corrected
# later). The database resolves duplicates: points of the **same series** (equal tag values,
# a null equal to a null) at the **same time** become one row, and for each field the **newest
# non-null value** wins (so field sets are unioned).
#
# Write `query_two_tiers(buffer, files, start, end)`:
#
# - `buffer`: a `pa.Table` laid out as in assignment 2a (tags typed `TAG`, fields, `time`);
# - `files`: a `list` of Parquet file paths (`str`), **oldest first**, each holding rows with the
#   same schema as `buffer`;
# - `start`, `end`: `int` nanoseconds; keep rows with `start <= time < end`.
#
# Newer means: a file later in the list is newer than an earlier one, the buffer is newer than
# every file, and within one file or the buffer a later row is newer than an earlier one. Return a
# `pa.Table` with the buffer's schema, one row per series and time, sorted by the tag columns (in
# schema order, by text, nulls last) then time. A field that is null in every duplicate stays
# null.
#
# Exercise id: `two-tiers`.

# %% nbgrader={"grade": false, "grade_id": "two-tiers", "locked": false, "schema_version": 3, "solution": true, "task": false}
def query_two_tiers(buffer: pa.Table, files: list[str], start: int, end: int) -> pa.Table:
    """Rows of the files and the buffer in [start, end), deduplicated, newest value winning."""
    ### BEGIN SOLUTION
    tags = [f.name for f in buffer.schema if pa.types.is_dictionary(f.type)]
    fields = [n for n in buffer.column_names if n not in tags and n != "time"]
    merged = {}
    for source in [pq.read_table(p) for p in files] + [buffer]:
        times = source["time"].cast(pa.int64()).to_pylist()
        for row, t in zip(source.to_pylist(), times, strict=True):
            if not start <= t < end:
                continue
            row["time"] = t
            key = (tuple(row[n] for n in tags), t)
            old = merged.setdefault(key, row)
            if old is not row:
                for f in fields:
                    if row[f] is not None:
                        old[f] = row[f]
    ordered = sorted(merged.items(), key=lambda kv: ([(v is None, v or "") for v in kv[0][0]], kv[0][1]))
    return pa.Table.from_pylist([row for _, row in ordered], schema=buffer.schema)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "two-tiers-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
_schema = pa.schema([("host", TAG), ("usage", pa.float64()), ("state", pa.string()), ("time", pa.timestamp("ns"))])
_old = pa.Table.from_pylist([{"host": "a", "usage": 1.0, "state": "ok", "time": 10},
                             {"host": "b", "usage": 2.0, "state": None, "time": 10}], schema=_schema)
pq.write_table(_old, scratch / "old.parquet")
_buffer = pa.Table.from_pylist([{"host": "a", "usage": 9.0, "state": None, "time": 10},
                                {"host": "a", "usage": 3.0, "state": "ok", "time": 20}], schema=_schema)
_got = query_two_tiers(_buffer, [str(scratch / "old.parquet")], 0, 100)
check(_got.schema.equals(_schema), True, "query_two_tiers(...) keeps the buffer's schema")
check(_got.cast(pa.schema([("host", pa.string()), ("usage", pa.float64()), ("state", pa.string()), ("time", pa.int64())])).to_pylist(),
      [{"host": "a", "usage": 9.0, "state": "ok", "time": 10}, {"host": "a", "usage": 3.0, "state": "ok", "time": 20},
       {"host": "b", "usage": 2.0, "state": None, "time": 10}], "query_two_tiers(<buffer 2 rows>, [old.parquet], 0, 100)")
check(query_two_tiers(_buffer, [str(scratch / "old.parquet")], 11, 20).num_rows, 0, "query_two_tiers(..., 11, 20).num_rows")
print("two tiers: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "two-tiers-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(34)
_schema = pa.schema([("host", TAG), ("region", TAG), ("usage", pa.float64()), ("n", pa.int64()), ("time", pa.timestamp("ns"))])
_plain = pa.schema([("host", pa.string()), ("region", pa.string()), ("usage", pa.float64()), ("n", pa.int64()), ("time", pa.int64())])
for _trial in range(15):
    _sources = []
    for _s in range(int(_rng.integers(0, 4)) + 1):
        _rows = [{"host": None if _rng.random() < 0.1 else f"h{int(_rng.integers(0, 3))}",
                  "region": None if _rng.random() < 0.1 else str(_rng.choice(["eu", "us"])),
                  "usage": None if _rng.random() < 0.3 else float(_rng.normal(50, 10)),
                  "n": None if _rng.random() < 0.3 else int(_rng.integers(0, 100)),
                  "time": int(_rng.integers(0, 12))} for _ in range(int(_rng.integers(0, 40)))]
        _sources.append(pa.Table.from_pylist(_rows, schema=_schema))
    _paths = []
    for _i, _src in enumerate(_sources[:-1]):
        _p = scratch / f"tier-{_trial}-{_i}.parquet"
        pq.write_table(_src, _p)
        _paths.append(str(_p))
    _start = int(_rng.integers(0, 6))
    _end = _start + int(_rng.integers(0, 10))
    # The oracle: DataFusion, newest non-null value per (series, time) by source and row order.
    _all = pa.concat_tables([s.cast(_plain).append_column("seq", pa.array([_k * 1000 + _j for _j in range(s.num_rows)], pa.int64()))
                             for _k, s in enumerate(_sources)])
    _ctx = datafusion.SessionContext()
    _ctx.register_record_batches("t", [_all.to_batches() or [pa.record_batch([pa.array([], f.type) for f in _plain] + [pa.array([], pa.int64())], names=_plain.names + ["seq"])]])
    _sql = ("SELECT host, region, last_value(usage ORDER BY seq) FILTER (WHERE usage IS NOT NULL) AS usage, "
            "last_value(n ORDER BY seq) FILTER (WHERE n IS NOT NULL) AS n, time FROM t "
            f"WHERE time >= {_start} AND time < {_end} GROUP BY host, region, time "
            "ORDER BY host NULLS LAST, region NULLS LAST, time")
    _expected = _ctx.sql(_sql).to_arrow_table().to_pylist()
    _got = query_two_tiers(_sources[-1], list(_paths), _start, _end)
    check([(f.name, str(f.type)) for f in _got.schema], [(f.name, str(f.type)) for f in _schema],
          f"the schema of query_two_tiers(<trial {_trial}>)")
    check(_got.cast(_plain).to_pylist(), _expected,
          f"query_two_tiers(<buffer {_sources[-1].num_rows} rows>, <{len(_paths)} files>, {_start}, {_end})")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 9: compaction (2 points)
#
# Persisting often keeps memory small but leaves many small files, and every file a query cannot
# skip costs a request. **Compaction** rewrites them. Write `compact(catalog, folder, max_rows)`:
#
# - `catalog`: a `list` of entries as in exercise 4 of assignment 2a (`{"file", "min_time",
#   "max_time", "rows"}`), naming Parquet files in the folder `folder` (a `str`), all with one
#   schema laid out as in assignment 2a; files may overlap in time and cover several UTC days.
# - Write, into the same folder, new files that hold **exactly the rows of the old ones** (keep
#   duplicates; do not delete the old files): for each UTC day, that day's rows from all files,
#   **sorted by the tag columns** (schema order, by text, nulls last) **then time**, cut in order
#   into files of `max_rows` rows (the last one of a day may be shorter). Name them
#   `compacted-YYYY-MM-DD-N.parquet` with `N` = 0, 1, 2, ... within the day.
# - Return the new catalog, one entry per new file, sorted by file name as text (so
#   `compacted-2026-01-01-10.parquet` comes before `compacted-2026-01-01-2.parquet`), with the
#   same keys.
#
# `max_rows` below 1 raises `ValueError`. The tests check the rows (nothing lost, nothing added),
# the order, the file sizes and the catalog, and count the files that range queries open before
# and after. Exercise id: `compaction`.

# %% nbgrader={"grade": false, "grade_id": "compaction", "locked": false, "schema_version": 3, "solution": true, "task": false}
def compact(catalog: list[dict], folder: str, max_rows: int) -> list[dict]:
    """Rewrite the catalog's files as day files of at most max_rows sorted rows."""
    ### BEGIN SOLUTION
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1, got {max_rows}")
    if not catalog:
        return []
    whole = pa.concat_tables([pq.read_table(Path(folder) / e["file"]) for e in catalog])
    tags = [f.name for f in whole.schema if pa.types.is_dictionary(f.type)]
    times = whole["time"].cast(pa.int64())
    days = pa.array([day_of(t) for t in times.to_pylist()], pa.string())
    new = []
    for day in sorted(set(days.to_pylist())):
        part = whole.filter(pc.equal(days, day))
        keys = pa.table({**{f"k{i}": part[n].cast(pa.string()) for i, n in enumerate(tags)},
                         "time": part["time"]})
        part = part.take(pc.sort_indices(keys, sort_keys=[(n, "ascending") for n in keys.column_names]))
        for n, offset in enumerate(range(0, part.num_rows, max_rows)):
            chunk = part.slice(offset, max_rows)
            name = f"compacted-{day}-{n}.parquet"
            pq.write_table(chunk, Path(folder) / name)
            ts = chunk["time"].cast(pa.int64())
            new.append({"file": name, "min_time": pc.min(ts).as_py(), "max_time": pc.max(ts).as_py(),
                        "rows": chunk.num_rows})
    return sorted(new, key=lambda e: e["file"])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "compaction-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
_day = 86_400 * 10**9
_t0 = 1_767_225_600 * 10**9  # 2026-01-01T00:00:00Z
_schema = pa.schema([("host", TAG), ("usage", pa.float64()), ("time", pa.timestamp("ns"))])
_folder = scratch / "compaction-public"
_folder.mkdir()
_catalog = []
for _k in range(6):  # six small files, each with points of both days
    _rows = [{"host": h, "usage": float(_k), "time": _t0 + _k * 3_600 * 10**9 + _d * _day + _i}
             for _i, h in enumerate(["b", "a"]) for _d in (0, 1)]
    _tab = pa.Table.from_pylist(_rows, schema=_schema)
    pq.write_table(_tab, _folder / f"small-{_k}.parquet")
    _ts = _tab["time"].cast(pa.int64())
    _catalog.append({"file": f"small-{_k}.parquet", "min_time": pc.min(_ts).as_py(),
                     "max_time": pc.max(_ts).as_py(), "rows": _tab.num_rows})
_lent = lend(_folder)  # a copy of the files, in a folder your code may write
_new = compact(_catalog, _lent, 5)
check([e["file"] for e in _new], ["compacted-2026-01-01-0.parquet", "compacted-2026-01-01-1.parquet",
                                  "compacted-2026-01-01-2.parquet", "compacted-2026-01-02-0.parquet",
                                  "compacted-2026-01-02-1.parquet", "compacted-2026-01-02-2.parquet"],
      "the files of compact(<6 small files over 2 days>, folder, 5)")
check([e["rows"] for e in _new], [5, 5, 2, 5, 5, 2], "the rows per file")
_first = pq.read_table(collect(_lent) / "compacted-2026-01-01-0.parquet")  # what your code wrote
check(_first["host"].cast(pa.string()).to_pylist(), ["a", "a", "a", "a", "a"], "the hosts of the first file")
check(_first["usage"].to_pylist(), [0.0, 1.0, 2.0, 3.0, 4.0], "the usage of the first file (sorted by time)")
check_raises(compact, (_catalog, _lent, 0), ValueError, "compact(catalog, folder, 0)")


def _opened(catalog, start, end):
    return sum(1 for e in catalog if e["min_time"] < end and e["max_time"] >= start)


_q = (_t0 + _day, _t0 + _day + 7_200 * 10**9)  # the first two hours of the second day
print("a two-hour query opens", _opened(_catalog, *_q), "small files, and", _opened(_new, *_q),
      "compacted ones")
print("compaction: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "compaction-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(35)
_schema = pa.schema([("host", TAG), ("region", TAG), ("usage", pa.float64()), ("time", pa.timestamp("ns"))])
_plain = pa.schema([("host", pa.string()), ("region", pa.string()), ("usage", pa.float64()), ("time", pa.int64())])
for _trial in range(8):
    _folder = scratch / f"compaction-{_trial}"
    _folder.mkdir()
    _catalog, _all = [], []
    for _k in range(int(_rng.integers(1, 15))):
        _rows = [{"host": None if _rng.random() < 0.1 else f"h{int(_rng.integers(0, 4))}",
                  "region": None if _rng.random() < 0.1 else str(_rng.choice(["eu", "us"])),
                  "usage": float(_rng.normal(50, 10)),
                  "time": int(_t0 + _rng.integers(0, 3 * _day))} for _ in range(int(_rng.integers(1, 60)))]
        _all += _rows
        _tab = pa.Table.from_pylist(_rows, schema=_schema)
        pq.write_table(_tab, _folder / f"p{_k:02d}.parquet")
        _ts = _tab["time"].cast(pa.int64())
        _catalog.append({"file": f"p{_k:02d}.parquet", "min_time": pc.min(_ts).as_py(),
                         "max_time": pc.max(_ts).as_py(), "rows": _tab.num_rows})
    _max = int(_rng.choice([1, 7, 50, 1000]))
    _given = lend(_folder)
    _new = compact([dict(e) for e in _catalog], _given, _max)
    _back = collect(_given)
    # The oracle: the old rows, grouped by day and sorted in plain Python.
    _days = {}
    for _r in _all:
        _days.setdefault(day_of(_r["time"]), []).append(_r)
    _want_files, _want_rows = [], {}
    for _d in sorted(_days):
        _sorted = sorted(_days[_d], key=lambda r: ((r["host"] is None, r["host"] or ""), (r["region"] is None, r["region"] or ""), r["time"]))
        for _n, _off in enumerate(range(0, len(_sorted), _max)):
            _name = f"compacted-{_d}-{_n}.parquet"
            _want_files.append(_name)
            _want_rows[_name] = _sorted[_off:_off + _max]
    check([e["file"] for e in _new], sorted(_want_files), f"the new files of compact(<{len(_catalog)} files>, folder, {_max})")
    for _e in _new:
        _got = pq.read_table(_back / _e["file"])
        check([(f.name, str(f.type)) for f in _got.schema], [(f.name, str(f.type)) for f in _schema], f"the schema of {_e['file']}")
        _got = _got.cast(_plain).to_pylist()
        _want = _want_rows[_e["file"]]
        check([(r["host"], r["region"], r["time"]) for r in _got], [(r["host"], r["region"], r["time"]) for r in _want],
              f"the tags and times of {_e['file']}, in order (trial {_trial})")
        check(sorted(r["usage"] for r in _got), sorted(r["usage"] for r in _want), f"the usage values of {_e['file']}")
        check(_e, {"file": _e["file"], "min_time": min(r["time"] for r in _want), "max_time": max(r["time"] for r in _want),
                   "rows": len(_want)}, f"the catalog entry of {_e['file']}")
check(compact([], lend(scratch / "empty"), 10), [], "compact([], folder, 10)")
for _bad in (0, -1):
    check_raises(compact, ([], lend(scratch / "empty"), _bad), ValueError, f"compact([], folder, {_bad})")
### END HIDDEN TESTS

# %% [markdown]
# ## Done
#
# Press **Validate**. The closing note of the module (lecture 04) puts your numbers next to the
# webinar's claims.
