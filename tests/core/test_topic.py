"""Topic ids look like Kafka's: 22 characters of URL-safe base64 of a version-4 UUID."""

import base64
import random
import re

from engine.core.topic import new_uuid


def test_ids_are_kafka_uuids_and_deterministic() -> None:
    ids = [new_uuid(random.Random(7)) for _ in range(2)]
    assert ids[0] == ids[1]
    rng = random.Random(3)
    for _ in range(200):
        text = new_uuid(rng)
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", text)
        assert not text.startswith("-")
        raw = base64.urlsafe_b64decode(text + "==")
        assert raw[6] >> 4 == 4 and raw[8] >> 6 == 0b10
