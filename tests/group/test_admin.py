"""List, describe, lag, delete and alter, as the admin API and the CLI see groups."""

from __future__ import annotations

import pytest

from engine.core.errors import GroupIdNotFoundError, GroupNotEmptyError, UnknownMemberIdError
from engine.core.records import TopicPartition as TP
from tests.group.helpers import join, new_cluster


def _stable(cluster):
    j = join(cluster, client_id="c1")
    cluster.advance(3000)
    m = j.value.member_id
    cluster.groups.sync_group("g", m, 1, assignments={m: [TP("t", 0), TP("t", 1)]})
    return m


def test_list_and_describe() -> None:
    cluster = new_cluster()
    m = _stable(cluster)
    cluster.groups.commit_offsets("solo", {TP("t", 2): 0})
    listing = cluster.groups.list_groups()
    assert [(g.group_id, g.protocol_type, g.state) for g in listing] == [
        ("g", "consumer", "Stable"), ("solo", "", "Empty")]
    assert [g.group_id for g in cluster.groups.list_groups(states=["Stable"])] == ["g"]
    d = cluster.groups.describe_group("g")
    assert (d.state, d.protocol_type, d.protocol, d.generation) == ("Stable", "consumer",
                                                                     "range", 1)
    assert d.members[0].member_id == m and d.members[0].client_id == "c1"
    assert d.members[0].host == "/127.0.0.1" and d.members[0].group_instance_id is None
    unknown = cluster.groups.describe_group("nope")
    assert unknown.state == "Dead" and unknown.members == ()


def test_describe_offsets_and_lag() -> None:
    cluster = new_cluster()
    for i in range(6):
        cluster.produce("t", f"v{i}", partition=i % 2)
    m = _stable(cluster)
    cluster.groups.commit_offsets("g", {TP("t", 0): 1}, member_id=m, generation=1)
    rows = cluster.groups.describe_offsets("g")
    assert [(r.topic, r.partition, r.current_offset, r.log_end_offset, r.lag, r.consumer_id)
            for r in rows] == [("t", 0, 1, 3, 2, m), ("t", 1, None, 3, None, m)]
    assert cluster.groups.lag("g") == {TP("t", 0): 2, TP("t", 1): None}
    assert cluster.groups.total_lag("g") == 2


def test_delete_group() -> None:
    cluster = new_cluster()
    m = _stable(cluster)
    digest = cluster.journal.digest()
    with pytest.raises(GroupNotEmptyError, match=r"The group is not empty\."):
        cluster.groups.delete_group("g")
    with pytest.raises(GroupIdNotFoundError, match=r"The group id does not exist\."):
        cluster.groups.delete_group("nope")
    assert cluster.journal.digest() == digest
    cluster.groups.leave_group("g", m)
    cluster.groups.alter_offsets("g", {TP("t", 0): 2})
    cluster.groups.delete_group("g")
    assert cluster.groups.list_groups() == []
    assert cluster.groups.fetch_offsets("g") == {}
    last = list(cluster.journal)[-1]
    assert (last.kind, dict(last.data)) == ("group_deleted",
                                            {"group": "g", "reason": "group deleted"})


def test_delete_offsets_journals_like_expiry() -> None:
    cluster = new_cluster()
    m = _stable(cluster)
    cluster.groups.leave_group("g", m)
    cluster.groups.alter_offsets("g", {TP("t", 0): 2, TP("t", 1): 1})
    assert cluster.groups.delete_offsets("g", [TP("t", 0)]) == {TP("t", 0): None}
    (event,) = cluster.journal.of_kind("offsets_deleted")
    assert dict(event.data) == {"group": "g", "reason": "deleted by an OffsetDelete request",
                                "partitions": [["t", 0]]}
    assert list(cluster.groups.committed("g")) == [TP("t", 1)]


def test_alter_offsets_only_without_members() -> None:
    cluster = new_cluster()
    m = _stable(cluster)
    with pytest.raises(UnknownMemberIdError):
        cluster.groups.alter_offsets("g", {TP("t", 0): 2})
    cluster.groups.leave_group("g", m)
    cluster.groups.alter_offsets("g", {TP("t", 0): 2})
    assert cluster.groups.committed("g")[TP("t", 0)].offset == 2


def test_peek_group_changes_nothing() -> None:
    cluster = new_cluster()
    digest = cluster.journal.digest()
    assert cluster.groups.peek_group("g") is None
    assert not cluster.has_topic("__consumer_offsets")
    assert cluster.journal.digest() == digest
    _stable(cluster)
    digest = cluster.journal.digest()
    assert cluster.groups.peek_group("g").state == "Stable"
    assert cluster.journal.digest() == digest


def test_lag_goes_negative_when_the_commit_is_past_the_end() -> None:
    # ConsumerGroupCommand.getLag prints logEndOffset - offset with no clamp.
    cluster = new_cluster()
    cluster.produce("t", "v0", partition=0)
    m = _stable(cluster)
    cluster.groups.commit_offsets("g", {TP("t", 0): 5}, member_id=m, generation=1)
    assert cluster.groups.lag("g")[TP("t", 0)] == -4
    assert cluster.groups.total_lag("g") == -4
