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
# # The write path: buffer, log, Parquet, catalog
#
# *Module 2, Time series queries: what happens between "the server accepted my write" and "the
# data is in a Parquet file a query can skip".*
#
# **Time:** 50 minutes. **Prerequisites:** `01-line-protocol`; module 1's Parquet notebook (row
# groups, footer statistics).
#
# **After this notebook you can** describe the write path of InfluxDB 3 (in-memory buffer,
# write-ahead log, persistence to Parquet), write day-partitioned Parquet sorted by tags then time
# with a catalog of time ranges, deduplicate points that share series and time, and measure what
# compacting many small files buys a query.
#
# **The webinar's story.** Dix describes the goal of "tiered storage": data moves from memory to
# cheaper storage. The summary of the webinar says "a locally attached, cheaper, SSD disk-backed
# object store"; that is loose. In InfluxDB 3, writes land in an **in-memory buffer** and a
# **write-ahead log** (WAL, flushed about once a second), and are then **persisted as Parquet** to
# an object store (S3 and the like, or a local disk standing in for one). This notebook rebuilds
# that path at small scale.

# %%
import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from course.learner.plotting import PALETTE, figure, show
from course.timeseries import day_of
from course.timeseries.bench import metrics_table

scratch = tempfile.TemporaryDirectory(prefix="write-path-")
folder = Path(scratch.name)
table = metrics_table(rows=60_000, hosts=20, interval_s=120)  # about 4 days of 2-minute reports
print(table.schema)
print(f"{table.num_rows:,} rows from {day_of(table['time'].cast(pa.int64())[0].as_py())} "
      f"to {day_of(table['time'].cast(pa.int64())[-1].as_py())}")

# %% [markdown]
# ## 1. Buffer and write-ahead log
#
# A write request is acknowledged once its lines are **durable**: appended to the WAL on disk.
# The same points go to an in-memory buffer (Arrow record batches per table), which queries read
# directly. If the server crashes, it replays the WAL into a new buffer. Once the buffer's data is
# persisted to Parquet, the WAL segments it came from can be deleted.
#
# Below, a toy WAL: each flush appends one JSON line per batch of points. Replaying it gives the
# buffer back.

# %%
wal = folder / "wal.jsonl"
batches = [table.slice(i, 5_000) for i in range(0, 20_000, 5_000)]
with wal.open("w", encoding="utf-8") as log:
    for b in batches:  # four "flushes"
        plain = b.cast(pa.schema([pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else
                                           pa.int64() if f.name == "time" else f.type) for f in b.schema]))
        log.write(json.dumps(plain.to_pydict()) + "\n")

replayed = [pa.table(json.loads(line)) for line in wal.read_text(encoding="utf-8").splitlines()]
print(f"WAL: {wal.stat().st_size / 1e6:.1f} MB for {sum(b.num_rows for b in replayed):,} points; "
      f"replay gives back the same usage values: "
      f"{pa.concat_tables(replayed)['usage'].equals(table.slice(0, 20_000)['usage'])}")

# %% [markdown]
# **Predict, then run.** The WAL above is JSON text. The same 20,000 points as one Parquet file:
# bigger or smaller, and by how much?

# %%
pq.write_table(table.slice(0, 20_000), folder / "same.parquet")
print(f"Parquet: {(folder / 'same.parquet').stat().st_size / 1e6:.2f} MB, "
      f"{wal.stat().st_size / (folder / 'same.parquet').stat().st_size:.0f}x smaller than the JSON WAL")

# %% [markdown]
# <details>
# <summary>Answer</summary>
#
# Much smaller: dictionary-encoded tags, delta-encoded regular timestamps and compression. A WAL is
# built for fast appends and replay, not for size or reading; it lives only until its points are
# persisted.
#
# </details>
#
# ## 2. Persist: one file per day, sorted by tags then time, and a catalog
#
# InfluxDB 3 persists each table per time window, each file **sorted by tags then time**, and
# records every file in a **catalog** with its time range. Sorting by tags puts each series'
# points together (good compression, fast per-series scans); the catalog lets a query drop whole
# files without opening them. Here, with pyarrow (assignment 2a asks you to write this yourself):

# %%
def persist_days(t: pa.Table, where: Path, prefix: str = "") -> list[dict]:
    times = t["time"].cast(pa.int64())
    days = pa.array([day_of(x) for x in times.to_pylist()])
    catalog = []
    for day in sorted(set(days.to_pylist())):
        part = t.filter(pc.equal(days, day))
        keys = pa.table({"h": part["host"].cast(pa.string()), "r": part["region"].cast(pa.string()),
                         "t": part["time"]})
        part = part.take(pc.sort_indices(keys, sort_keys=[("h", "ascending"), ("r", "ascending"),
                                                          ("t", "ascending")]))
        path = where / f"{prefix}{day}.parquet"
        pq.write_table(part, path)
        ts = part["time"].cast(pa.int64())
        catalog.append({"file": path.name, "min_time": pc.min(ts).as_py(),
                        "max_time": pc.max(ts).as_py(), "rows": part.num_rows})
    return catalog


days_dir = folder / "days"
days_dir.mkdir()
catalog = persist_days(table, days_dir)
for entry in catalog:
    print(entry)

# %% [markdown]
# ## 3. Duplicates: same series, same time
#
# Line protocol has no "update": writing a point again with the same series and time **replaces**
# it. InfluxDB resolves this at query and compaction time: among points with the same tag values
# and time, the newest write wins, field by field (a later write of only `usage` keeps the earlier
# `status`). Below, a correction arrives for three points; pyarrow's `group_by` keeps input order
# when it runs on one thread, so `"last"` picks the newest.

# %%
original = table.slice(0, 3).select(["host", "region", "usage", "time"])
correction = original.set_column(2, "usage", pa.array([0.0, None, 99.0]))
both = pa.concat_tables([original, correction])  # older rows first
newest = (both.filter(pc.is_valid(both["usage"]))
          .group_by(["host", "region", "time"], use_threads=False)
          .aggregate([("usage", "last")]))
print(newest.set_column(2, "time", newest["time"].cast(pa.int64())).to_pylist())

# %% [markdown]
# **Predict, then run** (answer below): which `usage` does the second point end with, and why?
#
# <details>
# <summary>Answer</summary>
#
# Its original value: the correction wrote `None` (no value) for it, and nulls are skipped, so the
# newest **non-null** value is the original one. `use_threads=False` keeps input order, which is
# what makes `"last"` mean "newest" here.
#
# </details>
#
# ## 4. Compaction: many small files into few
#
# Persisting often (to keep memory small) produces many small files. Each file costs a request,
# a footer read and a decode on every query that cannot skip it. **Compaction** rewrites them into
# fewer, larger, sorted files, with the same rows. We persist the table in 40 small chunks, then
# compact per day, and count the files a one-day query must open either way.

# %%
small_dir = folder / "small"
small_dir.mkdir()
small_catalog = []
step = table.num_rows // 40
for k in range(40):
    small_catalog += persist_days(table.slice(k * step, step), small_dir, prefix=f"chunk{k:02d}-")

compact_dir = folder / "compact"
compact_dir.mkdir()
merged = pa.concat_tables(pq.read_table(small_dir / e["file"]) for e in small_catalog)
compact_catalog = persist_days(merged, compact_dir)

day_start = catalog[1]["min_time"]
day_end = day_start + 86_400 * 10**9


def files_for(cat: list[dict], start: int, end: int) -> list[str]:
    return [e["file"] for e in cat if e["min_time"] < end and e["max_time"] >= start]


before = files_for(small_catalog, day_start, day_end)
after = files_for(compact_catalog, day_start, day_end)
rows_before = sum(pq.read_table(small_dir / f).num_rows for f in before)
rows_after = sum(pq.read_table(compact_dir / f).num_rows for f in after)
print(f"small files: {len(small_catalog)}, a one-day query opens {len(before)} ({rows_before:,} rows)")
print(f"compacted:   {len(compact_catalog)}, a one-day query opens {len(after)} ({rows_after:,} rows)")

# %%
fig, ax = figure(figsize=(6, 3.2))
ax.bar(["40 small persists", "compacted per day"], [len(before), len(after)],
       color=[PALETTE["vermillion"], PALETTE["blue"]])
ax.set(ylabel="files opened", title="Files a one-day query opens")
show(fig, alt=f"Bar chart: before compaction a one-day query opens {len(before)} files; after "
     f"compacting per day it opens {len(after)}.")

# %% [markdown]
# The query answer must not change: compaction only moves rows. A quick check, the total usage of
# every file set:

# %%
total = pc.sum(table["usage"]).as_py()
print(round(total, 6) == round(pc.sum(merged["usage"]).as_py(), 6) ==
      round(sum(pc.sum(pq.read_table(compact_dir / e["file"])["usage"]).as_py() for e in compact_catalog), 6))
scratch.cleanup()

# %% [markdown]
# ## Recap
#
# - Writes are durable once in the WAL; queries read the in-memory buffer; persistence writes
#   Parquet per table and time window, sorted by tags then time, and a catalog of time ranges.
# - The same series and time means the same point: the newest non-null value of each field wins.
# - Compaction trades background work for fewer files per query; the answers stay the same.
#
# Next: `03-time-series-sql`, where DataFusion queries these files.
