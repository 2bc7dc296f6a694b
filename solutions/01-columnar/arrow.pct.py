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
# # Assignment 1a: Arrow in memory, by hand
#
# **Time:** about 2.5 hours. **Points:** 10. **Prerequisites:** the lectures
# `01-rows-vs-columns` and `02-arrow-memory` in `notebooks/01-columnar/`; Python `bytes` and
# bit operations (`&`, `|`, `<<`, `>>`).
#
# You will build, with plain Python, the buffers that Apache Arrow keeps in memory, and check
# them byte for byte against pyarrow's own:
#
# 1. **Rows to columns** (2 points): turn records into columns, with nulls.
# 2. **Validity bitmaps** (3 points): pack "is this value present?" into bits, and read a bit back
#    from a slice with an offset.
# 3. **Strings** (3 points): the offsets and data buffers of a string column, assembled into a
#    real `pyarrow.Array`.
# 4. **Dictionary encoding** (2 points): indices and a dictionary, in pyarrow's order.
#
# Every exercise here is **by hand**: write it with plain Python (loops, `int`, `bytes`,
# `bytearray`, `list`, `dict`, bit operations). The point is to know what the library does, so the
# hidden tests run your functions with pyarrow and NumPy unreachable: a function that asks pyarrow
# for the answer fails there with a `ByHandError`. pyarrow is only the **oracle**: the tests
# compare your results with its buffers.
#
# Work as in the warm-up: replace `raise NotImplementedError()` in each answer cell, run the public
# tests under it, ask `course.hint("<exercise id>")` when stuck, and press **Validate** at the end.
# Hidden tests compare your results with pyarrow's buffers on many generated inputs, including
# empty lists, all-null lists, slices and non-ASCII text. Results are compared strictly by type:
# return exactly the types each exercise names (`bytes` is not `bytearray`, a `tuple` is not a
# `list`). Keep the function names and parameters.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import numpy as np
import pyarrow as pa

import course
from course.learner.checking import check

# %% [markdown]
# ## Exercise 1: rows to columns (2 points)
#
# Records arrive one at a time as dicts, but Arrow stores one list of values per column. Write
# `rows_to_columns(rows, names)` that returns a dict with exactly the keys in `names`, **in that
# order**, each mapped to a `list` as long as `rows`. A record that lacks a key, or holds `None`
# for it, contributes `None` (a null) to that column. Keys not in `names` are ignored.
#
# ```python
# rows_to_columns([{"host": "a", "cpu": 1.5}, {"host": "b"}], ["host", "cpu"])
# # -> {"host": ["a", "b"], "cpu": [1.5, None]}
# ```
#
# Any other value, including a falsy one such as `0`, `0.0`, `""` or `False`, is kept as it is.
#
# This is what `pa.Table.from_pylist(rows, schema=...)` does before it builds buffers; the hidden
# tests compare your columns with its result (by hand: your function may not call it).
# Exercise id: `rows-to-columns`.

# %% nbgrader={"grade": false, "grade_id": "rows-to-columns", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rows_to_columns(rows: list[dict], names: list[str]) -> dict[str, list]:
    """Columns named ``names`` (in order) from the records ``rows``; missing values are None."""
    ### BEGIN SOLUTION
    return {name: [row.get(name) for row in rows] for name in names}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "rows-to-columns-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
check(rows_to_columns([{"host": "a", "cpu": 1.5}, {"host": "b"}], ["host", "cpu"]),
      {"host": ["a", "b"], "cpu": [1.5, None]}, "rows_to_columns(two records, ['host', 'cpu'])")
check(rows_to_columns([], ["host"]), {"host": []}, "rows_to_columns([], ['host'])")
check(list(rows_to_columns([{"b": 1, "a": 2}], ["a", "b"])), ["a", "b"],
      "the key order of rows_to_columns([{'b': 1, 'a': 2}], ['a', 'b'])")
print("rows_to_columns: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "rows-to-columns-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.grading.inside import call_each as _call_each

_rng = course.rng(11)
_schema = pa.schema([("host", pa.string()), ("cpu", pa.float64()), ("requests", pa.int64())])
_trials = []
for _trial in range(60):
    _rows = []
    for _ in range(int(_rng.integers(0, 25))):
        _r = {}
        if _rng.random() < 0.85:
            _r["host"] = None if _rng.random() < 0.1 else f"h{int(_rng.integers(0, 4))}"
        if _rng.random() < 0.85:
            _r["cpu"] = None if _rng.random() < 0.1 else float(_rng.normal(50, 10))
        if _rng.random() < 0.85:
            _r["requests"] = int(_rng.integers(0, 100))
        if _rng.random() < 0.3:
            _r["extra"] = "ignored"
        _rows.append(_r)
    _names = [n for n in ("requests", "host", "cpu") if _rng.random() < 0.9] or ["cpu"]
    # The oracle: pyarrow's own conversion of records to columns.
    _trials.append((_rows, _names, pa.Table.from_pylist(_rows, schema=_schema).select(_names).to_pydict()))
with course.by_hand("pyarrow", "numpy"):  # one round trip for all the calls
    _gots = _call_each(rows_to_columns, [([dict(r) for r in _rows], list(_names)) for _rows, _names, _ in _trials])
for (_rows, _names, _expected), _got in zip(_trials, _gots, strict=True):
    check(_got, _expected, f"rows_to_columns(<{len(_rows)} records>, {_names})")
    check(list(_got), _names, f"the key order of rows_to_columns(<{len(_rows)} records>, {_names})")
    if len(_names) > 1 and _rows:
        _got[_names[0]].append("probe")
        check(len(_got[_names[1]]), len(_rows), "column lists must be separate lists (one changed "
              "another: do they share one list object?)")
# Each stated rule on records written out by hand: falsy values are kept, a name that no record
# has gives a column of nulls, keys not in names are ignored, no names give no columns.
_schema = pa.schema([("n", pa.int64()), ("s", pa.string()), ("x", pa.float64()), ("b", pa.bool_()),
                     ("never", pa.string())])
_rows = [{"n": 0, "s": "", "x": 0.0, "b": False, "other": 1}, {"n": None, "s": "a"}, {},
         {"b": True, "x": -0.5, "n": 7}]
for _names in (["n", "s", "x", "b"], ["b", "never", "n"], ["never"], ["s"], []):
    _expected = pa.Table.from_pylist(_rows, schema=_schema).select(_names).to_pydict()
    with course.by_hand("pyarrow", "numpy"):
        _got = rows_to_columns([dict(r) for r in _rows], list(_names))
    check(_got, _expected, f"rows_to_columns({_rows!r}, {_names!r})")
    check(list(_got), _names, f"the key order of rows_to_columns(<4 records>, {_names!r})")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2: validity bitmaps (3 points)
#
# Arrow marks which values are present with one bit per value, packed into bytes: bit `i` of the
# bitmap is `1` when value `i` is valid and `0` when it is null. Bits are numbered **least
# significant bit first**: value 0 is bit 0 of byte 0 (the `1`s place), value 7 is bit 7 of byte 0,
# value 8 is bit 0 of byte 1. The last byte is padded with `0` bits.
#
# ```python
# pack_validity([True, False, True])  # -> b"\x05"   (binary 00000101)
# pack_validity([True] * 9)           # -> b"\xff\x01"
# ```
#
# A **slice** of an Arrow array does not copy the bitmap: it keeps the parent's bytes and records an
# `offset`, so value `i` of the slice is bit `offset + i` of the bitmap.
#
# Write both functions:
#
# - `pack_validity(valid)`: a `bytes` of `ceil(len(valid) / 8)` bytes (so `b""` for no values);
# - `is_valid(bitmap, offset, i)`: `True` if value `i` of a slice starting at `offset` is valid.
#
# By hand: `pa.array(valid).buffers()` would hand you the bitmap, and the hidden tests make it
# unreachable. Exercise id: `validity-bitmap`.

# %% nbgrader={"grade": false, "grade_id": "validity-bitmap", "locked": false, "schema_version": 3, "solution": true, "task": false}
def pack_validity(valid: list[bool]) -> bytes:
    """Arrow validity bitmap (LSB first, zero padding) for the flags ``valid``."""
    ### BEGIN SOLUTION
    out = bytearray((len(valid) + 7) // 8)
    for i, flag in enumerate(valid):
        if flag:
            out[i // 8] |= 1 << (i % 8)
    return bytes(out)
    ### END SOLUTION


def is_valid(bitmap: bytes, offset: int, i: int) -> bool:
    """Whether value ``i`` of an array starting at bit ``offset`` of ``bitmap`` is valid."""
    ### BEGIN SOLUTION
    bit = offset + i
    return bool((bitmap[bit // 8] >> (bit % 8)) & 1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "validity-bitmap-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
check(pack_validity([True, False, True]), b"\x05", "pack_validity([True, False, True])")
check(pack_validity([True] * 9), b"\xff\x01", "pack_validity([True] * 9)")
check(pack_validity([]), b"", "pack_validity([])")
check(is_valid(b"\x05", 0, 1), False, "is_valid(b'\\x05', 0, 1)")
check(is_valid(b"\x05", 2, 0), True, "is_valid(b'\\x05', 2, 0)")
# The same bits, read from pyarrow's own buffer of a real array:
_a = pa.array([1, None, 3, None, 5, 6, 7, 8, None])
check(pack_validity([v is not None for v in _a.to_pylist()]), _a.buffers()[0].to_pybytes()[:2],
      "pack_validity for [1, None, 3, None, 5, 6, 7, 8, None]")
print("validity bitmap: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "validity-bitmap-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.grading.inside import call_each as _call_each

_rng = course.rng(12)
_trials = []
for _trial in range(150):
    _n = int(_rng.integers(1, 70))
    _values = [None if _rng.random() < 0.35 else int(_rng.integers(0, 9)) for _ in range(_n)]
    _values[int(_rng.integers(0, _n))] = None  # at least one null, so pyarrow keeps a bitmap
    _arr = pa.array(_values, type=pa.int64())
    _nbytes = (_n + 7) // 8
    # The oracle: the bytes of pyarrow's validity buffer.
    _expected = _arr.buffers()[0].to_pybytes()[:_nbytes]
    _flags = [v is not None for v in _values]
    # Read bits back from slices of the same array: pyarrow's slice keeps the parent's bitmap.
    _off = int(_rng.integers(0, _n))
    _slice = _arr.slice(_off, int(_rng.integers(0, _n - _off + 1)))
    _bitmap, _offset = _slice.buffers()[0].to_pybytes(), _slice.offset
    _expected_bits = _slice.is_valid().to_pylist()
    _trials.append((_n, _flags, _expected, _bitmap, _offset, _expected_bits))
with course.by_hand("pyarrow", "numpy"):  # one round trip per function for all the calls
    _gots = _call_each(pack_validity, [(list(_t[1]),) for _t in _trials])
    _got_bits = iter(_call_each(is_valid, [(_t[3], _t[4], _i) for _t in _trials for _i in range(len(_t[5]))]))
for _trial, ((_n, _flags, _expected, _bitmap, _offset, _expected_bits), _got) in enumerate(zip(_trials, _gots, strict=True)):
    check(_got, _expected, f"pack_validity(<{_n} flags, trial {_trial}>)")
    for _i, _e in enumerate(_expected_bits):
        check(next(_got_bits), _e, f"is_valid(<bitmap>, offset={_offset}, i={_i})")
# pyarrow reads your bitmap back through Array.from_buffers; no values, all valid, all null.
_cases = [[], [True], [False] * 8, [True] * 8, [False] * 9, [True] * 64, [True] * 65]
_cases += [[bool(_rng.random() < 0.5) for _ in range(_n)] for _n in (1, 7, 8, 9, 15, 16, 17, 64, 65)]
for _flags in _cases:
    _n = len(_flags)
    with course.by_hand("pyarrow", "numpy"):
        _bits = pack_validity(list(_flags))
    check(len(_bits), (_n + 7) // 8, f"the length of pack_validity(<{_n} flags>)")
    _data = pa.py_buffer(np.zeros(_n, dtype="<i8").tobytes())
    _back = pa.Array.from_buffers(pa.int64(), _n, [pa.py_buffer(_bits), _data])
    check(_back.is_valid().to_pylist(), _flags, f"pyarrow reading pack_validity({_flags!r})")
    check(_bits[-1] >> (_n % 8) if _n % 8 else 0, 0, f"the padding bits of pack_validity({_flags!r})")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3: string offsets and data (3 points)
#
# A string column has three buffers: validity, **offsets** and **data**. The data buffer is every
# string's UTF-8 bytes, one after another. The offsets buffer holds `len(values) + 1` 32-bit
# integers: string `i` is `data[offsets[i]:offsets[i + 1]]`. A null or empty string takes no bytes,
# so its two offsets are equal. Offsets count **bytes**, not characters: `"é"` is 2 bytes in UTF-8.
#
# ```python
# string_offsets_and_data(["ab", "", None, "cde"])  # -> ([0, 2, 2, 2, 5], b"abcde")
# int32_le([0, 2, 5])  # -> b"\x00\x00\x00\x00\x02\x00\x00\x00\x05\x00\x00\x00"
# ```
#
# Write `string_offsets_and_data(values)`, returning a `tuple` of the offsets (a `list` of `int`)
# and the data (`bytes`), and `int32_le(offsets)`, which packs the offsets as Arrow stores them:
# 4 bytes each, **little-endian** (least significant byte first), signed. The public tests then
# assemble a real `pa.Array` from your buffers with `pa.Array.from_buffers`.
#
# By hand: `pa.array(values).buffers()` and NumPy's `tobytes()` would hand you both buffers, and
# the hidden tests make them unreachable (`int.to_bytes` and the `struct` module are plain Python).
# Exercise id: `string-buffers`.

# %% nbgrader={"grade": false, "grade_id": "string-buffers", "locked": false, "schema_version": 3, "solution": true, "task": false}
def string_offsets_and_data(values: list[str | None]) -> tuple[list[int], bytes]:
    """Arrow's offsets (len + 1 ints) and UTF-8 data bytes for a string column."""
    ### BEGIN SOLUTION
    offsets = [0]
    data = bytearray()
    for value in values:
        if value is not None:
            data += value.encode("utf-8")
        offsets.append(len(data))
    return offsets, bytes(data)
    ### END SOLUTION


def int32_le(offsets: list[int]) -> bytes:
    """The offsets as 32-bit signed little-endian integers."""
    ### BEGIN SOLUTION
    return b"".join(o.to_bytes(4, "little", signed=True) for o in offsets)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "string-buffers-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
_values = ["ab", "", None, "cde"]
check(string_offsets_and_data(_values), ([0, 2, 2, 2, 5], b"abcde"),
      "string_offsets_and_data(['ab', '', None, 'cde'])")
check(string_offsets_and_data([]), ([0], b""), "string_offsets_and_data([])")
check(int32_le([0, 2, 5]), b"\x00\x00\x00\x00\x02\x00\x00\x00\x05\x00\x00\x00", "int32_le([0, 2, 5])")
# Assemble a real Arrow array: pyarrow's validity bitmap, your offsets and data.
_offsets, _data = string_offsets_and_data(_values)
_validity = pa.array(_values).buffers()[0]
_mine = pa.Array.from_buffers(pa.string(), len(_values),
                              [_validity, pa.py_buffer(int32_le(_offsets)), pa.py_buffer(_data)])
_mine.validate(full=True)
check(_mine.to_pylist(), _values, "the array assembled from your buffers")
print(_mine)
print("string buffers: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "string-buffers-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.grading.inside import call_each as _call_each

_rng = course.rng(13)
_alphabet = ["a", "b", "z", " ", "é", "ß", "漢", "字", "🙂", "\n", "\x00"]
_cases = [[], [None], [""], [None, None], ["", None, ""], ["é"], ["🙂", None, "ab"]]
for _trial in range(120):
    _n = int(_rng.integers(0, 20))
    _cases.append([None if _rng.random() < 0.2 else
                   "".join(_rng.choice(_alphabet) for _ in range(int(_rng.integers(0, 6))))
                   for _ in range(_n)])
_oracles = []
for _values in _cases:
    _n = len(_values)
    _arr = pa.array(_values, type=pa.string())
    _nbytes = 4 * (_n + 1)
    # The oracle: pyarrow's offsets and data buffers.
    _exp_offsets = np.frombuffer(_arr.buffers()[1], dtype="<i4", count=_n + 1).tolist()
    _exp_data = _arr.buffers()[2].to_pybytes()[: _exp_offsets[-1]] if _arr.buffers()[2] else b""
    _exp_packed = _arr.buffers()[1].to_pybytes()[:_nbytes]
    _oracles.append((_arr, _exp_offsets, _exp_data, _exp_packed))
with course.by_hand("pyarrow", "numpy"):  # one round trip per function for all the calls
    _gots = _call_each(string_offsets_and_data, [(list(_values),) for _values in _cases])
    _packs = _call_each(int32_le, [(list(_o[1]),) for _o in _oracles])
for _values, (_arr, _exp_offsets, _exp_data, _exp_packed), _got, _packed in zip(_cases, _oracles, _gots, _packs, strict=True):
    _n = len(_values)
    check(_got, (_exp_offsets, _exp_data), f"string_offsets_and_data({_values!r})")
    check(_packed, _exp_packed, f"int32_le({_exp_offsets})")
    _built = pa.Array.from_buffers(pa.string(), _n, [_arr.buffers()[0], pa.py_buffer(_packed),
                                                      pa.py_buffer(_got[1])])
    _built.validate(full=True)
    check(_built.to_pylist(), _values, f"the array assembled from your buffers for {_values!r}")
# Signed 32-bit little-endian: the oracle is NumPy's '<i4'.
_ints = [[], [2**31 - 1], [-1], [-(2**31)], [0, 255, 256, 65_536, 2**24 + 1]]
for _offsets in _ints:
    _expected = np.array(_offsets, dtype="<i4").tobytes()
    with course.by_hand("pyarrow", "numpy"):
        _got = int32_le(list(_offsets))
    check(_got, _expected, f"int32_le({_offsets})")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4: dictionary encoding (2 points)
#
# A column with few distinct values (hosts, regions, status codes) is stored far smaller as a
# **dictionary** of the distinct values plus one small integer **index** per row. The Arrow format
# lets the dictionary list its values in any order; pyarrow's `dictionary_encode()` lists them in
# **order of first appearance**, and so must yours (the hidden tests compare with pyarrow's). A
# null stays a null index (`None`); it is not put in the dictionary. The empty string `""` is a
# value like any other.
#
# ```python
# dictionary_encode(["b", "a", None, "b"])  # -> ([0, 1, None, 0], ["b", "a"])
# dictionary_decode([0, 1, None, 0], ["b", "a"])  # -> ["b", "a", None, "b"]
# ```
#
# Write both, by hand (the hidden tests make pyarrow's `dictionary_encode` unreachable).
# `dictionary_encode` returns a `tuple` of the indices (a `list`) and the dictionary (a `list`).
# Exercise id: `dictionary-encode`.

# %% nbgrader={"grade": false, "grade_id": "dictionary-encode", "locked": false, "schema_version": 3, "solution": true, "task": false}
def dictionary_encode(values: list[str | None]) -> tuple[list[int | None], list[str]]:
    """Indices and dictionary (order of first appearance); nulls stay null indices."""
    ### BEGIN SOLUTION
    position: dict[str, int] = {}
    indices: list[int | None] = []
    for value in values:
        if value is None:
            indices.append(None)
            continue
        if value not in position:
            position[value] = len(position)
        indices.append(position[value])
    return indices, list(position)
    ### END SOLUTION


def dictionary_decode(indices: list[int | None], dictionary: list[str]) -> list[str | None]:
    """The values that ``indices`` point to in ``dictionary`` (None stays None)."""
    ### BEGIN SOLUTION
    return [None if i is None else dictionary[i] for i in indices]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "dictionary-encode-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
check(dictionary_encode(["b", "a", None, "b"]), ([0, 1, None, 0], ["b", "a"]),
      "dictionary_encode(['b', 'a', None, 'b'])")
check(dictionary_encode([]), ([], []), "dictionary_encode([])")
check(dictionary_decode([0, 1, None, 0], ["b", "a"]), ["b", "a", None, "b"],
      "dictionary_decode([0, 1, None, 0], ['b', 'a'])")
print("dictionary encoding: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "dictionary-encode-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.grading.inside import call_each as _call_each

_rng = course.rng(14)
_words = ["eu-west", "us-east", "ap-south", "", "ok", "down", "Ω"]
_cases = [[], [None], [None, None, None], [""], ["", None, "", "a"], ["a"] * 5, ["b", "a", "b", "a"]]
for _trial in range(100):
    _cases.append([None if _rng.random() < 0.15 else str(_rng.choice(_words))
                   for _ in range(int(_rng.integers(0, 30)))])
_oracles = []
for _values in _cases:
    # The oracle: pyarrow's dictionary_encode and dictionary_decode.
    _enc = pa.array(_values, type=pa.string()).dictionary_encode()
    _expected = (_enc.indices.to_pylist(), _enc.dictionary.to_pylist())
    _idx, _dict = _expected
    _decoded = pa.DictionaryArray.from_arrays(pa.array(_idx, pa.int32()), pa.array(_dict, pa.string()))
    _oracles.append((_expected, _decoded.dictionary_decode().to_pylist()))
with course.by_hand("pyarrow", "numpy"):  # one round trip per function for all the calls
    _gots = _call_each(dictionary_encode, [(list(_values),) for _values in _cases])
    _decodes = _call_each(dictionary_decode, [(list(_e[0]), list(_e[1])) for _e, _ in _oracles])
for _values, (_expected, _exp_decoded), _got, _got_decoded in zip(_cases, _oracles, _gots, _decodes, strict=True):
    _idx, _dict = _expected
    check(_got, _expected, f"dictionary_encode({_values!r})")
    check(_got_decoded, _exp_decoded, f"dictionary_decode({_idx}, {_dict})")
### END HIDDEN TESTS

# %% [markdown]
# ## Done
#
# Press **Validate**, then go on to `parquet.ipynb`: the same ideas on disk, where they decide how
# small a file is and how much of it a query must read.
