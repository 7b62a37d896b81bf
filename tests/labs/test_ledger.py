"""The labs' ledger: records written by write_to_ledger read back as RecordIds."""

import pytest

from engine.checker.processing import RecordId
from engine.core.cluster import Cluster
from engine.labs.ledger import ledger_processed, write_to_ledger
from engine.labs.question import Incorrect


def test_a_ledger_reads_back_what_was_written_in_order() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("pay-ments", partitions=2)
    cluster.create_topic("books", partitions=1)
    for partition in (1, 0, 1):
        cluster.produce("pay-ments", b"v", partition=partition)
    records = [r for p in (1, 0) for r in cluster.fetch("pay-ments", p, 0, 10)]
    for record in records:
        write_to_ledger(cluster, record, "books")
    assert ledger_processed(cluster, "books") == [
        RecordId("pay-ments", 1, 0), RecordId("pay-ments", 1, 1), RecordId("pay-ments", 0, 0)]


def test_a_record_without_its_source_is_refused() -> None:
    cluster = Cluster(brokers=1)
    cluster.create_topic("ledger", partitions=1)
    cluster.produce("ledger", b"sneaked in")
    with pytest.raises(Incorrect, match="offset 0 has no `source` header"):
        ledger_processed(cluster)
