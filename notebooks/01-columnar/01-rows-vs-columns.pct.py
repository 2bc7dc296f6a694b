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
# # Rows vs columns
#
# **Time:** 50 minutes. **Prerequisites:** the orientation notebook; Python lists, dicts and
# comprehensions. A little NumPy helps but is not required.
#
# **After this notebook you can** store the same records row by row and column by column, measure
# how much faster a scan or an aggregate runs on columns (as a ratio, on your own machine), estimate
# the memory each layout needs per value, and explain the three reasons columns win for analytics:
# contiguous memory, vectorised kernels and compression.
#
# ## The story: why InfluxDB 3.0 went columnar
#
# This module rebuilds the storage layer of **InfluxDB 3.0**, the rewrite told in the orientation.
# Paul Dix of InfluxData wanted tiered storage (recent data in memory, the rest on cheap object
# storage), much higher cardinality and native SQL. The rewrite keeps recent data in memory as
# Apache **Arrow** columns, persists it as **Parquet** files to object storage, and answers SQL
# with **DataFusion**, a query engine that works on Arrow directly. In the webinar's words, the
# primary benefit of adopting Arrow is performance. This module measures where that performance
# comes from, on your machine: here the row and column layouts, then Arrow's buffers (notebook 2),
# its compute kernels (3) and Parquet's encodings and statistics (4).
#
# Why it matters for a time series database: its workload is analytics. "Mean CPU per host over
# the last hour" or "sum of requests per region per minute" read a few fields of very many
# records, and the data piles up (a thousand servers reporting every ten seconds are 8.6 million
# records a day), so both the speed of a scan and the bytes per value decide what the system costs.

# %%
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from matplotlib.patches import Patch, Rectangle

from course.columnar import bench
from course.learner.datasets import metrics, metrics_rows, seattle_temperatures
from course.learner.plotting import PALETTE, figure, show

# %% [markdown]
# ## The same records, two ways
#
# `metrics_rows` gives server metrics the way most Python code holds records: a list of dicts, one
# dict per report. `metrics` gives the *same* records as a `pyarrow.Table`: one typed array per
# field. Both are generated from a fixed seed, so you see the same values as everyone else.

# %%
rows = metrics_rows(5)
rows[:2]

# %%
table = metrics(5)
table

# %% [markdown]
# Look at the shapes. In the list, one record sits together and each field name is repeated in
# every dict. In the table, the schema names each field and its type once, and each column holds
# all the values of one field. The time is an integer in the rows (nanoseconds since 1970) and a
# `timestamp[ns, tz=UTC]` in the table; otherwise the values are identical:

# %%
as_rows = table.set_column(0, "time", table["time"].cast(pa.int64())).to_pylist()
print("same records:", as_rows == rows)

# %% [markdown]
# Reading *one field of every record* is where the layouts differ. From rows you visit every dict
# and look up a key; from the table you take one column, which is already a sequence of values.

# %%
print([row["cpu"] for row in rows])
print(table["cpu"].to_pylist())

# %% [markdown]
# The picture below draws both layouts for the first four records. Memory is one long line of
# bytes, so a layout is an *order*. Row layout puts each record's fields side by side; column layout
# puts each field's values side by side. The query "sum the cpu field" needs the outlined cells
# only: scattered across the row layout, one contiguous run in the column layout. (The picture
# idealises rows as packed records; a Python list of dicts is worse, as you will measure: each
# value is a separate object reached through a pointer.)

# %%
FIELDS = ["time", "host", "cpu", "requests"]
COLOURS = dict(zip(FIELDS, [PALETTE["sky"], PALETTE["orange"], PALETTE["green"],
                            PALETTE["purple"]], strict=True))
SHORT = {  # short labels that fit in a box
    "time": lambda v: f"+{(v - START) // 10**9}s",
    "host": lambda v: f"h{v[-2:]}",
    "cpu": lambda v: f"{v:.0f}",
    "requests": lambda v: str(v),
}


def draw_layout(ax, y, cells, title):
    """Draw (field, record, value) cells left to right as one line of memory at height y."""
    for x, (field, record, value) in enumerate(cells):
        wanted = field == "cpu"
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor=COLOURS[field],
                               alpha=0.9 if wanted else 0.35, edgecolor="black",
                               linewidth=2.5 if wanted else 0.5))
        ax.text(x + 0.5, y + 0.5, SHORT[field](value), ha="center", va="center", fontsize=9,
                alpha=1.0 if wanted else 0.55)
        ax.text(x + 0.5, y - 0.25, f"r{record}", ha="center", va="center", fontsize=7,
                color="0.4")
    ax.text(-0.3, y + 0.5, title, ha="right", va="center")


first = metrics_rows(4)
START = first[0]["time"]
row_major = [(f, i, r[f]) for i, r in enumerate(first) for f in FIELDS]
col_major = [(f, i, first[i][f]) for f in FIELDS for i in range(len(first))]

fig, ax = figure(figsize=(10, 2.8))
draw_layout(ax, 2, row_major, "row layout")
draw_layout(ax, 0, col_major, "column layout")
ax.set(xlim=(-4.5, len(row_major) + 0.2), ylim=(-0.6, 3.2), title="One line of memory, two orders")
ax.axis("off")
ax.legend(handles=[Patch(color=COLOURS[f], label=f) for f in FIELDS], ncols=4,
          loc="upper center", bbox_to_anchor=(0.55, 0.02))
show(fig, alt="Two strips of 16 coloured cells. In the row layout the four cpu cells, outlined, "
              "are every fourth cell; in the column layout they are four adjacent cells.")

# %% [markdown]
# ## Measuring the difference as a ratio
#
# Absolute times depend on the machine: a laptop on battery and a server disagree. A **ratio**
# measured in one run, on the same data, on the same machine, is much more stable, so that is
# what this course reports. `bench.row_vs_columnar` times two queries on 200,000 records:
#
# - **group-by:** mean cpu per host, skipping nulls. The row version is a plain Python loop over
#   the dicts (`bench.mean_cpu_per_host_rows`); the columnar version is Arrow's hash group-by
#   (`bench.mean_cpu_per_host_arrow`).
# - **sum:** the total of the `requests` field, with `sum(...)` over the dicts versus Arrow's
#   `pc.sum` kernel.
#
# Each time is the best of three runs (`bench.best_time`), the one least disturbed by other work.
# Before timing anything, check that the two versions compute the same answer: a fast wrong
# answer is worth nothing.

# %%
table = metrics(200_000)
rows = metrics_rows(200_000)

by_rows = bench.mean_cpu_per_host_rows(rows)
by_arrow = bench.mean_cpu_per_host_arrow(table)
worst = max(abs(by_rows[host] - by_arrow[host]) for host in by_rows)
print(f"{len(by_rows)} hosts, same hosts: {by_rows.keys() == by_arrow.keys()}, "
      f"largest difference in a mean: {worst:.1e}")

# %%
result = bench.row_vs_columnar(table)
print(f"{result['rows']:,} rows")
print(f"group-by  rows {result['group_by_rows_s'] * 1e3:7.2f} ms   "
      f"arrow {result['group_by_arrow_s'] * 1e3:6.3f} ms   ratio {result['group_by_ratio']:6.1f}x")
print(f"sum       rows {result['sum_rows_s'] * 1e3:7.2f} ms   "
      f"arrow {result['sum_arrow_s'] * 1e3:6.3f} ms   ratio {result['sum_ratio']:6.1f}x")

# %% [markdown]
# A ratio of 10 means the columnar version did in one unit of time what the row version needed ten
# for. The chart uses a logarithmic axis because the two ratios can differ by more than tenfold.

# %%
names = ["group-by: mean cpu per host", "sum of requests"]
ratios = [result["group_by_ratio"], result["sum_ratio"]]

fig, ax = figure(figsize=(7, 4))
bars = ax.bar(names, ratios, color=[PALETTE["blue"], PALETTE["orange"]], width=0.5)
ax.bar_label(bars, labels=[f"{r:.0f}x faster" for r in ratios], padding=3)
ax.axhline(1, color=PALETTE["black"], linewidth=1)
ax.set(yscale="log", ylabel="row time / columnar time (log scale)",
       title=f"Columnar speed-up on {result['rows']:,} rows", ylim=(1, max(ratios) * 3))
ax.grid(axis="x", visible=False)
show(fig, alt="Bar chart of two speed-up ratios, columnar over row-by-row, on a log axis: one for "
              "the per-host mean of cpu, one for the sum of requests; both bars are above 1.")

# %% [markdown]
# Why is the sum's ratio larger than the group-by's? Summing a column of `int64` is the simplest
# loop a CPU can run: add the next 8 bytes, over and over, which compilers turn into SIMD
# instructions that add several values at once. The group-by must also hash every host name to
# find its group, work that does not vectorise as well, so the columnar side gains less.
#
# ### How the ratio changes with data size
#
# The columnar version pays a fixed cost per call (checking types, choosing a kernel, allocating
# the result) and then a tiny cost per value. The row version pays a large cost per value and
# almost nothing fixed. So on small inputs the fixed cost hides part of the advantage, and the
# ratio should grow with the number of rows until the per-value costs dominate. Measure it on
# the first 10,000, 50,000 and all 200,000 rows; slicing a table copies nothing, so every size
# sees the same records.

# %%
sizes = [10_000, 50_000, 200_000]
by_size = {n: bench.row_vs_columnar(table.slice(0, n)) for n in sizes[:-1]}
by_size[sizes[-1]] = result  # measured above, on the same 200,000 rows
for n, r in by_size.items():
    print(f"{n:>8,} rows   group-by ratio {r['group_by_ratio']:6.1f}x   "
          f"sum ratio {r['sum_ratio']:6.1f}x")

# %%
fig, ax = figure(figsize=(7, 4))
for key, label, colour in [("group_by_ratio", "group-by: mean cpu per host", PALETTE["blue"]),
                           ("sum_ratio", "sum of requests", PALETTE["orange"])]:
    ax.plot(sizes, [by_size[n][key] for n in sizes], marker="o", color=colour, label=label)
ax.axhline(1, color=PALETTE["black"], linewidth=1)
ax.set(xscale="log", yscale="log", xticks=sizes, xticklabels=[f"{n:,}" for n in sizes],
       xlabel="rows (log scale)", ylabel="row time / columnar time (log scale)",
       title="Speed-up ratio by data size")
ax.minorticks_off()
ax.legend()
show(fig, alt="Line chart of the columnar speed-up ratio against the number of rows (10,000, "
              "50,000 and 200,000) for the group-by and the sum, both on log axes.")

# %% [markdown]
# Read the lines, not single points: timings of a few microseconds are noisy, and the smallest
# size is the noisiest. The trend is what carries over to your machine and to bigger data.
#
# ## Memory per value
#
# Speed is half the story; the other half is how many bytes each value costs. In CPython every
# value in a dict is a full object with a header, and the dict itself is a hash table:

# %%
record = rows[0]
print(f"one dict (its hash table only, not the objects): {sys.getsizeof(record)} bytes")
for field in ["time", "host", "cpu", "mem_used", "status"]:
    value = record[field]
    print(f"  {field:<9} {type(value).__name__:<5} {sys.getsizeof(value):3} bytes  {value!r}")

# %% [markdown]
# An Arrow column stores the raw value only: 8 bytes for an `int64`, `float64` or timestamp, plus
# one *bit* per value for nulls when the column has any. A string column stores its characters
# once, back to back, plus a 4-byte offset per value (the next notebook opens these buffers).

# %%
for name in table.column_names:
    column = table[name]
    per_value = column.nbytes / table.num_rows
    print(f"{name:<11} {str(column.type):<22} {per_value:5.2f} bytes per value")

# %% [markdown]
# `bench.memory_per_value` adds it all up on the first 50,000 records: every dict, key and value
# object of the row form (objects shared between rows counted once) against the table's buffers.

# %%
memory = bench.memory_per_value(table.slice(0, 50_000))
print(f"python dicts {memory['python_bytes_per_value']:5.1f} bytes per value")
print(f"arrow table  {memory['arrow_bytes_per_value']:5.1f} bytes per value")
print(f"ratio        {memory['ratio']:5.1f}x")

# %% [markdown]
# Fewer bytes per value is not only about fitting in RAM. A scan has to move every byte from memory
# to the CPU, so the ratio above is roughly how much more memory traffic the row form causes for
# the same information.
#
# ## Why columns win
#
# ### 1. Contiguous memory
#
# A column of a fixed-width type is one block of memory: value *i* sits at byte `8 * i`. The
# `requests` column is exactly that, and NumPy can view it without copying a single byte: the
# NumPy array starts at the very address of Arrow's buffer.

# %%
requests = table["requests"].chunk(0)  # the table was built from one array per column
view = requests.to_numpy(zero_copy_only=True)
print(f"{len(requests):,} values in {requests.buffers()[1].size:,} bytes")
print("NumPy view shares Arrow's memory:", view.ctypes.data == requests.buffers()[1].address)

# %% [markdown]
# Reading memory in order is what hardware does best: the CPU fetches 64-byte cache lines (eight
# `int64` values at a time) and prefetches the next lines before they are asked for. The row form
# gives it pointer chasing instead: list slot, then dict, then hash lookup, then a float object
# somewhere else on the heap.
#
# ### 2. Vectorised kernels
#
# Arrow's compute functions (`pyarrow.compute`, imported as `pc`) are *kernels*: compiled loops that
# process a whole column per call instead of one value per Python step. They also handle nulls by
# reading the validity bitmap, not by testing each value in Python.

# %%
busy = pc.greater(table["cpu"], 80)
print("mean cpu:", round(pc.mean(table["cpu"]).as_py(), 2))
print(f"reports with cpu > 80: {pc.sum(busy).as_py():,} of {table.num_rows:,} "
      f"({table['cpu'].null_count:,} cpu values are null and count as neither)")

# %% [markdown]
# How much of the speed-up comes from the layout and how much from the kernel? Time three versions
# of the same sum: over the dicts, over a plain Python list holding just the column (columnar, but
# still interpreted one value at a time), and with the Arrow kernel.

# %%
column_as_list = table["requests"].to_pylist()
t_dicts = bench.best_time(lambda: sum(row["requests"] for row in rows))
t_list = bench.best_time(lambda: sum(column_as_list))
t_kernel = bench.best_time(lambda: pc.sum(table["requests"]).as_py())
print(f"dicts -> python list of the column: {t_dicts / t_list:5.1f}x faster")
print(f"python list -> arrow kernel:        {t_list / t_kernel:5.1f}x faster")

# %% [markdown]
# Both steps help. Pulling the field out of the records removes the per-record lookups; the kernel
# then removes the interpreter and the per-value objects. The second step only exists because the
# first one made a contiguous, typed column to run on.
#
# ### 3. Compression
#
# Values of one field look alike, and compressors feed on repetition. Two kinds of columns are
# extreme cases in the metrics table:
#
# - **time on a regular clock.** Every host reports every 10 seconds, so the differences between
#   consecutive timestamps take just two values:

# %%
time_ns = table["time"].combine_chunks().cast(pa.int64())
pc.value_counts(pc.drop_null(pc.pairwise_diff(time_ns)))

# %% [markdown]
# - **low-cardinality strings.** `host`, `region` and `status` repeat a handful of distinct values
#   across all the rows:

# %%
for name in ["host", "region", "status"]:
    print(f"{name:<7} {pc.count_distinct(table[name]).as_py():3} distinct values "
          f"in {table.num_rows:,} rows")

# %% [markdown]
# Parquet, the columnar *file* format, has encodings made for these cases: **delta** encoding
# stores the differences between consecutive integers, bit-packed with as few bits as each small
# block of them needs, and **dictionary** encoding stores each distinct string once plus a small
# integer per row. A general-purpose codec (zstd) then squeezes what is left. The helper below
# writes one column to a Parquet file *in memory* (`pa.BufferOutputStream`, nothing touches the
# disk) and returns its size; `ENCODED` picks the encoding we judge best for each column, and the
# next subsection checks that judgement step by step.

# %%
def parquet_bytes(one_column: pa.Table, **options) -> int:
    """Size in bytes of ``one_column`` written as Parquet to an in-memory buffer."""
    sink = pa.BufferOutputStream()
    pq.write_table(one_column, sink, **options)
    return sink.getvalue().size


ENCODED = {
    "time": {"use_dictionary": False, "column_encoding": {"time": "DELTA_BINARY_PACKED"}},
    "host": {"use_dictionary": True},
    "region": {"use_dictionary": True},
    "status": {"use_dictionary": True},
    "requests": {"use_dictionary": False},
    "cpu": {"use_dictionary": False},
    "mem_used": {"use_dictionary": False},
}
factors = {}
for name, options in ENCODED.items():
    one = table.select([name])
    size = parquet_bytes(one, compression="zstd", **options)
    factors[name] = one.nbytes / size
    print(f"{name:<9} in memory {one.nbytes:>10,} B   parquet {size:>9,} B   "
          f"{factors[name]:6.1f}x smaller")

# %%
patterned = {"time", "host", "region", "status"}  # a regular clock or repeated labels
order = sorted(factors, key=factors.get)

fig, ax = figure(figsize=(8, 4))
bars = ax.barh(order, [factors[n] for n in order],
               color=[PALETTE["green"] if n in patterned else PALETTE["sky"] for n in order])
ax.bar_label(bars, padding=3,
             labels=[f"{factors[n]:.0f}x" if factors[n] >= 10 else f"{factors[n]:.1f}x"
                     for n in order])
ax.legend(handles=[Patch(color=PALETTE["green"], label="regular clock or repeated labels"),
                   Patch(color=PALETTE["sky"], label="measurements")], loc="lower right")
ax.set(xscale="log", xlabel="Arrow bytes in memory / Parquet bytes (log scale)",
       title="How well each metrics column compresses", xlim=(1, max(factors.values()) * 4))
ax.grid(axis="y", visible=False)
show(fig, alt="Horizontal bar chart of compression factor per column on a log axis. The time "
              "column and the host, region and status strings compress by orders of magnitude; "
              "cpu, mem_used and requests compress far less.")

# %% [markdown]
# The measured numbers, not a rule of thumb, make the point: a regular clock and repeated labels
# shrink by orders of magnitude, while noisy measurements (`cpu`, `mem_used`) shrink only a few
# times at most, because their low-order digits are close to random.
#
# ### What each step buys: encoding, then codec
#
# The `time` bar above is the product of two steps, an encoding and a codec, and it is easy to
# credit the wrong one. `bench.encoding_steps` writes one column with each encoding (plain, delta,
# dictionary), each without a codec and with zstd, and counts the bytes of the column chunk only
# (the file's footer left out).
#
# **Predict, then run.** Every difference between consecutive timestamps is 0 or 10 seconds
# (printed above). How much smaller do you expect delta encoding *alone* (no codec) to make the
# `time` column: about 2x, 20x, or 200x?

# %%
steps = bench.encoding_steps(table, "time")
arrow_bytes = steps["arrow in memory"]["none"]
print(f"time column, {table.num_rows:,} values, {arrow_bytes:,} bytes as Arrow")
print(f"{'encoding':<29}{'no codec':>12}{'':>8}{'zstd':>10}{'':>9}")
for name in ["plain", "delta (DELTA_BINARY_PACKED)", "dictionary"]:
    none, zstd = steps[name]["none"], steps[name]["zstd"]
    print(f"{name:<29}{none:>12,}{arrow_bytes / none:>7.1f}x{zstd:>10,}{arrow_bytes / zstd:>8.0f}x")

# %%
encodings = ["plain", "delta (DELTA_BINARY_PACKED)", "dictionary"]
fig, ax = figure(figsize=(8, 4))
for k, (codec, colour) in enumerate([("none", PALETTE["sky"]), ("zstd", PALETTE["blue"])]):
    factors_by_step = [arrow_bytes / steps[name][codec] for name in encodings]
    bars = ax.bar([i + 0.38 * k for i in range(len(encodings))], factors_by_step, width=0.38,
                  color=colour, label="no codec" if codec == "none" else "then zstd")
    ax.bar_label(bars, labels=[f"{f:.1f}x" if f < 10 else f"{f:.0f}x" for f in factors_by_step],
                 padding=2)
ax.set_xticks([i + 0.19 for i in range(len(encodings))], ["plain", "delta", "dictionary"])
ax.set(yscale="log", ylim=(0.5, 2000), ylabel="Arrow bytes / Parquet bytes (log scale)",
       title="The time column: what the encoding buys, and what zstd adds")
ax.grid(axis="x", visible=False)
ax.legend(loc="upper left")
show(fig, alt="Grouped bar chart on a log axis of how many times smaller the time column gets, "
              "without a codec and then with zstd: "
              + "; ".join(f"{name.split(' ')[0]} {arrow_bytes / steps[name]['none']:.1f}x alone, "
                          f"{arrow_bytes / steps[name]['zstd']:.0f}x with zstd"
                          for name in encodings) + ".")

# %% [markdown]
# <details><summary>Answer</summary>
#
# About 2x: delta alone makes the column only 1.9 times smaller. zstd does most of the rest, and
# does it even on plain values. Dictionary encoding alone does far better than delta here, because
# all 50 hosts report at the same instant, so there are only 4,000 distinct times.
#
# </details>
#
# Why so little from delta? `DELTA_BINARY_PACKED` cuts the differences into blocks, subtracts each
# block's smallest difference, and bit-packs each **miniblock** with the width its largest value
# needs. pyarrow writes `int64` columns in blocks of 256 differences, four miniblocks of 64. In
# arrival order the hosts take turns, so every run of 50 differences holds 49 zeros and one jump of
# 10 seconds, 10,000,000,000 ns, which needs 34 bits; and every miniblock of 64 contains at least
# one jump. `bench.delta_miniblock_widths` applies the rule and predicts the size:

# %%
time_values = table["time"].combine_chunks().cast(pa.int64()).to_numpy()
widths = bench.delta_miniblock_widths(time_values, values_per_block=256, miniblocks_per_block=4)
predicted = sum(width * 64 for width in widths) // 8
print(f"{len(widths):,} miniblocks, bit widths used: {sorted(set(widths))}")
print(f"predicted bit-packed bytes {predicted:,}; measured column chunk "
      f"{steps['delta (DELTA_BINARY_PACKED)']['none']:,} (the rest is block and page headers)")
one_host = table.filter(pc.equal(table["host"], "host-0000"))["time"].combine_chunks()
steady = bench.delta_miniblock_widths(one_host.cast(pa.int64()).to_numpy())
print(f"one host's own series ({len(one_host):,} values, a steady 10 s clock): bit widths "
      f"{sorted(set(steady))}, so {sum(w * 64 for w in steady) // 8} bytes of packed values")

# %% [markdown]
# A steady clock costs **0 bits per value**: every difference equals the block minimum. The same
# timestamps in arrival order cost 34 bits per value, because the rule packs the *largest* value
# of each miniblock's width, and a jump lands in every miniblock. That is why notebook 4 sorts by
# host before it compares encodings, and why InfluxDB 3.0 sorts each Parquet file by its tags and
# then by time.
#
# The real series below makes the same point the other way round: hourly temperatures in Seattle
# for 2010, as published by NOAA, one steady hourly clock (a single step is two hours). Here delta
# alone does the heavy lifting and zstd only finishes the job.

# %%
seattle = seattle_temperatures()
hourly = bench.encoding_steps(seattle, "time")
plain = hourly["plain"]["none"]
delta_only = hourly["delta (DELTA_BINARY_PACKED)"]["none"]
delta_zstd = hourly["delta (DELTA_BINARY_PACKED)"]["zstd"]
print(f"{seattle.num_rows:,} hourly timestamps: plain {plain:,} B, delta alone {delta_only:,} B "
      f"({plain / delta_only:.0f}x smaller), delta + zstd {delta_zstd:,} B "
      f"({plain / delta_zstd:.0f}x)")

# %% [markdown]
# Finally, layout matters even when the encoding is the same. Take the five numeric fields of the
# metrics table as the very same bytes in two orders, record after record or column after column,
# and compress both with the same codec. (Nulls are filled with 0 so that both orders hold the same
# values.) Only the order differs.

# %%
numeric = ["time", "cpu", "mem_used", "requests", "latency_ms"]
arrays = [pc.fill_null(table[n].combine_chunks().cast(pa.int64()) if n == "time"
                       else table[n].combine_chunks(), 0).to_numpy() for n in numeric]
records = np.empty(table.num_rows, dtype=[(n, a.dtype) for n, a in zip(numeric, arrays,
                                                                          strict=True)])
for n, a in zip(numeric, arrays, strict=True):
    records[n] = a
row_order = records.tobytes()
column_order = b"".join(a.tobytes() for a in arrays)
def byte_counts(data: bytes) -> np.ndarray:
    return np.bincount(np.frombuffer(data, dtype=np.uint8), minlength=256)


print(f"{len(row_order):,} bytes in each order; same bytes, just reordered: "
      f"{np.array_equal(byte_counts(row_order), byte_counts(column_order))}")
for codec in ["lz4", "zstd"]:
    by_row = len(pa.compress(row_order, codec=codec, asbytes=True))
    by_column = len(pa.compress(column_order, codec=codec, asbytes=True))
    print(f"{codec:<5} row order {by_row:>10,} B   column order {by_column:>10,} B   "
          f"columns {by_row / by_column:.2f}x smaller")

# %% [markdown]
# In column order, neighbouring bytes belong to the same field and repeat the same patterns, which
# is exactly what a compressor's window can exploit. In row order, every few bytes the field
# changes and the patterns are broken.
#
# ## Where rows still win
#
# Columns are the right layout for *reading many records, few fields*. They are the wrong one for
# fetching or updating a single whole record by key, as a shopping cart or a bank transfer does:
# that touches one byte range in a row store and one per field in a column store. Transactional
# databases therefore keep rows, and analytical systems keep columns.
#
# What about fresh writes, which arrive one record at a time? A common design puts a small
# write-optimised buffer in front of the column files. In InfluxDB 3.0 that buffer is itself
# **columnar**: incoming rows are appended to per-column buffers laid out like Arrow record
# batches, behind a **write-ahead log** (a file each write is appended to first, so that nothing
# acknowledged is lost in a crash); queries read the buffer as Arrow, and it is persisted to
# Parquet later. Appending one value to each of a few column buffers is cheap, so the rows never
# need a row-oriented home. Module 2 builds this write path.
#
# ## Recap
#
# - The same records can be stored as a list of dicts (row layout) or as a `pyarrow.Table` (one
#   typed array per field); the values are identical, the order in memory is not.
# - Report performance as a ratio measured in one run; on these queries the columnar version wins
#   by the ratios printed above, and the advantage grows with data size.
# - A Python dict spends many bytes per value on objects and pointers; an Arrow column stores the
#   raw values, plus one bit per value for nulls.
# - Columns win for analytics because of contiguous memory, vectorised kernels and compression;
#   a regular clock and low-cardinality strings compress by orders of magnitude.
# - Credit each step with what it measurably buys: on the metrics' `time` column delta encoding
#   alone gives about 2x (a jump in every miniblock), zstd most of the rest; on one steady clock
#   delta alone costs 0 bits per value.
# - Rows still win for single-record lookups and updates; InfluxDB 3.0 still buffers fresh writes
#   in columns, behind a write-ahead log.
#
# ## Self-check
#
# 1. Why does this course report the row-over-columnar *ratio* rather than the columnar time?
# 2. On a 1,000-row table, would you expect the columnar speed-up to be larger or smaller than on
#    200,000 rows? Why?
# 3. Which would compress better as Parquet: a column of request ids (random 64-bit integers) or a
#    column of timestamps taken every second? Which encoding does the work?
# 4. A `float64` column of 1,000,000 values with some nulls: how many bytes do its buffers need?
#
# <details>
# <summary>Answers</summary>
#
# 1. Absolute times depend on the machine and its load; a ratio of two times measured in the same
#    run, on the same data, cancels most of that out and carries over between machines.
# 2. Smaller. The columnar version pays a fixed cost per call that is large relative to the work on
#    1,000 rows; the row version has almost no fixed cost. The ratio grows with size.
# 3. The timestamps: their consecutive differences are all the same, so delta encoding packs them
#    in 0 bits per value (plus a few bytes per block). Random ids have no pattern for any encoding
#    or codec to exploit.
# 4. 8,000,000 bytes of values plus a validity bitmap of 1,000,000 bits = 125,000 bytes, so about
#    8.1 MB (pyarrow pads each buffer to a multiple of 64 bytes: 8,000,000 and 125,056; notebook 2
#    measures it).
#
# </details>
#
# Next: `02-arrow-memory`, where you open an Arrow array and look at its buffers byte by byte.
