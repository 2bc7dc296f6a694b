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
# # Parquet on disk
#
# *Module 1, Columnar formats: how a Parquet file is laid out, and how the layout decides what a
# query has to read.*
#
# **Time:** 90 minutes. **Prerequisites:** the notebook *Compute on Arrow* (expressions such as
# `pc.field("cpu") > 80`) and Arrow's dictionary type.
#
# **After this notebook you can** read a Parquet file's footer and find its row groups, column
# chunks, encodings and statistics; choose an encoding and a codec for a column and measure the
# result; predict when a filter can skip row groups, and choose sort order, row-group size and
# partitions so that it can; and recognise, and work around, a pitfall that silently turns pruning
# off.
#
# Arrow is a columnar format for memory; **Parquet** is a columnar format for files. Both store each
# column contiguously, but they optimise for different things. Arrow is built for fast random
# access with zero decoding. Parquet is built to be small and to let a reader *skip*: values are
# encoded and compressed, and the file describes itself well enough that a reader can tell which
# parts cannot contain what it is looking for.
#
# In the story, this is the cold tier of InfluxDB 3.0: data leaves the in-memory buffer as Parquet
# files on object storage, each sorted by its tags and then by time, and a query fetches from
# those files only the byte ranges it needs. On object storage every read is a network request
# that costs time and often money, so the sections below on statistics, page indexes and bloom
# filters are not optimisations on the side: they decide how much of the cold tier a query must
# fetch. The last two sections watch DataFusion, the engine InfluxDB 3.0 queries with, do exactly
# the pruning you write by hand in this module's assignment.

# %%
import functools
import math
import tempfile
import textwrap
from pathlib import Path

import datafusion
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from course.columnar.bench import (
    PARQUET_VARIANTS,
    best_time,
    parquet_sizes,
    pruned_read,
    pruning_metrics,
)
from course.learner.datasets import metrics
from course.learner.plotting import PALETTE, figure, show
from course.learner.seeding import rng

scratch = tempfile.TemporaryDirectory(prefix="parquet-notebook-")
folder = Path(scratch.name)  # every file of this notebook goes here; removed in the last cell

table = metrics(rows=200_000)
print(f"pyarrow {pa.__version__}; metrics: {table.num_rows:,} rows, {table.num_columns} columns, "
      f"{table.nbytes / 1e6:.1f} MB in memory")

# %% [markdown]
# ## 1. Anatomy of a file
#
# A Parquet file is laid out like this:
#
# ```text
# "PAR1"                                     4-byte magic number
# row group 0
#     column chunk "time"   [dictionary page] data page, data page, ...
#     column chunk "host"   [dictionary page] data page, ...
#     ... one column chunk per column
# row group 1
#     ...
# footer                                     schema; for every row group and column chunk:
#                                            offsets, sizes, encodings, codec, statistics
# footer length                              4 bytes, little-endian
# "PAR1"
# ```
#
# - A **row group** is a horizontal slice of the table: a run of consecutive rows.
# - A **column chunk** holds one column's values for one row group, contiguously.
# - A **page** is the unit inside a chunk that is encoded and compressed on its own. A
#   dictionary-encoded chunk starts with a dictionary page.
# - The **footer** is written last, so a writer can stream row groups out without knowing the
#   future, and it is read first.
#
# We write the metrics table with 50,000 rows per row group and check the bytes at both ends.

# %%
path = folder / "metrics.parquet"
pq.write_table(table, path, row_group_size=50_000)

raw = path.read_bytes()
footer_length = int.from_bytes(raw[-8:-4], "little")
print(f"file size {len(raw):,} bytes")
print(f"first 4 bytes {raw[:4]!r}, last 4 bytes {raw[-4:]!r}")
print(f"footer length, read from bytes -8 to -4: {footer_length:,} bytes")

# %% [markdown]
# That is exactly what a reader does: seek to the end, read the length, read the footer. From then
# on it knows where every column chunk starts without scanning the file. `pq.ParquetFile` reads the
# footer for us; `.metadata` is the footer, decoded.

# %%
parquet_file = pq.ParquetFile(path)
meta = parquet_file.metadata
print(meta)
print("serialized_size equals the footer length we read by hand:",
      meta.serialized_size == footer_length)

# %% [markdown]
# The footer also holds the schema. Look at the words `required` and `optional`: a column declared
# non-nullable is `required` and needs no information about nulls; an `optional` column stores a
# *definition level* per value, which section 2 measures. The key-value metadata also carries the
# original Arrow schema (`ARROW:schema`), so pyarrow gets back exactly the types it wrote. Keep
# that in mind for section 7.

# %%
print(parquet_file.schema)
print("key-value metadata keys:", list(meta.metadata))

# %% [markdown]
# Now one row group, and one column chunk inside it: `meta.row_group(i).column(j)`.

# %%
print(meta.row_group(0))
print(meta.row_group(0).column(0))

# %% [markdown]
# What to read in the column chunk above:
#
# - `physical_type` is how values are stored (`INT64`); the logical type says how to read them (a
#   UTC timestamp in nanoseconds).
# - `encodings` lists every encoding used in the chunk; `compression` is the codec (pyarrow's
#   default is Snappy).
# - `dictionary_page_offset` comes before `data_page_offset`: the dictionary page is first.
# - `statistics` holds `min`, `max` and `null_count` for the chunk: the basis of skipping.
#
# One line per column chunk gives the overview of the whole row group:

# %%
def print_row_group(meta, group):
    """One line per column chunk of row group `group`: type, encodings, codec, size, statistics."""
    print(f"{'column':<11}{'type':<11}{'encodings':<32}{'codec':<8}{'bytes':>9}  statistics")
    for j in range(meta.num_columns):
        chunk = meta.row_group(group).column(j)
        stats = chunk.statistics
        print(f"{chunk.path_in_schema:<11}{chunk.physical_type:<11}"
              f"{', '.join(chunk.encodings):<32}{chunk.compression:<8}"
              f"{chunk.total_compressed_size:>9,}  "
              f"min {stats.min}, max {stats.max}, nulls {stats.null_count}")


print_row_group(meta, 0)

# %% [markdown]
# Three things in that table deserve a closer look.
#
# **Why three encodings per chunk?** A dictionary-encoded chunk uses each one for a different part:
# the dictionary page is written `PLAIN` (the distinct values back to back), the repetition and
# definition levels (section 2) use `RLE` (Parquet's RLE / bit-packing hybrid), and the data pages
# hold dictionary indices, also in the hybrid, which is listed as `RLE_DICTIONARY`. The list says
# which encodings occur somewhere in the chunk, not that each value went through all three.
#
# **Why is the minimum of `cpu` `-0.0`?** No reading is negative; the smallest is `0.0`. The Parquet
# format tells writers to store a zero minimum as `-0.0` and a zero maximum as `+0.0`. IEEE floats
# have two zeros, equal in comparisons but different in their bits, and implementations have not
# always agreed on how to order them. With the minimum at `-0.0` and the maximum at `+0.0`, the
# bounds cover both zeros under either view, so no reader can wrongly skip a row group that holds
# a zero. (The same part of the format keeps NaN out of min and max.)
#
# **Can a reader trust min and max?** Only as *bounds*, and only when they are there. Statistics
# are optional: a writer may leave them out entirely (`write_statistics=False` in pyarrow), and
# pyarrow leaves out min and max for a chunk where one of them is longer than 4,096 bytes. Other
# writers *truncate* long strings instead: the format allows a min or max that is not a value in
# the chunk, as long as it is still a bound (a min cut short, or a max cut short and rounded up:
# "Blart Versenwald III" may be stored as min `B`). Newer files flag such bounds with
# `is_min_value_exact` / `is_max_value_exact`. So a pruner may use min and max to *skip*, never to
# answer a query such as `SELECT max(host)` on its own.
#
# **Predict, then run.** Which of these chunks keep min and max, and what are they: floats `[0.0,
# 2.5]`, floats `[-1.5, -0.0]`, floats `[nan, 1.0]`, strings `["b", "a" * 5000]`, and integers
# written with `write_statistics=False`?

# %%
def stats_of(values, **options):
    """min, max and null count that pyarrow writes for one column of `values` (or None)."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"v": values}), sink, **options)
    chunk = pq.ParquetFile(pa.BufferReader(sink.getvalue())).metadata.row_group(0).column(0)
    if not chunk.is_stats_set:
        return "no statistics at all"
    stats = chunk.statistics
    if not stats.has_min_max:
        return f"no min/max, nulls {stats.null_count}"
    return f"min {_short(stats.min)}, max {_short(stats.max)}, nulls {stats.null_count}"


def _short(value):
    """repr of a statistic, long strings cut to their first 8 characters and their length."""
    if isinstance(value, str) and len(value) > 12:
        return f"{value[:8]}...({len(value)} chars)"
    return repr(value)


for label, values, options in [
    ("[0.0, 2.5]", [0.0, 2.5], {}),
    ("[-1.5, -0.0]", [-1.5, -0.0], {}),
    ("[nan, 1.0]", [float("nan"), 1.0], {}),
    ('["b", "a" * 5000]', ["b", "a" * 5000], {}),
    ("[1, 2], write_statistics=False", [1, 2], {"write_statistics": False}),
]:
    print(f"{label:<32} {stats_of(values, **options)}")

# %% [markdown]
# <details><summary>Answer</summary>
#
# `[0.0, 2.5]` stores min `-0.0`; `[-1.5, -0.0]` stores max `0.0` (+0); `[nan, 1.0]` stores 1.0
# for both, NaN left out; the 5,000-character string makes pyarrow drop min and max (the null
# count stays); `write_statistics=False` leaves no statistics at all. Your pruner in the
# assignment must read every row group whose min/max are missing.
#
# </details>
#
# ## 2. Encodings
#
# An **encoding** turns a page's values into bytes before any codec sees them. It is lossless and
# cheap to decode, and the writer chooses it per column chunk. The baseline is `PLAIN`: values back
# to back, 8 bytes per int64 or double, a 4-byte length plus the bytes for each string.
#
# ### Dictionary encoding
#
# A dictionary-encoded chunk stores each distinct value once, in the dictionary page, and then one
# small integer index per row (`RLE_DICTIONARY` in the list of encodings). pyarrow dictionary
# encodes every column by default; `use_dictionary=False` turns it off, and `use_dictionary=[...]`
# picks columns. We write the table both ways, without compression, and compare column by column.

# %%
def chunk_bytes(path):
    """Bytes on disk per column, summed over the file's row groups."""
    meta = pq.ParquetFile(path).metadata
    sizes = {}
    for i in range(meta.num_row_groups):
        for j in range(meta.num_columns):
            chunk = meta.row_group(i).column(j)
            sizes[chunk.path_in_schema] = (
                sizes.get(chunk.path_in_schema, 0) + chunk.total_compressed_size
            )
    return sizes


pq.write_table(table, folder / "plain.parquet", use_dictionary=False, compression="none")
pq.write_table(table, folder / "dictionary.parquet", use_dictionary=True, compression="none")
plain = chunk_bytes(folder / "plain.parquet")
dictionary = chunk_bytes(folder / "dictionary.parquet")

print(f"{'column':<11}{'distinct values':>16}{'plain KB':>10}{'dictionary KB':>15}{'ratio':>8}")
for name in table.column_names:
    distinct = pc.count_distinct(table[name]).as_py()
    print(f"{name:<11}{distinct:>16,}{plain[name] / 1e3:>10.0f}{dictionary[name] / 1e3:>15.0f}"
          f"{plain[name] / dictionary[name]:>7.1f}x")

# %% [markdown]
# The ratio follows the number of distinct values. `host`, `region` and `status` are labels with a
# handful of values; `time` has one distinct instant per 50 rows, because all hosts report at the
# same instants. They all shrink a great deal. At the other end, `mem_used` has almost one distinct
# value per row: the dictionary outgrows its page-size limit, the writer falls back to plain pages
# part way through, and the column ends up larger than plain. Check both ends in the table above.
#
# ### Run-length encoding and bit-packing
#
# The indices themselves, and the definition levels below, are written with Parquet's **RLE /
# bit-packing hybrid** (the format also allows it for booleans, as an alternative to `PLAIN`). It
# alternates two kinds of runs: a *repeated run* stores "this value, n times" in a couple of
# bytes, and a *bit-packed run* stores groups of 8 values with just enough bits each (50 hosts need
# 6 bits per index), packed least significant bit first, like Arrow's validity bitmaps: the Parquet
# spec's own example packs the values 0 to 7 at 3 bits each into the bytes `88 C6 FA`. Which run
# the writer can use depends on the order of the rows, so we write the `host` column twice: in
# arrival order, where hosts take turns, and sorted by host, where each host's rows are together.

# %%
def column_bytes(tab, column, **options):
    """Bytes on disk of one column written alone with `options`, and its encodings."""
    one = folder / "one-column.parquet"
    pq.write_table(tab.select([column]), one, **options)
    meta = pq.ParquetFile(one).metadata
    chunks = [meta.row_group(i).column(0) for i in range(meta.num_row_groups)]
    return sum(c.total_compressed_size for c in chunks), chunks[0].encodings


by_host = table.sort_by([("host", "ascending"), ("time", "ascending")])
hosts = pc.count_distinct(table["host"]).as_py()
print(f"{hosts} hosts: a bit-packed index needs {math.ceil(math.log2(hosts))} bits")
for label, tab in [("arrival order", table), ("sorted by host", by_host)]:
    size, encodings = column_bytes(tab, "host", use_dictionary=True, compression="none")
    print(f"{label:<15}{size:>10,} bytes  {size * 8 / tab.num_rows:6.3f} bits per row  {encodings}")

# %% [markdown]
# Same values, same dictionary, same encodings; only the order differs. In arrival order the same
# host never appears twice in a row, so the indices are bit-packed, close to the bits-per-index
# printed above. Sorted by host, each host's rows form one long run, and a run costs a few bytes
# however long it is.
#
# ### Definition levels
#
# An `optional` column does not store nulls among its values. Instead it stores a **definition
# level** per row: 1 when the value is present, 0 when it is null (for a flat column). The levels
# go through the same RLE / bit-packing hybrid. We write one int64 column four ways, plain and
# uncompressed, and subtract the 8 bytes of every stored value: what is left is the levels plus a
# few bytes of page headers.

# %%
n = table.num_rows
values = np.arange(n, dtype=np.int64)
level_cases = {
    "required (non-nullable)": (pa.array(values), False),
    "optional, no nulls": (pa.array(values), True),
    "optional, 2% nulls in one run": (pa.array(values, mask=values >= n - n // 50), True),
    "optional, 2% nulls scattered": (pa.array(values, mask=rng(3).random(n) < 0.02), True),
}
print(f"{'case':<31}{'nulls':>7}{'bytes besides values':>22}{'bits per row':>14}")
for label, (column, nullable) in level_cases.items():
    schema = pa.schema([pa.field("v", pa.int64(), nullable=nullable)])
    pq.write_table(pa.table([column], schema=schema), folder / "levels.parquet",
                   use_dictionary=False, compression="none")
    chunk = pq.ParquetFile(folder / "levels.parquet").metadata.row_group(0).column(0)
    overhead = chunk.total_uncompressed_size - 8 * (n - column.null_count)
    print(f"{label:<31}{column.null_count:>7,}{overhead:>22,}{overhead * 8 / n:>14.3f}")

# %% [markdown]
# A column without nulls, or with its nulls bunched together, pays almost nothing for its levels:
# they form a few long runs. Nulls scattered at random break the runs, and the writer has to
# bit-pack many groups of levels: a sizeable fraction of a bit per row. The lesson is the same as
# for the dictionary indices: runs are nearly free.
#
# ### DELTA_BINARY_PACKED for timestamps
#
# `DELTA_BINARY_PACKED` stores the first value, then the differences between consecutive values,
# in blocks. In each block it subtracts the block's smallest difference, then cuts the block into
# **miniblocks** and bit-packs each with the fewest bits its largest value needs (one width byte
# per miniblock). The format lets the writer choose the block size (a multiple of 128) and the
# miniblock size (a multiple of 32); pyarrow uses blocks of 128 values in 4 miniblocks of 32 for
# `int32`, and blocks of 256 in 4 miniblocks of 64 for `int64` and timestamps. A clock that ticks
# regularly gives identical differences, so after the subtraction they are all 0 and cost **0 bits
# per value**. There is no run-length step: the RLE / bit-packing hybrid above is a different
# encoding, for levels, dictionary indices and booleans. You select delta per column with
# `column_encoding={...}`, which requires that the column is not dictionary encoded.
#
# The `time` column in two orders, three encodings each:

# %%
time_sizes = {}
for label, tab in [("arrival order", table), ("sorted by host", by_host)]:
    time_sizes[label] = {
        "PLAIN": column_bytes(tab, "time", use_dictionary=False, compression="none"),
        "dictionary": column_bytes(tab, "time", use_dictionary=True, compression="none"),
        "DELTA_BINARY_PACKED": column_bytes(tab, "time", use_dictionary=False, compression="none",
                                            column_encoding={"time": "DELTA_BINARY_PACKED"}),
    }
print(f"{'time column':<16}{'PLAIN':>12}{'dictionary':>12}{'DELTA':>12}   smallest")
for label, by_encoding in time_sizes.items():
    sizes = {name: size for name, (size, _) in by_encoding.items()}
    print(f"{label:<16}" + "".join(f"{size:>12,}" for size in sizes.values())
          + f"   {min(sizes, key=sizes.get)}")
print("encodings of the delta chunk:", time_sizes["sorted by host"]["DELTA_BINARY_PACKED"][1])

# %% [markdown]
# The winner depends on the order of the rows. In arrival order every instant appears 50 times in
# a row (once per host), so the dictionary indices form runs of 50 and RLE swallows them. Sorted by
# host, each host's series is a regular clock, which is what delta encoding is made for. The delta
# column is not free even then: each of the 49 jumps back to the first instant, where one host ends
# and the next begins, puts a huge negative difference into its block; after subtracting that
# minimum, every other difference in the block is large, and the block's miniblocks are packed
# wide. In arrival order delta fares worse still: a 10-second jump lands in every 64-value
# miniblock (notebook 1 counts the bits).
#
# ### BYTE_STREAM_SPLIT for floats
#
# Full-precision measurements defeat both tricks: they rarely repeat exactly and their differences
# are not regular. `BYTE_STREAM_SPLIT` writes byte 0 of every value, then byte 1 of every value,
# and so on. It saves nothing by itself; it hands the codec eight streams, and the streams holding
# sign, exponent and the top of the mantissa change slowly and compress well. We compare it on two
# float columns: `cpu`, which has two decimals and so only a few thousand distinct values, and a
# full-precision sensor signal (a seeded random walk), both compressed with zstd.

# %%
floats = pa.table({
    "cpu": table["cpu"],
    "sensor": 20 + np.cumsum(rng(7).normal(0, 0.01, table.num_rows)),
})
print(f"{'column (zstd)':<14}{'distinct':>9}{'PLAIN':>11}{'dictionary':>12}"
      f"{'BYTE_STREAM_SPLIT':>19}   smallest")
for name in floats.column_names:
    sizes = {
        "PLAIN": column_bytes(floats, name, use_dictionary=False, compression="zstd")[0],
        "dictionary": column_bytes(floats, name, use_dictionary=True, compression="zstd")[0],
        "BYTE_STREAM_SPLIT": column_bytes(floats, name, use_dictionary=False, compression="zstd",
                                          column_encoding={name: "BYTE_STREAM_SPLIT"})[0],
    }
    distinct = pc.count_distinct(floats[name]).as_py()
    print(f"{name:<14}{distinct:>9,}" + f"{sizes['PLAIN']:>11,}{sizes['dictionary']:>12,}"
          f"{sizes['BYTE_STREAM_SPLIT']:>19,}   {min(sizes, key=sizes.get)}")

# %% [markdown]
# For the sensor, splitting the bytes is what lets zstd find structure. For `cpu` it backfires:
# with few distinct values, a dictionary (or zstd on plain values, which finds the repeats) does
# better, and splitting the bytes scatters exactly the repeats that zstd was using. No encoding is
# best for every column; measure on your own data.
#
# ## 3. Compression codecs
#
# After encoding, each page can be compressed by a general-purpose **codec**: Snappy, gzip, zstd,
# and others. `course.columnar.bench.parquet_sizes` writes the whole table with each of the option
# sets in `PARQUET_VARIANTS` and returns the file sizes; we also time writing and reading each
# variant.

# %%
for name, options in PARQUET_VARIANTS.items():
    print(f"{name}:\n    {options}")

# %%
sizes = parquet_sizes(table)
write_s, read_s = {}, {}
for number, (name, options) in enumerate(PARQUET_VARIANTS.items()):
    variant_path = folder / f"variant-{number}.parquet"
    write_s[name] = best_time(functools.partial(pq.write_table, table, variant_path, **options))
    read_s[name] = best_time(functools.partial(pq.read_table, variant_path))

base = sizes["plain, uncompressed"]
print(f"{'variant':<58}{'MB':>6}{'smaller':>9}{'write ms':>10}{'read ms':>9}")
for name, size in sizes.items():
    print(f"{name:<58}{size / 1e6:>6.2f}{base / size:>8.1f}x"
          f"{write_s[name] * 1e3:>10.1f}{read_s[name] * 1e3:>9.1f}")
print(f"{'(Arrow table in memory)':<58}{table.nbytes / 1e6:>6.2f}")

# %%
names = list(sizes)[::-1]
megabytes = [sizes[name] / 1e6 for name in names]
fig, ax = figure(figsize=(9, 5))
ax.barh([textwrap.fill(name, 30) for name in names], megabytes, color=PALETTE["blue"])
for y, name in enumerate(names):
    ax.text(sizes[name] / 1e6 + 0.15, y, f"{sizes[name] / 1e6:.1f} MB  ({base / sizes[name]:.1f}x)",
            va="center", fontsize=11, zorder=3,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})  # readable over the line
ax.axvline(table.nbytes / 1e6, color=PALETTE["vermillion"], linestyle="--", linewidth=1.5,
           label="Arrow table in memory")
ax.set_xlim(0, max(megabytes) * 1.35)
ax.set(title=f"Parquet file size of the same {table.num_rows:,} rows", xlabel="file size (MB)")
ax.grid(axis="y", visible=False)
ax.legend(loc="lower right")
smallest = min(sizes, key=sizes.get)
show(fig, alt=f"Horizontal bar chart of Parquet file sizes for {len(sizes)} write options. Plain "
              f"uncompressed is {base / 1e6:.1f} MB, about the size of the Arrow table in memory; "
              f"the smallest is {smallest} at {sizes[smallest] / 1e6:.1f} MB.")

# %% [markdown]
# Read the chart from the top. The largest step is dictionary encoding, before any codec. A codec
# then shrinks what encoding left, and the codecs differ in both size and time: compare the write
# and read columns in the table above; the smallest file is not always the cheapest to produce.
# Hand-picked encodings help only where they suit the data. Both tuned variants keep the
# dictionary only for the three label columns. The delta variant adds DELTA_BINARY_PACKED for
# `time`; the last variant instead applies BYTE_STREAM_SPLIT to `cpu` and
# `latency_ms`, floats with few decimals, the case where section 2 saw it backfire.
#
# ## 4. Statistics and predicate pushdown
#
# Every column chunk carries `min`, `max` and `null_count` in the footer. A reader given a filter
# compares it with each row group's statistics first. If no value between `min` and `max` can
# satisfy the filter, the row group is skipped: never read, never decompressed, never decoded.
# This is **predicate pushdown**: the filter is pushed down to the storage layer. Here are the
# statistics of `time` in our file, one line per row group:

# %%
time_col = meta.schema.names.index("time")
for i in range(meta.num_row_groups):
    stats = meta.row_group(i).column(time_col).statistics
    print(f"row group {i}: {meta.row_group(i).num_rows:,} rows, time {stats.min} .. {stats.max}")

# %% [markdown]
# `course.columnar.bench.pruned_read` writes a time-sorted file with 50 row groups, reads a window
# about one row group wide with `pq.read_table(path, filters=expr)`, and compares it with reading
# the whole file and filtering in memory.

# %%
measured = pruned_read(table)
print(f"row groups whose statistics overlap the window: {measured['row_groups_touched']} "
      f"of {measured['row_groups']}")
print(f"pruned read {measured['pruned_s'] * 1e3:.1f} ms, read-then-filter "
      f"{measured['unpruned_s'] * 1e3:.1f} ms: {measured['ratio']:.1f}x faster")

# %% [markdown]
# You can ask the dataset API which row groups survive a filter, without reading any data:
# `fragment.split_by_row_group(filter)` returns one fragment per row group that the statistics
# cannot rule out. Statistics only help when matching values are clustered. In our file each row
# group covers a separate stretch of time, but high cpu readings are spread over all of them:

# %%
def surviving_row_groups(dataset, expr):
    """How many row groups of `dataset` the footer statistics cannot rule out for `expr`."""
    return sum(len(fragment.split_by_row_group(expr)) for fragment in dataset.get_fragments())


metrics_dataset = ds.dataset(path)
first_hour = pc.field("time") < pa.scalar(table["time"][0].value + 3600 * 10**9,
                                          table.schema.field("time").type)
for label, expr in [("first hour", first_hour), ("cpu > 95", pc.field("cpu") > 95)]:
    print(f"{label:<11} row groups that survive: {surviving_row_groups(metrics_dataset, expr)} "
          f"of {meta.num_row_groups};  matching rows: {table.filter(expr).num_rows:,}")

# %% [markdown]
# ## 5. Sort order and row-group size
#
# Pruning works when each row group covers a narrow range of the column you filter on. Two layout
# decisions control that: the order of the rows, and how many rows go into a row group.
#
# ### Sorted versus shuffled
#
# We write the same rows twice, in time order and shuffled (a seeded permutation), with 10,000 rows
# per row group, and ask how many row groups a one-hour window can skip. `row_groups_that_may_match`
# does by hand what the reader does: it compares the window with each group's `min` and `max`. Its
# bounds are inclusive, so the window ends at its last nanosecond, `last`. The column "reader
# agrees" checks our count against `split_by_row_group`.

# %%
def row_groups_that_may_match(path, column, lo, hi):
    """Indices of the row groups whose statistics for `column` overlap [lo, hi]."""
    meta = pq.ParquetFile(path).metadata
    j = meta.schema.names.index(column)
    keep = []
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(j).statistics
        if stats is None or not stats.has_min_max or (stats.min <= hi and stats.max >= lo):
            keep.append(i)
    return keep


time_type = table.schema.field("time").type
start = table["time"][0].value
lo = pa.scalar(start + 5 * 3600 * 10**9, time_type)  # from 05:00 on the first day
hi = pa.scalar(start + 6 * 3600 * 10**9, time_type)  # to 06:00, not included
last = pa.scalar(hi.value - 1, time_type)  # the last nanosecond inside the window
one_hour = (pc.field("time") >= lo) & (pc.field("time") < hi)

shuffled = table.take(rng(1).permutation(table.num_rows))
print(f"{'layout':<10}{'MB':>6}{'row groups kept':>17}{'reader agrees':>15}"
      f"{'read with filter':>18}")
for label, tab in [("sorted", table), ("shuffled", shuffled)]:
    layout_path = folder / f"{label}.parquet"
    pq.write_table(tab, layout_path, row_group_size=10_000)
    kept = row_groups_that_may_match(layout_path, "time", lo.as_py(), last.as_py())
    groups = pq.ParquetFile(layout_path).metadata.num_row_groups
    agrees = len(kept) == surviving_row_groups(ds.dataset(layout_path), one_hour)
    read = best_time(functools.partial(pq.read_table, layout_path, filters=one_hour))
    print(f"{label:<10}{layout_path.stat().st_size / 1e6:>6.2f}{len(kept):>8} of {groups:<6}"
          f"{agrees!s:>13}{read * 1e3:>15.1f} ms")

# %% [markdown]
# Shuffled, every row group spans nearly the whole time range, so no statistic can rule any group
# out. Sorting also makes the file smaller: neighbouring rows are similar, which is what the
# encodings of section 2 feed on.
#
# ### How many rows per row group?
#
# Smaller row groups let a filter skip at a finer grain, but every row group repeats per-chunk
# metadata in the footer, restarts its dictionaries, and gives the codec shorter input. We write
# the time-sorted table with row groups from 2,000 to 200,000 rows and count, for the one-hour
# window, the row groups kept and the rows that must be read.

# %%
group_sizes = [2_000, 5_000, 10_000, 25_000, 50_000, 100_000, 200_000]
sweep = []
for rows_per_group in group_sizes:
    sweep_path = folder / f"rows-per-group-{rows_per_group}.parquet"
    pq.write_table(table, sweep_path, row_group_size=rows_per_group)
    sweep_meta = pq.ParquetFile(sweep_path).metadata
    kept = row_groups_that_may_match(sweep_path, "time", lo.as_py(), last.as_py())
    sweep.append({
        "rows per group": rows_per_group,
        "row groups": sweep_meta.num_row_groups,
        "file MB": sweep_path.stat().st_size / 1e6,
        "footer KB": sweep_meta.serialized_size / 1e3,
        "groups kept": len(kept),
        "rows read": sum(sweep_meta.row_group(i).num_rows for i in kept),
    })

print("".join(f"{key:>16}" for key in sweep[0]))
for entry in sweep:
    print(f"{entry['rows per group']:>16,}{entry['row groups']:>16}{entry['file MB']:>16.2f}"
          f"{entry['footer KB']:>16.1f}{entry['groups kept']:>16}{entry['rows read']:>16,}")
matching = table.filter(one_hour).num_rows
default_path = folder / "default-row-groups.parquet"
pq.write_table(table, default_path)
print(f"\nrows in the window: {matching:,}; with pyarrow's default row-group size this table "
      f"becomes {pq.ParquetFile(default_path).metadata.num_row_groups} row group(s)")

# %%
x = [entry["rows per group"] for entry in sweep]
fig, (left, right) = figure(1, 2, figsize=(10, 4), layout="constrained")
left.plot(x, [entry["file MB"] for entry in sweep], marker="o", color=PALETTE["blue"])
left.set(title="File size", ylabel="MB")
left.set_ylim(bottom=0)
right.plot(x, [entry["rows read"] / 1e3 for entry in sweep], marker="o",
           color=PALETTE["orange"], label="rows read")
right.axhline(matching / 1e3, color=PALETTE["black"], linestyle="--", linewidth=1,
              label="rows in the window")
right.set(title="Rows read for a one-hour filter", ylabel="thousands of rows")
right.set_ylim(bottom=0)
right.legend(loc="upper left")
for ax in (left, right):
    ax.set_xscale("log")
    ax.set_xticks(x, [f"{v // 1000}k" for v in x])
    ax.minorticks_off()
    ax.set_xlabel("rows per row group (log scale)")
show(fig, alt=f"Two line charts against rows per row group, {x[0]:,} to {x[-1]:,}. Left: the "
              f"file shrinks from {sweep[0]['file MB']:.1f} to {sweep[-1]['file MB']:.1f} MB as "
              f"groups grow. Right: rows read for a one-hour filter grow from "
              f"{sweep[0]['rows read']:,} to {sweep[-1]['rows read']:,}.")

# %% [markdown]
# The two charts pull in opposite directions: that is the trade-off. Very small groups read little
# more than the matching rows but make the file and its footer larger; one big group compresses
# best but turns every filter into a full read. pyarrow's default row group holds up to 1024 x 1024
# rows, more than this whole table (see the last line printed above), so a file written with
# defaults cannot be pruned at all until it holds over a million rows. Choose the size for the
# queries you expect, and sort by the column those queries filter on.
#
# ## 6. Partitioned datasets
#
# Row groups split a file. **Partitioning** splits a dataset into directories by the value of a
# column, so a filter on that column can skip whole files without opening them, not even their
# footers. In the *hive* flavour the directory names say `column=value`.

# %%
region_root = folder / "by-region"
ds.write_dataset(table, region_root, format="parquet", partitioning=["region"],
                 partitioning_flavor="hive")
for part in sorted(region_root.rglob("*.parquet")):
    print(f"{str(part.relative_to(region_root)):<34}{part.stat().st_size:>11,} bytes")
one_file = next(region_root.rglob("*.parquet"))
print("columns inside a file:", pq.read_schema(one_file).names)

# %% [markdown]
# The `region` column is gone from the files: its value is in the path, once per directory instead
# of once per row. When we open the dataset with `partitioning="hive"`, pyarrow puts the column
# back, and a filter on it selects directories before any file is touched.

# %%
regions = ds.dataset(region_root, format="parquet", partitioning="hive")
in_eu_west = pc.field("region") == "eu-west"
files_kept = list(regions.get_fragments(filter=in_eu_west))
print(f"files: {len(list(regions.get_fragments()))}, kept by the filter: {len(files_kept)}")
print("kept:", [str(Path(f.path).relative_to(region_root)) for f in files_kept])
print("partition expression:", files_kept[0].partition_expression)

from_partitions = regions.to_table(filter=in_eu_west & one_hour)
from_memory = table.filter(in_eu_west & one_hour)
print(f"eu-west, one hour: {from_partitions.num_rows:,} rows from the dataset, "
      f"{from_memory.num_rows:,} from the table in memory")

# %% [markdown]
# Partition on a column with few values that queries filter on often, such as a day or a region.
# Each partition is at least one file with its own footer and row groups, so a high-cardinality
# partition column produces thousands of tiny files, and the overhead of opening them can outweigh
# what the pruning saves.
#
# ## 7. The pitfall: no row-group pruning on dictionary-typed columns
#
# Section 2 showed that Parquet dictionary-encodes `host` on disk anyway. It is tempting to also
# give `host` Arrow's dictionary type in memory (it is much smaller there) and write that. Because
# the footer stores the Arrow schema (`ARROW:schema`, section 1), the column then reads back as
# dictionary-typed. The dataset reader in pyarrow (at least in the version pinned for this course;
# a cell below checks yours) does not apply row-group statistics to a dictionary-typed column: it
# keeps every row group. The answer stays correct; only the skipping silently stops.
#
# We build a fleet of 100 hosts, sort by host so each host's rows are together, and write 100 row
# groups of 2,000 rows: each row group then holds exactly one host. One file keeps `host` as
# strings; the other casts it to `pa.dictionary(pa.int32(), pa.string())` first.

# %%
fleet = metrics(rows=200_000, hosts=100).sort_by([("host", "ascending"), ("time", "ascending")])
fleet_dict = fleet.set_column(
    1, "host", fleet["host"].cast(pa.dictionary(pa.int32(), pa.string()))
)
fleet_paths = {
    "plain strings": folder / "fleet-host-string.parquet",
    "dictionary type": folder / "fleet-host-dictionary.parquet",
}
pq.write_table(fleet, fleet_paths["plain strings"], row_group_size=2_000)
pq.write_table(fleet_dict, fleet_paths["dictionary type"], row_group_size=2_000)

host_col = fleet.column_names.index("host")
for label, fleet_path in fleet_paths.items():
    fleet_meta = pq.ParquetFile(fleet_path).metadata
    stats = fleet_meta.row_group(7).column(host_col).statistics
    print(f"{label:<16} Arrow type in the file: {pq.read_schema(fleet_path).field('host').type}")
    print(f"{'':<16} row groups {fleet_meta.num_row_groups}; on-disk encodings "
          f"{fleet_meta.row_group(7).column(host_col).encodings}; "
          f"row group 7 host min {stats.min}, max {stats.max}")

# %% [markdown]
# On disk the two `host` columns are encoded the same way and carry the same statistics. Now ask
# the dataset API how many row groups survive a filter for one host, in each file.

# %%
one_host = pc.field("host") == "host-0007"
survivors = {}
for label, fleet_path in fleet_paths.items():
    fleet_dataset = ds.dataset(fleet_path)
    survivors[label] = surviving_row_groups(fleet_dataset, one_host)
    via_subset = sum(f.subset(one_host).num_row_groups for f in fleet_dataset.get_fragments())
    total = pq.ParquetFile(fleet_path).metadata.num_row_groups
    print(f"{label:<16} split_by_row_group: {survivors[label]:>3} of {total} row groups survive;"
          f"  subset: {via_subset}")

if survivors["dictionary type"] > survivors["plain strings"]:
    print("\nThis pyarrow version does not prune row groups on the dictionary-typed column.")
else:
    print("\nThis pyarrow version prunes both files equally: the pitfall is fixed here.")

# %% [markdown]
# The same trap can be sprung from the reading side. Asking for `host` as a dictionary when
# reading the *string* file (`read_dictionary=["host"]` in `pq.read_table`, or
# `dictionary_columns` in the dataset's read options) also changes the column's type before the
# filter is applied. We count survivors that way and time the filtered reads.

# %%
as_dict_format = ds.ParquetFileFormat(
    read_options=ds.ParquetReadOptions(dictionary_columns=["host"])
)
read_as_dict = ds.dataset(fleet_paths["plain strings"], format=as_dict_format)
print(f"string file read as dictionary: {surviving_row_groups(read_as_dict, one_host)} row "
      f"groups survive")

filtered_reads = {
    "string file": functools.partial(pq.read_table, fleet_paths["plain strings"],
                                     filters=one_host),
    "dictionary file": functools.partial(pq.read_table, fleet_paths["dictionary type"],
                                         filters=one_host),
    "string file, read_dictionary": functools.partial(
        pq.read_table, fleet_paths["plain strings"], filters=one_host, read_dictionary=["host"]
    ),
}
for label, read in filtered_reads.items():
    print(f"{label:<30} {read().num_rows:,} rows in {best_time(read) * 1e3:6.1f} ms")

# %% [markdown]
# All three reads return the same rows; the difference is how much of the file they decode to
# find them.
#
# **Pruning by hand.** The statistics are in the footer whatever the Arrow type, so a check
# written against the footer prunes both files. `row_groups_that_may_match` from section 5 does
# it; `ParquetFile.read_row_groups` then reads only the groups it keeps, and the filter runs on
# those rows alone.

# %%
def read_pruned(path, column, value):
    """Read only the row groups whose statistics allow `column == value`, then filter."""
    groups = row_groups_that_may_match(path, column, value, value)
    rows = pq.ParquetFile(path).read_row_groups(groups).filter(pc.field(column) == value)
    return groups, rows


for label, fleet_path in fleet_paths.items():
    groups, rows = read_pruned(fleet_path, "host", "host-0007")
    everything = pq.read_table(fleet_path).filter(one_host)
    took = best_time(functools.partial(read_pruned, fleet_path, "host", "host-0007"))
    print(f"{label:<16} row groups kept {groups}, {rows.num_rows:,} rows, "
          f"same as a full read: {rows.equals(everything)}, {took * 1e3:.1f} ms")

# %% [markdown]
# What to do in practice:
#
# - Write low-cardinality string columns with a plain string type. Parquet dictionary-encodes them
#   on disk anyway (section 2); cast to dictionary *after* filtering if you want the memory saving.
# - Do not ask for `read_dictionary` on a column you filter on.
# - When you cannot control the writer, prune by hand with the footer statistics, as above.
# - Whatever you do, check that pruning happens: count survivors with `split_by_row_group` on your
#   own data and pyarrow version. A filter that silently reads everything returns correct results,
#   so no test of the results will catch it.

# %% [markdown]
# ## 8. Watching a query engine prune: DataFusion `EXPLAIN ANALYZE`
#
# So far pyarrow has done the reading. DataFusion, the SQL engine inside InfluxDB 3.0, prunes
# Parquet at several levels, and tells you what it skipped when you prefix a query with
# `EXPLAIN ANALYZE`: it runs the query and prints the plan with measured metrics.
#
# The finest level needs the **page index**, two optional structures a writer can add to the file
# (pyarrow does with `write_page_index=True`): the **column index** holds min, max and null count
# for every *page* of a chunk, and the **offset index** holds where each page starts in the file and
# its first row. They sit between the row groups and the footer, which points to them, so a reader
# can prune pages, not just row groups, without reading any page. (pyarrow writes a page index but,
# its documentation says, does not use it when reading; DataFusion does.)
#
# We write the metrics, in time order, as 10 row groups of 20,000 rows, pages of at most 2,000
# rows, with a page index, and ask DataFusion for the one-hour window of section 5.
#
# **Predict, then run.** The window holds 18,000 rows. How many of the 10 row groups can the
# statistics rule out, and how many rows are left to decode once the page index has done its work?

# %%
indexed_path = folder / "metrics-page-index.parquet"
pq.write_table(table, indexed_path, row_group_size=20_000, max_rows_per_page=2_000,
               write_page_index=True)
time_chunk = pq.ParquetFile(indexed_path).metadata.row_group(0).column(0)
print(f"time chunk of row group 0: column index {time_chunk.has_column_index}, "
      f"offset index {time_chunk.has_offset_index}")


def explain_analyze(path, where):
    """Run `SELECT count(*) ... WHERE where` on one Parquet file with DataFusion.

    Returns the count and the text of the EXPLAIN ANALYZE plan. One partition, so the metrics
    are the same on every run.
    """
    ctx = datafusion.SessionContext(datafusion.SessionConfig().with_target_partitions(1))
    ctx.register_parquet("metrics", str(path))
    query = f"SELECT count(*) AS n FROM metrics WHERE {where}"
    count = ctx.sql(query).to_pylist()[0]["n"]
    plan = "\n".join(ctx.sql(f"EXPLAIN ANALYZE {query}").to_pandas()["plan"])
    return count, plan


window_sql = (f"time >= to_timestamp_nanos({lo.value}) "
              f"AND time < to_timestamp_nanos({hi.value})")
count, plan = explain_analyze(indexed_path, window_sql)
print(f"rows in the window: {count:,}\n")
scan = next(line.strip() for line in plan.splitlines() if "DataSourceExec" in line)
scan = scan[scan.index("predicate="):scan.index(", metrics=")]  # the file names vary
print(textwrap.fill(scan, 100, subsequent_indent="    "))
print()
for name, (total, matched) in pruning_metrics(plan).items():
    if total:
        print(f"{name:<32} {total:>7,} total -> {matched:>7,} matched")

# %% [markdown]
# <details><summary>Answer</summary>
#
# The statistics keep 2 of 10 row groups: the hour straddles a row-group boundary (each group
# spans about 67 minutes). The page index then keeps 9 of those groups' 20 pages, exactly the
# 18,000 rows of the window, where the row groups alone would have meant 40,000.
#
# </details>
#
# (`row_groups_pruned_bloom_filter` keeps both surviving groups: this file has no bloom filters;
# section 9 adds them.) Now read the `pruning_predicate` in the plan. DataFusion rewrites
# `time >= lo AND time < hi` into a test on each row group's statistics:
# `time_null_count != row_count` (not every value is null),
# `time_max >= lo` and `time_min < hi`. That is the rule you write in the assignment's
# `row_groups_to_read`: skip a row group whose values are all null, whose max is below `low`, or
# whose min is at or above `high`; read it otherwise (and read it when min/max are missing).
# Section 5's `row_groups_that_may_match` agrees on this file:

# %%
kept_by_hand = row_groups_that_may_match(indexed_path, "time", lo.as_py(), last.as_py())
print("row groups kept by hand:", kept_by_hand,
      "| kept by DataFusion:", pruning_metrics(plan)["row_groups_pruned_statistics"][1])

# %% [markdown]
# The first metric, `files_ranges_pruned_statistics`, is the coarsest level: DataFusion can also
# rule out a whole file from its statistics before looking at its row groups, which matters when a
# table is thousands of files on object storage.
#
# ## 9. Bloom filters for point lookups
#
# Min and max help when values are clustered. A **point lookup** on a high-cardinality column that
# is *not* sorted ("find this request id") defeats them: every row group spans almost the whole
# range of ids. A **bloom filter** answers a different question per column chunk: "is this exact
# value certainly absent?" It is a bit array built by hashing every distinct value; a lookup
# hashes the wanted value and checks its bits. "Absent" is always right; "maybe present" is wrong
# with a small false-positive probability (fpp) chosen at write time, traded against the filter's
# size. pyarrow writes one per chosen column with `bloom_filter_options`, sized for the expected
# number of distinct values per chunk (`ndv`).
#
# We add a random request id to every row (seeded, 16 hex digits) and write the table twice, with
# and without a bloom filter on `request_id`.

# %%
request_ids = pa.array([f"{n:016x}" for n in rng(11).integers(0, 2**63, table.num_rows)])
traced = table.append_column("request_id", request_ids)
bloom_paths = {"no bloom filter": folder / "traced.parquet",
               "bloom filter": folder / "traced-bloom.parquet"}
pq.write_table(traced, bloom_paths["no bloom filter"], row_group_size=20_000)
pq.write_table(traced, bloom_paths["bloom filter"], row_group_size=20_000,
               bloom_filter_options={"request_id": {"ndv": 20_000, "fpp": 0.01}})
id_column = traced.column_names.index("request_id")
id_chunk = pq.ParquetFile(bloom_paths["bloom filter"]).metadata.row_group(0).column(id_column)
sizes_mb = {label: p.stat().st_size / 1e6 for label, p in bloom_paths.items()}
print(f"request_id chunk of row group 0: bloom filter at byte {id_chunk.bloom_filter_offset:,}, "
      f"{id_chunk.bloom_filter_length:,} bytes")
print(f"file size: {sizes_mb['no bloom filter']:.2f} MB without, "
      f"{sizes_mb['bloom filter']:.2f} MB with bloom filters")

# %% [markdown]
# **Predict, then run.** Look up one id that is in the table (the one in row 123,456) and one that
# is not. For each file, how many of the 10 row groups survive min/max, and how many survive the
# bloom filter?

# %%
present = request_ids[123_456].as_py()
absent = "0123456789abcdef"  # inside the range of ids, but not one of them
print(f"{'lookup':<9}{'file':<17}{'rows':>5}{'kept by min/max':>18}{'kept by bloom':>16}")
for lookup, wanted in [("present", present), ("absent", absent)]:
    for label, bloom_path in bloom_paths.items():
        count, plan = explain_analyze(bloom_path, f"request_id = '{wanted}'")
        found = pruning_metrics(plan)
        by_stats = found["row_groups_pruned_statistics"]
        by_bloom = found["row_groups_pruned_bloom_filter"]
        print(f"{lookup:<9}{label:<17}{count:>5}{by_stats[1]:>12} of {by_stats[0]:<3}"
              f"{by_bloom[1]:>10} of {by_bloom[0]}")

# %% [markdown]
# <details><summary>Answer</summary>
#
# Min and max keep all 10 row groups in both files: random ids span the whole range in every
# group. With bloom filters, the present id keeps exactly its own row group, and the absent id
# keeps none (an unlucky false positive, about 1% per row group at `fpp=0.01`, would keep one).
# Without bloom filters, all 10 are read both times.
#
# </details>
#
# The cost is the filters themselves, about 33 KB per row group here, some 4% of the file, and
# the time to build them when writing. They pay off for equality lookups on high-cardinality
# columns (ids, trace ids, user names); for a low-cardinality tag such as `host`, sorting and
# min/max already do the job. And they cannot help a range filter: a hash says nothing about
# order.

# %% [markdown]
# ## Recap
#
# - A Parquet file is row groups of column chunks of pages, with a footer at the end holding the
#   schema, the offsets, the encodings and per-chunk statistics. Readers read the footer first.
# - Encodings are per chunk: dictionary for few distinct values, the RLE / bit-packing hybrid for
#   dictionary indices and levels, DELTA_BINARY_PACKED (block minimum subtracted, miniblocks
#   bit-packed: a steady clock costs 0 bits per value) for regular sequences, BYTE_STREAM_SPLIT
#   to help a codec with full-precision floats. Row order decides how well they work.
# - A codec compresses each page after encoding; measure size and time together.
# - Min/max statistics let a filter skip row groups, but only when matching values are clustered:
#   sort by the filtered column and choose a row-group size for your queries.
# - Partitioning skips whole files by directory name; keep the partition column low-cardinality.
# - pyarrow keeps every row group when the filtered column is dictionary-typed. Write strings, or
#   prune by the footer yourself, and verify with `split_by_row_group`.
# - Statistics are optional bounds: a writer may omit them (pyarrow drops min/max beyond 4,096
#   bytes) or truncate strings; a zero minimum is stored as `-0.0`, a zero maximum as `+0.0`.
# - A page index (column index + offset index) lets a reader skip pages inside a row group; a
#   bloom filter lets it skip row groups that certainly lack a value. DataFusion uses both and
#   shows what it pruned in `EXPLAIN ANALYZE`.
#
# ## Self-check
#
# 1. A reader needs one column of one row group from a 10 GB Parquet file. What does it read
#    first, and how does it find where the column chunk starts?
# 2. The `host` column takes far fewer bytes when the rows are sorted by host, with the same
#    dictionary. Why?
# 3. A year of metrics is stored in arrival order with 1,000,000-row groups. Queries ask for one
#    host over one day. Which changes help, and how?
# 4. A colleague stored `host` as a dictionary type to save memory. Filtered reads became slower
#    but still return correct rows. What happened, and what are two fixes?
# 5. A chunk's statistics say `max = "hostZ"` but were written by a writer that truncates. Can a
#    query `WHERE host > 'hostY'` skip the row group? Can `SELECT max(host)` answer `"hostZ"` from
#    the footer alone?
# 6. Queries look up single `request_id`s in files sorted by time. Would a page index or a bloom
#    filter on `request_id` help more, and why?
#
# <details>
# <summary>Answers</summary>
#
# 1. The last 8 bytes: the footer length and the `PAR1` magic. Then the footer, which records
#    every column chunk's offset and size, so the reader seeks straight to the chunk.
# 2. The dictionary indices are written with the RLE / bit-packing hybrid. Sorted, each host's
#    indices form one long run, stored in a few bytes; in arrival order the hosts alternate, so
#    every index is bit-packed at about 6 bits.
# 3. Partition by day (whole files skipped), sort within each file by host and then time (the host
#    statistics become narrow), and use smaller row groups, so that one host's day spans few of
#    them. Check the effect with `split_by_row_group`.
# 4. The dictionary type is stored in the file's Arrow schema, and pyarrow's dataset filter does
#    not prune row groups on dictionary-typed columns, so every row group is read. Write `host` as
#    plain strings (Parquet still dictionary-encodes it on disk), or prune by hand with the
#    footer's min/max statistics.
# 5. It cannot skip: a truncated max is rounded *up*, so every value is at most `"hostZ"`, and
#    values above `'hostY'` may exist. Nor can it answer `max(host)`: `"hostZ"` is a bound, not
#    necessarily a value in the chunk; the reader must decode the chunk (unless the file flags the
#    max as exact).
# 6. The bloom filter. Ids are random within every page, so per-page min/max span almost the whole
#    range and prune nothing; a bloom filter rules out every row group that lacks the id.
#
# </details>

# %%
scratch.cleanup()
print("scratch folder removed:", not folder.exists())
