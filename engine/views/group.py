"""``GroupView``: a consumer group's members, their partitions, and its rebalance timeline.

``GroupView(cluster, "billing")`` follows the journal through a
:class:`~engine.views.groupstate.GroupViewState` and draws, live in JupyterLab
(``group.js``/``group.css``) or as static HTML elsewhere:

* a header: group state, generation, assignor, EAGER or COOPERATIVE, member count;
* the partitions of the subscribed topics, each in the colour of the member that owns
  it (dashed when nobody does);
* one row per member: client id, member id, ``group.instance.id``, leader badge, the
  partitions its client owns, or *idle* when it owns none (more consumers than
  partitions);
* the rebalance timeline: one column per group event (the group state on top, the
  simulated time below), one lane per member with the partitions it owns.

:func:`compare` (also ``GroupView.side_by_side``) puts views next to each other, e.g.
an eager group and a cooperative one.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets

from engine.views.groupstate import STATE_COLOURS, GroupViewState, tp_text
from engine.views.live import LiveView, front_end, front_end_css
from engine.views.palette import colour_css
from engine.views.static_html import (
    BORDER,
    FG2,
    MONO,
    ROOT,
    ROW_BG,
    html_attrs,
    time_label,
)

if TYPE_CHECKING:
    from engine import Cluster

STEP_PX = 22
"""The width of one timeline column, in CSS pixels (``group.js`` uses the same)."""
TICK_GAP = 3
"""A time label is drawn only when the previous one is at least this many columns back."""
GAP = "#d62728"
"""The colour of a stop-the-world gap's dashed outline and text."""
LEGEND = ("● joined  ↻ rejoined  − revoked  + assigned  ! lost  ✕ crashed  ■ closed  "
          "⊘ removed  ·  "
          "red dashed: owns nothing after a revoke (stop-the-world)  ·  state: grey Empty, "
          "orange PreparingRebalance, yellow CompletingRebalance, green Stable")
"""The line under the timeline that explains its marks (``group.js`` has the same)."""

MARK_GLYPHS: dict[str, str] = {
    "joined": "●", "rejoined": "↻", "revoked": "−", "assigned": "+", "lost": "!",
    "crashed": "✕", "closed": "■", "timeout": "⌛", "removed": "⊘", "replaced": "⇄",
}


class GroupView(LiveView):
    """A consumer group's members, partitions and rebalance timeline, updated live.

    ``GroupView(cluster, group_id)`` works before the group exists. ``max_steps``
    bounds the timeline's columns (the oldest third is dropped when it is exceeded).
    It only reads the journal and :meth:`GroupCoordinator.peek_group`; call
    :meth:`close` to stop following the journal.
    """

    _esm = front_end("group.js")
    _css = front_end_css("group.css")

    def __init__(self, cluster: Cluster, group_id: str, *, max_steps: int = 60) -> None:
        self._state = GroupViewState(cluster, group_id, max_steps)
        self._start(cluster)

    @staticmethod
    def side_by_side(*views: GroupView) -> SideBySide:
        """The views next to each other (see :func:`compare`)."""
        return compare(*views)

    # -------------------------------------------------------------- reading
    @property
    def group_id(self) -> str:
        return self._state.group

    @property
    def group_state(self) -> str:
        """The group's state now (``Dead`` when there is no such group)."""
        return str(self._state.header["state"])

    @property
    def generation(self) -> int:
        return int(self._state.header["generation"])

    @property
    def members(self) -> list[dict[str, Any]]:
        """The members now, in join order, with the partitions their clients own."""
        return self._state.snapshot()["members"]

    @property
    def idle_members(self) -> list[str]:
        """Client ids of members that own no partition."""
        return [m["client"] for m in self._state.members if not m["owned"]]

    # ------------------------------------------------------------- showing
    def to_html(self) -> str:
        """A static, self-contained HTML drawing of the current state (no JavaScript)."""
        return render_html(self._state.snapshot())

    def __repr__(self) -> str:
        header = self._state.header
        members = self._state.members
        assigned = sum(len(m["owned"]) for m in members)
        return (f"GroupView(group={self._state.group!r}, state={header['state']}, "
                f"generation={header['generation']}, members={len(members)}, "
                f"assigned_partitions={assigned}, idle={len(self.idle_members)}, "
                f"timeline_steps={len(self._state.data['steps'])})")


class SideBySide(ipywidgets.HBox):
    """Views in a row, e.g. an eager and a cooperative :class:`GroupView`."""

    def __init__(self, views: tuple[LiveView, ...]) -> None:
        super().__init__(children=list(views),
                         layout=ipywidgets.Layout(align_items="flex-start",
                                                  grid_gap="16px"))
        self.views = views

    def to_html(self) -> str:
        cells = "".join(f'<div class="kc-side-cell" style="flex:1 1 0;min-width:0;">'
                        f"{view.to_html()}</div>" for view in self.views)
        return (f'<div class="kc-side-by-side" data-views="{len(self.views)}" '
                f'style="display:flex;gap:16px;align-items:flex-start;">{cells}</div>')

    def __repr__(self) -> str:
        return "SideBySide(\n" + "".join(f"  {view!r},\n" for view in self.views) + ")"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        extra = {"text/html": self.to_html(), "text/plain": repr(self)}
        if isinstance(bundle, tuple):
            return {**bundle[0], **extra}, bundle[1]
        return {**bundle, **extra}


def compare(*views: LiveView) -> SideBySide:
    """Show ``views`` side by side: ``compare(GroupView(c, "eager"), GroupView(c, "coop"))``."""
    if not views:
        raise ValueError("compare() needs at least one view")
    return SideBySide(views)


# ------------------------------------------------------------------ static HTML
def part_label(part: list[Any], single_topic: bool) -> str:
    """``P2`` when the group reads one topic, else ``topic-2``."""
    return f"P{part[1]}" if single_topic else tp_text(part)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(snapshot: dict[str, Any]) -> str:
    """The header line after the group's name (``group.js`` builds the same text)."""
    header = snapshot["header"]
    pieces = [header["state"], f"generation {header['generation']}"]
    if header["assignor"]:
        pieces.append(header["assignor"])
    if header["rebalance"]:
        pieces.append(header["rebalance"])
    pieces.append(plural(len(snapshot["members"]), "member"))
    return " · " + " · ".join(pieces)


def tick_steps(steps: list[dict[str, Any]]) -> list[int]:
    """Indexes (in ``steps``) of the columns that get a time label."""
    shown: list[int] = []
    for k, step in enumerate(steps):
        if k == 0 or (step["t"] != steps[k - 1]["t"] and k - shown[-1] >= TICK_GAP):
            shown.append(k)
    return shown


CHIP = ("display:inline-block;padding:1px 5px;margin:1px 2px;border-radius:4px;font-size:11px;"
        "color:#1b1b1b;border:1px solid rgba(0,0,0,.18);")
LABEL = ("display:inline-block;vertical-align:middle;width:90px;overflow:hidden;"
         "text-overflow:ellipsis;white-space:nowrap;")
TRACK = "position:relative;display:inline-block;height:20px;vertical-align:middle;"


def _chip(part: list[Any], colour: int | None, single: bool, **attrs: object) -> str:
    style = CHIP + (f"background:{colour_css(colour)};" if colour is not None
                    else f"background:transparent;border-style:dashed;color:{FG2};")
    return f"<span{html_attrs(**attrs)} style=\"{style}\">{escape(part_label(part, single))}</span>"


def _members(snapshot: dict[str, Any], single: bool) -> str:
    rows = []
    for m in snapshot["members"]:
        parts = " ".join(tp_text(p) for p in m["owned"])
        swatch = (f'<span class="kc-swatch" style="display:inline-block;width:10px;height:10px;'
                  f'border-radius:2px;margin-right:4px;background:{colour_css(m["colour"])};">'
                  "</span>")
        badges = ""
        if m["leader"]:
            badges += f'<span class="kc-badge" style="{CHIP}background:transparent;">leader</span>'
        if m["instance"] is not None:
            badges += (f'<span class="kc-badge" style="{CHIP}background:transparent;">'
                       f'static {escape(m["instance"])}</span>')
        for flag in ("crashed", "closed"):
            if m.get(flag):
                badges += (f'<span class="kc-badge kc-{flag}" style="{CHIP}'
                           f'background:transparent;border-style:dashed;">{flag}</span>')
        owned = ("".join(_chip(p, m["colour"], single, class_="kc-owned-partition")
                         for p in m["owned"])
                 if m["owned"] else f'<span class="kc-idle" style="color:{FG2};">idle</span>')
        attrs = html_attrs(class_="kc-member", data_member_id=m["m"], data_client_id=m["client"],
                       data_instance_id=m["instance"], data_partitions=parts,
                       data_idle=str(not m["owned"]).lower(),
                       data_leader=str(m["leader"]).lower(),
                       data_crashed=str(m["crashed"]).lower())
        rows.append(
            f"<div{attrs}"
            f' style="padding:2px 6px;margin:2px 0;background:{ROW_BG};border:1px solid {BORDER};'
            f'border-radius:6px;">{swatch}<b class="kc-client">{escape(m["client"])}</b>'
            f'<span class="kc-member-id" style="color:{FG2};font-family:{MONO};font-size:11px;">'
            f' {escape(m["m"])} </span>{badges}<span class="kc-owned">{owned}</span></div>')
    return f'<div class="kc-members">{"".join(rows)}</div>'


def _partitions(snapshot: dict[str, Any], single: bool) -> str:
    colours = {m["m"]: m["colour"] for m in snapshot["members"]}
    chips = "".join(
        _chip([p["topic"], p["partition"]], colours.get(p["owner"]) if p["owner"] else None,
              single, class_="kc-group-partition", data_topic=p["topic"],
              data_partition=p["partition"], data_owner=p["owner"] or "")
        for p in snapshot["partitions"])
    return f'<div class="kc-group-partitions" style="margin:2px 0 4px;">{chips}</div>'


def _row(label: str, track: str, width: int, **attrs: object) -> str:
    return (f"<div{html_attrs(**attrs)} style=\"white-space:nowrap;margin:1px 0;\">"
            f'<span class="kc-tl-label" style="{LABEL}">{label}</span>'
            f'<span class="kc-tl-track" style="{TRACK}width:{width}px;">{track}</span></div>')


def _step_attrs(step: dict[str, Any]) -> str:
    return html_attrs(class_="kc-step", data_i=step["i"], data_t=step["t"],
                  data_state=step["state"], data_kind=step["kind"],
                  title=f"{time_label(step['t'])} · {step['text']}")


def is_gap(segs: list[list[Any]], k: int) -> bool:
    """Whether segment ``k`` of a lane is a stop-the-world gap: the member owned
    partitions just before, owns none now, and then owns partitions again or is still
    waiting (not a member that closes, crashes or leaves after its revoke)."""
    _, stop, parts, mode = segs[k]
    if mode != "own" or parts or k == 0 or not segs[k - 1][2]:
        return False
    if k + 1 < len(segs):
        return bool(segs[k + 1][3] == "own")
    return stop is None


def empty_label(mode: str, gap: bool) -> str:
    """The text of a lane segment with no partitions."""
    if gap:
        return "revoked"
    return "closed" if mode == "closed" else "—"


def _seg_attrs(start: int, stop: int | None, parts: list[Any], mode: str, gap: bool) -> str:
    return html_attrs(class_="kc-seg", data_from=start, data_to="" if stop is None else stop,
                  data_parts=" ".join(tp_text(p) for p in parts), data_mode=mode,
                  data_gap=str(gap).lower())


def _timeline(snapshot: dict[str, Any], single: bool) -> str:
    steps = snapshot["steps"]
    if not steps:
        return ""
    first, n = steps[0]["i"], len(steps)
    width = n * STEP_PX
    cells = "".join(
        f"<span{_step_attrs(s)}"
        f' style="position:absolute;top:3px;bottom:3px;left:{k * STEP_PX}px;width:{STEP_PX - 1}px;'
        f'background:{STATE_COLOURS.get(s["state"], "#d9d9d9")};"></span>'
        for k, s in enumerate(steps))
    ticks = "".join(
        f"<span{html_attrs(class_='kc-tick', data_t=steps[k]['t'])} style=\"position:absolute;"
        f"left:{k * STEP_PX}px;top:2px;font-size:10px;color:{FG2};font-family:{MONO};\">"
        f"{time_label(steps[k]['t'])}</span>"
        for k in tick_steps(steps))
    rows = [_row("state", cells, width, class_="kc-tl-row kc-tl-states"),
            _row("time", ticks, width, class_="kc-tl-row kc-tl-times")]
    end = first + n
    for lane in snapshot["lanes"]:
        pieces = []
        segs = lane["segs"]
        for k, (start, stop, parts, mode) in enumerate(segs):
            gap = is_gap(segs, k)
            left = max(start, first)
            right = end if stop is None else min(stop, end)
            if right <= left:
                continue
            text = " ".join(part_label(p, single) for p in parts) or empty_label(mode, gap)
            if mode in ("crashed", "closed"):
                fill = ("background:repeating-linear-gradient(45deg,#bdbdbd,#bdbdbd 3px,"
                        "transparent 3px,transparent 6px);")
            elif parts:
                fill = f"background:{colour_css(lane['colour'])};"
            elif gap:
                fill = f"background:transparent;border:1px dashed {GAP};color:{GAP};"
            else:
                fill = f"background:transparent;border:1px dashed {FG2};color:{FG2};"
            pieces.append(
                f"<span{_seg_attrs(start, stop, parts, mode, gap)}"
                f' style="position:absolute;top:2px;bottom:2px;left:{(left - first) * STEP_PX}px;'
                f"width:{(right - left) * STEP_PX - 2}px;overflow:hidden;white-space:nowrap;"
                f"font-size:10px;line-height:16px;border-radius:3px;padding-left:2px;"
                f'box-sizing:border-box;color:#1b1b1b;border:1px solid rgba(0,0,0,.18);{fill}">'
                f"{escape(text)}</span>")
        for at, kind in lane["marks"]:
            if at < first:
                continue
            pieces.append(
                f"<span{html_attrs(class_='kc-mark', data_step=at, data_kind=kind, title=kind)}"
                f' style="position:absolute;top:-4px;left:{(at - first) * STEP_PX + STEP_PX - 9}px;'
                f'font-size:9px;color:{FG2};">{MARK_GLYPHS.get(kind, "·")}</span>')
        rows.append(_row(escape(lane["client"]), "".join(pieces), width,
                         class_="kc-tl-row kc-lane", data_member_id=lane["m"],
                         data_client_id=lane["client"]))
    return (f'<div class="kc-timeline" data-first="{first}" data-steps="{n}" '
            f'style="margin-top:6px;overflow-x:auto;padding-top:4px;">'
            f'<div class="kc-tl-title" style="color:{FG2};font-size:11px;">rebalance timeline '
            f"(one column per group event)</div>{''.join(rows)}"
            f'<div class="kc-tl-legend" style="color:{FG2};font-size:10px;margin-top:2px;'
            f'white-space:pre-wrap;">'
            f"{escape(LEGEND)}</div></div>")


def render_html(snapshot: dict[str, Any]) -> str:
    """The snapshot of a :class:`GroupViewState` as static HTML (same text as group.js)."""
    header = snapshot["header"]
    single = len(snapshot["topics"]) == 1
    root = html_attrs(class_="kc-group-view kc-static", data_group=snapshot["group"],
                  data_state=header["state"], data_generation=header["generation"],
                  data_members=len(snapshot["members"]), data_steps=len(snapshot["steps"]),
                  data_rebalance=header["rebalance"])
    head = (f'<div class="kc-group-header"><b class="kc-group-name">'
            f'{escape(snapshot["group"])}</b><span class="kc-group-summary" style="color:{FG2};">'
            f"{escape(summary(snapshot))}</span></div>")
    body = ""
    if not header["exists"] and not snapshot["steps"]:
        body = (f'<div class="kc-missing" style="color:{FG2};">No consumer has joined this '
                "group yet.</div>")
    else:
        body = (_partitions(snapshot, single) + _members(snapshot, single)
                + _timeline(snapshot, single))
    return f'<div{root} style="{ROOT}">{head}{body}</div>'
