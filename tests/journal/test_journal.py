"""The journal: ordering, listeners, digest."""

from engine.journal import Journal


def test_events_are_numbered_and_listeners_see_them_in_order() -> None:
    journal = Journal()
    seen = []
    unsubscribe = journal.subscribe(seen.append)
    journal.record(0, "a", {"x": 1})
    journal.record(5, "b", {"y": [1, 2]})
    unsubscribe()
    journal.record(6, "c", {})
    assert [e.kind for e in seen] == ["a", "b"]
    assert [e.seq for e in journal] == [0, 1, 2]
    assert journal.last_seq == 2
    assert [e.kind for e in journal.since(0)] == ["b", "c"]
    assert [e.kind for e in journal.of_kind("a", "c")] == ["a", "c"]


def test_a_failing_listener_does_not_break_recording() -> None:
    journal = Journal()

    def broken(event: object) -> None:
        raise RuntimeError("view bug")

    journal.subscribe(broken)
    journal.record(0, "a", {})
    assert len(journal) == 1
    assert isinstance(journal.listener_errors[0], RuntimeError)


def test_digest_depends_on_content_and_is_incremental() -> None:
    one, two = Journal(), Journal()
    for journal in (one, two):
        journal.record(0, "a", {"k": "v", "n": 1})
    assert one.digest() == two.digest()
    first = one.digest()
    one.record(1, "b", {})
    assert one.digest() != first
    two.record(1, "b", {})
    assert one.digest() == two.digest()
    assert one.to_jsonl().count("\n") == 2


def test_event_json_is_canonical() -> None:
    journal = Journal()
    event = journal.record(3, "k", {"b": 1, "a": "é"})
    assert event.to_json() == '{"data":{"a":"é","b":1},"kind":"k","seq":0,"time_ms":3}'
