"""engine/views/sidebyside.py: rows from what a run observed, the comparison, its text and
HTML, and a whole run on the engine through connect()."""

from __future__ import annotations

import asyncio
from typing import Any, NamedTuple

import pytest

from engine.views import sidebyside
from engine.views.sidebyside import (
    ABSENT,
    ASSIGNED,
    COMMITTED,
    END,
    LAG,
    SENT,
    Comparison,
    Observation,
    Row,
    assignments_values,
    compare,
    offsets_text,
    offsets_values,
    real_bootstrap,
    sends_values,
)


class Sent(NamedTuple):
    topic: str
    key: Any
    partition: int
    offset: int


class Seen(NamedTuple):
    client: int
    group_id: str | None
    assignment: tuple[tuple[str, int], ...]


class SeenWithId(NamedTuple):
    client: int
    group_id: str | None
    assignment: tuple[tuple[str, int], ...]
    client_id: str | None


# ------------------------------------------------------------------ values
@pytest.mark.parametrize(("offsets", "text"), [
    ([], ""), ([4], "4"), ([0, 1, 2], "0-2"), ([5, 0, 2, 1, 7, 8], "0-2, 5, 7-8"),
    ([3, 3, 4], "3-4"),
])
def test_offsets_text_joins_runs(offsets: list[int], text: str) -> None:
    assert offsets_text(offsets) == text


def test_sends_are_grouped_per_topic_and_key() -> None:
    sends = [Sent("t", b"a", 1, 0), Sent("t", b"b", 0, 0), Sent("t", b"a", 1, 1),
             Sent("u", b"a", 2, 0), Sent("t", None, 2, 0), Sent("t", None, 0, 1)]
    assert sends_values(sends) == {
        (SENT, "t key=b'a'"): "p1: 0-1",
        (SENT, "t key=b'b'"): "p0: 0",
        (SENT, "u key=b'a'"): "p2: 0",
        (SENT, "t key=None"): "p0: 1; p2: 0",
    }


def test_group_assignments_are_a_multiset_when_client_ids_are_not_distinct() -> None:
    consumers = [Seen(0, "g", (("t", 0), ("t", 1))), Seen(1, "g", (("t", 2),)),
                 Seen(2, "g", ()), Seen(3, "h", ()), Seen(4, "h", ()),
                 Seen(5, None, (("t", 1),))]
    values = assignments_values(consumers)
    assert values == {
        (ASSIGNED, "consumer #5 (no group)"): "t-1",
        (ASSIGNED, "g (3 members)"): "[(none)] | [t-0, t-1] | [t-2]",
        (ASSIGNED, "h (2 members)"): "[(none)] x2",
    }
    # which member holds what does not matter: swapped holders give the same row
    swapped = [Seen(0, "g", (("t", 2),)), Seen(1, "g", ()), Seen(2, "g", (("t", 0), ("t", 1)))]
    assert assignments_values(swapped)[(ASSIGNED, "g (3 members)")] == \
        values[(ASSIGNED, "g (3 members)")]


def test_group_assignments_are_per_client_id_when_every_member_has_its_own() -> None:
    distinct = [SeenWithId(0, "g", (("t", 0),), "c1"), SeenWithId(1, "g", (("t", 1),), "c2")]
    assert assignments_values(distinct) == {(ASSIGNED, "g / c1"): "t-0",
                                            (ASSIGNED, "g / c2"): "t-1"}
    shared = [SeenWithId(0, "g", (("t", 0),), "c"), SeenWithId(1, "g", (("t", 1),), "c")]
    assert list(assignments_values(shared)) == [(ASSIGNED, "g (2 members)")]


def test_end_committed_and_lag() -> None:
    ends = {("t", 1): 7, ("t", 0): 5}
    committed = {"g": {("t", 0): 3, ("t", 1): 7}, "h": {("x", 0): 2}}
    assert offsets_values(ends, committed) == {
        (END, "t-0"): "5", (END, "t-1"): "7",
        (COMMITTED, "g / t-0"): "3", (LAG, "g / t-0"): "2",
        (COMMITTED, "g / t-1"): "7", (LAG, "g / t-1"): "0",
        (COMMITTED, "h / x-0"): "2", (LAG, "h / x-0"): ABSENT,
    }


# ------------------------------------------------------------------ comparison
def _observation(kind: str, **extra: str) -> Observation:
    values = {(SENT, "t key=b'a'"): "p1: 0", (END, "t-0"): "0", (END, "t-1"): "1",
              (COMMITTED, "g / t-1"): "1"}
    values.update({(END, k): v for k, v in extra.items()})
    return Observation(kind, values)


def test_compare_orders_rows_by_kind_and_marks_differences() -> None:
    rows = compare(_observation("engine"), _observation("kafka", **{"t-1": "2", "t-2": "0"}))
    assert [(r.kind, r.subject) for r in rows] == [
        (SENT, "t key=b'a'"), (END, "t-0"), (END, "t-1"), (END, "t-2"), (COMMITTED, "g / t-1")]
    comparison = Comparison(rows, real="127.0.0.1:19092")
    assert comparison.differences == [Row(END, "t-1", "1", "2"), Row(END, "t-2", ABSENT, "0")]


def test_equal_runs_have_no_differences_and_say_so() -> None:
    comparison = Comparison(compare(_observation("engine"), _observation("kafka")),
                            real="127.0.0.1:19092")
    assert comparison.differences == []
    text = repr(comparison)
    assert text.splitlines()[0].endswith(": no differences")
    assert "≠" not in text
    assert sidebyside.FOOTER in text


def test_text_marks_each_difference_with_a_character() -> None:
    comparison = Comparison(compare(_observation("engine"), _observation("kafka", **{"t-1": "2"})),
                            real="h:9092")
    lines = repr(comparison).splitlines()
    assert lines[0] == "The scenario on the engine and on Kafka at h:9092: 1 difference"
    assert lines[1].split() == ["observable", "of", "engine", "kafka"]
    [marked] = [line for line in lines if line.startswith("≠")]
    assert marked.split() == ["≠", "end", "offset", "t-1", "1", "2"]
    assert sum(line.startswith("=") for line in lines) == 3


def test_html_is_deterministic_escaped_and_highlights_differences() -> None:
    def build() -> Comparison:
        engine = _observation("engine")
        engine.values[(SENT, "t key=b'<x>'")] = "p0: 0"
        return Comparison(compare(engine, _observation("kafka", **{"t-1": "2"})), real="h:9092")

    html = build().to_html()
    assert html == build()._repr_html_()
    assert 'data-differences="2"' in html  # t-1 differs, the <x> key is absent on Kafka
    assert html.count('class="kc-differs"') == 2 and html.count('class="kc-same"') == 3
    assert "&lt;x&gt;" in html and "<x>" not in html
    assert "<script" not in html and "<style" not in html
    assert ">≠</td>" in html and "Kafka (h:9092)" in html


def test_without_a_broker_only_the_engine_column_and_a_hint() -> None:
    comparison = Comparison(compare(_observation("engine"), None), real=None)
    assert comparison.differences == []
    text = repr(comparison)
    assert text.splitlines()[0] == "The scenario on the engine"
    assert "kafka" not in text.splitlines()[1]
    assert "KAFKA_BOOTSTRAP_SERVERS" in text and "course.py kafka-start" in text
    assert "Kafka (" not in comparison.to_html()


def test_equal_rows_past_the_limit_are_summarised_per_kind_but_differences_stay() -> None:
    engine = Observation("engine", {(END, f"t-{i}"): "1" for i in range(10)})
    engine.values.update({(COMMITTED, f"g / t-{i}"): "0" for i in range(5)})
    kafka = Observation("kafka", dict(engine.values))
    kafka.values[(END, "t-9")] = "2"
    comparison = Comparison(compare(engine, kafka), real="h:9092", max_rows=3)
    shown, hidden = comparison.shown()
    assert [r.subject for r in shown] == ["t-0", "t-1", "t-2", "t-9", "g / t-0", "g / t-1",
                                          "g / t-2"]
    assert hidden == {END: 6, COMMITTED: 2}
    text = repr(comparison)
    assert '… and 6 more "end offset" rows, all equal.' in text
    assert '… and 2 more "committed" rows, all equal.' in text


def test_rows_sort_numbers_as_numbers() -> None:
    engine = Observation("engine", {(SENT, f"t key=b'k{i}'"): "p0: 0" for i in (10, 2, 1)})
    engine.values.update({(END, f"t-{i}"): "0" for i in (11, 3)})
    assert [r.subject for r in compare(engine, None)] == [
        "t key=b'k1'", "t key=b'k2'", "t key=b'k10'", "t-3", "t-11"]


def test_real_bootstrap_prefers_the_argument_then_the_standard_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setenv("COURSE_REAL_KAFKA", "a:1")  # the test suite's own: never read
    assert real_bootstrap() is None
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "b:2")
    assert real_bootstrap() == "b:2"
    assert real_bootstrap(" c:3 ") == "c:3"


def test_a_scenario_must_be_callable() -> None:
    with pytest.raises(TypeError, match="async function of one backend"):
        asyncio.run(sidebyside.side_by_side("not a function"))  # type: ignore[arg-type]


# ------------------------------------------------------------------ a run on the engine
TOPIC = "sbs-orders"


async def keyed_scenario(kafka: Any) -> None:
    """Keyed sends (awaited and batched), a group of two that reads all and commits part."""
    from aiokafka.admin import NewTopic

    await kafka.fresh_topics(NewTopic(TOPIC, 3, 1))
    producer = kafka.producer()
    await producer.start()
    for key in (b"alice", b"bob", b"carol", b"alice"):
        await producer.send_and_wait(TOPIC, b"order", key=key)
    for i in range(6):
        await producer.send(TOPIC, b"x", key=b"k%d" % i)
    await producer.flush()
    await producer.stop()
    consumers = [kafka.consumer(TOPIC, group_id="sbs-billing", auto_offset_reset="earliest",
                                enable_auto_commit=False) for _ in range(2)]
    for consumer in consumers:
        await consumer.start()
    seen = 0
    for _ in range(50):
        for consumer in consumers:
            seen += sum(len(b) for b in (await consumer.getmany(timeout_ms=100)).values())
        if seen >= 10:
            break
    assert seen == 10
    await consumers[0].commit()


@pytest.fixture
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_REAL_KAFKA", raising=False)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)


def test_side_by_side_on_the_engine_alone_observes_everything(no_broker: None) -> None:
    comparison = asyncio.run(sidebyside.side_by_side(keyed_scenario))
    assert comparison.real is None
    assert "Only the engine ran" in repr(comparison) and "127.0.0.1:19092" in repr(comparison)
    rows = {(r.kind, r.subject): r.engine for r in comparison.rows}
    assert all(r.kafka is None for r in comparison.rows)
    # the engine's murmur2 placement of the keys: alice and bob share a partition, so
    # alice's second record (sent after bob's) is at offset 2
    from engine.core.murmur2 import murmur2
    alice = (murmur2(b"alice") & 0x7FFFFFFF) % 3
    assert alice == (murmur2(b"bob") & 0x7FFFFFFF) % 3 == 0
    assert rows[(SENT, f"{TOPIC} key=b'alice'")] == "p0: 0, 2"
    assert rows[(SENT, f"{TOPIC} key=b'bob'")] == "p0: 1"
    assert sum(int(rows[(END, f"{TOPIC}-{p}")]) for p in range(3)) == 10
    assert rows[(ASSIGNED, "sbs-billing (2 members)")].count("[") == 2
    committed = {k[1]: int(v) for k, v in rows.items() if k[0] == COMMITTED}
    lags = {k[1]: int(v) for k, v in rows.items() if k[0] == LAG}
    assert committed and set(committed) == set(lags)
    for subject, offset in committed.items():
        assert lags[subject] == int(rows[(END, subject.split(" / ")[1])]) - offset


def test_side_by_side_output_is_the_same_every_run(no_broker: None) -> None:
    first = asyncio.run(sidebyside.side_by_side(keyed_scenario))
    second = asyncio.run(sidebyside.side_by_side(keyed_scenario))
    assert repr(first) == repr(second) and first.to_html() == second.to_html()


def test_a_failing_scenario_names_the_backend(no_broker: None) -> None:
    async def failing(kafka: Any) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom") as caught:
        asyncio.run(sidebyside.side_by_side(failing))
    assert "on the engine backend" in "".join(caught.value.__notes__)


def test_in_a_notebook_the_output_is_text_and_html_and_the_same_every_run(
        no_broker: None, tmp_path: Any) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from tools.execute_notebooks import execute_notebook

    scenario = '''\
from aiokafka.admin import NewTopic
from engine.views.sidebyside import side_by_side

async def scenario(kafka):
    await kafka.fresh_topics(NewTopic("nb-orders", 2, 1))
    producer = kafka.producer()
    await producer.start()
    for key in (b"a", b"b", b"c"):
        await producer.send_and_wait("nb-orders", b"v", key=key)'''
    path = tmp_path / "sbs.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(scenario),
                                       new_code_cell("await side_by_side(scenario)")]), path)
    execute_notebook(path)
    first = path.read_bytes()
    [output] = nbformat.read(path, as_version=4).cells[1].outputs
    assert output.output_type == "execute_result"
    assert output.data["text/plain"].startswith("The scenario on the engine\n")
    assert "nb-orders key=b'a'" in output.data["text/plain"]
    assert output.data["text/html"].startswith('<div class="kc-side-by-side-run"')
    changed, _ = execute_notebook(path)
    assert not changed and path.read_bytes() == first
