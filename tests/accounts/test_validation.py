from __future__ import annotations

import pytest

from repairbook.accounts import validation as v
from repairbook.errors import InvalidInput


@pytest.mark.parametrize("nick", ["abc", "Ivan_Petrov-1.x", "a" * 32])
def test_good_nicks_pass(nick: str) -> None:
    assert v.clean_nick(f" {nick} ") == nick


@pytest.mark.parametrize("nick", ["ab", "a" * 33, "иван", "ivan petrov", "ivan!", ""])
def test_bad_nicks_name_the_field(nick: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        v.clean_nick(nick)
    assert caught.value.field == "nick"


def test_email_is_normalised_and_checked() -> None:
    assert v.clean_email(" Ivan@Example.COM ") == "Ivan@example.com"
    for bad in ["ivan", "ivan@", "@example.com", "ivan@@example.com", "iv an@example.com"]:
        with pytest.raises(InvalidInput) as caught:
            v.clean_email(bad)
        assert caught.value.field == "email"


@pytest.mark.parametrize(
    "password",
    ["short7!", "x" * 129, "IvanPetrov", "IVAN@example.com"],
    ids=["too-short", "too-long", "equals-nick", "equals-email"],
)
def test_bad_passwords(password: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        v.check_password(password, nick="ivanpetrov", email="ivan@example.com")
    assert caught.value.field == "password"


def test_password_bounds_are_inclusive() -> None:
    v.check_password("x" * 8, nick="ivan", email="ivan@example.com")
    v.check_password("x" * 128, nick="ivan", email="ivan@example.com")


def test_names_and_locale() -> None:
    assert v.clean_name("  Иван   Иванович ", "firstName") == "Иван Иванович"
    assert v.clean_patronymic("   ") is None
    assert v.clean_locale("EN") == "en"
    with pytest.raises(InvalidInput) as caught:
        v.clean_name("   ", "lastName")
    assert caught.value.field == "lastName"
    with pytest.raises(InvalidInput) as caught:
        v.clean_locale("de")
    assert caught.value.field == "locale"
