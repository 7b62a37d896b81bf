"""A lab: a fresh cluster for the learner, and the questions that grade it.

``start()`` builds the lab's own :class:`~engine.core.cluster.Cluster` and hands it to
the learner; every ``check()`` grades that object, which the lab keeps. A cluster the
learner builds elsewhere is never looked at, so work done on another cluster, or
records written past the engine, cannot pass a check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine.core.cluster import Cluster
from engine.labs.feedback import Feedback, Outcome
from engine.labs.question import Checker, NotAttempted, Question
from engine.labs.state import verify_journal


class Lab:
    """Lab ``number`` (``solutions/NN-<slug>.ipynb``), its setup and its questions.

    ``setup`` returns the cluster a learner starts from (seeded, with any topics the
    exercises need); it runs again on every :meth:`start`.
    """

    def __init__(self, number: int, slug: str, title: str, setup: Callable[[], Cluster]):
        self.number = number
        self.slug = slug
        self.title = title
        self._setup = setup
        self._cluster: Cluster | None = None
        self.questions: list[Question] = []

    @property
    def notebook(self) -> str:
        """The notebook's file name, the same in ``labs/`` and ``solutions/``."""
        return f"{self.number:02d}-{self.slug}.ipynb"

    @property
    def solution_path(self) -> str:
        return f"solutions/{self.notebook}"

    @property
    def lab_path(self) -> str:
        return f"labs/{self.notebook}"

    def question(
        self, title: str, *, hints: Sequence[str], answers: Sequence[str] = ()
    ) -> Callable[[Checker], Question]:
        """Decorator: turn a checker function into this lab's next question."""

        def register(checker: Checker) -> Question:
            q = Question(self, len(self.questions) + 1, title, checker, hints, answers)
            self.questions.append(q)
            return q

        return register

    def start(self) -> Cluster:
        """A fresh cluster for the lab (forgetting earlier work and hints); returns it."""
        cluster = self._setup()
        if type(cluster) is not Cluster:
            raise TypeError(f"a lab's setup must return a Cluster, got {type(cluster)!r}")
        self._cluster = cluster
        for q in self.questions:
            q.reset()
        return cluster

    @property
    def cluster(self) -> Cluster:
        """The cluster :meth:`start` made; the only one the checks look at."""
        if self._cluster is None:
            raise NotAttempted(f"the lab has not started: run "
                               f"`cluster = lab{self.number:02d}.start()` first.")
        return self._cluster

    def verify(self, cluster: Cluster) -> None:
        """Checks every question makes first: the cluster is the engine's, journal intact."""
        verify_journal(cluster)

    def progress(self) -> Feedback:
        """Check every question (without arguments where none are needed) and list them."""
        lines = []
        passed = 0
        for q in self.questions:
            if q.answers and q.last_outcome is None:
                lines.append(f"○ {q.name} · {q.title}: not checked yet")
                continue
            outcome = q.last_outcome if q.answers else q.evaluate()[0]
            assert outcome is not None
            passed += outcome is Outcome.CORRECT
            lines.append(f"{outcome.symbol} {q.name} · {q.title}: {outcome.label}")
        title = f"Lab {self.number:02d} · {passed} of {len(self.questions)} questions passed"
        return Feedback(Outcome.PROGRESS, title, "\n".join(lines))

    def __repr__(self) -> str:
        return f"Lab {self.number:02d} · {self.title} ({len(self.questions)} questions)"
