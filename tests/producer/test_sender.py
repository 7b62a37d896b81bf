"""The Sender: acks, retries on the simulated clock, delivery.timeout.ms, broker errors."""

from __future__ import annotations

import asyncio

from engine.core import Cluster
from engine.core.errors import KafkaTimeoutError, MessageSizeTooLargeError
from engine.producer import AIOKafkaProducer, Producer


def rf3(**configs: object) -> tuple[Cluster, int, list[int]]:
    cluster = Cluster(brokers=3, seed=0, controller="dedicated")
    cluster.create_topic("t", 1, 3, configs=configs or None)
    leader = cluster.partition_leader("t", 0)
    assert leader is not None
    return cluster, leader, [b for b in cluster.brokers if b != leader]


def test_not_enough_replicas_is_retried_until_the_delivery_timeout() -> None:
    cluster, _, followers = rf3(**{"min.insync.replicas": 2})
    for broker in followers:
        cluster.kill_broker(broker)
    cluster.advance(10000)
    producer = Producer(cluster, linger_ms=0, retry_backoff_ms=1000)
    start = cluster.now_ms
    future = producer.send("t", b"x")
    producer.flush()
    error = future.exception()
    assert isinstance(error, KafkaTimeoutError)
    assert error.message == (
        "Expiring 1 record(s) for t-0:120000 ms has passed since batch creation")
    assert cluster.now_ms - start == 120000
    retries = cluster.journal.of_kind("send_retried")
    assert {e.data["error"] for e in retries} == {"NotEnoughReplicasError"}
    assert [e.time_ms - start for e in retries[:3]] == [0, 1000, 2000]
    assert len(retries) == 120
    assert cluster.describe_topic("t").partitions[0].log_end_offset == 0  # never written
    (failed,) = cluster.journal.of_kind("send_failed")
    assert failed.data["attempts"] == 120 and failed.data["error"] == "KafkaTimeoutError"


def test_a_broker_down_then_back_gets_the_record_through() -> None:
    cluster = Cluster(1, seed=0)
    cluster.create_topic("t", 1)
    producer = Producer(cluster, linger_ms=0)
    cluster.kill_broker(1)
    future = producer.send("t", b"x")
    cluster.advance(2050)
    assert not future.done()
    cluster.restart_broker(1)
    producer.flush()
    assert future.result().offset == 0
    retries = cluster.journal.of_kind("send_retried")
    assert retries[0].data["error"] == "KafkaConnectionError"
    (sent,) = cluster.journal.of_kind("batch_sent")
    assert sent.data["attempt"] == len(retries) + 1
    # the restarted broker registers once its old session expires (KRaft) and is elected
    # leader again; the new leader ends the batch's backoff at once (KIP-580)
    back = [e.time_ms for e in cluster.journal.of_kind("leader_elected")
            if e.data["leader"] == 1][-1]
    assert sent.time_ms == back < retries[-1].data["retry_at_ms"]
    assert "LeaderNotAvailableError" in {e.data["error"] for e in retries}


def test_a_broker_down_for_good_expires_the_batch_with_its_own_timeout() -> None:
    cluster = Cluster(1, seed=0)
    cluster.create_topic("t", 1)
    producer = Producer(cluster, linger_ms=0, request_timeout_ms=1000,
                        delivery_timeout_ms=5000)
    cluster.kill_broker(1)
    futures = [producer.send("t", b"x"), producer.send("t", b"y")]
    producer.flush()
    assert cluster.now_ms == 5000
    assert {str(f.exception()) for f in futures} == {
        "[Error 7] KafkaTimeoutError: Expiring 2 record(s) for t-0:5000 ms has passed "
        "since batch creation"}


def test_acks_all_stays_in_flight_until_a_dead_follower_is_dropped() -> None:
    cluster, _, followers = rf3()
    cluster.kill_broker(followers[0])
    producer = Producer(cluster, linger_ms=0)
    future = producer.send("t", b"a")
    cluster.advance(0)
    assert not future.done()
    producer.flush()
    assert future.result().offset == 0 and cluster.now_ms == 9000
    assert not cluster.journal.of_kind("send_retried")


def test_acks_1_does_not_wait_for_followers() -> None:
    cluster, _, followers = rf3()
    cluster.kill_broker(followers[0])
    producer = Producer(cluster, linger_ms=0, acks=1)
    future = producer.send("t", b"a")
    producer.flush()
    assert future.result().offset == 0 and cluster.now_ms == 0


def test_a_batch_the_broker_refuses_fails_at_once() -> None:
    cluster = Cluster(1)
    cluster.create_topic("t", 1, configs={"max.message.bytes": 200})
    producer = Producer(cluster)
    futures = [producer.send("t", b"x" * 60) for _ in range(3)]
    producer.flush()
    assert all(isinstance(f.exception(), MessageSizeTooLargeError) for f in futures)
    assert not cluster.journal.of_kind("send_retried")
    assert cluster.journal.of_kind("send_failed")[0].data["count"] == 3


def waits(cluster: Cluster) -> list[int]:
    """How long each retry waited (``retry_at_ms`` less the time it was scheduled)."""
    return [e.data["retry_at_ms"] - e.time_ms for e in cluster.journal.of_kind("send_retried")]


def dead_broker_run(seed: int = 0, **config: object) -> tuple[Cluster, object]:
    cluster = Cluster(1, seed=seed)
    cluster.create_topic("t", 1)
    cluster.kill_broker(1)
    producer = Producer(cluster, linger_ms=0, **config)
    future = producer.send("t", b"x")
    producer.flush()
    return cluster, future


def test_retries_back_off_exponentially_with_jitter_up_to_retry_backoff_max_ms() -> None:
    cluster, future = dead_broker_run(request_timeout_ms=1000, delivery_timeout_ms=20000)
    assert isinstance(future.exception(), KafkaTimeoutError)  # type: ignore[attr-defined]
    got = waits(cluster)
    for attempt, wait in enumerate(got[:-1]):  # the last wait is cut at the deadline
        term = 100 * 2 ** min(attempt, 3.3219280948873626)
        assert int(0.8 * term) <= wait <= min(int(1.2 * term), 1000)
    assert got[:4] != [100, 200, 400, 800]  # jittered
    # from the fifth retry on: the ceiling, less up to 20% jitter
    assert max(got) == 1000 and all(800 <= wait <= 1000 for wait in got[4:-1])
    # the jitter comes from the cluster's seed: the same run gives the same waits
    assert waits(dead_broker_run(request_timeout_ms=1000, delivery_timeout_ms=20000)[0]) == got
    assert waits(dead_broker_run(1, request_timeout_ms=1000,
                                 delivery_timeout_ms=20000)[0]) != got


def test_retry_backoff_max_ms_sets_the_ceiling() -> None:
    cluster, _ = dead_broker_run(request_timeout_ms=1000, delivery_timeout_ms=20000,
                                 retry_backoff_ms=50, retry_backoff_max_ms=300)
    assert max(waits(cluster)) == 300 and min(waits(cluster)) >= 40


def test_no_backoff_still_moves_the_clock_and_the_batch_expires() -> None:
    cluster, future = dead_broker_run(retry_backoff_ms=0, request_timeout_ms=1000,
                                      delivery_timeout_ms=3000)
    assert str(future.exception()) == (  # type: ignore[attr-defined]
        "[Error 7] KafkaTimeoutError: Expiring 1 record(s) for t-0:3000 ms has passed "
        "since batch creation")
    assert cluster.now_ms == 3000 and set(waits(cluster)) == {1}  # at least 1 ms each


def test_no_backoff_does_not_hang_the_asyncio_sender_task() -> None:
    cluster = Cluster(1, seed=0)
    cluster.create_topic("t", 1)
    cluster.kill_broker(1)

    async def main() -> BaseException | None:
        async with AIOKafkaProducer(cluster=cluster, linger_ms=0, retry_backoff_ms=0,
                                    request_timeout_ms=1000,
                                    delivery_timeout_ms=3000) as producer:
            fut = await producer.send("t", b"x")
            await asyncio.wait_for(asyncio.wait([fut]), timeout=30)  # real seconds
            return fut.exception()

    error = asyncio.run(main())
    assert isinstance(error, KafkaTimeoutError) and cluster.now_ms == 3000


def test_a_new_leader_ends_the_backoff_at_once() -> None:
    cluster, leader, _ = rf3()
    producer = Producer(cluster, linger_ms=0, retry_backoff_ms=700)
    cluster.kill_broker(leader)
    future = producer.send("t", b"x")
    producer.flush()
    assert future.result().offset == 0  # type: ignore[union-attr]
    (elected,) = [e for e in cluster.journal.of_kind("leader_elected")
                  if e.data["previous_leader"] == leader]
    (sent,) = cluster.journal.of_kind("batch_sent")
    last_retry = cluster.journal.of_kind("send_retried")[-1]
    assert last_retry.time_ms < elected.time_ms < last_retry.data["retry_at_ms"]
    assert sent.time_ms == elected.time_ms


def test_unknown_topic_or_partition_is_retried_and_auto_create_brings_it_back() -> None:
    cluster = Cluster(1, seed=0)
    cluster.create_topic("t", 1)
    producer = Producer(cluster, linger_ms=100)
    future = producer.send("t", b"x")
    cluster.delete_topic("t")
    producer.flush()
    assert future.result().offset == 0  # type: ignore[union-attr]
    (retry,) = cluster.journal.of_kind("send_retried")
    assert retry.data["error"] == "UnknownTopicOrPartitionError"
    assert cluster.journal.of_kind("batch_sent")[0].time_ms == retry.data["retry_at_ms"]


def test_unknown_topic_or_partition_without_auto_create_expires() -> None:
    cluster = Cluster(1, seed=0, configs={"auto.create.topics.enable": "false"})
    cluster.create_topic("t", 1)
    producer = Producer(cluster, linger_ms=100, request_timeout_ms=1000,
                        delivery_timeout_ms=5000)
    future = producer.send("t", b"x")
    cluster.delete_topic("t")
    producer.flush()
    assert isinstance(future.exception(), KafkaTimeoutError)
    assert {e.data["error"] for e in cluster.journal.of_kind("send_retried")} == {
        "UnknownTopicOrPartitionError"}
