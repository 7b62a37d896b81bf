"""Views of a simulated cluster for JupyterLab: live widgets and Graphviz diagrams.

They only read the cluster's journal and its public state, never the engine's
internals, and they never raise into the engine. Importing this package needs the
``lab`` extras (anywidget, ipywidgets); rendering diagrams needs Graphviz's ``dot`` or
the ``graphviz-pure`` package.
"""

from engine.views.cluster import ClusterView
from engine.views.diagram import (
    Diagram,
    DiagramError,
    GraphvizNotFoundError,
    find_renderer,
    render_svg,
    topic_diagram,
)
from engine.views.group import GroupView, SideBySide, compare
from engine.views.lag import LagView
from engine.views.offsets import OffsetsView
from engine.views.palette import PALETTE, key_colour
from engine.views.partitions import PartitionView
from engine.views.sidebyside import Comparison, side_by_side

__all__ = [
    "PALETTE",
    "ClusterView",
    "Comparison",
    "Diagram",
    "DiagramError",
    "GraphvizNotFoundError",
    "GroupView",
    "LagView",
    "OffsetsView",
    "PartitionView",
    "SideBySide",
    "compare",
    "find_renderer",
    "key_colour",
    "render_svg",
    "side_by_side",
    "topic_diagram",
]
