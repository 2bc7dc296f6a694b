"""Mutants for 01-columnar: plausible wrong answers, each of which must lose points.

Format: see course/authoring/mutants_file.py. An entry states its mistake as edits of the answer
cell ('# - <solution line>' then '# + <new line>', each group matching exactly once) or, where the
code really is different, as whole functions that replace the cell's functions of the same name
(the others keep the solution's code) and import what they use themselves; the set-up cell has
already imported numpy as np and pyarrow as pa.
"""


# %% mutant rows-to-columns: indexes the record directly, failing on a missing key
# - return {name: [row.get(name) for row in rows] for name in names}
# + return {name: [row[name] for row in rows] for name in names}


# %% mutant rows-to-columns: fills missing values with 0 instead of a null
# - return {name: [row.get(name) for row in rows] for name in names}
# + return {name: [row.get(name, 0) for row in rows] for name in names}


# %% mutant rows-to-columns: dict.fromkeys shares one list between all columns
# - return {name: [row.get(name) for row in rows] for name in names}
# + columns = dict.fromkeys(names, [])
# + for row in rows:
# +     for name in names:
# +         columns[name].append(row.get(name))
# + return columns


# %% mutant rows-to-columns: takes the column names from the records seen, not from names
# - return {name: [row.get(name) for row in rows] for name in names}
# + seen = []
# + for row in rows:
# +     for key in row:
# +         if key in names and key not in seen:
# +             seen.append(key)
# + return {name: [row.get(name) for row in rows] for name in seen}


# %% mutant rows-to-columns: delegates to the library: pyarrow's Table.from_pylist does the work
def rows_to_columns(rows, names):
    import pyarrow as pa

    table = pa.Table.from_pylist(rows)
    return {
        name: table[name].to_pylist() if name in table.column_names else [None] * len(rows)
        for name in names
    }


# %% mutant rows-to-columns: `row.get(name) or None` turns falsy values (0, "", False) into nulls
# - return {name: [row.get(name) for row in rows] for name in names}
# + return {name: [row.get(name) or None for row in rows] for name in names}


# %% mutant validity-bitmap: most significant bit first
# - out[i // 8] |= 1 << (i % 8)
# + out[i // 8] |= 1 << (7 - i % 8)

# - return bool((bitmap[bit // 8] >> (bit % 8)) & 1)
# + return bool((bitmap[bit // 8] >> (7 - bit % 8)) & 1)


# %% mutant validity-bitmap: delegates to the library: pyarrow's boolean array already is a bitmap
def pack_validity(valid):
    import pyarrow as pa

    return pa.array(valid, pa.bool_()).buffers()[1].to_pybytes()[: (len(valid) + 7) // 8]


# %% mutant validity-bitmap: returns the bytearray it built, not bytes
# - return bytes(out)
# + return out


# %% mutant validity-bitmap: drops the last, partial byte (floor instead of ceiling)
# - out = bytearray((len(valid) + 7) // 8)
# - for i, flag in enumerate(valid):
# -     if flag:
# + out = bytearray(len(valid) // 8)
# + for i, flag in enumerate(valid):
# +     if flag and i // 8 < len(out):


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


# %% mutant string-buffers: delegates to the library: reads pyarrow's own offsets and data buffers
def string_offsets_and_data(values):
    import numpy as np
    import pyarrow as pa

    arr = pa.array(values, pa.string())
    offsets = np.frombuffer(arr.buffers()[1], dtype="<i4", count=len(values) + 1).tolist()
    data = arr.buffers()[2]
    return offsets, data.to_pybytes()[: offsets[-1]] if data is not None else b""


# %% mutant string-buffers: delegates to the library: numpy packs the offsets
def int32_le(offsets):
    import numpy as np

    return np.array(offsets, dtype="<i4").tobytes()


# %% mutant string-buffers: unsigned offsets (the format's are signed 32-bit)
# - return b"".join(o.to_bytes(4, "little", signed=True) for o in offsets)
# + return b"".join(o.to_bytes(4, "little") for o in offsets)


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
# - offsets = [0]
# - data = bytearray()
# + offsets, data = [0], b""

# - return offsets, bytes(data)
# + return offsets, data

# - return b"".join(o.to_bytes(4, "little", signed=True) for o in offsets)
# + return b"".join(o.to_bytes(4, "big", signed=True) for o in offsets)


# %% mutant string-buffers: forgets the leading 0 offset
# - offsets = [0]
# - data = bytearray()
# + offsets, data = [], b""

# - return offsets, bytes(data)
# + return offsets, data


# %% mutant dictionary-encode: delegates to the library: pyarrow's dictionary_encode
def dictionary_encode(values):
    import pyarrow as pa

    encoded = pa.array(values, pa.string()).dictionary_encode()
    return encoded.indices.to_pylist(), encoded.dictionary.to_pylist()


# %% mutant dictionary-encode: truthiness test treats the empty string as a null
def dictionary_encode(values):
    position = {}
    indices = []
    for v in values:
        if not v:
            indices.append(None)
            continue
        position.setdefault(v, len(position))
        indices.append(position[v])
    return indices, list(position)


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


# %% mutant delta-binary-packed: delegates to the library: pyarrow writes the page, a helper reads it
def delta_binary_packed(values):
    import pathlib
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    from course.columnar.layout import first_page_payload

    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "v.parquet"
        schema = pa.schema([pa.field("v", pa.int64(), nullable=False)])
        pq.write_table(
            pa.table({"v": values}, schema=schema),
            path,
            use_dictionary=False,
            compression="none",
            column_encoding={"v": "DELTA_BINARY_PACKED"},
        )
        return first_page_payload(path)


# %% mutant delta-binary-packed: delegates to the library: numpy.packbits does the bit-packing
def bit_pack(values, width):
    import numpy as np

    bits = np.array([(v >> j) & 1 for v in values for j in range(width)], dtype=np.uint8)
    return np.packbits(bits, bitorder="little").tobytes()


# %% mutant delta-binary-packed: bit_pack fills each byte from its most significant bit
def bit_pack(values, width):
    bits = [(v >> j) & 1 for v in values for j in range(width)]
    out = bytearray((len(bits) + 7) // 8)
    for i, bit in enumerate(bits):
        out[i // 8] |= bit << (7 - i % 8)
    return bytes(out)


# %% mutant delta-binary-packed: zigzag forgets the - 1 for negative numbers
# - return 2 * n if n >= 0 else -2 * n - 1
# + return 2 * n if n >= 0 else -2 * n


# %% mutant delta-binary-packed: uleb128 loops while n > 0x80, so 128 becomes one byte 0x80
# - while n >= 0x80:
# + while n > 0x80:


# %% mutant delta-binary-packed: uleb128 writes the most significant group first
def uleb128(n):
    groups = [n & 0x7F]
    n >>= 7
    while n:
        groups.append(n & 0x7F)
        n >>= 7
    groups.reverse()
    return bytes([g | 0x80 for g in groups[:-1]] + [groups[-1]])


# %% mutant delta-binary-packed: one min_delta for all the deltas, not one per block
def delta_binary_packed(values):
    out = bytearray(uleb128(256) + uleb128(4) + uleb128(len(values)) + uleb128(zigzag(values[0])))
    deltas = [b - a for a, b in zip(values, values[1:], strict=False)]
    min_delta = min(deltas, default=0)
    for start in range(0, len(deltas), 256):
        block = deltas[start : start + 256]
        out += uleb128(zigzag(min_delta))
        widths, packed = bytearray(), bytearray()
        for m in range(4):
            part = [d - min_delta for d in block[64 * m : 64 * m + 64]]
            widths.append(max(part).bit_length() if part else 0)
            if part:
                packed += bit_pack(part + [0] * (64 - len(part)), widths[-1])
        out += widths + packed
    return bytes(out)


# %% mutant delta-binary-packed: one bit width for the whole block, not one per miniblock
def delta_binary_packed(values):
    out = bytearray(uleb128(256) + uleb128(4) + uleb128(len(values)) + uleb128(zigzag(values[0])))
    deltas = [b - a for a, b in zip(values, values[1:], strict=False)]
    for start in range(0, len(deltas), 256):
        block = deltas[start : start + 256]
        low = min(block)
        width = max(d - low for d in block).bit_length()
        used = (len(block) + 63) // 64
        out += uleb128(zigzag(low)) + bytes([width] * used + [0] * (4 - used))
        for m in range(used):
            part = [d - low for d in block[64 * m : 64 * m + 64]]
            out += bit_pack(part + [0] * (64 - len(part)), width)
    return bytes(out)


# %% mutant delta-binary-packed: does not pad the last miniblock to 64 values
def delta_binary_packed(values):
    out = bytearray(uleb128(256) + uleb128(4) + uleb128(len(values)) + uleb128(zigzag(values[0])))
    deltas = [b - a for a, b in zip(values, values[1:], strict=False)]
    for start in range(0, len(deltas), 256):
        block = deltas[start : start + 256]
        low = min(block)
        widths, packed = bytearray(), bytearray()
        for m in range(4):
            part = [d - low for d in block[64 * m : 64 * m + 64]]
            widths.append(max(part).bit_length() if part else 0)
            packed += bit_pack(part, widths[-1])
        out += uleb128(zigzag(low)) + widths + packed
    return bytes(out)


# %% mutant delta-binary-packed: blocks of 128 deltas in 4 miniblocks of 32 (another writer's choice)
def delta_binary_packed(values):
    out = bytearray(uleb128(128) + uleb128(4) + uleb128(len(values)) + uleb128(zigzag(values[0])))
    deltas = [b - a for a, b in zip(values, values[1:], strict=False)]
    for start in range(0, len(deltas), 128):
        block = deltas[start : start + 128]
        low = min(block)
        widths, packed = bytearray(), bytearray()
        for m in range(4):
            part = [d - low for d in block[32 * m : 32 * m + 32]]
            widths.append(max(part).bit_length() if part else 0)
            if part:
                packed += bit_pack(part + [0] * (32 - len(part)), widths[-1])
        out += uleb128(zigzag(low)) + widths + packed
    return bytes(out)


# %% mutant delta-binary-packed: pads the last block with zero deltas up to 256
def delta_binary_packed(values):
    out = bytearray(uleb128(256) + uleb128(4) + uleb128(len(values)) + uleb128(zigzag(values[0])))
    deltas = [b - a for a, b in zip(values, values[1:], strict=False)]
    for start in range(0, len(deltas), 256):
        block = deltas[start : start + 256]
        block += [0] * (256 - len(block))
        low = min(block)
        parts = [[d - low for d in block[64 * m : 64 * m + 64]] for m in range(4)]
        widths = [max(p).bit_length() for p in parts]
        out += uleb128(zigzag(low)) + bytes(widths)
        for part, width in zip(parts, widths, strict=True):
            out += bit_pack(part, width)
    return bytes(out)


# %% alternative delta-binary-packed: the C formula for zigzag, one big int for bit_pack, a bit writer
def zigzag(n):
    return (n << 1) ^ (n >> 63)


def uleb128(n):
    return bytes([n]) if n < 0x80 else bytes([0x80 | (n & 0x7F)]) + uleb128(n >> 7)


def bit_pack(values, width):
    number = 0
    for k, value in enumerate(values):
        number |= value << (k * width)
    return number.to_bytes((len(values) * width + 7) // 8, "little")


def delta_binary_packed(values):
    def block_bytes(block):
        low = min(block)
        minis = [[d - low for d in block[i : i + 64]] for i in range(0, len(block), 64)]
        widths = [max(m).bit_length() for m in minis] + [0] * (4 - len(minis))
        body = b"".join(
            bit_pack(m + [0] * (64 - len(m)), w)
            for m, w in zip(minis, widths[: len(minis)], strict=True)
        )
        return uleb128(zigzag(low)) + bytes(widths) + body

    deltas = [values[i] - values[i - 1] for i in range(1, len(values))]
    head = uleb128(256) + uleb128(4) + uleb128(len(values)) + uleb128(zigzag(values[0]))
    return head + b"".join(block_bytes(deltas[i : i + 256]) for i in range(0, len(deltas), 256))


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


# %% mutant prune-row-groups: a bound of 0.0 counts as no bound (truthiness instead of `is None`)
def row_groups_to_read(stats, low, high):
    keep = []
    for i, g in enumerate(stats):
        if g["null_count"] == g["num_rows"]:
            continue
        if g["min"] is None:
            keep.append(i)
            continue
        if low and g["max"] < low:
            continue
        if high and g["min"] >= high:
            continue
        keep.append(i)
    return keep


# %% mutant prune-row-groups: skips every row group with a null, not only the all-null ones
def row_groups_to_read(stats, low, high):
    keep = []
    for i, g in enumerate(stats):
        if g["null_count"] > 0:
            continue
        if g["min"] is None:
            keep.append(i)
            continue
        if low is not None and g["max"] < low:
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
# - "sort_by": [["host", "ascending"], ["time", "ascending"]],
# + "sort_by": [["time", "ascending"]],


# %% mutant layout-design: right order, but the default encodings leave the file too big
# - "row_group_size": 2_000,
# - "compression": "zstd",
# - "use_dictionary": ["host", "region", "status"],
# - "column_encoding": {"time": "DELTA_BINARY_PACKED"},
# + "row_group_size": 1_000,
# + "compression": "zstd",


# %% mutant layout-design: tiny row groups: the footer and page overhead blow the size budget
# - "row_group_size": 2_000,
# + "row_group_size": 50,


# %% mutant layout-design: one huge row group: small file, but every query reads everything
# - "row_group_size": 2_000,
# + "row_group_size": 1_000_000,


# %% mutant layout-design: 3,000-row groups: fine for host-0007's hour 2, but an hour that straddles two groups reads 6,000 rows
# - "row_group_size": 2_000,
# + "row_group_size": 3_000,


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


# %% mutant fast-aggregate: correct, but a row loop that remembers the tables it has summarised
_summaries = {}  # id(table) -> (table, summary): a later call on the same table is free


def host_summary(table):
    seen = _summaries.get(id(table))
    if seen is not None and seen[0] is table:
        return {h: dict(v) for h, v in seen[1].items()}
    acc = {}
    for r in table.to_pylist():
        a = acc.setdefault(r["host"], {"s": 0.0, "n": 0, "max": None, "req": 0})
        if r["cpu"] is not None:
            a["s"] += r["cpu"]
            a["n"] += 1
        if r["latency_ms"] is not None and (a["max"] is None or r["latency_ms"] > a["max"]):
            a["max"] = r["latency_ms"]
        a["req"] += r["requests"]
    out = {
        h: {
            "mean_cpu": a["s"] / a["n"] if a["n"] else None,
            "max_latency_ms": a["max"],
            "requests": a["req"],
        }
        for h, a in acc.items()
    }
    _summaries[id(table)] = (table, out)
    return {h: dict(v) for h, v in out.items()}


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


# %% mutant fast-aggregate: fills null latency with 0.0, so an all-null host reports 0.0, not None
def host_summary(table):
    import pyarrow.compute as pc

    at = table.column_names.index("latency_ms")
    table = table.set_column(at, "latency_ms", pc.fill_null(table["latency_ms"], 0.0))
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
