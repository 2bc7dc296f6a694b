"""The judge's wire format: plain data round trips, subclasses arrive as their base type, handles,
shared references, and hostile bytes fail with a clear CodecError (never a crash or a hang)."""

from __future__ import annotations

import math
import struct

import pyarrow as pa
import pytest

from course.grading.codec import CodecError, Ref, decode, encode


def roundtrip(value):
    return decode(encode(value))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -1,
        2**200,
        -(2**200) + 7,
        1.5,
        -0.0,
        math.inf,
        -math.inf,
        "",
        "héllo \u2603 \U0001f600",
        "\ud800 lone surrogate",
        b"",
        b"\x00\xff" * 100,
        [],
        (),
        {},
        [1, [2, [3, (4, 5.0, None)]]],
        {"a": {"b": [1, 2]}, 3: "int key", (1, "t"): None, None: True, b"k": 1.0},
        (1, (2,), ()),
    ],
)
def test_plain_values_round_trip(value):
    got = roundtrip(value)
    assert got == value
    assert type(got) is type(value)


def test_float_specials_keep_their_identity():
    assert math.isnan(roundtrip(math.nan))
    assert math.copysign(1.0, roundtrip(-0.0)) == -1.0
    assert [type(x) for x in roundtrip([1, 1.0, True])] == [int, float, bool]


def test_shared_references_and_cycles_survive():
    inner = [1, 2]
    value = {"x": inner, "y": inner, "t": (inner, inner)}
    got = roundtrip(value)
    assert got["x"] is got["y"] is got["t"][0] is got["t"][1]
    loop: list = [1]
    loop.append(loop)
    back = roundtrip(loop)
    assert back[1] is back
    shared_tuple = (1, 2)
    got = roundtrip([shared_tuple, shared_tuple])
    assert got[0] is got[1]


def test_a_tuple_that_contains_itself_is_refused():
    holder: list = []
    t = (holder,)
    holder.append(t)
    with pytest.raises(CodecError, match="contains itself"):
        encode(t)


def test_subclasses_arrive_as_their_base_type_and_their_methods_never_run():
    class Liar(list):
        def __eq__(self, other):
            return True

        def __iter__(self):
            return iter([42])

    class Num(int):
        def __index__(self):
            return 999

    class Text(str):
        def __str__(self):
            return "lie"

    class Table(dict):
        def items(self):
            return [("lie", 1)]

    got = roundtrip([Liar([1, 2]), Num(5), Text("truth"), Table(a=1), bytearray(b"ab")])
    assert got == [[1, 2], 5, "truth", {"a": 1}, b"ab"]
    # bytearray stays bytearray: course.check tells it from bytes, so the judge must see it
    assert [type(x) for x in got] == [list, int, str, dict, bytearray]


def test_arrow_values_round_trip_and_are_validated():
    array = pa.array([1, None, 3], pa.int64())
    chunked = pa.chunked_array([[1, 2], [3]], pa.int32())
    batch = pa.record_batch({"a": [1, 2], "s": ["x", None]})
    table = pa.table({"a": pa.array([1.0, None]), "d": pa.array(["x", "x"]).dictionary_encode()})
    got = roundtrip([array, chunked, batch, table, array])
    assert got[0].equals(array) and isinstance(got[0], pa.Array)
    assert got[1].equals(chunked) and got[1].num_chunks == 2
    assert got[2].equals(batch) and isinstance(got[2], pa.RecordBatch)
    assert got[3].equals(table) and isinstance(got[3], pa.Table)
    assert got[4] is got[0]
    assert roundtrip(pa.table({"a": pa.array([], pa.int8())})).num_rows == 0
    assert roundtrip(pa.array([], pa.string())).type == pa.string()


def test_objects_need_an_export_and_come_back_through_resolve():
    class Thing:
        pass

    thing = Thing()
    with pytest.raises(CodecError, match="cannot send"):
        encode([thing])
    exported = {}

    def export(obj):
        exported[7] = obj
        return Ref(7, mine=True)

    data = encode({"f": thing}, export)
    got = decode(data, lambda ref: ("proxy", ref.id, ref.mine))
    assert got == {"f": ("proxy", 7, True)}
    with pytest.raises(CodecError, match="no handles"):
        decode(data)


def test_encoding_refuses_values_nested_too_deeply():
    deep: list = []
    for _ in range(500):
        deep = [deep]
    with pytest.raises(CodecError, match="deeper"):
        encode(deep)


def _u32(n: int) -> bytes:
    return struct.pack(">I", n)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "truncated"),
        (b"Q", "unknown tag"),
        (b"s" + _u32(10) + b"abc", "truncated"),
        (b"l" + _u32(2**31), "claims"),
        (b"d" + _u32(1) + b"l" + _u32(0) + b"N", "not hashable"),
        (b"l" + _u32(1) * 1 + b"m" + _u32(5), "back reference"),
        (b"NN", "stray bytes"),
        (b"s" + _u32(2) + b"\xff\xfe", "UTF-8"),
        (b"A\x03" + _u32(4) + b"junk", "invalid Arrow"),
        (b"A\x09" + _u32(0), "unknown Arrow kind"),
        (b"i" + _u32(2_000_000) + b"\x01" * 2_000_000, "too large"),
        ((b"l" + _u32(1)) * 1000 + b"N", "deeper"),
        (b"h" + b"\x00" * 3, "truncated"),
        (b"I" + _u32(3) + b"\x00" * 16, "claims"),
        (b"D" + _u32(2**30), "claims"),
        (b"S" + _u32(2) + _u32(1) + _u32(5) + b"abc", "truncated"),
        (b"S" + _u32(1) + _u32(2) + b"\xff\xfe", "UTF-8"),
    ],
)
def test_hostile_bytes_fail_with_a_clear_error(data, why):
    with pytest.raises(CodecError, match=why):
        decode(data)


@pytest.mark.parametrize(
    "items",
    [
        list(range(-3, 100)),
        [2**63 - 1, -(2**63), 0, 1],
        [2**63, 1, 2, 3],  # past 64 bits: sent item by item, same value
        [0.5, -0.0, math.inf, -math.inf, 1e-300],
        ["", "héllo", "\ud800 lone", "x" * 1000],
        [1, 2.0, "3", None],  # mixed: item by item
        [True, False, True, False],  # bool is not int here
        [True, 1, False, 0],  # bools and ints: item by item, each keeps its type
    ],
)
def test_lists_of_one_plain_kind_round_trip_packed_or_not(items):
    got = roundtrip(items)
    assert got == items
    assert [type(x) for x in got] == [type(x) for x in items]
    assert [str(x) for x in got] == [str(x) for x in items]  # -0.0 stays -0.0


def test_packed_lists_are_smaller_keep_nan_and_shared_references():
    ints = list(range(1000))
    assert encode(ints)[:1] == b"I" and len(encode(ints)) == 1 + 4 + 8 * 1000
    assert encode([*ints, None])[:1] == b"l"  # not one kind: item by item
    flags = [i % 3 == 0 for i in range(1000)]
    assert encode(flags)[:1] == b"V" and len(encode(flags)) == 1 + 4 + 1000
    with pytest.raises(CodecError, match="other than 0 or 1"):
        decode(b"V" + struct.pack(">I", 4) + b"\x00\x01\x02\x00")
    got = roundtrip([math.nan, 1.0, 2.0, 3.0])
    assert math.isnan(got[0]) and got[1:] == [1.0, 2.0, 3.0]
    shared = ["a", "b", "c", "d"]
    a, b = roundtrip([shared, {"k": shared}])
    assert a is b["k"] and a == shared
    a.append("e")  # a real, mutable list
    assert b["k"][-1] == "e"


def test_decoder_limits_items_and_size():
    many = encode(list(range(1000)))
    with pytest.raises(CodecError, match="too many"):
        decode(many, max_items=10)
    with pytest.raises(CodecError, match="larger than"):
        decode(many, max_bytes=100)
    with pytest.raises(CodecError, match="takes bytes"):
        decode("text")  # type: ignore[arg-type]


def test_arrow_bytes_that_lie_about_their_contents_are_rejected():
    good = encode(pa.array([1, 2, 3], pa.int64()))
    # flip bytes inside the IPC payload (past the tag, kind and length): must not crash
    for at in range(6, len(good), max(1, len(good) // 40)):
        bad = bytearray(good)
        bad[at] ^= 0xFF
        try:
            decode(bytes(bad))
        except CodecError:
            pass
