"""``OffsetsView``: where a group stands in each partition it reads, updated live.

One row per partition of the group's topics (see
:class:`~engine.views.offsetsstate.OffsetsState`): a bar from offset 0 to the log end
offset with the records removed by retention, the committed records up to the high
watermark, the records not yet replicated (high watermark to log end offset), the lag
(committed offset to high watermark) in red, a black marker at the committed offset
and a marker in the member's colour at each consumer's position. All rows share one
scale (the largest log end offset), so partitions compare at a glance.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from engine.views.group import plural
from engine.views.live import LiveView, front_end, front_end_css
from engine.views.offsetsstate import OffsetsState
from engine.views.palette import colour_css
from engine.views.static_html import BORDER, FG2, MONO, ROOT, ROW_BG, html_attrs, pct

if TYPE_CHECKING:
    from engine import Cluster


class OffsetsView(LiveView):
    """Log start, committed offset, positions, high watermark, log end and lag per partition.

    ``OffsetsView(cluster, group_id)`` follows the topics the group's consumers
    subscribe to; ``topics=[...]`` fixes them instead. It reads the journal,
    ``describe_topic`` and :meth:`GroupCoordinator.fetch_offsets` only.
    """

    _esm = front_end("offsets.js")
    _css = front_end_css("offsets.css")

    def __init__(self, cluster: Cluster, group_id: str, *,
                 topics: list[str] | None = None) -> None:
        self._state = OffsetsState(cluster, group_id, topics)
        self._start(cluster)

    @property
    def group_id(self) -> str:
        return self._state.group

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One dict per partition (see the module docstring of ``offsetsstate``)."""
        return self._state.snapshot()["rows"]

    @property
    def total_lag(self) -> int:
        return self._state.total_lag

    def to_html(self) -> str:
        """A static, self-contained HTML drawing of the current state (no JavaScript)."""
        return render_html(self._state.snapshot())

    def __repr__(self) -> str:
        state = self._state
        committed = sum(1 for row in state.rows if row["committed"] is not None)
        return (f"OffsetsView(group={state.group!r}, partitions={len(state.rows)}, "
                f"committed={committed}, total_lag={state.total_lag})")


def dash(value: int | None) -> str:
    """``-`` for a missing value, as ``kafka-consumer-groups`` prints it."""
    return "-" if value is None else str(value)


def row_text(row: dict[str, Any]) -> str:
    """The numbers of one row (``offsets.js`` builds the same text)."""
    return (f"start {row['start']} · committed {dash(row['committed'])} · HW {row['hw']} · "
            f"LEO {row['leo']} · lag {dash(row['lag'])}")


def header_text(snapshot: dict[str, Any]) -> str:
    rows = snapshot["rows"]
    total = sum(r["lag"] for r in rows if r["lag"] is not None)
    return f" · {plural(len(rows), 'partition')} · total lag {total}"


def scale_of(rows: list[dict[str, Any]]) -> int:
    return max([1, *(r["leo"] for r in rows)])


def _span(cls: str, left: int, right: int, scale: int, style: str, **attrs: object) -> str:
    return (f"<span{html_attrs(class_=cls, **attrs)} style=\"position:absolute;top:0;bottom:0;"
            f"left:{pct(left, scale)};width:{pct(max(right - left, 0), scale)};{style}\"></span>")


def _row(row: dict[str, Any], scale: int) -> str:
    start, hw, leo, committed = row["start"], row["hw"], row["leo"], row["committed"]
    bar = [
        _span("kc-bar-removed", 0, start, scale, "background:repeating-linear-gradient(45deg,"
              "#d0d0d0,#d0d0d0 3px,transparent 3px,transparent 6px);"),
        _span("kc-bar-log", start, hw, scale, "background:#80b1d3;opacity:.55;"),
        _span("kc-bar-unreplicated", hw, leo, scale, "background:repeating-linear-gradient("
              "45deg,#80b1d3,#80b1d3 3px,transparent 3px,transparent 6px);opacity:.6;"),
    ]
    if committed is not None:
        bar.append(_span("kc-bar-lag", min(committed, hw), hw, scale,
                         "background:#fb8072;opacity:.8;", title=f"lag {dash(row['lag'])}"))
        bar.append(f"<span{html_attrs(class_='kc-committed-mark', data_offset=committed)} "
                   f'title="committed {committed}" style="position:absolute;top:-3px;bottom:-3px;'
                   f'left:{pct(committed, scale)};width:2px;margin-left:-1px;background:#1b1b1b;">'
                   "</span>")
    for client, colour, offset in row["positions"]:
        mark = html_attrs(class_="kc-position-mark", data_client_id=client, data_offset=offset,
                      title=f"{client} position {offset}")
        bar.append(f"<span{mark}"
                   f' style="position:absolute;top:-5px;width:8px;height:8px;margin-left:-4px;'
                   f"left:{pct(offset, scale)};border-radius:50%;border:1px solid #1b1b1b;"
                   f'background:{colour_css(colour)};"></span>')
    positions = "".join(
        f"<span{html_attrs(class_='kc-position', data_client_id=client, data_offset=offset)}"
        f' style="display:inline-block;padding:0 4px;margin-left:4px;border-radius:4px;'
        f'color:#1b1b1b;background:{colour_css(colour)};font-size:11px;">'
        f"{escape(client)} @ {offset}</span>"
        for client, colour, offset in row["positions"])
    attrs = html_attrs(class_="kc-offsets-row", data_topic=row["topic"],
                   data_partition=row["partition"], data_log_start=start,
                   data_committed=dash(committed), data_hw=hw, data_leo=leo,
                   data_lag=dash(row["lag"]),
                   data_positions=" ".join(f"{c}:{o}" for c, _, o in row["positions"]))
    return (f'<div{attrs} style="display:flex;align-items:center;gap:8px;padding:4px 6px;'
            f'margin:3px 0;background:{ROW_BG};border:1px solid {BORDER};border-radius:6px;">'
            f'<b class="kc-offsets-name" style="min-width:70px;">'
            f'{escape(row["topic"])}-{row["partition"]}</b>'
            f'<span class="kc-bar" style="position:relative;flex:1;height:12px;min-width:120px;'
            f'border:1px solid {BORDER};border-radius:3px;">{"".join(bar)}</span>'
            f'<span class="kc-offsets-text" style="color:{FG2};font-size:11px;'
            f'font-family:{MONO};white-space:nowrap;">{row_text(row)}</span>'
            f'<span class="kc-positions">{positions}</span></div>')


def render_html(snapshot: dict[str, Any]) -> str:
    """The snapshot of an :class:`OffsetsState` as static HTML (same text as offsets.js)."""
    rows = snapshot["rows"]
    root = html_attrs(class_="kc-offsets-view kc-static", data_group=snapshot["group"],
                  data_partitions=len(rows),
                  data_total_lag=sum(r["lag"] for r in rows if r["lag"] is not None))
    head = (f'<div class="kc-offsets-header"><b class="kc-group-name">'
            f'{escape(snapshot["group"])}</b><span class="kc-offsets-summary" '
            f'style="color:{FG2};">{escape(header_text(snapshot))}</span></div>')
    if not rows:
        body = (f'<div class="kc-missing" style="color:{FG2};">No partitions yet: no consumer '
                "of this group has subscribed to an existing topic.</div>")
    else:
        scale = scale_of(rows)
        body = "".join(_row(row, scale) for row in rows)
    return f'<div{root} style="{ROOT}">{head}{body}</div>'
