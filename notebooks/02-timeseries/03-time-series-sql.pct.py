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
# # Time series SQL with DataFusion
#
# *Module 2, Time series queries: the SQL engine of the rewrite, the time functions it has, what
# `EXPLAIN ANALYZE` says it skipped, and the functions the database adds on top.*
#
# **Time:** 50 minutes. **Prerequisites:** `02-write-path`; basic SQL (`GROUP BY`, `JOIN`,
# window functions).
#
# **After this notebook you can** downsample with `date_bin`, pick values by time with
# `first_value`/`last_value(... ORDER BY time)`, read pruning counters in `EXPLAIN ANALYZE`, and
# explain what InfluxDB's `date_bin_gapfill`, `locf`, `interpolate` and `selector_*` do and how
# awkward they are to write in stock SQL.
#
# **The webinar's story.** Dix names DataFusion as the SQL "parser, planner, optimizer, and
# executer" of InfluxDB 3.0. The webinar's summary says that Arrow, Parquet and DataFusion were
# "all previously written in Rust"; that is wrong for two of them. Apache Arrow began (2016) with
# C++ and Java implementations and Parquet (2013) in Java; only DataFusion began in Rust (Andy
# Grove, 2017), and it is now an Apache Arrow subproject. InfluxData's engineers became major
# contributors to the Rust implementations of all three.
#
# The data: **real hourly temperatures in Seattle, 2010** (8,759 rows of NOAA data, public domain,
# shipped inside the `vega_datasets` package, so no download).

# %%
import re
import tempfile
from pathlib import Path

import datafusion
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from course.learner.datasets import seattle_temperatures
from course.learner.plotting import PALETTE, figure, show

temps = seattle_temperatures()
ctx = datafusion.SessionContext()
ctx.register_record_batches("weather", [temps.to_batches()])


def sql(query: str) -> pa.Table:
    return ctx.sql(query).to_arrow_table()


print(sql("SELECT min(time), max(time), count(*), avg(temp) FROM weather"))

# %% [markdown]
# ## 1. `date_bin`: windows of any width
#
# `date_bin(INTERVAL '1 day', time, origin)` maps each time to the start of its window. Grouping
# by it is downsampling. (`date_trunc('day', time)` does the same for calendar units only.)

# %%
daily = sql("""
    SELECT date_bin(INTERVAL '1 day', time, TIMESTAMP '2010-01-01T00:00:00') AS day,
           min(temp) AS low, avg(temp) AS mean, max(temp) AS high
    FROM weather GROUP BY day ORDER BY day
""")
print(daily.slice(0, 3))

fig, ax = figure(figsize=(9, 3.5))
days = daily["day"].to_pylist()
ax.fill_between(days, daily["low"].to_pylist(), daily["high"].to_pylist(), color=PALETTE["sky"],
                alpha=0.5, label="daily low to high")
ax.plot(days, daily["mean"].to_pylist(), color=PALETTE["blue"], label="daily mean")
ax.set(ylabel="°F", title="Seattle, 2010: hourly readings downsampled per day with date_bin")
ax.legend()
show(fig, alt="Line chart of Seattle's daily mean temperature in 2010 with a shaded band from daily "
     "low to high: cool in winter (about 40 °F), warm in July and August (about 65 to 70 °F).")

# %% [markdown]
# ## 2. "The value at the time": `first_value` / `last_value` with `ORDER BY`
#
# `max(temp)` gives the peak but not **when**. An ordered aggregate returns the value of the row
# that sorts first. **Predict, then run:** on which day of 2010 was the hottest hour?

# %%
print(sql("""
    SELECT max(temp) AS peak,
           first_value(time ORDER BY temp DESC, time ASC) AS at
    FROM weather
"""))

# %% [markdown]
# <details>
# <summary>Answer</summary>
#
# July 28, 16:00 UTC (75.9 °F), not August as many guess. `first_value(time ORDER BY temp DESC, time ASC)` takes the time
# of the row with the highest temperature, the earliest one if several tie. InfluxDB wraps this
# as `selector_max(temp, time)`, returning `{value, time}` in one struct, and its selectors skip
# NULL values, which a plain `first_value` does not do unless you add `FILTER (WHERE temp IS NOT
# NULL)`. Assignment 2b, exercise 7, makes you write the exact rules.
#
# </details>
#
# ## 3. Time-range filters and pruning, seen in `EXPLAIN ANALYZE`
#
# We write the year as one Parquet file per month, each in row groups of one week, each row
# group in pages of one day, with a **page index** (per-page min/max, `write_page_index=True`),
# and ask for one day. DataFusion reads each file's footer, compares the `time` statistics with the
# filter, and skips files, row groups and pages that cannot match. `EXPLAIN ANALYZE` runs the
# query and prints the counters.
#
# **Predict, then run.** Of the 12 files, how many are opened for their data; of that file's row
# groups and of that row group's pages, how many are read?

# %%
scratch = tempfile.TemporaryDirectory(prefix="sql-notebook-")
folder = Path(scratch.name)
months = temps.append_column("m", pa.array([t.month for t in temps["time"].to_pylist()]))
for m in range(1, 13):
    part = months.filter(pc.equal(months["m"], m)).drop_columns(["m"])
    pq.write_table(part, folder / f"2010-{m:02d}.parquet", row_group_size=24 * 7,
                   write_page_index=True, data_page_size=64, write_batch_size=24)  # daily pages
ctx.register_parquet("weather_files", str(folder) + "/")

plan = sql("""
    EXPLAIN ANALYZE SELECT avg(temp) FROM weather_files
    WHERE time >= TIMESTAMP '2010-06-15T00:00:00' AND time < TIMESTAMP '2010-06-16T00:00:00'
""")
text = "\n".join(plan["plan"].to_pylist())
for counter in ("files_ranges_pruned_statistics", "row_groups_pruned_statistics",
                "page_index_pages_pruned", "page_index_rows_pruned"):
    print(counter, "=", re.search(counter + r"=([^,]+)", text).group(1))

# %% [markdown]
# <details>
# <summary>Answer</summary>
#
# One file of twelve can hold June 15; inside it, one weekly row group of five; inside that, one
# daily page of seven (24 of the row group's 168 rows). The counters are DataFusion's own. (Pages this
# small are for the demonstration: real pages hold thousands of rows.)
#
# </details>
#
# (Module 1 showed that pyarrow's *dataset* filter skips no row
# group when the column is dictionary-typed; DataFusion's pruning here is on `time`, a plain
# column.)
#
# ## 4. What the database adds: gap filling and interpolation
#
# Downsampling drops windows with no data, and a chart then draws a straight line through the
# hole without saying so. InfluxDB 3 adds `date_bin_gapfill(...)`, which emits **every** window of
# the queried range, and `locf(x)` / `interpolate(x)` to fill them. DataFusion has none of these
# (as of version 55); here is the same with stock SQL: generate the windows with `range()`, `LEFT
# JOIN` the aggregates, carry values forward with `last_value(...) IGNORE NULLS` over a window.
# First, we punch a hole into the data (a sensor outage on March 3).

# %%
ctx.sql("""
    CREATE VIEW gappy AS SELECT * FROM weather
    WHERE NOT (time >= TIMESTAMP '2010-03-03T04:00:00' AND time < TIMESTAMP '2010-03-03T15:00:00')
""")
start_ns = 1267574400 * 10**9  # 2010-03-03T00:00:00Z
filled = sql(f"""
    WITH bins AS (SELECT unnest(range({start_ns}, {start_ns + 86_400 * 10**9}, {3_600 * 10**9})) AS b),
         agg AS (SELECT arrow_cast(date_bin(INTERVAL '1 hour', time), 'Int64') AS b, avg(temp) AS temp
                 FROM gappy WHERE time >= TIMESTAMP '2010-03-03T00:00:00'
                 AND time < TIMESTAMP '2010-03-04T00:00:00' GROUP BY 1)
    SELECT bins.b AS hour, agg.temp AS raw,
           last_value(agg.temp) IGNORE NULLS OVER (ORDER BY bins.b ROWS BETWEEN UNBOUNDED PRECEDING
                                                   AND CURRENT ROW) AS locf
    FROM bins LEFT JOIN agg ON bins.b = agg.b ORDER BY hour
""")
print(filled.slice(2, 6))

# %% [markdown]
# **Predict, then run.** Linear interpolation over the hole: would you write it in SQL? The
# database's rule: a missing value between `(t0, v0)` and `(t1, v1)` becomes `v0 + (v1 - v0) *
# (t - t0) / (t1 - t0)`; before the first and after the last known value it stays NULL. In SQL
# that needs, per row, the previous and the next known value *and their times* (two more window
# functions), then the formula. In Python it is a loop, which we plot.

# %%
hours = filled["hour"].to_pylist()
raw = filled["raw"].to_pylist()
known = [(h, v) for h, v in zip(hours, raw, strict=True) if v is not None]
interp = []
for h, v in zip(hours, raw, strict=True):
    if v is not None:
        interp.append(v)
        continue
    left = [k for k in known if k[0] < h]
    right = [k for k in known if k[0] > h]
    if left and right:
        (t0, v0), (t1, v1) = left[-1], right[0]
        interp.append(v0 + (v1 - v0) * (h - t0) / (t1 - t0))
    else:
        interp.append(None)

fig, ax = figure(figsize=(9, 3.5))
x = list(range(24))
ax.plot(x, filled["locf"].to_pylist(), drawstyle="steps-post", color=PALETTE["orange"], label="locf")
ax.plot(x, interp, "--", color=PALETTE["green"], label="interpolate")
ax.plot(x, raw, "o", color=PALETTE["black"], label="measured")
ax.set(xlabel="hour of 2010-03-03 (UTC)", ylabel="°F", title="Filling an 11-hour outage")
ax.legend()
show(fig, alt="Chart of one day of hourly temperatures with an 11-hour gap: the locf line stays flat "
     "at the last value before the gap, then jumps; the interpolated line is a straight ramp across "
     "the gap.")

# %% [markdown]
# <details>
# <summary>Answer</summary>
#
# You can, but it is long and easy to get wrong (NULLs inside the data, several series at once,
# integer columns that must be truncated). That is why InfluxDB ships them as functions, and why
# assignment 2b, exercise 6, has you implement them against the database's own test cases.
#
# </details>

# %%
scratch.cleanup()

# %% [markdown]
# ## Recap
#
# - `date_bin` downsamples; `first_value/last_value(x ORDER BY time)` pick values by time.
# - `EXPLAIN ANALYZE` shows files and row groups skipped from footer statistics.
# - Gap filling, `locf`, `interpolate` and selectors are InfluxDB additions on top of DataFusion;
#   stock SQL can emulate most of them with `range()`, joins and window functions, at a cost in
#   length and correctness.
# - Correction to the webinar: of Arrow, Parquet and DataFusion, only DataFusion began in Rust.
#
# Next: `04-hot-and-cold`, a query over the in-memory buffer and the files together.
