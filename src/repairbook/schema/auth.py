"""Who is calling: the bearer token on a request, resolved to a user once per request."""

from __future__ import annotations

from repairbook.accounts import service as accounts
from repairbook.accounts.tokens import read_access_token
from repairbook.db import read_only
from repairbook.errors import NotFound, Unauthenticated
from repairbook.schema.context import Context, SignedIn


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


async def sign_in_socket(context: Context, authorization: str) -> bool:
    """A websocket's connection_init: whether its token is good. The connection remembers
    who signed in and with which password, for `reauthorise`."""
    await authenticate(context, authorization)
    if context.viewer is None:
        return False
    context.signed_in = SignedIn(context.viewer.id, context.viewer.password_hash)
    return True


async def reauthorise(context: Context) -> bool:
    """Before each operation on a websocket, as HTTP does for each request: the user row is
    read again, so a role change, a deleted account or a password change (which signs out
    everywhere) counts at once. False when the access token has run out.

    Each operation also gets fresh DataLoaders: what one operation loaded is not another's.
    """
    context.loaders = context.fresh_loaders()
    signed_in = context.signed_in
    if signed_in is None:
        return True
    if context.seconds_signed_in() == 0:
        return False
    async with read_only(context.database) as db:
        try:
            user = await accounts.get_user(db, signed_in.user_id)
        except NotFound:
            context.viewer = None
            context.auth_error = Unauthenticated("The account of this token no longer exists")
            return True
    if user.password_hash != signed_in.password_hash:
        context.viewer = None
        context.auth_error = Unauthenticated("The password was changed since: sign in again")
    else:
        context.viewer, context.auth_error = user, None
    return True
