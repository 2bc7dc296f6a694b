"""Mutants for 01-columnar: plausible wrong answers, each of which must lose points.

Format: see course/mutants_file.py. Each entry replaces the functions it defines in the answer
cell (the others keep the solution's code) and imports what it uses itself; the set-up cell has
already imported numpy as np and pyarrow as pa.
"""


# %% mutant rows-to-columns: indexes the record directly, failing on a missing key
def rows_to_columns(rows, names):
    return {name: [row[name] for row in rows] for name in names}


# %% mutant rows-to-columns: fills missing values with 0 instead of a null
def rows_to_columns(rows, names):
    return {name: [row.get(name, 0) for row in rows] for name in names}


# %% mutant rows-to-columns: dict.fromkeys shares one list between all columns
def rows_to_columns(rows, names):
    columns = dict.fromkeys(names, [])
    for row in rows:
        for name in names:
            columns[name].append(row.get(name))
    return columns


# %% mutant rows-to-columns: takes the column names from the records seen, not from names
def rows_to_columns(rows, names):
    seen = []
    for row in rows:
        for key in row:
            if key in names and key not in seen:
                seen.append(key)
    return {name: [row.get(name) for row in rows] for name in seen}


# %% mutant validity-bitmap: most significant bit first
def pack_validity(valid):
    out = bytearray((len(valid) + 7) // 8)
    for i, flag in enumerate(valid):
        if flag:
            out[i // 8] |= 1 << (7 - i % 8)
    return bytes(out)


def is_valid(bitmap, offset, i):
    bit = offset + i
    return bool((bitmap[bit // 8] >> (7 - bit % 8)) & 1)


# %% mutant validity-bitmap: drops the last, partial byte (floor instead of ceiling)
def pack_validity(valid):
    out = bytearray(len(valid) // 8)
    for i, flag in enumerate(valid):
        if flag and i // 8 < len(out):
            out[i // 8] |= 1 << (i % 8)
    return bytes(out)


# %% mutant validity-bitmap: ignores the slice offset
def is_valid(bitmap, offset, i):
    return bool((bitmap[i // 8] >> (i % 8)) & 1)


# %% mutant validity-bitmap: pads with 1 bits (marks values past the end valid)
def pack_validity(valid):
    out = bytearray(b"\xff" * ((len(valid) + 7) // 8))
    for i, flag in enumerate(valid):
        if not flag:
            out[i // 8] &= ~(1 << (i % 8)) & 0xFF
    return bytes(out)


# %% mutant string-buffers: counts characters instead of UTF-8 bytes
def string_offsets_and_data(values):
    offsets, data, total = [0], "", 0
    for value in values:
        if value is not None:
            data += value
            total += len(value)
        offsets.append(total)
    return offsets, data.encode("utf-8")


# %% mutant string-buffers: skips the offset of a null entirely
def string_offsets_and_data(values):
    offsets, data = [0], b""
    for value in values:
        if value is None:
            continue
        data += value.encode("utf-8")
        offsets.append(len(data))
    return offsets, data


# %% mutant string-buffers: big-endian offsets
def string_offsets_and_data(values):
    offsets, data = [0], b""
    for value in values:
        if value is not None:
            data += value.encode("utf-8")
        offsets.append(len(data))
    return offsets, data


def int32_le(offsets):
    return b"".join(o.to_bytes(4, "big", signed=True) for o in offsets)


# %% mutant string-buffers: forgets the leading 0 offset
def string_offsets_and_data(values):
    offsets, data = [], b""
    for value in values:
        if value is not None:
            data += value.encode("utf-8")
        offsets.append(len(data))
    return offsets, data


# %% mutant dictionary-encode: sorts the dictionary instead of first appearance
def dictionary_encode(values):
    dictionary = sorted({v for v in values if v is not None})
    return [None if v is None else dictionary.index(v) for v in values], dictionary


# %% mutant dictionary-encode: puts None into the dictionary like any value
def dictionary_encode(values):
    dictionary = []
    for v in values:
        if v not in dictionary:
            dictionary.append(v)
    return [dictionary.index(v) for v in values], dictionary


def dictionary_decode(indices, dictionary):
    return [dictionary[i] for i in indices]


# %% mutant dictionary-encode: 1-based indices
def dictionary_encode(values):
    dictionary = []
    for v in values:
        if v is not None and v not in dictionary:
            dictionary.append(v)
    return [None if v is None else dictionary.index(v) + 1 for v in values], dictionary


def dictionary_decode(indices, dictionary):
    return [None if i is None else dictionary[i - 1] for i in indices]


# %% mutant dictionary-encode: decode treats a null index as 0 (truthiness)
def dictionary_encode(values):
    position = {}
    for v in values:
        if v is not None and v not in position:
            position[v] = len(position)
    return [None if v is None else position[v] for v in values], list(position)


def dictionary_decode(indices, dictionary):
    return [dictionary[i or 0] if dictionary else None for i in indices]


# %% alternative rows-to-columns: appends row by row into separate lists
def rows_to_columns(rows, names):
    columns = {name: [] for name in names}
    for row in rows:
        for name in names:
            columns[name].append(row[name] if name in row else None)
    return columns


# %% alternative validity-bitmap: one big integer, then int.to_bytes little-endian
def pack_validity(valid):
    bits = sum(1 << i for i, flag in enumerate(valid) if flag)
    return bits.to_bytes((len(valid) + 7) // 8, "little")


def is_valid(bitmap, offset, i):
    return (int.from_bytes(bitmap, "little") >> (offset + i)) & 1 == 1


# %% alternative string-buffers: itertools.accumulate and struct.pack
def string_offsets_and_data(values):
    import itertools

    encoded = [b"" if v is None else v.encode() for v in values]
    return list(itertools.accumulate((len(e) for e in encoded), initial=0)), b"".join(encoded)


def int32_le(offsets):
    import struct

    return struct.pack(f"<{len(offsets)}i", *offsets)


# %% alternative dictionary-encode: dict.setdefault and a list comprehension
def dictionary_encode(values):
    seen = {}
    indices = [None if v is None else seen.setdefault(v, len(seen)) for v in values]
    return indices, list(seen)


def dictionary_decode(indices, dictionary):
    return [dictionary[i] if i is not None else None for i in indices]


# %% mutant rle-delta: forgets to emit the last run
def rle_encode(values):
    runs = []
    if not values:
        return runs
    current, count = values[0], 0
    for v in values:
        if v == current:
            count += 1
        else:
            runs.append((current, count))
            current, count = v, 1
    return runs


def rle_decode(runs):
    return [v for v, n in runs for _ in range(n)]


def delta_decode(deltas):
    out = []
    for d in deltas:
        out.append(out[-1] + d if out else d)
    return out


# %% mutant rle-delta: runs as [value, length] lists, not tuples
def rle_encode(values):
    runs = []
    for v in values:
        if runs and runs[-1][0] == v:
            runs[-1][1] += 1
        else:
            runs.append([v, 1])
    return runs


def rle_decode(runs):
    return [v for v, n in runs for _ in range(n)]


def delta_decode(deltas):
    out = []
    for d in deltas:
        out.append(out[-1] + d if out else d)
    return out


# %% mutant rle-delta: delta_decode adds each delta to the previous delta, not the previous value
def rle_encode(values):
    runs = []
    for v in values:
        if runs and runs[-1][0] == v:
            runs[-1] = (v, runs[-1][1] + 1)
        else:
            runs.append((v, 1))
    return runs


def rle_decode(runs):
    return [v for v, n in runs for _ in range(n)]


def delta_decode(deltas):
    return [d + deltas[i - 1] if i else d for i, d in enumerate(deltas)]


# %% mutant rle-delta: delta_encode indexes values[0] and fails on an empty list
def rle_encode(values):
    runs = []
    for v in values:
        if runs and runs[-1][0] == v:
            runs[-1] = (v, runs[-1][1] + 1)
        else:
            runs.append((v, 1))
    return runs


def rle_decode(runs):
    return [v for v, n in runs for _ in range(n)]


def delta_encode(values):
    return [values[0]] + [b - a for a, b in zip(values, values[1:], strict=False)]


def delta_decode(deltas):
    out = []
    for d in deltas:
        out.append(out[-1] + d if out else d)
    return out


# %% alternative rle-delta: itertools.groupby and itertools.accumulate
def rle_encode(values):
    import itertools

    return [(key, len(list(group))) for key, group in itertools.groupby(values)]


def rle_decode(runs):
    return [v for v, n in runs for _ in range(n)]


def delta_encode(values):
    return [b - a for a, b in zip([0, *values], values, strict=False)]


def delta_decode(deltas):
    import itertools

    return list(itertools.accumulate(deltas))


# %% mutant prune-row-groups: treats high as inclusive (reads a group whose min equals high)
def row_groups_to_read(stats, low, high):
    keep = []
    for i, g in enumerate(stats):
        if g["num_rows"] and g["null_count"] == g["num_rows"]:
            continue
        if g["min"] is None:
            keep.append(i)
            continue
        if low is not None and g["max"] < low:
            continue
        if high is not None and g["min"] > high:
            continue
        keep.append(i)
    return keep


# %% mutant prune-row-groups: skips row groups that have no statistics
def row_groups_to_read(stats, low, high):
    keep = []
    for i, g in enumerate(stats):
        if g["min"] is None or g["max"] is None:
            continue
        if low is not None and g["max"] < low:
            continue
        if high is not None and g["min"] >= high:
            continue
        keep.append(i)
    return keep


# %% mutant prune-row-groups: reads all-null row groups
def row_groups_to_read(stats, low, high):
    keep = []
    for i, g in enumerate(stats):
        if g["min"] is None:
            keep.append(i)
            continue
        if low is not None and g["max"] < low:
            continue
        if high is not None and g["min"] >= high:
            continue
        keep.append(i)
    return keep


# %% mutant prune-row-groups: skips a group whose max equals low (low is inclusive)
def row_groups_to_read(stats, low, high):
    keep = []
    for i, g in enumerate(stats):
        if g["num_rows"] and g["null_count"] == g["num_rows"]:
            continue
        if g["min"] is None:
            keep.append(i)
            continue
        if low is not None and g["max"] <= low:
            continue
        if high is not None and g["min"] >= high:
            continue
        keep.append(i)
    return keep


# %% alternative prune-row-groups: a predicate per group and a comprehension
def row_groups_to_read(stats, low, high):
    def may_match(g):
        if g["null_count"] >= g["num_rows"] > 0:
            return False
        if g["min"] is None or g["max"] is None:
            return True
        return (low is None or g["max"] >= low) and (high is None or g["min"] < high)

    return [i for i, g in enumerate(stats) if may_match(g)]


# %% mutant layout-design: sorts by time only, so a host filter cannot skip row groups
def choose_layout():
    return {
        "sort_by": [["time", "ascending"]],
        "row_group_size": 2_000,
        "compression": "zstd",
        "use_dictionary": ["host", "region", "status"],
        "column_encoding": {"time": "DELTA_BINARY_PACKED"},
    }


# %% mutant layout-design: right order, but the default encodings leave the file too big
def choose_layout():
    return {
        "sort_by": [["host", "ascending"], ["time", "ascending"]],
        "row_group_size": 1_000,
        "compression": "zstd",
    }


# %% mutant layout-design: tiny row groups: the footer and page overhead blow the size budget
def choose_layout():
    return {
        "sort_by": [["host", "ascending"], ["time", "ascending"]],
        "row_group_size": 50,
        "compression": "zstd",
        "use_dictionary": ["host", "region", "status"],
        "column_encoding": {"time": "DELTA_BINARY_PACKED"},
    }


# %% mutant layout-design: one huge row group: small file, but every query reads everything
def choose_layout():
    return {
        "sort_by": [["host", "ascending"], ["time", "ascending"]],
        "row_group_size": 1_000_000,
        "compression": "zstd",
        "use_dictionary": ["host", "region", "status"],
        "column_encoding": {"time": "DELTA_BINARY_PACKED"},
    }


# %% alternative layout-design: one row group per host, gzip, delta for every integer column
def choose_layout():
    return {
        "sort_by": [["host", "ascending"], ["time", "ascending"]],
        "row_group_size": 4_000,
        "compression": "gzip",
        "use_dictionary": ["host", "region", "status", "cpu"],
        "column_encoding": {
            "time": "DELTA_BINARY_PACKED",
            "mem_used": "DELTA_BINARY_PACKED",
            "requests": "DELTA_BINARY_PACKED",
        },
    }


# %% mutant fast-aggregate: fills null cpu with 0 before averaging
def host_summary(table):
    import pyarrow.compute as pc

    table = table.set_column(
        table.column_names.index("cpu"), "cpu", pc.fill_null(table["cpu"], 0.0)
    )
    g = table.group_by("host").aggregate(
        [("cpu", "mean"), ("latency_ms", "max"), ("requests", "sum")]
    )
    return {
        h: {"mean_cpu": c, "max_latency_ms": m, "requests": r}
        for h, c, m, r in zip(
            g["host"].to_pylist(),
            g["cpu_mean"].to_pylist(),
            g["latency_ms_max"].to_pylist(),
            g["requests_sum"].to_pylist(),
            strict=True,
        )
    }


# %% mutant fast-aggregate: sums requests as floats
def host_summary(table):
    import pyarrow as pa

    table = table.set_column(
        table.column_names.index("requests"), "requests", table["requests"].cast(pa.float64())
    )
    g = table.group_by("host").aggregate(
        [("cpu", "mean"), ("latency_ms", "max"), ("requests", "sum")]
    )
    return {
        h: {"mean_cpu": c, "max_latency_ms": m, "requests": r}
        for h, c, m, r in zip(
            g["host"].to_pylist(),
            g["cpu_mean"].to_pylist(),
            g["latency_ms_max"].to_pylist(),
            g["requests_sum"].to_pylist(),
            strict=True,
        )
    }


# %% mutant fast-aggregate: correct, but a Python loop over rows (too slow)
def host_summary(table):
    acc = {}
    for r in table.to_pylist():
        a = acc.setdefault(r["host"], {"s": 0.0, "n": 0, "max": None, "req": 0})
        if r["cpu"] is not None:
            a["s"] += r["cpu"]
            a["n"] += 1
        if r["latency_ms"] is not None and (a["max"] is None or r["latency_ms"] > a["max"]):
            a["max"] = r["latency_ms"]
        a["req"] += r["requests"]
    return {
        h: {
            "mean_cpu": a["s"] / a["n"] if a["n"] else None,
            "max_latency_ms": a["max"],
            "requests": a["req"],
        }
        for h, a in acc.items()
    }


# %% mutant fast-aggregate: correct, but filters the whole table once per host (too slow)
def host_summary(table):
    import pyarrow.compute as pc

    out = {}
    for host in pc.unique(table["host"]).to_pylist():
        part = table.filter(pc.equal(table["host"], host))
        out[host] = {
            "mean_cpu": pc.mean(part["cpu"]).as_py(),
            "max_latency_ms": pc.max(part["latency_ms"]).as_py(),
            "requests": pc.sum(part["requests"]).as_py(),
        }
    return out


# %% alternative fast-aggregate: group_by, then to_pylist rows
def host_summary(table):
    rows = (
        table.select(["host", "cpu", "latency_ms", "requests"])
        .group_by("host")
        .aggregate([("cpu", "mean"), ("latency_ms", "max"), ("requests", "sum")])
        .to_pylist()
    )
    return {
        r["host"]: {
            "mean_cpu": r["cpu_mean"],
            "max_latency_ms": r["latency_ms_max"],
            "requests": r["requests_sum"],
        }
        for r in rows
    }
