"""Resource: every call returns a reply of 400 MB.

The grader's own process would have to read and decode each reply; what it reads from a learner
process is capped (``Limits.reply_bytes``, 64 MB), so a few such students cannot exhaust the
grading machine's memory: the judge refuses the message unread. Only the exercise whose function
floods the channel should lose points.
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
