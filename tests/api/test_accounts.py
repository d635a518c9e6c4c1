"""Accounts through real GraphQL documents against the real database and Redis."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from repairbook.accounts import tokens
from repairbook.models.accounts import RefreshToken, Role, User
from tests.helpers import PASSWORD, Api

ME = "{ me { id nick email firstName lastName patronymic role locale marketingOptIn } }"
LOGIN = """
mutation ($login: String!, $password: String!) {
  login(login: $login, password: $password) { accessToken refreshToken user { nick } }
}"""
REFRESH = "mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }"
LOGOUT = "mutation ($t: String!) { logout(refreshToken: $t) }"
UPDATE = "mutation ($input: ProfileInput!) { updateProfile(input: $input) { firstName patronymic email locale marketingOptIn } }"
CHANGE = """
mutation ($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) { accessToken refreshToken }
}"""
SET_ROLE = (
    "mutation ($id: ID!, $role: Role!) { setUserRole(userId: $id, role: $role) { nick role } }"
)


async def test_register_then_me(api: Api) -> None:
    payload = await api.register(
        nick="Ivan.P", email="Ivan@Example.com", locale="en", marketingOptIn=True
    )
    assert payload["user"]["role"] == "CLIENT"
    me = (await api.ok(ME, token=payload["accessToken"]))["me"]
    assert me == {
        **payload["user"],
        "email": "Ivan@example.com",
        "locale": "en",
        "marketingOptIn": True,
        "nick": "Ivan.P",
    }


async def test_defaults_are_russian_and_no_marketing(api: Api) -> None:
    payload = await api.register(patronymic=None)
    assert payload["user"]["locale"] == "ru"
    assert payload["user"]["marketingOptIn"] is False
    assert payload["user"]["patronymic"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nick": "ab"}, "nick"),
        ({"nick": "bad nick"}, "nick"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 129}, "password"),
        ({"nick": "samepass", "password": "SamePass"}, "password"),
        ({"email": "me@example.com", "password": "me@example.com"}, "password"),
        ({"firstName": "  "}, "firstName"),
        ({"lastName": ""}, "lastName"),
        ({"locale": "de"}, "locale"),
    ],
)
async def test_bad_registration_names_the_field_and_stores_nothing(
    api: Api, overrides: dict[str, str], field: str
) -> None:
    n = await api.count(User)
    with pytest.raises(AssertionError):
        await api.register(**overrides)
    error = await api.error(
        "mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }",
        {
            "i": {
                "nick": "someone",
                "password": PASSWORD,
                "email": "s@example.com",
                "firstName": "A",
                "lastName": "B",
                **overrides,
            }
        },
    )
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)
    assert await api.count(User) == n


async def test_nick_and_email_are_unique_ignoring_case(api: Api) -> None:
    await api.register(nick="Petrov", email="petrov@example.com")
    nick = await api.error(
        "mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }",
        {
            "i": {
                "nick": "PETROV",
                "password": PASSWORD,
                "email": "other@example.com",
                "firstName": "A",
                "lastName": "B",
            }
        },
    )
    email = await api.error(
        "mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }",
        {
            "i": {
                "nick": "other",
                "password": PASSWORD,
                "email": "PETROV@EXAMPLE.COM",
                "firstName": "A",
                "lastName": "B",
            }
        },
    )
    assert (nick["code"], nick["field"]) == ("BAD_USER_INPUT", "nick")
    assert (email["code"], email["field"]) == ("BAD_USER_INPUT", "email")
    assert await api.count(User) == 1


async def test_concurrent_registrations_of_one_nick_exactly_one_wins(api: Api) -> None:
    query = "mutation ($i: RegisterInput!) { register(input: $i) { user { id } } }"
    bodies = await asyncio.gather(
        *(
            api.post(
                query,
                {
                    "i": {
                        "nick": "Racer" if i % 2 else "racer",
                        "password": PASSWORD,
                        "email": f"racer{i}@example.com",
                        "firstName": "A",
                        "lastName": "B",
                    }
                },
            )
            for i in range(10)
        )
    )
    winners = [b for b in bodies if "errors" not in b]
    losers = [b["errors"][0]["extensions"] for b in bodies if "errors" in b]
    assert len(winners) == 1
    assert losers == [{"code": "BAD_USER_INPUT", "field": "nick"}] * 9
    assert await api.count(User) == 1


async def test_login_by_nick_or_email_any_case(api: Api) -> None:
    await api.register(nick="Sidorov", email="sid@example.com")
    for login in ["Sidorov", "sidorov", "SID@example.com"]:
        data = await api.ok(LOGIN, {"login": login, "password": PASSWORD})
        assert data["login"]["user"]["nick"] == "Sidorov"
        assert (await api.ok(ME, token=data["login"]["accessToken"]))["me"]["nick"] == "Sidorov"


async def test_wrong_password_and_unknown_login_look_the_same(api: Api) -> None:
    await api.register(nick="known")
    wrong = await api.error(LOGIN, {"login": "known", "password": "wrong password"})
    unknown = await api.error(LOGIN, {"login": "nobody", "password": "wrong password"})
    assert wrong == unknown == {"message": "Wrong login or password", "code": "UNAUTHENTICATED"}


async def test_me_needs_a_valid_token(api: Api) -> None:
    person = await api.person()
    header, payload, signature = person.token.split(".")
    assert await api.ok(ME) == {"me": None}  # anonymous: null, not an error (issue 18)
    for bad in [f"{header}.{payload}.{signature[::-1]}", "garbage", f"{header}.{payload}."]:
        assert (await api.error(ME, token=bad))["code"] == "UNAUTHENTICATED"
    expired = tokens.issue_access_token(
        int(person.id),
        secret=api.resources.settings.secret_key.get_secret_value(),
        now=datetime.now(UTC) - timedelta(hours=1),
        ttl=timedelta(minutes=15),
    )
    error = await api.error(ME, token=expired)
    assert error == {"message": "Access token expired", "code": "UNAUTHENTICATED"}


async def test_bad_token_does_not_break_public_operations(api: Api) -> None:
    await api.register(nick="public")
    data = await api.ok(LOGIN, {"login": "public", "password": PASSWORD}, token="garbage")
    assert data["login"]["user"]["nick"] == "public"


async def test_refresh_rotates_and_the_old_token_dies(api: Api) -> None:
    person = await api.person()
    first = (await api.ok(REFRESH, {"t": person.refresh_token}))["refreshToken"]
    assert (await api.ok(ME, token=first["accessToken"]))["me"]["id"] == person.id
    second = (await api.ok(REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    assert second["refreshToken"] != first["refreshToken"]
    for used in (person.refresh_token, first["refreshToken"]):
        assert (await api.error(REFRESH, {"t": used}))["code"] == "UNAUTHENTICATED"


async def test_reusing_a_rotated_token_revokes_its_whole_family(api: Api) -> None:
    victim = await api.person()
    laptop = (await api.ok(LOGIN, {"login": victim.nick, "password": PASSWORD}))["login"]
    # The thief refreshes first with a copied token; the victim's app then presents the
    # same token, now rotated: that is reuse, and nobody holding this family keeps it.
    thief = (await api.ok(REFRESH, {"t": victim.refresh_token}))["refreshToken"]
    reused = await api.error(REFRESH, {"t": victim.refresh_token})
    assert reused == {
        "message": "Refresh token is invalid, expired or revoked",
        "code": "UNAUTHENTICATED",
    }
    assert (await api.error(REFRESH, {"t": thief["refreshToken"]}))["code"] == "UNAUTHENTICATED"
    # Another sign-in is another family and lives on.
    await api.ok(REFRESH, {"t": laptop["refreshToken"]})


async def test_concurrent_refreshes_of_one_token_count_as_reuse(api: Api) -> None:
    person = await api.person()
    bodies = await asyncio.gather(
        *(api.post(REFRESH, {"t": person.refresh_token}) for _ in range(6))
    )
    winners = [b["data"]["refreshToken"] for b in bodies if "errors" not in b]
    assert len(winners) == 1
    # The losers presented a used token, so the winner's new one was revoked with the family.
    stale = await api.error(REFRESH, {"t": winners[0]["refreshToken"]})
    assert stale["code"] == "UNAUTHENTICATED"
    async with api.resources.sessions() as db:
        live = await db.scalar(
            select(func.count()).select_from(RefreshToken).where(RefreshToken.revoked_at.is_(None))
        )
    assert live == 0


async def test_expired_refresh_token_is_refused(api: Api) -> None:
    person = await api.person()
    async with api.resources.sessions() as db, db.begin():
        await db.execute(
            update(RefreshToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (await api.error(REFRESH, {"t": person.refresh_token}))["code"] == "UNAUTHENTICATED"


async def test_logout_revokes_the_refresh_token(api: Api) -> None:
    person = await api.person()
    assert (await api.ok(LOGOUT, {"t": person.refresh_token}))["logout"] is True
    assert (await api.ok(LOGOUT, {"t": person.refresh_token}))["logout"] is False
    assert (await api.error(REFRESH, {"t": person.refresh_token}))["code"] == "UNAUTHENTICATED"


async def test_update_profile_changes_only_what_is_given(api: Api) -> None:
    person = await api.person(marketingOptIn=True)
    data = await api.ok(UPDATE, {"input": {"firstName": "Пётр", "locale": "en"}}, person.token)
    assert data["updateProfile"] == {
        "firstName": "Пётр",
        "patronymic": "Сергеевич",
        "email": f"{person.nick}@example.com",
        "locale": "en",
        "marketingOptIn": True,
    }
    data = await api.ok(
        UPDATE, {"input": {"patronymic": None, "marketingOptIn": False}}, person.token
    )
    assert data["updateProfile"]["patronymic"] is None
    assert data["updateProfile"]["marketingOptIn"] is False


async def test_update_profile_rejects_bad_or_taken_email(api: Api) -> None:
    other = await api.person()
    person = await api.person()
    taken = await api.error(
        UPDATE,
        {"input": {"email": f"{other.nick.upper()}@example.com", "firstName": "Changed"}},
        person.token,
    )
    bad = await api.error(UPDATE, {"input": {"email": "nope"}}, person.token)
    assert (taken["code"], taken["field"]) == ("BAD_USER_INPUT", "email")
    assert (bad["code"], bad["field"]) == ("BAD_USER_INPUT", "email")
    me = (await api.ok(ME, token=person.token))["me"]
    assert (me["email"], me["firstName"]) == (f"{person.nick}@example.com", "Иван")


async def test_update_profile_needs_sign_in(api: Api) -> None:
    assert (await api.error(UPDATE, {"input": {"firstName": "X"}}))["code"] == "UNAUTHENTICATED"


async def test_change_password_revokes_sessions_and_old_password(api: Api) -> None:
    person = await api.person()
    other_device = (await api.ok(LOGIN, {"login": person.nick, "password": PASSWORD}))["login"]
    data = await api.ok(CHANGE, {"current": PASSWORD, "new": "a brand new secret"}, person.token)
    for stale in (person.refresh_token, other_device["refreshToken"]):
        assert (await api.error(REFRESH, {"t": stale}))["code"] == "UNAUTHENTICATED"
    await api.ok(REFRESH, {"t": data["changePassword"]["refreshToken"]})
    old = await api.error(LOGIN, {"login": person.nick, "password": PASSWORD})
    assert old["code"] == "UNAUTHENTICATED"
    await api.ok(LOGIN, {"login": person.nick, "password": "a brand new secret"})


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("wrong password", "a brand new secret", "currentPassword"),
        (PASSWORD, "short", "newPassword"),
        (PASSWORD, PASSWORD, "newPassword"),
    ],
)
async def test_change_password_errors_change_nothing(
    api: Api, current: str, new: str, field: str
) -> None:
    person = await api.person()
    error = await api.error(CHANGE, {"current": current, "new": new}, person.token)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)
    await api.ok(REFRESH, {"t": person.refresh_token})  # sessions survive
    await api.ok(LOGIN, {"login": person.nick, "password": PASSWORD})


async def test_only_admins_set_roles(api: Api) -> None:
    client = await api.person()
    manager = await api.person(Role.MANAGER)
    admin = await api.person(Role.ADMIN)
    variables = {"id": client.id, "role": "MANAGER"}
    assert (await api.error(SET_ROLE, variables))["code"] == "UNAUTHENTICATED"
    assert (await api.error(SET_ROLE, variables, client.token))["code"] == "FORBIDDEN"
    assert (await api.error(SET_ROLE, variables, manager.token))["code"] == "FORBIDDEN"
    data = await api.ok(SET_ROLE, variables, admin.token)
    assert data["setUserRole"]["role"] == "MANAGER"
    assert (await api.ok(ME, token=client.token))["me"]["role"] == "MANAGER"


async def test_set_role_of_unknown_user(api: Api) -> None:
    admin = await api.person(Role.ADMIN)
    missing = await api.error(SET_ROLE, {"id": "999999", "role": "ADMIN"}, admin.token)
    malformed = await api.error(SET_ROLE, {"id": "abc", "role": "ADMIN"}, admin.token)
    bad_role = await api.error(SET_ROLE, {"id": admin.id, "role": "KING"}, admin.token)
    assert missing["code"] == "NOT_FOUND"
    assert (malformed["code"], malformed["field"]) == ("BAD_USER_INPUT", "userId")
    assert bad_role["code"] == "BAD_USER_INPUT"
