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
# # Compute on Arrow
#
# *Module 1, Columnar formats: kernels, expressions and group-by, measured against Python loops.*
#
# **Time:** 45 minutes. **Prerequisites:** the earlier notebooks of this module (Arrow arrays,
# tables and validity bitmaps); Python comprehensions and dicts.
#
# **After this notebook you can** filter a table with compute functions and with expressions,
# aggregate it with kernels and with group-by, say exactly what a kernel does with nulls, find and
# fill nulls, cast between types without silent loss, and measure what a kernel saves over a loop.
#
# A **kernel** is a function compiled in C++ that runs over a whole column at once; the module
# `pyarrow.compute` (imported as `pc`) holds a few hundred of them. In this notebook every kernel
# meets its rival: the loop a Python programmer would write over a list of row dicts. For each pair
# we check that both give the same answer, time both in the same run, and keep the ratio. The last
# section draws all the ratios in one chart.

# %% [markdown]
# ## One data set, two shapes
#
# `metrics()` returns 200,000 server reports as an Arrow table: 50 hosts, one report every 10
# seconds, with a few missed samples (nulls) in `cpu`, `mem_used` and `latency_ms`. The list
# `rows` holds the same records the row-oriented way, one dict per report. (The cast of `time` to
# plain integers is explained in the casting section.)

# %%
import math
import time

import pyarrow as pa
import pyarrow.compute as pc
from matplotlib.ticker import StrMethodFormatter

from course.columnar.bench import best_time
from course.learner.datasets import metrics
from course.learner.plotting import PALETTE, figure, show

table = metrics(rows=200_000)
started = time.perf_counter()
rows = table.set_column(0, "time", table["time"].cast(pa.int64())).to_pylist()
to_rows_s = time.perf_counter() - started

print(f"{table.num_rows:,} rows x {table.num_columns} columns, "
      f"{table.nbytes / 1e6:.1f} MB as Arrow")
print(f"building the list of dicts took {to_rows_s * 1e3:.0f} ms")
print(rows[0])

# %% [markdown]
# The loops below start from the ready-made `rows`, so they never pay the conversion you just
# saw: the comparison is generous to Python.
#
# `race` times a loop and a kernel with `best_time` (the fastest of five runs, the one least
# disturbed by other work on the machine), prints both and records their ratio. Absolute times
# depend on your machine; the ratio compares the two approaches on the same machine, in the same
# run.

# %%
RATIOS: dict[str, float] = {}
LOOP_S: dict[str, float] = {}


def race(name, loop, kernel):
    """Time `loop` and `kernel` (best of 5 each), print both, record the ratio."""
    loop_s = best_time(loop, repeat=5)
    kernel_s = best_time(kernel, repeat=5)
    RATIOS[name] = loop_s / kernel_s
    LOOP_S[name] = loop_s
    print(f"{name}: loop {loop_s * 1e3:.2f} ms, Arrow {kernel_s * 1e3:.3f} ms, "
          f"ratio {loop_s / kernel_s:.0f}x")


# %% [markdown]
# ## 1. Filtering
#
# A comparison kernel such as `pc.greater` turns a column into a column of booleans, one per row.
# Look at the three counts: a missing `cpu` is neither above nor below 80, so its comparison is
# **null** ("unknown"), not false.

# %%
hot = pc.greater(table["cpu"], 80)
print("type:", hot.type)
print(f"true {pc.sum(hot).as_py():,}   false {pc.sum(pc.invert(hot)).as_py():,}   "
      f"null {hot.null_count:,}   (rows: {table.num_rows:,})")
print(f"rows kept by table.filter(hot): {table.filter(hot).num_rows:,}")

# %% [markdown]
# `table.filter(mask)` keeps the rows where the mask is true and drops both false and null, as a
# SQL `WHERE` clause does.
#
# You rarely build the mask by hand. An **expression** describes the condition instead:
# `pc.field("cpu") > 80` names a column and a comparison, and computes nothing until a table (or a
# Parquet file, in the next notebook) evaluates it. Expressions combine with `&`, `|` and `~`, and
# offer methods such as `isin` and `is_null`.

# %%
expr = pc.field("cpu") > 80
print("expression:", expr)
print(f"cpu > 80: {table.filter(expr).num_rows:,} rows")

busy_eu = (pc.field("cpu") > 80) & pc.field("region").isin(["eu-west", "eu-central"])
print("expression:", busy_eu)
print(f"busy in Europe: {table.filter(busy_eu).num_rows:,} rows")

# %% [markdown]
# The Python loop has to say what the kernel does silently: skip the missing values. Without the
# `is not None` test, `None > 80` raises `TypeError`. We check that loop and kernel keep exactly
# the same rows, in the same order, and then race them.

# %%
def hot_loop():
    return [r for r in rows if r["cpu"] is not None and r["cpu"] > 80]


def hot_arrow():
    return table.filter(pc.field("cpu") > 80)


kept_loop = [(r["time"], r["host"]) for r in hot_loop()]
kept = hot_arrow()
kept_times = kept["time"].cast(pa.int64()).to_pylist()
kept_arrow = list(zip(kept_times, kept["host"].to_pylist(), strict=True))
print(f"loop keeps {len(kept_loop):,} rows, Arrow keeps {len(kept_arrow):,}; "
      f"same rows: {kept_loop == kept_arrow}")
race("filter cpu > 80", hot_loop, hot_arrow)

# %% [markdown]
# ## 2. Aggregation kernels
#
# An aggregation kernel reduces a column to one value. `pc.sum` of an integer column gives an
# exact integer, so the two answers must be equal.

# %%
total_loop = sum(r["requests"] for r in rows)
total_arrow = pc.sum(table["requests"]).as_py()
print(f"loop {total_loop:,}   Arrow {total_arrow:,}   equal: {total_loop == total_arrow}")
race("sum", lambda: sum(r["requests"] for r in rows), lambda: pc.sum(table["requests"]))

# %% [markdown]
# A mean of floats is another matter. Floating-point addition is not associative, so two programs
# that add the same numbers in a different order can disagree in the last digits. Arrow adds in
# blocks (pairwise), which loses less precision than one long running sum; `math.fsum`, which
# rounds only once, serves as referee. Compare floats with a tolerance, never with `==`.

# %%
def mean_cpu_loop():
    values = [r["cpu"] for r in rows if r["cpu"] is not None]
    return sum(values) / len(values)


valid_cpu = [r["cpu"] for r in rows if r["cpu"] is not None]
mean_loop = mean_cpu_loop()
mean_arrow = pc.mean(table["cpu"]).as_py()
mean_exact = math.fsum(valid_cpu) / len(valid_cpu)
print(f"loop       {mean_loop!r}\nArrow      {mean_arrow!r}\nmath.fsum  {mean_exact!r}")
print(f"agree within 1e-12 (relative): {math.isclose(mean_loop, mean_arrow, rel_tol=1e-12)}; "
      f"Arrow equals math.fsum exactly: {mean_arrow == mean_exact}")
race("mean", mean_cpu_loop, lambda: pc.mean(table["cpu"]))

# %% [markdown]
# Some kernels return several values at once. `pc.min_max` finds both extremes in one pass and
# returns a struct scalar; index it by field name.

# %%
def min_max_loop():
    values = [r["latency_ms"] for r in rows if r["latency_ms"] is not None]
    return min(values), max(values)


extremes = pc.min_max(table["latency_ms"])
print("Arrow:", extremes)
print("loop: ", min_max_loop())
print("equal:", (extremes["min"].as_py(), extremes["max"].as_py()) == min_max_loop())
race("min_max", min_max_loop, lambda: pc.min_max(table["latency_ms"]))

# %% [markdown]
# `pc.value_counts` counts each distinct value. Its result is an array of structs with the fields
# `values` and `counts`, in order of first appearance; a Python dict of counts is the loop's
# equivalent.

# %%
def count_status_loop():
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return counts


status_counts = pc.value_counts(table["status"])
print(status_counts.to_pylist())
as_dict = {pair["values"]: pair["counts"] for pair in status_counts.to_pylist()}
print("equal to the loop's dict:", as_dict == count_status_loop())
race("value_counts", count_status_loop, lambda: pc.value_counts(table["status"]))

# %% [markdown]
# ## 3. Arithmetic, and what kernels do with nulls
#
# Arithmetic kernels work element by element and **propagate** nulls: anything combined with an
# unknown value is unknown. A tiny array shows the rule before we apply it to a real column.

# %%
print(pc.add(pa.array([1, None, 3]), 10).to_pylist())

latency_s = pc.divide(table["latency_ms"], 1000.0)
print(f"latency in seconds: {latency_s.type}, {latency_s.null_count:,} nulls "
      f"(latency_ms had {table['latency_ms'].null_count:,})")


def latency_s_loop():
    return [None if r["latency_ms"] is None else r["latency_ms"] / 1000.0 for r in rows]


print("same values as the loop:", latency_s.to_pylist() == latency_s_loop())
race("divide", latency_s_loop, lambda: pc.divide(table["latency_ms"], 1000.0))

# %% [markdown]
# One difference from Python deserves a warning. Dividing two **integer** arrays is integer
# division in Arrow (the result truncates), whereas Python's `/` always gives a float. Divide by a
# float, or cast first, when you want a fraction.

# %%
print("7 / 2 in Python:       ", 7 / 2)
print("pc.divide([7, 9], 2):  ", pc.divide(pa.array([7, 9]), 2).to_pylist())
print("pc.divide([7, 9], 2.0):", pc.divide(pa.array([7, 9]), 2.0).to_pylist())
print("requests / 10 ->", pc.divide(table["requests"], 10).type,
      "| cast first ->", pc.divide(table["requests"].cast(pa.float64()), 10).type)

# %% [markdown]
# **Aggregates skip nulls.** `sum`, `mean`, `min_max` and `count` ignore missing values by default,
# as SQL does. Two options change that: `skip_nulls=False` makes one null spoil the result, and
# `min_count` (default 1) sets how many valid values an aggregate needs before it answers at all.
# So the sum of an all-null column is null, not 0. `pc.count` counts valid values unless you pick
# another `mode`.

# %%
a = pa.array([4.0, None, 2.0, None])
print("values:", a.to_pylist())
print("sum:", pc.sum(a), "  mean:", pc.mean(a), "  count:", pc.count(a),
      "  count(mode='only_null'):", pc.count(a, mode="only_null"))
print("sum(skip_nulls=False):", pc.sum(a, skip_nulls=False))
nothing = pa.array([None, None], pa.float64())
print("sum of all-null:", pc.sum(nothing), "  with min_count=0:", pc.sum(nothing, min_count=0))

# %% [markdown]
# **Finding nulls.** `pc.is_null` returns a boolean mask that is never null itself, so it is safe
# to filter on. Its count must match the `null_count` that Arrow stores with every array, which
# costs nothing to read.

# %%
missing = pc.is_null(table["cpu"])
print(f"is_null count {pc.sum(missing).as_py():,}   null_count {table['cpu'].null_count:,}")
for record in table.filter(missing).select(["time", "host", "cpu"]).slice(0, 3).to_pylist():
    print(record)

# %% [markdown]
# **Filling nulls.** `pc.fill_null(column, value)` replaces each null with a value. That is right
# when a null *means* that value, and wrong when it means "not measured". A missed cpu sample is
# not an idle machine, and filling it with 0 drags the mean down: the classic null-as-zero bug.

# %%
zero_filled = pc.fill_null(table["cpu"], 0.0)
print(f"mean cpu, nulls skipped:     {pc.mean(table['cpu']).as_py():.3f}")
print(f"mean cpu, nulls filled as 0: {pc.mean(zero_filled).as_py():.3f}")
print(f"nulls left after filling: {zero_filled.null_count}")


def fill_loop():
    return [0.0 if r["cpu"] is None else r["cpu"] for r in rows]


print("same values as the loop:", zero_filled.to_pylist() == fill_loop())
race("fill_null", fill_loop, lambda: pc.fill_null(table["cpu"], 0.0))

# %% [markdown]
# ## 4. Group-by
#
# `table.group_by(keys).aggregate([...])` splits the rows by the key columns and runs an aggregate
# per group. Each aggregate is a pair `(column, function)`; the output column is named
# `column_function`, and `([], "count_all")` counts rows. The order of the groups is not
# guaranteed, so sort the result before you read it.

# %%
by_region_status = (
    table.group_by(["region", "status"])
    .aggregate([("cpu", "mean"), ("host", "count_distinct"), ([], "count_all")])
    .sort_by([("region", "ascending"), ("status", "ascending")])
)
by_region_status.to_pandas().round(2)

# %% [markdown]
# The row-by-row equivalent keeps a running sum and count per key in two dicts. We compare the
# mean cpu per host from both (50 groups) and race them.

# %%
def mean_cpu_by_host_loop():
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for r in rows:
        if r["cpu"] is not None:
            sums[r["host"]] = sums.get(r["host"], 0.0) + r["cpu"]
            counts[r["host"]] = counts.get(r["host"], 0) + 1
    return {host: sums[host] / counts[host] for host in sums}


def mean_cpu_by_host_arrow():
    return table.group_by("host").aggregate([("cpu", "mean")])


by_host_loop = mean_cpu_by_host_loop()
grouped = mean_cpu_by_host_arrow()
by_host_arrow = dict(zip(grouped["host"].to_pylist(), grouped["cpu_mean"].to_pylist(), strict=True))
worst = max(abs(by_host_loop[h] - by_host_arrow[h]) for h in by_host_loop)
print(f"{len(by_host_arrow)} groups; same hosts: {by_host_loop.keys() == by_host_arrow.keys()}; "
      f"largest difference {worst:.1e}")
race("group-by mean", mean_cpu_by_host_loop, mean_cpu_by_host_arrow)

# %% [markdown]
# ## 5. Casting
#
# `array.cast(type)` (or `pc.cast`) converts a column to another type. Some casts are free: a
# timestamp is stored as int64 nanoseconds since 1970, so casting it to int64 only relabels the
# same buffer. That is why the `rows` at the top were cheap to give integer times.

# %%
as_int = table["time"].cast(pa.int64())
print(table["time"].type, "->", as_int.type, "| first value:", as_int[0])
shared = table["time"].chunk(0).buffers()[1].address == as_int.chunk(0).buffers()[1].address
print("the int64 column reuses the timestamp's data buffer:", shared)

# %% [markdown]
# Casts are **safe** by default: a cast that would lose information raises instead of guessing.
# Casting `cpu` to integers fails because values have fractions. Say what you want (round first),
# or pass `safe=False` and accept silent truncation.

# %%
try:
    table["cpu"].cast(pa.int64())
except pa.ArrowInvalid as exc:
    print("ArrowInvalid:", exc)
print("rounded first:", pc.round(table["cpu"]).cast(pa.int64()).slice(0, 5).to_pylist())
print("safe=False:   ", pc.cast(pa.array([1.5, 2.7, -0.9]), pa.int64(), safe=False).to_pylist())

# %% [markdown]
# Parsing text is a cast too: a string column (as read from CSV or a line protocol) becomes
# numbers with `.cast(pa.float64())`. Here we turn `cpu` into text and parse it back, checking
# the round trip is exact, and race the parse against `float()` in a loop.

# %%
cpu_text = table["cpu"].cast(pa.string())
text_rows = cpu_text.to_pylist()
print("as text:", text_rows[:4])
parsed = cpu_text.cast(pa.float64())
print("parsed equals the original column:", parsed.equals(table["cpu"]))


def parse_loop():
    return [None if s is None else float(s) for s in text_rows]


print("same values as the loop:", parsed.to_pylist() == parse_loop())
race("cast text to float", parse_loop, lambda: cpu_text.cast(pa.float64()))

# %% [markdown]
# Finally, a cast to a **dictionary** type stores each distinct string once plus one small integer
# index per row: compare the two sizes below. The next notebook shows a trap this type sets when
# you write it to Parquet and filter on it.

# %%
host_dict = table["host"].cast(pa.dictionary(pa.int32(), pa.string()))
print(host_dict.type)
print(f"string column {table['host'].nbytes / 1e6:.2f} MB, "
      f"dictionary column {host_dict.nbytes / 1e6:.2f} MB, "
      f"{host_dict.chunk(0).dictionary.to_pylist()[:3]} ...")

# %% [markdown]
# ## 6. The scoreboard
#
# Every ratio below was measured in this run: how many times faster the Arrow kernel was than the
# Python loop on the same 200,000 records.

# %%
names = sorted(RATIOS, key=RATIOS.get)
for name in names[::-1]:
    print(f"{name:<20} {RATIOS[name]:7.1f}x")
slower = sum(loop_s < to_rows_s for loop_s in LOOP_S.values())
print(f"\nbuilding `rows` took {to_rows_s * 1e3:.0f} ms, longer than {slower} of the "
      f"{len(LOOP_S)} loops (slowest loop: {max(LOOP_S.values()) * 1e3:.1f} ms)")

fig, ax = figure(figsize=(8, 4.5))
ax.barh(names, [RATIOS[n] for n in names], color=PALETTE["blue"])
for y, name in enumerate(names):
    ax.text(RATIOS[name] * 1.08, y, f"{RATIOS[name]:.0f}x", va="center")
ax.axvline(1, color=PALETTE["black"], linewidth=1)
ax.set_xscale("log")
ax.xaxis.set_major_formatter(StrMethodFormatter("{x:g}x"))
ax.set_xlim(0.8, max(RATIOS.values()) * 3)
ax.set(title=f"Arrow kernel vs Python loop, {table.num_rows:,} rows",
       xlabel="times faster than the Python loop (log scale; 1 = same speed)")
ax.grid(axis="y", visible=False)
show(fig, alt=f"Horizontal bar chart of how many times faster each Arrow kernel ran than the "
              f"equivalent Python loop: from {RATIOS[names[0]]:.0f}x for {names[0]} to "
              f"{RATIOS[names[-1]]:.0f}x for {names[-1]}.")

# %% [markdown]
# The ratios differ a lot from one kernel to the next. Look at which kernels sit where in your
# chart, and why:
#
# - **Reductions and element-wise arithmetic** on a fixed-width column (sum, divide, fill_null)
#   stream through contiguous memory, often several values per CPU instruction, while the loop pays
#   a dict lookup and a boxed Python number for every row.
# - **Filter** must build a new table: it copies the surviving rows of all eight columns, where the
#   loop only collects references to dicts that already exist.
# - **Hashing and parsing** (value_counts, group-by, text to float) do real work per value in both
#   versions, so the kernel's advantage is smaller.
#
# None of the loop times includes building `rows`; compare its cost, printed under the ratios,
# with the loops. In a real program that conversion is part of the price of working row by row.
#
# ## Recap
#
# - Compute functions (`pc.greater`, `pc.sum`, ...) run over whole columns; expressions
#   (`pc.field("cpu") > 80`) describe a condition that tables, and later files, evaluate.
# - A comparison with null is null, and `filter` drops it. Aggregates skip nulls by default;
#   `skip_nulls` and `min_count` change that. Arithmetic propagates nulls.
# - `pc.is_null` finds nulls; `pc.fill_null` replaces them, which is only right when the null
#   means that value.
# - `group_by(keys).aggregate([(column, function), ...])` replaces the dict-of-sums loop; sort the
#   result.
# - Casts are safe by default; integer division truncates; a timestamp is an int64 underneath.
# - Compare float results with a tolerance, and measure speed as a ratio in one run.
#
# ## Self-check
#
# 1. `a = pa.array([1, None, 3])`. What do `pc.sum(a)`, `pc.sum(a, skip_nulls=False)` and
#    `pc.count(a)` return?
# 2. A table has 100 rows; 60 have `cpu > 80`, 30 have `cpu <= 80`. How many rows can
#    `table.filter(pc.field("cpu") > 80)` and `table.filter(~(pc.field("cpu") > 80))` return
#    together, and where are the others?
# 3. `pc.divide(table["requests"], 10)` gives whole numbers. Why, and how do you get fractions?
# 4. Why does a filter gain less over its Python loop than a sum does?
#
# <details>
# <summary>Answers</summary>
#
# 1. `4`, null (one null spoils the sum), and `2` (valid values only).
# 2. 90 together. The other 10 rows have a null `cpu`: their comparison is null, and `filter`
#    drops null in both cases. Use `pc.field("cpu").is_null()` to find them.
# 3. Both operands are integers, so Arrow does integer division. Divide by `10.0`, or cast the
#    column to `pa.float64()` first.
# 4. The sum streams through one contiguous column and allocates nothing; the filter must copy the
#    surviving rows of every column into a new table, while the loop only collects references.
#
# </details>
