"""Argument type checks."""

import pytest

from engine.core.args import require_int


def test_require_int() -> None:
    assert require_int(3, "n") == 3
    for bad in ("3", 3.0, True, None):
        with pytest.raises(TypeError, match="n must be an int"):
            require_int(bad, "n")
