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
# # Arrow memory layout
#
# **Time:** 70 minutes. **Prerequisites:** `01-rows-vs-columns`; bytes and hexadecimal; the bit
# operators `>>` and `&`.
#
# **After this notebook you can** list the buffers behind an Arrow array of numbers, strings,
# dictionary-encoded values and lists; decode a validity bitmap bit by bit, least significant bit
# first; find a string from its offsets; explain why slicing copies nothing; and read an Arrow IPC
# file through a memory map without allocating memory for its data.
#
# The previous notebook showed *that* columns are fast. This one opens them up. Arrow specifies the
# exact bytes of every array, so that any library, in any language, can use an array it did not
# build, without converting it. That is what let InfluxDB 3.0 take Arrow, Parquet and DataFusion
# off the shelf: its buffer, its query engine and its clients all read the same bytes. In this
# module's assignment you build these buffers yourself, and pyarrow's own buffers are the
# reference your answers are checked against.

# %%
import tempfile
from pathlib import Path

import datafusion
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather
import pyarrow.parquet as pq
from matplotlib.patches import Rectangle

from course.learner.datasets import metrics
from course.learner.plotting import PALETTE, figure, show

# %% [markdown]
# ## A primitive array is a buffer of values
#
# Start with three 64-bit integers and no nulls. `arr.buffers()` returns the array's memory
# regions, in an order fixed by the type. For `int64` there are two: a **validity bitmap** (here
# `None`, because nothing is null) and a **data** buffer.

# %%
small = pa.array([1, 2, 3], pa.int64())
small.buffers()

# %% [markdown]
# The data buffer is 3 × 8 bytes. Printed in hex, 8 bytes per group, each value appears with its
# least significant byte first: Arrow stores numbers **little-endian**, as the CPUs it runs on do.
# NumPy can read the same bytes as integers, without copying them.

# %%
data = small.buffers()[1]
print(f"size: {data.size} bytes")
print("bytes:", data.to_pybytes().hex(" ", 8))
print("as int64:", np.frombuffer(data, dtype=np.int64))

# %% [markdown]
# ### Alignment and padding: 24 bytes in a 64-byte allocation
#
# `size` is the length of the *array's* data, 24 bytes. Arrow asked the memory pool for more.
# pyarrow counts what it has allocated in `pa.total_allocated_bytes()`, so building an array and
# comparing the count before and after shows the real allocation, and the buffer's address shows
# where it starts:
#
# **Predict, then run.** Three `int64` values need 24 bytes, nine need 72 and a hundred need 800.
# How many bytes does pyarrow allocate for each?

# %%
print(f"{'values':>6} {'buffer.size':>12} {'allocated':>10} {'address % 64':>13}")
for n in [3, 8, 9, 100]:
    before = pa.total_allocated_bytes()
    numbers = pa.array(range(n), pa.int64())
    allocated = pa.total_allocated_bytes() - before
    buffer = numbers.buffers()[1]
    print(f"{n:>6} {buffer.size:>12} {allocated:>10} {buffer.address % 64:>13}")

# %% [markdown]
# <details><summary>Answer</summary>
#
# 64, 64, 128 and 832 bytes: each allocation is rounded up to a multiple of 64 bytes and starts
# at an address that is a multiple of 64.
#
# </details>
#
# That is **padding** and **alignment**. The Arrow format recommends that implementations allocate
# buffers at addresses that are a multiple of 8 or 64 bytes and pad their length to a multiple of
# 8 or 64, says to prefer 64, and enforces alignment and padding when data is serialised for
# inter-process communication (the IPC format of the last section). Why 64? It is the size of a
# cache line and of the widest SIMD registers (AVX-512): a kernel can load a column in whole 64-byte
# pieces, never straddling a boundary, and may even read the padding past the last value without
# touching memory it does not own. pyarrow (Arrow C++) does both: 64-byte alignment, 64-byte
# padding. `buffer.size` never shows the padding, and the bytes in it have no defined value.
#
# ## Validity bitmaps
#
# Now put nulls in. A null has no value, but its slot in the data buffer must still exist, so that
# value *i* stays at byte `8 * i`. Which slots are null is recorded separately, in the validity
# bitmap: **one bit per value, 1 = valid, 0 = null.**

# %%
values = pa.array([1, None, 3, None, 5, 6, 7, 8, None], pa.int64())
validity, data = values.buffers()
print(f"{len(values)} values, {values.null_count} nulls")
print(f"validity: {validity.size} bytes, data: {data.size} bytes")

# %% [markdown]
# Nine values need nine bits, so the bitmap takes two bytes. The rule that trips everyone up is the
# bit order: value *i* is bit `i % 8` of byte `i // 8`, counting from the **least significant bit**
# (the rightmost digit when you write a byte in binary). So to read the values in order you read
# each byte's bits from right to left:

# %%
for k, byte in enumerate(validity.to_pybytes()):
    lsb_first = [(byte >> bit) & 1 for bit in range(8)]
    print(f"byte {k}: 0x{byte:02x} = 0b{byte:08b}   bits LSB first: {lsb_first}   "
          f"-> values {8 * k}..{8 * k + 7}")

# %% [markdown]
# Byte 0 is written `11110101` in binary, but its bits, from the lowest, say
# valid, null, valid, null, valid, valid, valid, valid: exactly the first eight values. Byte 1
# holds value 8 (null, a 0) in its lowest bit; the other seven bits are **padding**, beyond the
# array's length, and must not be read as values. The function below decodes one bit; checking
# it against pyarrow's own `is_valid()` is the kind of test the assignment runs on your code.

# %%
def is_valid(bitmap: bytes, i: int) -> bool:
    """Bit i of an Arrow validity bitmap (least significant bit first)."""
    return (bitmap[i // 8] >> (i % 8)) & 1 == 1


bitmap = validity.to_pybytes()
mine = [is_valid(bitmap, i) for i in range(len(values))]
print(mine)
print("agrees with pyarrow:", mine == values.is_valid().to_pylist())

# %% [markdown]
# And the data buffer? It still has nine 8-byte slots. The slots under nulls hold *some* bytes
# (pyarrow happens to write zeros), but the format says they are undefined: code that reads them
# without checking the bitmap has a bug, even when the test data happens to be zeros.

# %%
np.frombuffer(data, dtype=np.int64)

# %% [markdown]
# ## Drawing the buffers
#
# From here on, a picture of the buffers helps. `draw_buffers` takes any array of numbers, strings,
# binary or lists and draws each buffer as a row of boxes, with every value read from
# `arr.buffers()`: the validity bits (grouped by byte), the offsets, and the data. Boxes that
# belong to the same element share a colour; nulls are grey; bits and slots outside the array
# (padding, or the rest of a buffer the array is a slice of) are white; the last offset, which
# only closes the last element, is pale. You need not study the code, but notice that nothing in
# it is typed in by hand.

# %%
COLOURS = [PALETTE[name] for name in ("sky", "orange", "green", "purple", "yellow", "vermillion")]
NULL_GREY, END, OUTSIDE = "0.82", "0.95", "white"


def _numbers(buffer, arrow_type):
    return np.frombuffer(buffer, dtype=np.dtype(arrow_type.to_pandas_dtype()))


def buffer_rows(arr, name="", by_value=False):
    """One row per buffer of ``arr``: (label, [(text, colour), ...], bitmap bytes or None).

    Boxes are coloured by element (``by_value``: by the value, for dictionary indices).
    """
    buffers, start, end = arr.buffers(), arr.offset, arr.offset + len(arr)
    bitmap = buffers[0].to_pybytes() if buffers[0] is not None else None
    bits = [(bitmap[i // 8] >> (i % 8)) & 1 for i in range(8 * len(bitmap))] if bitmap else None

    def colour(slot, value=None):  # slot = physical index, counted from the buffer's start
        if not start <= slot < end:
            return OUTSIDE
        if bits is not None and not bits[slot]:
            return NULL_GREY
        return COLOURS[(slot if value is None else int(value)) % len(COLOURS)]

    if bits is None:
        rows = [(f"{name}validity: none\n(no nulls)", [], None)]
    else:
        rows = [(f"{name}validity bits", [(str(b), colour(i)) for i, b in enumerate(bits)],
                 bitmap)]
    kind = arr.type
    if pa.types.is_string(kind) or pa.types.is_binary(kind) or pa.types.is_list(kind):
        offsets = np.frombuffer(buffers[1], dtype=np.int32)
        rows.append((f"{name}offsets (int32)",  # offset `end` closes the last element: pale
                     [(str(o), END if i == end else colour(i)) for i, o in enumerate(offsets)],
                     None))
        owner = {}  # data position -> slot of the element it belongs to
        for slot in range(len(offsets) - 1):
            for pos in range(offsets[slot], offsets[slot + 1]):
                owner[pos] = slot
        if pa.types.is_list(kind):
            texts = [str(v) for v in _numbers(buffers[-1], kind.value_type)]
            label = f"{name}child values\n({kind.value_type})"
        else:
            texts = [chr(b) if 32 < b < 127 else f"{b:02x}" for b in buffers[2].to_pybytes()]
            label = f"{name}data (bytes)"
        rows.append((label, [(t, colour(owner.get(p, -1))) for p, t in enumerate(texts)], None))
    else:
        slots = _numbers(buffers[1], kind)
        rows.append((f"{name}data ({kind})",
                     [(str(v), colour(i, v if by_value else None)) for i, v in enumerate(slots)],
                     None))
    return rows


def draw_buffers(arr, title):
    """Draw the validity bitmap, offsets and data of ``arr`` as rows of labelled boxes.

    A dictionary array is drawn as its indices (coloured by the entry they point to) above its
    dictionary. Returns the figure.
    """
    if pa.types.is_dictionary(arr.type):
        rows = (buffer_rows(arr.indices, "indices: ", by_value=True)
                + buffer_rows(arr.dictionary, "dictionary: "))
    else:
        rows = buffer_rows(arr)
    width = max([len(cells) for _, cells, _ in rows] + [4])
    gaps = [1.5 + (0.9 if bitmap and r else 0) for r, (_, _, bitmap) in enumerate(rows)]
    ys = -np.cumsum(gaps) + gaps[0]  # the first row at y = 0, the others below it
    fig, ax = figure(figsize=(0.55 * width + 3, 0.55 * (ys[0] - ys[-1]) + 1.6))
    for y, (label, cells, bitmap) in zip(ys, rows, strict=True):
        for x, (text, colour) in enumerate(cells):
            ax.add_patch(Rectangle((x, y), 1, 0.8, facecolor=colour, edgecolor="black",
                                   linewidth=0.8, alpha=0.75 if colour != OUTSIDE else 1.0))
            ax.text(x + 0.5, y + 0.4, text, ha="center", va="center", fontsize=10,
                    color="0.55" if colour == OUTSIDE else "black")
            ax.text(x + 0.5, y - 0.15, str(x), ha="center", va="center", fontsize=7,
                    color="0.45")
        ax.text(-0.3, y + 0.4, label, ha="right", va="center", fontsize=11)
        for k in range(len(bitmap or b"")):  # name each byte of a bitmap above its 8 bits
            ax.plot([8 * k + 0.1, 8 * k + 7.9], [y + 1.0] * 2, color="black", linewidth=1)
            ax.text(8 * k + 4, y + 1.15, f"byte {k} = 0x{bitmap[k]:02x}", ha="center",
                    va="bottom", fontsize=9)
    ax.set(xlim=(-0.1, width + 0.1), ylim=(ys[-1] - 0.4, 1.7), title=title)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# %% [markdown]
# Here is the nine-value array from above. Read the validity row against the bytes printed earlier:
# bit 0 is the leftmost box, so each byte's binary digits appear *mirrored*.

# %%
fig = draw_buffers(values, "int64 array [1, None, 3, None, 5, 6, 7, 8, None]")
show(fig, alt="Two rows of boxes. The validity row shows 16 bits in two bytes, 0xf5 and 0x00, "
              "read least significant bit first; the data row shows nine int64 slots, with the "
              "null slots drawn grey and holding zeros.")

# %% [markdown]
# ## Strings: offsets and data
#
# Strings have different lengths, so they cannot sit in fixed-width slots. Arrow stores them with
# **three** buffers: the validity bitmap, an **offsets** buffer of `int32`, and one **data** buffer
# holding all the characters back to back, as UTF-8 bytes. String *i* is
# `data[offsets[i]:offsets[i + 1]]`, so there is always one more offset than there are strings.

# %%
words = pa.array(["ab", "", None, "cde"])
validity, offsets, chars = words.buffers()
print("validity:", f"0b{validity.to_pybytes()[0]:08b}")
print("offsets: ", np.frombuffer(offsets, dtype=np.int32).tolist())
print("data:    ", chars.to_pybytes())

# %% [markdown]
# The empty string and the null both have `offsets[i] == offsets[i + 1]`: zero bytes of data. Only
# the validity bit tells them apart. Decoding the strings from the three buffers takes a few lines:

# %%
def decode_strings(arr: pa.StringArray) -> list:
    """Rebuild the Python values of a string array from its buffers."""
    bitmap, offsets, chars = arr.buffers()
    offs = np.frombuffer(offsets, dtype=np.int32)
    raw = chars.to_pybytes() if chars is not None else b""
    out = []
    for i in range(arr.offset, arr.offset + len(arr)):
        if bitmap is not None and not is_valid(bitmap.to_pybytes(), i):
            out.append(None)
        else:
            out.append(raw[offs[i]:offs[i + 1]].decode("utf-8"))
    return out


print(decode_strings(words), decode_strings(words) == words.to_pylist())

# %%
fig = draw_buffers(words, 'string array ["ab", "", None, "cde"]')
show(fig, alt="Three rows of boxes: validity bits 1, 1, 0, 1 then padding; offsets 0, 2, 2, 2, 5; "
              "data bytes a, b, c, d, e, coloured by the string they belong to.")

# %% [markdown]
# With `int32` offsets a single array can hold at most 2 GiB of character data. For more, Arrow has
# `large_string` (and `large_binary`, `large_list`), which is identical except that offsets are
# `int64`, twice the bytes per offset:

# %%
big_offsets = words.cast(pa.large_string()).buffers()[1]
print(f"string offsets: {offsets.size} bytes, large_string offsets: {big_offsets.size} bytes")

# %% [markdown]
# ## Dictionary arrays
#
# The previous notebook saw low-cardinality strings compress enormously in Parquet. Arrow applies
# the same idea in memory: a **dictionary array** stores each distinct value once, in a
# *dictionary*, and one small integer per row, the *indices*, pointing into it. pyarrow's
# `dictionary_encode` builds the dictionary in order of **first appearance**:

# %%
status = pa.array(["ok", "ok", "degraded", "ok", "down", "ok"])
encoded = status.dictionary_encode()
print(encoded.type)
print("indices:   ", encoded.indices.to_pylist())
print("dictionary:", encoded.dictionary.to_pylist())

# %% [markdown]
# First appearance is pyarrow's choice, not a rule of the format. The Arrow format only asks that
# every index points at an entry: the dictionary may be in any order, sorted for instance (the
# type can even declare it `ordered`), and may hold entries no row uses. Here is the same column
# with a sorted dictionary that holds an unused entry, `"maintenance"`; `validate(full=True)`
# checks every index, and the values are the same:

# %%
sorted_dictionary = pa.array(["degraded", "down", "maintenance", "ok"])
by_hand = pa.DictionaryArray.from_arrays(pa.array([3, 3, 0, 3, 1, 3], pa.int8()),
                                         sorted_dictionary)
by_hand.validate(full=True)
print("same values:", by_hand.to_pylist() == status.to_pylist())
print("indices:", by_hand.indices.to_pylist(), " dictionary:", by_hand.dictionary.to_pylist())
try:
    pa.DictionaryArray.from_arrays(pa.array([0, -1], pa.int8()), sorted_dictionary).validate(
        full=True)
except pa.ArrowException as error:
    print("a negative index is invalid:", error)

# %% [markdown]
# The indices are an ordinary integer array and the dictionary an ordinary string array, each with
# its own buffers. `draw_buffers` draws them one above the other, colouring each index like the
# dictionary entry it points to:

# %%
fig = draw_buffers(encoded, "dictionary array: indices (one per row) and dictionary")
show(fig, alt="Rows of boxes: the indices 0, 0, 1, 0, 2, 0 as int32, each coloured like the "
              "dictionary entry it points to; below, the dictionary's offsets 0, 2, 10, 14 and "
              "its bytes spelling ok, degraded, down.")

# %% [markdown]
# On a real column each row then costs one index instead of its characters plus a 4-byte offset.
# The default index type is `int32`, but any integer type works. Indices are never negative, so
# `int8` indices run from 0 to 127 and address up to **128** distinct values. Compare the three
# forms on the metrics table:

# %%
def narrow(arr: pa.DictionaryArray) -> pa.DictionaryArray:
    """The same dictionary array with int8 indices (indices 0..127: up to 128 distinct values)."""
    return pa.DictionaryArray.from_arrays(arr.indices.cast(pa.int8()), arr.dictionary)


table = metrics(200_000)
print(f"{'column':<8} {'distinct':>8} {'strings':>11} {'dict, int32':>12} {'dict, int8':>11}")
for name in ["host", "region", "status"]:
    plain = table[name].combine_chunks()
    encoded32 = plain.dictionary_encode()
    encoded8 = narrow(encoded32)
    assert encoded8.to_pylist() == plain.to_pylist()
    print(f"{name:<8} {len(encoded32.dictionary):>8} {plain.nbytes:>11,} {encoded32.nbytes:>12,} "
          f"{encoded8.nbytes:>11,}")

# %% [markdown]
# The saving grows with the length of the strings: short labels such as `ok` gain little from
# `int32` indices, long host names gain more, and narrow indices help every column. Parquet goes
# one step further and bit-packs the indices: 3 distinct values need only 2 bits per row.

# %% [markdown]
# ## Two newer layouts: run-end encoding and string views
#
# Arrow keeps adding layouts where the classic ones waste memory or copying. Two of them show up in
# time series work.
#
# ### Run-end encoding
#
# A **run-end encoded** (REE) array stores runs of equal values as two child arrays: `values`,
# one entry per run, and `run_ends`, the logical index *after* the last row of each run (so the
# last run end is the array's length). The parent array has no buffers of its own; a null is
# simply a run whose value is null. Parquet's RLE on disk and REE in memory are the same idea.
# `pc.run_end_encode` builds one:

# %%
by_status = table.sort_by("status")["status"].combine_chunks()
runs = pc.run_end_encode(by_status)
print(runs.type)
print("run_ends:", runs.run_ends.to_pylist(), " values:", runs.values.to_pylist())
print(f"{len(by_status):,} strings: {by_status.nbytes:,} bytes; as runs: {runs.nbytes} bytes")

# %% [markdown]
# **Predict, then run.** In arrival order, the metrics' `time` column holds each instant 50 times
# in a row (once per host). How many runs, and how many bytes, do you expect run-end encoding to
# need for its 200,000 timestamps?

# %%
times = table["time"].combine_chunks()
time_runs = pc.run_end_encode(times)
print(f"{len(time_runs.run_ends):,} runs; {times.nbytes:,} bytes plain, {time_runs.nbytes:,} bytes "
      f"run-end encoded ({times.nbytes / time_runs.nbytes:.0f}x smaller)")
print("decodes to the same column:", pc.run_end_decode(time_runs).equals(times))

# %% [markdown]
# <details><summary>Answer</summary>
#
# 4,000 runs (200,000 / 50), each a 4-byte run end plus an 8-byte timestamp: 48,000 bytes, 33x
# smaller than 1,600,000.
#
# </details>
#
# The price is random access: finding row *i* means a binary search in `run_ends` instead of one
# multiplication, and not every kernel accepts REE input yet. It pays off where runs are long, as
# in a column that is sorted, or constant within a batch (a tag value in one series).
#
# ### String views
#
# The string layout above needs every string's bytes in one data buffer, in order, so a filter or a
# sort must copy characters, and comparing two strings means following two offsets. A
# **string view** array (`string_view`, nicknamed "German strings" after the Umbra database from
# TU Munich, which popularised the layout) stores a fixed **16-byte view** per value instead. The
# first 4 bytes are the length. A string of up to 12 bytes is stored *inline* in the other 12; a
# longer one keeps its first 4 bytes (a prefix, for fast comparisons) and then a buffer number and
# an offset into one of any number of data buffers.

# %%
viewed = pa.array(["ok", "a string longer than twelve", None, "ok"], pa.string_view())
validity, views, *data_buffers = viewed.buffers()
print(f"views buffer: {views.size} bytes; data buffers: {[b.size for b in data_buffers]}")
raw_views = views.to_pybytes()
for i, value in enumerate(viewed.to_pylist()):
    print(f"{value!r:<30} {raw_views[16 * i:16 * i + 16].hex(' ', 4)}")

# %% [markdown]
# Read the rows: `02000000` is length 2 (little-endian), followed by `6f6b` = `ok` and zero
# padding; the long string has length `1b` = 27, its prefix `61207374` = `a st`, buffer 0 and
# offset 0; the null's view is all zeros here (the validity bitmap is what makes it null).
#
# You will meet this layout without asking for it: **DataFusion reads Parquet string columns as
# `string_view`** by default (in the version pinned for this course). Ask it for a few columns of a
# small Parquet file and look at the schema of the answer.
#
# **Predict, then run.** Host names such as `host-0007` are 9 bytes long. Will the `host` column
# of the answer take more or fewer bytes as `string_view` than the same values as `string`, and
# will it have any data buffers?

# %%
with tempfile.TemporaryDirectory() as scratch:
    small_path = Path(scratch) / "metrics.parquet"
    pq.write_table(table.slice(0, 10_000), small_path)
    ctx = datafusion.SessionContext(datafusion.SessionConfig().with_target_partitions(1))
    ctx.register_parquet("metrics", str(small_path))
    answer = ctx.sql("SELECT host, status FROM metrics WHERE cpu > 50").to_arrow_table()
print(answer.schema)
hosts_view = answer["host"].combine_chunks()
hosts_plain = hosts_view.cast(pa.string())
print(f"{len(hosts_view):,} host names: string_view {hosts_view.nbytes:,} bytes, "
      f"string {hosts_plain.nbytes:,} bytes; data buffers of the view: "
      f"{[b.size for b in hosts_view.buffers()[2:]]}")

# %% [markdown]
# <details><summary>Answer</summary>
#
# More bytes, and no data buffers. Each 9-byte name fits inline: 16 bytes per value as a view,
# against 4 (offset) + 9 (characters) as a plain string.
#
# </details>
#
# Views cost more memory here. What they
# buy is speed in the engine: a filter or a sort moves 16-byte views and never copies characters,
# a long string can stay in the buffer it was decoded into, and most comparisons are decided by the
# length and the 4-byte prefix without following a pointer. If your own code expects `string`,
# cast (`.cast(pa.string())`) or compare types before you compare tables: `string_view` and
# `string` columns with the same values are not `equal` as Arrow arrays.

# %% [markdown]
# ## A glimpse of nested types
#
# A `list<int64>` array reuses the string layout one level up: offsets into a **child array**. The
# child is a whole `int64` array with its own validity and data buffers, so `buffers()` lists the
# parent's buffers followed by the child's.

# %%
lists = pa.array([[1, 2], [], None, [3, 4, 5]], pa.list_(pa.int64()))
print(lists.buffers())
print("offsets:", lists.offsets.to_pylist())
print("child:  ", lists.values.to_pylist())

# %%
fig = draw_buffers(lists, "list<int64> array [[1, 2], [], None, [3, 4, 5]]")
show(fig, alt="Three rows of boxes: validity bits 1, 1, 0, 1; offsets 0, 2, 2, 2, 5; and the "
              "child int64 values 1 to 5, coloured by the list they belong to.")

# %% [markdown]
# Structs (one child array per field, no offsets needed) and maps are built from the same pieces.
# Every nested type, however deep, ends in flat buffers that a kernel can scan.
#
# ## Zero-copy slicing
#
# `arr.slice(offset, length)` makes a new array that *shares* the parent's buffers. It records
# where its window starts in `arr.offset` and how long it is; not one byte is copied.

# %%
window = values.slice(3, 4)
print(window.to_pylist(), f"offset={window.offset}, length={len(window)}")
print("same data buffer:    ", window.buffers()[1].address == values.buffers()[1].address)
print("same validity buffer:", window.buffers()[0].address == values.buffers()[0].address)

# %% [markdown]
# The consequence for code that reads buffers directly: **add `arr.offset`** to every index. Value
# 0 of the window is slot 3 of the data buffer and bit 3 of the bitmap. The drawing makes the
# window visible; everything outside it is white.

# %%
fig = draw_buffers(window, "values.slice(3, 4): the same buffers, a window from slot 3")
show(fig, alt="The buffers of the nine-value int64 array again, with only slots 3 to 6 coloured "
              "(one grey null and 5, 6, 7); all other bits and slots are white.")

# %% [markdown]
# The same holds for strings: a slice keeps the parent's offsets buffer, **not** rebased to start
# at 0, which is why `decode_strings` above loops from `arr.offset`.

# %%
tail = words.slice(1, 3)
print(tail.to_pylist(), f"offset={tail.offset}")
print("offsets buffer:", np.frombuffer(tail.buffers()[1], dtype=np.int32).tolist())
print("decoded from buffers:", decode_strings(tail))

# %% [markdown]
# Because nothing is copied, slicing costs the same for a column of 200,000 values as for 9. Arrow
# counts the bytes it has allocated in `pa.total_allocated_bytes()`; slicing does not change it:

# %%
cpu = table["cpu"]
before = pa.total_allocated_bytes()
half = cpu.slice(50_000, 100_000)
print(f"slice of {len(half):,} values, {half.nbytes:,} bytes in view; "
      f"newly allocated: {pa.total_allocated_bytes() - before} bytes")

# %% [markdown]
# ## IPC files, Feather and memory mapping
#
# Arrow's **IPC format** writes the buffers to a file (or a socket) as they are, plus a small
# header describing the schema and where each buffer starts. **Feather** version 2 is the same
# format under another name. Both files start with the magic bytes `ARROW1`, and an uncompressed
# file is hardly bigger than the table's buffers.
#
# Because the bytes on disk are the bytes in memory, reading can skip copying entirely. A
# **memory map** (`pa.memory_map`) asks the operating system to make the file *appear* in the
# process's memory; `pa.ipc.open_file` then builds arrays whose buffers point straight into
# that mapping. Compare with an ordinary read (`pa.OSFile`), which copies every buffer into memory
# that Arrow allocates. Everything happens inside a temporary directory that is deleted afterwards.

# %%
with tempfile.TemporaryDirectory() as scratch:
    ipc_path = Path(scratch) / "metrics.arrow"
    with pa.OSFile(str(ipc_path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    feather_path = Path(scratch) / "metrics.feather"
    feather.write_feather(table, str(feather_path), compression="uncompressed")

    for path in (ipc_path, feather_path):
        with path.open("rb") as f:
            magic = f.read(6)
        print(f"{path.name:<16} {path.stat().st_size:>11,} bytes, starts with {magic}")
    print(f"{'table buffers':<16} {table.nbytes:>11,} bytes")

    before = pa.total_allocated_bytes()
    with pa.memory_map(str(ipc_path)) as source:
        mapped = pa.ipc.open_file(source).read_all()
    mapped_growth = pa.total_allocated_bytes() - before

    before = pa.total_allocated_bytes()
    with pa.OSFile(str(ipc_path)) as source:
        copied = pa.ipc.open_file(source).read_all()
    copied_growth = pa.total_allocated_bytes() - before

    print(f"\nmemory-mapped read: {mapped.num_rows:,} rows, equal to the original: "
          f"{mapped.equals(table)}, newly allocated {mapped_growth:,} bytes")
    print(f"ordinary read:      {copied.num_rows:,} rows, equal to the original: "
          f"{copied.equals(table)}, newly allocated {copied_growth:,} bytes")
    del mapped, copied

# %% [markdown]
# The memory-mapped table allocated nothing: its buffers *are* the file's pages, which the
# operating system loads lazily, when a column is first touched, and can share between processes
# that map the same file. The ordinary read allocated about the size of the table. Two caveats:
#
# - Zero-copy reading needs an **uncompressed** file. Feather compresses with LZ4 by default, and
#   compressed buffers must be decompressed into fresh memory.
# - The mapped arrays are only valid while the file exists and is mapped; here that is inside the
#   `with` block.
#
# This is the in-memory half of the story from the previous notebook: a time series database that
# keeps its data as Arrow can hand those exact buffers to a query engine, another process or a
# file without converting anything. Parquet, the on-disk half, trades this zero-copy property for
# much smaller files; it comes later in this module.
#
# ## Recap
#
# - An Arrow array is a type plus a few buffers; `arr.buffers()` lists them in an order fixed by
#   the type.
# - Fixed-width values sit in one data buffer, little-endian, value *i* at `width * i`; slots
#   under nulls exist but hold undefined bytes.
# - The validity bitmap has one bit per value, 1 = valid, least significant bit first; it is
#   absent when there are no nulls, and its trailing bits are padding.
# - Strings (and lists) use `n + 1` offsets into a data buffer (or child array); `""` and null
#   differ only in the bitmap. `large_` types use `int64` offsets.
# - Buffers are allocated at 64-byte-aligned addresses and padded to a multiple of 64 bytes in
#   pyarrow; `buffer.size` shows only the array's bytes.
# - A dictionary array stores distinct values once plus a non-negative index per row; pyarrow
#   builds the dictionary in order of first appearance, but any order (and unused entries) is
#   valid. `int8` indices address 128 entries.
# - Run-end encoding stores runs as (run end, value); string views store 16 bytes per string, with
#   short strings inline.
# - `slice` shares buffers and records an offset: add `arr.offset` when reading buffers yourself.
# - The IPC format (Feather v2) stores buffers as they are, so a memory-mapped, uncompressed file
#   can be read without allocating memory.
#
# ## Self-check
#
# 1. An array of 10 values has nulls at positions 0 and 9 only. Write the bytes of its validity
#    bitmap in hex.
# 2. What are the offsets of `pa.array(["x", None, "yz", ""])`, and what is its data buffer?
# 3. `s = arr.slice(2, 3)` on a string array. Which of `s.buffers()` differ from
#    `arr.buffers()`, and how do you find the first string of `s` from the buffers?
# 4. What does `pa.array(["b", "a", "b", "c"]).dictionary_encode()` store as indices and as
#    dictionary?
#
# <details>
# <summary>Answers</summary>
#
# 1. Bits 1 to 8 are 1, bits 0 and 9 are 0. Byte 0 holds values 0-7: `0b11111110` = `0xfe`. Byte 1
#    holds value 8 in bit 0 (1) and value 9 in bit 1 (0): `0b00000001` = `0x01`. So `fe 01`.
# 2. Offsets `[0, 1, 1, 3, 3]`: the null and the empty string both take zero bytes. Data `b"xyz"`.
# 3. None: all buffers are shared (same addresses). `s.offset` is 2, so the first string is
#    `data[offsets[2]:offsets[3]]`, valid if bit 2 of the bitmap is 1.
# 4. Indices `[0, 1, 0, 2]`, dictionary `["b", "a", "c"]`: pyarrow uses the order of first
#    appearance, not sorted. (Another writer could store `["a", "b", "c"]` with indices
#    `[1, 0, 1, 2]`: the same values, and just as valid.)
#
# </details>
#
# Next: `03-compute`, where kernels run over these buffers.
