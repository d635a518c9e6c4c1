"""Leaving: deleteAccount and an admin's deleteUser cancel upcoming bookings the usual way,
erase the person and keep the shop's history; myData shows everything held."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from repairbook.accounts.tasks import erase_deleted_users_mail
from repairbook.models.accounts import Role, User
from repairbook.models.booking import Booking, BookingStatus
from repairbook.models.cars import Car
from repairbook.models.notifications import MessageKind, MessageStatus, OutboxMessage
from repairbook.resources import Resources
from tests.api.account_support import DELETE, DELETE_USER, LOGIN, ME, MY_DATA
from tests.api.booking_support import BOOK, book_input
from tests.factories import Catalog
from tests.helpers import PASSWORD, Api, Person

REFRESH = "mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }"
UPDATE = "mutation ($i: ProfileInput!) { updateProfile(input: $i) { marketingOptIn } }"


async def booked_client(api: Api, catalog: Catalog) -> tuple[Person, str, str]:
    client, car = await api.client_with_car(catalog.model_id)
    booked = await api.ok(BOOK, book_input(catalog, car, api.at(2, "10:00")), client.token)
    return client, car, booked["bookSlot"]["id"]


async def rows(resources: Resources, user_id: str) -> tuple[User, list[Car], list[Booking]]:
    async with resources.sessions() as db:
        user = await db.get(User, int(user_id))
        assert user is not None
        cars = (await db.scalars(select(Car).where(Car.owner_id == user.id))).all()
        bookings = (await db.scalars(select(Booking).where(Booking.client_id == user.id))).all()
        return user, list(cars), list(bookings)


async def test_deleting_an_account_cancels_erases_and_keeps_the_history(
    api: Api, resources: Resources, catalog: Catalog
) -> None:
    client, _, booking_id = await booked_client(api, catalog)
    wrong = await api.error(DELETE, {"p": "not my password"}, client.token)
    assert (wrong["code"], wrong["field"]) == ("BAD_USER_INPUT", "password")
    assert (await rows(resources, client.id))[0].deleted_at is None  # nothing changed
    assert (await api.ok(DELETE, {"p": PASSWORD}, client.token))["deleteAccount"] is True
    user, cars, bookings = await rows(resources, client.id)
    assert (user.nick, user.email) == (f"deleted-{user.id}", f"deleted-{user.id}@invalid")
    assert (user.first_name, user.last_name, user.patronymic) == ("", "", None)
    assert user.deleted_at is not None
    assert not user.marketing_opt_in
    assert [(c.vin, c.plate, c.sts_number) for c in cars] == [("0" * 17, "", "")]
    assert cars[0].removed_at is not None
    assert cars[0].car_model_id == catalog.model_id  # the shop's statistics stay right
    [booking] = bookings  # still in the history, cancelled with the usual rules
    assert (str(booking.id), booking.status) == (booking_id, BookingStatus.CANCELLED)
    assert booking.price_total > 0
    # Nobody can be that person again: not with the token, the refresh token or a password.
    assert (await api.error(ME, token=client.token))["code"] == "UNAUTHENTICATED"
    assert (await api.error(REFRESH, {"t": client.refresh_token}))["code"] == "UNAUTHENTICATED"
    for login in (client.nick, f"{client.nick}@example.com", user.nick):
        refused = await api.error(LOGIN, {"l": login, "p": PASSWORD})
        assert refused["code"] == "UNAUTHENTICATED"
    # The freed address and nick can be registered again.
    await api.register(nick=client.nick, email=f"{client.nick}@example.com")


async def test_the_cancellation_goes_to_the_old_address_then_mail_is_erased(
    api: Api, resources: Resources, catalog: Catalog
) -> None:
    client, _, _ = await booked_client(api, catalog)
    await api.ok(DELETE, {"p": PASSWORD}, client.token)
    async with resources.sessions() as db:
        mail = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [(m.kind, m.recipient) for m in mail] == [
        (MessageKind.BOOKING_CONFIRMED, f"{client.nick}@example.com"),
        (MessageKind.BOOKING_CANCELLED, f"{client.nick}@example.com"),  # still to go out
    ]
    async with resources.sessions() as db, db.begin():  # the worker sent them
        await db.execute(update(OutboxMessage).values(status=MessageStatus.SENT))
    assert await erase_deleted_users_mail({"resources": resources}) == 2
    async with resources.sessions() as db:
        mail = (await db.scalars(select(OutboxMessage))).all()
    assert {(m.recipient, str(m.data), m.subject) for m in mail} == {("erased", "{}", None)}


async def test_an_admin_deletes_a_user_and_a_manager_cannot(
    api: Api, resources: Resources, catalog: Catalog
) -> None:
    admin = await api.person(role=Role.ADMIN)
    manager = await api.person(role=Role.MANAGER)
    client, _, _ = await booked_client(api, catalog)
    denied = await api.error(DELETE_USER, {"id": client.id}, manager.token)
    assert denied["code"] == "FORBIDDEN"
    self_delete = await api.error(DELETE_USER, {"id": admin.id}, admin.token)
    assert (self_delete["code"], self_delete["field"]) == ("BAD_USER_INPUT", "userId")
    assert (await api.ok(DELETE_USER, {"id": client.id}, admin.token))["deleteUser"] is True
    user, _, [booking] = await rows(resources, client.id)
    assert user.deleted_at is not None
    assert booking.status is BookingStatus.CANCELLED
    assert booking.cancel_reason == "The account was closed by the shop"
    gone = await api.error(DELETE_USER, {"id": client.id}, admin.token)
    assert gone["code"] == "NOT_FOUND"


async def test_my_data_holds_profile_cars_bookings_consent_and_mail(
    api: Api, catalog: Catalog
) -> None:
    client, car, booking_id = await booked_client(api, catalog)
    await api.ok(UPDATE, {"i": {"marketingOptIn": True}}, client.token)
    await api.ok(UPDATE, {"i": {"marketingOptIn": False}}, client.token)
    data: dict[str, Any] = (await api.ok(MY_DATA, token=client.token))["myData"]
    assert data["profile"]["nick"] == client.nick
    assert data["profile"]["emailVerified"] is True
    assert [c["id"] for c in data["cars"]] == [car]
    assert data["cars"][0]["vin"]
    assert [b["id"] for b in data["bookings"]] == [booking_id]
    assert [(c["given"], c["source"]) for c in data["consentHistory"]] == [
        (True, "profile"), (False, "profile")
    ]  # fmt: skip
    assert [m["kind"] for m in data["mail"]] == ["BOOKING_CONFIRMED"]
    assert data["mail"][0]["recipient"] == f"{client.nick}@example.com"
    assert "url" not in str(data["mail"])  # links that act are not handed out again
    assert (await api.error(MY_DATA))["code"] == "UNAUTHENTICATED"


async def test_nobody_can_take_the_name_a_deleted_account_will_get(api: Api) -> None:
    # Otherwise deleting account 1 would collide with someone registered as "deleted-1".
    for nick in ("deleted-1", "Deleted-77"):
        taken = await api.error(
            "mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }",
            {"i": {"nick": nick, "password": "a long password", "email": f"{nick}@example.com",
                   "firstName": "A", "lastName": "B"}},
        )  # fmt: skip
        assert (taken["code"], taken["field"]) == ("BAD_USER_INPUT", "nick")
