"""The data-only wire format between the judge and the learner's worker process (no pickle).

Values: None, bool, int (any size), float (nan, inf and -0.0 kept), str, bytes, bytearray (kept
apart from bytes, as course.check keeps it), list, tuple, dict (any keys of these kinds), pyarrow
Array / ChunkedArray / RecordBatch / Table (Arrow IPC, validated on decode), and *handles*:
references to an object that stays in one process (a learner function, a learner object, a judge
callback). Anything else is sent as a handle, never as an object.

- A subclass is read through its base type (``list.__iter__``, ``float.__float__``...), so a list
  subclass whose ``__eq__`` lies arrives as a real ``list``; nothing the sender defines runs on
  the receiving side.
- Shared references are kept: a list that appears twice in one value arrives as one list twice
  (cycles through lists and dicts too).
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

MAX_BYTES = 512 << 20  #: largest encoded message
MAX_DEPTH = 100  #: deepest nesting of lists, tuples and dicts
MAX_ITEMS = 50_000_000  #: most values in one message

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


class _Encoder:
    def __init__(self, export: Export, max_depth: int, max_bytes: int) -> None:
        self.out = bytearray()
        self.export = export
        self.max_depth = max_depth
        self.max_bytes = max_bytes
        self.memo: dict[int, int] = {}  # id(obj) -> memo index
        self.keep: list[Any] = []  # keeps memoised objects alive so ids stay unique
        self.open_tuples: set[int] = set()

    def _length(self, n: int) -> None:
        if n >= 1 << 32:
            raise CodecError("a value is too long to send")
        self.out += _U32.pack(n)

    def _memoise(self, value: Any) -> None:
        self.memo[id(value)] = len(self.memo)
        self.keep.append(value)

    def value(self, value: Any, depth: int = 0) -> None:
        if len(self.out) > self.max_bytes:
            raise CodecError(f"the value is larger than {self.max_bytes} bytes")
        if depth > self.max_depth:
            raise CodecError(f"the value is nested deeper than {self.max_depth} levels")
        out = self.out
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
        elif id(value) in self.memo:
            out += _MEMO
            self._length(self.memo[id(value)])
        elif isinstance(value, str):
            raw = str.__str__(value).encode("utf-8", "surrogatepass")
            self._memoise(value)
            out += _STR
            self._length(len(raw))
            out += raw
        elif isinstance(value, (bytes, bytearray)):
            # bytearray is its own kind (course.check tells it from bytes), so it keeps its tag
            mutable = isinstance(value, bytearray)
            raw = bytes(memoryview(value)) if type(value) is not bytes else value
            self._memoise(value)
            out += _BYTEARRAY if mutable else _BYTES
            self._length(len(raw))
            out += raw
        elif isinstance(value, list):
            items = list(list.__iter__(value))
            self._memoise(value)
            if len(items) >= _PACK_MIN and self._packed(items):
                return
            out += _LIST
            self._length(len(items))
            for item in items:
                self.value(item, depth + 1)
        elif isinstance(value, dict):
            pairs = list(dict.items(value))
            self._memoise(value)
            out += _DICT
            self._length(len(pairs))
            for key, item in pairs:
                self.value(key, depth + 1)
                self.value(item, depth + 1)
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
            self._memoise(value)
        elif (code := _arrow_kind(value)) is not None:
            try:
                raw = _arrow_bytes(value, code)
            except (pa.ArrowException, ValueError, TypeError) as exc:
                raise CodecError(f"cannot send this Arrow {_ARROW_KINDS[code]}: {exc}") from None
            self._memoise(value)
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
            out += _STRS
            self._length(n)
            out += struct.pack(f">{n}I", *map(len, raws))
            out += b"".join(raws)
        return True


def encode(
    value: Any,
    export: Export | None = None,
    max_depth: int = MAX_DEPTH,
    max_bytes: int = MAX_BYTES,
) -> bytes:
    """The bytes of ``value``; objects that are not plain data go through ``export``."""
    encoder = _Encoder(export or _no_export, max_depth, max_bytes)
    try:
        encoder.value(value)
    except RecursionError:
        raise CodecError("the value is nested too deeply to send") from None
    if len(encoder.out) > max_bytes:
        raise CodecError(f"the value is larger than {max_bytes} bytes")
    return bytes(encoder.out)


class _Decoder:
    def __init__(self, data: bytes, resolve: Resolve, max_depth: int, max_items: int) -> None:
        self.data = memoryview(data)
        self.pos = 0
        self.resolve = resolve
        self.max_depth = max_depth
        self.items_left = max_items
        self.memo: list[Any] = []

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

    def _count(self, minimum_bytes_each: int) -> int:
        n = self._length()
        if n * minimum_bytes_each > len(self.data) - self.pos:
            raise CodecError(f"message claims {n} items but holds only {len(self.data)} bytes")
        self.items_left -= n
        if self.items_left < 0:
            raise CodecError("message holds too many values")
        return n

    def value(self, depth: int = 0) -> Any:
        if depth > self.max_depth:
            raise CodecError(f"message nested deeper than {self.max_depth} levels")
        tag = bytes(self._take(1))
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
            try:
                text = str(raw, "utf-8", "surrogatepass")
            except UnicodeDecodeError as exc:
                raise CodecError(f"a string is not valid UTF-8: {exc}") from None
            self.memo.append(text)
            return text
        if tag in (_BYTES, _BYTEARRAY):
            raw = bytes(self._take(self._length()))
            made = bytearray(raw) if tag == _BYTEARRAY else raw
            self.memo.append(made)
            return made
        if tag == _LIST:
            n = self._count(1)
            items: list[Any] = []
            self.memo.append(items)
            for _ in range(n):
                items.append(self.value(depth + 1))
            return items
        if tag in (_INTS, _FLOATS):
            n = self._count(8)
            made = list(struct.unpack(f">{n}{'q' if tag == _INTS else 'd'}", self._take(8 * n)))
            self.memo.append(made)
            return made
        if tag == _BOOLS:
            n = self._count(1)
            raw = bytes(self._take(n))
            if raw.translate(None, b"\x00\x01"):
                raise CodecError("a packed list of bools holds a byte other than 0 or 1")
            made = list(map(bool, raw))
            self.memo.append(made)
            return made
        if tag == _STRS:
            n = self._count(4)
            lengths = struct.unpack(f">{n}I", self._take(4 * n))
            raw = self._take(sum(lengths))
            made, at = [], 0
            try:
                for length in lengths:
                    made.append(str(raw[at : at + length], "utf-8", "surrogatepass"))
                    at += length
            except UnicodeDecodeError as exc:
                raise CodecError(f"a string is not valid UTF-8: {exc}") from None
            self.memo.append(made)
            return made
        if tag == _DICT:
            n = self._count(2)
            result: dict[Any, Any] = {}
            self.memo.append(result)
            for _ in range(n):
                key = self.value(depth + 1)
                try:
                    hash(key)
                except TypeError:
                    raise CodecError(
                        f"a dict key of type {type(key).__name__} is not hashable"
                    ) from None
                result[key] = self.value(depth + 1)
            return result
        if tag == _TUPLE:
            n = self._count(1)
            made = tuple(self.value(depth + 1) for _ in range(n))
            self.memo.append(made)
            return made
        if tag == _ARROW:
            code = self._take(1)[0]
            if code not in _ARROW_KINDS:
                raise CodecError(f"unknown Arrow kind {code}")
            made = self._arrow(code, bytes(self._take(self._length())))
            self.memo.append(made)
            return made
        if tag in (_MINE, _YOURS):
            ref = Ref(_U64.unpack(self._take(8))[0], tag == _MINE)
            return self.resolve(ref)
        if tag == _MEMO:
            index = self._length()
            if index >= len(self.memo):
                raise CodecError(f"back reference {index} to a value not yet seen")
            return self.memo[index]
        raise CodecError(f"unknown tag {tag!r} at offset {self.pos - 1}")

    def _arrow(self, code: int, raw: bytes) -> Any:
        try:
            table = pa.ipc.open_stream(pa.py_buffer(raw)).read_all()
            table.validate(full=True)
        except (pa.ArrowException, ValueError, OSError) as exc:
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
    """The value encoded in ``data``; handles go through ``resolve``. Raises CodecError."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CodecError(f"decode() takes bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise CodecError(f"message of {len(data)} bytes is larger than {max_bytes}")
    decoder = _Decoder(bytes(data), resolve or _no_resolve, max_depth, max_items)
    try:
        value = decoder.value()
    except RecursionError:
        raise CodecError("message nested too deeply") from None
    if decoder.pos != len(decoder.data):
        raise CodecError(f"{len(decoder.data) - decoder.pos} stray bytes after the value")
    return value

