"""Views of a simulated cluster for JupyterLab: live widgets and Graphviz diagrams.

They only read the cluster's journal and its public state, never the engine's
internals, and they never raise into the engine. Importing this package needs the
``lab`` extras (anywidget, ipywidgets); rendering diagrams needs Graphviz's ``dot`` or
the ``graphviz-pure`` package.
"""

from engine.views.diagram import (
    Diagram,
    DiagramError,
    GraphvizNotFoundError,
    find_renderer,
    render_svg,
    topic_diagram,
)
from engine.views.palette import PALETTE, key_colour
from engine.views.partitions import PartitionView

__all__ = [
    "PALETTE",
    "Diagram",
    "DiagramError",
    "GraphvizNotFoundError",
    "PartitionView",
    "find_renderer",
    "key_colour",
    "render_svg",
    "topic_diagram",
]
