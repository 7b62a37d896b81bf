"""How Kafka's Java tools report errors: exceptions, stack traces and Log4j lines.

Kafka's tools print a Java exception either with ``e.getMessage()`` or with
``Utils.stackTrace(e)`` (``printStackTrace`` into a string). To print the same text the
engine raises :class:`JavaException` carrying the Java class name, message and stack
frames of the code that would have thrown it in Kafka 4.4.0 (tools compiled into
``kafka-tools-4.4.0.jar``, joptsimple 5.0.4). Frames inside the JDK are OpenJDK 17's.
A cause shares the tail of its enclosing trace; :func:`stack_trace` prints the
``... N more`` lines as Java does.

:func:`log_line` formats a Log4j 2 event with the pattern of Kafka's
``config/tools-log4j2.yaml``: ``[%d] %p %m (%c)%n``.
"""

from __future__ import annotations

import datetime as _dt


class JavaException(Exception):
    """A Java exception as a tool would print it.

    ``frames`` is the full stack trace (without ``\\tat ``), innermost first. Tools add the
    frames of their own methods with :meth:`through` as the exception travels outwards;
    the frames go to the whole cause chain, since a cause was thrown further down the
    same stack. A ``stackless`` exception (Kafka's ``ApiException``s, which skip
    ``fillInStackTrace``) never gets frames.
    """

    def __init__(
        self,
        java_class: str,
        message: str | None,
        frames: list[str] | None = None,
        *,
        cause: JavaException | None = None,
        stackless: bool = False,
    ) -> None:
        super().__init__(message)
        self.stackless = stackless
        self.java_class = java_class
        self.message = message
        self.frames = list(frames or [])
        self.cause = cause

    def through(self, *frames: str) -> JavaException:
        """Add the frames of the callers the exception passes through; returns ``self``."""
        error: JavaException | None = self
        while error is not None:
            if not error.stackless:
                error.frames.extend(frames)
            error = error.cause
        return self

    def to_string(self) -> str:
        """``Throwable.toString()``: the class, then ``: message`` if there is one."""
        return self.java_class if self.message is None else f"{self.java_class}: {self.message}"


def stack_trace(error: JavaException) -> str:
    """``Utils.stackTrace(e)``: ``printStackTrace`` output, ending with a newline.

    A cause prints only the frames it does not share with its enclosing trace, then
    ``... N more``, as ``Throwable.printEnclosedTrace`` does.
    """
    lines = [error.to_string()]
    lines.extend(f"\tat {frame}" for frame in error.frames)
    enclosing = error.frames
    cause = error.cause
    while cause is not None:
        m, n = len(cause.frames) - 1, len(enclosing) - 1
        while m >= 0 and n >= 0 and cause.frames[m] == enclosing[n]:
            m -= 1
            n -= 1
        common = len(cause.frames) - 1 - m
        lines.append(f"Caused by: {cause.to_string()}")
        lines.extend(f"\tat {frame}" for frame in cause.frames[: m + 1])
        if common:
            lines.append(f"\t... {common} more")
        enclosing = cause.frames
        cause = cause.cause
    return "\n".join(lines) + "\n"


def log_line(now_ms: int, level: str, message: str, logger: str) -> str:
    """A Log4j line, ``[2026-01-01 00:00:00,000] ERROR message (logger)``, with newline."""
    stamp = _dt.datetime.fromtimestamp(now_ms / 1000, tz=_dt.UTC)
    text = stamp.strftime("%Y-%m-%d %H:%M:%S") + f",{now_ms % 1000:03d}"
    return f"[{text}] {level} {message} ({logger})\n"


_JDK_NUMBER_LINES = {
    # (type, failure) -> line in OpenJDK 17's Integer.parseInt / Long.parseLong
    ("Integer", "sign"): 654, ("Integer", "lone-sign"): 658, ("Integer", "digit"): 668,
    ("Integer", "overflow"): 672, ("Integer", "empty"): 678,
    ("Long", "sign"): 697, ("Long", "lone-sign"): 701, ("Long", "digit"): 711,
    ("Long", "overflow"): 715, ("Long", "empty"): 721,
}
_VALUE_OF_LINE = {"Integer": 999, "Long": 1163}
_PARSE_NAME = {"Integer": "parseInt", "Long": "parseLong"}
_BITS = {"Integer": 31, "Long": 63}


class NumberFormat:
    """``Integer.valueOf`` / ``Long.valueOf`` with Java's rules and failures."""

    @staticmethod
    def parse(type_name: str, text: str) -> int:
        failure = NumberFormat._failure(type_name, text)
        if failure is None:
            return int(text)
        line = _JDK_NUMBER_LINES[(type_name, failure)]
        name = _PARSE_NAME[type_name]
        frames = [
            "java.base/java.lang.NumberFormatException.forInputString("
            "NumberFormatException.java:67)",
            f"java.base/java.lang.{type_name}.{name}({type_name}.java:{line})",
            f"java.base/java.lang.{type_name}.valueOf({type_name}.java:{_VALUE_OF_LINE[type_name]})",
            "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
            "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke("
            "NativeMethodAccessorImpl.java:77)",
            "java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke("
            "DelegatingMethodAccessorImpl.java:43)",
            "java.base/java.lang.reflect.Method.invoke(Method.java:569)",
        ]
        raise JavaException("java.lang.NumberFormatException", f'For input string: "{text}"',
                            frames)

    @staticmethod
    def parse_or_none(type_name: str, text: str) -> int | None:
        """``text`` as ``parseInt``/``parseLong`` reads it, or None where they throw."""
        return int(text) if NumberFormat._failure(type_name, text) is None else None

    @staticmethod
    def _failure(type_name: str, text: str) -> str | None:
        """Which check of ``parseInt``/``parseLong`` rejects ``text`` (None: it parses)."""
        if not text:
            return "empty"
        limit = -(2 ** _BITS[type_name] - 1)
        i = 0
        if text[0] < "0":
            if text[0] == "-":
                limit = -(2 ** _BITS[type_name])
            elif text[0] != "+":
                return "sign"
            if len(text) == 1:
                return "lone-sign"
            i = 1
        multmin = int(limit / 10)  # Java's integer division truncates toward zero
        result = 0
        while i < len(text):
            ch = text[i]
            i += 1
            digit = ord(ch) - 48 if "0" <= ch <= "9" else -1
            if digit < 0 or result < multmin:
                return "digit"
            result *= 10
            if result < limit + digit:
                return "overflow"
            result -= digit
        return None
