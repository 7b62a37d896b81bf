"""What a group view draws, folded from the journal into small JSON changes.

:class:`GroupViewState` replays the cluster's journal for one consumer group, then
follows it live. It keeps two things:

* the group *now*: state, generation, assignor, leader and members as
  :meth:`GroupCoordinator.peek_group` reports them (never a call with side effects),
  each member's partitions as its client owns them (from ``partitions_assigned`` /
  ``partitions_revoked`` / ``partitions_lost``), and who owns each partition of the
  subscribed topics;
* a rebalance *timeline*: one column ("step") per group event, labelled with its
  simulated time, and one lane per member showing the partitions it owns between
  steps. Requests take no simulated time, so a revoke and the assignment that follows
  can happen in the same millisecond; one column per event keeps that gap visible:
  with the eager protocol every member owns nothing between its revoke and its new
  assignment (the stop-the-world gap); with the cooperative one a member keeps the
  partitions that stay and only the moving ones are revoked, then a second
  generation hands them over.

Every change is a list of ops; Python applies them to its own state with
:func:`apply_op`, and ``group.js`` applies the same ops with the same rules. Shapes::

    snapshot = {"seq", "group", "palette", "max_steps", "header", "members",
                "partitions", "topics", "steps", "lanes"}
    header   = {"exists", "state", "generation", "protocol_type", "assignor", "leader",
                "coordinator", "rebalance" (EAGER/COOPERATIVE/"")}
    member   = {"m" (member id), "client", "instance", "colour", "leader", "owned",
                "crashed", "closed"}             owned: [[topic, partition], ...]
    partition= {"topic", "partition", "owner" (member id or None)}
    step     = {"i", "t", "kind", "text", "state", "gen"}    i: absolute step number
    lane     = {"m", "client", "instance", "colour", "segs", "marks"}
    seg      = [from step, to step or None (still open), owned,
                mode "own" | "crashed" | "closed" (a static member stays in the group
                after close until its session times out)]
    mark     = [step, kind]
    op       = {"op": "group", "header", "members", "partitions", "topics"}
             | {"op": "step", "step"} | {"op": "lane", "lane"}
             | {"op": "seg", "m", "at", "parts", "mode"} | {"op": "end", "m", "at"}
             | {"op": "mark", "m", "mark"}

When the timeline grows past ``max_steps`` columns, the oldest third is dropped and the
whole state is sent again (:data:`~engine.views.live.RESET`).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from engine.views.live import RESET
from engine.views.palette import PALETTE, PALETTE_SIZE

if TYPE_CHECKING:
    from engine import Cluster, Event

Part = list[Any]  # [topic, partition]
Op = dict[str, Any]

STATE_COLOURS: dict[str, str] = {
    "Empty": "#d9d9d9",
    "PreparingRebalance": "#fdb462",
    "CompletingRebalance": "#ffed6f",
    "Stable": "#b3de69",
    "Dead": "#9e9e9e",
}
"""The colour of each classic group state in the timeline's state band."""

STEP_KINDS = frozenset({
    "member_joined", "group_state_changed", "static_member_replaced", "partitions_revoked",
    "partitions_assigned", "partitions_lost", "consumer_crashed", "consumer_closed",
    "poll_timeout_expired", "member_removed", "group_removed", "group_deleted",
})
"""The journal events that become a column of the rebalance timeline."""

TOPIC_KINDS = frozenset({"topic_created", "topic_deleted", "partitions_created"})


def tp_text(part: Part) -> str:
    """A partition as Kafka prints it: ``topic-partition``."""
    return f"{part[0]}-{part[1]}"


def parts_text(parts: list[Part]) -> str:
    return ", ".join(tp_text(p) for p in parts) if parts else "nothing"


def sorted_parts(parts: Any) -> list[Part]:
    return sorted([str(p[0]), int(p[1])] for p in parts)


class MemberColours:
    """Palette indexes for a group's members, in order of first appearance.

    A member keeps its colour for its whole life; a static member's replacement inherits
    it. A client that reads with ``assign()`` (no membership) gets a colour of its own,
    keyed by client id. Every view of a group folds the same events in the same order,
    so a member has the same colour in the group, offsets and lag views.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, int] = {}
        self._member_of_client: dict[str, str] = {}

    def _allocate(self, key: str) -> int:
        if key not in self._by_key:
            self._by_key[key] = len(self._by_key) % PALETTE_SIZE
        return self._by_key[key]

    def follow(self, event: Event) -> None:
        """Update from one event of the group."""
        data = event.data
        if event.kind == "member_joined":
            self._allocate(data["member_id"])
            self._member_of_client[data["client_id"]] = data["member_id"]
        elif event.kind == "static_member_replaced":
            old = self._by_key.get(data["old_member_id"])
            if old is not None:
                self._by_key.setdefault(data["new_member_id"], old)
        elif event.kind in ("partitions_assigned", "records_consumed") and data.get("member_id"):
            self._member_of_client[data["client_id"]] = data["member_id"]

    def of_member(self, member_id: str) -> int:
        return self._allocate(member_id)

    def of_client(self, client_id: str) -> int:
        """The colour of the member this client is (or was), else its own."""
        member = self._member_of_client.get(client_id)
        return self._allocate(member if member else "client:" + client_id)


def group_topics(cluster: Cluster, topics: list[str]) -> list[list[Any]]:
    """``[[topic, partition count]]`` for ``topics`` (0 for a topic that does not exist)."""
    result = []
    for topic in topics:
        count = len(cluster.describe_topic(topic).partitions) if cluster.has_topic(topic) else 0
        result.append([topic, count])
    return result


class GroupViewState:
    """The drawable state of one consumer group, updated event by event.

    ``seq`` counts the changes sent: the snapshot carries the ``seq`` it was taken at
    and each batch of ops the next one.
    """

    def __init__(self, cluster: Cluster, group: str, max_steps: int = 60) -> None:
        if max_steps < 3:
            raise ValueError(f"max_steps must be at least 3, got {max_steps}")
        self.cluster = cluster
        self.group = group
        self.max_steps = max_steps
        self.seq = 0
        self.colours = MemberColours()
        self.rebalance = ""
        self.topic_names: list[str] = []
        self.owned: dict[str, list[Part]] = {}
        self.crashed: set[str] = set()
        self.closed: set[str] = set()
        self.modes: dict[str, str] = {}  # member id -> mode of its lane's open segment
        self.clients: dict[str, tuple[str, str | None]] = {}  # member id -> client, instance
        self.state_name = "Dead"
        self.generation = 0
        self.next_step = 0
        self.data: dict[str, Any] = {
            "seq": 0, "group": group, "palette": list(PALETTE), "max_steps": max_steps,
            "header": {}, "members": [], "partitions": [], "topics": [],
            "steps": [], "lanes": [],
        }
        for event in list(cluster.journal):
            self._follow(event)
        self._apply_ops([self._group_op()])

    # ------------------------------------------------------------ following
    def _relevant(self, event: Event) -> bool:
        data = event.data
        if data.get("group") == self.group:
            return True
        return event.kind in TOPIC_KINDS and data.get("topic") in self.topic_names

    def apply(self, event: Event) -> list[Op] | str | None:
        """Follow one journal event: ``None`` if nothing drawn changes, else the ops to
        send, or :data:`RESET` when the whole state must be sent again."""
        if not self._relevant(event):
            return None
        ops, trimmed = self._follow(event)
        group_op = self._group_op()
        if self._group_changed(group_op):
            ops.append(group_op)
            self._apply_ops([group_op])
        if trimmed:
            self.seq += 1
            return RESET
        if not ops:
            return None
        self.seq += 1
        return ops

    def _follow(self, event: Event) -> tuple[list[Op], bool]:
        """Fold one event into the timeline; returns the ops made and whether the
        timeline was trimmed."""
        if not self._relevant(event):
            return [], False
        data, kind = event.data, event.kind
        self.colours.follow(event)
        if kind == "consumer_created":
            self.rebalance = data.get("protocol") or self.rebalance
        elif kind == "consumer_subscribed":
            self._add_topics(data.get("topics") or [])
        elif kind == "consumer_assigned":
            self._add_topics(sorted({p[0] for p in data.get("partitions") or []}))
        elif kind == "member_joined":
            self._add_topics(data.get("topics") or [])
        elif kind == "group_created":
            self.state_name = "Empty"
        elif kind == "group_state_changed":
            self.state_name, self.generation = data["to"], data["generation"]
        elif kind in ("group_removed", "group_deleted"):
            self.state_name = "Dead"
        if kind not in STEP_KINDS:
            return [], False
        ops = self._timeline_ops(event)
        self._apply_ops(ops)
        return ops, self._trim()

    def _add_topics(self, topics: list[str]) -> None:
        for topic in topics:
            if topic not in self.topic_names:
                self.topic_names.append(topic)

    def _client(self, data: Any) -> str:
        member = data.get("member_id", "")
        return data.get("client_id") or self.clients.get(member, (member, None))[0]

    def _step(self, event: Event, text: str) -> Op:
        step = {"i": self.next_step, "t": event.time_ms, "kind": event.kind, "text": text,
                "state": self.state_name, "gen": self.generation}
        self.next_step += 1
        return {"op": "step", "step": step}

    def _lane_exists(self, member: str) -> bool:
        return any(lane["m"] == member for lane in self.data["lanes"])

    def _new_lane(self, member: str, at: int) -> Op:
        client, instance = self.clients.get(member, (member, None))
        return {"op": "lane", "lane": {
            "m": member, "client": client, "instance": instance,
            "colour": self.colours.of_member(member),
            "segs": [[at, None, [], "own"]], "marks": []}}

    def _timeline_ops(self, event: Event) -> list[Op]:
        data, kind = event.data, event.kind
        member = data.get("member_id", "")
        client = self._client(data)
        at = self.next_step
        ops: list[Op] = []
        mark: str | None = None
        seg: tuple[list[Part], str] | None = None
        if kind == "member_joined":
            self.clients[member] = (data["client_id"], data.get("group_instance_id"))
            text = f"{client} {'rejoins' if data.get('rejoin') else 'joins'}"
            if data.get("owned"):
                text += f", owning {parts_text(data['owned'])}"
            mark = "rejoined" if data.get("rejoin") else "joined"
        elif kind == "group_state_changed":
            text = f"{data['to']}, generation {data['generation']}: {data.get('reason', '')}"
        elif kind == "static_member_replaced":
            old, new = data["old_member_id"], data["new_member_id"]
            self.clients[new] = (self.clients.get(old, (new, None))[0],
                                 data.get("group_instance_id"))
            text = f"static member {data.get('group_instance_id')}: {old} replaced by {new}"
            if self._lane_exists(old):
                ops += [{"op": "mark", "m": old, "mark": [at, "replaced"]},
                        {"op": "end", "m": old, "at": at + 1}]
            self.owned.pop(old, None)
            self.crashed.discard(old)
            self.closed.discard(old)
            member = ""  # the new member's lane starts at its member_joined
        elif kind == "partitions_revoked":
            revoked = sorted_parts(data["partitions"])
            text = f"{client} revokes {parts_text(revoked)}"
            owned = [p for p in self.owned.get(member, []) if p not in revoked]
            seg, mark = (owned, "own"), "revoked"
        elif kind == "partitions_assigned":
            owned = sorted_parts(data.get("assignment", data["partitions"]))
            text = (f"{client} is assigned {parts_text(sorted_parts(data['partitions']))}"
                    f" (owns {parts_text(owned)}, generation {data.get('generation')})")
            seg, mark = (owned, "own"), "assigned"
        elif kind == "partitions_lost":
            lost = sorted_parts(data["partitions"])
            text = f"{client} loses {parts_text(lost)}"
            owned = [p for p in self.owned.get(member, []) if p not in lost]
            seg, mark = (owned, "own"), "lost"
        elif kind == "consumer_crashed":
            text = f"{client} crashes (no commit, no LeaveGroup)"
            self.crashed.add(member)
            seg, mark = (self.owned.get(member, []), "crashed"), "crashed"
        elif kind == "consumer_closed":
            text = f"{client} closes"
            self.closed.add(member)
            seg, mark = (self.owned.get(member, []), "closed"), "closed"
        elif kind == "poll_timeout_expired":
            text = f"{client} did not poll within max.poll.interval.ms"
            mark = "timeout"
        elif kind == "member_removed":
            text = f"{client} removed from the group ({data.get('reason')})"
            mark = "removed"
        else:  # group_removed, group_deleted
            text = "group removed" if kind == "group_removed" else "group deleted"
        ops.append(self._step(event, text))
        if not member or kind in ("group_removed", "group_deleted"):
            return ops
        if kind == "member_joined" and not self._lane_exists(member):
            ops.append(self._new_lane(member, at))
        elif not self._lane_exists(member):
            return ops  # a client event before its member joined, or a trimmed lane
        current = (self.owned.get(member, []), self.modes.get(member, "own"))
        if seg is not None and seg != current:
            self.owned[member], self.modes[member] = seg
            ops.append({"op": "seg", "m": member, "at": at, "parts": seg[0], "mode": seg[1]})
        if mark is not None:
            ops.append({"op": "mark", "m": member, "mark": [at, mark]})
        if kind == "member_removed":
            ops.append({"op": "end", "m": member, "at": at + 1})
            self.owned.pop(member, None)
            self.crashed.discard(member)
            self.closed.discard(member)
        return ops


    def _trim(self) -> bool:
        steps = self.data["steps"]
        if len(steps) <= self.max_steps:
            return False
        keep = max(1, (self.max_steps * 2) // 3)
        del steps[:-keep]
        first = steps[0]["i"]
        lanes = []
        for lane in self.data["lanes"]:
            lane["segs"] = [s for s in lane["segs"] if s[1] is None or s[1] > first]
            lane["marks"] = [m for m in lane["marks"] if m[0] >= first]
            if lane["segs"]:
                lanes.append(lane)
        self.data["lanes"] = lanes
        return True

    # ---------------------------------------------------------------- now
    def _group_op(self) -> Op:
        described = self.cluster.groups.peek_group(self.group)
        topics = group_topics(self.cluster, self.topic_names)
        if described is None or described.state == "Dead":
            header = {"exists": False, "state": "Dead", "generation": self.generation,
                      "protocol_type": "", "assignor": "", "leader": "", "coordinator": -1,
                      "rebalance": self.rebalance}
            members: list[dict[str, Any]] = []
        else:
            header = {"exists": True, "state": described.state,
                      "generation": described.generation,
                      "protocol_type": described.protocol_type,
                      "assignor": described.protocol, "leader": described.leader,
                      "coordinator": described.coordinator, "rebalance": self.rebalance}
            members = [{
                "m": m.member_id, "client": m.client_id, "instance": m.group_instance_id,
                "colour": self.colours.of_member(m.member_id),
                "leader": m.member_id == described.leader,
                "owned": list(self.owned.get(m.member_id, [])),
                "crashed": m.member_id in self.crashed,
                "closed": m.member_id in self.closed,
            } for m in described.members]
        owner_of: dict[tuple[str, int], str] = {}
        for member in members:
            for part in member["owned"]:
                owner_of.setdefault((part[0], part[1]), member["m"])
        partitions = [{"topic": topic, "partition": p, "owner": owner_of.get((topic, p))}
                      for topic, count in topics for p in range(count)]
        return {"op": "group", "header": header, "members": members,
                "partitions": partitions, "topics": topics}

    def _group_changed(self, op: Op) -> bool:
        return any(op[name] != self.data[name]
                   for name in ("header", "members", "partitions", "topics"))

    def _apply_ops(self, ops: list[Op]) -> None:
        for op in ops:
            apply_op(self.data, copy.deepcopy(op))

    # -------------------------------------------------------------- results
    def snapshot(self) -> dict[str, Any]:
        """The whole state as fresh JSON-ready objects (safe to keep after more events)."""
        fresh = copy.deepcopy(self.data)
        fresh["seq"] = self.seq
        return fresh

    @property
    def members(self) -> list[dict[str, Any]]:
        return self.data["members"]

    @property
    def header(self) -> dict[str, Any]:
        return self.data["header"]


def _lane(state: dict[str, Any], member: str) -> dict[str, Any] | None:
    for lane in state["lanes"]:
        if lane["m"] == member:
            return lane
    return None


def apply_op(state: dict[str, Any], op: Op) -> None:
    """Apply one op to a snapshot-shaped state (``group.js`` has the same rules)."""
    kind = op["op"]
    if kind == "group":
        for name in ("header", "members", "partitions", "topics"):
            state[name] = op[name]
    elif kind == "step":
        state["steps"].append(op["step"])
    elif kind == "lane":
        state["lanes"].append(op["lane"])
    else:
        lane = _lane(state, op["m"])
        if lane is None:
            return
        segs = lane["segs"]
        last = segs[-1] if segs else None
        if kind == "mark":
            lane["marks"].append(op["mark"])
        elif kind == "end":
            if last is not None and last[1] is None:
                last[1] = op["at"]
        elif kind == "seg":
            if last is not None and last[1] is None and last[0] == op["at"]:
                last[2], last[3] = op["parts"], op["mode"]
                return
            if last is not None and last[1] is None:
                last[1] = op["at"]
            segs.append([op["at"], None, op["parts"], op["mode"]])
