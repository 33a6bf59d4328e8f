"""The phone check's short path answers exactly as ``phonenumbers.parse`` + ``is_valid_number``
(every DDD, every first digit of the number, both lengths, and the prefixes parse strips)."""

from __future__ import annotations

import random

import phonenumbers

from app.adapters.identity_checks import IDENTITY_CHECKS


def parsed_is_valid(phone: str) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(phone, "BR")))
    except phonenumbers.NumberParseException:
        return False


def test_the_short_path_agrees_with_phonenumbers_parse() -> None:
    rng = random.Random(7)
    phones = [
        f"{ddd:02d}{first}" + "".join(rng.choice("0123456789") for _ in range(length - 3))
        for ddd in range(100)
        for first in range(10)
        for length in (10, 11)
        for _ in range(2)
    ]
    phones += ["9040041234", "90114004123", "5540041234", "5511987654", "0114004123"]
    answers = [(p, IDENTITY_CHECKS.phone_is_valid(p)) for p in phones]
    assert [(p, ok) for p, ok in answers if ok != parsed_is_valid(p)] == []
    assert 500 < sum(ok for _, ok in answers) < len(phones)  # both answers are exercised
