"""The joptsimple-compatible parser: tokens, errors, lazy conversion and the help table."""

from __future__ import annotations

import pytest

from engine.cli.java import JavaException
from engine.cli.jopt import OptionParser, line_pieces


def parser() -> OptionParser:
    p = OptionParser()
    p.accepts("list", "List all available topics.")
    p.accepts("topic", "The topic.").with_required_arg().described_as("topic")
    p.accepts("topics-with-overrides", "Only overrides.")
    p.accepts("partitions", "How many.").with_required_arg().of_type("Integer")
    p.accepts("x", "A short flag.")
    p.accepts("codec", "Codec.").with_optional_arg()
    return p


def test_long_short_and_inline_forms() -> None:
    p = parser()
    opts = p.parse(["--topic", "a", "-list", "--partitions=3", "extra", "--", "--list"])
    assert opts.value_of(p.specs["topic"]) == "a"
    assert opts.has(p.specs["list"])
    assert opts.value_of(p.specs["partitions"]) == 3
    assert opts.non_options == ["extra", "--list"]


def test_no_abbreviations_as_in_kafka_tools() -> None:
    with pytest.raises(JavaException) as info:
        parser().parse(["--lis"])
    assert info.value.message == "lis is not a recognized option"
    assert info.value.java_class == "joptsimple.UnrecognizedOptionException"


def test_short_cluster_reports_first_unknown_letter() -> None:
    with pytest.raises(JavaException) as info:
        parser().parse(["-lis"])
    assert info.value.message == "l is not a recognized option"
    assert "validateOptionCharacters" in info.value.frames[1]


def test_required_argument_takes_next_token_even_an_option() -> None:
    p = parser()
    assert p.parse(["--topic", "--list"]).value_of(p.specs["topic"]) == "--list"
    with pytest.raises(JavaException) as info:
        p.parse(["--list", "--topic"])
    assert info.value.message == "Option topic requires an argument"


def test_optional_argument() -> None:
    p = parser()
    assert p.parse(["--codec"]).value_of(p.specs["codec"]) is None
    assert p.parse(["--codec", "lz4"]).value_of(p.specs["codec"]) == "lz4"


def test_conversion_is_lazy_and_has_joptsimple_text() -> None:
    p = parser()
    opts = p.parse(["--partitions", "abc"])  # parsing succeeds
    with pytest.raises(JavaException) as info:
        opts.value_of(p.specs["partitions"])
    error = info.value
    assert error.message == "Cannot parse argument 'abc' of option partitions"
    assert error.cause is not None and error.cause.cause is not None
    assert error.cause.cause.message == 'For input string: "abc"'


def test_multiple_values_for_value_of() -> None:
    p = parser()
    opts = p.parse(["--topic", "a", "--topic", "b"])
    assert opts.values_of(p.specs["topic"]) == ["a", "b"]
    with pytest.raises(JavaException, match="Found multiple arguments for option topic, but "
                                            "you asked for only one"):
        opts.value_of(p.specs["topic"])


def test_spec_string_is_option_list() -> None:
    assert str(parser().specs["topic"]) == "[topic]"


# Java's BreakIterator.getLineInstance() on these strings (OpenJDK 17), as pieces
JAVA_BREAKS = {
    "with --create. (To alter": ["with ", "--", "create. ", "(To ", "alter"],
    "follower.replication.throttled.replicas": ["follower.", "replication.", "throttled.",
                                                "replicas"],
    "1.5 x-y a,b 100,000 abc:def x=y a;b": ["1.5 ", "x-", "y ", "a,", "b ", "100,000 ",
                                             "abc:", "def ", "x=y ", "a;", "b"],
    "ms). a..b a--b a.-b": ["ms). ", "a..", "b ", "a--", "b ", "a.", "-", "b"],
    "\ttab": ["\t", "tab"],
}


@pytest.mark.parametrize("text", list(JAVA_BREAKS))
def test_line_pieces_follow_java_break_iterator(text: str) -> None:
    assert line_pieces(text) == JAVA_BREAKS[text]


def test_help_table_layout() -> None:
    p = OptionParser()
    p.accepts("bootstrap-server", "REQUIRED: The Kafka server to connect to.") \
        .with_required_arg().described_as("server to connect to")
    p.accepts("batch-size", "The buffer size.").with_required_arg().described_as("size") \
        .of_type("Integer").defaults_to(16384)
    p.accepts("help", "Print usage information.")
    lines = p.format_help().splitlines()
    # the option column is as wide as its widest (wrapped) entry, 37 here
    assert lines[0].rstrip() == "Option" + " " * 33 + "Description"
    assert lines[2].rstrip() == ("--batch-size <Integer: size>           The buffer size. "
                                 "(default: 16384)")
    # the first fit wraps descriptions at 80 - 39 - 2 = 39 columns
    assert lines[3].rstrip() == ("--bootstrap-server <String: server to  REQUIRED: The Kafka "
                                 "server to connect")
    assert lines[4].rstrip() == "  connect to>" + " " * 26 + "  to."
    assert len({len(line) for line in lines}) == 1  # every row padded to the full width
