"""Mutants for 00-orientation: plausible wrong answers, each of which must lose points.

Format: see course/authoring/mutants_file.py. An entry states its mistake as edits of the answer
cell ('# - <solution line>' then '# + <new line>', each group matching exactly once) or, where the
code really is different, as whole functions that replace the cell's functions of the same name
(the others keep the solution's code) and import what they use themselves.
"""


# %% mutant mean-of-valid: divides by every value, nulls included
# - return sum(valid) / len(valid)
# + return sum(valid) / len(values)

# %% mutant mean-of-valid: truthiness test drops zeros as if they were missing
# - valid = [v for v in values if v is not None]
# + valid = [v for v in values if v]

# %% mutant mean-of-valid: reports 0.0 when there is nothing to average
# - return None
# + return 0.0

# %% mutant mean-of-valid: statistics.mean fails on an empty selection
def mean_of_valid(values):
    import statistics

    return statistics.mean(v for v in values if v is not None)

# %% mutant count-by-host: counts missing hosts under None
def count_by_host(records):
    from collections import Counter

    return dict(Counter(r.get("host") for r in records))

# %% mutant count-by-host: r["host"] fails on records without the key
def count_by_host(records):
    counts = {}
    for r in records:
        if r["host"] is not None:
            counts[r["host"]] = counts.get(r["host"], 0) + 1
    return counts

# %% mutant count-by-host: starts each count at 1 before adding one
def count_by_host(records):
    counts = {}
    for r in records:
        host = r.get("host")
        if host is not None:
            counts[host] = counts.get(host, 1) + 1
    return counts

# %% mutant count-by-host: `if host:` drops the empty-string host, which the text calls a host name
def count_by_host(records):
    counts = {}
    for record in records:
        host = record.get("host")
        if host:
            counts[host] = counts.get(host, 0) + 1
    return counts

# %% mutant bucket-start: float division truncates toward zero and loses precision
# -     raise ValueError(f"width_ns must be positive, got {width_ns}")
# - return ts_ns - ts_ns % width_ns
# +     raise ValueError("width must be positive")
# + return int(ts_ns / width_ns) * width_ns

# %% mutant bucket-start: math.floor on a float loses nanoseconds at today's timestamps
def bucket_start(ts_ns, width_ns):
    import math

    if width_ns <= 0:
        raise ValueError("width must be positive")
    return math.floor(ts_ns / width_ns) * width_ns

# %% mutant bucket-start: returns the end of the bucket, not its start
# -     raise ValueError(f"width_ns must be positive, got {width_ns}")
# - return ts_ns - ts_ns % width_ns
# +     raise ValueError("width must be positive")
# + return (ts_ns // width_ns + 1) * width_ns

# %% mutant bucket-start: only rejects a zero width, not a negative one
# - if width_ns <= 0:
# -     raise ValueError(f"width_ns must be positive, got {width_ns}")
# + if width_ns == 0:
# +     raise ValueError("width must not be zero")

# %% mutant rolling-mean: emits the first mean one position late
def rolling_mean(values, window):
    if window < 1:
        raise ValueError("window must be at least 1")
    return [None if i < window else sum(values[i - window + 1 : i + 1]) / window
            for i in range(len(values))]

# %% mutant rolling-mean: partial means at the start instead of None
def rolling_mean(values, window):
    if window < 1:
        raise ValueError("window must be at least 1")
    out = []
    for i in range(len(values)):
        part = values[max(0, i - window + 1) : i + 1]
        out.append(sum(part) / len(part))
    return out

# %% mutant rolling-mean: slice stops one short, averaging window - 1 values
def rolling_mean(values, window):
    if window < 1:
        raise ValueError("window must be at least 1")
    return [None if i < window - 1 else sum(values[i - window + 1 : i]) / window
            for i in range(len(values))]

# %% mutant rolling-mean: centred window instead of trailing
def rolling_mean(values, window):
    if window < 1:
        raise ValueError("window must be at least 1")
    half = window // 2
    out = []
    for i in range(len(values)):
        lo, hi = i - half, i - half + window
        out.append(None if lo < 0 or hi > len(values) else sum(values[lo:hi]) / window)
    return out

# %% mutant rolling-mean: a window as long as the whole list is treated as too long
def rolling_mean(values, window):
    if window < 1:
        raise ValueError("window must be at least 1")
    if window >= len(values):
        return [None] * len(values)
    return [None if i < window - 1 else sum(values[i - window + 1 : i + 1]) / window
            for i in range(len(values))]

# %% mutant rolling-mean: an empty list returns [] before the window is checked
def rolling_mean(values, window):
    if not values:
        return []
    if window < 1:
        raise ValueError("window must be at least 1")
    return [None if i < window - 1 else sum(values[i - window + 1 : i + 1]) / window
            for i in range(len(values))]

# %% alternative mean-of-valid: statistics.fmean after filtering
def mean_of_valid(values):
    import statistics

    valid = [v for v in values if v is not None]
    return statistics.fmean(valid) if valid else None

# %% alternative count-by-host: returns a collections.Counter (a dict subclass)
def count_by_host(records):
    from collections import Counter

    return Counter(r["host"] for r in records if r.get("host") is not None)

# %% alternative bucket-start: floor division, then multiply
def bucket_start(ts_ns, width_ns):
    if width_ns <= 0:
        raise ValueError("width_ns must be positive")
    return (ts_ns // width_ns) * width_ns

# %% alternative rolling-mean: a sum over each window slice, in a comprehension
def rolling_mean(values, window):
    if window < 1:
        raise ValueError("window must be at least 1")
    return [
        None if i < window - 1 else sum(values[i - window + 1 : i + 1]) / window
        for i in range(len(values))
    ]
