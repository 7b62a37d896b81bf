"""Lab: a fresh cluster per start, the only cluster graded, and the progress summary."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine import Cluster
from engine.labs import Incorrect, Lab, Outcome


def make_lab() -> Lab:
    def setup() -> Cluster:
        cluster = Cluster(seed=3)
        cluster.create_topic("given", partitions=2)
        return cluster

    lab = Lab(7, "some-slug", "Some title", setup)

    @lab.question("Produce", hints=("h1", "h2"))
    def q1(cluster: Cluster) -> None:
        if cluster.describe_topic("given").partitions[0].log_end_offset != 1:
            raise Incorrect("partition 0 needs one record")

    @lab.question("With answer", hints=("h1", "h2"), answers=("thing",))
    def q2(cluster: Cluster, thing: object) -> None:
        return None

    return lab


def test_paths_follow_the_number_and_slug() -> None:
    lab = make_lab()
    assert lab.notebook == "07-some-slug.ipynb"
    assert lab.solution_path == "solutions/07-some-slug.ipynb"
    assert lab.lab_path == "labs/07-some-slug.ipynb"
    assert repr(lab) == "Lab 07 · Some title (2 questions)"


def test_start_returns_a_new_seeded_cluster_each_time() -> None:
    lab = make_lab()
    first = lab.start()
    second = lab.start()
    assert first is not second and lab.cluster is second
    assert first.journal.digest() == second.journal.digest()


def test_setup_must_return_a_real_cluster() -> None:
    class Fake(Cluster):
        pass

    lab = Lab(1, "x", "X", lambda: Fake(seed=0))
    with pytest.raises(TypeError, match="must return a Cluster"):
        lab.start()


def test_a_replaced_cluster_is_refused() -> None:
    class Fake(Cluster):
        pass

    lab = make_lab()
    lab.start()
    lab._cluster = Fake(seed=3)
    feedback = lab.questions[0].check()
    assert feedback.outcome is Outcome.INCORRECT
    assert "replaced by a Fake" in feedback.message


def test_progress_lists_each_question() -> None:
    lab = make_lab()
    cluster = lab.start()
    cluster.produce("given", "v", partition=0)
    summary = lab.progress()
    assert summary.title == "Lab 07 · 1 of 2 questions passed"
    assert summary.message.splitlines() == [
        "✔ q1 · Produce: correct",
        "○ q2 · With answer: not checked yet",
    ]
    lab.questions[1].check(object())
    assert lab.progress().title == "Lab 07 · 2 of 2 questions passed"


def test_labs_load_no_widget_or_notebook_code() -> None:
    forbidden = ("ipywidgets", "anywidget", "IPython", "traitlets", "ipykernel", "nbformat")
    code = (
        "import sys\n"
        "from engine.labs import lab01\n"
        "lab01.start()\n"
        "lab01.q1.check(); lab01.q1.hint(); lab01.q1.solution()._repr_html_()\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
