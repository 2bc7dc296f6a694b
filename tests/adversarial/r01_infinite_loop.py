"""Resource: an answer that never returns (the cell time limit stops it; only it loses)."""

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": "{solution}",
    "count-by-host": "{solution}",
    "bucket-start": """def bucket_start(ts_ns, width_ns):
    while True:
        pass
""",
    "rolling-mean": "{solution}",
}
