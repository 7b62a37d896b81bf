"""Lab 01 · Topics, partitions and offsets: the checks behind ``labs/01-...ipynb``.

The lab's notebook starts with ``cluster = lab01.start()``: a seeded three-broker
cluster that already has the topics ``account-events`` (3 partitions) and
``orders-by-region`` (4 partitions). The questions:

1. create the topic ``payments`` to a spec (partitions, replication factor, retention);
2. write ``predict_partition(key, num_partitions)``, then produce one record per
   customer to ``payments`` and see the predictions hold;
3. produce the shuffled :data:`ACCOUNT_EVENTS` so each account's events read back in
   sequence order;
4. write ``RegionPartitioner``, a custom partitioner that routes by the key's region,
   and produce :data:`REGION_ORDERS` through it.

Every check grades the lab's cluster and, for 2 and 4, runs the learner's code against
Kafka's murmur2 or through a private cluster of the engine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from engine.core.cluster import Cluster
from engine.core.murmur2 import murmur2, partition_for_key
from engine.core.partitioner import Partitioner
from engine.errors import KafkaError
from engine.labs.lab import Lab
from engine.labs.question import Incorrect, NotAttempted, call_learner, require_function
from engine.labs.state import (
    count_mismatches,
    duration,
    other_overrides,
    plural,
    records_by_partition,
    require_topic,
    show,
    topic_spec_problems,
)

SEED = 1
"""The lab cluster's seed: every learner sees the same cluster."""

PAYMENTS = "payments"
PAYMENTS_PARTITIONS = 6
PAYMENTS_REPLICATION_FACTOR = 3
PAYMENTS_RETENTION_MS = 3 * 24 * 60 * 60 * 1000

CUSTOMERS = ("alice", "bob", "carol", "dave", "erin", "frank")
"""Question 2: the customers whose partitions the learner predicts, then produces."""

ACCOUNT_TOPIC = "account-events"
ACCOUNT_EVENTS = (
    ("acct-58", 2, "deposit 40"),
    ("acct-17", 3, "withdraw 20"),
    ("acct-42", 1, "opened"),
    ("acct-93", 2, "deposit 500"),
    ("acct-17", 1, "opened"),
    ("acct-42", 3, "withdraw 75"),
    ("acct-58", 1, "opened"),
    ("acct-93", 1, "opened"),
    ("acct-42", 2, "deposit 100"),
    ("acct-17", 2, "deposit 250"),
    ("acct-58", 3, "closed"),
    ("acct-93", 3, "withdraw 120"),
    ("acct-42", 4, "closed"),
)
"""Question 3: ``(account, sequence number, action)`` in the order they arrived."""

REGION_TOPIC = "orders-by-region"
REGION_PARTITIONS = {"eu": 0, "us": 1, "apac": 2}
OTHER_PARTITION = 3
REGION_ORDERS = (
    ("eu:anna", "order 1"),
    ("us:bob", "order 2"),
    ("apac:chen", "order 3"),
    ("eu:dmitri", "order 4"),
    ("latam:eva", "order 5"),
    ("us:fatima", "order 6"),
    (None, "order 7"),
    ("apac:goro", "order 8"),
    ("eu:anna", "order 9"),
)
"""Question 4: ``(key, value)`` orders to produce through the learner's partitioner."""


def _setup() -> Cluster:
    cluster = Cluster(brokers=3, seed=SEED)
    cluster.create_topic(ACCOUNT_TOPIC, partitions=3, replication_factor=1)
    cluster.create_topic(REGION_TOPIC, partitions=4, replication_factor=1)
    return cluster


lab = Lab(1, "topics-partitions-offsets", "Topics, partitions and offsets", _setup)
start = lab.start
progress = lab.progress


# ------------------------------------------------------------------ question 1
@lab.question(
    "Create a topic to a spec",
    hints=(
        "`cluster.create_topic(name, partitions=..., replication_factor=..., configs=...)` "
        "creates a topic; `configs` is a dict of topic configs such as "
        "`{\"retention.ms\": ...}`.",
        "Retention is in milliseconds: 3 days is `3 * 24 * 60 * 60 * 1000` = 259200000. "
        "The replication factor is how many brokers keep a copy of each partition; this "
        "cluster has 3 brokers.",
        "`cluster.describe_topic(\"payments\")` shows what you created. A topic's partition "
        "count can grow but never shrink: if yours is wrong, run "
        "`cluster = lab01.start()` again for a fresh cluster.",
    ),
)
def q1(cluster: Cluster) -> str:
    require_topic(cluster, PAYMENTS, missing="there is no topic `payments` in the lab's "
                  "cluster yet. Create it with `cluster.create_topic(...)`.")
    topic = cluster.describe_topic(PAYMENTS)
    problems = topic_spec_problems(topic, PAYMENTS_PARTITIONS, PAYMENTS_REPLICATION_FACTOR)
    retention = cluster.topic_config(PAYMENTS).retention_ms
    if "retention.ms" not in topic.configs:
        problems.append(f"`retention.ms` is not set on the topic, so it keeps the default "
                        f"{retention} ({duration(retention)}); expected "
                        f"{PAYMENTS_RETENTION_MS} ({duration(PAYMENTS_RETENTION_MS)})")
    elif retention != PAYMENTS_RETENTION_MS:
        problems.append(f"`retention.ms` is {retention} ({duration(retention)}), expected "
                        f"{PAYMENTS_RETENTION_MS} ({duration(PAYMENTS_RETENTION_MS)})")
    extra = other_overrides(topic, "retention.ms")
    if extra:
        problems.append(extra)
    if problems:
        raise Incorrect("; ".join(problems) + ".")
    return (f"`payments` has {PAYMENTS_PARTITIONS} partitions, each on "
            f"{PAYMENTS_REPLICATION_FACTOR} brokers, and keeps records for "
            f"{duration(PAYMENTS_RETENTION_MS)}.")


# ------------------------------------------------------------------ question 2
PREDICTION_KEYS = (*CUSTOMERS, "", "id_3", "order-17", "ключ", "🦀", "k" * 37, "x")
PREDICTION_PARTITION_COUNTS = (6, 1, 2, 3, 7, 12, 64)


def _prediction_cases() -> Iterator[tuple[str, int]]:
    for n in PREDICTION_PARTITION_COUNTS:
        for key in PREDICTION_KEYS:
            yield key, n


@lab.question(
    "Predict, then verify, a key's partition",
    answers=("predict_partition",),
    hints=(
        "The lesson's formula: `toPositive(murmur2(key_bytes)) % num_partitions`. Kafka "
        "hashes the key's bytes, so encode the string first (`key.encode()`).",
        "`from engine import partition_for_key` computes exactly that; or use `murmur2` "
        "and clear the sign bit with `& 0x7FFFFFFF` (that is `toPositive`) before `%`.",
        "To verify, produce one record per customer with `cluster.produce(\"payments\", "
        "value=..., key=customer)` and compare `meta.partition` with your prediction. "
        "Do not pass `partition=`: the point is where Kafka's partitioner puts the key.",
    ),
)
def q2(cluster: Cluster, predict_partition: Any) -> str:
    require_function(predict_partition, "predict_partition")
    for key, n in _prediction_cases():
        what = f"predict_partition({key!r}, {n})"
        got = call_learner(predict_partition, key, n, what=what)
        expected = partition_for_key(key.encode(), n)
        if isinstance(got, bool) or not isinstance(got, int):
            raise Incorrect(f"`{what}` returned {got!r} ({type(got).__name__}); "
                            "return the partition as an int.")
        if got == expected:
            continue
        message = (f"`{what}` returned {got}, but Kafka's producer puts key {key!r} in "
                   f"partition {expected} of {n}.")
        if got == murmur2(key.encode()) % n:
            message += (" Your answer is `murmur2(...) % n` on a negative hash: Kafka first "
                        "clears the sign bit (`toPositive`, `& 0x7FFFFFFF`), and that is "
                        "not what Python's `%` does with a negative number.")
        elif not 0 <= got < n:
            message += f" A topic with {n} partitions only has partitions 0 to {n - 1}."
        raise Incorrect(message)
    require_topic(cluster, PAYMENTS, missing="your `predict_partition` agrees with Kafka. "
                  "Now verify it: question 2 produces to the topic `payments` from "
                  "question 1, which does not exist yet.")
    n = cluster.num_partitions(PAYMENTS)
    found: dict[str, set[int]] = {c: set() for c in CUSTOMERS}
    for records in records_by_partition(cluster, PAYMENTS):
        for r in records:
            customer = r.key.decode("utf-8", "replace") if r.key is not None else None
            if customer in found:
                found[customer].add(r.partition)
    missing = [c for c in CUSTOMERS if not found[c]]
    if missing:
        raise Incorrect("your `predict_partition` agrees with Kafka. Now verify it: "
                        "produce one record to `payments` for each customer; there is none "
                        "yet with key " + ", ".join(repr(c) for c in missing) + ".")
    for customer in CUSTOMERS:
        expected = partition_for_key(customer.encode(), n)
        wrong = sorted(found[customer] - {expected})
        if wrong:
            raise Incorrect(
                f"a record with key {customer!r} is in partition {wrong[0]} of `payments`, "
                f"but Kafka's partitioner puts {customer!r} in partition {expected}: let the "
                "partitioner choose (no `partition=`)."
            )
    placed = ", ".join(f"{c} → {partition_for_key(c.encode(), n)}" for c in CUSTOMERS)
    return f"Your predictions match Kafka's partitioner, and the records agree: {placed}."


# ------------------------------------------------------------------ question 3
def _expected_account_order() -> dict[str, list[str]]:
    order: dict[str, list[tuple[int, str]]] = {}
    for account, seq, action in ACCOUNT_EVENTS:
        order.setdefault(account, []).append((seq, action))
    return {a: [action for _, action in sorted(events)] for a, events in order.items()}


@lab.question(
    "Keep each account's events in order",
    hints=(
        "Order holds only within one partition. Which part of a record decides its "
        "partition, so that all events of one account land together?",
        "Use the account id as the key: every event of `acct-42` then goes to the same "
        "partition. The value is the action text, e.g. `\"deposit 100\"`.",
        "Records of one partition are read in the order they were produced, so produce "
        "each account's events sorted by their sequence number, e.g. "
        "`for account, seq, action in sorted(lab01.ACCOUNT_EVENTS, key=...)`.",
    ),
)
def q3(cluster: Cluster) -> str:
    require_topic(cluster, ACCOUNT_TOPIC)
    _require_partitions(cluster, ACCOUNT_TOPIC, 3)
    partitions = records_by_partition(cluster, ACCOUNT_TOPIC)
    if not any(partitions):
        raise NotAttempted("`account-events` has no records yet. Produce the events of "
                           "`lab01.ACCOUNT_EVENTS` to it.")
    expected = _expected_account_order()
    n = len(partitions)
    for records in partitions:
        for r in records:
            where = f"the record at partition {r.partition}, offset {r.offset}"
            if r.key is None:
                raise Incorrect(f"{where} has no key: give each event its account id as "
                                "key, so one account's events share a partition.")
            account = r.key.decode("utf-8", "replace")
            if account not in expected:
                raise Incorrect(f"{where} has key {show(r.key)}, which is not one of the "
                                "accounts: " + ", ".join(sorted(expected)) + ".")
            home = partition_for_key(r.key, n)
            if r.partition != home:
                raise Incorrect(f"{where} (key {account!r}) is not where Kafka's "
                                f"partitioner puts {account!r} (partition {home}): let the "
                                "key choose the partition (no `partition=`).")
    want_counts = [0] * n
    for account, actions in expected.items():
        want_counts[partition_for_key(account.encode(), n)] += len(actions)
    off = count_mismatches([len(records) for records in partitions], want_counts)
    if off:
        raise Incorrect(f"{off}. Each event should be in the topic exactly once; if you "
                        "ran the cell twice, start again with `cluster = lab01.start()`.")
    for account, actions in sorted(expected.items()):
        home = partition_for_key(account.encode(), n)
        got = [show(r.value) for r in partitions[home] if r.key == account.encode()]
        want = [repr(a) for a in actions]
        if got != want:
            raise Incorrect(f"`{account}` reads back as {', '.join(got)}; expected "
                            f"{', '.join(want)} (sequence order).")
    return ("Every account's events are in one partition, in sequence order; "
            "the accounts themselves are spread over the partitions.")


# ------------------------------------------------------------------ question 4
def _expected_region_partition(key: bytes | None, num_partitions: int) -> int:
    """Question 4's routing: region ``eu``/``us``/``apac`` → 0/1/2, anything else → 3."""
    if key is None:
        return OTHER_PARTITION
    region = key.decode("utf-8", "replace").split(":", 1)[0] if b":" in key else None
    return REGION_PARTITIONS.get(region, OTHER_PARTITION) if region else OTHER_PARTITION


REGION_TEST_KEYS: tuple[str | None, ...] = (
    "eu:anna", "us:bob", "apac:chen", "eu:zoe", "us:yusuf", "apac:xia", "us:bob:2",
    "latam:eva", "mars:m", "anna", "", None, "eu", ":eu", "EU:anna", "africa:kofi",
    "apac:", "us:wei", "eu:émile", "apac:佐藤",
)
"""Keys the checker sends through the learner's partitioner on a private cluster."""


@lab.question(
    "Write a partitioner of your own",
    answers=("RegionPartitioner",),
    hints=(
        "A partitioner is a class with a method `partition(self, topic, key, value, "
        "num_partitions)` that returns an int. `key` is bytes, or `None` for a record "
        "without a key.",
        "Decode the key (`key.decode()`), take the part before the first `:` "
        "(`split(\":\", 1)[0]`), and look it up in `lab01.REGION_PARTITIONS`; anything "
        "else, including `None` and keys without `:`, goes to `lab01.OTHER_PARTITION`.",
        "Then produce every `(key, value)` of `lab01.REGION_ORDERS` to `orders-by-region` "
        "with `cluster.produce(..., partitioner=RegionPartitioner())`.",
    ),
)
def q4(cluster: Cluster, partitioner_class: Any) -> str:
    partitioner = _instantiate(partitioner_class)
    private = Cluster(seed=SEED)
    private.create_topic(REGION_TOPIC, partitions=4)
    for key in REGION_TEST_KEYS:
        try:
            meta = private.produce(REGION_TOPIC, value="test", key=key,
                                   partitioner=partitioner)
        except NotImplementedError:
            raise NotAttempted("`RegionPartitioner.partition` still raises "
                               "NotImplementedError: replace the stub with your code.") from None
        except KafkaError as error:
            raise Incorrect(f"producing key {key!r} through your partitioner failed, as "
                            f"it would in Kafka: {type(error).__name__}: {error.message}") \
                from None
        except Exception as error:
            raise Incorrect(f"your partitioner raised {type(error).__name__} for key "
                            f"{key!r}: {error}") from None
        encoded = None if key is None else key.encode()
        expected = _expected_region_partition(encoded, 4)
        if meta.partition != expected:
            raise Incorrect(f"key {key!r} went to partition {meta.partition}, expected "
                            f"{expected}" + _why(encoded) + ".")
    require_topic(cluster, REGION_TOPIC)
    _require_partitions(cluster, REGION_TOPIC, 4)
    partitions = records_by_partition(cluster, REGION_TOPIC)
    if not any(partitions):
        raise Incorrect("your partitioner routes every test key correctly. Now produce "
                        "`lab01.REGION_ORDERS` to `orders-by-region` through it.")
    want: list[list[tuple[bytes | None, bytes]]] = [[] for _ in partitions]
    for k, v in REGION_ORDERS:
        encoded = None if k is None else k.encode()
        want[_expected_region_partition(encoded, 4)].append((encoded, v.encode()))
    got = [[(r.key, r.value) for r in records] for records in partitions]
    if got == want:
        return ("Your partitioner routes by region, and the engine used it for every "
                "order: each region's orders share a partition, in the order produced.")
    off = count_mismatches([len(g) for g in got], [len(w) for w in want])
    if off:
        raise Incorrect(f"{off}. Produce each order of `lab01.REGION_ORDERS` once, "
                        "through your partitioner.")
    for p, (g, w) in enumerate(zip(got, want, strict=True)):
        stray = sorted(Counter(g) - Counter(w), key=repr)
        if stray:
            k, v = stray[0]
            raise Incorrect(f"partition {p} holds key {show(k)} with value {show(v)}, which "
                            "does not belong there: produce `lab01.REGION_ORDERS` as given.")
        if g != w:
            raise Incorrect(f"partition {p} holds the right orders in the wrong order: "
                            "produce `lab01.REGION_ORDERS` in the order given.")
    raise AssertionError("unreachable")  # pragma: no cover


def _require_partitions(cluster: Cluster, topic: str, expected: int) -> None:
    n = cluster.num_partitions(topic)
    if n != expected:
        raise Incorrect(f"`{topic}` has {plural(n, 'partition')}, but the lab made it with "
                        f"{expected}: start again with `cluster = lab01.start()`.")


def _instantiate(partitioner_class: Any) -> Partitioner:
    if isinstance(partitioner_class, type):
        partitioner = call_learner(partitioner_class,
                                   what=f"{partitioner_class.__name__}()")
    else:
        partitioner = partitioner_class
    if not callable(getattr(partitioner, "partition", None)):
        raise Incorrect("a partitioner needs a method `partition(self, topic, key, value, "
                        "num_partitions)`.")
    return partitioner


def _why(key: bytes | None) -> str:
    if key is None:
        return " (a record without a key goes to the `other` partition)"
    text = key.decode("utf-8", "replace")
    region = text.split(":", 1)[0] if ":" in text else None
    if region in REGION_PARTITIONS:
        return f" (region {region!r})"
    if region is None:
        return " (a key without `region:` goes to the `other` partition)"
    return f" (region {region!r} is not one of {', '.join(REGION_PARTITIONS)}: `other`)"


__all__ = [
    "ACCOUNT_EVENTS",
    "CUSTOMERS",
    "OTHER_PARTITION",
    "REGION_ORDERS",
    "REGION_PARTITIONS",
    "lab",
    "progress",
    "q1",
    "q2",
    "q3",
    "q4",
    "start",
]
