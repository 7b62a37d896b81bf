"""Lab 07 · The CLI: topics, producer and consumer: the checks behind ``labs/07-...ipynb``.

The lab's notebook starts with ``cluster = lab07.start()``: a seeded three-broker
cluster with the topic ``parcels`` (3 partitions, :data:`PARCELS` keyed records). The
learner types Kafka's commands with :func:`kafka`, which runs them with
:func:`engine.cli.run` against the lab's cluster. The questions:

1. create the topic ``payments`` to a spec with ``kafka-topics`` (partitions,
   replication factor, ``min.insync.replicas``);
2. produce :data:`PAYMENT_LINES` to ``payments`` with the console producer, keyed by
   customer (``parse.key``, ``key.separator``);
3. read ``parcels`` with the console consumer in the group ``shipping`` so that the
   group has read every record, from the first one, and committed the end.

Checks grade the cluster's state: the topic's description and configs, the records in
each partition, the group's committed offsets and where its consumers started (the
journal's ``position_reset`` and ``offsets_committed`` events), never what was printed.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable

from engine.cli import CliResult
from engine.cli import run as run_cli
from engine.core.cluster import Cluster
from engine.labs.lab import Lab
from engine.labs.offsets import committed_offsets
from engine.labs.question import Incorrect, NotAttempted
from engine.labs.state import (
    other_overrides,
    plural,
    records_by_partition,
    require_topic,
    show,
    topic_spec_problems,
)

SEED = 7
"""The lab cluster's seed: every learner sees the same cluster."""

PAYMENTS = "payments"
PAYMENTS_PARTITIONS = 6
PAYMENTS_REPLICATION_FACTOR = 3
PAYMENTS_MIN_ISR = 2

PAYMENT_LINES = (
    "alice:coffee 3.50",
    "bob:book 12.00",
    "alice:cake 4.20",
    "carol:tea 2.80",
    "bob:pen 1.50",
    "alice:bagel 2.10",
)
"""Question 2: the lines to produce, ``customer:payment``, in this order."""

PARCELS = "parcels"
PARCELS_PARTITIONS = 3
PARCEL_RECORDS = (
    ("berlin", "parcel 1"), ("rome", "parcel 2"), ("porto", "parcel 3"),
    ("berlin", "parcel 4"), ("prague", "parcel 5"), ("rome", "parcel 6"),
    ("porto", "parcel 7"), ("madrid", "parcel 8"), ("berlin", "parcel 9"),
)
"""Question 3: the records already in ``parcels`` (key = destination city)."""
SHIPPING_GROUP = "shipping"


def _setup() -> Cluster:
    cluster = Cluster(brokers=3, seed=SEED)
    cluster.create_topic(PARCELS, partitions=PARCELS_PARTITIONS, replication_factor=1)
    for city, parcel in PARCEL_RECORDS:
        cluster.produce(PARCELS, value=parcel, key=city)
    return cluster


lab = Lab(7, "cli-topics-producer-consumer", "The CLI: topics, producer and consumer", _setup)
start = lab.start
progress = lab.progress


def cli_for(the_lab: Lab) -> Callable[..., None]:
    """A ``kafka(command, *input_lines)`` function bound to ``the_lab``'s cluster."""

    def kafka(command: str, *input_lines: str) -> None:
        """Run one Kafka command line against the lab's cluster, as a terminal would.

        ``input_lines`` are what you would type into the console producer (or the CSV
        lines of ``kafka-consumer-groups --from-file``). What the tool prints goes to
        stdout and stderr; a non-zero exit code is printed after it.
        """
        result: CliResult = run_cli(the_lab.cluster, command, input=list(input_lines))
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
        sys.stderr.write(result.stderr)
        sys.stderr.flush()
        if result.exit_code:
            print(f"(exit code {result.exit_code})")

    return kafka


kafka = cli_for(lab)


# ------------------------------------------------------------------ question 1
@lab.question(
    "Create a topic with kafka-topics",
    hints=(
        "`kafka(\"kafka-topics --bootstrap-server localhost:9092 --create --topic payments "
        "...\")` creates a topic. Which options set the number of partitions and the "
        "replication factor?",
        "`--partitions 6 --replication-factor 3`, and a topic config with `--config "
        "min.insync.replicas=2`. Check with `--describe --topic payments`.",
        "A topic's partition count can grow but never shrink, and its replication factor "
        "does not change with `--alter`: if yours is wrong, delete the topic (`--delete "
        "--topic payments`) and create it again.",
    ),
)
def q1(cluster: Cluster) -> str:
    require_topic(cluster, PAYMENTS, missing="there is no topic `payments` in the lab's "
                  "cluster yet. Create it with `kafka-topics ... --create`.")
    topic = cluster.describe_topic(PAYMENTS)
    problems = topic_spec_problems(topic, PAYMENTS_PARTITIONS, PAYMENTS_REPLICATION_FACTOR)
    min_isr = topic.configs.get("min.insync.replicas")
    if min_isr is None:
        problems.append("`min.insync.replicas` is not set on the topic, so it keeps the "
                        f"broker's default 1; expected {PAYMENTS_MIN_ISR} (`--config "
                        "min.insync.replicas=...`)")
    elif str(min_isr) != str(PAYMENTS_MIN_ISR):
        problems.append(f"`min.insync.replicas` is {min_isr}, expected {PAYMENTS_MIN_ISR}")
    extra = other_overrides(topic, "min.insync.replicas")
    if extra:
        problems.append(extra)
    if problems:
        raise Incorrect("; ".join(problems) + ".")
    return (f"`payments` has {PAYMENTS_PARTITIONS} partitions on "
            f"{PAYMENTS_REPLICATION_FACTOR} brokers each, and an `acks=all` write needs "
            f"{PAYMENTS_MIN_ISR} in-sync replicas.")


# ------------------------------------------------------------------ question 2
def _expected_payments() -> list[tuple[str, str]]:
    return [(line.split(":", 1)[0], line.split(":", 1)[1]) for line in PAYMENT_LINES]


def _decode(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", errors="replace")


@lab.question(
    "Produce keyed records with the console producer",
    hints=(
        "`kafka(\"kafka-console-producer --bootstrap-server localhost:9092 --topic payments "
        "...\", \"alice:coffee 3.50\", ...)`: every argument after the command is one line "
        "you would type at the producer's `>` prompt.",
        "Without options, the whole line is the value and the key is empty. "
        "`--property parse.key=true` splits each line into key and value at "
        "`key.separator`, which is a tab unless you say `--property key.separator=:`.",
        "Records cannot be taken back. If `payments` already holds wrong records, delete "
        "and re-create the topic (question 1), then produce the six lines once, in order.",
    ),
)
def q2(cluster: Cluster) -> str:
    require_topic(cluster, PAYMENTS, missing="there is no topic `payments` yet: create it "
                  "first (question 1).")
    partitions = records_by_partition(cluster, PAYMENTS)
    records = [r for batch in partitions for r in batch]
    if not records:
        raise NotAttempted("`payments` is empty: produce the six lines with "
                           "`kafka-console-producer`.")
    keyless = [r for r in records if r.key is None]
    if keyless:
        example = show(keyless[0].value)
        raise Incorrect(f"{plural(len(keyless), 'record')} of `payments` have no key, such "
                        f"as the value {example}: the producer sent whole lines as values. "
                        "Add `--property parse.key=true --property key.separator=:`.")
    found = Counter((_decode(r.key), _decode(r.value)) for r in records)
    expected = Counter(_expected_payments())
    if found != expected:
        missing = sorted((expected - found).elements())
        extra = sorted((found - expected).elements())
        parts = []
        if missing:
            parts.append("missing: " + ", ".join(f"{k}:{v}" for k, v in missing))
        if extra:
            parts.append("not in the list: " + ", ".join(f"{k}:{v}" for k, v in extra))
        raise Incorrect(f"`payments` holds {plural(len(records), 'record')}, expected "
                        f"{len(PAYMENT_LINES)} ({'; '.join(parts)}). Check the key "
                        "separator, and produce each line once.")
    for customer in dict.fromkeys(k for k, _ in _expected_payments()):
        want = [v for k, v in _expected_payments() if k == customer]
        got = [_decode(r.value) for batch in partitions for r in batch
               if _decode(r.key) == customer]
        if got != want:
            raise Incorrect(f"{customer}'s payments read back as {got}, expected {want}: "
                            "produce the lines in the order given.")
    customers = dict.fromkeys(k for k, _ in _expected_payments())
    where = ", ".join(f"{c} → partition "
                      f"{next(r.partition for r in records if _decode(r.key) == c)}"
                      for c in customers)
    return f"Six keyed payments, each customer's in one partition and in order ({where})."


# ------------------------------------------------------------------ question 3
def _group_starts(cluster: Cluster, group: str, topic: str) -> dict[int, int]:
    """The lowest offset a consumer of the group ever started reading from, per partition.

    Only a consumer's own start counts (a reset policy or a committed offset it picked up):
    an offset an admin committed is not a read."""
    starts: dict[int, int] = {}
    for event in cluster.journal:
        data = event.data
        if (event.kind in ("position_reset", "position_committed")
                and data.get("group") == group and data.get("topic") == topic):
            partition, offset = data["partition"], data["offset"]
            starts[partition] = min(offset, starts.get(partition, offset))
    return starts


@lab.question(
    "Read a topic from the beginning in a group",
    hints=(
        "`kafka(\"kafka-console-consumer --bootstrap-server localhost:9092 --topic parcels "
        "--group shipping ...\")`. Where does a new group start reading by default?",
        "By default the console consumer starts at the end of each partition "
        "(`auto.offset.reset=latest`), so it skips the 9 parcels already there. "
        "`--from-beginning` starts a new group at the first record.",
        "Once the group has committed offsets, `--from-beginning` no longer applies. If "
        "the group skipped records, start over with `cluster = lab07.start()` (then redo "
        "questions 1 and 2), or reset its offsets with `kafka-consumer-groups "
        "--reset-offsets --to-earliest` (lesson 08) and read again.",
    ),
)
def q3(cluster: Cluster) -> str:
    require_topic(cluster, PARCELS)
    committed = committed_offsets(cluster, SHIPPING_GROUP, PARCELS)
    starts = _group_starts(cluster, SHIPPING_GROUP, PARCELS)
    if not committed and not starts:
        others = sorted(g.group_id for g in cluster.groups.list_groups()
                        if g.group_id != SHIPPING_GROUP)
        seen = f" (the cluster has the groups {', '.join(others)})" if others else ""
        raise NotAttempted(f"the group `{SHIPPING_GROUP}` has not read `{PARCELS}` yet{seen}: "
                           f"use `--group {SHIPPING_GROUP}`.")
    problems = []
    skipped = 0
    for p in cluster.describe_topic(PARCELS).partitions:
        start_offset = starts.get(p.partition)
        if start_offset is None:
            problems.append(f"partition {p.partition} was never read by the group")
        elif start_offset > p.log_start_offset:
            skipped += start_offset - p.log_start_offset
            problems.append(f"partition {p.partition} started at offset {start_offset}, "
                            f"after {plural(start_offset - p.log_start_offset, 'record')}")
        got = committed.get(p.partition)
        if got is None:
            problems.append(f"partition {p.partition} has no committed offset")
        elif got != p.high_watermark:
            problems.append(f"partition {p.partition} is committed at {got}, not at its end "
                            f"{p.high_watermark}")
    if problems:
        why = (f" The group skipped {plural(skipped, 'parcel')}: a new group starts at the "
               "end unless you add `--from-beginning`." if skipped else "")
        raise Incorrect("; ".join(problems) + "." + why)
    return (f"The group `{SHIPPING_GROUP}` started at the first parcel of every partition "
            "and committed the end: run the same command again and it reads nothing, "
            "`--from-beginning` or not.")


__all__ = [
    "PARCELS",
    "PARCEL_RECORDS",
    "PAYMENTS",
    "PAYMENT_LINES",
    "SHIPPING_GROUP",
    "cli_for",
    "kafka",
    "lab",
    "progress",
    "q1",
    "q2",
    "q3",
    "start",
]

