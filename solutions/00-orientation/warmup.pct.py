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
# # Warm-up: how this course grades your work
#
# **Time:** about 30 minutes. **Prerequisites:** Python functions, lists and dicts.
#
# This short assignment uses every grading feature of the course, so that nothing is new when the
# modules start. By the end you will have:
#
# - written four small functions, each in its own **answer cell**;
# - run the **public tests** under each answer to get feedback while you work;
# - asked for a **hint** with `course.hint("exercise-id")`;
# - seen your own result in a **plot**;
# - pressed **Validate** to check the whole notebook the way the grader will.
#
# ## How to work
#
# 1. Run the set-up cell below once (Shift+Enter).
# 2. For each exercise, replace `raise NotImplementedError()` in the answer cell with your code.
#    Keep the function's name and parameters: the tests call it.
# 3. Run the answer cell, then the test cell under it. A test cell that prints `passed` and shows
#    no red error has passed. A red `CheckFailed` message says what differs: fix and run both again.
# 4. Stuck? Run `course.hint("exercise-id")` in a new cell. Each call shows one more hint.
# 5. When you are done, click **Validate** in the notebook toolbar. It restarts the kernel, runs
#    every cell from the top and reports any failing test.
#
# ## How grading works
#
# Each exercise has **public tests** (you see them, run them, and they are worth some points) and
# **hidden tests** (the cell says `# Hidden tests run when your work is graded`). Hidden tests try
# many more inputs, including edge cases, and compare your answer with a trusted *oracle*: here,
# the Arrow library's and pandas' own results. A test cell scores **zero** if it raises an error
# **or writes anything to stderr** (warnings included), so keep your functions quiet.
#
# Your answers are compared **strictly by type**: `3` and `3.0` are different answers, because an
# `int` and a `float` are different types, and `None` is not `0.0`. Floats are compared with a
# relative tolerance of one part in a billion (`1e-9`), so adding numbers in a different order
# than the oracle does not cost you points.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import pyarrow as pa
import pyarrow.compute as pc

import course
from course.learner.checking import check, check_raises

# %% [markdown]
# ## Exercise 1: the mean of the values that are there (2 points)
#
# Real measurements have gaps. A sensor that missed a reading reports `None` (Arrow calls it a
# *null*). The values are finite floats or `None`.
# Write `mean_of_valid(values)` that returns the mean of the values that are **not** `None`,
# as a `float`. If no value is valid (an empty list, or only `None`s), return `None`: there is no
# mean to report, and `0.0` would be a lie.
#
# ```python
# mean_of_valid([1.0, None, 3.0])  # -> 2.0
# mean_of_valid([None, None])      # -> None
# ```
#
# Exercise id: `mean-of-valid`.

# %% nbgrader={"grade": false, "grade_id": "mean-of-valid", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mean_of_valid(values: list[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    ### BEGIN SOLUTION
    valid = [v for v in values if v is not None]
    if not valid:
        return None
    return sum(valid) / len(valid)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "mean-of-valid-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
check(mean_of_valid([1.0, None, 3.0]), 2.0, "mean_of_valid([1.0, None, 3.0])")
check(mean_of_valid([None, None]), None, "mean_of_valid([None, None])")
check(mean_of_valid([]), None, "mean_of_valid([])")
print("mean_of_valid: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "mean-of-valid-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(1)
_cases = [[], [None], [None] * 4, [0.0], [0.0, None, 2.0], [0.0, 0.0], [-1.5], [None, 0.0],
          [5.0] * 7, [-2.0, 2.0], [1e300, 1e300]]
for _ in range(60):
    _n = int(_rng.integers(0, 12))
    _cases.append([None if _rng.random() < 0.3 else float(_rng.choice([0.0, _rng.normal(10, 5)]))
                   for _ in range(_n)])
for _values in _cases:
    _expected = pc.mean(pa.array(_values, type=pa.float64())).as_py()  # the oracle: Arrow
    check(mean_of_valid(list(_values)), _expected, f"mean_of_valid({_values!r})", rel_tol=1e-9, abs_tol=1e-9)
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2: count the records of each host (2 points)
#
# Metrics arrive as records (dicts), one per measurement. Write `count_by_host(records)` that
# returns a dict from each host name to the number of records for that host. A record whose host is
# missing (no `"host"` key at all, or the value `None`) is not counted under any host. Any string,
# even the empty string `""`, is a host name.
#
# ```python
# count_by_host([{"host": "a"}, {"host": "b"}, {"host": "a"}, {"host": None}])
# # -> {"a": 2, "b": 1}
# ```
#
# Exercise id: `count-by-host`.

# %% nbgrader={"grade": false, "grade_id": "count-by-host", "locked": false, "schema_version": 3, "solution": true, "task": false}
def count_by_host(records: list[dict]) -> dict[str, int]:
    """Number of records per host; records without a host are skipped."""
    ### BEGIN SOLUTION
    counts: dict[str, int] = {}
    for record in records:
        host = record.get("host")
        if host is not None:
            counts[host] = counts.get(host, 0) + 1
    return counts
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "count-by-host-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
check(count_by_host([{"host": "a"}, {"host": "b"}, {"host": "a"}]), {"a": 2, "b": 1},
      "count_by_host([a, b, a])")
check(count_by_host([]), {}, "count_by_host([])")
check(count_by_host([{"host": None, "cpu": 1.0}]), {}, "count_by_host([{'host': None, ...}])")
check(count_by_host([{"cpu": 1.0}, {"host": "a"}]), {"a": 1}, "count_by_host([{'cpu': 1.0}, {'host': 'a'}])")
print("count_by_host: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "count-by-host-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(2)
for _trial in range(40):
    _records = []
    for _ in range(int(_rng.integers(0, 30))):
        _r = {"cpu": float(_rng.random())}
        _kind = _rng.random()
        if _kind < 0.8:
            _r["host"] = f"host-{int(_rng.integers(0, 5))}"
        elif _kind < 0.9:
            _r["host"] = None
        _records.append(_r)
    if _trial % 4 == 0:  # any string is a host name: the empty string too, and "0", " ", "None"
        _records += [{"host": h, "cpu": 1.0} for h in ("", "0", " ", "None", "") if _rng.random() < 0.7]
        _records.insert(0, {"host": ""})
    # The oracle: Arrow's group-by over the same records, nulls dropped.
    _table = pa.Table.from_pylist(_records, schema=pa.schema([("host", pa.string()), ("cpu", pa.float64())]))
    _table = _table.filter(pc.is_valid(_table["host"]))
    _grouped = _table.group_by("host").aggregate([([], "count_all")]).to_pylist()
    _expected = {row["host"]: row["count_all"] for row in _grouped}
    check(count_by_host([dict(r) for r in _records]), _expected, f"count_by_host(<{len(_records)} records, trial {_trial}>)")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3: which time bucket? (3 points)
#
# Time series queries group measurements into fixed-width **buckets**: all readings from 10:00 to
# 10:05 in one, 10:05 to 10:10 in the next. Timestamps are integers: nanoseconds since
# 1970-01-01 00:00 UTC (the epoch). Buckets are aligned to the epoch, so the bucket of width `w`
# that holds timestamp `t` starts at the largest multiple of `w` that is not after `t`.
#
# Write `bucket_start(ts_ns, width_ns)` that returns that start as an `int`. Two traps:
#
# - timestamps before 1970 are negative, and the bucket of `-1` with width `10` starts at `-10`;
# - today's timestamps are about `1.7e18`, beyond what a `float` holds exactly (2**53 is about
#   `9e15`), so stay in integer arithmetic.
#
# Both arguments are `int`s. A width of zero or less makes no buckets: raise `ValueError` with a
# message that says so.
#
# ```python
# bucket_start(17, 10)  # -> 10
# bucket_start(-1, 10)  # -> -10
# ```
#
# Exercise id: `bucket-start`.

# %% nbgrader={"grade": false, "grade_id": "bucket-start", "locked": false, "schema_version": 3, "solution": true, "task": false}
def bucket_start(ts_ns: int, width_ns: int) -> int:
    """Start of the epoch-aligned bucket of width ``width_ns`` that holds ``ts_ns``."""
    ### BEGIN SOLUTION
    if width_ns <= 0:
        raise ValueError(f"width_ns must be positive, got {width_ns}")
    return ts_ns - ts_ns % width_ns
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "bucket-start-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
check(bucket_start(17, 10), 10, "bucket_start(17, 10)")
check(bucket_start(20, 10), 20, "bucket_start(20, 10)")
check(bucket_start(-1, 10), -10, "bucket_start(-1, 10)")
check(bucket_start(1_700_000_000_123_456_789, 1_000), 1_700_000_000_123_456_000,
      "bucket_start(1_700_000_000_123_456_789, 1_000)")
check_raises(bucket_start, (5, 0), ValueError, "bucket_start(5, 0)")
print("bucket_start: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "bucket-start-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.grading.inside import call_each as _call_each

_rng = course.rng(3)
_MINUTE = 60 * 10**9
_ts = [0, -1, 1, 9, 10, -10, -11, 1_700_000_000_123_456_789, -1_700_000_000_123_456_789]
_ts += [int(x) for x in _rng.integers(-2 * 10**18, 2 * 10**18, size=300)]
_arr = pa.array(_ts, type=pa.timestamp("ns"))
# (multiple, unit) of each width: Arrow takes the multiple as a 32-bit int.
_widths = [(1, "nanosecond"), (7, "nanosecond"), (10, "nanosecond"), (250, "millisecond"),
           (1, "second"), (1, "minute"), (5, "minute"), (1, "hour"), (1, "day")]
_unit_ns = {"nanosecond": 1, "millisecond": 10**6, "second": 10**9, "minute": _MINUTE,
            "hour": 60 * _MINUTE, "day": 24 * 60 * _MINUTE}
for _multiple, _unit in _widths:
    _w = _multiple * _unit_ns[_unit]
    # The oracle: Arrow's floor_temporal on nanosecond timestamps.
    _expected = pc.floor_temporal(_arr, multiple=_multiple, unit=_unit).cast(pa.int64()).to_pylist()
    _got = _call_each(bucket_start, [(_t, _w) for _t in _ts])  # one round trip per width
    for _t, _g, _e in zip(_ts, _got, _expected, strict=True):
        check(_g, _e, f"bucket_start({_t}, {_w})")
for _bad in (0, -5, -_MINUTE):
    check_raises(bucket_start, (123, _bad), ValueError, f"bucket_start(123, {_bad})")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4: smooth a real series, and look at it (3 points)
#
# Below is a real series: hourly temperatures in Seattle in 2010 (°F), from the `vega_datasets`
# package. Raw hourly readings wobble with day and night; a **trailing rolling mean** smooths them:
# the value at position `i` is the mean of the `window` values ending at `i` (positions
# `i - window + 1` to `i`). The first `window - 1` positions have fewer than `window` values
# before them: their result is `None` (pandas' `rolling(window).mean()` marks them NaN; here we use
# `None`, the way Arrow marks a missing value). If `window` is longer than the whole list, every
# result is `None`; an empty list gives an empty list.
#
# Write `rolling_mean(values, window)` that returns a list as long as `values` (the values are
# floats, never `None`). Raise `ValueError` if `window` is less than 1.
#
# ```python
# rolling_mean([1.0, 2.0, 3.0, 4.0], 2)  # -> [None, 1.5, 2.5, 3.5]
# ```
#
# Exercise id: `rolling-mean`. Once it works, run the plotting cell after the tests to see your
# smoothed series over the raw one.

# %% nbgrader={"grade": false, "grade_id": "rolling-mean", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rolling_mean(values: list[float], window: int) -> list[float | None]:
    """Trailing mean over ``window`` values; None until a full window is available."""
    ### BEGIN SOLUTION
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    out: list[float | None] = []
    total = 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / window if i >= window - 1 else None)
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "rolling-mean-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
check(rolling_mean([1.0, 2.0, 3.0, 4.0], 2), [None, 1.5, 2.5, 3.5], "rolling_mean([1.0, 2.0, 3.0, 4.0], 2)")
check(rolling_mean([5.0, 7.0], 1), [5.0, 7.0], "rolling_mean([5.0, 7.0], 1)")
check(rolling_mean([1.0], 3), [None], "rolling_mean([1.0], 3)")
check(rolling_mean([], 3), [], "rolling_mean([], 3)")
check_raises(rolling_mean, ([1.0], 0), ValueError, "rolling_mean([1.0], 0)")
print("rolling_mean: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "rolling-mean-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
import pandas as _pd

_rng = course.rng(4)
_cases = [([], 1), ([], 5), ([2.0], 1), ([2.0], 2), ([1.0, 3.0], 2), ([1.0, 3.0], 3),
          ([4.0, -4.0, 8.0], 3), ([4.0, -4.0, 8.0], 4), ([0.5] * 10, 10), ([0.5] * 10, 11)]
for _trial in range(60):
    _values = [float(x) for x in _rng.normal(50, 20, size=int(_rng.integers(0, 40)))]
    _window = int(_rng.integers(1, 10)) if _trial % 3 else max(1, len(_values))  # full length
    _cases.append((_values, _window))
for _values, _window in _cases:
    # The oracle: pandas' rolling mean (NaN where the window is not full).
    _expected = [None if _pd.isna(x) else float(x)
                 for x in _pd.Series(_values, dtype="float64").rolling(_window).mean()]
    check(rolling_mean(list(_values), _window), _expected,
          f"rolling_mean(<{len(_values)} values>, {_window})", rel_tol=1e-9, abs_tol=1e-9)
check_raises(rolling_mean, ([1.0, 2.0], -1), ValueError, "rolling_mean([1.0, 2.0], -1)")
check_raises(rolling_mean, ([], 0), ValueError, "rolling_mean([], 0)")
### END HIDDEN TESTS

# %% [markdown]
# ### See it
#
# Every figure in the course is drawn with `course.learner.plotting`, which uses a colour-blind-safe palette
# and gives each figure alt text (what a screen reader says). This cell plots the first two weeks of
# the Seattle series with your 24-hour rolling mean on top: the smoothed line should follow the
# middle of the daily swings, starting one day in.

# %% nbgrader={"grade": false, "grade_id": "plot-rolling-mean", "locked": true, "schema_version": 3, "solution": false, "task": false}
from vega_datasets import data as vega_data

from course.learner.plotting import figure, show

seattle = vega_data.seattle_temps().head(14 * 24)
smooth = rolling_mean([float(t) for t in seattle["temp"]], 24)

fig, ax = figure()
ax.plot(seattle["date"], seattle["temp"], label="hourly reading", alpha=0.5)
ax.plot(seattle["date"], [float("nan") if s is None else s for s in smooth],
        label="24-hour rolling mean", linewidth=2.5)
ax.set(title="Seattle, first two weeks of 2010", xlabel="date", ylabel="temperature (°F)")
ax.legend()
fig.autofmt_xdate()
low, high = min(seattle["temp"]), max(seattle["temp"])
show(fig, alt=f"Line chart of hourly Seattle temperatures over two weeks, swinging daily between "
              f"{low:.0f} and {high:.0f} °F, with a smoother 24-hour rolling mean through their middle.")

# %% [markdown]
# ## Done: validate and move on
#
# Click **Validate** in the toolbar. "Success! Your notebook passes all the tests." means every
# public test passes; the hidden tests run when your instructor grades the notebook, and your
# feedback shows their messages (never their code).
#
# Next: module 1, *Columnar formats*, in `notebooks/01-columnar/`.
