"""Execute notebooks in place so that their stored outputs are fresh and reproducible.

Usage::

    python -m tools.execute_notebooks NB [NB ...]

Each notebook is executed with nbclient in a kernel running the *current* Python
(the venv's, whatever kernelspecs exist elsewhere on the machine), with the
notebook's folder as working directory. The notebook is then normalised so that
executing it again gives a byte-identical file, and so that
``pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg``
passes on it:

* no widget state: ``store_widget_state=False`` and any existing ``metadata.widgets``
  is deleted;
* widget-view outputs are stored as their ``text/plain`` fallback only: their model id
  changes on every run and, without widget state, points nowhere (JupyterLab would show
  "Error displaying widget: model not found" until the cell is run again). nbval never
  compares that MIME type, so nothing is lost for the tests;
* no ``execution`` timing metadata in cells; execution counts are the kernel's, which
  are sequential (1, 2, 3, ...) because every executed cell is run once, in order;
* a fixed ``kernelspec`` and ``language_info`` (no Python patch version).

Cells follow nbval's markers:

* ``# NBVAL_SKIP`` (comment line) or tag ``nbval-skip``: not executed (nbval does not
  run them either, e.g. cells that need a real Kafka broker); their stored outputs and
  execution count are kept as they are;
* ``# NBVAL_RAISES_EXCEPTION`` or tag ``raises-exception`` / ``nbval-raises-exception``:
  allowed to raise (any other exception stops the run and the file is not written).

A warning is printed for an output that contains a memory address (``at 0x...``): such
output changes on every run (give the object a ``__repr__``).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import ipykernel.kernelspec
import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from traitlets import default

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

#: The notebook-level metadata every executed notebook gets, whatever machine ran it.
KERNELSPEC: dict[str, str] = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}
LANGUAGE_INFO: dict[str, Any] = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}

#: nbval's comment markers and metadata tags (see nbval.plugin), by what they mean here.
SKIP_MARKERS = frozenset({"NBVAL_SKIP"})
SKIP_TAGS = frozenset({"nbval-skip"})
RAISES_MARKERS = frozenset({"NBVAL_RAISES_EXCEPTION"})
RAISES_TAGS = frozenset({"raises-exception", "nbval-raises-exception"})

MEMORY_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
DEFAULT_TIMEOUT = 600


class CurrentEnvKernelSpecManager(KernelSpecManager):
    """A kernelspec manager whose every kernel is ipykernel in the current Python."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """Return the current environment's ipykernel spec, whatever ``kernel_name`` is."""
        return self.kernel_spec_class(
            resource_dir=ipykernel.kernelspec.RESOURCES,
            **ipykernel.kernelspec.get_kernel_dict(),
        )


class CurrentEnvKernelManager(AsyncKernelManager):
    """nbclient's default kernel manager, with kernels from the current Python."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return CurrentEnvKernelSpecManager(data_dir=self.data_dir)


class NotebookExecutionError(Exception):
    """A cell failed (raised without being allowed to, timed out, or killed the kernel)."""


def comment_markers(source: str) -> set[str]:
    """Return the nbval-style comment markers in a cell source (``# NBVAL_...`` lines)."""
    markers: set[str] = set()
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            markers.add(stripped.lstrip("#").strip())
    return markers


def cell_tags(cell: NotebookNode) -> set[str]:
    """Return a cell's metadata tags (an empty set if there are none)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return set(tags) if isinstance(tags, list) else set()


def is_skipped(cell: NotebookNode) -> bool:
    """Whether nbval skips this cell, so it must not be executed here either."""
    return bool(comment_markers(cell.source) & SKIP_MARKERS or cell_tags(cell) & SKIP_TAGS)


def may_raise(cell: NotebookNode) -> bool:
    """Whether this cell is marked as expected to raise an exception."""
    return bool(comment_markers(cell.source) & RAISES_MARKERS or cell_tags(cell) & RAISES_TAGS)


def code_cells_to_run(nb: NotebookNode) -> Iterator[tuple[int, NotebookNode]]:
    """Yield ``(index, cell)`` for the code cells to execute, in order."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.strip() and not is_skipped(cell):
            yield index, cell


async def _execute(client: NotebookClient, nb: NotebookNode, cwd: Path) -> list[str]:
    """Run the cells of ``nb`` with ``client``; return warnings. Raises on a failing cell."""
    warnings: list[str] = []
    client.reset_execution_trackers()
    async with client.async_setup_kernel(cwd=str(cwd)):
        for index, cell in code_cells_to_run(nb):
            allowed = may_raise(cell)
            client.allow_errors = allowed
            try:
                await client.async_execute_cell(
                    cell, index, execution_count=client.code_cells_executed + 1
                )
            except CellExecutionError as exc:
                raise NotebookExecutionError(f"cell {index} raised:\n{exc}") from exc
            except CellTimeoutError as exc:
                raise NotebookExecutionError(f"cell {index} timed out: {exc}") from exc
            except DeadKernelError as exc:
                raise NotebookExecutionError(f"the kernel died in cell {index}") from exc
            raised = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
            if allowed and not raised:
                warnings.append(f"cell {index} is marked to raise an exception but did not")
    return warnings


def _output_texts(output: NotebookNode) -> Iterable[str]:
    """Yield the textual parts of one output (stream text and text-like MIME data)."""
    if output.get("output_type") == "stream":
        yield str(output.get("text", ""))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime.endswith("json"):
            yield value if isinstance(value, str) else str(value)


def normalize(nb: NotebookNode) -> list[str]:
    """Strip run-dependent metadata from an executed notebook, in place; return warnings."""
    warnings: list[str] = []
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    for index, cell in enumerate(nb.cells):
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data")
            if isinstance(data, dict) and WIDGET_VIEW_MIME in data:
                del data[WIDGET_VIEW_MIME]
            if any(MEMORY_ADDRESS.search(text) for text in _output_texts(output)):
                warnings.append(
                    f"cell {index}: an output contains a memory address (at 0x...), so it "
                    "changes on every run; give the object a __repr__"
                )
        # A display_data output left without any data would be an empty box: drop it.
        cell.outputs = [
            out
            for out in cell.get("outputs", [])
            if not (out.get("output_type") == "display_data" and not out.get("data"))
        ]
        cell.outputs = _merge_streams(cell.outputs)
    return warnings


def _merge_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
    """Join consecutive stream outputs of the same stream: the kernel flushes stdout on
    a timer, so where one run's text splits into outputs depends on timing."""
    merged: list[NotebookNode] = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (last is not None and out.get("output_type") == "stream"
                and last.get("output_type") == "stream" and last.get("name") == out.get("name")):
            last["text"] = str(last.get("text", "")) + str(out.get("text", ""))
        else:
            merged.append(out)
    return merged


def execute_notebook(path: Path, timeout: int = DEFAULT_TIMEOUT) -> tuple[bool, list[str]]:
    """Execute the notebook at ``path`` in place.

    Returns whether the file changed on disk, and warnings. Raises
    ``NotebookExecutionError`` if a cell fails; the file is then left untouched.
    """
    original = path.read_bytes()
    nb = nbformat.reads(original.decode("utf-8"), as_version=4)
    nb.metadata.pop("widgets", None)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNELSPEC["name"],
        kernel_manager_class=CurrentEnvKernelManager,
        store_widget_state=False,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    warnings = asyncio.run(_execute(client, nb, path.parent))
    warnings += normalize(nb)
    text = nbformat.writes(nb, version=4)
    if not text.endswith("\n"):
        text += "\n"
    new = text.encode("utf-8")
    if new == original:
        return False, warnings
    path.write_bytes(new)
    return True, warnings


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: execute each notebook, one line of report per notebook."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.execute_notebooks",
        description="Execute notebooks in place with reproducible outputs and metadata.",
    )
    parser.add_argument("notebooks", nargs="+", type=Path, metavar="NB")
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        help=f"seconds allowed per cell (default {DEFAULT_TIMEOUT})",
    )
    args = parser.parse_args(argv)
    failures = 0
    for path in args.notebooks:
        started = time.perf_counter()
        if not path.is_file():
            print(f"{path}: no such notebook", file=sys.stderr)
            failures += 1
            continue
        try:
            changed, warnings = execute_notebook(path.resolve(), timeout=args.timeout)
        except NotebookExecutionError as exc:
            elapsed = time.perf_counter() - started
            print(f"{path}: FAILED after {elapsed:.1f} s (file not written): {exc}")
            failures += 1
            continue
        elapsed = time.perf_counter() - started
        state = "updated" if changed else "unchanged"
        print(f"{path}: executed in {elapsed:.1f} s ({state})")
        for warning in warnings:
            print(f"  warning: {warning}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
