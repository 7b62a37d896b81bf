"""Encoding of keys, values and headers, and the producer's size check."""

import pytest

from engine.core.errors import MessageSizeTooLargeError
from engine.core.produce import check_request_size, encode, encode_headers


def test_encode() -> None:
    assert encode("é", "key") == b"\xc3\xa9"
    assert encode(b"\x00", "key") == b"\x00"
    assert encode(bytearray(b"ab"), "value") == b"ab"
    assert encode(None, "value") is None
    with pytest.raises(TypeError, match="the key must be bytes, str or None, not int"):
        encode(5, "key")


def test_encode_headers() -> None:
    assert encode_headers([("a", "1"), ("a", None)]) == (("a", b"1"), ("a", None))
    assert encode_headers(None) == ()
    with pytest.raises(TypeError):
        encode_headers([("a", "1", "extra")])


def test_request_size_limit_is_kafkas() -> None:
    check_request_size(1048576 - 79)
    with pytest.raises(MessageSizeTooLargeError, match="The message is 1048577 bytes"):
        check_request_size(1048576 - 78)
