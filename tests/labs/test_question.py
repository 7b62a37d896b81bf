"""Question: check outcomes, the hint ladder, the solution pointer, learner-code calls."""

from __future__ import annotations

import pytest

from engine import Cluster
from engine.labs import Incorrect, Lab, NotAttempted, Outcome, call_learner, require_function


def make_lab() -> Lab:
    lab = Lab(99, "demo", "Demo", lambda: Cluster(seed=0))

    @lab.question("Make a topic", hints=("first", "second", "third"))
    def q1(cluster: Cluster) -> str | None:
        if not cluster.has_topic("t"):
            raise NotAttempted("no topic `t` yet")
        if cluster.num_partitions("t") != 2:
            raise Incorrect(f"`t` has {cluster.num_partitions('t')} partitions, expected 2")
        return None

    @lab.question("Give a function", hints=("a", "b"), answers=("f",))
    def q2(cluster: Cluster, f: object) -> str:
        value = call_learner(f, 1, what="f(1)")
        if value != 2:
            raise Incorrect(f"`f(1)` returned {value!r}, expected 2")
        return "f doubles."

    return lab


def test_outcomes_follow_the_checker() -> None:
    lab = make_lab()
    q1 = lab.questions[0]
    assert q1.check().outcome is Outcome.NOT_ATTEMPTED  # not started
    cluster = lab.start()
    feedback = q1.check()
    assert feedback.outcome is Outcome.NOT_ATTEMPTED
    assert feedback.message.startswith("No topic `t` yet")  # capitalised for display
    assert "run `q1.check()` again" in feedback.message
    cluster.create_topic("t", partitions=3)
    feedback = q1.check()
    assert feedback.outcome is Outcome.INCORRECT
    assert feedback.title == "q1 · incorrect"
    assert "`t` has 3 partitions, expected 2" in feedback.message
    assert "`q1.hint()`" in feedback.message
    lab.start().create_topic("t", partitions=2)
    feedback = q1.check()
    assert feedback.passed and feedback.message == "Well done."


def test_learner_code_stub_error_and_success() -> None:
    lab = make_lab()
    lab.start()
    q2 = lab.questions[1]

    def stub(x: int) -> int:
        raise NotImplementedError

    assert q2.check(stub).outcome is Outcome.NOT_ATTEMPTED
    broken = q2.check(lambda x: x / 0)
    assert broken.outcome is Outcome.INCORRECT
    assert "`f(1)` raised ZeroDivisionError: division by zero" in broken.message
    assert q2.check(lambda x: x + 2).outcome is Outcome.INCORRECT
    assert q2.check(lambda x: 2 * x).message == "F doubles."


def test_wrong_number_of_answers_says_how_to_call() -> None:
    lab = make_lab()
    lab.start()
    feedback = lab.questions[1].check()
    assert feedback.outcome is Outcome.NOT_ATTEMPTED
    assert "`q2.check(f)`" in feedback.message


def test_hint_ladder_climbs_and_stays_on_the_last_rung() -> None:
    lab = make_lab()
    q1 = lab.questions[0]
    titles = [q1.hint().title for _ in range(4)]
    assert titles == ["q1 · hint 1 of 3", "q1 · hint 2 of 3", "q1 · hint 3 of 3",
                      "q1 · hint 3 of 3"]
    assert "q1.solution()" in q1.hint().message
    assert q1.hint(1).message.startswith("first")
    assert q1.hints_given == 3
    with pytest.raises(ValueError, match="hints 1 to 3"):
        q1.hint(4)
    lab.start()
    assert q1.hint().title == "q1 · hint 1 of 3"


def test_solution_points_to_the_notebook_section() -> None:
    q1 = make_lab().questions[0]
    feedback = q1.solution()
    assert feedback.outcome is Outcome.SOLUTION
    assert "`solutions/99-demo.ipynb`, section “Question 1 · Make a topic”" in feedback.message
    assert feedback.link == ("solutions/99-demo.ipynb › Question 1 · Make a topic",
                             "../solutions/99-demo.ipynb#Question-1-·-Make-a-topic")


def test_a_question_needs_two_hints() -> None:
    lab = Lab(98, "x", "X", lambda: Cluster(seed=0))
    with pytest.raises(ValueError, match="at least two hints"):
        lab.question("Q", hints=("only one",))(lambda cluster: None)


def test_repr_shows_how_to_use_it() -> None:
    assert repr(make_lab().questions[1]) == (
        "q2 · Give a function: q2.check(f), q2.hint(), q2.solution()")


def test_call_learner_passes_results_through() -> None:
    assert call_learner(lambda a, b: a + b, 1, 2, what="add(1, 2)") == 3


def test_require_function_names_the_answer_and_what_it_got() -> None:
    require_function(len, "predict")
    with pytest.raises(Incorrect, match=r"^`predict` should be a function, got int\.$"):
        require_function(42, "predict")
    with pytest.raises(Incorrect, match=r"^`handle` should be a function `handle\(c, p\)`, "
                       r"got str\.$"):
        require_function("handle", "handle", signature="handle(c, p)")
