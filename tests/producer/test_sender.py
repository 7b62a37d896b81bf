"""The Sender: acks, retries on the simulated clock, delivery.timeout.ms, broker errors."""

from __future__ import annotations

from engine.core import Cluster
from engine.core.errors import KafkaTimeoutError, MessageSizeTooLargeError
from engine.producer import Producer


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
    # the restarted broker registers once its old session expires (KRaft), is elected
    # leader again, and the next retry after that gets through
    back = [e.time_ms for e in cluster.journal.of_kind("leader_elected")
            if e.data["leader"] == 1][-1]
    assert back <= sent.time_ms < back + 100
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
