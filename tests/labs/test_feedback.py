"""Feedback: its text form, its HTML form, and what counts as a pass."""

from __future__ import annotations

from engine.labs.feedback import Feedback, Outcome, text_to_html


def test_text_form_has_symbol_title_and_indented_message() -> None:
    feedback = Feedback(Outcome.INCORRECT, "q1 · incorrect", "line one\nline two")
    assert str(feedback) == "✘ q1 · incorrect\n  line one\n  line two"
    assert repr(feedback) == str(feedback)
    assert not feedback.passed


def test_only_correct_passes() -> None:
    assert [o for o in Outcome if Feedback(o, "t", "m").passed] == [Outcome.CORRECT]


def test_html_escapes_and_renders_inline_code() -> None:
    assert text_to_html("use `a < b` & go\nnext") == (
        "use <code>a &lt; b</code> &amp; go<br>next")


def test_html_box_has_the_outcome_colour_and_the_link() -> None:
    feedback = Feedback(Outcome.SOLUTION, "q1 · solution", "see there",
                        link=("solutions/x.ipynb › Q", "../solutions/x.ipynb#Q"))
    html = feedback._repr_html_()
    assert Outcome.SOLUTION.colour in html
    assert '<a href="../solutions/x.ipynb#Q">solutions/x.ipynb › Q</a>' in html
    assert str(feedback).endswith("→ solutions/x.ipynb › Q")


def test_forms_are_deterministic() -> None:
    a = Feedback(Outcome.HINT, "q2 · hint 1 of 2", "`x`")
    b = Feedback(Outcome.HINT, "q2 · hint 1 of 2", "`x`")
    assert a == b and a._repr_html_() == b._repr_html_()
