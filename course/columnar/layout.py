"""Write a table with a described Parquet layout, measure what a query must read, read a page.

Used by module 1's layout exercise: a learner describes a layout as plain data (a dict), and
:func:`write_with_layout` writes it; :func:`rows_read` counts the rows of the row groups that a
``host = ... AND lo <= time < hi`` query cannot skip, from the footer statistics alone.

A layout is a dict with these keys (all optional but ``sort_by``)::

    {
        "sort_by": [["region", "descending"]],     # [column, order] pairs; [] keeps arrival order
        "row_group_size": 50_000,                  # rows per row group
        "compression": "snappy",                   # none, snappy, gzip, brotli, lz4, zstd
        "use_dictionary": ["region"],              # True, False or a list of column names
        "column_encoding": {"requests": "PLAIN"},  # per column, for columns without dictionary
    }
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["LAYOUT_KEYS", "check_layout", "first_page_payload", "rows_read", "write_with_layout"]

LAYOUT_KEYS = ("sort_by", "row_group_size", "compression", "use_dictionary", "column_encoding")
CODECS = ("none", "snappy", "gzip", "brotli", "lz4", "zstd")
ENCODINGS = (
    "PLAIN",
    "DELTA_BINARY_PACKED",
    "DELTA_LENGTH_BYTE_ARRAY",
    "DELTA_BYTE_ARRAY",
    "BYTE_STREAM_SPLIT",
    "RLE",
)


class LayoutError(ValueError):
    """A layout dict that cannot be written; the message says what to change."""


def check_layout(layout: object, columns: list[str]) -> dict:
    """Validate a layout dict against a table's column names; return it with defaults filled."""
    if not isinstance(layout, dict):
        raise LayoutError(
            f"a layout is a dict like {{'sort_by': [...], ...}}, got {type(layout).__name__}"
        )
    unknown = sorted(set(layout) - set(LAYOUT_KEYS))
    if unknown:
        raise LayoutError(f"unknown layout key(s) {unknown}; the keys are {list(LAYOUT_KEYS)}")
    if "sort_by" not in layout:
        raise LayoutError(
            "the layout needs 'sort_by': a list of [column, 'ascending' or "
            "'descending'] pairs ([] keeps the arrival order)"
        )
    sort_by = layout["sort_by"]
    if not isinstance(sort_by, (list, tuple)):
        raise LayoutError(f"'sort_by' must be a list of [column, order] pairs, got {sort_by!r}")
    for pair in sort_by:
        if (
            not isinstance(pair, (list, tuple))
            or len(pair) != 2
            or pair[0] not in columns
            or pair[1] not in ("ascending", "descending")
        ):
            raise LayoutError(
                f"bad 'sort_by' entry {pair!r}: write [column, 'ascending'] with a "
                f"column among {columns}"
            )
    size = layout.get("row_group_size", 1024 * 1024)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise LayoutError(f"'row_group_size' must be a positive int (rows), got {size!r}")
    codec = layout.get("compression", "snappy")
    if codec not in CODECS:
        raise LayoutError(f"'compression' must be one of {list(CODECS)}, got {codec!r}")
    use_dictionary = layout.get("use_dictionary", True)
    if not isinstance(use_dictionary, bool) and not (
        isinstance(use_dictionary, (list, tuple)) and all(c in columns for c in use_dictionary)
    ):
        raise LayoutError(
            f"'use_dictionary' must be True, False or a list of columns among "
            f"{columns}, got {use_dictionary!r}"
        )
    encoding = layout.get("column_encoding", {})
    if not isinstance(encoding, dict) or any(
        c not in columns or e not in ENCODINGS for c, e in encoding.items()
    ):
        raise LayoutError(
            f"'column_encoding' must map columns among {columns} to encodings "
            f"among {list(ENCODINGS)}, got {encoding!r}"
        )
    if encoding:
        dictionary_columns = (
            columns
            if use_dictionary is True
            else []
            if use_dictionary is False
            else list(use_dictionary)
        )
        clash = sorted(set(encoding) & set(dictionary_columns))
        if clash:
            raise LayoutError(
                f"column(s) {clash} have a 'column_encoding' and also use the "
                "dictionary: list in 'use_dictionary' only the columns that should "
                "be dictionary-encoded"
            )
    return {
        "sort_by": [list(p) for p in sort_by],
        "row_group_size": size,
        "compression": codec,
        "use_dictionary": use_dictionary,
        "column_encoding": dict(encoding),
    }


#: Files already written: (id of the table, the checked layout) -> (the table, the file's bytes).
#: A Table cannot change, so the same table with the same layout gives the same file; the grader
#: writes the same layouts of one table for every student.
_WRITTEN: dict[tuple[int, str], tuple[pa.Table, bytes]] = {}
_WRITTEN_MAX = 8


def write_with_layout(table: pa.Table, layout: dict, path: str | Path) -> Path:
    """Write ``table`` to ``path`` as ``layout`` says; returns the path."""
    checked = check_layout(layout, table.column_names)
    key = (id(table), json.dumps(checked, sort_keys=True))
    found = _WRITTEN.get(key)
    if found is not None and found[0] is table:
        Path(path).write_bytes(found[1])
        return Path(path)
    _write(table, checked, path)
    if len(_WRITTEN) >= _WRITTEN_MAX:
        _WRITTEN.pop(next(iter(_WRITTEN)))
    _WRITTEN[key] = (table, Path(path).read_bytes())
    return Path(path)


def _write(table: pa.Table, checked: dict, path: str | Path) -> None:
    if checked["sort_by"]:
        table = table.sort_by([tuple(p) for p in checked["sort_by"]])
    options = {
        "row_group_size": checked["row_group_size"],
        "compression": checked["compression"],
        "use_dictionary": checked["use_dictionary"],
    }
    if checked["column_encoding"]:
        options["column_encoding"] = checked["column_encoding"]
    pq.write_table(table, path, **options)


_FOOTER: list = [None, None]  # [(path, inode, size, mtime), its metadata]: the last one read


def _footer(path: Path) -> pq.FileMetaData:
    """The file's footer, parsed again only when the file changed (many queries, one file)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if _FOOTER[0] != key:
        _FOOTER[:] = [key, pq.ParquetFile(path).metadata]
    return _FOOTER[1]


def rows_read(path: str | Path, host: str, lo: dt.datetime, hi: dt.datetime) -> int:
    """Rows in the row groups that ``host = host AND lo <= time < hi`` cannot skip.

    Uses only the footer's min/max statistics, as a query engine's pruning does; a row group
    without statistics for a column cannot be skipped on that column.
    """
    meta = _footer(Path(path))
    names = meta.schema.names
    host_at, time_at = names.index("host"), names.index("time")
    total = 0
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        hs = group.column(host_at).statistics
        ts = group.column(time_at).statistics
        if hs is not None and hs.has_min_max and (hs.max < host or hs.min > host):
            continue
        if ts is not None and ts.has_min_max and (ts.max < lo or ts.min >= hi):
            continue
        total += group.num_rows
    return total


# Thrift compact protocol, as far as a PageHeader needs it: field types by their 4-bit code.
_BOOL_TRUE, _BOOL_FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = (
    range(1, 13)
)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _skip(data: bytes, at: int, kind: int) -> int:
    if kind in (_BOOL_TRUE, _BOOL_FALSE):
        return at
    if kind == _BYTE:
        return at + 1
    if kind in (_I16, _I32, _I64):
        return _varint(data, at)[1]
    if kind == _DOUBLE:
        return at + 8
    if kind == _BINARY:
        size, at = _varint(data, at)
        return at + size
    if kind in (_LIST, _SET):
        head = data[at]
        at += 1
        count, item = head >> 4, head & 0x0F
        if count == 15:
            count, at = _varint(data, at)
        for _ in range(count):
            at = at + 1 if item in (_BOOL_TRUE, _BOOL_FALSE) else _skip(data, at, item)
        return at
    if kind == _STRUCT:
        return _struct(data, at)[1]
    raise ValueError(f"unsupported Thrift compact type {kind} at byte {at} (a map?)")


def _struct(data: bytes, at: int) -> tuple[dict[int, int], int]:
    """The integer fields of a compact-protocol struct at ``at``, and where it ends."""
    fields: dict[int, int] = {}
    last = 0
    while True:
        head = data[at]
        at += 1
        if head == 0:
            return fields, at
        delta, kind = head >> 4, head & 0x0F
        if delta:
            field = last + delta
        else:
            raw, at = _varint(data, at)
            field = (raw >> 1) ^ -(raw & 1)
        last = field
        if kind in (_I16, _I32, _I64):
            raw, at = _varint(data, at)
            fields[field] = (raw >> 1) ^ -(raw & 1)
        else:
            at = _skip(data, at, kind)


def first_page_payload(path: str | Path) -> bytes:
    """The encoded values of the first page of a Parquet file, exactly as written on disk.

    Meant for a file of one column with one row group, no dictionary, no compression and no
    nulls (a required column), as ``pq.write_table(..., use_dictionary=False,
    compression="none", column_encoding={...})`` writes it: the first page then starts right
    after the 4-byte magic ``PAR1`` with a Thrift ``PageHeader``, and its payload is the
    encoded values alone. No library reads pages for you, so this walks the header itself.
    """
    data = Path(path).read_bytes()
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise ValueError(f"{path} is not a Parquet file (it does not start and end with PAR1)")
    header, start = _struct(data, 4)
    page_type, uncompressed, compressed = header.get(1), header.get(2), header.get(3)
    if page_type != 0:
        raise ValueError(
            f"the first page of {path} is not a data page (type {page_type}): write the "
            "file with use_dictionary=False"
        )
    if uncompressed != compressed:
        raise ValueError(
            f"the first page of {path} is compressed: write it with compression='none'"
        )
    return data[start : start + compressed]
