"""Resource: writing a huge file (the file size limit stops it; nothing else is affected)."""

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """{solution}

try:
    with open("huge.bin", "wb") as _f:
        for _ in range(1024):
            _f.write(b"x" * (1 << 20))
except OSError as exc:
    print("huge file:", exc.strerror)
try:
    with open("/tmp/huge.bin", "wb") as _f:
        for _ in range(1024):
            _f.write(b"x" * (1 << 20))
except OSError as exc:
    print("huge tmp file:", exc.strerror)
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
