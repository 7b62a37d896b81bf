"""Diagrams: finding a Graphviz renderer, rendering SVG, and the topic diagram's DOT."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import engine
from engine.views import diagram
from engine.views.diagram import (
    Diagram,
    DiagramError,
    GraphvizNotFoundError,
    find_renderer,
    render_svg,
    topic_diagram,
)

SIMPLE = 'digraph g { a [label="Producer"]; b [label="orders-0"]; a -> b; }\n'
REAL_WHICH = shutil.which

needs_renderer = pytest.mark.skipif(find_renderer() is None,
                                    reason="neither dot nor graphviz-pure is installed")


def graphviz_pure() -> str | None:
    beside = Path(sys.executable).parent / "graphviz-pure"
    return str(beside) if beside.is_file() else REAL_WHICH("graphviz-pure")


def make_topic() -> engine.Cluster:
    c = engine.Cluster(brokers=3, seed=0)
    c.create_topic("orders", partitions=3, replication_factor=2)
    c.produce_batch("orders", [(f"id_{i}", "v") for i in range(20)])
    return c


@needs_renderer
def test_renders_with_whichever_renderer_exists() -> None:
    svg = render_svg(SIMPLE)
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    assert "Producer" in svg and "orders&#45;0" in svg  # dot writes "-" as &#45;
    assert render_svg(SIMPLE) == svg  # same renderer, same bytes


def test_falls_back_to_graphviz_pure_without_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    pure = graphviz_pure()
    if pure is None:
        pytest.skip("graphviz-pure is not installed")
    monkeypatch.setattr(shutil, "which",
                        lambda name, *a, **k: None if name == "dot" else REAL_WHICH(name))
    assert find_renderer() == pure
    svg = render_svg(SIMPLE)
    assert "</svg>" in svg and "graphviz-pure" in svg  # its version comment names it


def test_prefers_system_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which",
                        lambda name, *a, **k: "/opt/gv/dot" if name == "dot" else None)
    assert find_renderer() == "/opt/gv/dot"


def test_no_renderer_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert find_renderer() is None
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        render_svg(SIMPLE)
    shown = Diagram(SIMPLE, title="t")._repr_mimebundle_()
    assert set(shown) == {"text/plain"} and "graphviz-pure" in shown["text/plain"]


@needs_renderer
def test_bad_dot_raises_diagram_error() -> None:
    with pytest.raises(DiagramError):
        render_svg("digraph { a -> ")


@needs_renderer
def test_diagram_display_and_repr() -> None:
    shown = Diagram(SIMPLE, title="two nodes")
    assert repr(shown) == "Diagram('two nodes')"
    bundle = shown._repr_mimebundle_()
    assert bundle["text/plain"] == "Diagram('two nodes')"
    assert bundle["image/svg+xml"] == shown._repr_svg_() == shown.svg


def test_topic_diagram_dot_shows_partitions_on_their_leaders() -> None:
    c = make_topic()
    shown = topic_diagram(c, "orders")
    assert repr(shown) == "Diagram('topic orders')"
    source = shown.source
    assert source == topic_diagram(c, "orders").source
    for pd in c.describe_topic("orders").partitions:
        records = pd.log_end_offset - pd.log_start_offset
        assert f"p{pd.partition} [label=\"orders-{pd.partition}\\n{records} records" in source
        block = source.split(f"subgraph cluster_broker_{pd.leader} {{")[1].split("}")[0]
        assert f"p{pd.partition} [" in block
        assert f"producer -> p{pd.partition};" in source
        assert f"p{pd.partition} -> consumer;" in source
        assert f"replicas {','.join(map(str, pd.replicas))}" in source
    assert source.isascii()  # graphviz-pure warns about non-ASCII widths


@needs_renderer
def test_topic_diagram_renders() -> None:
    svg = topic_diagram(make_topic(), "orders").svg
    assert svg.count('class="node"') == 2 + 3 and "Broker" in svg


def test_topic_diagram_of_missing_topic_raises() -> None:
    with pytest.raises(engine.errors.UnknownTopicOrPartitionError):
        topic_diagram(engine.Cluster(seed=0), "nope")


def test_quote_escapes_dot_strings() -> None:
    assert diagram.quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
