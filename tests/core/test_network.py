"""Running nodes and cut links."""

from engine.core.network import Network


def test_running_nodes_reach_each_other_until_a_link_is_cut() -> None:
    net = Network([1, 2, 3])
    assert net.can_reach(1, 2) and net.can_reach(2, 2)
    assert net.cut(1, 2) and not net.cut(2, 1)
    assert not net.can_reach(2, 1) and net.can_reach(1, 3)
    assert net.cut_links() == [(1, 2)]
    assert net.restore(2, 1) and not net.restore(1, 2)
    assert net.can_reach(1, 2)


def test_a_stopped_node_reaches_nobody_and_isolation_is_every_link_cut() -> None:
    net = Network([1, 2, 3])
    net.stop(2)
    assert not net.is_running(2) and not net.can_reach(1, 2) and net.down_set == {2}
    net.start(2)
    assert net.can_reach(1, 2)
    net.cut(3, 1)
    assert not net.is_isolated(3)
    net.cut(3, 2)
    assert net.is_isolated(3)
