"""The engine core and journal must not import widget or notebook code."""

import subprocess
import sys

FORBIDDEN = ("ipywidgets", "anywidget", "IPython", "traitlets", "ipykernel")


def test_importing_engine_loads_no_widget_code() -> None:
    code = (
        "import sys, engine, engine.core, engine.journal, engine.errors\n"
        "c = engine.Cluster(brokers=3, seed=1)\n"
        "c.create_topic('t', partitions=3, replication_factor=2)\n"
        "c.produce('t', 'v', key='k')\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
