"""Lab 09 · The producer in Python: the checks behind ``labs/09-python-producer.ipynb``.

The lab's notebook starts with ``cluster = lab09.start()``: a seeded one-broker cluster
with the empty topics ``orders`` (4 partitions) and ``receipts`` (3 partitions). The
questions:

1. write ``async def send_in_order(kafka, topic, events)`` that sends ``(key, value)``
   events so that every key's events end up in one partition, in the order sent, none
   lost, with settings that keep that order when sends are retried. :func:`run_sender`
   runs it on ``orders``; the check grades the partitions, the producer's settings, and
   replays the function on a private cluster with other events;
2. write ``async def send_with_receipts(kafka, topic, values)`` that returns, for each
   value, the ``(partition, offset, timestamp)`` its send's callback reported; graded
   against the records in the log (here and on a private cluster).

Learner coroutines run through :func:`engine.labs.backend.run_coroutine`: on a fresh
event loop in a worker thread, since a notebook cell already runs inside an event loop and
``check()`` is an ordinary call.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from engine.core.cluster import Cluster
from engine.labs.backend import LabKafka as BaseLabKafka
from engine.labs.backend import run_coroutine
from engine.labs.lab import Lab
from engine.labs.question import Incorrect, NotAttempted, require_function
from engine.labs.state import plural, records_by_partition, require_topic

SEED = 9
"""The lab cluster's seed: every learner sees the same cluster."""

ORDERS = "orders"
ORDERS_PARTITIONS = 4
EVENTS: tuple[tuple[str, str], ...] = tuple(
    (f"customer-{c}", f"order {i} of customer-{c}")
    for i, c in enumerate([3, 1, 3, 7, 1, 3, 9, 7, 1, 3, 2, 9]))
"""Question 1: the events :func:`run_sender` sends, ``(key, value)`` in send order."""
HIDDEN_EVENTS: tuple[tuple[str, str], ...] = tuple(
    (f"sensor-{s}", f"reading {10 - i % 11}.{i}")
    for i, s in enumerate([5, 2, 5, 5, 8, 2, 11, 8, 5, 2, 11, 11, 4, 5, 8, 4, 2, 5]))
"""Question 1's private replay: values whose text order is not their send order."""
HIDDEN_TOPIC = ("telemetry", 5)

RECEIPTS = "receipts"
RECEIPT_VALUES = tuple(f"parcel {i}" for i in range(7))
HIDDEN_RECEIPTS = ("alerts", 4, tuple(f"alert {i}" for i in range(11)))
START_MS = 1_000
"""The lab clusters' clocks start later than 0, so that timestamps are not partitions."""


def _setup() -> Cluster:
    cluster = Cluster(brokers=1, seed=SEED)
    cluster.advance(START_MS)
    cluster.create_topic(ORDERS, partitions=ORDERS_PARTITIONS)
    cluster.create_topic(RECEIPTS, partitions=3)
    return cluster


lab = Lab(9, "python-producer", "The producer in Python", _setup)
start = lab.start
progress = lab.progress


NOT_AIOKAFKA = ("max_in_flight_requests_per_connection",)
"""Producer settings of Java's client that aiokafka's ``AIOKafkaProducer`` does not take."""


def _learners(callback: Callable[..., Any]) -> bool:
    """Whether a done callback is the learner's, not asyncio's own (a task awaiting the
    future, ``gather()``, ``wait()`` ...)."""
    inner = getattr(callback, "func", callback)  # functools.partial
    if isinstance(getattr(inner, "__self__", None), asyncio.Future):
        return False
    return not str(getattr(inner, "__module__", "") or "").startswith("asyncio")


class _NotedFuture(asyncio.Future):  # type: ignore[type-arg]
    """A send's future as the learner sees it: it completes with the producer's future
    and counts the callbacks the learner adds to it."""

    def __init__(self, kafka: LabKafka, *, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop=loop)
        self._kafka = kafka

    def add_done_callback(self, fn: Callable[..., Any], *, context: Any = None) -> None:
        if _learners(fn):
            self._kafka.callbacks += 1
        super().add_done_callback(fn, context=context)


class LabKafka(BaseLabKafka):
    """The ``kafka`` a learner's function gets: remembers the producers it made (their
    settings are part of the grade) and counts the callbacks added to their sends."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.producers: list[Any] = []
        self.callbacks = 0
        """How many done callbacks the learner's code added to send futures."""

    def producer(self, **config: Any) -> Any:
        for name in NOT_AIOKAFKA:
            if name in config:  # aiokafka's own error for a keyword it does not know
                raise TypeError("AIOKafkaProducer.__init__() got an unexpected keyword "
                                f"argument '{name}'")
        producer = super().producer(**config)
        self.producers.append(producer)
        self._note_callbacks(producer)
        return producer

    def _note_callbacks(self, producer: Any) -> None:
        """Make ``producer.send()`` return a :class:`_NotedFuture`."""
        send = producer.send

        async def noted_send(*args: Any, **kwargs: Any) -> Any:
            inner = await send(*args, **kwargs)
            outer = _NotedFuture(self, loop=inner.get_loop())

            def complete(done: asyncio.Future[Any]) -> None:
                if outer.done():
                    return
                if done.cancelled():
                    outer.cancel()
                elif done.exception() is not None:
                    outer.set_exception(done.exception())  # type: ignore[arg-type]
                else:
                    outer.set_result(done.result())

            inner.add_done_callback(complete)
            return outer

        producer.send = noted_send

    def still_running(self) -> int:
        """How many of the producers made were never stopped."""
        return sum(not p.sync.closed for p in self.producers)

    def run(self, function: Callable[..., Any], topic: str, argument: Any) -> Any:
        """Run ``function(self, topic, argument)``; note how many records ``topic`` held
        the moment it returned (:attr:`at_return`), and copy a dict it returned then:
        what its callbacks add later came too late."""
        async def call() -> Any:
            result = await function(self, topic, argument)
            self.at_return = sum(len(r) for r in records_by_partition(self.cluster, topic))
            return dict(result) if isinstance(result, dict) else result

        return run_coroutine(call)

    at_return: int | None = None


def _call(function: Callable[..., Any], kafka: LabKafka, topic: str, argument: Any, *,
          what: str) -> Any:
    try:
        return kafka.run(function, topic, argument)
    except NotImplementedError:
        raise NotAttempted(f"`{what}` still raises NotImplementedError: replace the stub "
                           "with your code.") from None
    except Exception as error:
        raise Incorrect(f"`{what}` {_raised(error)}") from None


# ------------------------------------------------------------------ question 1
def run_sender(cluster: Cluster, send_in_order: Callable[..., Any],
               events: Sequence[tuple[str, str]] = EVENTS, topic: str = ORDERS) -> None:
    """Run ``send_in_order(kafka, topic, events)`` against ``cluster``.

    Exceptions propagate (the stub's ``NotImplementedError`` too).
    """
    kafka = LabKafka(cluster)
    try:
        kafka.run(send_in_order, topic, list(events))
    except Exception as error:
        _sender_errors[cluster] = error
        raise
    finally:
        _sent_at_return[cluster] = kafka.at_return


_sent_at_return: weakref.WeakKeyDictionary[Cluster, int | None] = weakref.WeakKeyDictionary()
_sender_errors: weakref.WeakKeyDictionary[Cluster, Exception] = weakref.WeakKeyDictionary()


def _raised(error: Exception) -> str:
    """What a sender's exception means, in the check's words."""
    text = f"raised {type(error).__name__}: {error}"
    refused = [name for name in NOT_AIOKAFKA if name in str(error)]
    if isinstance(error, TypeError) and refused:
        text += (f". aiokafka's producer has no `{refused[0]}` setting; what keeps retried "
                 "sends in order and free of duplicates is idempotence: keep "
                 "`enable_idempotence=True` (and `acks=\"all\"`)")
    return text


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode(errors="replace")


def order_problems(cluster: Cluster, topic: str, events: Sequence[tuple[str, str]],
                   at_return: int | None = None) -> str | None:
    """What is wrong with ``topic`` after sending ``events`` in order, or None.

    ``at_return`` is how many records ``topic`` held when the sender returned."""
    sent_values = [value for _, value in events]
    where: dict[str, set[int]] = {}
    found: dict[str, list[str]] = {}
    for partition, records in enumerate(records_by_partition(cluster, topic)):
        for r in records:
            key, value = _text(r.key), _text(r.value)
            if value not in sent_values:
                return f"`{topic}` holds a record that was not sent: value {value!r}."
            if key is None:
                return (f"`{topic}` partition {partition} holds {value!r} without a key: send "
                        "every event with its key (`key=key.encode()`), so that the "
                        "partitioner keeps each key in one partition.")
            where.setdefault(key, set()).add(partition)
            found.setdefault(key, []).append(value)
    got = [v for values in found.values() for v in values]
    if at_return is not None and at_return < len(events) <= len(got):
        return (f"only {at_return} of {plural(len(events), 'event')} had reached `{topic}` "
                "when your function returned; the rest were still in the producer's buffer "
                "(a program that exits then loses them). `flush()` or `stop()` the producer, "
                "or use `async with`, before returning.")
    missing = [v for v in sent_values if v not in got]
    if missing:
        return (f"{plural(len(missing), 'event')} never reached `{topic}` (first: "
                f"{missing[0]!r}): `await` the sends, or `flush()`/`stop()` the producer "
                "before returning; `send()` only puts records in the producer's buffer.")
    twice = sorted({v for v in got if got.count(v) > 1})
    if twice:
        return (f"{plural(len(twice), 'event')} reached `{topic}` more than once (first: "
                f"{twice[0]!r}): send each event once (or, if you ran it twice, start again "
                "with `cluster = lab09.start()`).")
    spread = {k: sorted(p) for k, p in where.items() if len(p) > 1}
    if spread:
        key, partitions = next(iter(sorted(spread.items())))
        return (f"the events of {plural(len(spread), 'key')} are spread over several "
                f"partitions (`{key}`: partitions {partitions}): Kafka orders records only "
                "within a partition. Send with `key=` and no `partition=`: the partitioner "
                "then puts every record of a key in the same partition.")
    for key, values in sorted(found.items()):
        expected = [v for k, v in events if k == key]
        if values != expected:
            return (f"the events of `{key}` are in the order {values}, but were sent as "
                    f"{expected}: send the events in the order given, one after the other.")
    used = {p for partitions in where.values() for p in partitions}
    if len(used) == 1 and len(where) > 1:
        return (f"all {plural(len(where), 'key')} went to partition {used.pop()}: that keeps "
                "the order, but one consumer would have to read everything. Let the key "
                "choose the partition (no `partition=`).")
    return None


def settings_problems(kafka: LabKafka) -> str | None:
    """Producer settings that can lose or reorder records when a send is retried."""
    if not kafka.producers:
        return "`send_in_order` made no producer with `kafka.producer(...)`."
    for producer in kafka.producers:
        config = producer.sync.config
        if config.acks == 0:
            return ("the producer has `acks=0`: it never hears whether a record arrived, so "
                    "a lost record is never sent again. Keep `acks=\"all\"` (Kafka 4.x's "
                    "default).")
        if config.acks == 1:
            return ("the producer has `acks=1`: the leader acknowledges before the replicas "
                    "have the record, and a leader crash loses it. Use `acks=\"all\"`.")
        if not config.enable_idempotence:
            return ("the producer has `enable_idempotence=False`: when the answer to a batch "
                    "is lost, the retry writes the batch a second time (a duplicate), and a "
                    "retried batch can land behind the next one. Keep idempotence on (Kafka "
                    "4.x's default): the broker then refuses a batch whose sequence number "
                    "is out of order and drops one it already has.")
    return None


def stopped_problems(kafka: LabKafka, function: str) -> str | None:
    """Whether the function left a producer running (its buffered records unsent)."""
    running = kafka.still_running()
    if running:
        return (f"`{function}` returned with {plural(running, 'producer')} still running: "
                "stop every producer you make (`await producer.stop()`, or `async with`), "
                "so that nothing stays in its buffer and its connections close.")
    return None
    return None


@lab.question(
    "Keep every key's events in order",
    answers=("send_in_order",),
    hints=(
        "Make one producer with `kafka.producer(...)` and use it inside `async with`, so "
        "that it is stopped (and flushed) before the function returns. For each `(key, "
        "value)`, in the order given: `await producer.send(topic, value.encode(), "
        "key=key.encode())`.",
        "Order within a key needs one partition per key: give the key and let the "
        "partitioner choose (no `partition=`). Do not sort or regroup the events.",
        "Settings: keep `acks=\"all\"` and `enable_idempotence=True` (Kafka 4.x's defaults, "
        "which `kafka.producer()` already uses); never `acks=0` or `acks=1`.",
    ),
)
def q1(cluster: Cluster, send_in_order: Any) -> str:
    require_function(send_in_order, "send_in_order",
                     signature="send_in_order(kafka, topic, events)")
    require_topic(cluster, ORDERS)
    if not any(records_by_partition(cluster, ORDERS)):
        if cluster in _sender_errors and not isinstance(_sender_errors[cluster],
                                                        NotImplementedError):
            raise Incorrect(f"your run {_raised(_sender_errors[cluster])}.")
        if any(e.kind == "producer_created" for e in cluster.journal):
            raise Incorrect(f"your run made a producer, but nothing reached `{ORDERS}`: "
                            "`send()` only puts records in the producer's buffer; `flush()` "
                            "or `stop()` the producer (or use `async with`) before returning.")
        raise NotAttempted(f"`{ORDERS}` is empty: run `lab09.run_sender(cluster, "
                           "send_in_order)` after writing `send_in_order`.")
    problem = order_problems(cluster, ORDERS, EVENTS, _sent_at_return.get(cluster))
    if problem:
        raise Incorrect(f"in your run, {problem}")
    topic, partitions = HIDDEN_TOPIC
    private = Cluster(brokers=1, seed=SEED + 100)
    private.advance(START_MS)
    private.create_topic(topic, partitions=partitions)
    kafka = LabKafka(private)
    _call(send_in_order, kafka, topic, list(HIDDEN_EVENTS),
          what=f"send_in_order(kafka, {topic!r}, events)")
    problem = (settings_problems(kafka)
               or order_problems(private, topic, HIDDEN_EVENTS, kafka.at_return)
               or stopped_problems(kafka, "send_in_order"))
    if problem:
        raise Incorrect(f"with the checker's events on the topic `{topic}`, {problem}")
    keys = len({k for k, _ in HIDDEN_EVENTS})
    return (f"Every key's events sit in one partition, in the order sent, none lost, with "
            f"`acks=all` and idempotence on; also for the checker's {len(HIDDEN_EVENTS)} "
            f"events of {keys} keys on `{topic}`.")


# ------------------------------------------------------------------ question 2
def receipt_problems(cluster: Cluster, topic: str, values: Sequence[str],
                     receipts: Any) -> str | None:
    """How ``receipts`` ({value: (partition, offset, timestamp)}) disagree with the log."""
    if not isinstance(receipts, dict):
        return (f"`send_with_receipts` returned {type(receipts).__name__}; expected a dict "
                "from each value to `(partition, offset, timestamp)`.")
    log = {}
    for partition, records in enumerate(records_by_partition(cluster, topic)):
        for r in records:
            log[_text(r.value)] = (partition, r.offset, r.timestamp)
    missing = [v for v in values if v not in receipts]
    if missing:
        return (f"{len(missing)} of the {len(values)} receipts are missing (first: "
                f"{missing[0]!r}): a callback runs only once the broker has answered; wait "
                "for every send (`await producer.flush()`, or stop the producer) before "
                "returning.")
    for value in values:
        receipt = receipts[value]
        if not (isinstance(receipt, tuple | list) and len(receipt) == 3):
            return (f"the receipt of {value!r} is {receipt!r}; expected a tuple "
                    "`(partition, offset, timestamp)`.")
        if value not in log:
            return f"{value!r} is not in `{topic}`: send every value once."
        partition, offset, timestamp = log[value]
        got = tuple(receipt)
        if got[:2] != (partition, offset):
            return (f"the receipt of {value!r} says partition {got[0]!r} offset {got[1]!r}, "
                    f"but the record is at partition {partition} offset {offset}: take them "
                    "from the metadata the future holds (`future.result()`).")
        if got[2] != timestamp:
            if got[2] == partition:
                return (f"the receipt of {value!r} has the timestamp {got[2]!r}, which is its "
                        "partition: the bug of a widely copied Java callback. The timestamp "
                        "is `metadata.timestamp`.")
            return (f"the receipt of {value!r} has the timestamp {got[2]!r}; the record's "
                    f"timestamp is {timestamp}: use `metadata.timestamp`.")
    return None


def callback_problems(kafka: LabKafka) -> str | None:
    """Whether the receipts came from callbacks, as the question asks."""
    if kafka.callbacks == 0:
        return ("no send's future got a callback: the receipts came from awaiting the "
                "sends (`send_and_wait()`, `await future` or `gather()`), not from callbacks. "
                "This question practises callbacks: `future.add_done_callback(on_done)` on "
                "the future each `send()` returns, then one `flush()` at the end.")
    return None


def run_receipts(cluster: Cluster, send_with_receipts: Callable[..., Any],
                 values: Sequence[str] = RECEIPT_VALUES, topic: str = RECEIPTS) -> Any:
    """Run ``send_with_receipts(kafka, topic, values)`` against ``cluster``; keep and
    return what it returned (question 2 grades it against the log)."""
    receipts = LabKafka(cluster).run(send_with_receipts, topic, list(values))
    _receipts[cluster] = receipts
    return receipts


_receipts: weakref.WeakKeyDictionary[Cluster, Any] = weakref.WeakKeyDictionary()


@lab.question(
    "Receipts from callbacks",
    answers=("send_with_receipts",),
    hints=(
        "For each value: `future = await producer.send(topic, value.encode())`, then "
        "`future.add_done_callback(on_done)`. `on_done(future)` gets the completed future; "
        "`future.result()` is the record's metadata.",
        "In `on_done`, store `receipts[value] = (m.partition, m.offset, m.timestamp)`: "
        "define the callback inside the loop (or use `functools.partial`) so that it knows "
        "its value.",
        "Callbacks run after the broker answered: `await producer.flush()` (or leave the "
        "`async with` block) before returning the dict.",
    ),
)
def q2(cluster: Cluster, send_with_receipts: Any) -> str:
    require_function(send_with_receipts, "send_with_receipts",
                     signature="send_with_receipts(kafka, topic, values)")
    require_topic(cluster, RECEIPTS)
    if cluster not in _receipts:
        raise NotAttempted("no receipts yet: run `receipts = lab09.run_receipts(cluster, "
                           "send_with_receipts)` after writing `send_with_receipts`.")
    problem = receipt_problems(cluster, RECEIPTS, RECEIPT_VALUES, _receipts[cluster])
    if problem:
        raise Incorrect(f"in your run, {problem}")
    topic, partitions, values = HIDDEN_RECEIPTS
    private = Cluster(brokers=1, seed=SEED + 200)
    private.advance(START_MS + 777)
    private.create_topic(topic, partitions=partitions)
    kafka = LabKafka(private)
    receipts = _call(send_with_receipts, kafka, topic, list(values),
                     what=f"send_with_receipts(kafka, {topic!r}, values)")
    problem = (receipt_problems(private, topic, values, receipts)
               or callback_problems(kafka) or stopped_problems(kafka, "send_with_receipts"))
    if problem:
        raise Incorrect(f"with the checker's values on `{topic}`, {problem}")
    return (f"Every receipt matches its record's partition, offset and timestamp, for the "
            f"checker's {len(values)} values on `{topic}` too.")


__all__ = [
    "EVENTS",
    "ORDERS",
    "RECEIPTS",
    "RECEIPT_VALUES",
    "LabKafka",
    "lab",
    "order_problems",
    "progress",
    "q1",
    "q2",
    "run_coroutine",
    "run_receipts",
    "run_sender",
    "start",
]
