"""A Graphviz diagram of one topic's replicas across the brokers, for static output.

:func:`cluster_diagram` draws a box per broker (the active controller is named in the
title; a broker that is down, fenced or isolated says so), and inside it one node per replica of
the topic the broker holds: the partition, its role (leader, or a follower in or out of
the ISR or the ELR; "no leader" while the partition has none), and its log end offset (LEO) and
high watermark (HW) as that broker knows them, one partition under the other. It reads
only the cluster's public state (``describe_topic``, ``replicas``, ``describe_brokers``,
``controller_id``), so the DOT text is deterministic.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from engine.views.clusterstate import broker_status
from engine.views.diagram import GREY, NODE_TEXT, Diagram, quote

if TYPE_CHECKING:
    from engine import Cluster

LEADER_FILL = "#fdb462"
IN_SYNC_FILL = "#80b1d3"
OUT_OF_SYNC_FILL = "#e5e7eb"
DOWN_COLOUR = "#d1242f"


def cluster_diagram(cluster: Cluster, topic: str) -> Diagram:
    """Brokers side by side, each with the replicas of ``topic`` it holds."""
    description = cluster.describe_topic(topic)
    controller = cluster.controller_id
    title = (f"topic {topic} · controller {controller}" if controller is not None
             else f"topic {topic} · no active controller")
    lines = [
        f"digraph {quote('cluster ' + topic)} {{",
        f'  graph [rankdir=TB, bgcolor="transparent", fontname="Helvetica", fontsize=11, '
        f'fontcolor="{GREY}", nodesep=0.25, ranksep=0.25, label={quote(title)}, '
        'labelloc=t];',
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, '
        f'fontcolor="{NODE_TEXT}", color="{GREY}"];',
        f'  edge [color="{GREY}", arrowsize=0.6, fontname="Helvetica", fontsize=9, '
        f'fontcolor="{GREY}"];',
    ]
    held: dict[int, list[str]] = {b: [] for b in cluster.brokers}
    stacked: dict[int, list[str]] = {b: [] for b in cluster.brokers}
    for pd in description.partitions:
        for r in cluster.replicas(topic, pd.partition):
            node = f"p{pd.partition}_b{r.broker}"
            follower = "follower" if pd.leader is not None else "no leader"
            if r.is_leader:
                role, fill = "leader", LEADER_FILL
            elif r.in_isr:
                role, fill = f"{follower}, in ISR", IN_SYNC_FILL
            elif r.broker in pd.elr:  # an eligible leader replica (KIP-966)
                role, fill = f"{follower}, in ELR", OUT_OF_SYNC_FILL
            else:
                role, fill = f"{follower}, not in ISR", OUT_OF_SYNC_FILL
            label = (f"{topic}-{pd.partition}\n{role}\n"
                     f"LEO {r.log_end_offset} · HW {r.high_watermark}")
            style = ', style="rounded,filled,dashed"' if not r.running else ""
            held.setdefault(r.broker, []).append(
                f"    {node} [label={quote(label)}, fillcolor=\"{fill}\"{style}];")
            stacked.setdefault(r.broker, []).append(node)
    for b in cluster.describe_brokers():
        state = broker_status(b.running, b.fenced, b.isolated)
        colour = GREY if state == "up" else DOWN_COLOUR
        label = f"Broker {b.broker_id}" + ("" if state == "up" else f" ({state})")
        lines += [f"  subgraph cluster_broker_{b.broker_id} {{",
                  f'    label={quote(label)}; style="rounded,dashed"; color="{colour}"; '
                  f'fontcolor="{colour}";',
                  *(held.get(b.broker_id) or [f'    empty_{b.broker_id} [label="no '
                                               f'replicas", style=invis];']),
                  "  }"]
    for nodes in stacked.values():  # invisible edges keep each broker's replicas in a column
        lines += [f"  {a} -> {b} [style=invis];" for a, b in pairwise(nodes)]
    lines.append("}")
    return Diagram("\n".join(lines) + "\n", title=f"cluster {topic}")
