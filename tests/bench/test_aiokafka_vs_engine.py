"""bench/aiokafka_vs_engine.py: the workload's records, a small run on the engine, the report,
and the message when no broker answers."""

from __future__ import annotations

import asyncio
import socket

import pytest

from bench import aiokafka_vs_engine as bench
from bench.aiokafka_vs_engine import Timing


def test_records_are_keyed_and_about_100_bytes() -> None:
    records = bench.make_records(20_001)
    assert len(records) == 20_001
    assert {len(value) for _, value in records} == {bench.VALUE_BYTES}
    assert len({key for key, _ in records}) == 10_000
    assert records[10_000][0] == records[0][0] == b"customer-0"


def test_a_small_engine_run_produces_and_reads_every_record() -> None:
    timing = asyncio.run(bench.engine_run(bench.make_records(2_000)))
    assert timing.produce_s > 0 and timing.consume_s > 0
    assert timing.total_s == timing.produce_s + timing.consume_s


def test_report_gives_rates_and_the_engine_ratio() -> None:
    engine, real = Timing(0.5, 0.1), Timing(2.0, 0.3)
    lines = bench.report(1_000, engine, real)
    assert lines[1].split()[:4] == ["engine", "(connect())", "2,000", "msg/s"]
    assert lines[2].split()[:5] == ["aiokafka", "+", "Kafka", "500", "msg/s"]
    assert lines[3].split() == ["engine", "/", "aiokafka", "4.0x", "3.0x", "3.8x"]
    assert len(bench.report(1_000, engine, None)) == 2


def test_without_a_broker_only_the_engine_runs_and_the_way_to_start_one_is_shown(
        capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bench.main(["--records", "1000", "--repeat", "1", "--bootstrap", f"127.0.0.1:{port}"])
    out = capsys.readouterr().out
    assert f"no real broker at 127.0.0.1:{port}" in out and "course.py kafka-start" in out
    assert "engine (connect())" in out and "aiokafka + Kafka" not in out
