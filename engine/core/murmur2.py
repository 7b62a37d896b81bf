"""Kafka's key hash: an exact port of Java's ``Utils.murmur2`` and ``Utils.toPositive``.

Java works on signed 32-bit ints with wrap-around; here every step is masked to 32 bits
and the result is turned back into a signed value, so ``murmur2(b"21") == -973932308``
exactly as in apache/kafka's ``UtilsTest``.
"""

from __future__ import annotations

import struct

_SEED = 0x9747B28C
_M = 0x5BD1E995  # the multiplier; every product is masked back to 32 bits
_UNPACK = tuple(struct.Struct(f"<{n}I").unpack_from for n in range(64))
"""Little-endian 4-byte block readers for keys of up to 255 bytes, made once."""


def murmur2(data: bytes) -> int:
    """Return Java's ``Utils.murmur2(data)``: a signed 32-bit int."""
    length = len(data)
    h = _SEED ^ length
    blocks = length >> 2
    if blocks:
        unpack = _UNPACK[blocks] if blocks < 64 else struct.Struct(f"<{blocks}I").unpack_from
        for k in unpack(data):
            k = (k * _M) & 0xFFFFFFFF
            # (h * m) ^ ((k ^ k >>> 24) * m), masked once: masking commutes with xor
            h = ((h * _M) ^ ((k ^ (k >> 24)) * _M)) & 0xFFFFFFFF
    tail = length & 3
    if tail:  # Java's switch falls through: the last 3, 2 or 1 bytes
        if tail == 3:
            h ^= data[-1] << 16 ^ data[-2] << 8 ^ data[-3]
        elif tail == 2:
            h ^= data[-1] << 8 ^ data[-2]
        else:
            h ^= data[-1]
        h = (h * _M) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * _M) & 0xFFFFFFFF
    h ^= h >> 15
    return h - 0x100000000 if h & 0x80000000 else h


def to_positive(number: int) -> int:
    """Java's ``Utils.toPositive``: clear the sign bit (not ``abs``)."""
    return number & 0x7FFFFFFF


def partition_for_key(key: bytes, num_partitions: int) -> int:
    """The partition Kafka's producer picks for a key: ``toPositive(murmur2(key)) % n``."""
    if num_partitions <= 0:
        raise ValueError(f"num_partitions must be positive, got {num_partitions}")
    return (murmur2(key) & 0x7FFFFFFF) % num_partitions
