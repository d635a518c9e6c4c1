"""Short-lived JWT access tokens and opaque, server-side refresh tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jose import ExpiredSignatureError, JWTError, jwt

from repairbook.errors import InvalidInput, LinkRefused, Unauthenticated

ALGORITHM = "HS256"
MAX_ID = 2**63 - 1  # a user id is a PostgreSQL bigint
_SUBJECT = re.compile(r"[0-9]{1,19}")
ACCESS = "access"
UNSUBSCRIBE = "unsubscribe"  # good for one thing only: ending a user's consent to campaigns
VERIFY_EMAIL = "verify-email"  # proves that `email` reaches the user
RESET_PASSWORD = "reset-password"  # noqa: S105 - a purpose: sets a password while unchanged


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    expires_at: datetime


def issue_access_token(user_id: int, *, secret: str, now: datetime, ttl: timedelta) -> str:
    return _issue(user_id, ACCESS, secret=secret, now=now, ttl=ttl)


def issue_unsubscribe_token(user_id: int, *, secret: str, now: datetime, ttl: timedelta) -> str:
    return _issue(user_id, UNSUBSCRIBE, secret=secret, now=now, ttl=ttl)


def _issue(user_id: int, purpose: str, *, secret: str, now: datetime, ttl: timedelta) -> str:
    claims = {"sub": str(user_id), "typ": purpose, "iat": now, "exp": now + ttl}
    return str(jwt.encode(claims, secret, algorithm=ALGORITHM))


def decode_access_token(token: str, *, secret: str) -> int:
    """The user id in a valid access token; anything forged, altered or expired is refused."""
    return read_access_token(token, secret=secret).user_id


def read_access_token(token: str, *, secret: str) -> AccessClaims:
    """Who a valid access token speaks for, and until when."""
    return _read(token, ACCESS, secret=secret, name="access token")


def read_unsubscribe_token(token: str, *, secret: str) -> int:
    """The user whose consent a valid unsubscribe token ends; InvalidInput otherwise."""
    try:
        return _read(token, UNSUBSCRIBE, secret=secret, name="unsubscribe link").user_id
    except Unauthenticated as error:
        raise InvalidInput(error.message, field="token") from error


def _read(token: str, purpose: str, *, secret: str, name: str) -> AccessClaims:
    try:
        # The header is checked first so that `alg: none` or an asymmetric algorithm is
        # refused whatever the library would make of it; decode() also pins HS256.
        if jwt.get_unverified_header(token).get("alg") != ALGORITHM:
            raise Unauthenticated(f"Invalid {name}")
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM])
    except ExpiredSignatureError as error:
        raise Unauthenticated(f"{name[0].upper()}{name[1:]} expired") from error
    except JWTError as error:
        raise Unauthenticated(f"Invalid {name}") from error
    # A token made for one purpose is no good for another, and every token expires.
    expires, subject = claims.get("exp"), str(claims.get("sub", ""))
    if claims.get("typ") != purpose or not _SUBJECT.fullmatch(subject) or int(subject) > MAX_ID:
        raise Unauthenticated(f"Invalid {name}")
    if not isinstance(expires, int) or isinstance(expires, bool):
        raise Unauthenticated(f"Invalid {name}")
    return AccessClaims(int(subject), datetime.fromtimestamp(expires, UTC))


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """Only this digest is stored, so a leaked table cannot be replayed."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class LinkClaims:
    user_id: int
    bound_to: str  # what the link was made for: an address, or the password it replaces


def issue_link_token(
    user_id: int, purpose: str, bound_to: str, *, secret: str, now: datetime, ttl: timedelta
) -> str:
    """A mailed link's token: signed, for one purpose, expiring, and bound to a value that
    the link's use changes (so it works once: see `read_link_token`)."""
    claims = {"sub": str(user_id), "typ": purpose, "iat": now, "exp": now + ttl, "for": bound_to}
    return str(jwt.encode(claims, secret, algorithm=ALGORITHM))


def read_link_token(token: str, purpose: str, *, secret: str, now: datetime) -> LinkClaims:
    """The claims of a mailed link, judged against the app's clock: LinkRefused (INVALID,
    EXPIRED) otherwise. Whether it was used is for the caller, who knows the bound value."""
    if not isinstance(token, str) or not token or len(token) > 2000:
        raise LinkRefused("This link is invalid", "INVALID")
    try:
        if jwt.get_unverified_header(token).get("alg") != ALGORITHM:
            raise LinkRefused("This link is invalid", "INVALID")
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"verify_exp": False})
    except JWTError as error:
        raise LinkRefused("This link is invalid", "INVALID") from error
    subject, expires, bound = str(claims.get("sub", "")), claims.get("exp"), claims.get("for")
    if claims.get("typ") != purpose or not _SUBJECT.fullmatch(subject) or int(subject) > MAX_ID:
        raise LinkRefused("This link is invalid", "INVALID")
    if not isinstance(expires, int) or isinstance(expires, bool) or not isinstance(bound, str):
        raise LinkRefused("This link is invalid", "INVALID")
    if datetime.fromtimestamp(expires, UTC) <= now:
        raise LinkRefused("This link has expired; ask for a new one", "EXPIRED")
    return LinkClaims(int(subject), bound)


def password_fingerprint(password_hash: str, *, secret: str) -> str:
    """What a reset link is bound to: it changes with the password, so a used link (or one
    sent before another reset) is dead, without the hash itself leaving the server."""
    return hmac.new(secret.encode(), password_hash.encode(), hashlib.sha256).hexdigest()[:32]
