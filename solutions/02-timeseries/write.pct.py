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
# # Assignment 2a: the write path of a time series database
#
# **Time:** about 4 hours. **Points:** 12. **Prerequisites:** module 1 (Arrow, Parquet), the
# lectures `01-line-protocol` and `02-write-path` in `notebooks/02-timeseries/`.
#
# The webinar's story: Paul Dix says InfluxDB was rewritten (as InfluxDB 3.0) on Apache Arrow in
# memory, Parquet for persistence and DataFusion for SQL, to get tiered storage, many more distinct
# tag values ("high cardinality") and SQL. Data still arrives the way it always did, as **line
# protocol** text. You will build the write path, from text to Parquet files that a query can skip:
#
# 1. **Line protocol parser** (3 points): one line to a point, or the kind of error.
# 2. **Batch write with partial acceptance** (3 points): many lines to Arrow tables; bad lines
#    are rejected by line number while good ones land.
# 3. **Series and cardinality** (2 points): series keys, the number of series, the tag that
#    drives it.
# 4. **Persist and prune** (4 points): day-partitioned Parquet files sorted by tags then time, a
#    catalog of their time ranges, and the files a time-range query must open.
#
# Work as before: replace `raise NotImplementedError()` in each answer cell, run the public tests
# under it, ask `course.hint("<exercise id>")` when stuck, press **Validate** at the end. Results
# are compared strictly by type: a `tuple` is not a `list`, `3.0` is not `3`. Keep the function
# names and parameters. Exercises 2 to 4 build on exercise 1: write it first.
#
# The tests hand your functions a folder to write with `lend(folder)` and read back what they
# wrote with `collect(path)` (both from `course.learner.files`): in your kernel each returns the
# folder itself; when your work is graded they copy files in and out, so that the tests read only
# what your code wrote.

# %% nbgrader={"grade": false, "grade_id": "setup-write", "locked": true, "schema_version": 3, "solution": false, "task": false}
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import course
from course.learner.checking import check, check_raises
from course.learner.files import collect, lend, scratch_folder
from course.timeseries import day_of, format_line, line_protocol_cases

scratch = scratch_folder("timeseries-assignment-")  # files you write go here (removed at exit)

# %% [markdown]
# ## Exercise 1: a line protocol parser (3 points)
#
# One line of line protocol is a **measurement**, optional **tags**, at least one **field**, and
# an optional **timestamp**:
#
# ```text
# cpu,host=a,region=eu-west usage=41.5,requests=12i,ok=true 1767225600000000000
# ^^^ measurement
#    ^^^^^^^^^^^^^^^^^^^^^^ tags: ,key=value pairs (strings)
#                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ fields: key=value, comma-separated
#                                                           ^^^^^^^^^^^^^^^^^^^ time (an integer)
# ```
#
# Write `parse_line(line)`. It returns:
#
# - `None` if the line is blank or a **comment** (its first character that is not a space is `#`);
# - a **point**, `{"measurement": str, "tags": [(key, value), ...], "fields": [(key, type,
#   value), ...], "time": int or None}`, tags and fields as `tuple`s in the order of the line
#   (duplicates kept), `time` `None` when the line has none;
# - or `{"error": kind}` when the line is not valid, `kind` being one of the six below.
#
# **The rules** (those of the InfluxDB 3 parser, the Rust crate `influxdb-line-protocol`):
#
# 1. Spaces at the start of the line are ignored. One or more spaces separate the measurement
#    (with its tags) from the fields, and the fields from the timestamp; spaces after the
#    timestamp are ignored. Only the space character separates: a tab is an ordinary character
#    (`cpu\ta=1` is a measurement `"cpu\ta=1"` with no fields: error `"field"`).
# 2. **Measurement**: the text up to the first unescaped `,` or space. It may contain `=`. Empty,
#    or containing the character NUL (`"\x00"`): error `"measurement"`.
# 3. **Tags**: after a `,` that ends the measurement, `key=value` pairs separated by `,`; the key
#    ends at the first unescaped `=`, the value at the first unescaped `,` or space (a value may
#    contain unescaped `=`). A key cannot contain an unescaped `,` or space: one ends the pair
#    there, so in `cpu,a,b=c x=1` the tag `a` has no `=`. An empty key, a key without `=`, or an
#    empty value: error `"tag"`.
# 4. **Fields**: `key=value` pairs separated by `,`; one trailing `,` is allowed. The key ends at
#    the first unescaped `=` and, as for tags, cannot contain an unescaped `,` or space (so
#    `cpu n=1,,m=2` has an empty field between the commas: error `"field"`). A line that ends before its fields, a field without `=` or with an
#    empty key or value, or a value that is not one of the five types: error `"field"`. The types:
#    - `"float"`: a decimal number without suffix: optional `-`, digits, optional `.` and
#      digits, optional exponent `e` or `E` with optional `+`/`-` and **at least one digit**:
#      `44`, `-1.5`, `1.2e+06`, `1E-0`. Its value is a Python `float` (a number too large
#      becomes `inf`). A dot with digits on one side only (`1.`, `.5`) is not tested.
#    - `"int"`: optional `-`, digits, then `i`: `-5i`; a Python `int`, which must fit in a signed
#      64-bit integer (`-2**63 <= v < 2**63`), else error `"field"`.
#    - `"uint"`: digits then `u`: `5u`; must satisfy `0 <= v < 2**64`, else error `"field"`
#      (`-1u` is an error).
#    - `"string"`: text in double quotes, `"like this"`; inside it, `\"` stands for `"` and `\\`
#      for `\`; any other backslash is kept as it is. A missing closing quote: error `"field"`.
#    - `"bool"`: exactly one of `t T true True TRUE` (value `True`) or `f F false False FALSE`.
# 5. **Timestamp**: optional `-` and digits; it must fit in a signed 64-bit integer, else (or if
#    it is not an integer) error `"timestamp"`.
# 6. **Escapes** in names: in a measurement, `\,` `\ ` and `\\` stand for `,`, space and `\`;
#    in tag keys, tag values and field keys, `\,` `\=` `\ ` and `\\` do. A backslash before any
#    other character is kept (`a\b` stays `a\b`). A name whose backslash is the last character of
#    the line: error `"escape"`.
# 7. **Size**: a measurement, tag key, tag value, field key or string field value longer than
#    65,536 characters (after unescaping): error `"too_long"`.
#
# The error is that of the first problem met reading the line from left to right.
#
# ```python
# parse_line('cpu,host=a usage=41.5,n=12i 1000')
# # -> {"measurement": "cpu", "tags": [("host", "a")],
# #     "fields": [("usage", "float", 41.5), ("n", "int", 12)], "time": 1000}
# parse_line('cpu usage=1u2')   # -> {"error": "field"}
# ```
#
# The public tests run 37 of the parser's own conformance cases (`course.data_path(
# "timeseries-line-protocol.json")`, loaded with `line_protocol_cases()`); the hidden tests run
# the other 80 and many generated points written out with `format_line` and parsed back.
# Exercise id: `parse-line`.

# %% nbgrader={"grade": false, "grade_id": "parse-line", "locked": false, "schema_version": 3, "solution": true, "task": false}
def parse_line(line: str) -> dict | None:
    """A point, ``{"error": kind}``, or None for a blank or comment line."""
    ### BEGIN SOLUTION
    bools = {"t": True, "T": True, "true": True, "True": True, "TRUE": True,
             "f": False, "F": False, "false": False, "False": False, "FALSE": False}

    def scan_name(i, stops, escapable):
        """A name from line[i:] up to an unescaped character in ``stops``: (name, next index)."""
        out = []
        while i < len(line) and line[i] not in stops:
            if line[i] == "\\":
                if i + 1 == len(line):
                    raise ValueError("escape")
                if line[i + 1] in escapable:
                    i += 1
            out.append(line[i])
            i += 1
        name = "".join(out)
        if len(name) > 65536:
            raise ValueError("too_long")
        return name, i

    def parse_value(i):
        """The field value at line[i:]: ((type, value), next index)."""
        if i < len(line) and line[i] == '"':
            out = []
            i += 1
            while True:
                if i == len(line):
                    raise ValueError("field")
                if line[i] == '"':
                    break
                if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in '"\\':
                    i += 1
                out.append(line[i])
                i += 1
            text = "".join(out)
            if len(text) > 65536:
                raise ValueError("too_long")
            return ("string", text), i + 1
        end = i
        while end < len(line) and line[end] not in ", ":
            end += 1
        raw = line[i:end]
        if raw in bools:
            return ("bool", bools[raw]), end
        if raw.endswith("i") and re.fullmatch(r"-?\d+", raw[:-1]):
            if not -(2**63) <= int(raw[:-1]) < 2**63:
                raise ValueError("field")
            return ("int", int(raw[:-1])), end
        if raw.endswith("u") and re.fullmatch(r"\d+", raw[:-1]):
            if int(raw[:-1]) >= 2**64:
                raise ValueError("field")
            return ("uint", int(raw[:-1])), end
        if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", raw):
            return ("float", float(raw)), end
        raise ValueError("field")

    line = line.lstrip(" ")
    if not line or line.startswith("#"):
        return None
    try:
        measurement, i = scan_name(0, ", ", ", \\")
        if not measurement or "\x00" in measurement:
            raise ValueError("measurement")
        tags = []
        while i < len(line) and line[i] == ",":
            key, i = scan_name(i + 1, ",= ", ",= \\")
            if not key or i == len(line) or line[i] != "=":
                raise ValueError("tag")
            value, i = scan_name(i + 1, ", ", ",= \\")
            if not value:
                raise ValueError("tag")
            tags.append((key, value))
        if i == len(line):
            raise ValueError("field")
        while i < len(line) and line[i] == " ":
            i += 1
        fields = []
        while True:
            key, i = scan_name(i, ",= ", ",= \\")
            if not key or i == len(line) or line[i] != "=":
                raise ValueError("field")
            (kind, value), i = parse_value(i + 1)
            fields.append((key, kind, value))
            if i < len(line) and line[i] == ",":
                i += 1
                if i < len(line) and line[i] != " ":
                    continue
            break
        if i < len(line) and line[i] != " ":
            raise ValueError("field")
        rest = line[i:].strip(" ")
        time = None
        if rest:
            if not re.fullmatch(r"-?\d+", rest) or not -(2**63) <= int(rest) < 2**63:
                raise ValueError("timestamp")
            time = int(rest)
    except ValueError as exc:
        return {"error": str(exc)}
    return {"measurement": measurement, "tags": tags, "fields": fields, "time": time}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "parse-line-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
check(parse_line("cpu,host=a usage=41.5,n=12i 1000"),
      {"measurement": "cpu", "tags": [("host", "a")],
       "fields": [("usage", "float", 41.5), ("n", "int", 12)], "time": 1000},
      "parse_line('cpu,host=a usage=41.5,n=12i 1000')")
check(parse_line("cpu usage=1u2"), {"error": "field"}, "parse_line('cpu usage=1u2')")
check(parse_line("# a comment"), None, "parse_line('# a comment')")
# The parser's own conformance cases: each text may hold several lines.
for _id, _text, _expected in line_protocol_cases("timeseries-line-protocol.json"):
    _got = [p for p in (parse_line(_line) for _line in _text.split("\n")) if p is not None]
    check(_got, _expected, f"conformance case {_id}: parse_line on each line of {_text[:60]!r}")
print("parse_line: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "parse-line-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.grading.hidden import hidden_data as _hidden_data

# The oracle: the InfluxDB 3 parser's results on its own test inputs.
for _id, _text, _expected in line_protocol_cases(_hidden_data("02-timeseries", "line-protocol-hidden.json")):
    _got = [p for p in (parse_line(_line) for _line in _text.split("\n")) if p is not None]
    check(_got, _expected, f"conformance case {_id}: parse_line on each line of {_text[:60]!r}")

# Generated points, written with format_line (escapes every special character), parsed back.
_rng = course.rng(21)
_chars = list("abcxyz_09") + [",", "=", " ", "\\", '"', "é", "漢", "#", "'", "\x00"]


def _pick(options):
    return options[int(_rng.integers(0, len(options)))]


def _name():
    return "".join(_pick(_chars) for _ in range(int(_rng.integers(1, 7))))


def _value():
    _t = _pick(["float", "int", "uint", "string", "bool"])
    if _t == "float":
        _v = _pick([0.0, -0.0, 1.0, 44.0, 1e-300, 1.5e300, float(_rng.normal(0, 1e6))])
    elif _t == "int":
        _v = _pick([0, -1, 2**63 - 1, -(2**63), int(_rng.integers(-10**9, 10**9))])
    elif _t == "uint":
        _v = _pick([0, 1, 2**64 - 1, 2**63, int(_rng.integers(0, 10**9))])
    elif _t == "string":
        _v = "".join(_pick(_chars + ["\\\\", '\\"', "\\n"]) for _ in range(int(_rng.integers(0, 8))))
    else:
        _v = bool(_rng.random() < 0.5)
    return (_name(), _t, _v)


for _trial in range(400):
    _m = _name()
    while _m.startswith("#") or "\x00" in _m:
        _m = _name()
    _point = {"measurement": _m,
              "tags": [(_name(), _name()) for _ in range(int(_rng.integers(0, 4)))],
              "fields": [_value() for _ in range(int(_rng.integers(1, 5)))],
              "time": None if _rng.random() < 0.2 else int(_rng.integers(-(2**63), 2**63 - 1))}
    _line = format_line(_point)
    check(parse_line(_line), _point, f"parse_line({_line!r})")
    if _rng.random() < 0.3:  # leading and separating spaces
        _spaced = "  " + _line.replace(" ", "   ") if "\\" not in _line and '"' not in _line else "  " + _line
        check(parse_line(_spaced), _point, f"parse_line({_spaced!r})")

# Every error rule, on lines built from the text's rules.
_errors = [
    ("c\\", "escape"), ("cpu,h\\", "escape"),
    (" ,host=a usage=1", "measurement"), ("c\x00pu usage=1", "measurement"), (",a=1 b=1", "measurement"),
    ("cpu,=a usage=1", "tag"), ("cpu,host usage=1", "tag"), ("cpu,host= usage=1", "tag"), ("cpu,host=a, usage=1", "tag"),
    ("cpu", "field"), ("cpu,host=a", "field"), ("cpu usage", "field"), ("cpu =1", "field"), ("cpu usage=", "field"),
    ("cpu usage=1.2.3", "field"), ("cpu usage=1e", "field"), ("cpu usage=1e+", "field"), ("cpu usage=yes", "field"),
    ("cpu usage=tRue", "field"), ("cpu usage=NaN", "field"), ("cpu usage=inf", "field"), ('cpu usage="open', "field"),
    (f"cpu n={2**63}i", "field"), (f"cpu n={-(2**63) - 1}i", "field"), (f"cpu n={2**64}u", "field"), ("cpu n=-1u", "field"),
    ("cpu n=1.5i", "field"), ("cpu n=1,,m=2", "field"), ("cpu usage=1x", "field"),
    (f"cpu usage=1 {2**63}", "timestamp"), (f"cpu usage=1 {-(2**63) - 1}", "timestamp"), ("cpu usage=1 12a", "timestamp"),
    ("cpu usage=1 1.5", "timestamp"),
    ("a" * 65537 + " v=1", "too_long"), ("m," + "k" * 65537 + "=v v=1", "too_long"), ("m,k=" + "v" * 65537 + " v=1", "too_long"),
    ("m " + "f" * 65537 + "=1", "too_long"), ('m f="' + "s" * 65537 + '"', "too_long"),
    # left to right: the first problem decides
    ("\x00,=x usage=1", "measurement"), ("cpu,=x usage=bad", "tag"), ("cpu usage=bad 1.5", "field"),
]
for _line, _kind in _errors:
    check(parse_line(_line), {"error": _kind}, f"parse_line({_line[:70]!r})")

# Rules that must be accepted.
_ok = [
    ("m f=1 5", {"measurement": "m", "tags": [], "fields": [("f", "float", 1.0)], "time": 5}),
    ("m f=1,", {"measurement": "m", "tags": [], "fields": [("f", "float", 1.0)], "time": None}),
    ("m f=1, 7", {"measurement": "m", "tags": [], "fields": [("f", "float", 1.0)], "time": 7}),
    ("m f=1 7   ", {"measurement": "m", "tags": [], "fields": [("f", "float", 1.0)], "time": 7}),
    ("m=x,k=a=b f=-0", {"measurement": "m=x", "tags": [("k", "a=b")], "fields": [("f", "float", -0.0)], "time": None}),
    ("m\\=x f=1", {"measurement": "m\\=x", "tags": [], "fields": [("f", "float", 1.0)], "time": None}),
    ("m\\a,k\\b=v\\c f\\d=1", {"measurement": "m\\a", "tags": [("k\\b", "v\\c")], "fields": [("f\\d", "float", 1.0)], "time": None}),
    ('m s="a\\b\\\\c\\"d"', {"measurement": "m", "tags": [], "fields": [("s", "string", 'a\\b\\c"d')], "time": None}),
    ("m f=" + "9" * 400, {"measurement": "m", "tags": [], "fields": [("f", "float", float("inf"))], "time": None}),
    ("m h=1E+2,i=-1e-0,j=2.50", {"measurement": "m", "tags": [], "fields": [("h", "float", 100.0), ("i", "float", -1.0), ("j", "float", 2.5)], "time": None}),
    ("m,k=v,k=w f=1,f=2i", {"measurement": "m", "tags": [("k", "v"), ("k", "w")], "fields": [("f", "float", 1.0), ("f", "int", 2)], "time": None}),
    ("m,k=\x00 f\x00=1", {"measurement": "m", "tags": [("k", "\x00")], "fields": [("f\x00", "float", 1.0)], "time": None}),
    ("m f=1 -5", {"measurement": "m", "tags": [], "fields": [("f", "float", 1.0)], "time": -5}),
    ("a" * 65536 + " v=1", {"measurement": "a" * 65536, "tags": [], "fields": [("v", "float", 1.0)], "time": None}),
]
for _b in ["t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"]:
    _ok.append((f"m b={_b}", {"measurement": "m", "tags": [], "fields": [("b", "bool", _b[0] in "tT")], "time": None}))
for _line, _expected in _ok:
    check(parse_line(_line), _expected, f"parse_line({_line[:70]!r})")
for _blank in ["", "   ", "#", "# x=1 2", "   # indented comment"]:
    check(parse_line(_blank), None, f"parse_line({_blank!r})")
check(parse_line("x#y f=1")["measurement"], "x#y", "the measurement of parse_line('x#y f=1')")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2: batch writes with partial acceptance (3 points)
#
# A write request carries many lines, and one bad line must not cost the others. Write a class
# `WriteBuffer` that keeps one in-memory table per measurement:
#
# - `WriteBuffer()` starts empty.
# - `write(text, precision="auto", now=0)` splits `text` on `"\n"` (lines numbered from 1), parses
#   each line with your `parse_line`, appends every good line to its measurement, and returns the
#   rejected lines as a `list` of `(line_number, reason)` tuples in line order. `reason` is the
#   parser's error kind, or `"conflict"` (below). Blank and comment lines are skipped.
# - `table(measurement)` returns that measurement's rows as a `pyarrow.Table`; an unknown
#   measurement raises `KeyError`.
#
# **Schema on write.** The first accepted line that uses a key fixes what that key is in its
# measurement: a tag, or a field of one type. A later line (in the same call or a later one) is
# rejected as a whole, with reason `"conflict"`, if any of its fields has another type than the
# column's, or uses a tag key as a field key, or a field key as a tag key. New keys are fine: rows
# that lack a key hold null there. (Test lines never repeat a key within one line.)
#
# **Table layout.** Tag columns first, sorted by name, typed `dictionary<int32, string>`
# (`pa.dictionary(pa.int32(), pa.string())`); then field columns sorted by name, typed
# `float64`, `int64`, `uint64`, `string` or `bool` after the field type; then `time`, typed
# `timestamp[ns]` (`pa.timestamp("ns")`, no time zone). Rows in the order they were accepted.
#
# **Time.** A line without a timestamp gets `now` (already in nanoseconds). A timestamp is
# multiplied to nanoseconds after `precision`: `"ns"` 1, `"us"` 1,000, `"ms"` 1,000,000, `"s"`
# 1,000,000,000. With `"auto"` the unit is guessed per line from the timestamp's magnitude, as
# InfluxDB 3 does: below 5e9 it is seconds, below 5e12 milliseconds, below 5e15 microseconds,
# else nanoseconds (test timestamps are never negative). Another `precision` raises `ValueError`.
#
# ```python
# buf = WriteBuffer()
# buf.write("cpu,host=a usage=1.5 1700000000\ncpu usage=2i 1700000001\ncpu,host=b usage=3 5")
# # -> [(2, "conflict")]        (usage is a float column; 1700000000 looks like seconds)
# buf.table("cpu").to_pydict()["usage"]  # -> [1.5, 3.0]
# ```
#
# The hidden tests write generated batches, with conflicts in the same and in later calls, and
# compare your tables with ones pyarrow builds from the points. Exercise id: `write-buffer`.

# %% nbgrader={"grade": false, "grade_id": "write-buffer", "locked": false, "schema_version": 3, "solution": true, "task": false}
class WriteBuffer:
    """In-memory tables per measurement, filled from line protocol."""

    def __init__(self) -> None:
        ### BEGIN SOLUTION
        self.kinds = {}  # measurement -> {key: "tag" or a field type}
        self.rows = {}  # measurement -> list of {key: value, "time": ns}
        ### END SOLUTION

    def write(self, text: str, precision: str = "auto", now: int = 0) -> list[tuple[int, str]]:
        """Append the good lines of ``text``; return the rejected ones as (line number, reason)."""
        ### BEGIN SOLUTION
        units = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9}
        if precision != "auto" and precision not in units:
            raise ValueError(f"precision must be 'auto', 'ns', 'us', 'ms' or 's', not {precision!r}")
        rejected = []
        for number, line in enumerate(text.split("\n"), start=1):
            point = parse_line(line)
            if point is None:
                continue
            if "error" in point:
                rejected.append((number, point["error"]))
                continue
            kinds = self.kinds.setdefault(point["measurement"], {})
            wanted = {key: "tag" for key, _ in point["tags"]}
            wanted.update({key: kind for key, kind, _ in point["fields"]})
            if any(kinds.get(key, kind) != kind for key, kind in wanted.items()):
                rejected.append((number, "conflict"))
                continue
            kinds.update(wanted)
            row = dict(point["tags"])
            row.update({key: value for key, _, value in point["fields"]})
            time = point["time"]
            if time is None:
                row["time"] = now
            else:
                unit = precision
                if unit == "auto":
                    unit = ("s" if time < 5e9 else "ms" if time < 5e12
                            else "us" if time < 5e15 else "ns")
                row["time"] = time * units[unit]
            self.rows.setdefault(point["measurement"], []).append(row)
        return rejected
        ### END SOLUTION

    def table(self, measurement: str) -> pa.Table:
        """The rows of ``measurement`` as an Arrow table (tags, fields, time)."""
        ### BEGIN SOLUTION
        if measurement not in self.rows:
            raise KeyError(f"no rows for measurement {measurement!r}")
        arrow_types = {"float": pa.float64(), "int": pa.int64(), "uint": pa.uint64(),
                       "string": pa.string(), "bool": pa.bool_()}
        kinds = self.kinds[measurement]
        tags = sorted(k for k, v in kinds.items() if v == "tag")
        fields = sorted(k for k, v in kinds.items() if v != "tag")
        schema = pa.schema([(k, pa.dictionary(pa.int32(), pa.string())) for k in tags]
                           + [(k, arrow_types[kinds[k]]) for k in fields]
                           + [("time", pa.timestamp("ns"))])
        return pa.Table.from_pylist(self.rows[measurement], schema=schema)
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "write-buffer-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your class.
_buf = WriteBuffer()
check(_buf.write("cpu,host=a usage=1.5 1700000000\ncpu usage=2i 1700000001\ncpu,host=b usage=3 5"),
      [(2, "conflict")], "the rejected lines of the first write")
_t = _buf.table("cpu")
check([str(f.type) for f in _t.schema], ["dictionary<values=string, indices=int32, ordered=0>",
                                         "double", "timestamp[ns]"], "the column types of table('cpu')")
check(_t.column_names, ["host", "usage", "time"], "the column names of table('cpu')")
check(_t.to_pydict()["usage"], [1.5, 3.0], "table('cpu')['usage']")
check(_t["time"].cast(pa.int64()).to_pylist(), [1700000000 * 10**9, 5 * 10**9], "table('cpu')['time'] in ns")
check(_buf.write("cpu,host=c usage=4,up=true 1700000002000\nmem free=1u\ncpu usage=bad", "auto", 99),
      [(3, "field")], "the rejected lines of the second write")
check(_buf.table("cpu").column_names, ["host", "up", "usage", "time"], "the columns after a new field")
check(_buf.table("cpu").to_pydict()["up"], [None, None, True], "the new field 'up', null in older rows")
check(_buf.table("mem")["time"].cast(pa.int64()).to_pylist(), [99], "a line without timestamp gets now")
check_raises(_buf.table, ("disk",), KeyError, "table('disk')")
check_raises(_buf.write, ("cpu usage=1", "minutes"), ValueError, "write('cpu usage=1', 'minutes')")
print("WriteBuffer: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "write-buffer-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(22)
_types = dict(float=pa.float64(), int=pa.int64(), uint=pa.uint64(), string=pa.string(), bool=pa.bool_())
_mult = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9}


def _random_value(_t):
    return {"float": lambda: float(_rng.normal(0, 100)), "int": lambda: int(_rng.integers(-99, 99)),
            "uint": lambda: int(_rng.integers(0, 99)), "string": lambda: str(_rng.choice(["ok", "down", ""])),
            "bool": lambda: bool(_rng.random() < 0.5)}[_t]()


for _trial in range(40):
    _buf = WriteBuffer()
    _kinds = {}  # the test's own bookkeeping: (measurement, key) -> "tag" or type
    _rows = {}
    for _call in range(int(_rng.integers(1, 4))):
        _lines, _want_rejected = [], []
        _precision = str(_rng.choice(["auto", "ns", "us", "ms", "s"]))
        _now = int(_rng.integers(0, 2**40))
        for _number in range(1, int(_rng.integers(1, 25))):
            _r = _rng.random()
            if _r < 0.07:
                _lines.append(str(_rng.choice(["", "# comment", "   "])))
                continue
            if _r < 0.14:
                _bad = {"cpu": "field", "cpu,host= x=1": "tag", "cpu x=1 1.5": "timestamp", ",h=a x=1": "measurement"}
                _lines.append(str(_rng.choice(sorted(_bad))))
                _want_rejected.append((_number, _bad[_lines[-1]]))
                continue
            _m = str(_rng.choice(["cpu", "mem", "disk w"]))
            _keys = _rng.permutation(["host", "region", "usage", "count", "state", "up"])[: int(_rng.integers(1, 5))]
            _tags, _fields = [], []
            for _k in _keys:
                _k = str(_k)
                _as = _kinds.get((_m, _k)) if _rng.random() < 0.9 else None
                if _as is None:
                    _as = str(_rng.choice(["tag", "float", "int", "uint", "string", "bool"]))
                if _as == "tag":
                    _tags.append((_k, str(_rng.choice(["a", "b", "c d", "e,f"]))))
                else:
                    _fields.append((_k, _as, _random_value(_as)))
            if not _fields:
                _fields.append(("value", "float", 1.0))
            _time = None if _rng.random() < 0.2 else int(_rng.choice([
                _rng.integers(0, 5 * 10**9), _rng.integers(5 * 10**9, 5 * 10**12),
                _rng.integers(5 * 10**12, 5 * 10**15), _rng.integers(5 * 10**15, 2 * 10**18)]))
            if _precision != "auto" and _time is not None:
                _time = _time // _mult[_precision]
            _point = {"measurement": _m, "tags": sorted(_tags), "fields": _fields, "time": _time}
            _lines.append(format_line(_point))
            _wanted = {(_m, k): "tag" for k, _ in _tags} | {(_m, k): t for k, t, _ in _fields}
            if any(_kinds.get(k, t) != t for k, t in _wanted.items()):
                _want_rejected.append((_number, "conflict"))
                continue
            _kinds.update(_wanted)
            if _time is None:
                _ns = _now
            else:
                _unit = _precision
                if _unit == "auto":
                    _unit = "s" if _time < 5e9 else "ms" if _time < 5e12 else "us" if _time < 5e15 else "ns"
                _ns = _time * _mult[_unit]
            _rows.setdefault(_m, []).append({**dict(_tags), **{k: v for k, _, v in _fields}, "time": _ns})
        _text = "\n".join(_lines)
        check(_buf.write(_text, _precision, _now), _want_rejected,
              f"write(<{len(_lines)} lines>, {_precision!r}, {_now}) (trial {_trial}, call {_call})")
    # The oracle: pyarrow's own table from the accepted points, in the stated layout.
    for _m, _mrows in _rows.items():
        _tagk = sorted(k for (m, k), t in _kinds.items() if m == _m and t == "tag")
        _fieldk = sorted(k for (m, k), t in _kinds.items() if m == _m and t != "tag")
        _schema = pa.schema([(k, pa.dictionary(pa.int32(), pa.string())) for k in _tagk]
                            + [(k, _types[_kinds[(_m, k)]]) for k in _fieldk] + [("time", pa.timestamp("ns"))])
        _expected = pa.Table.from_pylist(_mrows, schema=_schema)
        _got = _buf.table(_m)
        check([(f.name, str(f.type)) for f in _got.schema], [(f.name, str(f.type)) for f in _schema],
              f"the columns and types of table({_m!r}) (trial {_trial})")
        _cast = [pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else
                          pa.int64() if f.name == "time" else f.type) for f in _schema]
        check(_got.cast(pa.schema(_cast)).to_pydict(), _expected.cast(pa.schema(_cast)).to_pydict(),
              f"the rows of table({_m!r}) (trial {_trial})")
    for _m in ("net", "CPU"):
        if _m not in _rows:
            check_raises(_buf.table, (_m,), KeyError, f"table({_m!r}) (never written)")
for _bad in ("minutes", "NS", "", "h"):
    check_raises(WriteBuffer().write, ("cpu x=1", _bad), ValueError, f"write('cpu x=1', {_bad!r})")
# The auto boundaries, exactly.
_buf = WriteBuffer()
_edges = [4_999_999_999, 5_000_000_000, 4_999_999_999_999, 5_000_000_000_000, 4_999_999_999_999_999, 5 * 10**15, 0]
check(_buf.write("\n".join(f"m x=1 {t}" for t in _edges)), [], "write of the auto-precision boundaries")
check(_buf.table("m")["time"].cast(pa.int64()).to_pylist(),
      [4_999_999_999 * 10**9, 5 * 10**15, 4_999_999_999_999 * 10**6, 5 * 10**15, 4_999_999_999_999_999 * 1000,
       5 * 10**15, 0],
      "times of the auto-precision boundaries in ns")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3: series and cardinality (2 points)
#
# A **series** is one measurement with one set of tag values: every point of `cpu,host=a,region=eu`
# belongs to it, whatever its fields and time. The **series key** names it: the measurement, then
# `,key=value` for every tag **sorted by key**, escaped as in line protocol (in the measurement,
# `,` space and `\` get a backslash before them; in tag keys and values, `,` `=` space and `\` do).
# Dix's point in the webinar is about how many series there are, the **cardinality**: the earlier
# engine kept an index entry per series, and it suffered when a tag held request ids or user ids.
#
# Write two functions:
#
# - `series_key(measurement, tags)`: the key as a `str`; `tags` is a `list` of `(key, value)`
#   tuples in any order (keys distinct).
# - `cardinality(table)`: for a table laid out as in exercise 2 (tag columns are the
#   **dictionary-typed** ones), a `dict` with `"series"`: the number of distinct combinations of
#   tag values among its rows (a null is a value too: the tag is absent from that series);
#   `"per_tag"`: a `dict` of tag name to its number of distinct non-null values; and `"driver"`:
#   the tag with the most distinct values (on a tie, the first by name; `None` if the table has no
#   tags). A table without tag columns holds one series if it has rows, none if it is empty.
#
# ```python
# series_key("cpu", [("region", "eu"), ("host", "a b")])  # -> "cpu,host=a\\ b,region=eu"
# ```
#
# Exercise id: `series-cardinality`.

# %% nbgrader={"grade": false, "grade_id": "series-cardinality", "locked": false, "schema_version": 3, "solution": true, "task": false}
def series_key(measurement: str, tags: list[tuple[str, str]]) -> str:
    """The series key: measurement, then the tags sorted by key, escaped."""
    ### BEGIN SOLUTION
    def escape(text, special):
        return "".join("\\" + ch if ch in special else ch for ch in text)

    key = escape(measurement, ", \\")
    for name, value in sorted(tags):
        key += "," + escape(name, ",= \\") + "=" + escape(value, ",= \\")
    return key
    ### END SOLUTION


def cardinality(table: pa.Table) -> dict:
    """Series count, distinct values per tag, and the tag that drives the count."""
    ### BEGIN SOLUTION
    tags = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
    columns = [table[name].to_pylist() for name in tags]
    series = set(zip(*columns, strict=True)) if tags else {()}
    per_tag = {name: len(set(col) - {None}) for name, col in zip(tags, columns, strict=True)}
    driver = min(per_tag, key=lambda name: (-per_tag[name], name)) if per_tag else None
    return {"series": len(series) if table.num_rows else 0, "per_tag": per_tag, "driver": driver}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "series-cardinality-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
check(series_key("cpu", [("region", "eu"), ("host", "a b")]), "cpu,host=a\\ b,region=eu",
      "series_key('cpu', [('region', 'eu'), ('host', 'a b')])")
check(series_key("cpu", []), "cpu", "series_key('cpu', [])")
_dict = pa.dictionary(pa.int32(), pa.string())
_t = pa.table({"host": pa.array(["a", "b", "a", "c"], _dict), "region": pa.array(["eu", "eu", "eu", None], _dict),
               "usage": [1.0, 2.0, 3.0, 4.0]})
check(cardinality(_t), {"series": 3, "per_tag": {"host": 3, "region": 1}, "driver": "host"},
      "cardinality(<4 rows: host a, b, a, c; region eu, eu, eu, null>)")
print("series and cardinality: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "series-cardinality-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(23)
_chars = list("abz09") + [",", "=", " ", "\\", "é", '"']
for _trial in range(150):
    _m = "".join(str(_rng.choice(_chars)) for _ in range(int(_rng.integers(1, 6))))
    _keys = sorted({"".join(str(_rng.choice(_chars)) for _ in range(int(_rng.integers(1, 4))))
                    for _ in range(int(_rng.integers(0, 4)))})
    _tags = [(k, "".join(str(_rng.choice(_chars)) for _ in range(int(_rng.integers(1, 5))))) for k in _keys]
    _shuffled = [_tags[i] for i in _rng.permutation(len(_tags))]
    # The oracle: the course's line protocol writer (sorted tags), cut before the field set.
    _line = format_line({"measurement": _m, "tags": _tags, "fields": [("__f", "bool", True)], "time": None})
    check(series_key(_m, _shuffled), _line[: -len(" __f=true")], f"series_key({_m!r}, {_shuffled!r})")
for _trial in range(60):
    _n = int(_rng.integers(0, 60))
    _names = [str(x) for x in _rng.permutation(["host", "region", "pod", "az"])[: int(_rng.integers(0, 4))]]
    _cols = {}
    for _name in _names:
        _k = int(_rng.integers(1, 12))
        _cols[_name] = pa.array([None if _rng.random() < 0.1 else f"{_name}-{int(_rng.integers(0, _k))}"
                                 for _ in range(_n)], pa.string()).dictionary_encode().cast(_dict)
    _cols["usage"] = pa.array(_rng.normal(50, 10, _n))
    _cols["status"] = pa.array([str(_rng.choice(["ok", "down"])) for _ in range(_n)])  # a string field, not a tag
    _cols["time"] = pa.array(list(range(_n)), pa.timestamp("ns"))
    _table = pa.table(_cols)
    # The oracles: pyarrow's group_by over the tag columns, and count_distinct per tag.
    _series = _table.group_by(_names).aggregate([]).num_rows if _names else min(_n, 1)
    _per = {n: pc.count_distinct(_table[n].cast(pa.string())).as_py() for n in _names}
    _best = max(_per.values(), default=None)
    _driver = sorted(n for n in _per if _per[n] == _best)[0] if _per else None
    check(cardinality(_table), {"series": _series, "per_tag": _per, "driver": _driver},
          f"cardinality(<{_n} rows, tags {_names}>)")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4: persist to Parquet and prune by time (4 points)
#
# InfluxDB 3 does not keep data in memory forever: it **persists** it to Parquet files laid out
# per table and time window, each sorted by tags then time, and records every file in a
# **catalog** with its time range. A query for an hour then opens only the files whose range
# overlaps that hour. Write:
#
# - `persist(table, folder)`: `table` is laid out as in exercise 2 (any rows, any order). Write
#   one Parquet file per **UTC day** of `time`, named `YYYY-MM-DD.parquet` (`day_of(ns)` from the
#   set-up cell gives that day for a time in nanoseconds), into the existing folder `folder` (a
#   `str`). Each file holds exactly that day's rows, all columns, the same schema, **sorted by the
#   tag columns** in the table's column order (ascending by the tag's text, nulls last) **then by
#   time**. Return the catalog: a `list` with one `dict` per file, sorted by file name:
#   `{"file": "2026-01-01.parquet", "min_time": int, "max_time": int, "rows": int}`, times in
#   nanoseconds. An empty table writes nothing and returns `[]`.
# - `files_to_open(catalog, start, end)`: the `"file"` names (a sorted `list`) whose rows could
#   hold a time `t` with `start <= t < end` (nanoseconds; the end is excluded), judged from the
#   catalog alone.
#
# pyarrow cannot `sort_by` a dictionary column: sort on its text (`.cast(pa.string())`). Nulls
# already sort last: do not pass `null_placement` to `pc.sort_indices` or `SortOptions` (pyarrow
# warns that this is deprecated, and a warning on stderr scores a test cell 0).
#
# ```python
# catalog = persist(table, str(scratch))
# files_to_open(catalog, start, start + 3_600 * 10**9)   # e.g. ["2026-01-01.parquet"]
# ```
#
# The hidden tests read your files back and open every file by brute force to decide which ones a
# range must open: you must never skip a file that holds a match, nor open one whose catalog
# range cannot. Exercise id: `persist-prune`.

# %% nbgrader={"grade": false, "grade_id": "persist-prune", "locked": false, "schema_version": 3, "solution": true, "task": false}
def persist(table: pa.Table, folder: str) -> list[dict]:
    """One Parquet file per UTC day, sorted by tags then time; return the catalog."""
    ### BEGIN SOLUTION
    times = table["time"].cast(pa.int64()).to_pylist()
    days = pa.array([day_of(t) for t in times], pa.string())
    tags = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
    catalog = []
    for day in sorted(set(days.to_pylist())):
        part = table.filter(pc.equal(days, day))
        keys = pa.table({**{f"k{i}": part[n].cast(pa.string()) for i, n in enumerate(tags)},
                         "time": part["time"]})
        order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in keys.column_names])
        part = part.take(order)
        name = f"{day}.parquet"
        pq.write_table(part, Path(folder) / name)
        part_times = part["time"].cast(pa.int64())
        catalog.append({"file": name, "min_time": pc.min(part_times).as_py(),
                        "max_time": pc.max(part_times).as_py(), "rows": part.num_rows})
    return catalog
    ### END SOLUTION


def files_to_open(catalog: list[dict], start: int, end: int) -> list[str]:
    """The files whose time range overlaps [start, end)."""
    ### BEGIN SOLUTION
    return sorted(e["file"] for e in catalog if e["min_time"] < end and e["max_time"] >= start)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "persist-prune-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your functions.
_day = 86_400 * 10**9
_t0 = 1_767_225_600 * 10**9  # 2026-01-01T00:00:00Z
_table = pa.table({
    "host": pa.array(["b", "a", "b", "a", None], pa.string()).dictionary_encode().cast(pa.dictionary(pa.int32(), pa.string())),
    "usage": [1.0, 2.0, 3.0, 4.0, 5.0],
    "time": pa.array([_t0 + 5, _t0 + 7, _t0 + _day + 1, _t0 + 1, _t0 + 3], pa.timestamp("ns")),
})
_lent = lend(scratch / "public")  # a folder your code may write (see the set-up cell)
_catalog = persist(_table, _lent)
check(_catalog, [{"file": "2026-01-01.parquet", "min_time": _t0 + 1, "max_time": _t0 + 7, "rows": 4},
                 {"file": "2026-01-02.parquet", "min_time": _t0 + _day + 1, "max_time": _t0 + _day + 1, "rows": 1}],
      "the catalog of persist(<5 rows over 2 days>)")
_back = pq.read_table(collect(_lent) / "2026-01-01.parquet")  # what your code wrote
check(_back.column("host").to_pylist(), ["a", "a", "b", None], "the host column of 2026-01-01.parquet")
check(_back.column("usage").to_pylist(), [4.0, 2.0, 1.0, 5.0], "the usage column of 2026-01-01.parquet")
check(files_to_open(_catalog, _t0, _t0 + 2), ["2026-01-01.parquet"], "files_to_open(catalog, t0, t0 + 2)")
check(files_to_open(_catalog, _t0 + 8, _t0 + _day + 1), [], "files_to_open(catalog, t0 + 8, t0 + day + 1)")
check(files_to_open(_catalog, 0, 2**62), ["2026-01-01.parquet", "2026-01-02.parquet"], "files_to_open(catalog, 0, 2**62)")
print("persist and prune: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "persist-prune-hidden", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(24)
_day = 86_400 * 10**9
_t0 = 1_767_225_600 * 10**9  # 2026-01-01T00:00:00Z
_dict = pa.dictionary(pa.int32(), pa.string())
for _trial in range(12):
    _n = int(_rng.integers(0, 300))
    _names = ["host", "region"][: int(_rng.integers(0, 3))]
    _cols = {}
    for _name in _names:
        _vals = [None if _rng.random() < 0.1 else f"{_name}-{int(_rng.integers(0, 5))}" for _ in range(_n)]
        _cols[_name] = pa.array(_vals, pa.string()).dictionary_encode().cast(_dict)
    _cols["usage"] = pa.array(_rng.normal(50, 10, _n))
    _times = [int(_t0 + _rng.integers(-2 * _day, 4 * _day)) for _ in range(_n)]
    _cols["time"] = pa.array(_times, pa.timestamp("ns"))
    _table = pa.table(_cols)
    _lent = lend(scratch / f"hidden-{_trial}")
    _catalog = persist(_table, _lent)
    _folder = collect(_lent)
    # The oracle for files and catalog: rows grouped by day in plain Python, sorted by Python.
    _rows = _table.cast(pa.schema([pa.field(f.name, pa.string() if f.name in _names else f.type)
                                   for f in _table.schema])).to_pylist()
    for _r, _t in zip(_rows, _times, strict=True):
        _r["time"] = _t
    _days = sorted({day_of(t) for t in _times})
    check(sorted(p.name for p in _folder.iterdir()), [f"{d}.parquet" for d in _days],
          f"the files persist wrote for {_n} rows (trial {_trial})")
    _want_catalog = []
    for _d in _days:
        _part = sorted((r for r in _rows if day_of(r["time"]) == _d),
                       key=lambda r: tuple((r[n] is None, r[n] or "") for n in _names) + (r["time"],))
        _file = pq.read_table(_folder / f"{_d}.parquet")
        check([(f.name, str(f.type)) for f in _file.schema], [(f.name, str(f.type)) for f in _table.schema],
              f"the schema of {_d}.parquet (trial {_trial})")
        _got = _file.cast(pa.schema([pa.field(f.name, pa.string() if f.name in _names else pa.int64() if f.name == "time" else f.type)
                                     for f in _file.schema])).to_pylist()
        check([tuple(r[n] for n in _names) + (r["time"],) for r in _got],
              [tuple(r[n] for n in _names) + (r["time"],) for r in _part],
              f"the tags and times of {_d}.parquet, in order (trial {_trial})")
        check(sorted((r["time"], r["usage"]) for r in _got), sorted((r["time"], r["usage"]) for r in _part),
              f"the rows of {_d}.parquet (trial {_trial})")
        _want_catalog.append({"file": f"{_d}.parquet", "min_time": min(r["time"] for r in _part),
                              "max_time": max(r["time"] for r in _part), "rows": len(_part)})
    check(_catalog, _want_catalog, f"the catalog of persist(<{_n} rows>) (trial {_trial})")
    # Pruning: the oracle opens every file and looks at every time.
    _file_times = {p.name: pq.read_table(p, columns=["time"])["time"].cast(pa.int64()).to_pylist()
                   for p in _folder.iterdir()}
    for _q in range(30):
        _start = int(_t0 + _rng.integers(-3 * _day, 5 * _day))
        _end = _start + int(_rng.choice([1, 3_600 * 10**9, _day, 3 * _day]))
        if _file_times and _rng.random() < 0.3:  # a query that starts or ends exactly on a row's time
            _edge = int(_rng.choice(sum(_file_times.values(), [])))
            _start, _end = (_edge, _edge + 1) if _rng.random() < 0.5 else (_edge - 10, _edge)
        _must = sorted(f for f, ts in _file_times.items() if any(_start <= t < _end for t in ts))
        _may = sorted(f for f, ts in _file_times.items() if ts and min(ts) < _end and max(ts) >= _start)
        _got_files = files_to_open(_catalog, _start, _end)
        for _f in _must:
            check(_f in _got_files, True, f"files_to_open(..., {_start}, {_end}) must open {_f}: it holds a match")
        check(_got_files, _may, f"files_to_open(<catalog of trial {_trial}>, {_start}, {_end})")
check(persist(pa.table({"usage": pa.array([], pa.float64()), "time": pa.array([], pa.timestamp("ns"))}),
              lend(scratch / "empty")), [], "persist(<empty table>)")
check(files_to_open([], 0, 10), [], "files_to_open([], 0, 10)")
_cat = [{"file": "b.parquet", "min_time": 10, "max_time": 20, "rows": 2},
        {"file": "a.parquet", "min_time": 20, "max_time": 30, "rows": 2}]
check(files_to_open(_cat, 20, 21), ["a.parquet", "b.parquet"], "files_to_open(<b: 10..20, a: 20..30>, 20, 21)")
check(files_to_open(_cat, 0, 10), [], "files_to_open(<b: 10..20, a: 20..30>, 0, 10)")
check(files_to_open(_cat, 31, 40), [], "files_to_open(<b: 10..20, a: 20..30>, 31, 40)")
check(files_to_open(_cat, 0, 11), ["b.parquet"], "files_to_open(<b: 10..20, a: 20..30>, 0, 11)")
### END HIDDEN TESTS

# %% [markdown]
# ## Done
#
# Press **Validate**, then go on to `query.ipynb`: downsampling, gap filling, selectors and a
# query over the in-memory buffer and the files together.
