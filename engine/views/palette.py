"""How a record looks in a view: the colour of its key, and short text labels.

Every view colours a key the same way, so that a learner can follow one key across
partitions, widgets and lessons. The colour comes from a CRC-32 of the key bytes rather
than from Kafka's murmur2 hash: the partitioner already uses ``murmur2 % partitions``,
and reusing it would make colours repeat in step with partitions (with 3 partitions and
12 colours, partition 0 could only ever show 4 of them).
"""

from __future__ import annotations

import zlib

PALETTE: tuple[str, ...] = (
    "#8dd3c7",  # teal
    "#fdb462",  # orange
    "#bebada",  # lavender
    "#fb8072",  # salmon
    "#80b1d3",  # blue
    "#b3de69",  # green
    "#fccde5",  # pink
    "#ffed6f",  # gold
    "#bc80bd",  # purple
    "#ccebc5",  # mint
    "#e5c494",  # tan
    "#e78ac3",  # magenta
)
"""Background colours for keyed records. All are light, so dark text reads on each one
in both the light and the dark JupyterLab theme."""

PALETTE_SIZE = len(PALETTE)
NULL_KEY = -1
"""The colour index of a record without a key; views draw it in a neutral style."""

LABEL_CHARS = 10
TIP_CHARS = 40


def key_colour(key: bytes | None) -> int:
    """A stable palette index for ``key`` (``NULL_KEY`` when the record has no key)."""
    if key is None:
        return NULL_KEY
    return zlib.crc32(key) % PALETTE_SIZE


def colour_css(index: int) -> str:
    """The CSS colour for a palette index; ``NULL_KEY`` gets a transparent fill."""
    return "transparent" if index == NULL_KEY else PALETTE[index % PALETTE_SIZE]


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_text(data: bytes) -> str:
    """Bytes as readable text: UTF-8 where possible, ``\\xNN`` escapes elsewhere."""
    return data.decode("utf-8", errors="backslashreplace")


def key_label(key: bytes | None) -> str | None:
    """The short label drawn in a record's cell (``None`` for a record without a key)."""
    if key is None:
        return None
    return shorten(as_text(key), LABEL_CHARS) if key else '""'


def record_tip(
    offset: int, key: bytes | None, value: bytes | None, timestamp: int
) -> str:
    """The tooltip of a record's cell: its offset, key, value and timestamp."""
    key_text = "null" if key is None else repr(shorten(as_text(key), TIP_CHARS))
    value_text = "null" if value is None else repr(shorten(as_text(value), TIP_CHARS))
    return f"offset {offset} · key {key_text} · value {value_text} · timestamp {timestamp} ms"
