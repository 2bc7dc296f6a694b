"""Resource: a reply of a few hundred bytes that is a DAG of shared lists (2**40 as a tree).

The codec keeps shared references; expanded by ``repr`` in a failing check (or by ``==`` or
``hash``) it took the judge days. Now the value is counted as a tree. mean_of_valid returns the
DAG: the learner's own encoder refuses it. count_by_host forges the reply bytes in its process (a
dict whose key is a DAG of shared tuples, which the judge would hash while decoding): the
judge's decoder refuses it in a millisecond and the process is replaced. Only those two
exercises lose points.
"""

CLASS = "resource"
HONEST = {"bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """def mean_of_valid(values):
    dag = []
    for _ in range(40):
        dag = [dag, dag]
    return dag
""",
    "count-by-host": """import struct as _struct

import course.grading.rpc as _rpc

_real_encode = _rpc.encode


def _forged_dict() -> bytes:
    u32 = lambda n: _struct.pack(">I", n)
    # memo indices: the reply's "r" is 0, the dict 1, the innermost tuple 2, the next one 3...
    key = b"t" + u32(0)
    for level in range(1, 41):  # each tuple: the one before, twice
        key = b"t" + u32(2) + key + b"m" + u32(level + 1)
    return b"d" + u32(1) + key + b"N"


def _encode(value, *args, **kwargs):
    if type(value) is tuple and len(value) == 3 and value[0] == "r" and value[2] == "DAG":
        return _real_encode(("r", value[1], None), *args, **kwargs)[:-1] + _forged_dict()
    return _real_encode(value, *args, **kwargs)


_rpc.encode = _encode


def count_by_host(records):
    return "DAG"
""",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
