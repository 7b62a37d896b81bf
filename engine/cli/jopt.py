"""A command-line option parser that behaves like joptsimple 5.0.4, which Kafka's tools use.

Kafka's CLI tools build their options with joptsimple through ``CommandDefaultOptions``,
which turns abbreviations **off**: ``--lis`` is ``lis is not a recognized option``, not
``--list``. What this module reproduces:

- tokens: ``--name``, ``--name=value``, ``-name`` (a single dash also takes a whole
  option name), ``-abc`` clusters of one-letter options, ``--`` ends the options, anything
  else is a non-option argument (the tools ignore those);
- an option that requires an argument takes the next token, whatever it looks like;
- the exceptions and their texts (``X is not a recognized option``, ``Option X requires
  an argument``, ``Cannot parse argument 'x' of option y``, ``Found multiple arguments
  for option x, but you asked for only one``), raised as :class:`JavaException` with the
  stack frames the parser's own code contributes;
- values are converted when asked for (``OptionSet.value_of``), as joptsimple does, so a
  bad number fails only when the tool reads it;
- the help table of ``BuiltinHelpFormatter``: sorted options, two columns of at most 80
  characters, each wrapped at the break opportunities of Java's ``BreakIterator`` line
  instance (see :func:`line_pieces`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.cli.java import JavaException, NumberFormat

_PARSE = "joptsimple.OptionParser.parse(OptionParser.java:396)"
_STATE_LONG = "joptsimple.OptionParserState$2.handleArgument(OptionParserState.java:56)"
_STATE_SHORT = "joptsimple.OptionParserState$2.handleArgument(OptionParserState.java:59)"
_UNRECOGNIZED = "joptsimple.OptionException.unrecognizedOption(OptionException.java:108)"
_MISSING_ARG = (
    "joptsimple.RequiredArgumentOptionSpec.detectOptionArgument(RequiredArgumentOptionSpec.java:48)",
    "joptsimple.ArgumentAcceptingOptionSpec.handleOption(ArgumentAcceptingOptionSpec.java:257)",
)


@dataclass
class OptionSpec:
    """One option of a parser (``accepts(...)`` plus its builder calls)."""

    name: str
    description: str = ""
    argument: str = "none"  # "none", "required" or "optional"
    argument_description: str = ""
    type_name: str | None = None  # "Integer", "Long", "Double"; None: String
    defaults: list[str] = field(default_factory=list)
    for_help: bool = False

    # builder calls, named after joptsimple's ------------------------------------------
    def with_required_arg(self) -> OptionSpec:
        self.argument = "required"
        return self

    def with_optional_arg(self) -> OptionSpec:
        self.argument = "optional"
        return self

    def described_as(self, text: str) -> OptionSpec:
        self.argument_description = text
        return self

    def of_type(self, type_name: str) -> OptionSpec:
        self.type_name = None if type_name == "String" else type_name
        return self

    def defaults_to(self, *values: object) -> OptionSpec:
        self.defaults = [str(v) for v in values]
        return self

    def __str__(self) -> str:  # AbstractOptionSpec.toString: options.toString()
        return f"[{self.name}]"

    def __hash__(self) -> int:
        return hash(self.name)

    def convert(self, raw: str) -> object:
        """The argument converted to the option's type, or joptsimple's error."""
        if self.type_name is None:
            return raw
        try:
            return NumberFormat.parse(self.type_name, raw)
        except JavaException as cause:
            raise conversion_error(self, raw, cause) from None


def conversion_error(spec: OptionSpec, raw: str, cause: JavaException) -> JavaException:
    """``OptionArgumentConversionException`` wrapping a ``ReflectionException``.

    The traces end in ``OptionSet.valuesOf``; the tool adds its own frames.
    """
    shared = [
        "joptsimple.ArgumentAcceptingOptionSpec.convert(ArgumentAcceptingOptionSpec.java:277)",
        "joptsimple.OptionSet.valuesOf(OptionSet.java:223)",
    ]
    converter = [
        "joptsimple.internal.MethodInvokingValueConverter.convert("
        "MethodInvokingValueConverter.java:48)",
        "joptsimple.internal.Reflection.convertWith(Reflection.java:124)",
        "joptsimple.AbstractOptionSpec.convertWith(AbstractOptionSpec.java:90)",
        *shared,
    ]
    cause.frames = [*cause.frames, "joptsimple.internal.Reflection.invoke(Reflection.java:116)",
                    *converter]
    reflection = JavaException(
        "joptsimple.internal.ReflectionException", cause.to_string(),
        ["joptsimple.internal.Reflection.reflectionException(Reflection.java:136)",
         "joptsimple.internal.Reflection.invoke(Reflection.java:118)", *converter],
        cause=cause,
    )
    return JavaException(
        "joptsimple.OptionArgumentConversionException",
        f"Cannot parse argument '{raw}' of option {spec.name}",
        ["joptsimple.AbstractOptionSpec.convertWith(AbstractOptionSpec.java:92)", *shared],
        cause=reflection,
    )


class OptionSet:
    """What a parse found: options, their raw arguments, non-option arguments."""

    def __init__(self) -> None:
        self._arguments: dict[str, list[str]] = {}
        self._specs: dict[str, OptionSpec] = {}
        self.non_options: list[str] = []

    def add(self, spec: OptionSpec, argument: str | None) -> None:
        self._specs[spec.name] = spec
        values = self._arguments.setdefault(spec.name, [])
        if argument is not None:
            values.append(argument)

    def has(self, spec: OptionSpec) -> bool:
        return spec.name in self._arguments

    def raw_values(self, spec: OptionSpec) -> list[str]:
        return list(self._arguments.get(spec.name, []))

    def values_of(self, spec: OptionSpec) -> list[object]:
        """Converted values; the defaults when the option was not given."""
        raw = self._arguments.get(spec.name) or spec.defaults
        return [spec.convert(value) for value in raw]

    def value_of(self, spec: OptionSpec) -> object:
        """The single value (``None`` if none); two or more is joptsimple's error."""
        try:
            values = self.values_of(spec)
        except JavaException as error:
            raise error.through("joptsimple.OptionSet.valueOf(OptionSet.java:172)") from None
        if len(values) > 1:
            raise JavaException(
                "joptsimple.MultipleArgumentsForOptionException",
                f"Found multiple arguments for option {spec.name}, but you asked for only one",
                ["joptsimple.OptionSet.valueOf(OptionSet.java:179)"],
            )
        return values[0] if values else None


class OptionParser:
    """``joptsimple.OptionParser(false)``: no abbreviations, help and version first."""

    def __init__(self) -> None:
        self._specs: dict[str, OptionSpec] = {}

    def accepts(self, name: str, description: str = "") -> OptionSpec:
        spec = OptionSpec(name, description)
        self._specs[name] = spec
        return spec

    @property
    def specs(self) -> dict[str, OptionSpec]:
        return dict(self._specs)

    def parse(self, args: Sequence[str]) -> OptionSet:
        """Parse ``args``; raises :class:`JavaException` as joptsimple would."""
        detected = OptionSet()
        i = 0
        only_non_options = False
        while i < len(args):
            token = args[i]
            i += 1
            if only_non_options:
                detected.non_options.append(token)
            elif token == "--":
                only_non_options = True
            elif token.startswith("--"):
                i = self._long(token, args, i, detected)
            elif token.startswith("-") and token != "-":
                i = self._short(token, args, i, detected)
            else:
                detected.non_options.append(token)
        return detected

    def _take(self, spec: OptionSpec, inline: str | None, args: Sequence[str], i: int,
              detected: OptionSet, path: list[str]) -> int:
        if spec.argument == "none" or inline is not None:
            detected.add(spec, inline if spec.argument != "none" else None)
            return i
        if spec.argument == "required":
            if i >= len(args):
                raise JavaException(
                    "joptsimple.OptionMissingRequiredArgumentException",
                    f"Option {spec.name} requires an argument",
                    [*_MISSING_ARG, *path],
                )
            detected.add(spec, args[i])
            return i + 1
        # optional argument: the next token, unless it looks like an option
        if i < len(args) and not args[i].startswith("-"):
            detected.add(spec, args[i])
            return i + 1
        detected.add(spec, None)
        return i

    def _long(self, token: str, args: Sequence[str], i: int, detected: OptionSet) -> int:
        key, eq, value = token[2:].partition("=")
        spec = self._specs.get(key)
        if spec is None:
            raise JavaException(
                "joptsimple.UnrecognizedOptionException", f"{key} is not a recognized option",
                [_UNRECOGNIZED,
                 "joptsimple.OptionParser.handleLongOptionToken(OptionParser.java:510)",
                 _STATE_LONG, _PARSE],
            )
        path = ["joptsimple.OptionParser.handleLongOptionToken(OptionParser.java:513)",
                _STATE_LONG, _PARSE]
        return self._take(spec, value if eq else None, args, i, detected, path)

    def _short(self, token: str, args: Sequence[str], i: int, detected: OptionSet) -> int:
        key, eq, value = token[1:].partition("=")
        spec = self._specs.get(key)
        if spec is not None:
            path = ["joptsimple.OptionParser.handleShortOptionToken(OptionParser.java:520)",
                    _STATE_SHORT, _PARSE]
            return self._take(spec, value if eq else None, args, i, detected, path)
        letters = token[1:]
        for ch in letters:  # validateOptionCharacters
            letter = self._specs.get(ch)
            if letter is None:
                raise JavaException(
                    "joptsimple.UnrecognizedOptionException", f"{ch} is not a recognized option",
                    [_UNRECOGNIZED,
                     "joptsimple.OptionParser.validateOptionCharacters(OptionParser.java:633)",
                     "joptsimple.OptionParser.handleShortOptionCluster(OptionParser.java:528)",
                     "joptsimple.OptionParser.handleShortOptionToken(OptionParser.java:523)",
                     _STATE_SHORT, _PARSE],
                )
            if letter.argument != "none":
                break
        for n, ch in enumerate(letters):
            letter = self._specs[ch]
            rest = letters[n + 1:]
            if letter.argument != "none" and rest:
                detected.add(letter, rest)
                return i
            path = ["joptsimple.OptionParser.handleShortOptionCluster(OptionParser.java:538)",
                    "joptsimple.OptionParser.handleShortOptionToken(OptionParser.java:523)",
                    _STATE_SHORT, _PARSE]
            i = self._take(letter, None, args, i, detected, path)
        return i

    # ------------------------------------------------------------------------- help
    def format_help(self) -> str:
        """``printHelpOn``: the option table of ``BuiltinHelpFormatter(80, 2)``."""
        rows: list[tuple[str, str]] = [("Option", "Description"), ("------", "-----------")]
        for name in sorted(self._specs):
            spec = self._specs[name]
            rows.append((_option_display(spec), _description_display(spec)))
        return _render(rows, 80, 2)


def _option_display(spec: OptionSpec) -> str:
    text = ("--" if len(spec.name) > 1 else "-") + spec.name
    if spec.argument != "none" or spec.argument_description:
        indicator = spec.type_name or "String"
        start, end = ("<", ">") if spec.argument == "required" else ("[", "]")
        text += f" {start}{indicator}"
        if spec.argument_description:
            text += f": {spec.argument_description}"
        text += end
    return text


def _description_display(spec: OptionSpec) -> str:
    if not spec.defaults:
        return spec.description
    shown = spec.defaults[0] if len(spec.defaults) == 1 else "[" + ", ".join(spec.defaults) + "]"
    return f"{spec.description} (default: {shown})".strip()


def _render(rows: list[tuple[str, str]], overall: int, separator: int) -> str:
    def widths(table: list[tuple[str, str]]) -> tuple[int, int]:
        widest_option = max(len(o) for o, _ in table)
        widest_description = max(len(d) for _, d in table)
        option_width = min((overall - separator) // 2, widest_option)
        return option_width, min(overall - option_width - separator, widest_description)

    option_width, description_width = widths(rows)
    fitted: list[tuple[str, str]] = []
    for option, description in rows:
        options = _pieces(option, option_width)
        descriptions = _pieces(description, description_width)
        for n in range(max(len(options), len(descriptions))):
            fitted.append((options[n] if n < len(options) else "",
                           descriptions[n] if n < len(descriptions) else ""))
    option_width, description_width = widths(fitted)
    return "".join(
        option.ljust(option_width) + " " * separator + description.ljust(description_width) + "\n"
        for option, description in fitted
    )


def _java_trim(text: str) -> str:
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _pieces(raw: str, width: int) -> list[str]:
    pieces: list[str] = []
    for line in _java_trim(raw).split("\n"):
        pieces.extend(_embedded_line_pieces(line, width))
    return pieces


def _embedded_line_pieces(line: str, width: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for word in line_pieces(line):
        if len(current) + len(word) > width:
            pieces.append(current.rstrip())
            current = "  " + word
        else:
            current += word
    if current:
        pieces.append(current)
    return pieces


_BREAK_AFTER = frozenset(".,:;-?!)%")
_CLOSING = frozenset(".,:;?!)%'")


def _break_between(before: str, after: str, before2: str) -> bool:
    """Whether Java's line ``BreakIterator`` allows a break between two characters.

    A model of the JDK's legacy line-break rules, good for help texts: break after a run
    of spaces, and after ``. , : ; - ? ! ) %`` unless the next character is a space or
    more closing punctuation, or the punctuation sits between digits (``1.5``).
    """
    if before in " \t":
        return after not in " \t"
    if before not in _BREAK_AFTER or after in " \t":
        return False
    if before == after:
        return False
    if before == "-":
        return True
    if after == "-":
        return before in ".,"
    if after in _CLOSING:
        return False
    return not (before in ".," and after.isdigit() and before2.isdigit())


def line_pieces(line: str) -> list[str]:
    """``line`` cut at its line-break opportunities; each piece keeps its trailing spaces."""
    pieces: list[str] = []
    start = 0
    for n in range(1, len(line)):
        if _break_between(line[n - 1], line[n], line[n - 2] if n >= 2 else ""):
            pieces.append(line[start:n])
            start = n
    if line:
        pieces.append(line[start:])
    return pieces

