"""The same scenario on two backends: the engine and a real Kafka, side by side.

``await side_by_side(scenario)`` runs ``async def scenario(kafka): ...`` once on a fresh
engine backend and once on a real broker, then shows what each run left behind as a
table, one row per observable, with the engine's value, Kafka's value and a marker on
every difference::

    async def scenario(kafka):
        await kafka.fresh_topics(NewTopic("orders", 3, 1))
        producer = kafka.producer()
        await producer.start()
        for key in (b"alice", b"bob", b"carol"):
            await producer.send_and_wait("orders", b"order", key=key)
        await producer.stop()

    comparison = await side_by_side(scenario)
    comparison.differences   # [] when the engine behaved as Kafka did

The real broker is ``real`` (``"host:port"``), else ``$KAFKA_BOOTSTRAP_SERVERS``; without
one only the engine runs and the view says how to add a broker. The scenario should create
its topics with ``kafka.fresh_topics(...)`` so it can run again on the same broker.

Observables, read from ``backend.observed`` and asked of the backend's own clients after
the scenario: the partition and offsets of each (topic, key)'s acknowledged sends; the
end offset of every partition of the topics used; each group's assignments (per client id
when every member has its own, else as a multiset, because member ids differ between
runs); committed offsets and lag per group and partition. Timestamps and ids are not
compared.

The result is a :class:`Comparison`: its ``text/plain`` and ``text/html`` are
deterministic (nbval compares them; GitHub and JupyterLab show the HTML), and a
difference is marked with ``≠`` as well as a colour, so it shows in plain text too.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any, Final, NamedTuple

ENV_BOOTSTRAP: Final = "KAFKA_BOOTSTRAP_SERVERS"
DIFFERS: Final = "≠"
SAME: Final = "="
ABSENT: Final = "—"
#: Equal rows shown per kind of observable before the rest are summarised.
MAX_ROWS: Final = 12

FOOTER: Final = ("Not compared: timestamps and ids (member, client, cluster and topic "
                 "ids), which differ on every run.")
NO_BROKER: Final = ("Only the engine ran: pass real=\"host:port\" or set "
                    "KAFKA_BOOTSTRAP_SERVERS to compare with a real broker (start one with "
                    "`python3 course.py kafka-start`, it listens on 127.0.0.1:19092).")

Scenario = Callable[[Any], Awaitable[Any]]
"""``async def scenario(kafka)``: takes a backend (see ``engine.client.connect``)."""

# Row kinds, in the order the table shows them.
SENT: Final = "sent to"
END: Final = "end offset"
ASSIGNED: Final = "assignment"
COMMITTED: Final = "committed"
LAG: Final = "lag"
KIND_ORDER: Final = (SENT, END, ASSIGNED, COMMITTED, LAG)


# ------------------------------------------------------------------ what one run left
@dataclass
class Observation:
    """What one backend's run left behind: ``values[(kind, subject)] = text``."""

    kind: str
    values: dict[tuple[str, str], str] = field(default_factory=dict)


def offsets_text(offsets: Iterable[int]) -> str:
    """Sorted offsets with runs joined: ``[0, 1, 2, 5]`` -> ``"0-2, 5"``."""
    ordered = sorted(set(offsets))
    parts: list[str] = []
    start = prev = None
    for offset in [*ordered, None]:
        if start is not None and (offset is None or offset != prev + 1):
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = None
        if offset is not None and start is None:
            start = offset
        prev = offset
    return ", ".join(parts)


def tp_text(topic: str, partition: int) -> str:
    """Kafka's ``topic-partition`` spelling."""
    return f"{topic}-{partition}"


def sends_values(sends: Iterable[Any]) -> dict[tuple[str, str], str]:
    """``(SENT, "topic key=k")`` -> ``"p1: 0-2"`` (several partitions joined by ``; ``)."""
    by_key: dict[tuple[str, str], dict[int, list[int]]] = {}
    for sent in sends:
        subject = (sent.topic, f"key={sent.key!r}")
        by_key.setdefault(subject, {}).setdefault(sent.partition, []).append(sent.offset)
    return {(SENT, f"{topic} {key}"): "; ".join(f"p{p}: {offsets_text(parts[p])}"
                                                 for p in sorted(parts))
            for (topic, key), parts in by_key.items()}


def assignment_text(assignment: Iterable[tuple[str, int]]) -> str:
    """``[("t", 0), ("t", 1)]`` -> ``"t-0, t-1"`` (``"(none)"`` when empty)."""
    parts = sorted(assignment)
    return ", ".join(tp_text(t, p) for t, p in parts) if parts else "(none)"


def assignments_values(consumers: Iterable[Any]) -> dict[tuple[str, str], str]:
    """Rows for the consumers' final assignments.

    A group whose members all have distinct client ids gets a row per client id; any other
    group one row with the multiset of its members' assignments (member ids differ between
    runs, so which member holds what is not compared). A consumer without a group (``assign``)
    gets a row of its own, numbered in creation order.
    """
    groups: dict[str, list[Any]] = {}
    values: dict[tuple[str, str], str] = {}
    for seen in sorted(consumers, key=lambda s: s.client):
        if seen.group_id is None:
            values[(ASSIGNED, f"consumer #{seen.client} (no group)")] = \
                assignment_text(seen.assignment)
        else:
            groups.setdefault(seen.group_id, []).append(seen)
    for group, members in sorted(groups.items()):
        ids = [getattr(m, "client_id", None) for m in members]
        if None not in ids and len(set(ids)) == len(ids):
            for member, client_id in zip(members, ids, strict=True):
                values[(ASSIGNED, f"{group} / {client_id}")] = assignment_text(member.assignment)
        else:
            counted = Counter(assignment_text(m.assignment) for m in members)
            values[(ASSIGNED, f"{group} ({len(members)} members)")] = " | ".join(
                f"[{text}]" + (f" x{n}" if n > 1 else "") for text, n in sorted(counted.items()))
    return values


def offsets_values(ends: Mapping[tuple[str, int], int],
                   committed: Mapping[str, Mapping[tuple[str, int], int]]
                   ) -> dict[tuple[str, str], str]:
    """End offsets per partition; committed offsets and lag per group and partition."""
    values = {(END, tp_text(*tp)): str(end) for tp, end in sorted(ends.items())}
    for group, offsets in sorted(committed.items()):
        for tp, offset in sorted(offsets.items()):
            subject = f"{group} / {tp_text(*tp)}"
            values[(COMMITTED, subject)] = str(offset)
            end = ends.get(tp)
            values[(LAG, subject)] = ABSENT if end is None else str(end - offset)
    return values


async def observe(backend: Any) -> Observation:
    """Read what ``backend``'s clients noted, and ask it for end and committed offsets."""
    from aiokafka import TopicPartition  # the type both backends' clients accept

    sends = list(backend.observed.sends)
    consumers = list(backend.observed.consumers.values())
    groups = sorted({c.group_id for c in consumers if c.group_id is not None})
    committed: dict[str, dict[tuple[str, int], int]] = {}
    partitions: list[Any] = []
    admin = backend.admin()
    await admin.start()
    try:
        used = {s.topic for s in sends} | {t for c in consumers for t, _ in c.assignment}
        for group in groups:
            offsets = await admin.list_consumer_group_offsets(group)
            # a group reused on a real broker may hold offsets of other topics, from
            # earlier runs: only the topics this run used count (all when it used none)
            committed[group] = {(tp.topic, tp.partition): om.offset
                                for tp, om in offsets.items()
                                if om.offset >= 0 and (not used or tp.topic in used)}
        topics = used | {t for offsets in committed.values() for t, _ in offsets}
        if topics:
            for described in await admin.describe_topics(sorted(topics)):
                if described["error_code"] == 0:
                    partitions += [TopicPartition(described["topic"], p["partition"])
                                   for p in sorted(described["partitions"],
                                                   key=lambda p: p["partition"])]
    finally:
        await admin.close()
    ends: dict[tuple[str, int], int] = {}
    if partitions:
        reader = backend.consumer(enable_auto_commit=False)
        await reader.start()
        try:
            found = await reader.end_offsets(partitions)
            ends = {(tp.topic, tp.partition): end for tp, end in found.items()}
        finally:
            await reader.stop()
    values = {**sends_values(sends), **assignments_values(consumers),
              **offsets_values(ends, committed)}
    return Observation(backend.kind, values)


# ------------------------------------------------------------------ the comparison
class Row(NamedTuple):
    """One observable: its kind, what it is about, and each backend's value."""

    kind: str
    subject: str
    engine: str
    kafka: str | None

    @property
    def differs(self) -> bool:
        return self.kafka is not None and self.engine != self.kafka


def _natural(text: str) -> list[Any]:
    """Digit runs compare as numbers: ``k2`` before ``k10``, ``t-9`` before ``t-10``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", text)]


def _sort_key(key: tuple[str, str]) -> tuple[int, list[Any]]:
    return KIND_ORDER.index(key[0]), _natural(key[1])


def compare(engine: Observation, kafka: Observation | None) -> list[Row]:
    """One row per observable of either run, in table order; absent values are ``—``."""
    keys = set(engine.values) | (set(kafka.values) if kafka else set())
    return [Row(kind, subject, engine.values.get((kind, subject), ABSENT),
                None if kafka is None else kafka.values.get((kind, subject), ABSENT))
            for kind, subject in sorted(keys, key=_sort_key)]


@dataclass
class Comparison:
    """The result of :func:`side_by_side`: the rows and the differences among them."""

    rows: list[Row]
    real: str | None = None
    """The real broker's address, or None when only the engine ran."""
    max_rows: int = MAX_ROWS
    """Equal rows shown per kind of observable; differences are always shown."""

    @property
    def differences(self) -> list[Row]:
        """The rows whose engine and Kafka values differ (``[]``: the same behaviour)."""
        return [row for row in self.rows if row.differs]

    def shown(self) -> tuple[list[Row], dict[str, int]]:
        """The rows to draw (every difference, and per kind equal rows up to ``max_rows``)
        and how many equal rows of each kind were left out."""
        shown: list[Row] = []
        hidden: dict[str, int] = {}
        equal: Counter[str] = Counter()
        for row in self.rows:
            if not row.differs:
                equal[row.kind] += 1
            if row.differs or equal[row.kind] <= self.max_rows:
                shown.append(row)
            else:
                hidden[row.kind] = hidden.get(row.kind, 0) + 1
        return shown, hidden

    def title(self) -> str:
        if self.real is None:
            return "The scenario on the engine"
        count = len(self.differences)
        verdict = "no differences" if count == 0 else (
            f"{count} difference" + ("" if count == 1 else "s"))
        return f"The scenario on the engine and on Kafka at {self.real}: {verdict}"

    def notes(self, hidden: Mapping[str, int]) -> list[str]:
        notes = [f"… and {n} more \"{kind}\" rows" + (", all equal." if self.real else
                                                        " (all are in .rows).")
                 for kind, n in hidden.items()]
        if not self.rows:
            notes.append("The scenario sent, consumed and committed nothing that is compared.")
        return [*notes, FOOTER if self.real else NO_BROKER]

    # ------------------------------------------------------------------ text
    def __repr__(self) -> str:
        shown, hidden = self.shown()
        header = ["", "observable", "of", "engine"] + ([] if self.real is None else ["kafka"])
        table = [header] + [
            [DIFFERS if row.differs else (SAME if self.real else ""), row.kind, row.subject,
             row.engine] + ([] if row.kafka is None else [row.kafka]) for row in shown]
        widths = [max(len(line[i]) for line in table) for i in range(len(header))]
        lines = [self.title()]
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
                  for line in table]
        return "\n".join(lines + self.notes(hidden))

    # ------------------------------------------------------------------ HTML
    def to_html(self) -> str:
        """A table with inline styles only: the same rows always give the same bytes."""
        shown, hidden = self.shown()
        heads = ["", "observable", "of", "engine"] + (
            [] if self.real is None else [f"Kafka ({self.real})"])
        head = "".join(f'<th style="{_TH}">{escape(h)}</th>' for h in heads)
        body = "".join(self._row_html(row) for row in shown)
        notes = "".join(f'<div style="{_NOTE}">{escape(n)}</div>' for n in self.notes(hidden))
        return (f'<div class="kc-side-by-side-run" data-differences="{len(self.differences)}"'
                f' style="{_ROOT}"><div style="font-weight:600;margin:2px 0 6px;">'
                f"{escape(self.title())}</div><table style=\"{_TABLE}\"><thead><tr>{head}"
                f"</tr></thead><tbody>{body}</tbody></table>{notes}</div>")

    def _row_html(self, row: Row) -> str:
        marker = DIFFERS if row.differs else (SAME if self.real else "")
        style = _TD + (_DIFF_BG if row.differs else "")
        cells = [marker, row.kind, row.subject, row.engine] + (
            [] if row.kafka is None else [row.kafka])
        title = ' title="the engine and Kafka differ"' if row.differs else ""
        tds = "".join(f'<td style="{style}{_MONO if i >= 2 else ""}">{escape(c)}</td>'
                      for i, c in enumerate(cells))
        return f'<tr class="{"kc-differs" if row.differs else "kc-same"}"{title}>{tds}</tr>'

    def _repr_html_(self) -> str:
        return self.to_html()


_FG2 = "var(--jp-ui-font-color2, #59636e)"
_BORDER = "var(--jp-border-color2, #d1d9e0)"
_ROOT = ("font-family:var(--jp-ui-font-family, system-ui, sans-serif);font-size:13px;"
         "color:var(--jp-ui-font-color1, #1f2328);margin:4px 0;")
_TABLE = "border-collapse:collapse;"
_TH = f"text-align:left;padding:3px 8px;border-bottom:2px solid {_BORDER};color:{_FG2};"
_TD = f"padding:2px 8px;border-bottom:1px solid {_BORDER};vertical-align:top;"
_MONO = "font-family:var(--jp-code-font-family, ui-monospace, Menlo, monospace);"
_DIFF_BG = "background:rgba(215,58,73,.16);color:#b31d28;font-weight:600;"
_NOTE = f"color:{_FG2};font-size:12px;margin-top:4px;"


# ------------------------------------------------------------------ running it
def real_bootstrap(real: str | None = None) -> str | None:
    """``real``, else ``$KAFKA_BOOTSTRAP_SERVERS``, else None.

    (Under pytest the root ``conftest.py`` moves that variable aside, so that nbval checks
    the stored engine-only outputs; the real-Kafka tests pass ``real`` themselves.)
    """
    for value in (real, os.environ.get(ENV_BOOTSTRAP)):
        if value and value.strip():
            return value.strip()
    return None


async def run_on(backend: Any, scenario: Scenario) -> Observation:
    """Run ``scenario`` on ``backend``, observe it, and close the backend whatever happens."""
    try:
        try:
            await scenario(backend)
        except Exception as error:
            error.add_note(f"(while running the scenario on the {backend.kind} backend)")
            raise
        return await observe(backend)
    finally:
        await backend.close()


async def side_by_side(scenario: Scenario, real: str | None = None) -> Comparison:
    """Run ``scenario`` on a fresh engine and on real Kafka; compare what they left behind."""
    if not callable(scenario):
        raise TypeError(f"scenario must be an async function of one backend, not {scenario!r}")
    from engine.client import connect
    from engine.client.connect import ENGINE_START_MS
    from engine.core.cluster import Cluster

    # the engine connect() gives when no broker is set, whatever the environment says
    engine = await run_on(connect(Cluster(brokers=1, start_ms=ENGINE_START_MS)), scenario)
    bootstrap = real_bootstrap(real)
    kafka = None if bootstrap is None else await run_on(connect(bootstrap), scenario)
    return Comparison(compare(engine, kafka), real=bootstrap)
