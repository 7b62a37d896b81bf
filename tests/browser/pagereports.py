"""What the browser tests read back from the page: code cells and partition views.

Plain frozen dataclasses, built from the results of the scripts in ``pagescripts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RAISES_TAGS = frozenset({"raises-exception", "nbval-raises-exception"})
RAISES_MARKER = "NBVAL_RAISES_EXCEPTION"


@dataclass(frozen=True)
class CellReport:
    """One code cell of the notebook after run-all, as JupyterLab's model holds it."""

    index: int
    execution_count: int | None
    source: str
    tags: tuple[str, ...]
    outputs: tuple[dict[str, Any], ...]
    dom_stderr: int

    @classmethod
    def from_js(cls, raw: dict[str, Any]) -> CellReport:
        """Build a report from one item of the ``pagescripts.CELLS`` result."""
        return cls(
            index=int(raw["index"]),
            execution_count=raw["executionCount"],
            source=str(raw["source"]),
            tags=tuple(raw["tags"]),
            outputs=tuple(raw["outputs"]),
            dom_stderr=int(raw["domStderr"]),
        )

    @property
    def may_raise(self) -> bool:
        """Whether the cell is marked (tag or nbval comment) as expected to raise."""
        marked = any(
            line.strip().startswith("#") and line.strip().lstrip("#").strip() == RAISES_MARKER
            for line in self.source.splitlines()
        )
        return marked or bool(RAISES_TAGS & set(self.tags))

    @property
    def raised(self) -> bool:
        """Whether the cell has an error output (an exception reached the notebook)."""
        return any(output.get("output_type") == "error" for output in self.outputs)

    def problems(self) -> list[str]:
        """Error and stderr outputs of the cell, one short description each."""
        found: list[str] = []
        for output in self.outputs:
            if output.get("output_type") == "error":
                found.append(f"{output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = output.get("text", "")
                text = "".join(text) if isinstance(text, list) else str(text)
                found.append(f"stderr: {text.strip()[:500]}")
        if self.dom_stderr and not found:
            found.append(f"{self.dom_stderr} stderr/error output(s) rendered in the page")
        return found


@dataclass(frozen=True)
class PartitionRow:
    """One ``.kc-partition`` row of a partition view."""

    partition: str | None  # data-partition
    records_attr: str | None  # data-records (records in the partition's log), if shown
    record_cells: int  # .kc-record cells drawn (the view may draw only the newest ones)


@dataclass(frozen=True)
class PartitionView:
    """What one live (not ``.kc-static``) ``.kc-partition-view`` shows."""

    topic: str | None
    records_attr: str | None  # data-records
    partitions_attr: str | None  # data-partitions, if the view sets it
    exists_attr: str | None  # data-exists, if the view sets it
    rows: tuple[PartitionRow, ...]
    record_cells: int


@dataclass(frozen=True)
class WidgetSnapshot:
    """The widget outputs of the page at one moment."""

    loading: int  # outputs still saying "Loading widget..."
    errors: tuple[str, ...]  # "Error displaying widget..." texts
    static_views: int  # static HTML fallbacks shown instead of a live widget
    views: tuple[PartitionView, ...]

    @classmethod
    def from_js(cls, raw: dict[str, Any]) -> WidgetSnapshot:
        """Build a snapshot from the ``pagescripts.WIDGETS`` result."""
        views = tuple(
            PartitionView(
                topic=view["topic"],
                records_attr=view["records"],
                partitions_attr=view["partitionsAttr"],
                exists_attr=view["exists"],
                rows=tuple(
                    PartitionRow(row["partition"], row["records"], int(row["cells"]))
                    for row in view["rows"]
                ),
                record_cells=int(view["recordCells"]),
            )
            for view in raw["views"]
        )
        return cls(int(raw["loading"]), tuple(raw["errors"]), int(raw["static"]), views)

    def last_view(self, topic: str) -> PartitionView | None:
        """The last live view of ``topic`` in document order, if any."""
        matching = [view for view in self.views if view.topic == topic]
        return matching[-1] if matching else None
