"""Graphviz diagrams as SVG: a renderer finder, a display object, and a topic diagram.

:func:`render_svg` runs the system's ``dot`` when there is one (Debian's ``graphviz``,
the reference implementation) and otherwise ``graphviz-pure``, a pip-installable port
that installs a binary of that name (not ``dot``) next to the venv's Python. Both turn
the same DOT text into SVG, but not into the same bytes: compare SVG outputs only
between runs of one renderer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine import Cluster

RENDER_TIMEOUT_S = 30


class GraphvizNotFoundError(RuntimeError):
    """Neither Graphviz's ``dot`` nor ``graphviz-pure`` is installed."""

    def __init__(self) -> None:
        super().__init__(
            "Cannot draw the diagram: no Graphviz renderer was found. Install one of\n"
            "  - Graphviz itself (Debian/Ubuntu: apt-get install graphviz; macOS: brew "
            "install graphviz), which provides `dot`, or\n"
            "  - the pip package graphviz-pure (pip install graphviz-pure), which "
            "provides `graphviz-pure`."
        )


class DiagramError(RuntimeError):
    """The renderer rejected the DOT source; the message carries its error output."""


def find_renderer() -> str | None:
    """The path of ``dot`` on PATH, else of ``graphviz-pure`` beside Python or on PATH."""
    dot = shutil.which("dot")
    if dot:
        return dot
    name = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    beside_python = Path(sys.executable).parent / name  # the venv's bin/ or Scripts/
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which("graphviz-pure")


def render_svg(dot_source: str) -> str:
    """Lay out ``dot_source`` with the dot engine and return the SVG document as text."""
    renderer = find_renderer()
    if renderer is None:
        raise GraphvizNotFoundError()
    result = subprocess.run(
        [renderer, "-Tsvg"], input=dot_source.encode(), capture_output=True,
        timeout=RENDER_TIMEOUT_S, check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()
        raise DiagramError(f"{Path(renderer).name} failed ({result.returncode}): {detail}")
    return result.stdout.decode("utf-8")


class Diagram:
    """A DOT graph that notebooks display as SVG; it is rendered once, when first shown.

    ``text/plain`` is the deterministic ``Diagram('<title>')``, so a notebook checker
    that compares text outputs does not depend on the renderer's SVG bytes.
    """

    def __init__(self, source: str, title: str = "diagram") -> None:
        self.source = source
        self.title = title
        self._svg: str | None = None

    @property
    def svg(self) -> str:
        """The rendered SVG (raises :class:`GraphvizNotFoundError` without a renderer)."""
        if self._svg is None:
            self._svg = render_svg(self.source)
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> dict[str, str]:
        try:
            return {"image/svg+xml": self.svg, "text/plain": repr(self)}
        except GraphvizNotFoundError as error:  # show the advice instead of a traceback
            return {"text/plain": f"{self!r}\n{error}"}

    def __repr__(self) -> str:
        return f"Diagram({self.title!r})"


# ----------------------------------------------------------------- topic diagram
GREY = "#8c959f"  # lines and loose text: readable on light and dark backgrounds
NODE_FILL = "#ffffff"
NODE_TEXT = "#1f2328"


def quote(text: str) -> str:
    """A DOT string literal; ``\\n`` in ``text`` stays a centred line break."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def topic_diagram(cluster: Cluster, topic: str) -> Diagram:
    """Producer -> the topic's partitions, grouped by the broker that leads them -> consumer.

    Each partition sits in the box of its leader broker and shows its record count,
    offsets, and (with a replication factor above 1) its replicas and in-sync replicas.
    """
    description = cluster.describe_topic(topic)
    partitions = description.partitions
    lines = [
        f"digraph {quote('topic ' + topic)} {{",
        f'  graph [rankdir=TB, bgcolor="transparent", fontname="Helvetica", fontsize=11, '
        f'fontcolor="{GREY}", nodesep=0.2, ranksep=0.7];',
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, '
        f'fillcolor="{NODE_FILL}", fontcolor="{NODE_TEXT}", color="{GREY}"];',
        f'  edge [color="{GREY}", arrowsize=0.7];',
        '  producer [label="Producer", fillcolor="#fdb462"];',
        '  consumer [label="Consumer", fillcolor="#80b1d3"];',
    ]
    hosted: dict[int, list[str]] = {broker: [] for broker in sorted(cluster.brokers)}
    edges: list[str] = []
    for pd in partitions:
        node = f"p{pd.partition}"
        records = pd.log_end_offset - pd.log_start_offset
        label = (f"{topic}-{pd.partition}\n{records} record{'s' if records != 1 else ''}\n"
                 f"offsets {pd.log_start_offset}..{pd.log_end_offset - 1}"
                 if records else f"{topic}-{pd.partition}\nempty")
        label += f"\nnext offset {pd.log_end_offset}"
        if len(pd.replicas) > 1:
            label += (f"\nreplicas {','.join(map(str, pd.replicas))}"
                      f"\nISR {','.join(map(str, pd.isr))}")
        hosted.setdefault(pd.leader, []).append(f"    {node} [label={quote(label)}];")
        edges += [f"  producer -> {node};", f"  {node} -> consumer;"]
    for broker, nodes in sorted(hosted.items()):
        if not nodes:
            continue
        lines += [f"  subgraph cluster_broker_{broker} {{",
                  f'    label={quote(f"Broker {broker}")}; style="rounded,dashed"; '
                  f'color="{GREY}";', *nodes, "  }"]
    lines += [*edges, "}"]
    return Diagram("\n".join(lines) + "\n", title=f"topic {topic}")
