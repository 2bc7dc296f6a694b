"""Resource: every call returns a reply of hundreds of megabytes (just under the channel's cap).

The grader's own process has to read and decode each reply; what it may receive must stay
bounded so a few such students cannot exhaust the grading machine's memory. Only the exercise
whose function floods the channel should lose points.
"""

CLASS = "resource"
HONEST = {"count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {
    "mean-of-valid": """def mean_of_valid(values):
    return b"x" * 400_000_000
""",
    "count-by-host": "{solution}",
    "bucket-start": "{solution}",
    "rolling-mean": "{solution}",
}
