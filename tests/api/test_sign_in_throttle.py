"""Failed sign-ins slow guessers down without letting strangers lock the owner out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from repairbook.accounts.ratelimit import LoginThrottle
from repairbook.resources import Resources
from tests.helpers import PASSWORD, Api

LOGIN = """
mutation ($login: String!, $password: String!) {
  login(login: $login, password: $password) { accessToken user { nick } }
}"""
CHANGE = """
mutation ($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) { accessToken }
}"""
ApiAt = Callable[[str], Api]


def quick_delays(monkeypatch: pytest.MonkeyPatch, resources: Resources) -> None:
    """Delays capped at one second, so a test can wait one out."""
    short = resources.settings.model_copy(
        update={"login_delay_max_account_seconds": 1, "login_delay_max_address_seconds": 1}
    )
    monkeypatch.setattr(resources, "settings", short)


async def fail(api: Api, login: str) -> None:
    error = await api.error(LOGIN, {"login": login, "password": "guess-guess"})
    assert error["code"] == "UNAUTHENTICATED", error


async def test_one_address_is_locked_out_of_one_account(api: Api, api_at: ApiAt) -> None:
    await api.register(nick="target", email="target@example.com")
    # Nick and email are one account: alternating them does not double the budget.
    for login in ["target", "target@example.com", "TARGET", "Target@Example.com", "target"]:
        await fail(api, login)
    # Even the right password is refused from here until the window passes ...
    for login in ["TARGET", "target@example.com"]:
        limited = await api.error(LOGIN, {"login": login, "password": PASSWORD})
        assert limited["code"] == "RATE_LIMITED"
        assert "try again in" in limited["message"]
    # ... while the owner, from anywhere else, is not held up at all.
    await api_at("198.51.100.1").ok(LOGIN, {"login": "target", "password": PASSWORD})


async def test_a_success_resets_the_pair_budget(api: Api) -> None:
    await api.register(nick="forgetful")
    for _ in range(2):
        for _ in range(4):
            await fail(api, "forgetful")
        await api.ok(LOGIN, {"login": "forgetful", "password": PASSWORD})


async def test_strangers_cannot_keep_the_owner_out(
    api: Api, api_at: ApiAt, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick_delays(monkeypatch, resources)
    await api.register(nick="owner")
    await api.ok(LOGIN, {"login": "owner", "password": PASSWORD})  # home is a known address
    # Strangers, one guess each: past the account's budget of ten, guesses start to wait.
    codes = [
        (await api_at(f"192.0.2.{n + 1}").error(LOGIN, {"login": "owner", "password": "guess"}))[
            "code"
        ]
        for n in range(12)
    ]
    assert codes == ["UNAUTHENTICATED"] * 11 + ["RATE_LIMITED"]
    # A new address now has to wait its turn too: guessing is slowed down ...
    newcomer = api_at("198.51.100.7")
    limited = await newcomer.error(LOGIN, {"login": "owner", "password": PASSWORD})
    assert limited["code"] == "RATE_LIMITED"
    # ... but the owner at home signs in at once, again and again,
    for _ in range(3):
        await api.ok(LOGIN, {"login": "owner", "password": PASSWORD})
    # and from a new address after the (capped) delay, even while the strangers go on.
    await asyncio.sleep(1.1)
    await newcomer.ok(LOGIN, {"login": "owner", "password": PASSWORD})
    await asyncio.sleep(1.1)
    await fail(api_at("192.0.2.200"), "owner")
    await api.ok(LOGIN, {"login": "owner", "password": PASSWORD})


async def test_one_guesser_behind_a_nat_only_slows_the_others(
    api: Api, api_at: ApiAt, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick_delays(monkeypatch, resources)
    nat = api_at("203.0.113.50")
    await nat.register(nick="regular")
    await nat.register(nick="newcomer")
    await nat.ok(LOGIN, {"login": "regular", "password": PASSWORD})
    for n in range(21):  # one address guessing at many accounts, past its budget of twenty
        await fail(nat, f"someone{n}")
    # Someone who signed in from here before is not held up; someone new waits seconds.
    await nat.ok(LOGIN, {"login": "regular", "password": PASSWORD})
    limited = await nat.error(LOGIN, {"login": "newcomer", "password": PASSWORD})
    assert limited["code"] == "RATE_LIMITED"
    await asyncio.sleep(1.1)
    await nat.ok(LOGIN, {"login": "newcomer", "password": PASSWORD})


async def test_delays_double_up_to_their_cap(resources: Resources) -> None:
    settings = resources.settings.model_copy(
        update={"login_failures_per_account": 2, "login_delay_max_account_seconds": 5}
    )
    throttle = LoginThrottle(resources.redis, settings)
    delays = []
    for n in range(7):
        await throttle.record_failure("user:1", f"192.0.2.{n}")
        delays.append(await resources.redis.pttl("repairbook:login:delay:account:user:1"))
    # Two free failures, then 1 s, 2 s, 4 s and the cap of 5 s (minus a few ms of travel).
    expected = [None, None, 1000, 2000, 4000, 5000, 5000]
    for got, want in zip(delays, expected, strict=True):
        if want is None:
            assert got < 0
        else:
            assert want - 200 < got <= want


async def test_wrong_current_password_is_throttled_like_sign_in(api: Api) -> None:
    person = await api.person()
    for _ in range(5):
        error = await api.error(CHANGE, {"current": "guess-guess", "new": "x" * 12}, person.token)
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "currentPassword")
    limited = await api.error(
        CHANGE, {"current": PASSWORD, "new": "a brand new secret"}, person.token
    )
    assert limited["code"] == "RATE_LIMITED"
    # The sixth try, though right, changed nothing: the old password still works.
    limited = await api.error(LOGIN, {"login": person.nick, "password": PASSWORD})
    assert limited["code"] == "RATE_LIMITED"  # the same budget as signing in from here
