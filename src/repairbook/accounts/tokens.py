"""Short-lived JWT access tokens and opaque, server-side refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jose import ExpiredSignatureError, JWTError, jwt

from repairbook.errors import Unauthenticated

ALGORITHM = "HS256"
ACCESS = "access"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    expires_at: datetime


def issue_access_token(user_id: int, *, secret: str, now: datetime, ttl: timedelta) -> str:
    claims = {"sub": str(user_id), "typ": ACCESS, "iat": now, "exp": now + ttl}
    return str(jwt.encode(claims, secret, algorithm=ALGORITHM))


def decode_access_token(token: str, *, secret: str) -> int:
    """The user id in a valid access token; anything forged, altered or expired is refused."""
    return read_access_token(token, secret=secret).user_id


def read_access_token(token: str, *, secret: str) -> AccessClaims:
    """Who a valid access token speaks for, and until when."""
    try:
        # The header is checked first so that `alg: none` or an asymmetric algorithm is
        # refused whatever the library would make of it; decode() also pins HS256.
        if jwt.get_unverified_header(token).get("alg") != ALGORITHM:
            raise Unauthenticated("Invalid access token")
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM])
    except ExpiredSignatureError as error:
        raise Unauthenticated("Access token expired") from error
    except JWTError as error:
        raise Unauthenticated("Invalid access token") from error
    if claims.get("typ") != ACCESS or not str(claims.get("sub", "")).isdigit():
        raise Unauthenticated("Invalid access token")
    return AccessClaims(int(claims["sub"]), datetime.fromtimestamp(int(claims["exp"]), UTC))


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """Only this digest is stored, so a leaked table cannot be replayed."""
    return hashlib.sha256(token.encode()).hexdigest()
