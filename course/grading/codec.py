"""The data-only wire format between the judge and the learner's worker process (no pickle).

Values: None, bool, int (any size), float (nan, inf and -0.0 kept), str, bytes, bytearray (kept
apart from bytes, as course.check keeps it), list, tuple, dict (any keys of these kinds), pyarrow
Array / ChunkedArray / RecordBatch / Table (Arrow IPC, validated on decode), and *handles*:
references to an object that stays in one process (a learner function, a learner object, a judge
callback). Anything else is sent as a handle, never as an object.

- A subclass is read through its base type (``list.__iter__``, ``float.__float__``...), so a list
  subclass whose ``__eq__`` lies arrives as a real ``list``; nothing the sender defines runs on
  the receiving side.
- Shared references are kept: a list that appears twice in one value arrives as one list twice.
  They are counted as copies: the limits on values (``max_items``) and on bytes of text, bytes and
  Arrow data (``max_bytes``) apply to the value expanded as a tree, so a few hundred bytes of
  shared lists cannot become a value that takes the judge days to walk, print or hash.
- Cycles (a list or dict that contains itself) are refused on both sides: a value expanded as a
  tree must be finite, and neither the judge nor a learner's answer needs one.
- Arrow IPC is read only uncompressed and only if what it declares fits: its buffers add up to
  no more than its own bytes, its array lengths count as values, and types whose materialised
  size is not bounded by their size on the wire (views, run-end encoding, dictionaries below the
  top level) are refused; a top-level dictionary counts its indices times its largest value.
- The decoder is safe on hostile input: every length is checked against the bytes left, the
  nesting depth and the number of items are limited, and every failure is a :class:`CodecError`
  that says what was wrong.

Layout: one tag byte per value, lengths as unsigned 32-bit big-endian integers.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc  # noqa: F401 - loaded now: by_hand may hide sys.modules["pyarrow"] later

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "CodecError",
    "Ref",
    "decode",
    "encode",
]

MAX_BYTES = 512 << 20  #: largest encoded message, and most bytes of data in its expanded value
MAX_DEPTH = 100  #: deepest nesting of lists, tuples and dicts
MAX_ITEMS = 50_000_000  #: most values in one message, shared references counted as copies

_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_F64 = struct.Struct(">d")

# tags
_NONE, _TRUE, _FALSE = b"N", b"T", b"F"
_INT, _FLOAT, _STR, _BYTES, _BYTEARRAY = b"i", b"f", b"s", b"b", b"B"
_LIST, _TUPLE, _DICT = b"l", b"t", b"d"
_ARROW = b"A"
_MINE, _YOURS = b"h", b"y"  # a handle owned by the sender / by the receiver
_MEMO = b"m"  # a back reference to the n-th memoised value of this message
# packed lists (the common case, sent in bulk): all items exactly int (64-bit), float, str or bool
_INTS, _FLOATS, _STRS, _BOOLS = b"I", b"D", b"S", b"V"
_PACK_MIN = 4  # shorter lists are not worth packing
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1

_ARROW_KINDS = {0: "Array", 1: "ChunkedArray", 2: "RecordBatch", 3: "Table"}


class CodecError(ValueError):
    """A value cannot be encoded, or bytes are not a valid message."""


@dataclass(frozen=True)
class Ref:
    """A handle on the wire: object ``id`` lives in the sender (``mine``) or the receiver."""

    id: int
    mine: bool


#: ``export(obj) -> Ref``: how the encoder turns an object that is not plain data into a handle.
Export = Callable[[Any], Ref]
#: ``resolve(ref) -> object``: what the decoder puts in place of a handle.
Resolve = Callable[[Ref], Any]


def _no_export(value: Any) -> Ref:
    raise CodecError(
        f"cannot send a {type(value).__module__}.{type(value).__qualname__}: only None, bool, "
        "int, float, str, bytes, list, tuple, dict and pyarrow arrays/tables cross"
    )


def _no_resolve(ref: Ref) -> Any:
    raise CodecError("this message holds a handle, but no handles are expected here")


def _arrow_kind(value: Any) -> int | None:
    for code, name in _ARROW_KINDS.items():
        if isinstance(value, getattr(pa, name)):
            return code
    return None


def _arrow_bytes(value: Any, code: int) -> bytes:
    if code == 0:
        table = pa.table({"a": value})
    elif code == 1:
        table = pa.table({"a": value})
    elif code == 2:
        table = pa.Table.from_batches([value])
    else:
        table = value
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


# ----- what an Arrow IPC stream declares, read from its metadata before anything is allocated
# The metadata of each IPC message is a flatbuffer (Arrow's format/Message.fbs). Only the few
# fields needed are read, each offset checked against the metadata's size.
_HEADER_SCHEMA, _HEADER_DICTIONARY, _HEADER_BATCH = 1, 2, 3
_I32, _U16, _I64 = struct.Struct("<i"), struct.Struct("<H"), struct.Struct("<q")


class _Flat:
    """Bounds-checked reads of flatbuffer tables in ``data``."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def _read(self, fmt: struct.Struct, at: int) -> int:
        if at < 0 or at + fmt.size > len(self.data):
            raise CodecError("invalid Arrow data: its metadata points outside itself")
        return fmt.unpack_from(self.data, at)[0]

    def root(self) -> int:
        return self._read(_I32, 0)

    def field(self, table: int, index: int) -> int:
        """Where field ``index`` of the table at ``table`` is, or 0 if it is absent."""
        vtable = table - self._read(_I32, table)
        size = self._read(_U16, vtable)
        slot = 4 + 2 * index
        if slot + 2 > size:
            return 0
        offset = self._read(_U16, vtable + slot)
        return table + offset if offset else 0

    def scalar(self, table: int, index: int, fmt: struct.Struct, default: int = 0) -> int:
        at = self.field(table, index)
        return self._read(fmt, at) if at else default

    def target(self, table: int, index: int) -> int:
        """The table or vector that field ``index`` points to, or 0 if absent."""
        at = self.field(table, index)
        return at + self._read(_I32, at) if at else 0

    def vector(self, table: int, index: int, item_size: int) -> tuple[int, int]:
        """(start, count) of a vector of ``item_size``-byte structs, or (0, 0) if absent."""
        at = self.target(table, index)
        if not at:
            return 0, 0
        count = self._read(_I32, at)
        if count < 0 or at + 4 + count * item_size > len(self.data):
            raise CodecError("invalid Arrow data: a vector in its metadata is cut short")
        return at + 4, count


def _batch_cost(flat: _Flat, batch: int) -> tuple[int, int]:
    """(array slots, buffer bytes) a RecordBatch table declares; refuses compression."""
    if flat.field(batch, 3):  # RecordBatch.compression
        raise CodecError(
            "compressed Arrow data is not accepted (its size on the wire says nothing of its "
            "size in memory): send it uncompressed"
        )
    slots = 0
    start, count = flat.vector(batch, 1, 16)  # nodes: [FieldNode {length, null_count}]
    for i in range(count):
        length = flat._read(_I64, start + 16 * i)
        if length < 0:
            raise CodecError("invalid Arrow data: a negative array length")
        slots += length
    total = 0
    start, count = flat.vector(batch, 2, 16)  # buffers: [Buffer {offset, length}]
    for i in range(count):
        length = flat._read(_I64, start + 16 * i + 8)
        if length < 0:
            raise CodecError("invalid Arrow data: a negative buffer length")
        total += length
    return slots, total


def _ipc_cost(raw: bytes) -> tuple[int, int]:
    """(values, bytes) an IPC stream declares, before any of it is read.

    Values: the lengths of all its arrays (every column, child array and dictionary, in every
    batch); bytes: the sizes of all its buffers. Compressed batches are refused, and so are
    buffers that add up to more than the stream's own size (uncompressed buffers lie in the
    stream, one after the other), so what is read never takes more memory than the wire did.
    """
    slots = total = 0
    try:
        for message in pa.ipc.MessageReader.open_stream(pa.py_buffer(raw)):
            flat = _Flat(message.metadata.to_pybytes())
            root = flat.root()
            kind = flat.scalar(root, 1, struct.Struct("<B"))  # Message.header_type
            header = flat.target(root, 2)  # Message.header
            if kind == _HEADER_SCHEMA:
                continue
            if kind == _HEADER_DICTIONARY and header:
                header = flat.target(header, 1)  # DictionaryBatch.data
            elif kind != _HEADER_BATCH:
                raise CodecError(f"invalid Arrow data: an IPC message of kind {kind}")
            if not header:
                raise CodecError("invalid Arrow data: a batch without its header")
            more_slots, more_bytes = _batch_cost(flat, header)
            slots += more_slots + 1  # a batch is a value too: many empty ones cost something
            total += more_bytes
    except (pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, CodecError):
            raise
        raise CodecError(f"invalid Arrow data: {exc}") from None
    if total > len(raw):
        raise CodecError(
            f"invalid Arrow data: its buffers add up to {total:,} bytes, more than the "
            f"{len(raw):,} bytes it was sent in"
        )
    return slots, total


def _refuse_unbounded_types(schema: pa.Schema) -> None:
    """Refuse types whose materialised size is not bounded by their size on the wire."""

    def walk(kind: pa.DataType, top: bool, name: str) -> None:
        if (
            pa.types.is_string_view(kind)
            or pa.types.is_binary_view(kind)
            or pa.types.is_list_view(kind)
            or pa.types.is_large_list_view(kind)
            or pa.types.is_run_end_encoded(kind)
        ):
            raise CodecError(
                f"Arrow type {kind} (column {name!r}) is not accepted: its values can refer to "
                "the same bytes any number of times; cast it to a plain type first"
            )
        if pa.types.is_dictionary(kind):
            if not top:
                raise CodecError(
                    f"Arrow dictionaries are accepted only as whole columns, not inside "
                    f"{name!r}; decode it first"
                )
            walk(kind.value_type, False, name)
            return
        for i in range(kind.num_fields):
            walk(kind.field(i).type, False, name)

    for field in schema:
        walk(field.type, True, field.name)


def _largest_value(array: pa.Array) -> int:
    """Bytes of the largest value of ``array`` (a bound for nested values: all of it)."""
    kind = array.type
    if len(array) == 0:
        return 0
    if (
        pa.types.is_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_large_binary(kind)
    ):
        return int(pc.max(pc.binary_length(array)).as_py() or 0) + 1
    try:
        return max(1, kind.bit_width // 8)
    except ValueError:  # not fixed width: nested
        return max(1, array.nbytes)


def _dictionary_expansion(table: pa.Table) -> int:
    """Bytes the table's dictionary columns would take decoded: indices times largest value."""
    total = 0
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            for chunk in column.chunks:
                total += len(chunk) * _largest_value(chunk.dictionary)
    return total


class _Encoder:
    def __init__(self, export: Export, max_depth: int, max_bytes: int, max_items: int) -> None:
        self.out = bytearray()
        self.export = export
        self.max_depth = max_depth
        self.max_bytes = max_bytes
        self.max_items = max_items
        self.memo: dict[int, int] = {}  # id(obj) -> memo index
        self.sizes: list[tuple[int, int] | None] = []  # per memo index: (values, bytes) expanded
        self.keep: list[Any] = []  # keeps memoised objects alive so ids stay unique
        self.open_tuples: set[int] = set()
        self.items = 0  # values so far, shared references counted as copies
        self.payload = 0  # bytes of str, bytes and Arrow data so far, likewise

    def _length(self, n: int) -> None:
        if n >= 1 << 32:
            raise CodecError("a value is too long to send")
        self.out += _U32.pack(n)

    def _spend(self, items: int, payload: int = 0) -> None:
        self.items += items
        self.payload += payload
        _check_budget(self.items, self.payload, self.max_items, self.max_bytes)

    def _memoise(self, value: Any, start: tuple[int, int] | None = None) -> int:
        """Give ``value`` the next memo index; its expanded size is known if ``start`` is."""
        index = len(self.sizes)
        self.memo[id(value)] = index
        self.keep.append(value)
        self.sizes.append(None)
        if start is not None:
            self._done(index, start)
        return index

    def _done(self, index: int, start: tuple[int, int]) -> None:
        self.sizes[index] = (self.items - start[0], self.payload - start[1])

    def value(self, value: Any, depth: int = 0) -> None:
        if len(self.out) > self.max_bytes:
            raise CodecError(f"the value is larger than {self.max_bytes} bytes")
        if depth > self.max_depth:
            raise CodecError(f"the value is nested deeper than {self.max_depth} levels")
        out = self.out
        start = (self.items, self.payload)
        if id(value) in self.memo and not isinstance(value, (bool, int, float, type(None))):
            index = self.memo[id(value)]
            size = self.sizes[index]
            if size is None:
                raise CodecError(
                    f"a {type(value).__name__} contains itself (a cycle): only values that are "
                    "trees (shared parts allowed) can be sent"
                )
            self._spend(*size)
            out += _MEMO
            self._length(index)
            return
        self._spend(1)
        if value is None:
            out += _NONE
        elif isinstance(value, bool):
            out += _TRUE if value else _FALSE
        elif isinstance(value, int):
            number = int.__index__(value)
            raw = number.to_bytes((number.bit_length() + 8) // 8 or 1, "big", signed=True)
            out += _INT
            self._length(len(raw))
            out += raw
        elif isinstance(value, float):
            out += _FLOAT
            out += _F64.pack(float.__float__(value))
        elif isinstance(value, str):
            raw = str.__str__(value).encode("utf-8", "surrogatepass")
            self._spend(0, len(raw))
            self._memoise(value, start)
            out += _STR
            self._length(len(raw))
            out += raw
        elif isinstance(value, (bytes, bytearray)):
            # bytearray is its own kind (course.check tells it from bytes), so it keeps its tag
            mutable = isinstance(value, bytearray)
            raw = bytes(memoryview(value)) if type(value) is not bytes else value
            self._spend(0, len(raw))
            self._memoise(value, start)
            out += _BYTEARRAY if mutable else _BYTES
            self._length(len(raw))
            out += raw
        elif isinstance(value, list):
            items = list(list.__iter__(value))
            index = self._memoise(value)
            if not (len(items) >= _PACK_MIN and self._packed(items)):
                out += _LIST
                self._length(len(items))
                for item in items:
                    self.value(item, depth + 1)
            self._done(index, start)
        elif isinstance(value, dict):
            pairs = list(dict.items(value))
            index = self._memoise(value)
            out += _DICT
            self._length(len(pairs))
            for key, item in pairs:
                self.value(key, depth + 1)
                self.value(item, depth + 1)
            self._done(index, start)
        elif isinstance(value, tuple):
            if id(value) in self.open_tuples:
                raise CodecError("a tuple contains itself (through a list or dict)")
            self.open_tuples.add(id(value))
            items = list(tuple.__iter__(value))
            out += _TUPLE
            self._length(len(items))
            for item in items:
                self.value(item, depth + 1)
            self.open_tuples.discard(id(value))
            # tuples are memoised after their items, so a back reference is always complete
            self._memoise(value, start)
        elif (code := _arrow_kind(value)) is not None:
            try:
                raw = _arrow_bytes(value, code)
            except (pa.ArrowException, ValueError, TypeError) as exc:
                raise CodecError(f"cannot send this Arrow {_ARROW_KINDS[code]}: {exc}") from None
            self._spend(*_ipc_cost(raw))
            self._memoise(value, start)
            out += _ARROW + bytes([code])
            self._length(len(raw))
            out += raw
        else:
            ref = self.export(value)
            if not isinstance(ref, Ref):
                raise CodecError("export() must return a Ref")
            out += _MINE if ref.mine else _YOURS
            out += _U64.pack(ref.id)

    def _packed(self, items: list) -> bool:
        """Write ``items`` as one packed list if they are all of one plain kind; else False."""
        kind = type(items[0])
        if kind not in (int, float, str, bool) or any(type(item) is not kind for item in items):
            return False
        out, n = self.out, len(items)
        if kind is bool:
            out += _BOOLS
            self._length(n)
            out += bytes(items)
        elif kind is int:
            if min(items) < _I64_MIN or max(items) > _I64_MAX:
                return False
            out += _INTS
            self._length(n)
            out += struct.pack(f">{n}q", *items)
        elif kind is float:
            out += _FLOATS
            self._length(n)
            out += struct.pack(f">{n}d", *items)
        else:
            raws = [item.encode("utf-8", "surrogatepass") for item in items]
            self._spend(0, sum(map(len, raws)))
            out += _STRS
            self._length(n)
            out += struct.pack(f">{n}I", *map(len, raws))
            out += b"".join(raws)
        self._spend(n)
        return True


def _check_budget(items: int, payload: int, max_items: int, max_bytes: int) -> None:
    if items > max_items:
        raise CodecError(
            f"the value holds more than {max_items:,} values (too many values; a part it "
            "holds more than once counts each time)"
        )
    if payload > max_bytes:
        raise CodecError(
            f"the value holds more than {max_bytes:,} bytes of text, bytes and Arrow data "
            "(a part it holds more than once counts each time)"
        )


def encode(
    value: Any,
    export: Export | None = None,
    max_depth: int = MAX_DEPTH,
    max_bytes: int = MAX_BYTES,
    max_items: int = MAX_ITEMS,
) -> bytes:
    """The bytes of ``value``; objects that are not plain data go through ``export``.

    Raises CodecError for a value the decoder would refuse: too deep, too large (shared parts
    counted each time they appear), a cycle, or an object ``export`` does not take.
    """
    encoder = _Encoder(export or _no_export, max_depth, max_bytes, max_items)
    try:
        encoder.value(value)
    except RecursionError:
        raise CodecError("the value is nested too deeply to send") from None
    if len(encoder.out) > max_bytes:
        raise CodecError(f"the value is larger than {max_bytes} bytes")
    return bytes(encoder.out)


class _Decoder:
    def __init__(
        self, data: bytes, resolve: Resolve, max_depth: int, max_items: int, max_bytes: int
    ) -> None:
        self.data = memoryview(data)
        self.pos = 0
        self.resolve = resolve
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.memo: list[Any] = []
        self.sizes: list[tuple[int, int] | None] = []  # per memo index: (values, bytes) expanded
        self.items = 0  # values so far, shared references counted as copies
        self.payload = 0  # bytes of str, bytes and Arrow data so far, likewise

    def _take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise CodecError(
                f"message truncated: needs {n} more bytes at offset {self.pos}, "
                f"has {len(self.data) - self.pos}"
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def _length(self) -> int:
        return _U32.unpack(self._take(4))[0]

    def _spend(self, items: int, payload: int = 0) -> None:
        self.items += items
        self.payload += payload
        _check_budget(self.items, self.payload, self.max_items, self.max_bytes)

    def _count(self, minimum_bytes_each: int) -> int:
        n = self._length()
        if n * minimum_bytes_each > len(self.data) - self.pos:
            raise CodecError(f"message claims {n} items but holds only {len(self.data)} bytes")
        _check_budget(self.items + n, self.payload, self.max_items, self.max_bytes)
        return n

    def _open(self, made: Any) -> int:
        """Memoise a container before its items: a back reference to it now is a cycle."""
        self.memo.append(made)
        self.sizes.append(None)
        return len(self.memo) - 1

    def _done(self, index: int, start: tuple[int, int]) -> None:
        self.sizes[index] = (self.items - start[0], self.payload - start[1])

    def _memoise(self, made: Any, start: tuple[int, int]) -> Any:
        self._done(self._open(made), start)
        return made

    def value(self, depth: int = 0) -> Any:
        if depth > self.max_depth:
            raise CodecError(f"message nested deeper than {self.max_depth} levels")
        tag = bytes(self._take(1))
        if tag == _MEMO:
            index = self._length()
            if index >= len(self.memo):
                raise CodecError(f"back reference {index} to a value not yet seen")
            size = self.sizes[index]
            if size is None:
                raise CodecError(
                    "back reference to a value that contains it (a cycle): only values that "
                    "are trees (shared parts allowed) are accepted"
                )
            self._spend(*size)
            return self.memo[index]
        start = (self.items, self.payload)
        self._spend(1)
        if tag == _NONE:
            return None
        if tag == _TRUE:
            return True
        if tag == _FALSE:
            return False
        if tag == _INT:
            n = self._length()
            if n > 1 << 20:
                raise CodecError(f"an integer of {n} bytes is too large")
            return int.from_bytes(self._take(n), "big", signed=True)
        if tag == _FLOAT:
            return _F64.unpack(self._take(8))[0]
        if tag == _STR:
            raw = self._take(self._length())
            self._spend(0, len(raw))
            try:
                text = str(raw, "utf-8", "surrogatepass")
            except UnicodeDecodeError as exc:
                raise CodecError(f"a string is not valid UTF-8: {exc}") from None
            return self._memoise(text, start)
        if tag in (_BYTES, _BYTEARRAY):
            raw = bytes(self._take(self._length()))
            self._spend(0, len(raw))
            return self._memoise(bytearray(raw) if tag == _BYTEARRAY else raw, start)
        if tag == _LIST:
            n = self._count(1)
            items: list[Any] = []
            index = self._open(items)
            for _ in range(n):
                items.append(self.value(depth + 1))
            self._done(index, start)
            return items
        if tag in (_INTS, _FLOATS):
            n = self._count(8)
            made = list(struct.unpack(f">{n}{'q' if tag == _INTS else 'd'}", self._take(8 * n)))
            self._spend(n)
            return self._memoise(made, start)
        if tag == _BOOLS:
            n = self._count(1)
            raw = bytes(self._take(n))
            if raw.translate(None, b"\x00\x01"):
                raise CodecError("a packed list of bools holds a byte other than 0 or 1")
            self._spend(n)
            return self._memoise(list(map(bool, raw)), start)
        if tag == _STRS:
            n = self._count(4)
            lengths = struct.unpack(f">{n}I", self._take(4 * n))
            raw = self._take(sum(lengths))
            self._spend(n, len(raw))
            made, at = [], 0
            try:
                for length in lengths:
                    made.append(str(raw[at : at + length], "utf-8", "surrogatepass"))
                    at += length
            except UnicodeDecodeError as exc:
                raise CodecError(f"a string is not valid UTF-8: {exc}") from None
            return self._memoise(made, start)
        if tag == _DICT:
            n = self._count(2)
            result: dict[Any, Any] = {}
            index = self._open(result)
            for _ in range(n):
                key = self.value(depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise CodecError(
                        f"a dict key of type {type(key).__name__} is not hashable"
                    ) from None
                result[key] = self.value(depth + 1)
            self._done(index, start)
            return result
        if tag == _TUPLE:
            n = self._count(1)
            made = tuple(self.value(depth + 1) for _ in range(n))
            return self._memoise(made, start)
        if tag == _ARROW:
            code = self._take(1)[0]
            if code not in _ARROW_KINDS:
                raise CodecError(f"unknown Arrow kind {code}")
            raw = bytes(self._take(self._length()))
            self._spend(*_ipc_cost(raw))  # before anything of it is read
            return self._memoise(self._arrow(code, raw), start)
        if tag in (_MINE, _YOURS):
            ref = Ref(_U64.unpack(self._take(8))[0], tag == _MINE)
            return self.resolve(ref)
        raise CodecError(f"unknown tag {tag!r} at offset {self.pos - 1}")

    def _arrow(self, code: int, raw: bytes) -> Any:
        try:
            reader = pa.ipc.open_stream(pa.py_buffer(raw))
            _refuse_unbounded_types(reader.schema)
            table = reader.read_all()
            table.validate(full=True)
            self._spend(0, _dictionary_expansion(table))
        except (pa.ArrowException, ValueError, OSError) as exc:
            if isinstance(exc, CodecError):
                raise
            raise CodecError(f"invalid Arrow {_ARROW_KINDS[code]} data: {exc}") from None
        if code in (0, 1):
            if table.num_columns != 1:
                raise CodecError(f"an Arrow {_ARROW_KINDS[code]} must arrive as one column")
            column = table.column(0)
            if code == 1:
                return column
            return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        if code == 2:
            batches = table.to_batches()
            if len(batches) == 1:
                return batches[0]
            return (
                table.combine_chunks().to_batches()[0]
                if table.num_rows
                else (pa.RecordBatch.from_pylist([], schema=table.schema))
            )
        return table


def decode(
    data: bytes,
    resolve: Resolve | None = None,
    max_depth: int = MAX_DEPTH,
    max_items: int = MAX_ITEMS,
    max_bytes: int = MAX_BYTES,
) -> Any:
    """The value encoded in ``data``; handles go through ``resolve``. Raises CodecError.

    ``max_items`` and ``max_bytes`` bound the value expanded as a tree (a part held more than
    once counts each time), so walking, printing or hashing what arrives costs at most that.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CodecError(f"decode() takes bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise CodecError(f"message of {len(data)} bytes is larger than {max_bytes}")
    decoder = _Decoder(bytes(data), resolve or _no_resolve, max_depth, max_items, max_bytes)
    try:
        value = decoder.value()
    except RecursionError:
        raise CodecError("message nested too deeply") from None
    if decoder.pos != len(decoder.data):
        raise CodecError(f"{len(decoder.data) - decoder.pos} stray bytes after the value")
    return value
