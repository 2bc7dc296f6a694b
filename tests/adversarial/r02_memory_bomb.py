"""Resource: a memory bomb in an answer (the address-space limit stops it; only it loses)."""

CLASS = "resource"
HONEST = {"mean-of-valid", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": "{solution}",
    "count-by-host": """def count_by_host(records):
    hog = [bytearray(1 << 30) for _ in range(64)]
    return {"a": len(hog)}
""",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
