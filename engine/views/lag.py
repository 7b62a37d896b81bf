"""``LagView``: a consumer group's lag per partition and in total over simulated time.

The plot is an SVG step chart drawn by :func:`~engine.views.lagstate.render_svg`; the
live widget (``lag.js``) draws the same SVG from the same points in the browser, and
the static fallback is that SVG too.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from engine.views.lagstate import LagSeries, render_svg
from engine.views.live import LiveView, front_end
from engine.views.static_html import FG2, ROOT, html_attrs

if TYPE_CHECKING:
    from engine import Cluster


class LagView(LiveView):
    """Lag over time for one group: one line per partition, a thick line for the total.

    ``LagView(cluster, group_id)`` follows the topics the group's consumers subscribe
    to (``topics=[...]`` fixes them); ``max_points`` bounds the points kept (older
    points are thinned out beyond it).
    """

    _esm = front_end("lag.js")

    def __init__(self, cluster: Cluster, group_id: str, *, topics: list[str] | None = None,
                 max_points: int = 400) -> None:
        self._state = LagSeries(cluster, group_id, topics, max_points)
        self._start(cluster)

    @property
    def group_id(self) -> str:
        return self._state.group

    @property
    def points(self) -> list[list[Any]]:
        """``[time_ms, total, [lag per partition]]`` points, oldest first."""
        return self._state.snapshot()["points"]

    @property
    def total_lag(self) -> int | None:
        return self._state.total_lag

    def to_svg(self) -> str:
        return render_svg(self._state.snapshot())

    def to_html(self) -> str:
        return render_html(self._state.snapshot())

    def __repr__(self) -> str:
        state = self._state
        peak = max((p[1] for p in state.points if p[1] is not None), default=None)
        return (f"LagView(group={state.group!r}, partitions={len(state.partitions)}, "
                f"points={len(state.points)}, total_lag={state.total_lag}, peak={peak})")


def header_text(snapshot: dict[str, Any]) -> str:
    points = snapshot["points"]
    total = points[-1][1] if points else None
    return f" · lag over time · total lag {'-' if total is None else total}"


def render_html(snapshot: dict[str, Any]) -> str:
    """The plot with a one-line header, as static HTML (``lag.js`` builds the same)."""
    points = snapshot["points"]
    total = points[-1][1] if points else None
    root = html_attrs(class_="kc-lag-view kc-static", data_group=snapshot["group"],
                  data_points=len(points), data_total_lag="-" if total is None else total)
    return (f'<div{root} style="{ROOT}"><div class="kc-lag-header"><b>'
            f'{escape(snapshot["group"])}</b><span style="color:{FG2};">'
            f"{escape(header_text(snapshot))}</span></div>"
            f'<div class="kc-lag-svg">{render_svg(snapshot)}</div></div>')
