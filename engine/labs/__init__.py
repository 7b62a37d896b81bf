"""Labs: exercises whose checks grade the engine's state, with hints and solutions.

A learner's lab notebook (``labs/NN-<slug>.ipynb``, generated from
``solutions/NN-<slug>.ipynb`` by ``tools/labs.py``) starts with::

    from engine.labs import lab01
    from engine.labs.lab01 import q1, q2, q3, q4

    cluster = lab01.start()

and then, question by question, an answer cell and a ``q1.check()`` cell. ``q1.hint()``
climbs a ladder of hints; ``q1.solution()`` names the solution notebook's section.

Writing a lab (``engine/labs/labNN.py``)
----------------------------------------

1. Make the lab: ``lab = Lab(NN, "<slug>", "<title>", setup)`` where ``setup()``
   returns a fresh, seeded :class:`~engine.core.cluster.Cluster` with whatever the
   exercises start from; export ``start = lab.start``.
2. Write one checker per question and register it with
   ``@lab.question("<title>", hints=(...), answers=(...))``; the decorated name
   (``q1``) is the learner's question object. A checker takes the lab's cluster (and
   the learner objects named in ``answers``) and returns a pass message, or raises
   :class:`NotAttempted` (nothing done yet) or :class:`Incorrect` (say what is wrong
   and by how much; :func:`count_mismatches` words record counts).
3. Grade state, never printed text: ``describe_topic``, ``topic_config``,
   :func:`records_by_partition`, the journal. Every check first runs
   :func:`verify_journal`, so logs edited behind the engine's back fail. Call learner
   code only through :func:`call_learner` (or catch ``NotImplementedError`` as "not
   attempted"), after :func:`require_function`, and test learner strategies on a
   private cluster with cases the notebook does not show, so that hard-coded answers
   fail. Shared graders: ``topic_spec_problems`` and ``other_overrides``
   (``engine/labs/state.py``) for a topic to a spec; ``engine/labs/offsets.py`` for a
   group's committed offsets.
4. Write ``solutions/NN-<slug>.ipynb``: a "how labs work" cell first, then for each
   question a ``## Question N · <title>`` heading (``q.heading``; ``solution()``
   points there), an answer cell whose answer sits between ``### BEGIN SOLUTION`` and
   ``### END SOLUTION`` (text after ``BEGIN SOLUTION`` becomes the stub's message), and
   a ``qN.check()`` cell. Run ``python3 course.py labs`` and
   ``python3 course.py execute solutions/NN-<slug>.ipynb``.
5. Add ``tests/labs/test_labNN.py`` on the helpers of ``tests/labs/checks.py``: the
   solution passes (``run_solution``), the generated lab is "not attempted"
   (``run_generated_lab``), and at least two wrong answers per question get the right
   message (``verdict``).
"""

from engine.labs.feedback import Feedback, Outcome
from engine.labs.lab import Lab
from engine.labs.question import (
    Incorrect,
    NotAttempted,
    Question,
    call_learner,
    require_function,
)
from engine.labs.state import (
    count_mismatches,
    duration,
    plural,
    records_by_partition,
    require_topic,
    show,
    verify_journal,
)

__all__ = [
    "Feedback",
    "Incorrect",
    "Lab",
    "NotAttempted",
    "Outcome",
    "Question",
    "call_learner",
    "count_mismatches",
    "duration",
    "plural",
    "records_by_partition",
    "require_function",
    "require_topic",
    "show",
    "verify_journal",
]
