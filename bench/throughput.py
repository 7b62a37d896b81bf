"""Engine throughput and memory: ``make bench`` (or ``python -m bench.throughput``).

Scenario from the foundation issue: produce 200,000 keyed records to a topic with 3
partitions, then read every record back, end to end on the simulated cluster. Beside
it, a plain-Python floor does the least any Kafka-like store must do: hash each key
with murmur2 into a list per partition, then walk the lists. Memory is measured in a
fresh process that holds 1,000,000 records.

Two key sets are measured, because the engine caches key hashes: keys drawn from
10,000 customers (hot keys repeat, as in most real topics), and 200,000 distinct keys.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from engine import Cluster
from engine.core import partitioner
from engine.core.murmur2 import murmur2

N = 200_000
PARTITIONS = 3
FETCH = 500


def make_records(n: int, distinct_keys: int) -> list[tuple[bytes, bytes]]:
    return [(f"customer-{i % distinct_keys}".encode(), f"order-{i}".encode()) for i in range(n)]


def engine_batch(records: list[tuple[bytes, bytes]]) -> int:
    """produce_batch in producer-sized chunks, then fetch every partition to the end."""
    c = Cluster(seed=0)
    c.create_topic("bench", partitions=PARTITIONS)
    for start in range(0, len(records), 10_000):
        c.produce_batch("bench", records[start : start + 10_000])
    return read_all(c)


def engine_single(records: list[tuple[bytes, bytes]]) -> int:
    """One produce() call per record, then fetch every partition to the end."""
    c = Cluster(seed=0)
    c.create_topic("bench", partitions=PARTITIONS)
    produce = c.produce
    for key, value in records:
        produce("bench", value, key)
    return read_all(c)


def read_all(c: Cluster) -> int:
    seen = 0
    for p in range(PARTITIONS):
        offset = 0
        while True:
            batch = c.fetch("bench", p, offset, FETCH)
            if not batch:
                break
            seen += len(batch)
            offset = batch[-1].offset + 1
    return seen


def floor(records: list[tuple[bytes, bytes]]) -> int:
    """Plain lists plus murmur2 per record, no cache: the reference floor."""
    logs: list[list[tuple[bytes, bytes]]] = [[] for _ in range(PARTITIONS)]
    for key, value in records:
        logs[(murmur2(key) & 0x7FFFFFFF) % PARTITIONS].append((key, value))
    return sum(1 for log in logs for _ in log)


def measure(fn: Callable[[list[tuple[bytes, bytes]]], int],
            records: list[tuple[bytes, bytes]], repeat: int) -> float:
    """Median records per second over ``repeat`` runs (key-hash cache cleared each run)."""
    rates = []
    for _ in range(repeat):
        partitioner._hash_cache.clear()
        start = time.perf_counter()
        seen = fn(records)
        elapsed = time.perf_counter() - start
        assert seen == len(records), (seen, len(records))
        rates.append(len(records) / elapsed)
    return statistics.median(rates)


def hold_million() -> dict[str, float]:
    """Run in a child process: hold 1,000,000 records and report peak RSS."""
    c = Cluster(seed=0)
    c.create_topic("bench", partitions=PARTITIONS)
    for start in range(0, 1_000_000, 10_000):
        c.produce_batch(
            "bench",
            [(f"customer-{i % 10_000}".encode(), f"order-{i}".encode())
             for i in range(start, start + 10_000)],
        )
    held = sum(p.log_end_offset - p.log_start_offset
               for p in c.describe_topic("bench").partitions)
    return {"records": held, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child-hold-million", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_hold_million:
        print(json.dumps(hold_million()))
        return
    print(f"python {sys.version.split()[0]}, {N:,} records of ~20 bytes, {PARTITIONS} "
          f"partitions, median of {args.repeat} runs")
    for label, distinct in (("10,000 distinct keys", 10_000), ("200,000 distinct keys", N)):
        records = make_records(N, distinct)
        print(f"\n{label}:")
        for name, fn in (("engine, produce_batch + fetch", engine_batch),
                         ("engine, produce() each + fetch", engine_single),
                         ("floor: lists + murmur2", floor)):
            print(f"  {name:<32}{measure(fn, records, args.repeat):>10,.0f} msg/s")
    child = subprocess.run(
        [sys.executable, "-m", "bench.throughput", "--child-hold-million"],
        capture_output=True, text=True, check=True,
    )
    held = json.loads(child.stdout)
    print(f"\nholding {held['records']:,.0f} records: peak RSS {held['peak_rss_mb']:.0f} MB")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"this process: peak RSS {own:.0f} MB")


if __name__ == "__main__":
    main()
