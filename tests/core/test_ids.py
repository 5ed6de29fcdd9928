from __future__ import annotations

import uuid

from agentparts._ids import new_uuid4


def test_new_uuid4_is_a_canonical_random_uuid() -> None:
    ids = [new_uuid4() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_new_uuid4_varies_every_random_bit() -> None:
    # 122 of the 128 bits are random: over many ids each of them is seen both as 0 and 1.
    values = [uuid.UUID(new_uuid4()).int for _ in range(400)]
    ones = 0
    zeros = 0
    for value in values:
        ones |= value
        zeros |= ~value
    fixed = (0xF000 << 64) | (0xC000 << 48)
    random_bits = ((1 << 128) - 1) & ~fixed
    assert ones & random_bits == random_bits
    assert zeros & random_bits == random_bits
