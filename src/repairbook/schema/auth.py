"""Who is calling: the bearer token on a request, resolved to a user once per request."""

from __future__ import annotations

from repairbook.accounts import service as accounts
from repairbook.accounts.tokens import read_access_token
from repairbook.db import read_only
from repairbook.errors import NotFound, Unauthenticated
from repairbook.schema.context import Context


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else ""


async def authenticate(context: Context, authorization: str | None) -> None:
    """Set `context.viewer`, or `context.auth_error` when a presented token is no good.

    A bad token does not fail public fields: it fails only where a signed-in user is needed,
    with the reason (expired, forged) in the message.
    """
    token = bearer_token(authorization)
    if token is None:
        return
    try:
        if not token:
            raise Unauthenticated("Authorization header must be 'Bearer <accessToken>'")
        claims = read_access_token(token, secret=context.settings.secret_key.get_secret_value())
        async with read_only(context.database) as db:
            context.viewer = await accounts.own_account(db, claims.user_id)
        context.access_expires_at = claims.expires_at
    except NotFound:
        context.auth_error = Unauthenticated("The account of this token no longer exists")
    except Unauthenticated as error:
        context.auth_error = error
