"""Mutants for 02-timeseries: plausible wrong answers, each of which must lose points.

Format: see course/authoring/mutants_file.py. An entry states its mistake as edits of the answer
cell ('# - <solution line>' then '# + <new line>', each group matching exactly once) or, where the
code really is different, as whole functions that replace the cell's functions (or classes) of the
same name; the set-up cell has already imported re, pyarrow as pa, pyarrow.compute as pc,
pyarrow.parquet as pq, Path, and day_of from course.timeseries.
"""

import math  # noqa: F401 - for the linter; the set-up cells import these
import re  # noqa: F401
from pathlib import Path  # noqa: F401

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from course.timeseries import day_of

# %% mutant parse-line in write.ipynb: a bare number without suffix becomes an int, not a float
# - return ("float", float(raw)), end
# + return (("int", int(raw)) if raw.lstrip("-").isdigit() else ("float", float(raw))), end


# %% mutant parse-line in write.ipynb: keeps the backslash of every escape
# - if line[i + 1] in escapable:
# -     i += 1


# %% mutant parse-line in write.ipynb: accepts only true and false as booleans
# - bools = {"t": True, "T": True, "true": True, "True": True, "TRUE": True,
# -          "f": False, "F": False, "false": False, "False": False, "FALSE": False}
# + bools = {"true": True, "false": False}


# %% mutant parse-line in write.ipynb: no 64-bit range check on int fields
# - if not -(2**63) <= int(raw[:-1]) < 2**63:
# -     raise ValueError("field")


# %% mutant parse-line in write.ipynb: any line with a # in it is taken for a comment
# - if not line or line.startswith("#"):
# + if not line or "#" in line:


# %% mutant parse-line in write.ipynb: no size limit on names and strings
# - if len(name) > 65536:
# -     raise ValueError("too_long")


# %% alternative parse-line in write.ipynb: field values read with suffix dispatch, str.partition and isdigit
# - bools = {"t": True, "T": True, "true": True, "True": True, "TRUE": True,
# -          "f": False, "F": False, "false": False, "False": False, "FALSE": False}

# - if raw in bools:
# -     return ("bool", bools[raw]), end
# - if raw.endswith("i") and re.fullmatch(r"-?\d+", raw[:-1]):
# -     if not -(2**63) <= int(raw[:-1]) < 2**63:
# -         raise ValueError("field")
# -     return ("int", int(raw[:-1])), end
# - if raw.endswith("u") and re.fullmatch(r"\d+", raw[:-1]):
# -     if int(raw[:-1]) >= 2**64:
# -         raise ValueError("field")
# -     return ("uint", int(raw[:-1])), end
# - if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", raw):
# + if raw in ("t", "T", "true", "True", "TRUE"):
# +     return ("bool", True), end
# + if raw in ("f", "F", "false", "False", "FALSE"):
# +     return ("bool", False), end
# + digits, suffix = raw[:-1], raw[-1:]
# + body = digits[1:] if digits.startswith("-") else digits
# + if suffix in ("i", "u") and body.isascii() and body.isdigit():
# +     low, high = (-(2**63), 2**63) if suffix == "i" else (0, 2**64)
# +     if not low <= int(digits) < high:
# +         raise ValueError("field")
# +     return ("int" if suffix == "i" else "uint", int(digits)), end
# + mantissa, _, exponent = raw.lower().partition("e")
# + whole, _, fraction = mantissa.removeprefix("-").partition(".")
# + ok_mantissa = (whole + fraction).isdigit() and (whole + fraction).isascii()
# + ok_exponent = ("e" not in raw.lower()) or (
# +     exponent.lstrip("+-").isdigit() and exponent.lstrip("+-").isascii()
# +     and len(exponent) - len(exponent.lstrip("+-")) <= 1)
# + if ok_mantissa and ok_exponent:


# %% alternative parse-line in write.ipynb: written from the exercise text alone (series part split off first, then tags, fields, time)
def parse_line(line):
    s = line.lstrip(" ")
    if s == "" or s[0] == "#":
        return None

    def err(kind):
        return {"error": kind}

    # split off the series part: up to the first space not preceded by an escaping backslash
    i, n = 0, len(s)
    while i < n and s[i] != " ":
        if s[i] == "\\":
            if i == n - 1:
                return err("escape")
            i += 2
            continue
        i += 1
    series = s[:i]
    rest = s[i:]
    # measurement: up to first unescaped comma
    j, meas = 0, ""
    while j < len(series) and series[j] != ",":
        if series[j] == "\\" and j + 1 < len(series) and series[j + 1] in ", \\":
            meas += series[j + 1]
            j += 2
        else:
            meas += series[j]
            j += 1
    if len(meas) > 65536:
        return err("too_long")
    if meas == "" or "\x00" in meas:
        return err("measurement")
    tags = []
    if j < len(series):  # a comma: tags
        k = j + 1
        parts = []
        buf = ""
        while k <= len(series):
            if k == len(series) or series[k] == ",":
                parts.append(buf)
                buf = ""
                k += 1
                continue
            if series[k] == "\\" and k + 1 < len(series) and series[k + 1] in ",= \\":
                buf += series[k:k + 2]
                k += 2
                continue
            buf += series[k]
            k += 1
        for part in parts:
            # key up to first unescaped '='
            key, m = "", 0
            while m < len(part) and part[m] != "=":
                if part[m] == "\\" and m + 1 < len(part) and part[m + 1] in ",= \\":
                    key += part[m + 1]
                    m += 2
                else:
                    key += part[m]
                    m += 1
            if len(key) > 65536:
                return err("too_long")
            if key == "" or m == len(part):
                return err("tag")
            value, m = "", m + 1
            while m < len(part):
                if part[m] == "\\" and m + 1 < len(part) and part[m + 1] in ",= \\":
                    value += part[m + 1]
                    m += 2
                else:
                    value += part[m]
                    m += 1
            if len(value) > 65536:
                return err("too_long")
            if value == "":
                return err("tag")
            tags.append((key, value))
    rest = rest.lstrip(" ")
    if rest == "":
        return err("field")
    fields = []
    p = 0
    while True:
        key = ""
        while p < len(rest) and rest[p] not in "=, ":
            if rest[p] == "\\":
                if p + 1 == len(rest):
                    return err("escape")
                if rest[p + 1] in ",= \\":
                    key += rest[p + 1]
                    p += 2
                    continue
            key += rest[p]
            p += 1
        if len(key) > 65536:
            return err("too_long")
        if key == "" or p >= len(rest) or rest[p] != "=":
            return err("field")
        p += 1
        if p < len(rest) and rest[p] == '"':
            p += 1
            val = ""
            while True:
                if p >= len(rest):
                    return err("field")
                c = rest[p]
                if c == '"':
                    p += 1
                    break
                if c == "\\" and p + 1 < len(rest) and rest[p + 1] in '"\\':
                    val += rest[p + 1]
                    p += 2
                    continue
                val += c
                p += 1
            if len(val) > 65536:
                return err("too_long")
            fields.append((key, "string", val))
        else:
            q = p
            while q < len(rest) and rest[q] not in ", ":
                q += 1
            tok = rest[p:q]
            p = q
            if tok in ("t", "T", "true", "True", "TRUE"):
                fields.append((key, "bool", True))
            elif tok in ("f", "F", "false", "False", "FALSE"):
                fields.append((key, "bool", False))
            elif tok[-1:] == "i" and tok[:-1].lstrip("-").isdigit() and tok[:-1].isascii() and tok.count("-") <= 1:
                v = int(tok[:-1])
                if not -2**63 <= v <= 2**63 - 1:
                    return err("field")
                fields.append((key, "int", v))
            elif tok[-1:] == "u" and tok[:-1].isdigit() and tok[:-1].isascii():
                v = int(tok[:-1])
                if v > 2**64 - 1:
                    return err("field")
                fields.append((key, "uint", v))
            else:
                import re as _re
                if not _re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?", tok):
                    return err("field")
                fields.append((key, "float", float(tok)))
        if p < len(rest) and rest[p] == ",":
            p += 1
            if p == len(rest) or rest[p] == " ":
                break
            continue
        break
    if p < len(rest) and rest[p] != " ":
        return err("field")
    ts = rest[p:].strip(" ")
    if ts == "":
        return {"measurement": meas, "tags": tags, "fields": fields, "time": None}
    body = ts[1:] if ts.startswith("-") else ts
    if not (body.isdigit() and body.isascii()):
        return err("timestamp")
    t = int(ts)
    if not -2**63 <= t < 2**63:
        return err("timestamp")
    return {"measurement": meas, "tags": tags, "fields": fields, "time": t}


# %% mutant write-buffer in write.ipynb: auto precision always takes nanoseconds
# - unit = ("s" if time < 5e9 else "ms" if time < 5e12
# -         else "us" if time < 5e15 else "ns")
# + unit = "ns"


# %% mutant write-buffer in write.ipynb: updates the schema before checking it, so no line ever conflicts
# - kinds = self.kinds.setdefault(point["measurement"], {})
# + kinds = self.kinds.setdefault(point["measurement"], {})
# + kinds.update({k: 'tag' for k, _ in point['tags']})
# + kinds.update({k: t for k, t, _ in point['fields']})


# %% mutant write-buffer in write.ipynb: tags as plain strings, not dictionary-encoded
# - schema = pa.schema([(k, pa.dictionary(pa.int32(), pa.string())) for k in tags]
# + schema = pa.schema([(k, pa.string()) for k in tags]


# %% mutant write-buffer in write.ipynb: numbers only the lines that are not blank
# - for number, line in enumerate(text.split("\n"), start=1):
# -     point = parse_line(line)
# -     if point is None:
# -         continue
# + points = [p for p in map(parse_line, text.split("\n")) if p is not None]
# + for number, point in enumerate(points, start=1):


# %% mutant write-buffer in write.ipynb: columns in order of first appearance, not sorted
# - tags = sorted(k for k, v in kinds.items() if v == "tag")
# - fields = sorted(k for k, v in kinds.items() if v != "tag")
# + tags = [k for k, v in kinds.items() if v == "tag"]
# + fields = [k for k, v in kinds.items() if v != "tag"]


# %% alternative write-buffer in write.ipynb: columns kept as growing Python lists, padded with None

class WriteBuffer:
    """In-memory tables per measurement, filled from line protocol."""

    def __init__(self):
        self.columns = {}  # measurement -> {key: list of values}
        self.kinds = {}
        self.counts = {}

    def write(self, text, precision="auto", now=0):
        units = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000}
        if precision not in units and precision != "auto":
            raise ValueError(f"unknown precision {precision!r}")
        rejected = []
        for number, line in enumerate(text.split("\n"), start=1):
            point = parse_line(line)
            if not point:
                continue
            if "error" in point:
                rejected.append((number, point["error"]))
                continue
            m = point["measurement"]
            kinds = self.kinds.setdefault(m, {})
            values = {k: ("tag", v) for k, v in point["tags"]}
            values.update({k: (t, v) for k, t, v in point["fields"]})
            if any(k in kinds and kinds[k] != t for k, (t, _) in values.items()):
                rejected.append((number, "conflict"))
                continue
            cols = self.columns.setdefault(m, {"time": []})
            n = self.counts.get(m, 0)
            for k, (t, v) in values.items():
                kinds[k] = t
                cols.setdefault(k, [None] * n).append(v)
            t = point["time"]
            if t is None:
                t = now
            else:
                unit = precision
                if unit == "auto":
                    unit = next(u for u, limit in (("s", 5e9), ("ms", 5e12), ("us", 5e15), ("ns", float("inf"))) if t < limit)
                t *= units[unit]
            cols["time"].append(t)
            self.counts[m] = n + 1
            for col in cols.values():
                if len(col) < n + 1:
                    col.append(None)
        return rejected

    def table(self, measurement):
        if measurement not in self.columns:
            raise KeyError(measurement)
        types = {"float": pa.float64(), "int": pa.int64(), "uint": pa.uint64(), "string": pa.string(), "bool": pa.bool_()}
        kinds, cols = self.kinds[measurement], self.columns[measurement]
        arrays, names = [], []
        for k in sorted(k for k in kinds if kinds[k] == "tag"):
            arrays.append(pa.array(cols[k], pa.string()).dictionary_encode().cast(pa.dictionary(pa.int32(), pa.string())))
            names.append(k)
        for k in sorted(k for k in kinds if kinds[k] != "tag"):
            arrays.append(pa.array(cols[k], types[kinds[k]]))
            names.append(k)
        arrays.append(pa.array(cols["time"], pa.int64()).cast(pa.timestamp("ns")))
        names.append("time")
        return pa.Table.from_arrays(arrays, names=names)


# %% mutant series-cardinality in write.ipynb: keeps the tags in the order given
# - for name, value in sorted(tags):
# + for name, value in tags:


# %% mutant series-cardinality in write.ipynb: escapes nothing
# - return "".join("\\" + ch if ch in special else ch for ch in text)
# + return text


# %% mutant series-cardinality in write.ipynb: counts null as a tag value
# - per_tag = {name: len(set(col) - {None}) for name, col in zip(tags, columns, strict=True)}
# + per_tag = {name: len(set(col)) for name, col in zip(tags, columns, strict=True)}


# %% mutant series-cardinality in write.ipynb: multiplies the per-tag counts (an upper bound, not the count)
# - series = set(zip(*columns, strict=True)) if tags else {()}
# - per_tag = {name: len(set(col) - {None}) for name, col in zip(tags, columns, strict=True)}
# - driver = min(per_tag, key=lambda name: (-per_tag[name], name)) if per_tag else None
# - return {"series": len(series) if table.num_rows else 0, "per_tag": per_tag, "driver": driver}
# + per_tag = {name: len(set(col) - {None}) for name, col in zip(tags, columns, strict=True)}
# + driver = min(per_tag, key=lambda name: (-per_tag[name], name)) if per_tag else None
# + import math
# + return {"series": math.prod(len(set(c)) for c in columns) if table.num_rows else 0, "per_tag": per_tag, "driver": driver}


# %% mutant series-cardinality in write.ipynb: breaks a driver tie by the last name
# - driver = min(per_tag, key=lambda name: (-per_tag[name], name)) if per_tag else None
# + driver = max(sorted(per_tag), key=lambda name: (per_tag[name], name)) if per_tag else None


# %% alternative series-cardinality in write.ipynb: pyarrow group_by and count_distinct on decoded tags

def series_key(measurement, tags):
    esc_m = measurement.replace("\\", "\\\\").replace(",", "\\,").replace(" ", "\\ ")

    def esc(text):
        for ch in "\\,= ":
            text = text.replace(ch, "\\" + ch)
        return text

    return esc_m + "".join(f",{esc(k)}={esc(v)}" for k, v in sorted(tags, key=lambda kv: kv[0]))


def cardinality(table):
    tags = [f.name for f in table.schema if f.type == pa.dictionary(pa.int32(), pa.string())]
    if not tags:
        return {"series": min(table.num_rows, 1), "per_tag": {}, "driver": None}
    decoded = pa.table({t: table[t].cast(pa.string()) for t in tags})
    per_tag = {t: pc.count_distinct(decoded[t]).as_py() for t in tags}
    top = max(per_tag.values())
    return {"series": decoded.group_by(tags).aggregate([]).num_rows, "per_tag": per_tag,
            "driver": sorted(t for t in tags if per_tag[t] == top)[0]}


# %% mutant persist-prune in write.ipynb: does not sort the rows
# - tags = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]

# - keys = pa.table({**{f"k{i}": part[n].cast(pa.string()) for i, n in enumerate(tags)},
# -                  "time": part["time"]})
# - order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in keys.column_names])
# - part = part.take(order)


# %% mutant persist-prune in write.ipynb: sorts by time only
# - order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in keys.column_names])
# + order = pc.sort_indices(keys, sort_keys=[("time", "ascending")])


# %% mutant persist-prune in write.ipynb: takes the time range from the first and last rows (sorted by tags, not time)
# - catalog.append({"file": name, "min_time": pc.min(part_times).as_py(),
# -                 "max_time": pc.max(part_times).as_py(), "rows": part.num_rows})
# + catalog.append({"file": name, "min_time": part_times[0].as_py(),
# +                 "max_time": part_times[-1].as_py(), "rows": part.num_rows})


# %% mutant persist-prune in write.ipynb: treats the end of the range as included
# - return sorted(e["file"] for e in catalog if e["min_time"] < end and e["max_time"] >= start)
# + return sorted(e["file"] for e in catalog if e["min_time"] <= end and e["max_time"] >= start)


# %% mutant persist-prune in write.ipynb: opens only files wholly inside the range
# - return sorted(e["file"] for e in catalog if e["min_time"] < end and e["max_time"] >= start)
# + return sorted(e["file"] for e in catalog if e["min_time"] >= start and e["max_time"] < end)


# %% mutant persist-prune in write.ipynb: opens every file
# - return sorted(e["file"] for e in catalog if e["min_time"] < end and e["max_time"] >= start)
# + return sorted(e["file"] for e in catalog)


# %% alternative persist-prune in write.ipynb: rows sorted in Python, one table per day with from_pylist

def persist(table, folder):
    tags = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
    rows = table.to_pylist()
    times = table["time"].cast(pa.int64()).to_pylist()
    by_day = {}
    for row, t in zip(rows, times, strict=True):
        by_day.setdefault(day_of(t), []).append((row, t))
    catalog = []
    for day in sorted(by_day):
        items = sorted(by_day[day], key=lambda rt: [(rt[0][n] is None, rt[0][n] or "") for n in tags] + [rt[1]])
        part = pa.Table.from_pylist([r for r, _ in items], schema=table.schema)
        pq.write_table(part, f"{folder}/{day}.parquet")
        ts = [t for _, t in items]
        catalog.append({"file": f"{day}.parquet", "min_time": min(ts), "max_time": max(ts), "rows": len(ts)})
    return catalog


def files_to_open(catalog, start, end):
    return [e["file"] for e in sorted(catalog, key=lambda e: e["file"])
            if not (e["max_time"] < start or e["min_time"] >= end)]


# %% mutant downsample in query.ipynb: integer division truncates toward zero (wrong windows before origin)
# - q = pc.if_else(pc.greater(pc.multiply(q, every), t), pc.subtract(q, 1), q)


# %% mutant downsample in query.ipynb: counts rows, not non-null values
# - [("value", "count"), ("value", "mean"), ("value", "max")])
# + [("value", "count", pc.CountOptions("all")), ("value", "mean"), ("value", "max")])


# %% mutant downsample in query.ipynb: floors through float64 (loses nanoseconds on real timestamps)
# - q = pc.divide(t, every)  # integer division truncates toward zero: floor it for t < 0
# - q = pc.if_else(pc.greater(pc.multiply(q, every), t), pc.subtract(q, 1), q)
# + q = pc.cast(pc.floor(pc.divide(pc.cast(t, pa.float64()), float(every))), pa.int64())


# %% mutant downsample in query.ipynb: ignores the origin
# - t = pc.subtract(table["time"].cast(pa.int64()), origin)
# - q = pc.divide(t, every)  # integer division truncates toward zero: floor it for t < 0
# - q = pc.if_else(pc.greater(pc.multiply(q, every), t), pc.subtract(q, 1), q)
# - window = pc.add(pc.multiply(q, every), origin)
# + t = table["time"].cast(pa.int64())
# + q = pc.divide(t, every)  # integer division truncates toward zero: floor it for t < 0
# + q = pc.if_else(pc.greater(pc.multiply(q, every), t), pc.subtract(q, 1), q)
# + window = pc.multiply(q, every)


# %% mutant downsample in query.ipynb: delegates to DataFusion's SQL

def downsample(table, field, every, origin=0):
    import datafusion

    if every <= 0:
        raise ValueError("every must be positive")
    tags = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
    ctx = datafusion.SessionContext()
    ctx.register_record_batches("t", [table.to_batches()])
    sel = "".join(f'CAST("{n}" AS VARCHAR) AS "{n}", ' for n in tags)
    grp = "".join(f'"{n}", ' for n in tags)
    order = "".join(f'"{n}" NULLS LAST, ' for n in tags)
    out = ctx.sql(f"SELECT {sel}date_bin(INTERVAL '{every} nanoseconds', time, to_timestamp_nanos({origin})) AS window, "
                  f"count({field}) AS count, avg(CAST({field} AS DOUBLE)) AS mean, max(CAST({field} AS DOUBLE)) AS max "
                  f"FROM t GROUP BY {grp}window ORDER BY {order}window").to_arrow_table()
    return out


# %% alternative downsample in query.ipynb: floor division through float64 floor of the quotient, mean as sum / count
def downsample(table: pa.Table, field: str, every: int, origin: int = 0) -> pa.Table:
    """count, mean and max of ``field`` per series and date_bin window, with pyarrow."""
    if every <= 0:
        raise ValueError(f"every must be a positive number of nanoseconds, got {every}")
    tags = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
    t = pc.subtract(table["time"].cast(pa.int64()), origin)
    q = pc.divide(t, every)
    q = pc.subtract(q, pc.cast(pc.and_(pc.less(t, 0), pc.not_equal(pc.multiply(q, every), t)), pa.int64()))
    window = pc.add(pc.multiply(q, every), origin)
    work = pa.table({**{n: table[n].cast(pa.string()) for n in tags}, "window": window,
                     "value": table[field].cast(pa.float64())})
    out = work.group_by(tags + ["window"]).aggregate(
        [("value", "count"), ("value", "sum"), ("value", "max")])
    out = out.append_column("value_mean", pc.divide(out["value_sum"], pc.cast(out["value_count"], pa.float64())))
    out = out.sort_by([(n, "ascending") for n in tags] + [("window", "ascending")])
    return pa.table({**{n: out[n] for n in tags}, "window": out["window"].cast(pa.timestamp("ns")),
                     "count": out["value_count"], "mean": out["value_mean"], "max": out["value_max"]})


# %% mutant gap-fill in query.ipynb: locf fills only the new rows, not existing nulls
# - if r[column] is None:
# + if r[column] is None and r["time"] not in timed:


# %% mutant gap-fill in query.ipynb: the range starts at start itself, not at date_bin(start)
# - first = min(timed) if start is None else date_bin(start)
# + first = min(timed) if start is None else start


# %% mutant gap-fill in query.ipynb: interpolation rounds integers instead of truncating
# - r[column] = int(x) if isinstance(v0, int) and isinstance(v1, int) else x
# + r[column] = round(x) if isinstance(v0, int) and isinstance(v1, int) else x


# %% mutant gap-fill in query.ipynb: interpolation extends the first and last values to the edges
# - elif fill[column] == "interpolate":
# + elif fill[column] == "interpolate":
# +     if known:
# +         for r in filled:
# +             if r[column] is None and (r["time"] < known[0][0] or r["time"] > known[-1][0]):
# +                 r[column] = known[0][1] if r["time"] < known[0][0] else known[-1][1]


# %% mutant gap-fill in query.ipynb: drops the rows without a time
# - untimed = [dict(r) for r in members if r["time"] is None]
# - timed = {r["time"]: dict(r) for r in members if r["time"] is not None}
# - out.extend(untimed)
# + timed = {r["time"]: dict(r) for r in members if r["time"] is not None}


# %% alternative gap-fill in query.ipynb: one pass per series with itertools.groupby and a dict of windows

def gap_fill(rows, groups, values, every, start, end, fill, origin=0):
    import itertools

    def bin_of(t):
        return t - (t - origin) % every

    out = []
    for key, members in itertools.groupby(rows, key=lambda r: [r[g] for g in groups]):
        members = [dict(r) for r in members]
        out += [r for r in members if r["time"] is None]
        by_time = {r["time"]: r for r in members if r["time"] is not None}
        if not by_time and start is None:
            continue
        lo = bin_of(start) if start is not None else min(by_time)
        times = list(range(lo, bin_of(end) + 1, every))
        series = [by_time.get(t, dict(zip(groups, key, strict=True), time=t, **dict.fromkeys(values))) for t in times]
        for col in values:
            how = fill[col]
            if how == "null":
                continue
            pts = [(i, r[col]) for i, r in enumerate(series) if r[col] is not None]
            if how == "locf":
                carry = None
                for r in series:
                    carry = r[col] if r[col] is not None else carry
                    r[col] = carry
            else:
                for (i0, v0), (i1, v1) in itertools.pairwise(pts):
                    t0, t1 = times[i0], times[i1]
                    for i in range(i0 + 1, i1):
                        x = float(v0) + (float(v1) - float(v0)) / (t1 - t0) * (times[i] - t0)
                        series[i][col] = int(x) if type(v0) is int and type(v1) is int else x
        out += series
    return out


# %% mutant selectors in query.ipynb: last takes the last row of a time tie
# - top = max(t for _, t in rows)
# - best = next(r for r in rows if r[1] == top)
# + best = max(reversed(rows), key=lambda r: r[1])
# + best = [r for r in rows if r[1] == best[1]][-1]


# %% mutant selectors in query.ipynb: max breaks value ties by the latest time
# - best = min((r for r in rows if rank(r[0]) == top), key=lambda r: r[1])
# + best = max((r for r in rows if rank(r[0]) == top), key=lambda r: r[1])


# %% mutant selectors in query.ipynb: NaN ranks below everything
# - return (1, 0) if isinstance(v, float) and math.isnan(v) else (0, v)
# + return (-1, 0) if isinstance(v, float) and math.isnan(v) else (0, v)


# %% mutant selectors in query.ipynb: does not skip null values
# - rows = [(v, t) for v, t in zip(values, times, strict=True)
# -         if v is not None and (t is not None or function in ("min", "max"))]
# + rows = [(v, t) for v, t in zip(values, times, strict=True)
# +         if t is not None or function in ("min", "max")]
# + rows = [(v if v is not None else -math.inf, t) for v, t in rows]


# %% alternative selectors in query.ipynb: sorted() with a key per function, stable for input order

def selector(function, values, times):
    keys = {
        "first": lambda i: (times[i], i),
        "last": lambda i: (-times[i], i),
        "min": lambda i: (values[i] != values[i], values[i] if values[i] == values[i] else 0, times[i], i),
        "max": lambda i: (values[i] == values[i], -(values[i]) if values[i] == values[i] and not isinstance(values[i], str) else 0, times[i], i),
    }
    if function not in keys:
        raise ValueError(f"unknown selector {function!r}")
    ok = [i for i, v in enumerate(values) if v is not None and (function in ("min", "max") or times[i] is not None)]
    if not ok:
        return (None, None)
    if function == "max" and isinstance(values[ok[0]], str):
        top = max(values[i] for i in ok)
        i = min((i for i in ok if values[i] == top), key=lambda i: (times[i], i))
    else:
        i = sorted(ok, key=keys[function])[0]
    return (values[i], times[i])


# %% mutant two-tiers in query.ipynb: the oldest value wins
# - for source in [pq.read_table(p) for p in files] + [buffer]:
# + for source in [buffer] + [pq.read_table(p) for p in reversed(files)]:


# %% mutant two-tiers in query.ipynb: the newest row wins whole, nulls included (no union of fields)
# - if row[f] is not None:
# -     old[f] = row[f]
# + old[f] = row[f]


# %% mutant two-tiers in query.ipynb: keeps every duplicate
# - key = (tuple(row[n] for n in tags), t)
# + key = (tuple(row[n] for n in tags), t, len(merged))


# %% mutant two-tiers in query.ipynb: includes the end of the range
# - if not start <= t < end:
# + if not start <= t <= end:


# %% alternative two-tiers in query.ipynb: pyarrow: concatenate, number the rows, take the last non-null per key

def query_two_tiers(buffer, files, start, end):
    tables = [pq.read_table(p) for p in files] + [buffer]
    whole = pa.concat_tables(t.cast(buffer.schema) for t in tables)
    t = whole["time"].cast(pa.int64())
    whole = whole.filter(pc.and_(pc.greater_equal(t, start), pc.less(t, end)))
    tags = [f.name for f in buffer.schema if pa.types.is_dictionary(f.type)]
    fields = [n for n in buffer.column_names if n not in tags and n != "time"]
    rows = whole.to_pylist()
    times = whole["time"].cast(pa.int64()).to_pylist()
    best = {}
    for row, tm in zip(rows, times, strict=True):
        key = tuple(row[n] for n in tags) + (tm,)
        slot = best.setdefault(key, dict(row, time=tm))
        for f in fields:
            if row[f] is not None:
                slot[f] = row[f]
    keys = sorted(best, key=lambda k: tuple((v is None, "" if v is None else v) for v in k[:-1]) + (k[-1],))
    return pa.Table.from_pylist([best[k] for k in keys], schema=buffer.schema)


# %% mutant compaction in query.ipynb: sorts by time only
# - part = part.take(pc.sort_indices(keys, sort_keys=[(n, "ascending") for n in keys.column_names]))
# + part = part.take(pc.sort_indices(keys, sort_keys=[("time", "ascending")]))


# %% mutant compaction in query.ipynb: ignores max_rows: one file per day
# - for n, offset in enumerate(range(0, part.num_rows, max_rows)):
# -     chunk = part.slice(offset, max_rows)
# + for n in range(1):
# +     chunk = part


# %% mutant compaction in query.ipynb: takes the time range from the first and last rows
# - new.append({"file": name, "min_time": pc.min(ts).as_py(), "max_time": pc.max(ts).as_py(),
# + new.append({"file": name, "min_time": ts[0].as_py(), "max_time": ts[-1].as_py(),


# %% mutant compaction in query.ipynb: puts each old file whole into the day of its min_time
# - times = whole["time"].cast(pa.int64())
# - days = pa.array([day_of(t) for t in times.to_pylist()], pa.string())
# + days = pa.array([day_of(e["min_time"]) for e in catalog for _ in range(e["rows"])], pa.string())


# %% mutant compaction in query.ipynb: numbers the files of a day from 1
# - name = f"compacted-{day}-{n}.parquet"
# + name = f"compacted-{day}-{n + 1}.parquet"


# %% alternative compaction in query.ipynb: rows sorted in Python, chunks written with from_pylist

def compact(catalog, folder, max_rows):
    if not isinstance(max_rows, int) or max_rows < 1:
        raise ValueError("max_rows must be a positive int")
    tables = [pq.read_table(f"{folder}/{e['file']}") for e in catalog]
    if not tables:
        return []
    schema = tables[0].schema
    tags = [f.name for f in schema if pa.types.is_dictionary(f.type)]
    by_day = {}
    for t in tables:
        for row, ns in zip(t.to_pylist(), t["time"].cast(pa.int64()).to_pylist(), strict=True):
            row["time"] = ns
            by_day.setdefault(day_of(ns), []).append(row)
    result = []
    for day in sorted(by_day):
        rows = sorted(by_day[day], key=lambda r: [(r[n] is None, r[n] or "") for n in tags] + [r["time"]])
        for n in range((len(rows) + max_rows - 1) // max_rows):
            chunk = rows[n * max_rows:(n + 1) * max_rows]
            name = f"compacted-{day}-{n}.parquet"
            pq.write_table(pa.Table.from_pylist(chunk, schema=schema), f"{folder}/{name}")
            result.append({"file": name, "min_time": min(r["time"] for r in chunk),
                           "max_time": max(r["time"] for r in chunk), "rows": len(chunk)})
    return sorted(result, key=lambda e: e["file"])
