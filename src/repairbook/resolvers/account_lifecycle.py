"""The account lifecycle: verified email, forgotten password, leaving, one's own data."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from repairbook.accounts import ratelimit, recovery, verification
from repairbook.accounts import service as accounts
from repairbook.booking import leaving
from repairbook.db import read_only, unit_of_work
from repairbook.schema.context import Context, Info
from repairbook.schema.ids import parse_id
from repairbook.schema.permissions import ADMIN, SIGNED_IN

LINK_TOKEN = "The token from the mailed link (`…?token=`)."  # noqa: S105 - a description


@strawberry.type
class LifecycleQuery:
    @strawberry.field(
        permission_classes=SIGNED_IN,
        description=(
            "Everything the service holds about the caller, as one JSON document: profile,"
            " cars, bookings, consent history and the mail sent (152-FZ art. 14, GDPR art. 15)."
        ),
    )
    async def my_data(self, info: Info) -> JSON:
        viewer = info.context.require_user()
        async with read_only(info.context.database) as db:
            data: dict[str, Any] = await leaving.my_data(db, viewer)
        return JSON(data)


@strawberry.type
class LifecycleMutation:
    @strawberry.mutation(
        description=(
            "Follow an email verification link: its address becomes the verified `email`."
            " A forged, expired or used token is BAD_USER_INPUT on `token` with"
            " `extensions.reason` INVALID, EXPIRED or USED, and changes nothing."
        )
    )
    async def verify_email(
        self, info: Info, token: Annotated[str, strawberry.argument(description=LINK_TOKEN)]
    ) -> bool:
        c = info.context
        async with unit_of_work(c.database) as db:
            await verification.verify(db, token, settings=c.settings, now=c.now())
        return True

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description=(
            "Send the verification link again (to the pending address if there is one)."
            " A few per hour: then RATE_LIMITED with `retryAfter`."
        ),
    )
    async def resend_verification(self, info: Info) -> bool:
        c = info.context
        budget = ratelimit.mail_requests(
            c.resources.redis, c.settings, "verify", c.settings.verification_mails_per_account
        )
        async with unit_of_work(c.database) as db:
            await verification.resend(
                db, c.require_user().id, budget=budget, settings=c.settings, now=c.now()
            )
        return True

    @strawberry.mutation(
        description=(
            "Mail a link that sets a new password, valid for a short while and once. Always"
            " true, after the same time, whether or not such an account exists; too many"
            " requests from one address get RATE_LIMITED with `retryAfter`."
        )
    )
    async def request_password_reset(
        self, info: Info, login: Annotated[str, strawberry.argument(description="Nick or email.")]
    ) -> bool:
        c = info.context
        deadline = asyncio.get_running_loop().time() + c.settings.password_reset_answer_ms / 1000
        try:
            async with unit_of_work(c.database) as db:
                await recovery.request_reset(
                    db, login, address=c.client_address, settings=c.settings, now=c.now(),
                    per_address=_budget(c, "reset-address", c.settings.password_resets_per_address),
                    per_account=_budget(c, "reset-account", c.settings.password_resets_per_account),
                )  # fmt: skip
        finally:
            # The same answer after the same time, whatever was found and sent.
            await asyncio.sleep(max(deadline - asyncio.get_running_loop().time(), 0))
        return True

    @strawberry.mutation(
        description=(
            "Set a new password with a reset link's token: every session is signed out (as"
            " changePassword does) and the user is told by mail. Sign in afterwards."
        )
    )
    async def reset_password(
        self,
        info: Info,
        token: Annotated[str, strawberry.argument(description=LINK_TOKEN)],
        new_password: Annotated[str, strawberry.argument(description="8–128 characters.")],
    ) -> bool:
        c = info.context
        async with unit_of_work(c.database) as db:
            await recovery.reset(
                db, token, new_password, address=c.client_address, throttle=c.throttle,
                hasher=c.hasher, settings=c.settings, now=c.now(),
            )  # fmt: skip
        return True

    @strawberry.mutation(
        permission_classes=SIGNED_IN,
        description=(
            "Delete the caller's account: upcoming bookings are cancelled, sessions revoked,"
            " personal data erased; past visits stay in the shop's history, anonymised."
        ),
    )
    async def delete_account(
        self,
        info: Info,
        password: Annotated[str, strawberry.argument(description="The current password.")],
    ) -> bool:
        c = info.context
        async with unit_of_work(c.database) as db:
            user = await accounts.confirm_password(
                db, c.require_user().id, password,
                address=c.client_address, throttle=c.throttle, hasher=c.hasher,
            )  # fmt: skip
            await leaving.delete_account(db, user, by=user, now=c.now())
        return True

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Delete a user's account as deleteAccount does (the client is emailed).",
    )
    async def delete_user(
        self,
        info: Info,
        user_id: Annotated[strawberry.ID, strawberry.argument(description="Whose account.")],
    ) -> bool:
        c = info.context
        async with unit_of_work(c.database) as db:
            admin = await accounts.own_account(db, c.require_user().id)
            await leaving.delete_by_admin(db, admin, parse_id(user_id, "userId"), now=c.now())
        return True


def _budget(c: Context, name: str, limit: int) -> ratelimit.Budget:
    return ratelimit.mail_requests(c.resources.redis, c.settings, name, limit)
