"""The labs' ledger: where a processing step writes each record it processed (labs 04, 10).

The lab's own ``process(record)`` copies the record to the ledger topic with a ``source``
header naming where it came from (``topic-partition@offset``); reading the ledger back
tells a checker what was processed, how often and in what order, whatever the learner's
code printed.
"""

from __future__ import annotations

from engine.checker.processing import RecordId
from engine.core.cluster import Cluster
from engine.core.records import ConsumerRecord
from engine.labs.question import Incorrect
from engine.labs.state import records_by_partition

LEDGER = "ledger"
SOURCE_HEADER = "source"


def write_to_ledger(cluster: Cluster, record: ConsumerRecord, ledger: str = LEDGER) -> None:
    """Copy ``record`` to partition 0 of ``ledger``, tagged with where it came from."""
    origin = RecordId(record.topic, record.partition, record.offset)
    cluster.produce(ledger, value=record.value, key=record.key, partition=0,
                    headers=[(SOURCE_HEADER, str(origin).encode())])


def ledger_processed(cluster: Cluster, ledger: str = LEDGER) -> list[RecordId]:
    """What was processed, in order: the ``source`` header of each ledger record."""
    found = []
    for records in records_by_partition(cluster, ledger):
        for r in records:
            source = dict(r.headers).get(SOURCE_HEADER)
            if source is None:
                raise Incorrect(f"the record at `{ledger}` offset {r.offset} has no "
                                f"`{SOURCE_HEADER}` header: only `process(record)` should "
                                f"write to `{ledger}`.")
            where, offset = source.decode().rsplit("@", 1)
            topic, partition = where.rsplit("-", 1)
            found.append(RecordId(topic, int(partition), int(offset)))
    return found
