"""Forged score: the worker's reply to "give me the graded names" also carries the answer's own
check and check_raises (the encoder is wrapped), so every test would call them. A reply with
names the grader did not ask for fails the test cell, so even the correct bucket-start earns
nothing once the encoder is patched."""

CLASS = "forged"
HONEST: set[str] = set()
ANSWERS = {
    "mean-of-valid": """{wrong}

import course.grading.rpc as _rpc

_encode = _rpc.Endpoint._encode


def _forge(self, value):
    if isinstance(value, tuple) and len(value) == 3 and isinstance(value[2], dict):
        noop = lambda *args, **kwargs: None  # noqa: E731
        value = (value[0], value[1], {**value[2], "check": noop, "check_raises": noop})
    return _encode(self, value)


_rpc.Endpoint._encode = _forge
""",
    "count-by-host": "{wrong}",
    "bucket-start": "{solution}",
}
