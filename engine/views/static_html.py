"""A static HTML picture of a partition view, for places that run no JavaScript.

nbconvert, GitHub and nbviewer show a notebook's ``text/html`` output when they cannot
run the widget, so :func:`render_html` draws the same rows and cells as
``partitions.js`` with inline styles only (no ``<style>``, no scripts, no random ids).
The same snapshot always gives the same bytes, which lets nbval compare the output.
Colours use JupyterLab's CSS variables with light-theme fallbacks.
"""

from __future__ import annotations

from html import escape
from typing import Any

from engine.views.palette import NULL_KEY, colour_css

FG = "var(--jp-ui-font-color1, #1f2328)"
FG2 = "var(--jp-ui-font-color2, #59636e)"
BORDER = "var(--jp-border-color2, #d1d9e0)"
BORDER1 = "var(--jp-border-color1, #bdbdbd)"
ROW_BG = "var(--jp-layout-color2, #f6f8fa)"
ACCENT = "var(--jp-brand-color1, #1976d2)"
MONO = "var(--jp-code-font-family, ui-monospace, SFMono-Regular, Menlo, monospace)"
UI = "var(--jp-ui-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif)"

ROOT = f"font-family:{UI};font-size:13px;color:{FG};margin:4px 0;"
ROW = (f"display:flex;align-items:center;gap:8px;padding:4px 6px;margin:3px 0;"
       f"background:{ROW_BG};border:1px solid {BORDER};border-radius:6px;")
LOG = "display:flex;align-items:stretch;gap:3px;flex-wrap:wrap;flex:1;"
CELL = ("display:inline-block;text-align:center;min-width:38px;padding:1px 4px;font-size:11px;"
        "border-radius:4px;line-height:1.2;color:#1b1b1b;border:1px solid rgba(0,0,0,.18);")
CHIP = (f"display:inline-flex;align-items:center;padding:1px 6px;border-radius:4px;"
        f"color:{FG2};border:1px dashed {BORDER1};font-size:11px;")


QQ = '"'


def html_attrs(**attrs: object) -> str:
    """HTML attributes in the given order; ``data_x`` becomes ``data-x``; None is left out."""
    return "".join(
        f' {k.rstrip("_").replace("_", "-")}="{escape(str(v), quote=False).replace(QQ, "&quot;")}"'
        for k, v in attrs.items() if v is not None
    )


def pct(offset: int, scale: int) -> str:
    """``offset`` as a CSS percentage of ``scale``, two decimals (``"37.50%"``)."""
    return f"{offset * 100 / scale:.2f}%"


def time_label(ms: int) -> str:
    """Simulated time as seconds with one decimal, from integer arithmetic only."""
    return f"{ms // 1000}.{(ms % 1000) // 100}s"


def _cell(cell: list[Any], segments: list[int]) -> str:
    offset, label, colour, tip = cell
    style = CELL + f"background:{colour_css(colour)};"
    classes = "kc-record"
    if colour == NULL_KEY:
        style += f"color:{FG2};border-style:dashed;border-color:{FG2};"
        classes += " kc-null-key"
    if offset in segments:
        style += f"box-shadow:-3px 0 0 {FG2};margin-left:4px;"
        classes += " kc-segment-start"
    key = "<i>null</i>" if label is None else escape(label)
    return (
        f'<span{html_attrs(class_=classes, data_offset=offset, data_colour=colour, title=tip)}'
        f' style="{style}"><small style="display:block;font-size:10px;opacity:.8;">{offset}'
        f"</small>{key}</span>"
    )


def _row(part: dict[str, Any]) -> str:
    start, hw, leo, cells = part["start"], part["hw"], part["leo"], part["cells"]
    first_shown = cells[0][0] if cells else hw
    pieces: list[str] = []
    if start > 0:
        pieces.append(f'<span class="kc-removed" style="{CHIP}opacity:0.75;" '
                      f'title="deleted by retention">offsets 0–{start - 1} removed</span>')
    if first_shown > start:
        earlier = first_shown - start
        pieces.append(f'<span{html_attrs(class_="kc-earlier", data_count=earlier)} style="{CHIP}">'
                      f"… {earlier} earlier record{'s' if earlier != 1 else ''}</span>")
    hw_mark = (f'<span class="kc-hw-mark" title="high watermark {hw}" '
               f'style="width:3px;border-radius:2px;background:{ACCENT};"></span>')
    pieces.extend(_cell(cell, part["segments"]) for cell in cells)
    pieces.append(hw_mark)
    if leo > hw:
        pieces.append(f'<span class="kc-uncommitted" style="{CHIP}">{leo - hw} not yet '
                      "committed</span>")
    pieces.append(f'<span class="kc-next" title="log end offset: the next record gets {leo}" '
                  f'style="{CHIP}font-family:{MONO};">LEO {leo}</span>')
    count = leo - start
    label = (f'<span class="kc-partition-label" style="display:flex;flex-direction:column;'
             f'min-width:150px;"><span><b>P{part["partition"]}</b><span style="color:{FG2};'
             f'font-size:11px;"> · leader {part["leader"]} · {count} '
             f"record{'s' if count != 1 else ''}</span></span>"
             f'<span class="kc-offsets" style="color:{FG2};font-size:11px;font-family:{MONO};'
             f'white-space:nowrap;">start {start} · HW {hw} · LEO {leo}</span></span>')
    attrs = html_attrs(class_="kc-partition", data_partition=part["partition"],
                   data_log_start=start, data_hw=hw, data_leo=leo, data_records=count)
    return (f'<div{attrs} style="{ROW}">{label}<span class="kc-log" style="{LOG}">'
            f'{"".join(pieces)}</span></div>')


def _legend(parts: list[dict[str, Any]], limit: int = 12) -> str:
    keys = sorted({(c[1], c[2]) for p in parts for c in p["cells"]},
                  key=lambda kc: (kc[0] is None, kc[0] or "", kc[1]))
    chips = []
    for label, colour in keys[:limit]:
        text = "null key" if label is None else label
        chips.append(f'<span class="kc-legend-key" style="{CELL}min-width:0;'
                     f'background:{colour_css(colour)};margin:0 3px 0 0;'
                     f'{"border-style:dashed;color:" + FG2 + ";" if label is None else ""}">'
                     f"{escape(text)}</span>")
    if len(keys) > limit:
        chips.append(f'<span style="color:{FG2};font-size:11px;">+{len(keys) - limit} more '
                     "keys</span>")
    return f'<div class="kc-legend" style="margin:2px 0 4px;">{"".join(chips)}</div>'


def render_html(snapshot: dict[str, Any]) -> str:
    """The snapshot of a :class:`~engine.views.logstate.TopicLogState` as static HTML."""
    topic, parts = snapshot["topic"], snapshot["partitions"]
    records = sum(p["leo"] - p["start"] for p in parts)
    root = html_attrs(class_="kc-partition-view kc-static", data_topic=topic,
                  data_partitions=len(parts), data_records=records,
                  data_exists=str(snapshot["exists"]).lower())
    if not snapshot["exists"]:
        body = (f'<div class="kc-missing" style="color:{FG2};">Topic '
                f"<b>{escape(topic)}</b> does not exist (not created yet, or deleted).</div>")
        return f'<div{root} style="{ROOT}">{body}</div>'
    n = len(parts)
    header = (f'<div class="kc-header" style="margin-bottom:2px;"><b class="kc-topic">'
              f'{escape(topic)}</b><span style="color:{FG2};"> · {n} partition'
              f"{'s' if n != 1 else ''} · {records} record{'s' if records != 1 else ''}"
              "</span></div>")
    rows = "".join(_row(p) for p in parts)
    return f'<div{root} style="{ROOT}">{header}{_legend(parts)}{rows}</div>'
