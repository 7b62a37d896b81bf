"""One exercise of a lab: ``check()``, a ladder of hints, and a pointer to the solution.

A question's *checker* is a plain function ``checker(cluster, *answers) -> str | None``.
It reads the engine's state (topics, configs, records, the journal) and either returns
(optionally with a message for the pass) or raises:

* :class:`NotAttempted` when nothing of the answer is there yet (an untouched lab);
* :class:`Incorrect` with a message that names what is wrong and by how much
  ("partition 2 has 3 records, expected 5").

``answers`` are objects the learner hands over because they are the subject of the
exercise (a function, a partitioner class), never printed text. Checkers call learner
code through :func:`call_learner`, which turns the stub's ``NotImplementedError`` into
"not attempted" and any other exception into a precise "incorrect".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from engine.labs.feedback import Feedback, Outcome

if TYPE_CHECKING:
    from engine.core.cluster import Cluster
    from engine.labs.lab import Lab

Checker = Callable[..., str | None]
"""``checker(cluster, *answers)``: return (a pass message or ``None``) or raise."""


class NotAttempted(Exception):
    """The answer is not there yet; the message says what the question expects first."""


class Incorrect(Exception):
    """The answer is there but wrong; the message says what and by how much."""


def call_learner(function: Callable[..., Any], *args: Any, what: str) -> Any:
    """Call learner code; translate its failures into a checker's verdicts.

    ``what`` names the call as the learner would write it, e.g. ``predict_partition('a', 6)``.
    """
    try:
        return function(*args)
    except NotImplementedError:
        raise NotAttempted(
            f"`{what}` still raises NotImplementedError: replace the stub with your code."
        ) from None
    except Exception as error:
        raise Incorrect(f"`{what}` raised {type(error).__name__}: {error}") from None


def require_function(answer: Any, name: str, *, signature: str | None = None) -> None:
    """Raise :class:`Incorrect` unless the learner's ``answer`` (named ``name``) is callable.

    ``signature`` is how the function is called, shown in the message when given
    (``handle(consumer, process)``).
    """
    if not callable(answer):
        shape = f" `{signature}`" if signature else ""
        raise Incorrect(f"`{name}` should be a function{shape}, got {type(answer).__name__}.")


class Question:
    """A question of a lab, bound to it: ``q1.check()``, ``q1.hint()``, ``q1.solution()``.

    Created with :meth:`engine.labs.Lab.question`. ``answers`` names the objects that
    ``check`` takes (as the learner's notebook calls them), e.g. ``("predict_partition",)``.
    """

    def __init__(
        self,
        lab: Lab,
        number: int,
        title: str,
        checker: Checker,
        hints: Sequence[str],
        answers: Sequence[str] = (),
    ) -> None:
        if len(hints) < 2:
            raise ValueError(f"question {number} needs at least two hints, got {len(hints)}")
        self.lab = lab
        self.number = number
        self.title = title
        self.checker = checker
        self.hints = tuple(hints)
        self.answers = tuple(answers)
        self.hints_given = 0
        self.last_outcome: Outcome | None = None

    @property
    def name(self) -> str:
        """The learner's name for this question: ``q1``, ``q2``, ..."""
        return f"q{self.number}"

    @property
    def heading(self) -> str:
        """The section heading this question has in the lab and solution notebooks."""
        return f"Question {self.number} · {self.title}"

    def reset(self) -> None:
        """Forget hints given and the last outcome (a fresh start of the lab)."""
        self.hints_given = 0
        self.last_outcome = None

    def _call_text(self) -> str:
        return f"{self.name}.check({', '.join(self.answers)})"

    def evaluate(self, *answers: Any) -> tuple[Outcome, str]:
        """Run the checker; return the outcome and its message (no display object)."""
        if len(answers) != len(self.answers):
            return Outcome.NOT_ATTEMPTED, f"Call it as `{self._call_text()}`."
        try:
            cluster: Cluster = self.lab.cluster
            self.lab.verify(cluster)
            message = self.checker(cluster, *answers)
        except NotAttempted as reason:
            return Outcome.NOT_ATTEMPTED, str(reason)
        except Incorrect as reason:
            return Outcome.INCORRECT, str(reason)
        return Outcome.CORRECT, message or "Well done."

    def check(self, *answers: Any) -> Feedback:
        """Grade the engine's state (and the objects named in ``answers``)."""
        outcome, message = self.evaluate(*answers)
        self.last_outcome = outcome
        message = message[:1].upper() + message[1:]
        if outcome is Outcome.NOT_ATTEMPTED:
            message += (f"\nWhen you have written your answer, run `{self._call_text()}` "
                        f"again. Stuck? `{self.name}.hint()`.")
        elif outcome is Outcome.INCORRECT:
            message += f"\nTry again, or ask for a hint: `{self.name}.hint()`."
        return Feedback(outcome, f"{self.name} · {outcome.label}", message)

    def hint(self, n: int | None = None) -> Feedback:
        """The next hint (each call climbs one rung), or hint ``n`` (1-based)."""
        total = len(self.hints)
        if n is None:
            n = min(self.hints_given + 1, total)
        if not 1 <= n <= total:
            raise ValueError(f"{self.name} has hints 1 to {total}, not {n}")
        self.hints_given = max(self.hints_given, n)
        message = self.hints[n - 1]
        if n < total:
            message += f"\nStill stuck? `{self.name}.hint()` gives the next hint."
        else:
            message += (f"\nThat was the last hint. `{self.name}.solution()` shows where "
                        "the worked solution is.")
        return Feedback(Outcome.HINT, f"{self.name} · hint {n} of {total}", message)

    def solution(self) -> Feedback:
        """Where the worked solution is: the solution notebook and its section."""
        path = self.lab.solution_path
        message = (
            f"The worked solution is in `{path}`, section “{self.heading}”. Read it, then "
            "close it and write the answer here yourself: the check grades this lab's "
            "cluster, not the solution notebook."
        )
        anchor = self.heading.replace(" ", "-")
        link = (f"{path} › {self.heading}", f"../{path}#{anchor}")
        return Feedback(Outcome.SOLUTION, f"{self.name} · solution", message, link)

    def __repr__(self) -> str:
        return (f"{self.name} · {self.title}: {self._call_text()}, {self.name}.hint(), "
                f"{self.name}.solution()")
