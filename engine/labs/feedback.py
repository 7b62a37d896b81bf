"""What a learner sees after ``check()``, ``hint()`` or ``solution()``: a small rich result.

A :class:`Feedback` is a plain value. Its text form (``repr``) is what tests and plain
consoles see; JupyterLab shows its ``_repr_html_``, a coloured box. Messages are short
Markdown-ish text: only inline code in backticks is rendered (as ``<code>``), so that
the text reads the same in both forms. Nothing here imports IPython or widgets.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    """The kinds of feedback, with the symbol and colours each is shown with."""

    CORRECT = ("correct", "✔", "#1b7f3b", "#e9f7ee")
    INCORRECT = ("incorrect", "✘", "#b42318", "#fdecea")
    NOT_ATTEMPTED = ("not attempted", "…", "#475467", "#f2f4f7")
    HINT = ("hint", "ℹ", "#8a5a00", "#fff6e0")
    SOLUTION = ("solution", "§", "#1d4ed8", "#eaf1fe")
    PROGRESS = ("progress", "☰", "#344054", "#f8f9fb")

    def __init__(self, label: str, symbol: str, colour: str, background: str) -> None:
        self.label = label
        self.symbol = symbol
        self.colour = colour
        self.background = background


_CODE = re.compile(r"`([^`]+)`")


def text_to_html(text: str) -> str:
    """Escape ``text`` for HTML; inline `code` becomes ``<code>``, newlines ``<br>``."""
    escaped = html.escape(text, quote=False)
    return _CODE.sub(r"<code>\1</code>", escaped).replace("\n", "<br>")


@dataclass(frozen=True)
class Feedback:
    """One answer from a question: an outcome, a one-line title and a message.

    ``passed`` is true only for :attr:`Outcome.CORRECT`. ``link`` is an optional
    ``(text, href)`` pair shown under the message (the solution notebook's section).
    """

    outcome: Outcome
    title: str
    message: str
    link: tuple[str, str] | None = None

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.CORRECT

    def __str__(self) -> str:
        lines = [f"{self.outcome.symbol} {self.title}"]
        lines += [f"  {line}" if line else "" for line in self.message.splitlines()]
        if self.link is not None:
            lines.append(f"  → {self.link[0]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        o = self.outcome
        parts = [
            f'<div style="border-left:4px solid {o.colour};background:{o.background};'
            f'padding:6px 10px;margin:2px 0;color:#1f2328">',
            f'<strong style="color:{o.colour}">{o.symbol} {text_to_html(self.title)}</strong>',
        ]
        if self.message:
            parts.append(f"<div>{text_to_html(self.message)}</div>")
        if self.link is not None:
            text, href = self.link
            parts.append(
                f'<div>→ <a href="{html.escape(href)}">'
                f"{text_to_html(text)}</a></div>"
            )
        parts.append("</div>")
        return "".join(parts)
