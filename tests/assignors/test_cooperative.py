"""The leader's check of cooperative assignments."""

from __future__ import annotations

import pytest

from engine.assignors.cooperative import (
    VIOLATION,
    reassigned_while_owned,
    validate_cooperative_assignment,
)
from engine.core.errors import IllegalStateError
from tests.assignors.helpers import tps


def test_direct_handover_is_refused_with_kafkas_text() -> None:
    owned = {"a": tps(("t", 0), ("t", 1)), "b": []}
    bad = {"a": tps(("t", 0)), "b": tps(("t", 1))}
    assert reassigned_while_owned(owned, bad) == tps(("t", 1))
    with pytest.raises(IllegalStateError) as error:
        validate_cooperative_assignment("my-assignor", owned, bad)
    assert error.value.message == VIOLATION
    # the built-in cooperative-sticky assignor is trusted, as in Kafka
    validate_cooperative_assignment("cooperative-sticky", owned, bad)


def test_revoke_first_then_assign_is_fine() -> None:
    owned = {"a": tps(("t", 0), ("t", 1)), "b": []}
    validate_cooperative_assignment("my-assignor", owned, {"a": tps(("t", 0)), "b": []})
    validate_cooperative_assignment("my-assignor", {"a": tps(("t", 0))}, {"a": [], "b": []})
    assert reassigned_while_owned({}, {"a": tps(("t", 0))}) == []


def test_transferring_ownership_names_the_new_owner() -> None:
    from engine.assignors.cooperative import transferring_ownership

    owned = {"a": tps(("t", 0), ("t", 1)), "b": tps(("t", 2))}
    moved = {"a": tps(("t", 0)), "b": tps(("t", 1), ("t", 2)), "c": tps(("t", 3))}
    assert transferring_ownership(owned, moved) == {tps(("t", 1))[0]: "b"}
