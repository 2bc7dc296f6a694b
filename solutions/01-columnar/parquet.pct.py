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
# # Assignment 1b: Parquet on disk
#
# **Time:** about 4 hours. **Points:** 13. **Prerequisites:** assignment 1a (`arrow.ipynb`), and
# the lectures `03-compute` and `04-parquet` in `notebooks/01-columnar/`.
#
# Parquet decides two things that matter in production: how small the data is on disk, and how
# much of it a query must read. You will build the pieces that decide both:
#
# 5. **DELTA_BINARY_PACKED, byte for byte** (4 points, about 1.5 hours): by hand, the encoding
#    that stores a steady clock in almost no space, checked against the page pyarrow writes.
# 6. **Predicate pushdown** (4 points, about 1 hour): from a file's footer statistics, the row
#    groups a range query must read: never skip one that holds a match, skip every one that
#    cannot.
# 7. **Layout design** (3 points, about 1 hour): choose sort order, row-group size and encodings
#    so that a typical query reads little and the file stays small.
# 8. **A fast aggregation** (2 points, about 20 minutes): per-host statistics with one Arrow
#    compute call, checked against a SQL engine, then timed against a row-by-row loop in the
#    same run.
#
# As before: replace `raise NotImplementedError()`, run the public tests, ask
# `course.hint("<exercise id>")`, press **Validate**. Results are compared strictly by type.

# %% nbgrader={"grade": false, "grade_id": "setup-parquet", "locked": true, "schema_version": 3, "solution": false, "task": false}
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import course
from course.columnar.layout import rows_read, write_with_layout
from course.learner.checking import check
from course.learner.datasets import metrics
from course.learner.files import scratch_folder

scratch = scratch_folder("parquet-assignment-")  # files you write go here (removed at kernel exit)

# %% [markdown]
# ## Exercise 5: a steady clock on disk, byte for byte (4 points)
#
# Lecture 04 measured that Parquet stores the sorted `time` column in almost no space with
# `DELTA_BINARY_PACKED`. Here you write that encoding yourself, byte for byte, as the Parquet
# format specifies it and as pyarrow writes it. No library call hands these bytes over: the
# hidden tests write the same values into a real Parquet file with pyarrow and compare your bytes
# with the page it wrote. This exercise is **by hand**: plain Python (`int`, `bytes`,
# `bytearray`, `<<`, `>>`, `&`, `|`); the hidden tests run your functions with pyarrow and NumPy
# unreachable.
#
# **Two small integer codes.**
#
# - **zigzag** turns a signed integer into a non-negative one, keeping small magnitudes small:
#   `0 -> 0`, `-1 -> 1`, `1 -> 2`, `-2 -> 3`, `2 -> 4`, ...: `2 * n` for `n >= 0` and
#   `-2 * n - 1` for `n < 0`.
# - **ULEB128** writes a non-negative integer 7 bits at a time, least significant group first,
#   one group per byte; every byte except the last has its top bit (`0x80`) set. `0` is `b"\x00"`,
#   `127` is `b"\x7f"`, and `300` (binary `10 0101100`) is `b"\xac\x02"`: `0101100` with the top
#   bit set, then `10`.
#
# **Bit-packing** writes `values` one after another, `width` bits each, **least significant bit
# first**: bit `j` of value `k` is bit `k * width + j` of the output, and bit `b` of the output is
# bit `b % 8` (counted from the `1`s place) of byte `b // 8`, as in Arrow's validity bitmaps. The
# last byte is padded with `0` bits, so the result has `ceil(len(values) * width / 8)` bytes;
# width `0` gives `b""`. The Parquet specification's own example: the values 0 to 7 at width 3
# pack into the three bytes `88 C6 FA`.
#
# **DELTA_BINARY_PACKED**, for a list of integers (at least one):
#
# 1. *Header*: `uleb128(256)` (values per block), `uleb128(4)` (miniblocks per block),
#    `uleb128(len(values))`, `uleb128(zigzag(values[0]))`. The first value is stored here.
# 2. *Deltas*: the `len(values) - 1` differences `values[i] - values[i - 1]`, cut into **blocks**
#    of 256 deltas (the last block may be shorter; one value means no block at all), each cut
#    into 4 **miniblocks** of 64.
# 3. *Per block*: `min_delta`, the smallest delta **of that block**, is subtracted from each of its
#    deltas, so they are all `>= 0`. Each miniblock's **bit width** is the number of bits of its
#    largest value: `max(...).bit_length()`. A steady clock has equal deltas, so every value is
#    `0` and the width is `0`: zero bits per timestamp.
# 4. *Block bytes*: `uleb128(zigzag(min_delta))`, then the 4 bit widths (one byte each), then the
#    miniblocks that hold deltas, each bit-packed at its width. The last of them is padded with
#    `0`s to 64 values before packing; a miniblock with no deltas left gets width `0` and no bytes.
#
# The values `v` satisfy `-2**62 <= v < 2**62`, so every delta fits in a signed 64-bit integer.
# The block of 256 and the 4 miniblocks are the writer's choice (the specification asks for a
# multiple of 128 values per block and a multiple of 32 per miniblock); 256 and 4 are what pyarrow
# (Arrow C++) writes. This is not the *RLE / bit-packing hybrid* of lecture 04: Parquet uses that
# one for definition levels, dictionary indices and booleans, not for deltas.
#
# ```python
# bit_pack([0, 1, 2, 3, 4, 5, 6, 7], 3)  # -> b"\x88\xc6\xfa"
# zigzag(-2), uleb128(300)               # -> (3, b"\xac\x02")
# delta_binary_packed([1000, 1010, 1020, 1030, 1040])
# # -> b"\x80\x02\x04\x05\xd0\x0f\x14\x00\x00\x00\x00"
# #    256, 4, 5 values, zigzag(1000); zigzag(10), widths 0 0 0 0, and no packed bytes at all
# ```
#
# Write four functions:
#
# - `zigzag(n)`, an `int`, for any `n` with `-2**63 <= n < 2**63`;
# - `uleb128(n)`, `bytes`, for any `n` with `0 <= n < 2**64`;
# - `bit_pack(values, width)`, `bytes`, for `width` from 0 to 64 and values `0 <= v < 2**width`;
# - `delta_binary_packed(values)`, `bytes`, for a list of at least one value.
#
# Exercise id: `delta-binary-packed`.

# %% nbgrader={"grade": false, "grade_id": "delta-binary-packed", "locked": false, "schema_version": 3, "solution": true, "task": false}
def zigzag(n: int) -> int:
    """Signed to unsigned: 0, -1, 1, -2, 2 ... become 0, 1, 2, 3, 4 ..."""
    ### BEGIN SOLUTION
    return 2 * n if n >= 0 else -2 * n - 1
    ### END SOLUTION


def uleb128(n: int) -> bytes:
    """``n >= 0`` in 7-bit groups, least significant first; the top bit marks 'more follows'."""
    ### BEGIN SOLUTION
    out = bytearray()
    while n >= 0x80:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    out.append(n)
    return bytes(out)
    ### END SOLUTION


def bit_pack(values: list[int], width: int) -> bytes:
    """``values`` packed ``width`` bits each, least significant bit first, zero padded."""
    ### BEGIN SOLUTION
    out = bytearray()
    buffer = filled = 0
    for value in values:
        buffer |= value << filled
        filled += width
        while filled >= 8:
            out.append(buffer & 0xFF)
            buffer >>= 8
            filled -= 8
    if filled:
        out.append(buffer)
    return bytes(out)
    ### END SOLUTION


def delta_binary_packed(values: list[int]) -> bytes:
    """Parquet's DELTA_BINARY_PACKED bytes: 256 deltas per block, 4 miniblocks of 64."""
    ### BEGIN SOLUTION
    block_size, miniblocks = 256, 4
    per_miniblock = block_size // miniblocks
    out = bytearray(uleb128(block_size) + uleb128(miniblocks) + uleb128(len(values)))
    out += uleb128(zigzag(values[0]))
    deltas = [b - a for a, b in zip(values, values[1:], strict=False)]
    for start in range(0, len(deltas), block_size):
        block = deltas[start : start + block_size]
        min_delta = min(block)
        out += uleb128(zigzag(min_delta))
        widths, packed = bytearray(), bytearray()
        for m in range(miniblocks):
            part = [d - min_delta for d in block[m * per_miniblock : (m + 1) * per_miniblock]]
            if not part:
                widths.append(0)
                continue
            width = max(part).bit_length()
            widths.append(width)
            packed += bit_pack(part + [0] * (per_miniblock - len(part)), width)
        out += widths + packed
    return bytes(out)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "delta-binary-packed-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
check(bit_pack([0, 1, 2, 3, 4, 5, 6, 7], 3), b"\x88\xc6\xfa", "bit_pack([0, 1, ..., 7], 3)")
check(bit_pack([1, 1, 1], 1), b"\x07", "bit_pack([1, 1, 1], 1)")
check(bit_pack([5, 5], 4), b"\x55", "bit_pack([5, 5], 4)")
check(bit_pack([], 5), b"", "bit_pack([], 5)")
check([zigzag(n) for n in (0, -1, 1, -2, 2)], [0, 1, 2, 3, 4], "zigzag of 0, -1, 1, -2, 2")
check(uleb128(1), b"\x01", "uleb128(1)")
check(uleb128(300), b"\xac\x02", "uleb128(300)")
check(delta_binary_packed([7]), b"\x80\x02\x04\x01\x0e", "delta_binary_packed([7])")
check(delta_binary_packed([1000, 1010, 1020, 1030, 1040]),
      b"\x80\x02\x04\x05\xd0\x0f\x14\x00\x00\x00\x00", "delta_binary_packed([1000, 1010, ..., 1040])")
# Deltas 2, -1, 3: min_delta -1, so 3, 0, 4 at width 3 (bits 110 000 001), padded with 0s to
# 64 values: 64 * 3 bits = 24 bytes, of which only the first two are not zero.
check(delta_binary_packed([5, 7, 6, 9]),
      b"\x80\x02\x04\x04\x0a" + b"\x01" + b"\x03\x00\x00\x00" + b"\x03\x01" + bytes(22),
      "delta_binary_packed([5, 7, 6, 9])")
print("DELTA_BINARY_PACKED: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "delta-binary-packed-hidden", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.columnar.layout import first_page_payload as _page_payload
from course.grading.inside import call_each as _call_each

_rng = course.rng(15)

# bit_pack. The oracle: NumPy packs the bits, least significant first, from each value's bits.
_cases = [([0, 1, 2, 3, 4, 5, 6, 7], 3), ([], 0), ([0, 0, 0], 0), ([2**64 - 1, 0, 1], 64),
          ([1] * 9, 1), ([2**63, 2**62], 64), ([127] * 5, 7), ([1, 2, 3], 2)]
for _ in range(120):
    _w = int(_rng.integers(0, 65))
    _cases.append(([int(_rng.integers(0, 2**_w, dtype=np.uint64)) if _w else 0
                    for _ in range(int(_rng.integers(0, 70)))], _w))
_expected = []
for _values, _w in _cases:
    _bits = np.array([(v >> j) & 1 for v in _values for j in range(_w)], dtype=np.uint8)
    _expected.append(np.packbits(_bits, bitorder="little").tobytes())
with course.by_hand("pyarrow", "numpy"):
    _got = _call_each(bit_pack, [(list(_values), _w) for _values, _w in _cases])  # one round trip
for (_values, _w), _g, _e in zip(_cases, _got, _expected, strict=True):
    check(_g, _e, f"bit_pack({_values!r}, {_w})")

# zigzag. The oracle: the specification's formula in 64-bit arithmetic, (n << 1) ^ (n >> 63).
_ns = [0, -1, 1, -2, 2, 63, -64, 2**62, -(2**62), 2**63 - 1, -(2**63)]
_ns += [int(x) for x in _rng.integers(-(2**63), 2**63 - 1, size=200, dtype=np.int64)]
_i64 = np.array(_ns, dtype=np.int64)
_expected = ((_i64 << np.int64(1)) ^ (_i64 >> np.int64(63))).view(np.uint64).tolist()
with course.by_hand("pyarrow", "numpy"):
    _got = _call_each(zigzag, [(n,) for n in _ns])
for _n, _g, _e in zip(_ns, _got, _expected, strict=True):
    check(_g, _e, f"zigzag({_n})")

# uleb128. The oracle: decoding the bytes back (7 bits a byte, least significant first) and the
# rules of the format: the top bit is set on every byte but the last, and no byte is wasted.
_ns = [0, 1, 127, 128, 255, 300, 16_383, 16_384, 2**63, 2**64 - 1]
_ns += [int(x) for x in _rng.integers(0, 2**63, size=100, dtype=np.uint64)]
with course.by_hand("pyarrow", "numpy"):
    _got = _call_each(uleb128, [(n,) for n in _ns])
for _n, _g in zip(_ns, _got, strict=True):
    check(type(_g) is bytes, True, f"uleb128({_n}) returns bytes")
    check(sum((b & 0x7F) << (7 * i) for i, b in enumerate(_g)), _n, f"uleb128({_n}) read back")
    check([b >= 0x80 for b in _g], [True] * (len(_g) - 1) + [False], f"the top bits of uleb128({_n})")
    check(len(_g), max(1, -(-_n.bit_length() // 7)), f"the length of uleb128({_n})")

# delta_binary_packed. The oracle: the page that pyarrow writes into a real Parquet file.
_series = {
    "one value": [7],
    "two values": [-5, 5],
    "one steady clock": [1_700_000_000 * 10**9 + 10 * 10**9 * k for k in range(3_960)],
    "constant": [42] * 300,
    "a falling series": [10**6 - 3 * k * k for k in range(200)],
    "64 deltas: one full miniblock": list(range(0, 650, 10)),
    "65 deltas: a second miniblock": [k * k for k in range(66)],
    "256 deltas: one full block": [int(x) for x in _rng.integers(-100, 100, size=257)],
    "257 deltas: a second block of one": [int(x) for x in _rng.integers(-100, 100, size=258)],
    "blocks with different minima": [*range(0, 2_570, 10), *range(3_000, -2_000, -7), *range(600)],
    "extremes": [-(2**62), 2**62 - 1, -(2**62), 2**62 - 1, 0],
    "large random": [int(x) for x in _rng.integers(-(2**62), 2**62, size=700)],
    "jittered clock": [10 * k + int(_rng.integers(0, 3)) for k in range(1_000)],
}
for _ in range(12):
    _n = int(_rng.integers(1, 1_200))
    _scale = 2 ** int(_rng.integers(0, 62))
    _series[f"random, {_n} values"] = [int(x) for x in _rng.integers(-_scale, _scale, size=_n)]
_schema = pa.schema([pa.field("v", pa.int64(), nullable=False)])
_expected = {}
for _name, _values in _series.items():
    _path = scratch / "delta-oracle.parquet"
    pq.write_table(pa.table({"v": _values}, schema=_schema), _path, use_dictionary=False,
                   compression="none", column_encoding={"v": "DELTA_BINARY_PACKED"})
    _expected[_name] = _page_payload(_path)
with course.by_hand("pyarrow", "numpy"):
    _got = dict(zip(_series, _call_each(delta_binary_packed, [(list(_v),) for _v in _series.values()]), strict=True))
for _name, _values in _series.items():
    _shown = _values if len(_values) <= 6 else f"<{len(_values)} values: {_name}>"
    check(_got[_name], _expected[_name], f"delta_binary_packed({_shown})")
### END HIDDEN TESTS

# %% [markdown]
# ### See it: what a steady clock costs
#
# Run this once your functions pass. It encodes one host's timestamps from the metrics data set
# (a reading every 10 seconds) with your encoder and prints the bit widths of the first block:
# all zero, because every delta equals the block's `min_delta`.

# %% nbgrader={"grade": false, "grade_id": "see-delta", "locked": true, "schema_version": 3, "solution": false, "task": false}
_one_host = metrics(20_000, hosts=10).filter(pc.field("host") == "host-0003")
_times = _one_host["time"].cast(pa.int64()).to_pylist()
_encoded = delta_binary_packed(_times)
print(f"{len(_times):,} timestamps: {8 * len(_times):,} bytes as int64, {len(_encoded):,} bytes "
      f"as DELTA_BINARY_PACKED ({8 * len(_encoded) / len(_times):.2f} bits per timestamp)")
_header = len(uleb128(256) + uleb128(4) + uleb128(len(_times)) + uleb128(zigzag(_times[0])))
_first_min = uleb128(zigzag(_times[1] - _times[0]))
print("bit widths of the first block:", list(_encoded[_header + len(_first_min):][:4]))

# %% [markdown]
# ## Exercise 6: predicate pushdown from footer statistics (4 points)
#
# A Parquet footer keeps, for each row group and column, the **minimum**, the **maximum** and the
# **null count**. A query such as `WHERE low <= cpu < high` can skip every row group whose
# statistics prove that no row matches. The helper below reads those statistics into plain dicts,
# one per row group: `{"min": ..., "max": ..., "null_count": ..., "num_rows": ...}`. When the
# writer kept no min/max (statistics switched off, or every value null), `min` and `max` are `None`.
#
# Write `row_groups_to_read(stats, low, high)` that returns the sorted `list` of row-group numbers
# (positions in `stats`) that **may** hold a row with `low <= value < high`. `low` is inclusive,
# `high` exclusive, and either may be `None`, meaning no bound on that side; when both are given,
# `low < high`. Every row group has at least one row. The rules:
#
# - never skip a row group that holds a match (a wrong skip silently loses query results);
# - skip every row group that **cannot** match: one whose statistics prove all values are below
#   `low` or at or above `high`, and one whose values are **all null** (null never satisfies a
#   comparison);
# - a row group without min/max that is not all null must be read: nothing proves it empty.
#
# The hidden tests check your answer on several real files (sorted and unsorted, with nulls,
# all-null row groups and statistics switched off) against a brute-force scan of every row group
# and against the statistics. Exercise id: `prune-row-groups`.

# %% nbgrader={"grade": false, "grade_id": "footer-stats", "locked": true, "schema_version": 3, "solution": false, "task": false}
def footer_stats(path: str | Path, column: str) -> list[dict]:
    """Per row group: min, max (None when absent), null_count and num_rows of ``column``."""
    meta = pq.ParquetFile(path).metadata
    at = meta.schema.names.index(column)
    out = []
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        stats = group.column(at).statistics
        has = stats is not None and stats.has_min_max
        out.append({
            "min": stats.min if has else None,
            "max": stats.max if has else None,
            "null_count": stats.null_count if stats is not None and stats.has_null_count else 0,
            "num_rows": group.num_rows,
        })
    return out


_demo = pa.table({"cpu": pa.array([1.0, 2.0, 3.0, None, None, None, 5.0, 6.0, 7.0])})
pq.write_table(_demo, scratch / "demo.parquet", row_group_size=3)
footer_stats(scratch / "demo.parquet", "cpu")

# %% nbgrader={"grade": false, "grade_id": "prune-row-groups", "locked": false, "schema_version": 3, "solution": true, "task": false}
def row_groups_to_read(stats: list[dict], low: float | None, high: float | None) -> list[int]:
    """Row groups that may hold a value v with low <= v < high (None: unbounded)."""
    ### BEGIN SOLUTION
    keep = []
    for number, group in enumerate(stats):
        if group["num_rows"] and group["null_count"] == group["num_rows"]:
            continue  # all null: no comparison is true
        if group["min"] is None or group["max"] is None:
            keep.append(number)  # nothing proves it empty
            continue
        if low is not None and group["max"] < low:
            continue
        if high is not None and group["min"] >= high:
            continue
        keep.append(number)
    return keep
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "prune-row-groups-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
_stats = footer_stats(scratch / "demo.parquet", "cpu")
check(row_groups_to_read(_stats, 2.0, 5.0), [0], "row_groups_to_read(demo, 2.0, 5.0)")
check(row_groups_to_read(_stats, None, None), [0, 2], "row_groups_to_read(demo, None, None)")
check(row_groups_to_read(_stats, 3.0, 5.0), [0], "row_groups_to_read(demo, 3.0, 5.0): 3.0 is inside [3.0, 5.0)")
check(row_groups_to_read(_stats, 4.0, 5.0), [], "row_groups_to_read(demo, 4.0, 5.0): 5.0 is outside [4.0, 5.0)")
_no_stats = [{"min": None, "max": None, "null_count": 0, "num_rows": 10}]
check(row_groups_to_read(_no_stats, 1.0, 2.0), [0], "row_groups_to_read(<no statistics>, 1.0, 2.0)")
print("row_groups_to_read: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "prune-row-groups-hidden", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(16)
_files = []
for _f in range(8):
    _n = int(_rng.integers(50, 400))
    _vals = _rng.integers(0, 60, size=_n).astype(float)
    if _f % 2 == 0:
        _vals.sort()
    _mask = _rng.random(_n) < 0.15
    if _f in (2, 5):
        _mask[: _n // 3] = True  # leading all-null row groups
    _col = pa.array(_vals, pa.float64(), mask=_mask)
    _path = scratch / f"hidden-{_f}.parquet"
    _rgs = int(_rng.integers(7, 40))
    pq.write_table(pa.table({"cpu": _col}), _path, row_group_size=_rgs,
                   write_statistics=(_f != 6))
    _files.append(_path)
import bisect as _bisect

from course.grading.inside import call_each as _call_each

for _path in _files:
    _pf = pq.ParquetFile(_path)
    # Oracle 1's data: each row group's valid values, read back and sorted.
    _values = [sorted(v for v in _pf.read_row_group(g)["cpu"].to_pylist() if v is not None)
               for g in range(_pf.metadata.num_row_groups)]
    _stats = footer_stats(_path, "cpu")
    # Oracle 2's data: your statistics as Arrow arrays.
    _mins = pa.array([s["min"] for s in _stats], pa.float64())
    _maxs = pa.array([s["max"] for s in _stats], pa.float64())
    _all_null = pa.array([s["null_count"] == s["num_rows"] for s in _stats])
    _queries = []
    for _q in range(25):
        _lo = None if _rng.random() < 0.15 else float(_rng.integers(-5, 65))
        _hi = None if _rng.random() < 0.15 else float(_rng.integers(-5, 65))
        if _q % 5 == 0 and _stats[0]["min"] is not None:
            _lo, _hi = _stats[0]["max"], _stats[0]["max"] + 1.0  # boundary: low equals a max
        if _q % 5 == 1 and _stats[-1]["min"] is not None:
            _lo, _hi = _stats[-1]["min"] - 1.0, _stats[-1]["min"]  # boundary: high equals a min
        if _lo is not None and _hi is not None and _lo >= _hi:
            _lo, _hi = _hi - 1.0, _lo + 1.0  # the exercise promises low < high
        _queries.append((_lo, _hi))
    _gots = _call_each(row_groups_to_read, [([dict(s) for s in _stats], _lo, _hi) for _lo, _hi in _queries])
    for (_lo, _hi), _got in zip(_queries, _gots, strict=True):
        _where = f"row_groups_to_read(<{_path.name}>, {_lo}, {_hi})"
        # Oracle 1, brute force: every row group that really holds a value in [low, high) must be read.
        _expr_rows = [_g for _g, _v in enumerate(_values)
                      if (_bisect.bisect_left(_v, _lo) if _lo is not None else 0)
                      < (_bisect.bisect_left(_v, _hi) if _hi is not None else len(_v))]
        _missed = sorted(set(_expr_rows) - set(_got))
        if _missed:
            raise AssertionError(f"{_where} skips row group(s) {_missed}, which hold matching rows")
        # Oracle 2, the statistics: a group can match unless they prove otherwise.
        _excluded = _all_null
        if _lo is not None:
            _excluded = pc.or_(_excluded, pc.fill_null(pc.less(_maxs, _lo), False))
        if _hi is not None:
            _excluded = pc.or_(_excluded, pc.fill_null(pc.greater_equal(_mins, _hi), False))
        _possible = [i for i, x in enumerate(_excluded.to_pylist()) if not x]
        check(sorted(_got), _possible, _where)
        check(_got, sorted(_got), f"the order of {_where}")

# Each rule of the text on its own, on footers written out as plain dicts:
def _g(lo, hi, nulls=0, rows=10):
    return {"min": lo, "max": hi, "null_count": nulls, "num_rows": rows}


_footer = [_g(-8.0, -2.0), _g(0.0, 4.0), _g(4.0, 9.0, nulls=3), _g(None, None, nulls=10),
           _g(None, None), _g(None, None, nulls=4), _g(12.0, 20.0), _g(9.5, 9.5, rows=1)]
for _lo, _hi, _expected in [
    (None, None, [0, 1, 2, 4, 5, 6, 7]),  # no bounds: all but the all-null group
    (0.0, None, [1, 2, 4, 5, 6, 7]),      # 0.0 is a bound, not "no bound": group 0 is below it
    (None, 0.0, [0, 4, 5]),               # high is exclusive: group 1 starts at 0.0
    (4.0, 9.0, [1, 2, 4, 5]),             # low is inclusive: group 1 ends at 4.0
    (9.0, 9.5, [2, 4, 5]),                # group 7 is exactly 9.5, excluded by high
    (9.5, 12.0, [4, 5, 7]),               # group 7 is exactly 9.5, included by low
    (-100.0, -50.0, [4, 5]),              # nothing matches: only groups without min/max
    (20.0, 21.0, [4, 5, 6]),              # low equals a max
    (-2.5, -2.0, [0, 4, 5]),
]:
    _got = row_groups_to_read([dict(g) for g in _footer], _lo, _hi)
    check(_got, _expected, f"row_groups_to_read(<footer of 8 row groups>, {_lo}, {_hi})")
check(row_groups_to_read([], 1.0, 2.0), [], "row_groups_to_read([], 1.0, 2.0)")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 7: design a file layout (3 points)
#
# The most common query on a metrics store asks for **one host over one hour**:
# `WHERE host = 'host-0007' AND time >= t AND time < t + 1 hour`. Your job is to describe a layout
# for the metrics table below (200,000 rows: 50 hosts reporting every 10 seconds for 11 hours) so
# that:
#
# - every such query, for any host and any start `t`, reads at most **4,000 rows**: the rows of
#   the row groups it cannot skip, judged from the footer's min/max statistics (the helper
#   `rows_read` counts them);
# - the file is at most **3.5 MB** (`3_500_000` bytes).
#
# Return the layout as a plain dict from `choose_layout()`; `write_with_layout(table, layout, path)`
# writes it (read its documentation: `help(write_with_layout)`). The keys:
#
# ```python
# {
#     "sort_by": [["region", "descending"]],           # [column, order] pairs; [] keeps arrival order
#     "row_group_size": 50_000,                        # rows per row group
#     "compression": "snappy",                         # none, snappy, gzip, brotli, lz4, zstd
#     "use_dictionary": ["region"],                    # True, False, or a list of column names
#     "column_encoding": {"requests": "PLAIN"},        # per column, for columns without dictionary
# }
# ```
#
# That example only shows the syntax; it is not a good answer. Encodings to know:
# `PLAIN`, `DELTA_BINARY_PACKED` (integers and timestamps), `BYTE_STREAM_SPLIT` (floats),
# `DELTA_LENGTH_BYTE_ARRAY` and `DELTA_BYTE_ARRAY` (strings). Try layouts in a scratch cell, print `rows_read`
# and the file size, and reason about why they change: this is the trade-off that a time series
# database makes when it persists Parquet. Exercise id: `layout-design`.

# %% nbgrader={"grade": false, "grade_id": "layout-setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
layout_table = metrics(200_000, hosts=50)
HOUR = dt.timedelta(hours=1)
START = layout_table["time"][0].as_py()


def try_layout(layout: dict, host: str = "host-0007", hour: int = 2) -> tuple[int, int]:
    """Write ``layout_table`` with ``layout``; return (file bytes, rows one query reads)."""
    path = write_with_layout(layout_table, layout, scratch / "try.parquet")
    lo = START + hour * HOUR
    return path.stat().st_size, rows_read(path, host, lo, lo + HOUR)


print("arrival order, pyarrow's defaults:", try_layout({"sort_by": []}))

# %% nbgrader={"grade": false, "grade_id": "layout-design", "locked": false, "schema_version": 3, "solution": true, "task": false}
def choose_layout() -> dict:
    """The layout for the metrics table (see the exercise text)."""
    ### BEGIN SOLUTION
    return {
        "sort_by": [["host", "ascending"], ["time", "ascending"]],
        "row_group_size": 2_000,
        "compression": "zstd",
        "use_dictionary": ["host", "region", "status"],
        "column_encoding": {"time": "DELTA_BINARY_PACKED"},
    }
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "layout-design-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your layout on one query.
_size, _rows = try_layout(choose_layout())
print(f"file: {_size:,} bytes; host-0007, hour 2 reads {_rows:,} rows")
if _size > 3_500_000:
    raise AssertionError(f"the file is {_size:,} bytes, over the 3,500,000 byte budget")
if _rows > 4_000:
    raise AssertionError(f"the query reads {_rows:,} rows, over the 4,000 row budget")
print("choose_layout: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "layout-design-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
# The stated table, the stated budgets; queries for other hosts and other hours, some of them
# starting between two full hours (the text asks for every host-hour query).
_path = write_with_layout(layout_table, choose_layout(), scratch / "hidden-layout.parquet")
_size = _path.stat().st_size
if _size > 3_500_000:
    raise AssertionError(f"the file is {_size:,} bytes, over the 3,500,000 byte budget")
_hosts = sorted(set(layout_table["host"].to_pylist()))
for _host in _hosts[::7] + [_hosts[-1]]:
    for _hours in (0, 1, 4, 9, 10, 0.5, 3.25, 7.75, 9.9):
        _lo = START + _hours * HOUR
        # The oracle: the footer's own statistics, through pyarrow's metadata.
        _read = rows_read(_path, _host, _lo, _lo + HOUR)
        if _read > 4_000:
            raise AssertionError(f"the query for {_host}, from hour {_hours} for one hour, "
                                 f"reads {_read:,} rows, over the 4,000 row budget")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 8: a fast per-host summary (2 points)
#
# Write `host_summary(table)` that takes a metrics table (a `pyarrow.Table`, columns as in
# `metrics()`) and returns a `dict` from each host to a `dict` with:
#
# - `"mean_cpu"`: the mean of the non-null `cpu` values (`float`), or `None` if all are null;
# - `"max_latency_ms"`: the largest non-null `latency_ms` (`float`), or `None` if all are null;
# - `"requests"`: the sum of `requests` (`int`; this column is never null).
#
# Use **Arrow compute** (`table.group_by(...).aggregate(...)` or `pyarrow.compute`), not a Python
# loop over rows. The hidden tests check the numbers against a SQL engine (DataFusion running
# `GROUP BY host`), then time your function against a row-by-row Python loop over the same data,
# **in the same run**: yours must be at least **5 times faster** (a good solution is 10 to 15
# times faster on a laptop; a loop over rows is about 1x). Exercise id: `fast-aggregate`.

# %% nbgrader={"grade": false, "grade_id": "fast-aggregate", "locked": false, "schema_version": 3, "solution": true, "task": false}
def host_summary(table: pa.Table) -> dict[str, dict]:
    """Per host: mean_cpu, max_latency_ms and requests (see the exercise text)."""
    ### BEGIN SOLUTION
    grouped = table.group_by("host").aggregate(
        [("cpu", "mean"), ("latency_ms", "max"), ("requests", "sum")]
    )
    return {
        host: {"mean_cpu": cpu, "max_latency_ms": latency, "requests": requests}
        for host, cpu, latency, requests in zip(
            grouped["host"].to_pylist(),
            grouped["cpu_mean"].to_pylist(),
            grouped["latency_ms_max"].to_pylist(),
            grouped["requests_sum"].to_pylist(),
            strict=True,
        )
    }
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "fast-aggregate-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function on a tiny table.
_tiny = pa.table({
    "host": ["a", "b", "a", "b"],
    "cpu": pa.array([10.0, None, 20.0, None]),
    "latency_ms": pa.array([5.0, 7.5, None, 2.0]),
    "requests": pa.array([1, 2, 3, 4], pa.int64()),
})
check(host_summary(_tiny), {
    "a": {"mean_cpu": 15.0, "max_latency_ms": 5.0, "requests": 4},
    "b": {"mean_cpu": None, "max_latency_ms": 7.5, "requests": 6},
}, "host_summary(<4-row table>)")
print("host_summary: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "fast-aggregate-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
import datafusion

from course.grading.oracle import once

_sql = ("SELECT host, avg(cpu) AS mean_cpu, max(latency_ms) AS max_latency_ms, "
        "sum(requests) AS requests FROM m GROUP BY host")


def _cases():
    cases = []
    for rows, hosts, nulls in ((2_000, 7, 0.02), (5_000, 40, 0.5), (300, 3, 0.97)):
        table = metrics(rows, hosts=hosts, null_fraction=nulls, seed=rows)
        ctx = datafusion.SessionContext()
        ctx.register_record_batches("m", [table.to_batches()])
        # The oracle: DataFusion's SQL answer.
        answer = ctx.sql(_sql).to_arrow_table().to_pylist()
        expected = {r["host"]: {"mean_cpu": r["mean_cpu"], "max_latency_ms": r["max_latency_ms"],
                                "requests": r["requests"]} for r in answer}
        cases.append((rows, hosts, table, expected))
    return cases


# The inputs and DataFusion's answers do not depend on your code: computed once per grading run.
for _rows, _hosts, _table, _expected in once("fast-aggregate-cases", _cases):
    check(host_summary(_table), _expected, f"host_summary(metrics({_rows}, hosts={_hosts}))",
          rel_tol=1e-9)
# The stated edge cases on a table written out by hand: a host whose cpu is all null, one whose
# latency_ms is all null; the oracle is DataFusion again.
_edge = pa.table({
    "host": ["a", "b", "a", "c", "b", "c"],
    "cpu": pa.array([None, 1.5, None, 2.0, 2.5, 4.0]),
    "latency_ms": pa.array([3.0, None, 1.0, 9.0, None, 8.0]),
    "requests": pa.array([0, 5, 7, 1, 2, 3], pa.int64()),
})
_ctx = datafusion.SessionContext()
_ctx.register_record_batches("m", [_edge.to_batches()])
_expected = {r["host"]: {"mean_cpu": r["mean_cpu"], "max_latency_ms": r["max_latency_ms"],
                         "requests": r["requests"]} for r in _ctx.sql(_sql).to_arrow_table().to_pylist()}
check(host_summary(_edge), _expected, "host_summary(<6 rows: host a has no cpu, host b no latency>)",
      rel_tol=1e-9)


# The speed: yours against a row-by-row loop, both as CPU time read from the operating system
# (not a clock your code could change). Every timed call gets a table it has not seen before, of
# the same size and shape (so remembering an earlier answer gains nothing), and the loop is
# timed on the same tables.
from course.grading.timing import cpu_seconds, resident

_MEASURES = ["cpu", "mem_used", "requests", "latency_ms"]


def _fresh_table(big, number):
    # big's hosts and times, with the measurements of its rows (each row's together, so latency
    # stays null where requests is 0) dealt out to the rows again in a seeded random order:
    # every host's numbers differ from one table to the next.
    order = np.random.default_rng([8, number]).permutation(big.num_rows)
    moved = big.select(_MEASURES).take(pa.array(order))
    for name in _MEASURES:
        big = big.set_column(big.column_names.index(name), name, moved[name])
    return big


def _row_loop(rows):
    acc = {}
    for r in rows:
        a = acc.setdefault(r["host"], [0.0, 0, None, 0])
        if r["cpu"] is not None:
            a[0] += r["cpu"]
            a[1] += 1
        if r["latency_ms"] is not None and (a[2] is None or r["latency_ms"] > a[2]):
            a[2] = r["latency_ms"]
        a[3] += r["requests"]
    return acc


def _baseline():
    big, times = metrics(300_000, hosts=200), []
    for number in range(3):  # the first tables your function is timed on
        rows = _fresh_table(big, number).drop_columns(["time"]).to_pylist()
        times.append(cpu_seconds(_row_loop, rows, min_total=0.1))
    return big, min(times)


# The table, the loop's time (best of 3) and the first fresh tables do not depend on your code:
# under the grader they are computed once for the whole class, in the same grading run.
_big, _loop_s = once("fast-aggregate-baseline", _baseline)
_first = once("fast-aggregate-fresh", lambda: [_fresh_table(_big, _n) for _n in range(4)])
_ratio, _used, _wanted = 0.0, 0, len(_first)
for _attempt in range(6):  # a busy machine gets more tries; the best ratio is what counts
    # The next tables (none timed before), sent to your code's process before the clock starts:
    # about 0.03 s of calls in all for a good answer; one call (over 0.1 s) for a slow one.
    _tables = [resident(_first[_n] if _n < len(_first) else _fresh_table(_big, _n))
               for _n in range(_used, _used + _wanted)]
    _yours_s = cpu_seconds(host_summary, calls=[(_t,) for _t in _tables], min_total=0.1)
    _used += len(_tables)
    _ratio = max(_ratio, _loop_s / _yours_s)
    if _ratio >= 5:
        break
    _wanted = max(1, min(4, int(0.1 / _yours_s) + 1))  # enough tables for 0.1 s at this speed
    del _tables
print(f"host_summary is {_ratio:.1f}x faster than the row loop (CPU time, same grading run)")
if _ratio < 5:
    raise AssertionError(f"host_summary is only {_ratio:.1f}x faster than a row-by-row loop; "
                         "it needs 5x. Use table.group_by(...).aggregate(...).")
### END HIDDEN TESTS

# %% [markdown]
# ## Done
#
# Press **Validate**. You have written Parquet's delta encoding byte for byte, decided from a
# footer which row groups a query may skip, laid out a file so that "one host, one hour" reads a
# few thousand rows of 200,000, and summarised a table with one Arrow call instead of a loop.
# Module 2 puts them behind SQL.
