"""Data sets for the course, generated deterministically or read from packages (no downloads).

- :func:`metrics`: a realistic table of server metrics (hosts, regions, time, several fields with
  realistic distributions and some nulls), as a ``pyarrow.Table``; same seed, same bytes.
- :func:`metrics_rows`: the same records as a list of dicts (the row-oriented form).
- :func:`seattle_temperatures`: a real series, hourly Seattle temperatures in 2010 (8,759 rows),
  from the ``vega_datasets`` package (public-domain NOAA data).
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa

from course.learner.seeding import rng as make_rng

__all__ = ["METRICS_SCHEMA", "REGIONS", "metrics", "metrics_rows", "seattle_temperatures"]

REGIONS = ("eu-west", "eu-central", "us-east", "us-west", "ap-south", "ap-east")
START_NS = 1_767_225_600 * 10**9  # 2026-01-01T00:00:00Z

METRICS_SCHEMA = pa.schema(
    [
        pa.field("time", pa.timestamp("ns", tz="UTC"), nullable=False),
        pa.field("host", pa.string(), nullable=False),
        pa.field("region", pa.string(), nullable=False),
        pa.field("cpu", pa.float64()),  # percent busy, 0-100; null when the agent missed it
        pa.field("mem_used", pa.int64()),  # bytes
        pa.field("requests", pa.int64()),  # requests served in the interval
        pa.field("latency_ms", pa.float64()),  # median latency; null when no requests
        pa.field("status", pa.string(), nullable=False),  # ok, degraded or down
    ]
)


def _positive_int(name: str, value: object, example: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: pass e.g. {example}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}: pass e.g. {example}")
    return int(value)


def metrics(
    rows: int = 100_000,
    hosts: int = 50,
    interval_s: int = 10,
    null_fraction: float = 0.02,
    seed: int | None = None,
) -> pa.Table:
    """Server metrics: every host reports every ``interval_s`` seconds from 2026-01-01 UTC.

    Rows arrive in time order (all hosts' reports for one instant, then the next instant).
    ``cpu`` follows a daily cycle per host plus noise; ``requests`` is Poisson around a per-host
    rate; ``latency_ms`` is log-normal and grows with cpu; about ``null_fraction`` of ``cpu`` and
    ``mem_used`` are null (missed samples), and ``latency_ms`` is null when ``requests`` is 0.
    """
    rows = _positive_int("rows", rows, "metrics(rows=100_000)")
    hosts = _positive_int("hosts", hosts, "metrics(hosts=50)")
    interval_s = _positive_int("interval_s", interval_s, "metrics(interval_s=10)")
    if not isinstance(null_fraction, (int, float)) or not 0 <= null_fraction < 1:
        raise ValueError(f"null_fraction must be a number in [0, 1), got {null_fraction!r}")
    make_rng(seed)  # checks the seed
    return _metrics(rows, hosts, interval_s, float(null_fraction), seed)


@functools.lru_cache(maxsize=8)
def _metrics(
    rows: int, hosts: int, interval_s: int, null_fraction: float, seed: int | None
) -> pa.Table:
    """``metrics``' table, built once per set of arguments (a Table cannot be changed)."""
    # One independent stream per quantity: the first N rows are the same whatever ``rows`` is.
    streams = np.random.SeedSequence(make_rng(seed).integers(2**63)).spawn(8)
    hosts_gen, cpu_gen, req_gen, lat_gen, mem_gen, status_gen, cpu_null_gen, mem_null_gen = (
        np.random.default_rng(s) for s in streams
    )
    index = np.arange(rows)
    host_id = index % hosts
    step = index // hosts
    time_ns = START_NS + step.astype(np.int64) * interval_s * 10**9

    host_names = np.array([f"host-{h:04d}" for h in range(hosts)], dtype=object)
    host_region = hosts_gen.integers(0, len(REGIONS), size=hosts)
    base_load = hosts_gen.uniform(15, 55, size=hosts)
    phase = hosts_gen.uniform(0, 2 * np.pi, size=hosts)
    rate = hosts_gen.uniform(2, 60, size=hosts)
    mem_total = hosts_gen.choice([16, 32, 64], size=hosts) * 2**30

    day = 2 * np.pi * (step * interval_s) / 86_400
    cpu = base_load[host_id] + 20 * np.sin(day + phase[host_id]) + cpu_gen.normal(0, 6, rows)
    cpu = np.clip(cpu, 0, 100).round(2) + 0.0  # + 0.0 turns -0.0 into 0.0
    requests = req_gen.poisson(rate[host_id] * (0.5 + cpu / 100))
    latency = np.exp(lat_gen.normal(np.log(20) + cpu / 60, 0.35)).round(3)
    mem_share = np.clip(mem_gen.normal(0.55, 0.1, rows), 0.05, 0.98)
    mem_used = (mem_total[host_id] * mem_share).astype(np.int64)
    status_draw = status_gen.random(rows)
    status = np.where(status_draw < 0.002, "down", np.where(cpu > 80, "degraded", "ok"))

    cpu_null = cpu_null_gen.random(rows) < null_fraction
    mem_null = mem_null_gen.random(rows) < null_fraction
    table = pa.table(
        {
            "time": pa.array(time_ns, pa.int64()).cast(pa.timestamp("ns", tz="UTC")),
            "host": pa.array(host_names[host_id], pa.string()),
            "region": pa.array(np.array(REGIONS, dtype=object)[host_region[host_id]], pa.string()),
            "cpu": pa.array(cpu, pa.float64(), mask=cpu_null),
            "mem_used": pa.array(mem_used, pa.int64(), mask=mem_null),
            "requests": pa.array(requests, pa.int64()),
            "latency_ms": pa.array(latency, pa.float64(), mask=requests == 0),
            "status": pa.array(status.astype(object), pa.string()),
        },
        schema=METRICS_SCHEMA,
    )
    return table


def metrics_rows(rows: int = 10_000, **kwargs) -> list[dict]:
    """The records of :func:`metrics` as a list of dicts (one per row; time as int ns)."""
    table = metrics(rows, **kwargs)
    table = table.set_column(0, "time", table["time"].cast(pa.int64()))
    return table.to_pylist()


def seattle_temperatures() -> pa.Table:
    """Hourly temperatures in Seattle, 2010 (°F): columns ``time`` (timestamp) and ``temp``.

    A real series of 8,759 rows, shipped inside the ``vega_datasets`` package (public-domain
    NOAA data), so it works offline.
    """
    from vega_datasets import data

    frame = data.seattle_temps()
    return pa.table(
        {
            "time": pa.array(frame["date"].to_numpy().astype("datetime64[ns]")).cast(
                pa.timestamp("ns")
            ),
            "temp": pa.array(frame["temp"].to_numpy(), pa.float64()),
        }
    )
