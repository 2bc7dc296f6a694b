"""Support code for module 2, time series queries (the InfluxDB 3.0 write and query path).

- :func:`line_protocol_cases`: the parser conformance cases (from the InfluxDB 3 parser's own
  unit tests) as ``(id, text, expected)`` triples, long inputs expanded, fields as tuples;
- :func:`format_line`: a point (the plain-data form the exercises use) written as one line of
  line protocol, escaped; used to round-trip generated points through a parser;
- :func:`metrics_lines`: the course's deterministic server metrics as line protocol;
- :func:`day_of`: the UTC day (``YYYY-MM-DD``) of a time in nanoseconds.

A point is ``{"measurement": str, "tags": [(key, value), ...], "fields": [(key, type, value),
...], "time": int | None}`` with ``type`` one of ``float``, ``int``, ``uint``, ``string``, ``bool``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path
from typing import Any

from course.learner.paths import data_path

__all__ = [
    "ERROR_KINDS",
    "FIELD_TYPES",
    "day_of",
    "format_line",
    "line_protocol_cases",
    "metrics_lines",
]

#: The course's error kinds for a rejected line (each stands for one or more upstream variants).
ERROR_KINDS = ("escape", "measurement", "tag", "field", "timestamp", "too_long")
#: The five field types of line protocol, with the suffix that marks them in a line.
FIELD_TYPES = ("float", "int", "uint", "string", "bool")


def _expand(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$repeat"}:
        ch, n = value["$repeat"]
        return ch * n
    return value


def _point(entry: dict) -> dict:
    if "error" in entry:
        return {"error": entry["error"]}
    fields = []
    for key, kind, value in entry["fields"]:
        value = _expand(value)
        if kind == "float":
            value = float(value)  # "inf" is stored as a string in JSON
        fields.append((_expand(key), kind, value))
    return {
        "measurement": _expand(entry["measurement"]),
        "tags": [(_expand(k), _expand(v)) for k, v in entry["tags"]],
        "fields": fields,
        "time": entry["time"],
    }


def line_protocol_cases(source: str | Path | dict = "timeseries-line-protocol.json") -> list:
    """The conformance cases as ``(id, text, expected)``: ``expected`` has one entry per line of
    ``text.split("\\n")`` that is neither blank nor a comment (a point or ``{"error": kind}``).

    ``source`` is a course data file name, a path, or the already-parsed JSON.
    """
    if isinstance(source, dict):
        data = source
    elif isinstance(source, (str, Path)):
        path = Path(source)
        path = path if path.is_file() else data_path(str(source))
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        raise TypeError(
            f"line_protocol_cases() takes a data file name, a path or parsed JSON, got "
            f"{type(source).__name__}"
        )
    cases = []
    for case in data["cases"]:
        if "text" in case:
            text = case["text"]
        else:
            text = "".join(s * n for s, n in case["text_parts"])
        cases.append((case["id"], text, [_point(e) for e in case["expected"]]))
    return cases


def _escape(text: str, special: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in special:
        out = out.replace(ch, "\\" + ch)
    return out


def _format_value(kind: str, value: Any) -> str:
    if kind == "float":
        if not math.isfinite(value):
            raise ValueError(f"line protocol cannot write the float {value!r}")
        return repr(float(value))
    if kind == "int":
        return f"{int(value)}i"
    if kind == "uint":
        return f"{int(value)}u"
    if kind == "bool":
        return "true" if value else "false"
    if kind == "string":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise ValueError(f"unknown field type {kind!r}; use one of {', '.join(FIELD_TYPES)}")


def format_line(point: dict) -> str:
    """One line of line protocol for ``point`` (escaped so that a correct parser gives it back).

    Backslashes are always escaped, so a name that ends in a backslash round-trips too.
    """
    if not isinstance(point, dict) or not {"measurement", "tags", "fields", "time"} <= set(point):
        raise TypeError(
            "format_line() takes a point dict with keys measurement, tags, fields and time, got "
            f"{point!r:.80}"
        )
    if not point["fields"]:
        raise ValueError("a point needs at least one field; line protocol has no empty field set")
    head = _escape(point["measurement"], ", ")
    for key, value in point["tags"]:
        head += "," + _escape(key, ",= ") + "=" + _escape(value, ",= ")
    fields = ",".join(
        _escape(key, ",= ") + "=" + _format_value(kind, value)
        for key, kind, value in point["fields"]
    )
    line = f"{head} {fields}"
    if point["time"] is not None:
        line += f" {int(point['time'])}"
    return line


def metrics_lines(rows: int = 1000, hosts: int = 10, seed: int | None = None) -> list[str]:
    """The course's server metrics (``course.learner.datasets.metrics``) as line protocol.

    Measurement ``cpu``; tags ``host`` and ``region``; fields ``usage`` (float), ``mem_used``
    (int), ``requests`` (int), ``latency_ms`` (float) and ``status`` (string); a null field is
    left out of its line; time in nanoseconds.
    """
    from course.learner.datasets import metrics

    table = metrics(rows=rows, hosts=hosts, seed=seed)
    cols = table.to_pydict()
    times = table["time"].cast("int64").to_pylist()
    lines = []
    for i in range(table.num_rows):
        fields = []
        for key, col, kind in (
            ("usage", "cpu", "float"),
            ("mem_used", "mem_used", "int"),
            ("requests", "requests", "int"),
            ("latency_ms", "latency_ms", "float"),
            ("status", "status", "string"),
        ):
            if cols[col][i] is not None:
                fields.append((key, kind, cols[col][i]))
        point = {
            "measurement": "cpu",
            "tags": [("host", cols["host"][i]), ("region", cols["region"][i])],
            "fields": fields,
            "time": times[i],
        }
        lines.append(format_line(point))
    return lines


def day_of(ns: int) -> str:
    """The UTC day ``YYYY-MM-DD`` of a time given in nanoseconds since the Unix epoch."""
    if isinstance(ns, bool) or not isinstance(ns, int):
        raise TypeError(f"day_of() takes an int of nanoseconds, got {type(ns).__name__}")
    return (_dt.datetime(1970, 1, 1) + _dt.timedelta(microseconds=ns // 1000)).strftime("%Y-%m-%d")
